//! The time arithmetic and Job helpers of the v1.32 CronJob controller
//! (`pkg/controller/cronjob/utils.go`): the most recent missed schedule, the delay until
//! the next one, the Job made from the template, and the order old Jobs are removed in.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::schedule::Schedule;
use super::zone::Zone;
use crate::sim::SimTime;

/// The padding added to every requeue (`nextScheduleDelta`), against clock skew.
pub const NEXT_SCHEDULE_DELTA_MS: i64 = 100;

/// The annotation recording a Job's scheduled time (`CronJobScheduledTimestampAnnotation`).
pub const SCHEDULED_TIMESTAMP_ANNOTATION: &str = "batch.kubernetes.io/cronjob-scheduled-timestamp";

/// How many schedules were missed since the last one (`missedSchedulesType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missed {
    /// None.
    None,
    /// Between 1 and 100.
    Few,
    /// More than 100: the controller warns with `TooManyMissedTimes`.
    Many,
}

/// The result of `mostRecentScheduleTime`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MostRecent {
    /// The last schedule time, the creation time, or the starting deadline, whichever
    /// the search started from.
    pub earliest: SimTime,
    /// The latest schedule time not after `now`, if any.
    pub recent: Option<SimTime>,
    /// How many schedules were missed.
    pub missed: Missed,
}

/// The error of a schedule that parses but never fires twice (`59 23 31 2 *`).
pub const TOO_CLOSE: &str = "time difference between two schedules is less than 1 second";

fn creation(cj: &CronJob) -> SimTime {
    cj.metadata
        .creation_timestamp
        .as_ref()
        .map(SimTime::from_k8s_time)
        .unwrap_or_default()
}

/// `mostRecentScheduleTime`: starting from the last schedule time (or the creation time,
/// or `now - startingDeadlineSeconds` when that is later and `include_deadline`), the
/// latest activation not after `now`, and how many were missed.
///
/// The number missed is estimated from the gap between the first two activations, then
/// the search restarts one interval before the estimate so irregular schedules
/// (`30 6-16/4 * * 1-5`) still land on the right time. Worked example, hourly schedule,
/// earliest 10:00:10, now 15:01: t1 = 11:00, t2 = 12:00, interval 3600 s; elapsed from t1
/// is 4 h 1 min → 4 full intervals + 1 = 5 missed ("few"); the search restarts at
/// t1 + (5 - 2) h = 14:00 and finds 15:00.
pub fn most_recent_schedule_time(
    cj: &CronJob,
    now: SimTime,
    schedule: &Schedule,
    include_deadline: bool,
) -> Result<MostRecent, String> {
    let status = cj.status.as_ref();
    let mut earliest = status
        .and_then(|s| s.last_schedule_time.as_ref())
        .map(SimTime::from_k8s_time)
        .unwrap_or_else(|| creation(cj));
    let spec = cj.spec.as_ref();
    if include_deadline {
        if let Some(secs) = spec.and_then(|s| s.starting_deadline_seconds) {
            let deadline = now.plus_secs(-secs);
            if deadline > earliest {
                earliest = deadline;
            }
        }
    }
    let none = |missed| MostRecent {
        earliest,
        recent: None,
        missed,
    };
    let t1 = schedule.next(earliest);
    let t2 = t1.and_then(|t| schedule.next(t));
    // A missing activation is robfig's zero time, which is before any `now`.
    if let Some(t1) = t1 {
        if now < t1 {
            return Ok(none(Missed::None));
        }
        if let Some(t2) = t2 {
            if now < t2 {
                return Ok(MostRecent {
                    earliest,
                    recent: Some(t1),
                    missed: Missed::None,
                });
            }
        }
    }
    let (Some(t1), Some(t2)) = (t1, t2) else {
        return Err(TOO_CLOSE.to_string());
    };
    // Go rounds the interval to whole seconds and truncates the elapsed time.
    let between = (t2.since(t1) + 500).div_euclid(1000);
    if between < 1 {
        return Err(TOO_CLOSE.to_string());
    }
    let elapsed = now.since(t1) / 1000;
    let missed_count = elapsed / between + 1;
    let mut recent = None;
    let potential_earliest = t1.plus_secs((missed_count - 2) * between);
    let mut t = schedule.next(potential_earliest);
    while let Some(at) = t {
        if at > now {
            break;
        }
        recent = Some(at);
        t = schedule.next(at);
    }
    let missed = if missed_count > 100 {
        Missed::Many
    } else if missed_count > 0 {
        Missed::Few
    } else {
        Missed::None
    };
    Ok(MostRecent {
        earliest,
        recent,
        missed,
    })
}

/// `nextScheduleTimeDuration`: milliseconds from `now` until just after the next
/// activation (plus the 100 ms padding). After an error it aims at the next activation
/// after `now`; when schedules were missed and none is recent, also after `now`.
pub fn next_schedule_delay_ms(cj: &CronJob, now: SimTime, schedule: &Schedule) -> i64 {
    let from = match most_recent_schedule_time(cj, now, schedule, false) {
        Err(_) => now,
        Ok(MostRecent {
            recent: Some(t), ..
        }) => t,
        Ok(MostRecent {
            earliest,
            recent: None,
            missed: Missed::None,
        }) => earliest,
        Ok(_) => now,
    };
    // The zero time robfig returns when nothing is found makes a negative delay, which
    // the queue treats as "now"; an hour is a calmer retry for a schedule that never fires.
    match schedule.next(from) {
        Some(next) => next.since(now) + NEXT_SCHEDULE_DELTA_MS,
        None => 3_600_000,
    }
}

/// `getJobName`: `<cronjob>-<scheduled time in minutes since the epoch>`.
///
/// Worked example: 2025-01-01T00:01:00Z is 1,735,689,660 s = 28,928,161 min, so a CronJob
/// `hello` names that run's Job `hello-28928161`.
pub fn job_name(cj_name: &str, scheduled: SimTime) -> String {
    format!("{}-{}", cj_name, scheduled.0.div_euclid(60_000))
}

/// `getJobFromTemplate2`: the Job for one scheduled time: the template's labels and
/// annotations plus the scheduled-timestamp annotation (RFC 3339 in the CronJob's time
/// zone), the deterministic name, the CronJob as controlling owner, the template's spec.
pub fn job_from_template(cj: &CronJob, scheduled: SimTime) -> Result<Job, String> {
    let spec = cj.spec.clone().unwrap_or_default();
    let template = spec.job_template;
    let template_meta = template.metadata.unwrap_or_default();
    let zone = Zone::load(spec.time_zone.as_deref().unwrap_or(""))?;
    let mut annotations = template_meta.annotations.unwrap_or_default();
    annotations.insert(
        SCHEDULED_TIMESTAMP_ANNOTATION.to_string(),
        zone.at(scheduled)
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    );
    let name = cj.metadata.name.clone().unwrap_or_default();
    let labels: BTreeMap<String, String> = template_meta.labels.unwrap_or_default();
    Ok(Job {
        metadata: ObjectMeta {
            name: Some(job_name(&name, scheduled)),
            namespace: cj.metadata.namespace.clone(),
            labels: (!labels.is_empty()).then_some(labels),
            annotations: Some(annotations),
            creation_timestamp: Some(scheduled.to_k8s_time()),
            owner_references: Some(vec![controller_ref(cj)]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    })
}

/// `metav1.NewControllerRef(cronJob, batch/v1 CronJob)`.
pub fn controller_ref(cj: &CronJob) -> OwnerReference {
    OwnerReference {
        api_version: "batch/v1".to_string(),
        kind: "CronJob".to_string(),
        name: cj.metadata.name.clone().unwrap_or_default(),
        uid: cj.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `byJobStartTime`: Jobs with a start time first, earliest first, ties by name; Jobs
/// without a start time last, by name.
pub fn sort_by_start_time(jobs: &mut [std::rc::Rc<crate::model::Object>]) {
    fn key(o: &crate::model::Object) -> (bool, Option<SimTime>, String) {
        let start = match o {
            crate::model::Object::Job(j) => j
                .status
                .as_ref()
                .and_then(|s| s.start_time.as_ref())
                .map(SimTime::from_k8s_time),
            _ => None,
        };
        (start.is_none(), start, o.name().to_string())
    }
    jobs.sort_by_key(|a| key(a));
}

#[cfg(test)]
#[path = "utils_tests.rs"]
mod tests;
