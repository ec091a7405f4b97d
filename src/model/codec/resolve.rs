//! YAML 1.1 plain-scalar resolution exactly as go-yaml v2 performs it.
//!
//! kubectl 1.32 converts YAML with `sigs.k8s.io/yaml` v1.4.0, which embeds a fork of
//! go-yaml v2 (`sigs.k8s.io/yaml/goyaml.v2`). That library implements YAML 1.1: an unquoted
//! `yes`, `on` or `y` is a boolean, `0644` is an octal integer, `1_000` is 1000. The same
//! `resolve` function also decides, on the way out, whether a string can be printed plain
//! or must be double-quoted (a string that would read back as something else is quoted).
//! This module owns that one decision table (`resolve.go`), the timestamp recogniser it
//! calls (Go's `time.Parse` on four layouts) and the base-60 float check of `encode.go`.

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

/// `strconv.ParseFloat` on a string starting with `.` (`.5`, `.5e3`).
fn parse_dot_float(s: &str) -> Option<f64> {
    if !is_yaml_float(s) {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
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

/// go-yaml v2's `parseTimestamp`: four leading digits and a dash, then Go's `time.Parse`
/// with one of `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` or `2006-1-2`.
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let lead = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if lead != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    [Layout::Upper, Layout::Lower, Layout::Space, Layout::Date]
        .into_iter()
        .any(|layout| parse_time(b, layout))
}

/// The four layouts go-yaml v2 tries.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    Upper,
    Lower,
    Space,
    Date,
}

/// Go's `getnum(s, false)`: one digit, or two if the second byte is a digit too.
fn getnum(v: &[u8], pos: &mut usize) -> Option<u32> {
    let first = *v.get(*pos).filter(|c| c.is_ascii_digit())?;
    *pos += 1;
    let mut n = u32::from(first - b'0');
    if let Some(&second) = v.get(*pos).filter(|c| c.is_ascii_digit()) {
        *pos += 1;
        n = n * 10 + u32::from(second - b'0');
    }
    Some(n)
}

/// Matches one layout the way `time.Parse` does, including its range checks.
fn parse_time(v: &[u8], layout: Layout) -> bool {
    let lit = |pos: &mut usize, c: u8| {
        if v.get(*pos) == Some(&c) {
            *pos += 1;
            true
        } else {
            false
        }
    };
    let year: u32 = v[..4].iter().fold(0, |n, c| n * 10 + u32::from(c - b'0'));
    let mut pos = 4;
    if !lit(&mut pos, b'-') {
        return false;
    }
    let Some(month) = getnum(v, &mut pos).filter(|m| (1..=12).contains(m)) else {
        return false;
    };
    if !lit(&mut pos, b'-') {
        return false;
    }
    let Some(day) = getnum(v, &mut pos) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if day < 1 || day > days {
        return false;
    }
    match layout {
        Layout::Date => return pos == v.len(),
        Layout::Upper if !lit(&mut pos, b'T') => return false,
        Layout::Lower if !lit(&mut pos, b't') => return false,
        Layout::Space => {
            // A space in a Go layout matches one or more spaces.
            if !lit(&mut pos, b' ') {
                return false;
            }
            while lit(&mut pos, b' ') {}
        }
        _ => {}
    }
    let time_ok = getnum(v, &mut pos).is_some_and(|h| h < 24)
        && lit(&mut pos, b':')
        && getnum(v, &mut pos).is_some_and(|m| m < 60)
        && lit(&mut pos, b':')
        && getnum(v, &mut pos).is_some_and(|s| s < 60);
    if !time_ok {
        return false;
    }
    // Optional fraction: a period or comma followed by at least one digit.
    if matches!(v.get(pos), Some(b'.' | b',')) && v.get(pos + 1).is_some_and(u8::is_ascii_digit) {
        pos += 1;
        while v.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    if layout == Layout::Space {
        return pos == v.len();
    }
    // `Z07:00`: either `Z`, or a sign and `hh:mm` with hours up to 24 and minutes up to 60.
    if lit(&mut pos, b'Z') {
        return pos == v.len();
    }
    let rest = &v[pos..];
    if rest.len() < 6 || rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
        return false;
    }
    let two = |a: u8, b: u8| {
        (a.is_ascii_digit() && b.is_ascii_digit()).then(|| (a - b'0') * 10 + (b - b'0'))
    };
    match (two(rest[1], rest[2]), two(rest[4], rest[5])) {
        (Some(h), Some(m)) => h <= 24 && m <= 60 && rest.len() == 6,
        _ => false,
    }
}
