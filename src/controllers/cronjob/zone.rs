//! Time zones for CronJob schedules: Go's `time.LoadLocation` over the tz database that
//! the `jiff` crate bundles (no system files, so every driver sees the same zones), and a
//! `chrono::TimeZone` adapter over a `jiff` zone so `croner` can search in it.
//!
//! Only offset lookups cross the adapter (UTC to local, local to UTC with daylight-saving
//! gaps and folds), which keeps the WebAssembly small: the bundled database and jiff's
//! zone code add about 0.3 MB, where `chrono-tz` would add 0.9 MB.

use chrono::{DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use jiff::tz::{AmbiguousOffset, TimeZone as JiffZone};

use crate::sim::SimTime;

/// A time zone, as Go's `time.LoadLocation` returns one.
#[derive(Clone, Debug, PartialEq)]
pub enum Zone {
    /// UTC (also `""` and `Local`: the controller manager's clock runs in UTC).
    Utc,
    /// A zone of the tz database.
    Named(Tz),
}

impl Zone {
    /// `time.LoadLocation(name)`; the error is Go's message.
    pub fn load(name: &str) -> Result<Zone, String> {
        match name {
            "" | "UTC" | "Local" => Ok(Zone::Utc),
            _ => JiffZone::get(name)
                .map(|tz| Zone::Named(Tz(tz)))
                .map_err(|_| format!("unknown time zone {name}")),
        }
    }

    /// The instant `t` as a wall-clock time with this zone's offset then.
    pub fn at(&self, t: SimTime) -> DateTime<FixedOffset> {
        let utc = t.to_datetime();
        match self {
            Zone::Utc => utc.fixed_offset(),
            Zone::Named(tz) => utc.with_timezone(tz).fixed_offset(),
        }
    }
}

/// A tz-database zone usable as a `chrono::TimeZone`.
#[derive(Clone, Debug, PartialEq)]
pub struct Tz(JiffZone);

/// The offset of a `Tz` at some instant (chrono's `Offset`, remembering its zone).
#[derive(Clone, Debug)]
pub struct TzOffset {
    zone: Tz,
    fixed: FixedOffset,
}

impl Offset for TzOffset {
    fn fix(&self) -> FixedOffset {
        self.fixed
    }
}

impl std::fmt::Display for TzOffset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.fixed.fmt(f)
    }
}

impl Tz {
    fn offset(&self, seconds: i32) -> TzOffset {
        TzOffset {
            zone: self.clone(),
            fixed: FixedOffset::east_opt(seconds).unwrap_or(Utc.fix()),
        }
    }
}

impl TimeZone for Tz {
    type Offset = TzOffset;

    fn from_offset(offset: &TzOffset) -> Tz {
        offset.zone.clone()
    }

    fn offset_from_local_date(&self, local: &NaiveDate) -> LocalResult<TzOffset> {
        match local.and_hms_opt(0, 0, 0) {
            Some(dt) => self.offset_from_local_datetime(&dt),
            None => LocalResult::None,
        }
    }

    fn offset_from_local_datetime(&self, local: &NaiveDateTime) -> LocalResult<TzOffset> {
        use chrono::{Datelike, Timelike};
        let civil = jiff::civil::DateTime::new(
            local.year().clamp(-9999, 9999) as i16,
            local.month() as i8,
            local.day() as i8,
            local.hour() as i8,
            local.minute() as i8,
            local.second() as i8,
            0,
        );
        let Ok(civil) = civil else {
            return LocalResult::None;
        };
        match self.0.to_ambiguous_timestamp(civil).offset() {
            AmbiguousOffset::Unambiguous { offset } => {
                LocalResult::Single(self.offset(offset.seconds()))
            }
            AmbiguousOffset::Gap { .. } => LocalResult::None,
            AmbiguousOffset::Fold { before, after } => {
                LocalResult::Ambiguous(self.offset(before.seconds()), self.offset(after.seconds()))
            }
        }
    }

    fn offset_from_utc_date(&self, utc: &NaiveDate) -> TzOffset {
        match utc.and_hms_opt(0, 0, 0) {
            Some(dt) => self.offset_from_utc_datetime(&dt),
            None => self.offset(0),
        }
    }

    fn offset_from_utc_datetime(&self, utc: &NaiveDateTime) -> TzOffset {
        let seconds = jiff::Timestamp::from_second(utc.and_utc().timestamp())
            .map(|ts| self.0.to_offset(ts).seconds())
            .unwrap_or(0);
        self.offset(seconds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_load_like_go() {
        assert_eq!(Zone::load(""), Ok(Zone::Utc));
        assert_eq!(Zone::load("UTC"), Ok(Zone::Utc));
        assert!(matches!(Zone::load("Asia/Tokyo"), Ok(Zone::Named(_))));
        assert_eq!(
            Zone::load("Mars/Olympus"),
            Err("unknown time zone Mars/Olympus".into())
        );
    }

    #[test]
    fn wall_clock_follows_daylight_saving() {
        let rome = Zone::load("Europe/Rome").unwrap_or(Zone::Utc);
        // 2025-01-01T00:00:00Z is 01:00 CET; 2025-07-01T00:00:00Z is 02:00 CEST.
        assert_eq!(
            rome.at(SimTime::START).to_rfc3339(),
            "2025-01-01T01:00:00+01:00"
        );
        let july = SimTime(1_751_328_000_000);
        assert_eq!(rome.at(july).to_rfc3339(), "2025-07-01T02:00:00+02:00");
    }
}
