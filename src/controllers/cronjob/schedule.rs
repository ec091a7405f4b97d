//! A CronJob's schedule as the v1.32 controller reads it: `cron.ParseStandard` of robfig/cron
//! v3 (five fields, `@hourly`-style descriptors, `@every <duration>`, an optional
//! `TZ=`/`CRON_TZ=` prefix) and `Schedule.Next`, the first activation strictly after an
//! instant, searched in the schedule's time zone.
//!
//! The field matching itself is the `croner` crate's; this module only maps robfig's
//! dialect onto it, where the two differ:
//!
//! - robfig accepts `?` in every field and treats it as `*`;
//! - robfig marks a day-of-month or day-of-week field "unrestricted" when any of its
//!   comma-separated parts is `*` or `?` with a step of at most 1 (`*`, `*/1`), and then
//!   requires both day fields to match (otherwise either may match, as in Vixie cron);
//!   croner recognises only a literal `*`, so such a field is rewritten to `*`, which
//!   selects the same days;
//! - `N/step` means `N-max/step` (croner calls this "sloppy ranges");
//! - `@midnight` is `@daily`, and `@every` is a constant delay, not a cron pattern;
//! - `Next` gives up after five years (the zero time upstream, `None` here).
//!
//! Daylight-saving gaps follow croner (a time skipped by the clock change fires at the
//! first valid instant after it), where robfig skips that day's run; this is the one
//! known difference, and only for named time zones.

use chrono::{DateTime, TimeZone, Utc};
use croner::parser::CronParser;
use croner::Cron;

use super::zone::Zone;
use crate::sim::{parse_go_duration, SimTime};

/// How far ahead `next` searches, as robfig's `Next` (five years).
const SEARCH_YEARS: i64 = 5;

/// What fires the schedule.
#[derive(Clone, Debug)]
enum Rule {
    /// A cron pattern.
    Cron(Box<Cron>),
    /// `@every <duration>`: a constant delay in whole seconds (robfig's
    /// `ConstantDelaySchedule`), in milliseconds.
    Every(i64),
}

/// A parsed schedule.
#[derive(Clone, Debug)]
pub struct Schedule {
    rule: Rule,
    zone: Zone,
}

impl Schedule {
    /// Parses like `cron.ParseStandard`: an optional `TZ=<zone> ` or `CRON_TZ=<zone> `
    /// prefix, then a descriptor or five fields. Errors carry robfig's wording where it
    /// matters (the API server has already rejected malformed schedules).
    pub fn parse(spec: &str) -> Result<Schedule, String> {
        if spec.is_empty() {
            return Err("empty spec string".to_string());
        }
        let mut zone = Zone::Utc;
        let mut rest = spec;
        if spec.starts_with("TZ=") || spec.starts_with("CRON_TZ=") {
            let eq = spec.find('=').unwrap_or(0);
            let end = spec.find(' ').unwrap_or(spec.len());
            let name = spec.get(eq + 1..end).unwrap_or("");
            zone = Zone::load(name).map_err(|e| format!("provided bad location {name}: {e}"))?;
            rest = spec.get(end..).unwrap_or("").trim();
        }
        if let Some(descriptor) = rest.strip_prefix('@') {
            let pattern = match descriptor {
                "yearly" | "annually" => "0 0 1 1 *",
                "monthly" => "0 0 1 * *",
                "weekly" => "0 0 * * 0",
                "daily" | "midnight" => "0 0 * * *",
                "hourly" => "0 * * * *",
                d => {
                    let Some(duration) = d.strip_prefix("every ") else {
                        return Err(format!("unrecognized descriptor: {rest}"));
                    };
                    let ms = parse_go_duration(duration)
                        .map_err(|e| format!("failed to parse duration {rest}: {e}"))?;
                    return Ok(Schedule {
                        rule: Rule::Every(every_delay_ms(ms)),
                        zone,
                    });
                }
            };
            return Ok(Schedule {
                rule: Rule::Cron(Box::new(parse_fields(pattern)?)),
                zone,
            });
        }
        let fields: Vec<&str> = rest.split_whitespace().collect();
        if fields.len() != 5 {
            return Err(format!(
                "expected exactly 5 fields, found {}: [{}]",
                fields.len(),
                fields.join(" ")
            ));
        }
        let normalized: Vec<String> = fields
            .iter()
            .enumerate()
            .map(|(i, f)| normalize_field(i, f))
            .collect();
        Ok(Schedule {
            rule: Rule::Cron(Box::new(parse_fields(&normalized.join(" "))?)),
            zone,
        })
    }

    /// The schedule's time zone (from a `TZ=` prefix; UTC otherwise).
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// robfig's `Next`: the first activation strictly after `t`, at whole seconds, or
    /// `None` when there is none within five years.
    ///
    /// Worked example: `*/1 * * * *` after 00:01:00.100 is 00:02:00 (the search starts at
    /// the next whole second, 00:01:01); `@every 1h` after 00:59:30.250 is 01:59:30.
    pub fn next(&self, t: SimTime) -> Option<SimTime> {
        match &self.rule {
            Rule::Every(delay) => Some(SimTime(t.0 - t.0.rem_euclid(1000)).plus_ms(*delay)),
            Rule::Cron(cron) => {
                let limit = t.plus_ms(SEARCH_YEARS * 366 * 24 * 3_600_000);
                let found = match &self.zone {
                    Zone::Utc => next_in(cron, t.to_datetime()),
                    Zone::Named(tz) => next_in(cron, t.to_datetime().with_timezone(tz)),
                }?;
                (found <= limit).then_some(found)
            }
        }
    }
}

/// robfig's `Every`: at least one second, truncated to whole seconds.
fn every_delay_ms(ms: i64) -> i64 {
    if ms < 1000 {
        1000
    } else {
        ms - ms % 1000
    }
}

fn next_in<Tz: TimeZone>(cron: &Cron, t: DateTime<Tz>) -> Option<SimTime> {
    cron.find_next_occurrence(&t, false)
        .ok()
        .map(|dt| SimTime(dt.with_timezone(&Utc).timestamp_millis()))
}

fn parse_fields(pattern: &str) -> Result<Cron, String> {
    CronParser::builder()
        .sloppy_ranges(true)
        .build()
        .parse(pattern)
        .map_err(|e| e.to_string())
}

/// Rewrites one of the five fields into croner's dialect (see the module documentation).
/// Field 2 is the day of month and field 4 the day of week.
fn normalize_field(index: usize, field: &str) -> String {
    let field = field.replace('?', "*");
    let day_field = index == 2 || index == 4;
    let unrestricted = field.split(',').any(|part| part == "*" || part == "*/1");
    if day_field && unrestricted {
        "*".to_string()
    } else {
        field
    }
}

#[cfg(test)]
mod tests;
