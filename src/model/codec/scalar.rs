//! How go-yaml v2 decides a scalar's style.
//!
//! The encoder first asks for a style (`stringv` in `encode.go`): a literal block for text
//! with a newline, plain text if it would read back as the same string, double quotes
//! otherwise. The emitter then checks what the characters allow
//! (`yaml_emitter_analyze_scalar`) and falls back: plain to single quotes (`'*'`, `'a: b'`,
//! `' a'`), single quotes or literal blocks to double quotes (tabs, trailing spaces before
//! a newline, characters outside the Basic Multilingual Plane).

use super::numbers::{format_g, format_json};
use super::reread::reread_as_json_string;
use super::resolve::{is_base60_float, resolve, Resolved};

/// Scalar styles, as requested by the encoder and then settled by the emitter.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Style {
    /// Unquoted.
    Plain,
    /// In single quotes.
    SingleQuoted,
    /// In double quotes, with escapes.
    DoubleQuoted,
    /// A `|` block.
    Literal,
}

/// `yaml_emitter_analyze_scalar`: which styles can represent the text.
pub(crate) struct Analysis {
    /// The text contains a line break.
    pub multiline: bool,
    /// It may be written plain in block context.
    pub block_plain_allowed: bool,
    /// It may be written in single quotes.
    pub single_quoted_allowed: bool,
    /// It may be written as a literal block.
    pub block_allowed: bool,
}

pub(crate) fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

pub(crate) fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable`: characters outside the Basic Multilingual Plane count as
/// unprintable, so emoji are written as `\U` escapes in double quotes.
pub(crate) fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

pub(crate) fn analyze(value: &[char]) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let starts = |p: &str| value.iter().take(3).copied().eq(p.chars());
    let mut block_indicators = value.len() >= 3 && (starts("---") || starts("..."));
    let (mut line_breaks, mut special) = (false, false);
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let last = value.len() - 1;
    for (i, &c) in value.iter().enumerate() {
        let followed_by_whitespace = value.get(i + 1).is_none_or(|&n| is_blank(n));
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            leading_space |= i == 0;
            trailing_space |= i == last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= i == 0;
            trailing_break |= i == last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break || line_breaks {
        a.block_plain_allowed = false;
    }
    if trailing_space {
        a.block_allowed = false;
    }
    if break_space {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
    }
    if space_break || special {
        a.block_plain_allowed = false;
        a.single_quoted_allowed = false;
        a.block_allowed = false;
    }
    if block_indicators {
        a.block_plain_allowed = false;
    }
    a
}

/// The style go-yaml's encoder asks for (`stringv`): literal for text with a newline,
/// plain if the text reads back as the same string, otherwise double-quoted.
pub(crate) fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve(s) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// A scalar ready to emit: its text and requested style.
pub(crate) struct Scalar {
    /// The characters to write.
    pub text: Vec<char>,
    /// The style the encoder asks for.
    pub style: Style,
}

impl Scalar {
    /// A string value or key, as Go's JSON round trip leaves it.
    pub(crate) fn string(s: &str) -> Scalar {
        let s = reread_as_json_string(s);
        Scalar {
            style: requested_style(&s),
            text: s.chars().collect(),
        }
    }

    /// A null, boolean or number, always requested plain.
    pub(crate) fn plain(s: &str) -> Scalar {
        Scalar {
            text: s.chars().collect(),
            style: Style::Plain,
        }
    }
}

/// A JSON number as go-yaml prints it after reading it back from Go's JSON text: integers
/// as they are, floats through Go's JSON formatting and then YAML resolution (so `3.0`
/// becomes the integer `3` and `1234567.5` the float `1.2345675e+06`).
pub(crate) fn number_text(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        return i.to_string();
    }
    if let Some(u) = n.as_u64() {
        return u.to_string();
    }
    let f = n.as_f64().unwrap_or(0.0);
    let json = format_json(f);
    match resolve(&json) {
        Resolved::Int(i) => i.to_string(),
        Resolved::Uint(u) => u.to_string(),
        Resolved::Float(g) => format_g(g, false),
        _ => json,
    }
}
