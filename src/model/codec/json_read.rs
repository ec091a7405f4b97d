//! Builds the value of one JSON text that `json_scan` has already checked, the way
//! kubectl's unstructured decoding does.
//!
//! serde_json (without its `float_roundtrip` feature) may round a float to a neighbouring
//! value, while Go parses floats exactly; this reader parses numbers with Rust's exact
//! `str::parse`. Numbers become int64 when their text is an integer that fits (Go's
//! `json.Number.Int64`), floats otherwise; invalid surrogate escapes become U+FFFD, as in
//! Go; a repeated key keeps its last value.

use super::numbers::unstructured_number;
use serde_json::{Map, Value};

/// Reads one JSON value; `Err` carries Go's message for a float out of range.
pub(crate) fn read_value(text: &str) -> Result<Value, String> {
    let mut reader = Reader {
        bytes: text.as_bytes(),
        text,
        pos: 0,
    };
    reader.value()
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
}

impl Reader<'_> {
    fn skip_space(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_space();
        match self.bytes.get(self.pos) {
            Some(b'{') => {
                self.pos += 1;
                let mut map = Map::new();
                loop {
                    self.skip_space();
                    match self.bytes.get(self.pos) {
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_space();
                            self.pos += 1; // The colon.
                            let item = self.value()?;
                            map.insert(key, item);
                        }
                        Some(b',') => self.pos += 1,
                        _ => {
                            self.pos += 1;
                            return Ok(Value::Object(map));
                        }
                    }
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_space();
                    match self.bytes.get(self.pos) {
                        Some(b']') | None => {
                            self.pos += 1;
                            return Ok(Value::Array(items));
                        }
                        Some(b',') => self.pos += 1,
                        Some(_) => items.push(self.value()?),
                    }
                }
            }
            Some(b'"') => Ok(Value::String(self.string())),
            Some(b't') => self.literal(4, Value::Bool(true)),
            Some(b'f') => self.literal(5, Value::Bool(false)),
            Some(b'n') => self.literal(4, Value::Null),
            _ => self.number(),
        }
    }

    fn literal(&mut self, len: usize, value: Value) -> Result<Value, String> {
        self.pos += len;
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while matches!(
            self.bytes.get(self.pos),
            Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
        ) {
            self.pos += 1;
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::from(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => {
                // Go keeps `-0.0` a float, printed `-0`; any other whole float prints and
                // is sent as an integer, so it is stored as one.
                if f == 0.0 && f.is_sign_negative() {
                    Ok(serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number))
                } else {
                    Ok(unstructured_number(f))
                }
            }
            _ => Err(format!(
                "strconv.ParseFloat: parsing \"{text}\": value out of range"
            )),
        }
    }

    /// A string starting at the opening quote, with Go's unescaping.
    fn string(&mut self) -> String {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let start = self.pos;
            while !matches!(self.bytes.get(self.pos), Some(b'"' | b'\\') | None) {
                self.pos += 1;
            }
            out.push_str(self.text.get(start..self.pos).unwrap_or(""));
            match self.bytes.get(self.pos) {
                Some(b'\\') => {
                    let escape = self.bytes.get(self.pos + 1).copied().unwrap_or(b'"');
                    self.pos += 2;
                    match escape {
                        b'b' => out.push('\u{8}'),
                        b'f' => out.push('\u{c}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => out.push(self.unicode_escape()),
                        other => out.push(char::from(other)),
                    }
                }
                _ => {
                    self.pos += 1;
                    return out;
                }
            }
        }
    }

    /// The rune of a `\uXXXX` escape (after `\u`), joining a surrogate pair when one follows.
    fn unicode_escape(&mut self) -> char {
        let first = self.hex4(self.pos);
        self.pos += 4;
        let pair_follows = self
            .text
            .get(self.pos..)
            .is_some_and(|t| t.starts_with("\\u"));
        if (0xD800..0xDC00).contains(&first) && pair_follows {
            let second = self.hex4(self.pos + 2);
            if (0xDC00..0xE000).contains(&second) {
                self.pos += 6;
                let c = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00);
                return char::from_u32(c).unwrap_or('\u{FFFD}');
            }
        }
        char::from_u32(first).unwrap_or('\u{FFFD}')
    }

    fn hex4(&self, at: usize) -> u32 {
        self.text
            .get(at..at + 4)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .unwrap_or(0xFFFD)
    }
}
