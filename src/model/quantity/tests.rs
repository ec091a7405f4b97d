//! Unit tests for quantities, with cases taken from apimachinery v1.32
//! `pkg/api/resource/quantity_test.go`.

use super::*;

fn q(s: &str) -> Quantity {
    Quantity::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
}

/// `decQuantity(m, e, format)` from upstream's tests.
fn dec(mantissa: i128, exponent: i64, format: Format) -> Quantity {
    Quantity::from_parts(mantissa, exponent, format)
}

/// TestQuantityParse: the value and format of each accepted form, and of its negated and
/// explicitly positive versions.
#[test]
fn parse_values_and_formats() {
    use Format::*;
    let table = [
        ("0", dec(0, 0, DecimalSI)),
        ("0n", dec(0, 0, DecimalSI)),
        ("0u", dec(0, 0, DecimalSI)),
        ("0m", dec(0, 0, DecimalSI)),
        ("0Ki", dec(0, 0, BinarySI)),
        ("0k", dec(0, 0, DecimalSI)),
        ("0Mi", dec(0, 0, BinarySI)),
        ("0M", dec(0, 0, DecimalSI)),
        ("0Gi", dec(0, 0, BinarySI)),
        ("0G", dec(0, 0, DecimalSI)),
        ("0Ti", dec(0, 0, BinarySI)),
        ("0T", dec(0, 0, DecimalSI)),
        ("1", dec(1, 0, DecimalSI)),
        ("1Ki", dec(1024, 0, BinarySI)),
        ("8Ki", dec(8 * 1024, 0, BinarySI)),
        ("7Mi", dec(7 << 20, 0, BinarySI)),
        ("6Gi", dec(6 << 30, 0, BinarySI)),
        ("5Ti", dec(5 << 40, 0, BinarySI)),
        ("4Pi", dec(4 << 50, 0, BinarySI)),
        ("3Ei", dec(3 << 60, 0, BinarySI)),
        ("10Ti", dec(10 << 40, 0, BinarySI)),
        ("100Ti", dec(100 << 40, 0, BinarySI)),
        ("5n", dec(5, -9, DecimalSI)),
        ("4u", dec(4, -6, DecimalSI)),
        ("3m", dec(3, -3, DecimalSI)),
        ("9", dec(9, 0, DecimalSI)),
        ("8k", dec(8, 3, DecimalSI)),
        ("50k", dec(5, 4, DecimalSI)),
        ("7M", dec(7, 6, DecimalSI)),
        ("6G", dec(6, 9, DecimalSI)),
        ("5T", dec(5, 12, DecimalSI)),
        ("40T", dec(4, 13, DecimalSI)),
        ("300T", dec(3, 14, DecimalSI)),
        ("2P", dec(2, 15, DecimalSI)),
        ("1E", dec(1, 18, DecimalSI)),
        ("1E-3", dec(1, -3, DecimalExponent)),
        ("1e3", dec(1, 3, DecimalExponent)),
        ("1E6", dec(1, 6, DecimalExponent)),
        ("1e9", dec(1, 9, DecimalExponent)),
        ("1E12", dec(1, 12, DecimalExponent)),
        ("1e15", dec(1, 15, DecimalExponent)),
        ("1E18", dec(1, 18, DecimalExponent)),
        ("1e14", dec(1, 14, DecimalExponent)),
        ("100.035k", dec(100035, 0, DecimalSI)),
        ("0.001", dec(1, -3, DecimalSI)),
        ("0.0005k", dec(5, -1, DecimalSI)),
        ("0.005", dec(5, -3, DecimalSI)),
        ("0.05", dec(5, -2, DecimalSI)),
        ("0.5", dec(5, -1, DecimalSI)),
        ("0.00050k", dec(5, -1, DecimalSI)),
        ("0.00500", dec(5, -3, DecimalSI)),
        ("0.5e0", dec(5, -1, DecimalExponent)),
        ("0.5e-1", dec(5, -2, DecimalExponent)),
        ("0.5e-2", dec(5, -3, DecimalExponent)),
        ("10.035M", dec(10035, 3, DecimalSI)),
        ("1.2e3", dec(12, 2, DecimalExponent)),
        ("1.3E+6", dec(13, 5, DecimalExponent)),
        ("1.40e9", dec(14, 8, DecimalExponent)),
        ("1.53E12", dec(153, 10, DecimalExponent)),
        ("1.7E18", dec(17, 17, DecimalExponent)),
        ("9.01", dec(901, -2, DecimalSI)),
        ("8.1k", dec(81, 2, DecimalSI)),
        ("7.123456M", dec(7123456, 0, DecimalSI)),
        ("6.987654321G", dec(6987654321, 0, DecimalSI)),
        ("5.444T", dec(5444, 9, DecimalSI)),
        ("2.5P", dec(25, 14, DecimalSI)),
        ("1.01E", dec(101, 16, DecimalSI)),
        // Things that saturate or round up.
        ("3.001n", dec(4, -9, DecimalSI)),
        ("1.1E-9", dec(2, -9, DecimalExponent)),
        ("0.0000000001", dec(1, -9, DecimalSI)),
        ("0.0000000005", dec(1, -9, DecimalSI)),
        ("0.5e-9", dec(1, -9, DecimalExponent)),
        ("0.9n", dec(1, -9, DecimalSI)),
        ("0.00000012345", dec(124, -9, DecimalSI)),
        ("0.00000012354", dec(124, -9, DecimalSI)),
        ("9Ei", dec(i128::from(i64::MAX), 0, BinarySI)),
        (
            "9223372036854775807Ki",
            dec(i128::from(i64::MAX), 0, BinarySI),
        ),
        ("12E", dec(12, 18, DecimalSI)),
        // Fractional binary values.
        ("100.035Ki", dec(10243584, -2, BinarySI)),
        ("0.5Mi", dec(1 << 19, 0, BinarySI)),
        ("0.05Gi", dec(536870912, -1, BinarySI)),
        ("0.025Ti", dec(274877906944, -1, BinarySI)),
        // Things written by trolls.
        ("0.000000000001Ki", dec(2, -9, DecimalSI)),
        (".001", dec(1, -3, DecimalSI)),
        (".0001k", dec(100, -3, DecimalSI)),
        ("1.", dec(1, 0, DecimalSI)),
        ("1.G", dec(1, 9, DecimalSI)),
    ];
    for (input, want) in table {
        for (text, sign) in [
            (input.to_string(), 1),
            (format!("-{input}"), -1),
            (format!("+{input}"), 1),
        ] {
            let got = q(&text);
            let want = dec(want.mantissa * sign, want.exponent, want.format);
            assert_eq!(
                (got.mantissa, got.exponent, got.format),
                (want.mantissa, want.exponent, want.format),
                "{text}"
            );
        }
    }
}

/// TestQuantityParse's invalid list, with upstream's error for each.
#[test]
fn parse_errors() {
    let cases = [
        ("", ERR_FORMAT_WRONG),
        ("1.1.M", ERR_FORMAT_WRONG),
        ("1+1.0M", ERR_FORMAT_WRONG),
        ("0.1mi", ERR_SUFFIX),
        ("0.1am", ERR_FORMAT_WRONG),
        ("aoeu", ERR_FORMAT_WRONG),
        (".5i", ERR_SUFFIX),
        ("1i", ERR_SUFFIX),
        ("-3.01i", ERR_SUFFIX),
        ("-3.01e-", ERR_SUFFIX),
        (" 1", ERR_FORMAT_WRONG),
        ("1 ", ERR_FORMAT_WRONG),
        ("1K", ERR_SUFFIX),
        ("1e", ERR_SUFFIX),
        ("Non-Numeric", ERR_FORMAT_WRONG),
        ("1e3e", ERR_FORMAT_WRONG),
        ("e-10", ERR_NUMERIC),
        ("1e99999999999999999999", ERR_SUFFIX),
    ];
    for (input, want) in cases {
        assert_eq!(
            Quantity::parse(input).err().as_deref(),
            Some(want),
            "{input:?}"
        );
    }
    assert_eq!(
        ERR_FORMAT_WRONG,
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
    );
}

/// TestQuantityString: canonical forms, that canonical strings are kept as written, and
/// that alternate spellings print canonically; negated values print with a minus sign.
#[test]
fn canonical_strings() {
    use Format::*;
    let table = [
        (dec(1 << 30, 0, BinarySI), "1Gi", "1024Mi"),
        (dec(300 << 20, 0, BinarySI), "300Mi", "307200Ki"),
        (dec(6 * 1024, 0, BinarySI), "6Ki", ""),
        (dec(1001 << 30, 0, BinarySI), "1001Gi", "1025024Mi"),
        (dec(1 << 40, 0, BinarySI), "1Ti", "1024Gi"),
        (dec(5, 0, BinarySI), "5", "5000m"),
        (dec(500, -3, BinarySI), "500m", "0.5"),
        (dec(1, 9, DecimalSI), "1G", "1000M"),
        (dec(1000, 6, DecimalSI), "1G", "0.001T"),
        (dec(1, -3, DecimalSI), "1m", "1000u"),
        (dec(80, -3, DecimalSI), "80m", ""),
        (dec(1080, -3, DecimalSI), "1080m", "1.08"),
        (dec(108, -2, DecimalSI), "1080m", "1080000000n"),
        (dec(300, 6, DecimalSI), "300M", ""),
        (dec(1, 12, DecimalSI), "1T", ""),
        (dec(1234567, 6, DecimalSI), "1234567M", ""),
        (dec(1234567, -3, BinarySI), "1234567m", ""),
        (dec(3, 3, DecimalSI), "3k", ""),
        (dec(1025, 0, BinarySI), "1025", ""),
        (dec(0, 0, DecimalSI), "0", ""),
        (dec(0, 0, BinarySI), "0", ""),
        (dec(1, 9, DecimalExponent), "1e9", ".001e12"),
        (dec(1, -3, DecimalExponent), "1e-3", "0.001e0"),
        (dec(1, -9, DecimalExponent), "1e-9", "1000e-12"),
        (dec(80, -3, DecimalExponent), "80e-3", ""),
        (dec(300, 6, DecimalExponent), "300e6", ""),
        (dec(3, 3, DecimalExponent), "3e3", ""),
        (dec(0, 0, DecimalExponent), "0", "00"),
        (dec(1, -9, DecimalSI), "1n", ""),
        (dec(10800, -10, DecimalSI), "1080n", ""),
        (dec(1080, -6, DecimalSI), "1080u", ""),
    ];
    for (value, expect, alternate) in table {
        assert_eq!(value.to_string(), expect);
        assert_eq!(
            q(expect).original.as_deref(),
            Some(expect),
            "{expect} keeps its string"
        );
        if !alternate.is_empty() {
            let alt = q(alternate);
            assert_eq!(alt.original, None, "{alternate}");
            assert_eq!(alt.to_string(), expect, "{alternate}");
        }
        if !value.is_zero() {
            let negated = dec(-value.mantissa, value.exponent, value.format);
            assert_eq!(negated.to_string(), format!("-{expect}"));
        }
    }
}

/// TestQuantityParseEmit and the documented examples (`1.5` → `1500m`, `1.5Gi` → `1536Mi`).
#[test]
fn parse_then_print() {
    let cases = [
        ("1Ki", "1Ki"),
        ("1Mi", "1Mi"),
        ("1Gi", "1Gi"),
        ("1024Mi", "1Gi"),
        ("1000M", "1G"),
        (".001Ki", "1024m"),
        (".000001Ki", "1024u"),
        (".000000001Ki", "1024n"),
        (".000000000001Ki", "2n"),
        ("1.5", "1500m"),
        ("1.5Gi", "1536Mi"),
        ("1000m", "1"),
        ("0.5", "500m"),
        ("500Mi", "500Mi"),
        ("2", "2"),
        ("100m", "100m"),
        ("1k", "1k"),
        ("1M", "1M"),
        ("1E3", "1E3"),
        ("1e1", "10"),
        ("8Ei", "9223372036854775807"),
        ("0.5Ki", "512"),
        ("1.5Ki", "1536"),
        ("100.035Ki", "102435840m"),
        // Upstream keeps these inputs verbatim because they pass its fast-path test.
        ("+1", "+1"),
        ("01", "01"),
        ("1e+3", "1e+3"),
        // Upstream's suffix table stops at E, so larger DecimalSI values lose their suffix.
        ("1000E", "1"),
    ];
    for (input, want) in cases {
        assert_eq!(q(input).to_string(), want, "{input}");
    }
    for (input, want) in &cases[..9] {
        assert_eq!(q(&format!("-{input}")).to_string(), format!("-{want}"));
    }
}

/// TestQuantityCmp: values compare exactly across formats.
#[test]
fn comparisons() {
    assert_eq!(q("0").cmp(&q("0")), Ordering::Equal);
    assert_eq!(q("100m").cmp(&q("50m")), Ordering::Greater);
    assert_eq!(q("50m").cmp(&q("100m")), Ordering::Less);
    assert_eq!(q("10000T").cmp(&q("100Gi")), Ordering::Greater);
    assert_eq!(q("1000m"), q("1"));
    assert_eq!(q("1Ki"), q("1024"));
    assert!(q("-2") < q("-1"));
    assert!(q("-1") < q("1n"));
    assert!(q("999m") < q("1"));
}

/// MilliValue and Value round up away from zero (TestScaledValue, TestQuantityRoundUp) and
/// saturate instead of overflowing.
#[test]
fn milli_value_and_value() {
    let cases = [
        ("1n", 1, 1),
        ("1u", 1, 1),
        ("1m", 1, 1),
        ("1", 1000, 1),
        ("250m", 250, 1),
        ("1.5", 1500, 2),
        ("1Gi", 1073741824000, 1073741824),
        ("500Mi", 524288000000, 524288000),
        ("1e3", 1000000, 1000),
        ("0", 0, 0),
        ("-1.5", -1500, -2),
        ("-1n", -1, -1),
        ("9.01", 9010, 10),
        ("100k", 100000000, 100000),
    ];
    for (input, milli, value) in cases {
        assert_eq!(
            (q(input).milli_value(), q(input).value()),
            (milli, value),
            "{input}"
        );
    }
    assert_eq!(q("9Ei").milli_value(), i64::MAX);
    assert_eq!(q("9Ei").value(), i64::MAX);
    assert_eq!(q("-1e100").value(), i64::MIN);
    assert_eq!(q("1e-100").milli_value(), 1);
}

/// NewQuantity and NewMilliQuantity print canonically in the requested format.
#[test]
fn constructors() {
    assert_eq!(Quantity::new(2 << 30, Format::BinarySI).to_string(), "2Gi");
    assert_eq!(Quantity::new(1500, Format::DecimalSI).to_string(), "1500");
    assert_eq!(Quantity::new(1000, Format::DecimalSI).to_string(), "1k");
    assert_eq!(
        Quantity::new_milli(250, Format::DecimalSI).to_string(),
        "250m"
    );
    assert_eq!(
        Quantity::new_milli(2000, Format::DecimalSI).to_string(),
        "2"
    );
    assert_eq!(
        Quantity::new_milli(1500, Format::DecimalSI).to_string(),
        "1500m"
    );
    assert_eq!(Quantity::new(0, Format::BinarySI).to_string(), "0");
}

/// Decoding from the API type trims whitespace, as upstream's UnmarshalJSON does.
#[test]
fn from_and_to_k8s() {
    let parsed = Quantity::from_k8s(&K8sQuantity(" 1024Mi\n".to_string()));
    assert_eq!(
        parsed.map(|q| q.to_k8s()),
        Ok(K8sQuantity("1Gi".to_string()))
    );
    assert_eq!(
        Quantity::from_k8s(&K8sQuantity("1x".to_string()))
            .err()
            .as_deref(),
        Some(ERR_FORMAT_WRONG)
    );
}

/// Long inputs are exact as long as the rounded value keeps at most 36 digits.
#[test]
fn long_inputs() {
    assert_eq!(q(&format!("0.{}1", "0".repeat(40))).to_string(), "1n");
    // 10^60 is kept exactly; it prints as "1" because upstream's DecimalSI suffixes stop at E.
    let big = q(&format!("1{}", "0".repeat(60)));
    assert_eq!(
        (big.mantissa, big.exponent, big.to_string()),
        (1, 60, "1".to_string())
    );
    assert_eq!(
        q(&format!("{}Ki", "9".repeat(50))).to_string(),
        "9223372036854775807"
    );
    assert_eq!(
        Quantity::parse(&"9".repeat(40)).err().as_deref(),
        Some(ERR_NUMERIC)
    );
}
