//! Human-readable durations for AGE-like columns.
//!
//! This module owns the port of apimachinery's `duration.HumanDuration` and of
//! the printers' `translateTimestampSince`, which turn "time since creation"
//! into strings such as `10s`, `3m10s`, `70m`, `3h5m`, `2d1h`, `400d`, `2y1d`
//! and `8y`. The current time is always a parameter: the simulation decides
//! what "now" is.

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};

/// Formats `d` with ~2-3 significant figures, exactly like apimachinery's
/// `duration.HumanDuration`.
///
/// Thresholds (worked through upstream's boundary tests): below 2 minutes the
/// value is in seconds (`119s`); below 10 minutes minutes and seconds
/// (`9m59s`, `2m`); below 3 hours whole minutes (`179m`); below 8 hours hours
/// and minutes (`7h59m`); below 2 days whole hours (`47h`); below 8 days days
/// and hours (`7d23h`); below 2 years whole days (`729d`); below 8 years years
/// and days (`7y364d`); then whole years. Durations down to -1s print `0s`
/// (clock skew tolerance); anything earlier prints `<invalid>`.
pub fn human_duration(d: Duration) -> String {
    // `num_seconds` truncates toward zero, like Go's `int(d.Seconds())`.
    let seconds = d.num_seconds();
    if seconds < -1 {
        return "<invalid>".to_string();
    } else if seconds < 0 {
        return "0s".to_string();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d.num_minutes();
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d.num_hours();
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        format!("{hours}h{m}m")
    } else if hours < 48 {
        format!("{hours}h")
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        format!("{}d{h}h", hours / 24)
    } else if hours < 24 * 365 * 2 {
        format!("{}d", hours / 24)
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        format!("{}y{dy}d", hours / 24 / 365)
    } else {
        format!("{}y", hours / 24 / 365)
    }
}

/// The elapsed time since `ts` as kubectl prints it in AGE columns, or
/// `<unknown>` when the timestamp is absent (Go's zero `metav1.Time`).
pub fn translate_timestamp_since(ts: Option<&Time>, now: DateTime<Utc>) -> String {
    since(ts.map(|t| t.0), now)
}

/// Like [`translate_timestamp_since`] for `metav1.MicroTime` fields (an
/// Event's `eventTime` and `series.lastObservedTime`).
pub fn translate_micro_timestamp_since(ts: Option<&MicroTime>, now: DateTime<Utc>) -> String {
    since(ts.map(|t| t.0), now)
}

/// Shared body of the `translate*` helpers; a timestamp equal to Go's zero
/// time (0001-01-01T00:00:00Z) counts as absent too.
pub(super) fn since(ts: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    match ts {
        Some(t) if !is_go_zero(t) => human_duration(now.signed_duration_since(t)),
        _ => "<unknown>".to_string(),
    }
}

/// Whether `t` is Go's zero `time.Time`, which a JSON `null` never produces
/// but an explicit `"0001-01-01T00:00:00Z"` does.
pub(super) fn is_go_zero(t: DateTime<Utc>) -> bool {
    t.year() == 1 && t.ordinal() == 1 && t.num_seconds_from_midnight() == 0 && t.nanosecond() == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: i64) -> Duration {
        Duration::milliseconds(n)
    }

    /// Mirrors apimachinery `TestHumanDuration`.
    #[test]
    fn human_duration_examples() {
        let h = Duration::hours;
        assert_eq!(human_duration(Duration::seconds(1)), "1s");
        assert_eq!(human_duration(Duration::seconds(70)), "70s");
        assert_eq!(human_duration(Duration::seconds(190)), "3m10s");
        assert_eq!(human_duration(Duration::minutes(70)), "70m");
        assert_eq!(human_duration(h(47)), "47h");
        assert_eq!(human_duration(h(49)), "2d1h");
        assert_eq!(human_duration(h(8 * 24 + 2)), "8d");
        assert_eq!(human_duration(h(367 * 24)), "367d");
        assert_eq!(human_duration(h(365 * 2 * 24 + 25)), "2y1d");
        assert_eq!(human_duration(h(365 * 8 * 24 + 2)), "8y");
    }

    /// Mirrors apimachinery `TestHumanDurationBoundaries`.
    #[test]
    fn human_duration_boundaries() {
        let (m, h, d) = (Duration::minutes, Duration::hours, Duration::days);
        let cases: Vec<(Duration, &str)> = vec![
            (Duration::seconds(-2), "<invalid>"),
            (Duration::seconds(-2) + Duration::nanoseconds(1), "0s"),
            (Duration::zero(), "0s"),
            (Duration::seconds(1) - ms(1), "0s"),
            (m(2) - ms(1), "119s"),
            (m(2), "2m"),
            (m(2) + Duration::seconds(1), "2m1s"),
            (m(10) - ms(1), "9m59s"),
            (m(10), "10m"),
            (m(10) + Duration::seconds(1), "10m"),
            (h(3) - ms(1), "179m"),
            (h(3), "3h"),
            (h(3) + m(1), "3h1m"),
            (h(8) - ms(1), "7h59m"),
            (h(8), "8h"),
            (h(8) + m(59), "8h"),
            (d(2) - ms(1), "47h"),
            (d(2), "2d"),
            (d(2) + h(1), "2d1h"),
            (d(8) - ms(1), "7d23h"),
            (d(8), "8d"),
            (d(8) + h(23), "8d"),
            (d(2 * 365) - ms(1), "729d"),
            (d(2 * 365), "2y"),
            (d(2 * 365) + h(23), "2y"),
            (d(2 * 365) + h(23) + m(59), "2y"),
            (d(2 * 365) + d(1) - ms(1), "2y"),
            (d(2 * 365) + d(1), "2y1d"),
            (d(3 * 365), "3y"),
            (d(7 * 365), "7y"),
            (d(8 * 365) - ms(1), "7y364d"),
            (d(8 * 365), "8y"),
            (d(8 * 365) + d(364), "8y"),
            (d(9 * 365), "9y"),
        ];
        for (duration, want) in cases {
            assert_eq!(human_duration(duration), want, "{duration:?}");
        }
    }

    /// Mirrors the printers' `translateTimestampSince`: a missing or zero
    /// timestamp is `<unknown>`, otherwise the time since it.
    #[test]
    fn translate_timestamp_since_unknown_and_age() {
        let now =
            DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z").map(|t| t.with_timezone(&Utc));
        let Ok(now) = now else {
            panic!("bad test time")
        };
        assert_eq!(translate_timestamp_since(None, now), "<unknown>");
        let zero =
            DateTime::parse_from_rfc3339("0001-01-01T00:00:00Z").map(|t| t.with_timezone(&Utc));
        let Ok(zero) = zero else {
            panic!("bad test time")
        };
        assert_eq!(
            translate_timestamp_since(Some(&Time(zero)), now),
            "<unknown>"
        );
        let created = Time(now - Duration::seconds(10));
        assert_eq!(translate_timestamp_since(Some(&created), now), "10s");
        let micro = MicroTime(now - Duration::minutes(5));
        assert_eq!(translate_micro_timestamp_since(Some(&micro), now), "5m");
    }
}
