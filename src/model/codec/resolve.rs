//! YAML 1.1 plain-scalar resolution exactly as go-yaml v2 performs it.
//!
//! kubectl 1.32 converts YAML with `sigs.k8s.io/yaml` v1.4.0, which embeds a fork of
//! go-yaml v2 (`sigs.k8s.io/yaml/goyaml.v2`). That library implements YAML 1.1: an unquoted
//! `yes`, `on` or `y` is a boolean, `0644` is an octal integer, `1_000` is 1000. The same
//! `resolve` function also decides, on the way out, whether a string can be printed plain
//! or must be double-quoted (a string that would read back as something else is quoted).
//! This module owns that one decision table (`resolve.go`) and the base-60 float check of
//! `encode.go`; timestamps are recognised by [`super::timestamp`].

use super::timestamp::is_timestamp;

/// What an unquoted scalar means to go-yaml v2.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Resolved {
    /// `~`, `null`, `Null`, `NULL` or the empty scalar.
    Null,
    /// One of the YAML 1.1 boolean spellings.
    Bool(bool),
    /// An integer that fits in `i64` (Go `int`).
    Int(i64),
    /// An integer above `i64::MAX` that fits in `u64` (Go `uint64`).
    Uint(u64),
    /// A float, including `.inf` and `.nan`.
    Float(f64),
    /// A timestamp: decoded into `interface{}` it stays a string, but it is quoted on output.
    Timestamp,
    /// Anything else: a string.
    Str,
}

/// Resolves an unquoted, untagged scalar the way go-yaml v2's `resolve("", s)` does.
///
/// The first byte selects a hint (`resolveTable`): sign, digit, a letter that may start
/// a boolean or null, or a dot. Strings whose first byte has no hint (`<<`, `=`, `abc`…)
/// are strings without further checks.
pub(crate) fn resolve(s: &str) -> Resolved {
    let hint = match s.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => return Resolved::Str,
    };
    if let Some(known) = lookup(s) {
        return known;
    }
    match hint {
        b'.' => match parse_dot_float(s) {
            Some(f) => Resolved::Float(f),
            None => Resolved::Str,
        },
        b'D' | b'S' => resolve_number(s),
        _ => Resolved::Str,
    }
}

/// The fixed spellings of `resolveMap`.
fn lookup(s: &str) -> Option<Resolved> {
    Some(match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// The digit-or-sign branch: timestamp, then `strconv.ParseInt(s, 0, 64)` and
/// `ParseUint` with underscores removed, then the YAML float pattern, then `0b` forms.
fn resolve_number(s: &str) -> Resolved {
    if is_timestamp(s) {
        return Resolved::Timestamp;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    if let Some(i) = go_parse_int(&plain, 0) {
        return Resolved::Int(i);
    }
    if let Some(u) = go_parse_uint(&plain, 0) {
        return Resolved::Uint(u);
    }
    if is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            // Go reports overflow to infinity as a range error, so the value stays a string.
            if f.is_finite() {
                return Resolved::Float(f);
            }
        }
    }
    if let Some(rest) = plain.strip_prefix("0b") {
        if let Some(i) = go_parse_int(rest, 2) {
            return Resolved::Int(i);
        }
        if let Some(u) = go_parse_uint(rest, 2) {
            return Resolved::Uint(u);
        }
    } else if let Some(rest) = plain.strip_prefix("-0b") {
        if let Some(i) = go_parse_int(&format!("-{rest}"), 2) {
            return Resolved::Int(i);
        }
    }
    Resolved::Str
}

/// Go's `strconv.ParseInt(s, base, 64)` for base 0 (prefix-detecting) or an explicit base.
pub(crate) fn go_parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, digits) = match s.as_bytes().first()? {
        b'+' => (false, &s[1..]),
        b'-' => (true, &s[1..]),
        _ => (false, s),
    };
    let magnitude = go_parse_uint(digits, base)?;
    if neg {
        if magnitude <= 1u64 << 63 {
            Some((magnitude as i64).wrapping_neg())
        } else {
            None
        }
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Go's `strconv.ParseUint(s, base, 64)`: no sign; base 0 reads `0b`, `0o`, `0x` and a
/// bare leading `0` (octal) as prefixes.
pub(crate) fn go_parse_uint(s: &str, base: u32) -> Option<u64> {
    let bytes = s.as_bytes();
    if bytes.is_empty() {
        return None;
    }
    let (radix, digits) = if base == 0 {
        if bytes[0] == b'0' {
            match bytes.get(1).map(u8::to_ascii_lowercase) {
                Some(b'b') if bytes.len() >= 3 => (2, &s[2..]),
                Some(b'o') if bytes.len() >= 3 => (8, &s[2..]),
                Some(b'x') if bytes.len() >= 3 => (16, &s[2..]),
                _ => (8, &s[1..]),
            }
        } else {
            (10, s)
        }
    } else {
        (base, s)
    };
    let mut n: u64 = 0;
    for c in digits.chars() {
        let d = c.to_digit(36)?;
        if d >= radix {
            return None;
        }
        n = n.checked_mul(u64::from(radix))?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$` (go-yaml's `yamlStyleFloat`).
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `strconv.ParseFloat` on a string starting with `.` (`.5`, `.5e3`, `.1_0`): Go's
/// decimal float syntax, where underscores may separate digits.
fn parse_dot_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let (mut dot, mut digits, mut underscores) = (false, false, false);
    while let Some(&c) = b.get(i) {
        match c {
            b'_' => underscores = true,
            b'.' if !dot => dot = true,
            b'0'..=b'9' => digits = true,
            _ => break,
        }
        i += 1;
    }
    if !digits {
        return None;
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        while matches!(b.get(i), Some(b'0'..=b'9' | b'_')) {
            underscores |= b[i] == b'_';
            i += 1;
        }
    }
    if i != b.len() || (underscores && !underscores_ok(b)) {
        return None;
    }
    let plain: String = s.chars().filter(|&c| c != '_').collect();
    plain.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Go's `underscoreOK`: every underscore sits between two digits.
fn underscores_ok(b: &[u8]) -> bool {
    let mut saw = b'^';
    for &c in b {
        if c.is_ascii_digit() {
            saw = b'0';
        } else if c == b'_' {
            if saw != b'0' {
                return false;
            }
            saw = b'_';
        } else {
            if saw == b'_' {
                return false;
            }
            saw = b'!';
        }
    }
    saw != b'_'
}

/// go-yaml's `isBase60Float`: `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
/// Such strings (`12:30`) are quoted on output for YAML 1.1 readers.
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b.first(), Some(b'+' | b'-')));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        match i - start {
            1 => {}
            2 if b[start] <= b'5' => {}
            _ => return false,
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// go-yaml v2's resolution of unquoted scalars (cases from its `resolve.go` and from
    /// what kubectl 1.32 did with them).
    #[test]
    fn plain_scalars_resolve_like_go_yaml_v2() {
        use Resolved::*;
        for (text, want) in [
            ("", Null),
            ("~", Null),
            ("NULL", Null),
            ("yes", Bool(true)),
            ("Y", Bool(true)),
            ("on", Bool(true)),
            ("OFF", Bool(false)),
            ("n", Bool(false)),
            ("yEs", Str),
            ("0644", Int(420)),
            ("0o644", Int(420)),
            ("0x1F", Int(31)),
            ("0X1f", Int(31)),
            ("0b101", Int(5)),
            ("0b-101", Int(-5)),
            ("-0b11", Int(-3)),
            ("1_000", Int(1000)),
            ("+5", Int(5)),
            ("-0", Int(0)),
            ("08", Float(8.0)),
            ("9223372036854775808", Uint(9223372036854775808)),
            ("99999999999999999999", Float(1e20)),
            ("1e3", Float(1000.0)),
            ("1.", Float(1.0)),
            (".5", Float(0.5)),
            (".1_0", Float(0.1)),
            ("1e400", Str),
            ("0x", Str),
            ("0b", Str),
            ("inf", Str),
            ("<<", Str),
            ("2025-01-01", Timestamp),
            ("2025-02-29", Str),
            ("2024-02-29", Timestamp),
            ("2025-1-1T1:2:3Z", Timestamp),
            ("2025-01-01 10:00:00.5", Timestamp),
            ("2025-01-01T10:00:00+01:00", Timestamp),
            ("2025-01-01T10:00:00", Str),
            ("2025-01-01T24:00:00Z", Str),
        ] {
            let got = resolve(text);
            let same = match (got, want) {
                (Float(a), Float(b)) => a == b,
                (a, b) => a == b,
            };
            assert!(same, "{text:?}: got {got:?}, want {want:?}");
        }
        assert!(matches!(resolve(".nan"), Float(f) if f.is_nan()));
    }

    /// `12:30` is a YAML 1.1 base-60 number, so go-yaml quotes it on output.
    #[test]
    fn base60_floats_are_recognised() {
        for yes in ["12:30", "1:2:3", "-1:30.5", "190:20:30"] {
            assert!(is_base60_float(yes), "{yes}");
        }
        for no in ["12:60", "a:1", "12:", "1:2:345", "12"] {
            assert!(!is_base60_float(no), "{no}");
        }
    }
}
