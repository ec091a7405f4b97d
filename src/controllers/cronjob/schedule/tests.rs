//! `Schedule` against robfig/cron v3's `ParseStandard` and `Next`.

use super::*;
use chrono::DateTime;

fn at(rfc3339: &str) -> SimTime {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => SimTime(t.timestamp_millis()),
        Err(e) => panic!("bad test time {rfc3339}: {e}"),
    }
}

fn next(spec: &str, from: &str) -> String {
    let s = match Schedule::parse(spec) {
        Ok(s) => s,
        Err(e) => panic!("{spec}: {e}"),
    };
    match s.next(at(from)) {
        Some(t) => t.to_datetime().to_rfc3339(),
        None => "none".to_string(),
    }
}

#[test]
fn next_matches_robfig() {
    // robfig TestNext (standard fields), restated in UTC.
    let cases = [
        (
            "*/1 * * * *",
            "2025-01-01T00:00:00Z",
            "2025-01-01T00:01:00+00:00",
        ),
        (
            "*/1 * * * *",
            "2025-01-01T00:01:00.100Z",
            "2025-01-01T00:02:00+00:00",
        ),
        (
            "0 * * * ?",
            "2016-05-19T10:00:00Z",
            "2016-05-19T11:00:00+00:00",
        ),
        (
            "30 6-16/4 * * 1-5",
            "2016-05-19T10:30:00Z",
            "2016-05-19T14:30:00+00:00",
        ),
        // Friday 14:30 → Monday 06:30.
        (
            "30 6-16/4 * * 1-5",
            "2016-05-20T14:30:00Z",
            "2016-05-23T06:30:00+00:00",
        ),
        // Day of month and day of week both restricted: either matches.
        (
            "0 0 1 * MON",
            "2016-05-19T10:00:00Z",
            "2016-05-23T00:00:00+00:00",
        ),
        // Day of month `*` or `*/1`: both must match, so only Mondays.
        (
            "0 0 */1 * 1",
            "2016-05-19T10:00:00Z",
            "2016-05-23T00:00:00+00:00",
        ),
        (
            "0 0 ? * mon",
            "2016-05-19T10:00:00Z",
            "2016-05-23T00:00:00+00:00",
        ),
        // `N/step` runs from N to the maximum.
        (
            "0/5 * * * *",
            "2016-05-19T10:57:00Z",
            "2016-05-19T11:00:00+00:00",
        ),
        (
            "5,10 1-3 1 JAN *",
            "2016-05-19T10:00:00Z",
            "2017-01-01T01:05:00+00:00",
        ),
        (
            "@hourly",
            "2016-05-19T10:00:00Z",
            "2016-05-19T11:00:00+00:00",
        ),
        (
            "@daily",
            "2016-05-19T10:00:00Z",
            "2016-05-20T00:00:00+00:00",
        ),
        (
            "@midnight",
            "2016-05-19T10:00:00Z",
            "2016-05-20T00:00:00+00:00",
        ),
        (
            "@weekly",
            "2016-05-19T10:00:00Z",
            "2016-05-22T00:00:00+00:00",
        ),
        (
            "@monthly",
            "2016-05-19T10:00:00Z",
            "2016-06-01T00:00:00+00:00",
        ),
        (
            "@yearly",
            "2016-05-19T10:00:00Z",
            "2017-01-01T00:00:00+00:00",
        ),
        (
            "@annually",
            "2016-05-19T10:00:00Z",
            "2017-01-01T00:00:00+00:00",
        ),
        // Leap day.
        (
            "0 0 29 2 *",
            "2025-01-01T00:00:00Z",
            "2028-02-29T00:00:00+00:00",
        ),
        // `@every` is a constant delay from the whole second.
        (
            "@every 1h",
            "2016-05-19T09:01:00.250Z",
            "2016-05-19T10:01:00+00:00",
        ),
        (
            "@every 90s",
            "2016-05-19T09:01:00Z",
            "2016-05-19T09:02:30+00:00",
        ),
        (
            "@every 100ms",
            "2016-05-19T09:01:00Z",
            "2016-05-19T09:01:01+00:00",
        ),
        // A time zone prefix: 09:00 in Tokyo is 00:00 UTC.
        (
            "TZ=Asia/Tokyo 0 9 * * *",
            "2025-01-01T01:00:00Z",
            "2025-01-02T00:00:00+00:00",
        ),
        (
            "CRON_TZ=Europe/Rome 30 1 * * *",
            "2025-06-30T12:00:00Z",
            "2025-06-30T23:30:00+00:00",
        ),
    ];
    for (spec, from, want) in cases {
        assert_eq!(next(spec, from), want, "{spec} after {from}");
    }
}

#[test]
fn impossible_schedules_have_no_next() {
    // robfig returns the zero time when nothing matches within five years.
    assert_eq!(next("59 23 31 2 *", "2016-05-19T10:00:00Z"), "none");
    assert_eq!(next("0 0 30 2 *", "2016-05-19T10:00:00Z"), "none");
}

#[test]
fn parse_errors_use_robfig_words() {
    assert_eq!(
        Schedule::parse("* * * *").err(),
        Some("expected exactly 5 fields, found 4: [* * * *]".to_string())
    );
    assert_eq!(
        Schedule::parse("@fortnightly").err(),
        Some("unrecognized descriptor: @fortnightly".to_string())
    );
    assert_eq!(
        Schedule::parse("TZ=Mars/Base 0 * * * *").err(),
        Some("provided bad location Mars/Base: unknown time zone Mars/Base".to_string())
    );
    assert_eq!(
        Schedule::parse("").err(),
        Some("empty spec string".to_string())
    );
}
