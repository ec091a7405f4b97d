//! The timestamps go-yaml v2 recognises (`parseTimestamp` in `resolve.go`).
//!
//! A timestamp read into `interface{}` stays a string, so this only matters on output:
//! a string that looks like a timestamp is double-quoted (`creationTimestamp:
//! "2025-01-01T00:00:00Z"`). go-yaml checks for four digits and a dash, then tries Go's
//! `time.Parse` with four layouts; this module reproduces those layouts, including Go's
//! one-or-two-digit fields and its range checks (`2025-02-30` is not a date, so it prints
//! plain).

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
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
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
