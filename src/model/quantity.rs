//! Resource quantities (`resource.Quantity` in apimachinery v1.32): parsing with upstream's
//! grammar and error strings, exact fixed-point values, `Value()`/`MilliValue()` rounding,
//! and the canonical `String()` form that kubectl and stored objects show.
//!
//! A quantity is an exact decimal `mantissa × 10^exponent` (no floats anywhere), rounded up
//! to nano units when parsed, plus the suffix family it was written in (`Format`), which
//! decides how it prints. Parsing lives in `quantity/parse.rs`.
//!
//! Worked example: `1.5Gi` parses to 1610612736 with format `BinarySI`; it is not a whole
//! number of GiB, but 1610612736 = 1536 × 1024², so it prints as `1536Mi`. `0.5` parses to
//! 5 × 10⁻¹ (`DecimalSI`); the exponent moves down to a multiple of three, giving `500m`.
//!
//! Deliberate differences: upstream keeps arbitrarily many digits, this keeps 36 significant
//! digits and rejects longer decimal values with `unable to parse numeric part of quantity`;
//! `value()`/`milli_value()` saturate where upstream overflows; and an input such as
//! `1e-2147483648`, on which upstream's big-decimal rounding spins for minutes, simply
//! rounds up to `1e-9` here.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

mod parse;
#[cfg(test)]
mod tests;

/// Upstream `ErrFormatWrong`: the input fits no part of the quantity grammar.
pub const ERR_FORMAT_WRONG: &str =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
/// Upstream `ErrNumeric`: the numeric part cannot be read.
pub const ERR_NUMERIC: &str = "unable to parse numeric part of quantity";
/// Upstream `ErrSuffix`: the suffix is not one of the known ones (e.g. `1K`, `1i`, `1e`).
pub const ERR_SUFFIX: &str = "unable to parse quantity's suffix";

/// The suffix family a quantity prints with (upstream `resource.Format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `12e6`: a decimal exponent.
    DecimalExponent,
    /// `12Mi`: powers of 1024 (`Ki`, `Mi`, `Gi`, `Ti`, `Pi`, `Ei`).
    BinarySI,
    /// `12M`: powers of 1000 (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`).
    DecimalSI,
}

/// A resource quantity. Equality and ordering compare values, as upstream's `Cmp` does
/// (`1000m == 1`); `Display` is upstream's `String()`.
#[derive(Clone, Debug)]
pub struct Quantity {
    /// The value is `mantissa × 10^exponent`; the mantissa has no trailing zeros (zero is
    /// `0 × 10⁰`).
    mantissa: i128,
    exponent: i64,
    format: Format,
    /// The input string when upstream would keep it as the printed form.
    original: Option<String>,
}

impl Quantity {
    const ZERO: Quantity = Quantity {
        mantissa: 0,
        exponent: 0,
        format: Format::DecimalSI,
        original: None,
    };

    /// Parses a quantity (upstream `ParseQuantity`): a signed decimal number (`2`, `0.5`,
    /// `.5`, `+1`, `-3`) followed by a decimal SI suffix (`n u m k M G T P E`), a binary
    /// one (`Ki Mi Gi Ti Pi Ei`), or an exponent (`e3`, `E3`, `e-3`, `E+6`; note that a
    /// bare `E` is exa). No whitespace is allowed. Values are rounded up (away from zero)
    /// to whole nano units; binary-suffixed values are capped at 2^63-1 in magnitude.
    ///
    /// Errors are upstream's [`ERR_FORMAT_WRONG`], [`ERR_SUFFIX`] and [`ERR_NUMERIC`].
    /// (The API server reports them when it decodes an object, e.g. inside
    /// `... cannot be handled as a Pod: quantities must match the regular expression ...`.)
    pub fn parse(s: &str) -> Result<Quantity, String> {
        parse::parse(s)
    }

    /// Parses the API type, trimming surrounding whitespace first as upstream's JSON
    /// decoding does.
    pub fn from_k8s(q: &K8sQuantity) -> Result<Quantity, String> {
        Quantity::parse(q.0.trim())
    }

    /// The API type holding the printed form; round-tripping a stored quantity through
    /// `from_k8s` and `to_k8s` gives the string the real API server would store.
    pub fn to_k8s(&self) -> K8sQuantity {
        K8sQuantity(self.to_string())
    }

    /// A whole-number quantity (upstream `NewQuantity`), e.g. `new(2 << 30, BinarySI)`
    /// prints `2Gi` and `new(1500, DecimalSI)` prints `1500`.
    pub fn new(value: i64, format: Format) -> Quantity {
        Quantity::from_parts(i128::from(value), 0, format)
    }

    /// A quantity of thousandths (upstream `NewMilliQuantity`), e.g. CPU:
    /// `new_milli(250, DecimalSI)` prints `250m` and `new_milli(2000, DecimalSI)` prints `2`.
    pub fn new_milli(value: i64, format: Format) -> Quantity {
        Quantity::from_parts(i128::from(value), -3, format)
    }

    /// Builds `mantissa × 10^exponent`, normalising the mantissa.
    fn from_parts(mut mantissa: i128, mut exponent: i64, format: Format) -> Quantity {
        if mantissa == 0 {
            exponent = 0;
        }
        while mantissa != 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            exponent += 1;
        }
        Quantity {
            mantissa,
            exponent,
            format,
            original: None,
        }
    }

    /// The suffix family this quantity prints with.
    pub fn format(&self) -> Format {
        self.format
    }

    /// Whether the value is zero.
    pub fn is_zero(&self) -> bool {
        self.mantissa == 0
    }

    /// Whether the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.mantissa < 0
    }

    /// The value in whole units, rounded up away from zero (upstream `Value()`): bytes for
    /// memory, so `1Gi` gives 1073741824 and `1.5` gives 2. Saturates at the `i64` bounds
    /// where upstream would overflow.
    pub fn value(&self) -> i64 {
        self.scaled_value(0)
    }

    /// The value in thousandths, rounded up away from zero (upstream `MilliValue()`): CPU
    /// millicores, so `250m` gives 250, `1` gives 1000 and `1n` gives 1. Saturates at the
    /// `i64` bounds where upstream would overflow.
    pub fn milli_value(&self) -> i64 {
        self.scaled_value(-3)
    }

    /// `ceil(value / 10^scale)` away from zero, clamped to `i64`.
    fn scaled_value(&self, scale: i64) -> i64 {
        let saturated = if self.mantissa < 0 {
            i64::MIN
        } else {
            i64::MAX
        };
        let clamp = |v: i128| i64::try_from(v).unwrap_or(saturated);
        if self.exponent >= scale {
            let factor = u32::try_from(self.exponent - scale)
                .ok()
                .and_then(|e| 10i128.checked_pow(e));
            return factor
                .and_then(|f| self.mantissa.checked_mul(f))
                .map_or(saturated, clamp);
        }
        let away = self.mantissa.signum();
        match u32::try_from(scale - self.exponent)
            .ok()
            .and_then(|e| 10i128.checked_pow(e))
        {
            Some(divisor) => {
                let quotient = self.mantissa / divisor;
                clamp(if self.mantissa % divisor == 0 {
                    quotient
                } else {
                    quotient + away
                })
            }
            // The divisor exceeds every possible mantissa: a non-zero fraction rounds to ±1.
            None => clamp(away),
        }
    }

    /// The canonical form (upstream `CanonicalizeBytes`), ignoring the input string that
    /// [`Display`](fmt::Display) may reuse: the largest suffix that loses no precision and
    /// leaves no fraction, in the quantity's own format. `BinarySI` values below 1024 in
    /// magnitude, or not whole, print as `DecimalSI`.
    pub fn canonical(&self) -> String {
        if self.mantissa == 0 {
            return "0".to_string();
        }
        if self.format == Format::BinarySI {
            if let Some(text) = self.binary_si() {
                return text;
            }
        }
        let (mut mantissa, mut exponent) = (self.mantissa, self.exponent);
        while exponent.rem_euclid(3) != 0 {
            mantissa *= 10;
            exponent -= 1;
        }
        let suffix = match self.format {
            Format::DecimalExponent if exponent == 0 => String::new(),
            Format::DecimalExponent => format!("e{exponent}"),
            // Upstream's lookup has no suffix beyond E (10^18) and then prints none at all.
            _ => decimal_si_suffix(exponent).to_string(),
        };
        format!("{mantissa}{suffix}")
    }

    /// The base-1024 form of a whole value of at least 1024 in magnitude, else `None`.
    fn binary_si(&self) -> Option<String> {
        let exponent = u32::try_from(self.exponent).ok()?;
        let mut value = self.mantissa.checked_mul(10i128.checked_pow(exponent)?)?;
        if value.abs() < 1024 {
            return None;
        }
        let mut power = 0;
        while value % 1024 == 0 && value.abs() >= 1024 {
            value /= 1024;
            power += 1;
        }
        let suffix = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            .get(power)
            .copied()
            .unwrap_or("");
        Some(format!("{value}{suffix}"))
    }
}

fn decimal_si_suffix(exponent: i64) -> &'static str {
    match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        _ => "",
    }
}

impl fmt::Display for Quantity {
    /// Upstream `String()`: the input string when upstream kept it (`100m`, `1Ki`, `1e3`,
    /// also `+1` and `01`), otherwise [`Quantity::canonical`] (`1000m` → `1`,
    /// `1024Mi` → `1Gi`, `0.5` → `500m`).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.original {
            Some(original) => f.write_str(original),
            None => f.write_str(&self.canonical()),
        }
    }
}

impl FromStr for Quantity {
    type Err = String;

    fn from_str(s: &str) -> Result<Quantity, String> {
        Quantity::parse(s)
    }
}

impl PartialEq for Quantity {
    fn eq(&self, other: &Quantity) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Quantity {}

impl PartialOrd for Quantity {
    fn partial_cmp(&self, other: &Quantity) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Quantity {
    /// Compares values exactly, whatever their formats.
    fn cmp(&self, other: &Quantity) -> Ordering {
        let sign = self.mantissa.signum().cmp(&other.mantissa.signum());
        if sign != Ordering::Equal || self.mantissa == 0 {
            return sign;
        }
        // Same sign, both non-zero: compare orders of magnitude, then aligned mantissas.
        let digits = |m: i128| i64::from(m.unsigned_abs().ilog10()) + 1;
        let magnitude =
            (digits(self.mantissa) + self.exponent).cmp(&(digits(other.mantissa) + other.exponent));
        let by_magnitude = if magnitude != Ordering::Equal {
            magnitude
        } else {
            // Equal magnitudes: scaling the mantissa with the larger exponent up to the
            // other's exponent leaves it no longer than the other's, so nothing overflows.
            let (a, b) = (self.mantissa.unsigned_abs(), other.mantissa.unsigned_abs());
            let shift = |e: i64| 10u128.pow(u32::try_from(e).unwrap_or(0));
            match self.exponent.cmp(&other.exponent) {
                Ordering::Greater => (a * shift(self.exponent - other.exponent)).cmp(&b),
                Ordering::Less => a.cmp(&(b * shift(other.exponent - self.exponent))),
                Ordering::Equal => a.cmp(&b),
            }
        };
        if self.mantissa < 0 {
            by_magnitude.reverse()
        } else {
            by_magnitude
        }
    }
}
