//! The YAML writer behind `kubectl -o yaml`, byte for byte.
//!
//! kubectl prints YAML with `sigs.k8s.io/yaml.Marshal`: the object is written as JSON, the
//! JSON is read back by go-yaml v2 (YAML 1.1) and printed by go-yaml v2's emitter, a port of
//! libyaml. This module reproduces that pipeline for the documents kubectl prints: block
//! mappings and sequences, `{}`/`[]` for empty collections, keys in go-yaml's "natural"
//! order, and the emitter's scalar styles (plain, single-quoted, double-quoted, literal)
//! with its 80-column folding. The state machine below keeps libyaml's names (`indent`,
//! `whitespace`, `indention`, `column`) so it can be read against `emitterc.go`.

use super::order::natural_cmp;
use super::scalar::{analyze, is_break, is_printable, number_text, Scalar, Style};
use serde_json::Value;

/// The emitter's preferred indentation and line width (libyaml defaults).
const BEST_INDENT: i32 = 2;
const BEST_WIDTH: usize = 80;

/// Where a node sits, which decides indentation and whether a key may be "simple".
#[derive(Clone, Copy, Default)]
struct Context {
    mapping: bool,
    simple_key: bool,
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
        // Scalars are never inside a flow collection here (only empty collections are
        // written in flow style), so the emitter's flow-context rules do not apply.
        if style == Style::Plain && (!a.block_plain_allowed || (text.is_empty() && ctx.simple_key))
        {
            style = Style::SingleQuoted;
        }
        if style == Style::SingleQuoted && !a.single_quoted_allowed {
            style = Style::DoubleQuoted;
        }
        if style == Style::Literal && (!a.block_allowed || ctx.simple_key) {
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
