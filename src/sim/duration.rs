//! Go-style durations (`30s`, `2m`, `1h30m`, `500ms`), as `sleep`, `--timeout` and
//! `--grace-period`-like flags take them. A bare number means seconds (`sleep 30`).

/// Parses a duration into milliseconds. Accepts a bare non-negative number of seconds
/// (`30`, `1.5`) or Go's `time.ParseDuration` syntax with units `ms`, `s`, `m`, `h`
/// (`1h30m`, `2.5s`). Returns a message on malformed input.
pub fn parse_go_duration(text: &str) -> Result<i64, String> {
    let s = text.trim();
    if s.is_empty() {
        return Err(format!("time: invalid duration {:?}", text));
    }
    if let Some(ms) = parse_number_ms(s, 1000.0) {
        return Ok(ms);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: i64 = 0;
    let invalid = || format!("time: invalid duration {:?}", text);
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        if start == i {
            return Err(invalid());
        }
        let number = &s[start..i];
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &s[unit_start..i] {
            "ms" => 1.0,
            "s" => 1000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "" => return Err(format!("time: missing unit in duration {:?}", text)),
            other => {
                return Err(format!(
                    "time: unknown unit {:?} in duration {:?}",
                    other, text
                ))
            }
        };
        let ms = parse_number_ms(number, factor).ok_or_else(invalid)?;
        total = total.checked_add(ms).ok_or_else(invalid)?;
    }
    Ok(total)
}

fn parse_number_ms(number: &str, factor: f64) -> Option<i64> {
    if number.is_empty() || !number.bytes().all(|c| c.is_ascii_digit() || c == b'.') {
        return None;
    }
    let v: f64 = number.parse().ok()?;
    let ms = (v * factor).round();
    if !ms.is_finite() || ms > i64::MAX as f64 / 2.0 {
        return None;
    }
    Some(ms as i64)
}

/// Formats milliseconds like Go's `time.Duration.String()` (`1m30s`, `500ms`, `0s`).
pub fn format_go_duration(ms: i64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    let neg = ms < 0;
    let ms = ms.unsigned_abs();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if ms < 1000 {
        out.push_str(&format!("{ms}ms"));
        return out;
    }
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let frac = ms % 1000;
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if h > 0 || m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if frac == 0 {
        out.push_str(&format!("{s}s"));
    } else {
        let f = format!("{frac:03}");
        out.push_str(&format!("{s}.{}s", f.trim_end_matches('0')));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_shell_sleep_forms() {
        assert_eq!(parse_go_duration("30"), Ok(30_000));
        assert_eq!(parse_go_duration("2m"), Ok(120_000));
        assert_eq!(parse_go_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_go_duration("1.5s"), Ok(1_500));
        assert_eq!(parse_go_duration("250ms"), Ok(250));
    }

    #[test]
    fn rejects_garbage_with_go_messages() {
        assert_eq!(
            parse_go_duration("abc"),
            Err("time: invalid duration \"abc\"".to_string())
        );
        assert_eq!(
            parse_go_duration("5x"),
            Err("time: unknown unit \"x\" in duration \"5x\"".to_string())
        );
        assert!(parse_go_duration("").is_err());
        assert!(parse_go_duration("99999999999999999999h").is_err());
    }

    #[test]
    fn formats_like_go() {
        assert_eq!(format_go_duration(90_000), "1m30s");
        assert_eq!(format_go_duration(3_600_000), "1h0m0s");
        assert_eq!(format_go_duration(500), "500ms");
        assert_eq!(format_go_duration(1_500), "1.5s");
    }
}
