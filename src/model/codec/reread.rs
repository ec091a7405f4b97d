//! What happens when go-yaml reads back the JSON text kubectl hands it.
//!
//! `sigs.k8s.io/yaml.Marshal` writes the object as JSON and parses that text as YAML before
//! printing it. Go's JSON encoder escapes control characters, quotes, `<`, `>`, `&`, U+2028
//! and U+2029, but writes everything else raw, and three raw characters change the outcome:
//!
//! - U+0085 (NEL) is a YAML line break: inside a quoted value it folds to a space, and a
//!   map key containing it is no longer a valid key, so printing fails with
//!   `yaml: line N: did not find expected ',' or '}'` (N counts the NELs read so far);
//! - a key whose JSON text is 1023 characters or longer fails the same way (libyaml only
//!   looks 1024 characters back for a key);
//! - DEL, the C1 controls, U+FFFE and U+FFFF are refused by go-yaml's reader
//!   (`yaml: control characters are not allowed`).

use serde_json::Value;

/// kubectl's YAML is printed from JSON text that go-yaml reads back in double quotes.
/// Go's JSON encoder leaves U+0085 (NEL) unescaped, and YAML treats it as a line break
/// inside a quoted scalar: it folds to a space (two in a row give a newline), and spaces
/// around it are trimmed. Every other line break is escaped by the JSON encoder.
pub(crate) fn reread_as_json_string(s: &str) -> std::borrow::Cow<'_, str> {
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

/// Characters go-yaml's reader refuses; Go's JSON encoder passes them through raw.
fn refused_by_reader(c: char) -> bool {
    matches!(c as u32, 0x7F..=0x84 | 0x86..=0x9F | 0xFFFE | 0xFFFF)
}

/// The error kubectl prints instead of YAML for `value`, if go-yaml cannot read back the
/// JSON text of it (see the module documentation).
pub(crate) fn reread_error(value: &Value) -> Option<String> {
    if has_refused_character(value) {
        return Some("yaml: control characters are not allowed".to_string());
    }
    let mut lines = 0;
    let line = first_broken_key(value, &mut lines)?;
    Some(if line == 0 {
        "yaml: did not find expected ',' or '}'".to_string()
    } else {
        format!("yaml: line {line}: did not find expected ',' or '}}'")
    })
}

fn has_refused_character(value: &Value) -> bool {
    let refused = |s: &str| s.chars().any(refused_by_reader);
    match value {
        Value::String(s) => refused(s),
        Value::Array(items) => items.iter().any(has_refused_character),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| refused(k) || has_refused_character(v)),
        _ => false,
    }
}

/// Walks the value in JSON text order counting NEL line breaks; returns the line of the
/// first key go-yaml cannot take as a key.
fn first_broken_key(value: &Value, lines: &mut usize) -> Option<usize> {
    let nels = |s: &str| s.matches('\u{85}').count();
    match value {
        Value::String(s) => {
            *lines += nels(s);
            None
        }
        Value::Array(items) => items.iter().find_map(|item| first_broken_key(item, lines)),
        Value::Object(map) => {
            for (key, item) in map {
                *lines += nels(key);
                if key.contains('\u{85}') || json_text_len(key) >= 1023 {
                    return Some(*lines);
                }
                if let Some(line) = first_broken_key(item, lines) {
                    return Some(line);
                }
            }
            None
        }
        _ => None,
    }
}

/// Characters in Go's JSON encoding of `s`, without the quotes.
fn json_text_len(s: &str) -> usize {
    s.chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum()
}
