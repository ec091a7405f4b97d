//! The YAML writer behind `kubectl -o yaml`, byte for byte.
//!
//! kubectl prints YAML with `sigs.k8s.io/yaml.Marshal`: the object is written as JSON, the
//! JSON is read back by go-yaml v2 (YAML 1.1) and printed by go-yaml v2's emitter, a port of
//! libyaml. This module reproduces that pipeline for the documents kubectl prints: block
//! mappings and sequences, `{}`/`[]` for empty collections, keys in go-yaml's "natural"
//! order, and the emitter's scalar styles (plain, single-quoted, double-quoted, literal)
//! with its 80-column folding. The state machine below keeps libyaml's names (`indent`,
//! `whitespace`, `indention`, `column`) so it can be read against `emitterc.go`.

use super::numbers::{format_g, format_json};
use super::resolve::{is_base60_float, resolve, Resolved};
use serde_json::Value;
use std::cmp::Ordering;

/// The emitter's preferred indentation and line width (libyaml defaults).
const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// Scalar styles, as requested by the encoder and then settled by the emitter.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Style {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
}

/// Where a node sits, which decides indentation and whether a key may be "simple".
#[derive(Clone, Copy, Default)]
struct Context {
    mapping: bool,
    simple_key: bool,
}

/// `yaml_emitter_analyze_scalar`: which styles can represent the text.
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable`: characters outside the Basic Multilingual Plane count as
/// unprintable, so emoji are written as `\U` escapes in double quotes.
fn is_printable(c: char) -> bool {
    matches!(c as u32, 0x0A | 0x20..=0x7E | 0xA0..=0xD7FF | 0xE000..=0xFFFD) && c != '\u{FEFF}'
}

fn analyze(value: &[char]) -> Analysis {
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
fn requested_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if resolve(s) == Resolved::Str && !is_base60_float(s) {
        Style::Plain
    } else {
        Style::DoubleQuoted
    }
}

/// A scalar ready to emit: its text and requested style.
struct Scalar {
    text: Vec<char>,
    style: Style,
}

impl Scalar {
    fn string(s: &str) -> Scalar {
        let s = reread_as_json_string(s);
        Scalar {
            style: requested_style(&s),
            text: s.chars().collect(),
        }
    }

    fn plain(s: &str) -> Scalar {
        Scalar {
            text: s.chars().collect(),
            style: Style::Plain,
        }
    }
}

/// kubectl's YAML is printed from JSON text that go-yaml reads back in double quotes.
/// Go's JSON encoder leaves U+0085 (NEL) unescaped, and YAML treats it as a line break
/// inside a quoted scalar: it folds to a space (two in a row give a newline), and spaces
/// around it are trimmed. Every other line break is escaped by the JSON encoder.
fn reread_as_json_string(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains('\u{85}') {
        return s.into();
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i] != ' ' && chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
        }
        let mut whitespace = String::new();
        let (mut leading_break, mut trailing_breaks) = (false, 0);
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if !leading_break {
                    whitespace.push(' ');
                }
            } else if !leading_break {
                whitespace.clear();
                leading_break = true;
            } else {
                trailing_breaks += 1;
            }
            i += 1;
        }
        if !leading_break {
            out.push_str(&whitespace);
        } else if trailing_breaks == 0 {
            out.push(' ');
        } else {
            out.extend(std::iter::repeat_n('\n', trailing_breaks));
        }
    }
    out.into()
}

/// Characters go-yaml's reader refuses (`control characters are not allowed`); Go's JSON
/// encoder passes them through raw, so kubectl cannot print a document containing one.
pub(crate) fn is_refused_by_reader(c: char) -> bool {
    matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF)
}

/// go-yaml v2's `keyList.Less` for string keys: letters sort before other characters,
/// and runs of digits compare by numeric value (`key2` < `key10`).
pub(crate) fn natural_cmp(a: &str, b: &str) -> Ordering {
    if natural_less(a, b) {
        Ordering::Less
    } else if natural_less(b, a) {
        Ordering::Greater
    } else {
        Ordering::Equal
    }
}

fn natural_less(a: &str, b: &str) -> bool {
    let is_letter = |c: char| c.is_alphabetic();
    let is_digit = |c: char| c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric());
    let digit_value = |c: char| i64::from(c as u32) - i64::from('0' as u32);
    let (ar, br): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    for i in 0..ar.len().min(br.len()) {
        if ar[i] == br[i] {
            continue;
        }
        let (al, bl) = (is_letter(ar[i]), is_letter(br[i]));
        if al && bl {
            return ar[i] < br[i];
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ar[i] == '0' || br[i] == '0' {
            // A zero continuing an earlier non-zero digit run counts as a digit, not padding.
            let mut j = i;
            while j > 0 && is_digit(ar[j - 1]) {
                j -= 1;
                if ar[j] != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_digit(ar[ai]) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ar[ai]));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_digit(br[bi]) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(br[bi]));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ar[i] < br[i];
    }
    ar.len() < br.len()
}

/// Writes one YAML document for `value` exactly as `sigs.k8s.io/yaml.Marshal` would.
pub(crate) fn emit_document(value: &Value) -> String {
    let mut e = Emitter {
        out: String::new(),
        column: 0,
        indent: -1,
        indents: Vec::new(),
        whitespace: true,
        indention: true,
        flow_level: 0,
    };
    e.node(value, Context::default());
    e.write_indent();
    e.out
}

/// The emitter state of libyaml, reduced to what block documents need.
struct Emitter {
    out: String,
    column: usize,
    indent: i32,
    indents: Vec<i32>,
    whitespace: bool,
    indention: bool,
    flow_level: u32,
}

impl Emitter {
    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { BEST_INDENT } else { 0 };
        } else if !indentless {
            self.indent += BEST_INDENT;
        }
    }

    fn decrease_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, text: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in text.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn node(&mut self, value: &Value, ctx: Context) {
        match value {
            Value::Null => self.scalar(&Scalar::plain("null"), ctx),
            Value::Bool(b) => self.scalar(&Scalar::plain(if *b { "true" } else { "false" }), ctx),
            Value::Number(n) => self.scalar(&Scalar::plain(&number_text(n)), ctx),
            Value::String(s) => self.scalar(&Scalar::string(s), ctx),
            Value::Array(items) if items.is_empty() => self.empty_flow("[", "]"),
            Value::Object(map) if map.is_empty() => self.empty_flow("{", "}"),
            Value::Array(items) => {
                self.increase_indent(false, ctx.mapping && !self.indention);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.node(item, Context::default());
                }
                self.decrease_indent();
            }
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_by(|a, b| natural_cmp(a.0, b.0));
                self.increase_indent(false, false);
                for (key, item) in entries {
                    self.write_indent();
                    let key = Scalar::string(key);
                    let value_ctx = Context {
                        mapping: true,
                        simple_key: false,
                    };
                    if !analyze(&key.text).multiline
                        && key.text.iter().map(|c| c.len_utf8()).sum::<usize>() <= 128
                    {
                        self.scalar(
                            &key,
                            Context {
                                mapping: true,
                                simple_key: true,
                            },
                        );
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.scalar(&key, value_ctx);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(item, value_ctx);
                }
                self.decrease_indent();
            }
        }
    }

    /// An empty sequence or mapping is written in flow style: `[]` or `{}`.
    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.increase_indent(true, false);
        self.flow_level += 1;
        self.flow_level -= 1;
        self.decrease_indent();
        self.write_indicator(close, false, false, false);
    }

    /// `yaml_emitter_select_scalar_style` followed by the matching writer.
    fn scalar(&mut self, scalar: &Scalar, ctx: Context) {
        let text = &scalar.text;
        let a = analyze(text);
        let mut style = scalar.style;
        if ctx.simple_key && a.multiline {
            style = Style::DoubleQuoted;
        }
        if style == Style::Plain {
            if (self.flow_level == 0 && !a.block_plain_allowed)
                || (text.is_empty() && (self.flow_level > 0 || ctx.simple_key))
            {
                style = Style::SingleQuoted;
            }
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || self.flow_level > 0 || ctx.simple_key) {
            style = Style::DoubleQuoted;
        }
        self.increase_indent(true, false);
        let allow_breaks = !ctx.simple_key;
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::SingleQuoted => self.write_single_quoted(text, allow_breaks),
            Style::DoubleQuoted => self.write_double_quoted(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
        self.decrease_indent();
    }

    fn write_plain(&mut self, text: &[char], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let (mut spaces, mut breaks) = (false, false);
        for (i, &c) in text.iter().enumerate() {
            if c == ' ' {
                let next_is_space = text.get(i + 1) == Some(&' ');
                if allow_breaks && !spaces && self.column > BEST_WIDTH && !next_is_space {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted(&mut self, text: &[char], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let (mut spaces, mut breaks) = (false, false);
        let last = text.len().saturating_sub(1);
        for (i, &c) in text.iter().enumerate() {
            if c == ' ' {
                let next_is_space = text.get(i + 1) == Some(&' ');
                if allow_breaks
                    && !spaces
                    && self.column > BEST_WIDTH
                    && i > 0
                    && i < last
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, text: &[char], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml's `is_bom` looks at the start of the value, not at the current
        // character: a value that starts with U+FEFF has every character escaped.
        let bom = text.first() == Some(&'\u{FEFF}');
        let mut spaces = false;
        let last = text.len().saturating_sub(1);
        for (i, &c) in text.iter().enumerate() {
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{7}' => self.put('a'),
                    '\u{8}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{b}' => self.put('v'),
                    '\u{c}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1b}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{a0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = match v {
                            0..=0xFF => ('x', 2),
                            0x100..=0xFFFF => ('u', 4),
                            _ => ('U', 8),
                        };
                        self.put(letter);
                        for hex in format!("{v:0width$X}").chars() {
                            self.put(hex);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > BEST_WIDTH && i > 0 && i < last {
                    self.write_indent();
                    if text.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, text: &[char]) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space
        // or a break, and the chomping indicator from the trailing line breaks.
        if text.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            self.write_indicator(&BEST_INDENT.to_string(), false, false, false);
        }
        let chomp = match text {
            [] => Some("-"),
            [.., last] if !is_break(*last) => Some("-"),
            [_] => Some("+"),
            [.., before, _] if is_break(*before) => Some("+"),
            _ => None,
        };
        if let Some(chomp) = chomp {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in text {
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

/// A JSON number as go-yaml prints it after reading it back from Go's JSON text: integers
/// as they are, floats through Go's JSON formatting and then YAML resolution (so `3.0`
/// becomes the integer `3` and `1234567.5` the float `1.2345675e+06`).
fn number_text(n: &serde_json::Number) -> String {
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
