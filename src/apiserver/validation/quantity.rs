//! Just enough of `resource.Quantity` for validation: parse a quantity string into an
//! exact count of nano-units, compare two quantities, and print one the way upstream's
//! `Quantity.String()` canonicalises it (`1000m` → `1`, `2000` → `2k`, `1.5Gi` →
//! `1536Mi`), because messages such as `must be less than or equal to memory limit of
//! 512Mi` quote that canonical form.

use std::cmp::Ordering;

/// Which suffix family the quantity was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `Ki`, `Mi`, ... (powers of 1024).
    BinarySI,
    /// `m`, `k`, `M`, ... or no suffix.
    DecimalSI,
    /// `1e3`.
    DecimalExponent,
}

/// A parsed quantity: its value in units of 10⁻⁹, rounded up as upstream rounds to nano.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Qty {
    /// The value times 10⁹.
    pub nano: i128,
    /// The suffix family, which decides the canonical spelling.
    pub format: Format,
}

const NANO: i128 = 1_000_000_000;

fn pow10(e: u32) -> Option<i128> {
    10i128.checked_pow(e)
}

/// Parses `[+-]?[0-9.]+` followed by an optional suffix. `None` for anything upstream's
/// decoder would have rejected (or values too large to hold).
pub fn parse(s: &str) -> Option<Qty> {
    let s = s.trim();
    let num_end = s
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || c == '.' || ((c == '+' || c == '-') && i == 0)))
        .map(|(i, _)| i)
        .unwrap_or(s.len());
    let (num, suffix) = s.split_at(num_end);
    let (negative, digits) = match num.as_bytes().first() {
        Some(b'-') => (true, &num[1..]),
        Some(b'+') => (false, &num[1..]),
        _ => (false, num),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, f),
        None => (digits, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() || frac_part.contains('.') {
        return None;
    }
    // The mantissa as an integer plus the number of fractional digits it carries.
    let mut mantissa: i128 = 0;
    for c in int_part.bytes().chain(frac_part.bytes()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(i128::from(c - b'0'))?;
    }
    let frac_digits = frac_part.len() as i32;
    // The multiplier as (binary factor, decimal exponent).
    let (bin, dec_exp, format): (i128, i32, Format) = match suffix {
        "" => (1, 0, Format::DecimalSI),
        "n" => (1, -9, Format::DecimalSI),
        "u" => (1, -6, Format::DecimalSI),
        "m" => (1, -3, Format::DecimalSI),
        "k" => (1, 3, Format::DecimalSI),
        "M" => (1, 6, Format::DecimalSI),
        "G" => (1, 9, Format::DecimalSI),
        "T" => (1, 12, Format::DecimalSI),
        "P" => (1, 15, Format::DecimalSI),
        "E" => (1, 18, Format::DecimalSI),
        "Ki" => (1 << 10, 0, Format::BinarySI),
        "Mi" => (1 << 20, 0, Format::BinarySI),
        "Gi" => (1 << 30, 0, Format::BinarySI),
        "Ti" => (1 << 40, 0, Format::BinarySI),
        "Pi" => (1 << 50, 0, Format::BinarySI),
        "Ei" => (1 << 60, 0, Format::BinarySI),
        other => {
            let exp = other
                .strip_prefix('e')
                .or_else(|| other.strip_prefix('E'))?;
            let exp: i32 = exp.parse().ok()?;
            if !(-30..=30).contains(&exp) {
                return None;
            }
            (1, exp, Format::DecimalExponent)
        }
    };
    // nano = mantissa * bin * 10^(dec_exp + 9 - frac_digits), rounded up.
    let scaled = mantissa.checked_mul(bin)?;
    let shift = dec_exp + 9 - frac_digits;
    let nano = if shift >= 0 {
        scaled.checked_mul(pow10(shift as u32)?)?
    } else {
        let div = pow10((-shift) as u32)?;
        let q = scaled / div;
        if scaled % div != 0 {
            q + 1
        } else {
            q
        }
    };
    Some(Qty {
        nano: if negative { -nano } else { nano },
        format,
    })
}

impl Qty {
    /// Whether the quantity is below zero.
    pub fn is_negative(&self) -> bool {
        self.nano < 0
    }

    /// Compares the values, ignoring the format.
    pub fn cmp_value(&self, other: &Qty) -> Ordering {
        self.nano.cmp(&other.nano)
    }

    /// `MilliValue()`, rounded up.
    pub fn milli(&self) -> i128 {
        let q = self.nano / 1_000_000;
        if self.nano % 1_000_000 > 0 {
            q + 1
        } else {
            q
        }
    }

    /// `Value()`, rounded up.
    pub fn value(&self) -> i128 {
        let q = self.nano / NANO;
        if self.nano % NANO > 0 {
            q + 1
        } else {
            q
        }
    }

    /// Upstream's canonical `String()`.
    pub fn canonical(&self) -> String {
        if self.nano == 0 {
            return "0".to_string();
        }
        let sign = if self.nano < 0 { "-" } else { "" };
        let abs = self.nano.abs();
        if self.format == Format::BinarySI && abs >= 1024 * NANO && abs % NANO == 0 {
            let mut units = abs / NANO;
            let mut i = 0;
            while i < 6 && units % 1024 == 0 {
                units /= 1024;
                i += 1;
            }
            let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"][i];
            return format!("{sign}{units}{suffix}");
        }
        // Decimal: the largest exponent (multiple of 3) that keeps the mantissa whole.
        let mut exp: i32 = -9;
        let mut mantissa = abs;
        while exp < 18 && mantissa % 1000 == 0 {
            mantissa /= 1000;
            exp += 3;
        }
        if self.format == Format::DecimalExponent {
            return if exp == 0 {
                format!("{sign}{mantissa}")
            } else {
                format!("{sign}{mantissa}e{exp}")
            };
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            0 => "",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            _ => "E",
        };
        format!("{sign}{mantissa}{suffix}")
    }
}

/// The canonical spelling of a quantity string, or the string itself when it does not
/// parse.
pub fn canonical(s: &str) -> String {
    parse(s)
        .map(|q| q.canonical())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms_match_quantity_string() {
        // resource.MustParse(x).String() on v1.32.
        for (input, want) in [
            ("1000m", "1"),
            ("0.5", "500m"),
            ("2000", "2k"),
            ("1500", "1500"),
            ("1.5Gi", "1536Mi"),
            ("512Mi", "512Mi"),
            ("1024", "1024"),
            ("100Ki", "100Ki"),
            ("0", "0"),
            ("-1", "-1"),
            ("1e3", "1e3"),
            ("100m", "100m"),
        ] {
            assert_eq!(canonical(input), want, "{input}");
        }
    }

    #[test]
    fn compares_across_formats() {
        let a = parse("1Gi").unwrap_or(Qty {
            nano: 0,
            format: Format::DecimalSI,
        });
        let b = parse("1G").unwrap_or(Qty {
            nano: 0,
            format: Format::DecimalSI,
        });
        assert_eq!(a.cmp_value(&b), Ordering::Greater);
        assert!(parse("abc").is_none());
        assert!(parse("1.2.3").is_none());
        assert_eq!(parse("1.5").map(|q| q.milli()), Some(1500));
    }
}
