//! Go's float formatting, reproduced digit for digit.
//!
//! Two Go formatters decide how a float looks in kubectl output: `encoding/json` (used by
//! `-o json`, and as the first step of `-o yaml`) and `strconv.FormatFloat(f, 'g', -1, …)`
//! (used by go-yaml when it prints a float, and by `sigs.k8s.io/yaml` for float map keys).
//! Both start from the shortest decimal digits that round-trip, which Rust's `{:e}`
//! formatting also produces; this module only lays those digits out the Go way.
//!
//! Worked example: 1234567.5 has digits `12345675` with the decimal point after 7 digits.
//! JSON prints it in `f` form, `1234567.5`; `%g` switches to exponent form once the exponent
//! reaches 6, giving `1.2345675e+06` in YAML.

/// The shortest round-trip digits of a non-zero float: sign, digits, and the position of
/// the decimal point relative to the first digit (`0.d1d2… × 10^point`).
struct Digits {
    negative: bool,
    digits: Vec<u8>,
    point: i32,
}

fn digits_of(scientific: &str) -> Digits {
    let (negative, rest) = match scientific.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, scientific),
    };
    let (mantissa, exponent) = rest.split_once('e').unwrap_or((rest, "0"));
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let exponent: i32 = exponent.parse().unwrap_or(0);
    Digits {
        negative,
        digits,
        point: exponent + 1,
    }
}

impl Digits {
    /// Go's `%e` with all digits: `d.ddde±XX` (at least two exponent digits).
    fn exponent_form(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        if let Some((first, rest)) = self.digits.split_first() {
            out.push(char::from(*first));
            if !rest.is_empty() {
                out.push('.');
                out.extend(rest.iter().map(|&d| char::from(d)));
            }
        }
        let exp = self.point - 1;
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
        out
    }

    /// Go's `%f` with just enough fraction digits to show every digit.
    fn fixed_form(&self) -> String {
        let mut out = String::new();
        if self.negative {
            out.push('-');
        }
        let nd = self.digits.len() as i32;
        let digit_at = |i: i32| {
            if (0..nd).contains(&i) {
                char::from(self.digits[i as usize])
            } else {
                '0'
            }
        };
        if self.point > 0 {
            for i in 0..self.point {
                out.push(digit_at(i));
            }
        } else {
            out.push('0');
        }
        let fraction = (nd - self.point).max(0);
        if fraction > 0 {
            out.push('.');
            for i in 0..fraction {
                out.push(digit_at(self.point + i));
            }
        }
        out
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 64)`, or with 32-bit precision when `single` is set
/// (the float is first rounded to `float32`, as Go does for bit size 32).
pub(crate) fn format_g(f: f64, single: bool) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let d = if single {
        digits_of(&format!("{:e}", f as f32))
    } else {
        digits_of(&format!("{f:e}"))
    };
    let exp = d.point - 1;
    // With the shortest precision Go compares the exponent against 6.
    if !(-4..6).contains(&exp) {
        d.exponent_form()
    } else {
        d.fixed_form()
    }
}

/// How Go's `encoding/json` writes a finite float64: `f` form for magnitudes in
/// [1e-6, 1e21), otherwise `e` form with a one-digit negative exponent left unpadded.
pub(crate) fn format_json(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.to_string();
    }
    let d = digits_of(&format!("{f:e}"));
    let abs = f.abs();
    if (1e-6..1e21).contains(&abs) {
        return d.fixed_form();
    }
    let mut s = d.exponent_form();
    // Go cleans up `e-07` to `e-7`; positive exponents keep their two digits.
    let n = s.len();
    if n >= 4 && &s[n - 4..n - 1] == "e-0" {
        s.remove(n - 2);
    }
    s
}

/// The number a finite float becomes in kubectl's unstructured objects: Go writes it as
/// JSON and reads it back as int64 when that text is an integer that fits (`3.0` is
/// written `3`), and as float64 otherwise.
pub(crate) fn unstructured_number(f: f64) -> serde_json::Value {
    match format_json(f).parse::<i64>() {
        Ok(i) => serde_json::Value::from(i),
        Err(_) => serde_json::Number::from_f64(f).map_or(serde_json::Value::Null, Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `strconv.FormatFloat(f, 'g', -1, 64)` as go-yaml prints floats; the expected texts
    /// are what kubectl 1.32 printed for the same values.
    #[test]
    fn g_format_matches_go() {
        for (f, want) in [
            (0.5, "0.5"),
            (1.5e300, "1.5e+300"),
            (1234567.5, "1.2345675e+06"),
            (100000.5, "100000.5"),
            (1e-7, "1e-07"),
            (0.000001, "1e-06"),
            (0.0001, "0.0001"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (2.5e-5, "2.5e-05"),
            (-3.25, "-3.25"),
        ] {
            assert_eq!(format_g(f, false), want, "{f}");
        }
        // Float map keys go through FormatFloat(f, 'g', -1, 32).
        assert_eq!(format_g(123456789.0, true), "1.2345679e+08");
        assert_eq!(format_g(0.1, true), "0.1");
    }

    /// `encoding/json` float output as kubectl `-o json` printed it.
    #[test]
    fn json_format_matches_go() {
        for (f, want) in [
            (1.5e300, "1.5e+300"),
            (1234567.5, "1234567.5"),
            (1e-7, "1e-7"),
            (0.000001, "0.000001"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (1.2345678901234567e19, "12345678901234567000"),
            (1.0, "1"),
            (-0.0, "-0"),
            (2.5e-5, "0.000025"),
            (1.5e-10, "1.5e-10"),
        ] {
            assert_eq!(format_json(f), want, "{f}");
        }
    }
}
