//! JSON manifests as kubectl reads them.
//!
//! When a manifest starts with `{`, kubectl reads it with Go's `json.Decoder`, which accepts
//! several concatenated values. This module is Go's JSON scanner (`scanner.go`): it finds
//! the value boundaries and the first syntax error with Go's wording and offset (`json:
//! offset 9: invalid character '}' looking for beginning of object key string`, or
//! `unexpected EOF` when the text stops inside a value). The values themselves are then
//! parsed by serde_json.

/// The first syntax error of a JSON stream, in Go's words.
#[derive(Debug, PartialEq)]
pub(crate) struct JsonSyntaxError {
    /// Byte index of the offending character; `None` for `unexpected EOF`.
    pub index: Option<usize>,
    /// The text kubectl prints after `error parsing <source>: `.
    pub message: String,
}

/// Nesting limit. Go's scanner allows 10000 levels; kubeniwa stops at 1000 so that reading,
/// printing and dropping the value cannot exhaust the browser's stack. The error text is
/// Go's (`invalid character '[' exceeded max depth`).
const MAX_DEPTH: usize = 1000;

/// The parse stack of Go's JSON scanner.
#[derive(Clone, Copy, PartialEq)]
enum Within {
    ObjectKey,
    ObjectValue,
    ArrayValue,
}

/// The step functions of Go's `encoding/json` scanner (`scanner.go`).
#[derive(Clone, Copy, PartialEq)]
enum State {
    BeginValue,
    BeginValueOrEmpty,
    BeginStringOrEmpty,
    BeginString,
    EndValue,
    InString,
    InStringEsc,
    InStringEscU(u8),
    Neg,
    One,
    Zero,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    /// Inside `true`, `false` or `null`: the literal and how many bytes matched.
    Literal(&'static str, usize),
}

/// What one byte did to the current top-level value.
enum Step {
    Continue,
    /// The value ended with this byte (a closing bracket).
    EndedWith,
    /// The value had already ended; this byte belongs to what follows.
    EndedBefore,
}

struct Scanner {
    state: State,
    stack: Vec<Within>,
}

/// Splits `text` into the byte ranges of its JSON values, as Go's `json.Decoder` reads
/// them one after another, stopping at the first syntax error.
pub(crate) fn split_stream(text: &str) -> Result<Vec<(usize, usize)>, JsonSyntaxError> {
    let bytes = text.as_bytes();
    let mut values = Vec::new();
    let mut pos = 0;
    loop {
        while pos < bytes.len() && is_space(bytes[pos]) {
            pos += 1;
        }
        if pos == bytes.len() {
            return Ok(values);
        }
        let start = pos;
        let mut scanner = Scanner {
            state: State::BeginValue,
            stack: Vec::new(),
        };
        let mut end = None;
        while pos < bytes.len() {
            let c = bytes[pos];
            match scanner.step(c) {
                Ok(Step::Continue) => pos += 1,
                Ok(Step::EndedWith) => {
                    pos += 1;
                    end = Some(pos);
                    break;
                }
                Ok(Step::EndedBefore) => {
                    end = Some(pos);
                    break;
                }
                Err(context) => {
                    return Err(JsonSyntaxError {
                        index: Some(pos),
                        message: format!(
                            "json: offset {}: invalid character {} {context}",
                            pos + 1,
                            quote_char(c)
                        ),
                    })
                }
            }
        }
        let end = match end {
            Some(end) => end,
            // At the end of input a number may still complete; anything else is cut short.
            None => match scanner.step(b' ') {
                Ok(Step::EndedBefore) => pos,
                _ => {
                    return Err(JsonSyntaxError {
                        index: None,
                        message: "unexpected EOF".to_string(),
                    })
                }
            },
        };
        values.push((start, end));
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

impl Scanner {
    fn step(&mut self, c: u8) -> Result<Step, &'static str> {
        use State::*;
        match self.state {
            BeginValueOrEmpty if c == b']' => self.end_value(c),
            BeginValue | BeginValueOrEmpty => self.begin_value(c),
            BeginStringOrEmpty if c == b'}' => {
                if let Some(top) = self.stack.last_mut() {
                    *top = Within::ObjectValue;
                }
                self.end_value(c)
            }
            BeginStringOrEmpty | BeginString => {
                if is_space(c) {
                    Ok(Step::Continue)
                } else if c == b'"' {
                    self.state = InString;
                    Ok(Step::Continue)
                } else {
                    Err("looking for beginning of object key string")
                }
            }
            EndValue => self.end_value(c),
            InString => match c {
                b'"' => {
                    self.state = EndValue;
                    Ok(Step::Continue)
                }
                b'\\' => {
                    self.state = InStringEsc;
                    Ok(Step::Continue)
                }
                c if c < 0x20 => Err("in string literal"),
                _ => Ok(Step::Continue),
            },
            InStringEsc => match c {
                b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => {
                    self.state = InString;
                    Ok(Step::Continue)
                }
                b'u' => {
                    self.state = InStringEscU(0);
                    Ok(Step::Continue)
                }
                _ => Err("in string escape code"),
            },
            InStringEscU(n) if c.is_ascii_hexdigit() => {
                self.state = if n == 3 {
                    InString
                } else {
                    InStringEscU(n + 1)
                };
                Ok(Step::Continue)
            }
            InStringEscU(_) => Err("in \\u hexadecimal character escape"),
            Neg => match c {
                b'0' => self.go(Zero),
                b'1'..=b'9' => self.go(One),
                _ => Err("in numeric literal"),
            },
            One if c.is_ascii_digit() => Ok(Step::Continue),
            One | Zero => match c {
                b'.' => self.go(Dot),
                b'e' | b'E' => self.go(E),
                _ => self.end_value(c),
            },
            Dot if c.is_ascii_digit() => self.go(Dot0),
            Dot => Err("after decimal point in numeric literal"),
            Dot0 => match c {
                b'0'..=b'9' => Ok(Step::Continue),
                b'e' | b'E' => self.go(E),
                _ => self.end_value(c),
            },
            E if c == b'+' || c == b'-' => self.go(ESign),
            E | ESign if c.is_ascii_digit() => self.go(E0),
            E | ESign => Err("in exponent of numeric literal"),
            E0 if c.is_ascii_digit() => Ok(Step::Continue),
            E0 => self.end_value(c),
            Literal(word, matched) => {
                if c == word.as_bytes()[matched] {
                    self.state = if matched + 1 == word.len() {
                        EndValue
                    } else {
                        Literal(word, matched + 1)
                    };
                    Ok(Step::Continue)
                } else {
                    Err(literal_context(word, matched))
                }
            }
        }
    }

    fn go(&mut self, state: State) -> Result<Step, &'static str> {
        self.state = state;
        Ok(Step::Continue)
    }

    fn begin_value(&mut self, c: u8) -> Result<Step, &'static str> {
        use State::*;
        match c {
            c if is_space(c) => Ok(Step::Continue),
            b'{' | b'[' if self.stack.len() >= MAX_DEPTH => Err("exceeded max depth"),
            b'{' => {
                self.stack.push(Within::ObjectKey);
                self.go(BeginStringOrEmpty)
            }
            b'[' => {
                self.stack.push(Within::ArrayValue);
                self.go(BeginValueOrEmpty)
            }
            b'"' => self.go(InString),
            b'-' => self.go(Neg),
            b'0' => self.go(Zero),
            b'1'..=b'9' => self.go(One),
            b't' => self.go(Literal("true", 1)),
            b'f' => self.go(Literal("false", 1)),
            b'n' => self.go(Literal("null", 1)),
            _ => Err("looking for beginning of value"),
        }
    }

    fn end_value(&mut self, c: u8) -> Result<Step, &'static str> {
        let Some(&top) = self.stack.last() else {
            return Ok(Step::EndedBefore);
        };
        if is_space(c) {
            self.state = State::EndValue;
            return Ok(Step::Continue);
        }
        match (top, c) {
            (Within::ObjectKey, b':') => {
                if let Some(t) = self.stack.last_mut() {
                    *t = Within::ObjectValue;
                }
                self.go(State::BeginValue)
            }
            (Within::ObjectKey, _) => Err("after object key"),
            (Within::ObjectValue, b',') => {
                if let Some(t) = self.stack.last_mut() {
                    *t = Within::ObjectKey;
                }
                self.go(State::BeginString)
            }
            (Within::ArrayValue, b',') => self.go(State::BeginValue),
            (Within::ObjectValue, b'}') | (Within::ArrayValue, b']') => {
                self.stack.pop();
                self.state = State::EndValue;
                Ok(if self.stack.is_empty() {
                    Step::EndedWith
                } else {
                    Step::Continue
                })
            }
            (Within::ObjectValue, _) => Err("after object key:value pair"),
            (Within::ArrayValue, _) => Err("after array element"),
        }
    }
}

fn literal_context(word: &str, matched: usize) -> &'static str {
    match (word, matched) {
        ("true", 1) => "in literal true (expecting 'r')",
        ("true", 2) => "in literal true (expecting 'u')",
        ("true", _) => "in literal true (expecting 'e')",
        ("false", 1) => "in literal false (expecting 'a')",
        ("false", 2) => "in literal false (expecting 'l')",
        ("false", 3) => "in literal false (expecting 's')",
        ("false", _) => "in literal false (expecting 'e')",
        ("null", 1) => "in literal null (expecting 'u')",
        _ => "in literal null (expecting 'l')",
    }
}

/// Go's `quoteChar`: the byte as a rune, quoted with single quotes.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        b'\\' => "'\\\\'".to_string(),
        0x07 => "'\\a'".to_string(),
        0x08 => "'\\b'".to_string(),
        0x0C => "'\\f'".to_string(),
        b'\n' => "'\\n'".to_string(),
        b'\r' => "'\\r'".to_string(),
        b'\t' => "'\\t'".to_string(),
        0x0B => "'\\v'".to_string(),
        0x20..=0x7E => format!("'{}'", char::from(c)),
        0x00..=0x1F | 0x7F => format!("'\\x{c:02x}'"),
        0x80..=0xA0 | 0xAD => format!("'\\u{c:04x}'"),
        _ => format!("'{}'", char::from(c)),
    }
}
