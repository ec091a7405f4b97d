//! Parsing of quantity strings, following apimachinery `resource.ParseQuantity` (v1.32):
//! the byte scanner `parseQuantityString`, the suffix table, upstream's "fast path" test
//! that decides whether the input string is kept as the printed form, and the exact decimal
//! value rounded up to nano units and, for binary suffixes, capped at 2^63-1.
//!
//! The value is computed on a decimal digit vector, so any length of input is exact; only
//! the final result must fit in [`MAX_DIGITS`] significant digits.

use super::{Format, Quantity, ERR_FORMAT_WRONG, ERR_NUMERIC, ERR_SUFFIX};

/// The most significant digits a parsed quantity may keep (so that canonical formatting's
/// shift by 100 still fits in an `i128`). Upstream has no limit; see the module docs.
pub(super) const MAX_DIGITS: usize = 36;

/// The pieces `parseQuantityString` finds: the sign, the numeric part as written, the
/// integer digits without leading zeros ("0" when none are left), the fraction digits, and
/// the suffix.
struct Scanned<'a> {
    positive: bool,
    value: &'a str,
    num: &'a str,
    denom: &'a str,
    suffix: &'a str,
}

fn is_suffix_letter(b: u8) -> bool {
    b"eEinumkKMGTP".contains(&b)
}

/// Upstream `parseQuantityString`, byte for byte.
fn scan(s: &str) -> Result<Scanned<'_>, &'static str> {
    let bytes = s.as_bytes();
    let end = bytes.len();
    let mut out = Scanned {
        positive: true,
        value: "",
        num: "",
        denom: "",
        suffix: "",
    };
    let mut pos = 0;
    match bytes.first() {
        Some(b'-') => {
            out.positive = false;
            pos += 1;
        }
        Some(b'+') => pos += 1,
        _ => {}
    }
    while pos < end && bytes[pos] == b'0' {
        pos += 1;
    }
    if pos >= end {
        out.num = "0";
        out.value = "0";
        return Ok(out);
    }
    let start = pos;
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    out.num = if pos == start { "0" } else { &s[start..pos] };
    if pos >= end {
        out.value = s;
        return Ok(out);
    }
    if bytes[pos] == b'.' {
        pos += 1;
        let start = pos;
        while pos < end && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        out.denom = &s[start..pos];
        if pos >= end {
            out.value = s;
            return Ok(out);
        }
    }
    out.value = &s[..pos];
    let suffix_start = pos;
    while pos < end && is_suffix_letter(bytes[pos]) {
        pos += 1;
    }
    if pos < end && matches!(bytes[pos], b'-' | b'+') {
        pos += 1;
    }
    while pos < end && bytes[pos].is_ascii_digit() {
        pos += 1;
    }
    if pos < end {
        // A character that fits no part of the grammar.
        return Err(ERR_FORMAT_WRONG);
    }
    out.suffix = &s[suffix_start..];
    Ok(out)
}

/// Upstream's suffix interpretation: `(base, exponent, format)`.
fn interpret(suffix: &str) -> Option<(u32, i64, Format)> {
    let decimal = |e| Some((10, e, Format::DecimalSI));
    let binary = |e| Some((2, e, Format::BinarySI));
    match suffix {
        "" => decimal(0),
        "n" => decimal(-9),
        "u" => decimal(-6),
        "m" => decimal(-3),
        "k" => decimal(3),
        "M" => decimal(6),
        "G" => decimal(9),
        "T" => decimal(12),
        "P" => decimal(15),
        "E" => decimal(18),
        "Ki" => binary(10),
        "Mi" => binary(20),
        "Gi" => binary(30),
        "Ti" => binary(40),
        "Pi" => binary(50),
        "Ei" => binary(60),
        _ => {
            let rest = suffix.strip_prefix(['e', 'E'])?;
            // Go parses an int64 and then truncates it to int32.
            let exponent = rest.parse::<i64>().ok()?;
            Some((10, i64::from(exponent as i32), Format::DecimalExponent))
        }
    }
}

/// Whether upstream's fast path would keep the input string as the quantity's printed form
/// (its `s` field): small exact values already written with a canonical-looking mantissa.
/// This is why `100m`, `1Ki`, `1e3` and even `+1` or `01` print back exactly as written.
fn keeps_input(num: &str, denom: &str, exponent: i64, format: Format) -> bool {
    let (precision, scale, shift) = match format {
        Format::BinarySI if denom.is_empty() => {
            (14 - num.len() as i64 - exponent * 3 / 10, 0, exponent)
        }
        Format::BinarySI => return false,
        _ => (18 - (num.len() + denom.len()) as i64, exponent, 0),
    };
    let scale = scale - denom.len() as i64;
    if precision < 0 || scale < -9 {
        return false;
    }
    let shifted = format!("{num}{denom}");
    let Ok(value) = shifted.parse::<i64>() else {
        return false;
    };
    if value.checked_mul(1i64 << shift).is_none() {
        return false;
    }
    match format {
        Format::BinarySI => value & 0x07 != 0,
        _ => scale % 3 == 0 && !shifted.ends_with("000") && !shifted.starts_with('0'),
    }
}

/// Multiplies a big-endian decimal digit vector by a small factor in place.
fn mul_small(digits: &mut Vec<u8>, factor: u32) {
    let mut carry = 0u32;
    for d in digits.iter_mut().rev() {
        let v = u32::from(*d) * factor + carry;
        *d = (v % 10) as u8;
        carry = v / 10;
    }
    while carry > 0 {
        digits.insert(0, (carry % 10) as u8);
        carry /= 10;
    }
}

/// Adds one to a big-endian decimal digit vector in place.
fn increment(digits: &mut Vec<u8>) {
    for d in digits.iter_mut().rev() {
        if *d == 9 {
            *d = 0;
        } else {
            *d += 1;
            return;
        }
    }
    digits.insert(0, 1);
}

/// Parses a quantity string; see [`Quantity::parse`].
pub(super) fn parse(s: &str) -> Result<Quantity, String> {
    if s.is_empty() {
        return Err(ERR_FORMAT_WRONG.to_string());
    }
    if s == "0" {
        return Ok(Quantity {
            original: Some(s.to_string()),
            ..Quantity::ZERO
        });
    }
    let scanned = scan(s)?;
    let (base, exponent, mut format) = interpret(scanned.suffix).ok_or(ERR_SUFFIX)?;
    let keep = keeps_input(scanned.num, scanned.denom, exponent, format);

    // The exact value: digits × 10^scale.
    let mut digits: Vec<u8> = scanned
        .num
        .bytes()
        .chain(scanned.denom.bytes())
        .map(|b| b - b'0')
        .collect();
    let mut scale = -(scanned.denom.len() as i64);
    let first = digits.iter().position(|&d| d != 0).unwrap_or(digits.len());
    digits.drain(..first);
    if digits.is_empty() {
        // Upstream's slow path (needed below 1n) fails on a numeric part without digits.
        if base == 10 && scale + exponent < -9 && !scanned.value.bytes().any(|b| b.is_ascii_digit())
        {
            return Err(ERR_NUMERIC.to_string());
        }
        return Ok(Quantity {
            format,
            original: keep.then(|| s.to_string()),
            ..Quantity::ZERO
        });
    }
    if base == 10 {
        scale += exponent;
    } else {
        for _ in 0..exponent / 10 {
            mul_small(&mut digits, 1024);
        }
    }

    // Round the magnitude up to a whole number of nano units.
    if scale < -9 {
        let drop = usize::try_from(-9 - scale).unwrap_or(usize::MAX);
        let keep_len = digits.len().saturating_sub(drop);
        let dropped_nonzero = digits[keep_len..].iter().any(|&d| d != 0);
        digits.truncate(keep_len);
        if dropped_nonzero {
            increment(&mut digits);
        }
        scale = -9;
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
        scale += 1;
    }

    let max = i128::from(i64::MAX);
    let magnitude_digits = digits.len() as i64 + scale;
    if format == Format::BinarySI {
        let over = magnitude_digits > 19
            || (magnitude_digits > 0
                && digits_value(&digits).map(|m| scaled_over(m, scale, max)) != Some(false));
        if over {
            digits = max.to_string().bytes().map(|b| b - b'0').collect();
            scale = 0;
        } else if magnitude_digits <= 0 {
            // Between 0 and 1: upstream prints these as decimal to avoid rounding.
            format = Format::DecimalSI;
        }
    }
    let mantissa = digits_value(&digits).ok_or(ERR_NUMERIC)?;
    let mantissa = if scanned.positive {
        mantissa
    } else {
        -mantissa
    };
    Ok(Quantity {
        mantissa,
        exponent: scale,
        format,
        original: keep.then(|| s.to_string()),
    })
}

/// The digit vector as a number, if it has at most [`MAX_DIGITS`] digits.
fn digits_value(digits: &[u8]) -> Option<i128> {
    if digits.len() > MAX_DIGITS {
        return None;
    }
    Some(
        digits
            .iter()
            .fold(0i128, |acc, &d| acc * 10 + i128::from(d)),
    )
}

/// Whether `m × 10^scale` exceeds `max` (with `m > 0` and at most 19 integer digits).
fn scaled_over(m: i128, scale: i64, max: i128) -> bool {
    if scale >= 0 {
        let factor = 10i128.checked_pow(scale as u32);
        factor
            .and_then(|f| m.checked_mul(f))
            .is_none_or(|v| v > max)
    } else {
        let factor = 10i128.pow((-scale) as u32);
        m > max.saturating_mul(factor)
    }
}
