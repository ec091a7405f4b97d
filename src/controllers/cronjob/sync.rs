//! One sync of a CronJob (`ControllerV2.sync`, `syncCronJob`, `cleanupFinishedJobs`):
//! reconcile `status.active` with the Jobs that exist, trim the finished Jobs beyond the
//! history limits, then start the Job of the most recent schedule time if it is due.

use std::rc::Rc;

use k8s_openapi::api::batch::v1::{CronJob, Job};

use super::cleanup::{cleanup_finished_jobs, delete_job};
use super::schedule::Schedule;
use super::utils::{
    job_from_template, job_name, most_recent_schedule_time, next_schedule_delay_ms, Missed,
};
use super::zone::Zone;
use super::NAME;
use crate::apiserver::{ApiError, ListOptions, Subresource};
use crate::client::events::{object_reference, record_event, EventType};
use crate::controllers::job::namespace_terminating;
use crate::controllers::{Action, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// Records an event about the CronJob; a failure to record is not the sync's failure.
pub(super) fn event(
    rc: &mut ReconcileCtx,
    cj: &CronJob,
    kind: EventType,
    reason: &str,
    message: &str,
) {
    let mut ctx = crate::apiserver::Ctx::new(rc.now, rc.rng, rc.meta.clone());
    let obj = Object::CronJob(cj.clone());
    let _ = record_event(rc.api, &mut ctx, &obj, kind, reason, message, NAME, None);
}

pub(super) fn job_of(o: &Object) -> Option<&Job> {
    match o {
        Object::Job(j) => Some(j),
        _ => None,
    }
}

/// `FinishedCondition`: the type of a true `Complete` or `Failed` condition.
pub(crate) fn finished_condition(job: &Job) -> Option<&'static str> {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find_map(|c| match (c.type_.as_str(), c.status.as_str()) {
            ("Complete", "True") => Some("Complete"),
            ("Failed", "True") => Some("Failed"),
            _ => None,
        })
}

pub(super) fn uid(o: &Object) -> String {
    o.meta().uid.clone().unwrap_or_default()
}

fn in_active_list(cj: &CronJob, uid: &str) -> bool {
    cj.status
        .as_ref()
        .and_then(|s| s.active.as_ref())
        .is_some_and(|a| a.iter().any(|r| r.uid.as_deref() == Some(uid)))
}

pub(super) fn delete_from_active_list(cj: &mut CronJob, uid: &str) {
    if let Some(active) = cj.status.as_mut().and_then(|s| s.active.as_mut()) {
        active.retain(|r| r.uid.as_deref() != Some(uid));
    }
}

/// `ControllerV2.sync`.
pub fn sync(key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
    let Some(obj) = rc.api.try_get(Kind::CronJob, &key.namespace, &key.name) else {
        return Ok(Action::Done);
    };
    let Object::CronJob(cj) = &*obj else {
        return Ok(Action::Done);
    };
    // Every Job whose controller reference names this CronJob (by name, as upstream).
    let jobs: Vec<Rc<Object>> = rc
        .api
        .list(Kind::Job, Some(&key.namespace), &ListOptions::default())?
        .into_iter()
        .filter(|j| {
            j.meta()
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.controller == Some(true) && r.name == key.name)
        })
        .collect();
    let mut copy = cj.clone();
    let cleaned = cleanup_finished_jobs(rc, &mut copy, &jobs);
    let (requeue, synced) = sync_cron_job(rc, &mut copy, &jobs)?;
    if cleaned || synced {
        // Upstream's `UpdateStatus` sends the copy with the resourceVersion it read.
        rc.update(Object::CronJob(copy), Subresource::Status)?;
    }
    Ok(match requeue {
        Some(ms) => Action::RequeueAfter(ms),
        None => Action::Done,
    })
}

/// `syncCronJob`: returns the requeue delay and whether the status changed.
fn sync_cron_job(
    rc: &mut ReconcileCtx,
    cj: &mut CronJob,
    jobs: &[Rc<Object>],
) -> Result<(Option<i64>, bool), ReconcileError> {
    let now = rc.now;
    let mut update = false;
    for obj in jobs {
        let Some(job) = job_of(obj) else { continue };
        let job_uid = uid(obj);
        let found = in_active_list(cj, &job_uid);
        let finished = finished_condition(job);
        match finished {
            None if !found => {
                event(
                    rc,
                    cj,
                    EventType::Warning,
                    "UnexpectedJob",
                    &format!(
                        "Saw a job that the controller did not create or forgot: {}",
                        obj.name()
                    ),
                );
            }
            None => {}
            Some(condition) => {
                if found {
                    delete_from_active_list(cj, &job_uid);
                    event(
                        rc,
                        cj,
                        EventType::Normal,
                        "SawCompletedJob",
                        &format!(
                            "Saw completed job: {}, condition: {}",
                            obj.name(),
                            condition
                        ),
                    );
                    update = true;
                }
                if condition == "Complete" {
                    let completion = job.status.as_ref().and_then(|s| s.completion_time.clone());
                    let status = cj.status.get_or_insert_with(Default::default);
                    let later = match (&status.last_successful_time, &completion) {
                        (None, _) => true,
                        (Some(last), Some(done)) => done.0 > last.0,
                        (Some(_), None) => false,
                    };
                    if later && status.last_successful_time != completion {
                        status.last_successful_time = completion;
                        update = true;
                    }
                }
            }
        }
    }
    // Active references to Jobs that no longer exist are dropped.
    let active = cj
        .status
        .as_ref()
        .and_then(|s| s.active.clone())
        .unwrap_or_default();
    for r in active {
        let r_uid = r.uid.clone().unwrap_or_default();
        if jobs.iter().any(|j| uid(j) == r_uid) {
            continue;
        }
        let ns = r.namespace.clone().unwrap_or_default();
        let name = r.name.clone().unwrap_or_default();
        if rc.api.try_get(Kind::Job, &ns, &name).is_none() {
            event(
                rc,
                cj,
                EventType::Normal,
                "MissingJob",
                &format!("Active job went missing: {name}"),
            );
            delete_from_active_list(cj, &r_uid);
            update = true;
        }
    }
    if cj.metadata.deletion_timestamp.is_some() {
        return Ok((None, update));
    }
    let spec = cj.spec.clone().unwrap_or_default();
    if let Some(tz) = &spec.time_zone {
        if let Err(e) = Zone::load(tz) {
            let message = format!(
                "invalid timeZone: {}: {e}",
                crate::apiserver::errors::quoted(tz)
            );
            event(rc, cj, EventType::Warning, "UnknownTimeZone", &message);
            return Ok((None, update));
        }
    }
    if spec.suspend == Some(true) {
        return Ok((None, update));
    }
    let text = format_schedule(rc, cj);
    let sched = match Schedule::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            let message = format!(
                "unparseable schedule: {} : {e}",
                crate::apiserver::errors::quoted(&spec.schedule)
            );
            event(rc, cj, EventType::Warning, "UnparseableSchedule", &message);
            return Ok((None, update));
        }
    };
    let scheduled = match next_schedule_time(rc, cj, now, &sched) {
        Ok(t) => t,
        Err(e) => {
            let message = format!("invalid schedule: {} : {e}", spec.schedule);
            event(rc, cj, EventType::Warning, "InvalidSchedule", &message);
            return Ok((None, update));
        }
    };
    let Some(scheduled) = scheduled else {
        return Ok((Some(next_schedule_delay_ms(cj, now, &sched)), update));
    };
    if let Some(deadline) = spec.starting_deadline_seconds {
        if scheduled.plus_secs(deadline) < now {
            let when = scheduled.to_datetime().format("%a, %d %b %Y %H:%M:%S %z");
            let message = format!("Missed scheduled time to start a job: {when}");
            event(rc, cj, EventType::Warning, "MissSchedule", &message);
            return Ok((Some(next_schedule_delay_ms(cj, now, &sched)), update));
        }
    }
    let name = job_name(cj.metadata.name.as_deref().unwrap_or(""), scheduled);
    let already = cj
        .status
        .as_ref()
        .and_then(|s| s.active.as_ref())
        .is_some_and(|a| a.iter().any(|r| r.name.as_deref() == Some(name.as_str())))
        || cj
            .status
            .as_ref()
            .and_then(|s| s.last_schedule_time.as_ref())
            .is_some_and(|t| SimTime::from_k8s_time(t) == scheduled);
    if already {
        return Ok((Some(next_schedule_delay_ms(cj, now, &sched)), update));
    }
    let active_count = cj
        .status
        .as_ref()
        .and_then(|s| s.active.as_ref())
        .map_or(0, |a| a.len());
    let policy = spec.concurrency_policy.as_deref().unwrap_or("Allow");
    if policy == "Forbid" && active_count > 0 {
        event(
            rc,
            cj,
            EventType::Normal,
            "JobAlreadyActive",
            "Not starting job because prior execution is running and concurrency policy is Forbid",
        );
        return Ok((Some(next_schedule_delay_ms(cj, now, &sched)), update));
    }
    if policy == "Replace" {
        let active = cj
            .status
            .as_ref()
            .and_then(|s| s.active.clone())
            .unwrap_or_default();
        for r in active {
            let ns = r.namespace.clone().unwrap_or_default();
            let job_name = r.name.clone().unwrap_or_default();
            let job = match rc.api.get(Kind::Job, &ns, &job_name) {
                Ok(j) => j,
                Err(e) => {
                    event(
                        rc,
                        cj,
                        EventType::Warning,
                        "FailedGet",
                        &format!("Get job: {e}"),
                    );
                    return Err(e.into());
                }
            };
            if !delete_job(rc, cj, &job) {
                let message = format!("could not replace job {ns}/{job_name}");
                return Err(ReconcileError(ApiError::Internal { message }));
            }
            update = true;
        }
    }
    let request = job_from_template(cj, scheduled)
        .map_err(|message| ReconcileError(ApiError::Internal { message }))?;
    let created = match rc.create(Object::Job(request)) {
        Ok(created) => {
            let message = format!("Created job {}", created.name());
            event(rc, cj, EventType::Normal, "SuccessfulCreate", &message);
            created
        }
        Err(ApiError::AlreadyExists { .. }) => {
            // Created earlier by us (the status update was lost) or by someone else.
            let existing = rc.api.get(
                Kind::Job,
                cj.metadata.namespace.as_deref().unwrap_or(""),
                &name,
            )?;
            let ours =
                existing.meta().owner_references.iter().flatten().any(|r| {
                    r.controller == Some(true) && Some(&r.uid) == cj.metadata.uid.as_ref()
                });
            if !ours || in_active_list(cj, &uid(&existing)) {
                return Ok((None, update));
            }
            existing
        }
        Err(e) if namespace_terminating(&e) => return Err(e.into()),
        Err(e) => {
            event(
                rc,
                cj,
                EventType::Warning,
                "FailedCreate",
                &format!("Error creating job: {e}"),
            );
            return Err(e.into());
        }
    };
    let status = cj.status.get_or_insert_with(Default::default);
    status
        .active
        .get_or_insert_with(Vec::new)
        .push(object_reference(&created));
    status.last_schedule_time = Some(scheduled.to_k8s_time());
    Ok((Some(next_schedule_delay_ms(cj, now, &sched)), true))
}

/// `nextScheduleTime`: the most recent unmet schedule time (counting the starting
/// deadline), warning when more than 100 were missed.
fn next_schedule_time(
    rc: &mut ReconcileCtx,
    cj: &CronJob,
    now: SimTime,
    sched: &Schedule,
) -> Result<Option<SimTime>, String> {
    let found = most_recent_schedule_time(cj, now, sched, true)?;
    let Some(recent) = found.recent.filter(|t| *t <= now) else {
        return Ok(None);
    };
    if found.missed == Missed::Many {
        event(
            rc,
            cj,
            EventType::Warning,
            "TooManyMissedTimes",
            "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew",
        );
    }
    Ok(Some(recent))
}

/// `formatSchedule`: the schedule with the time zone prefixed (`TZ=<zone> <schedule>`),
/// warning once per sync about a `TZ`/`CRON_TZ` written into the schedule itself.
fn format_schedule(rc: &mut ReconcileCtx, cj: &CronJob) -> String {
    let spec = cj.spec.clone().unwrap_or_default();
    if spec.schedule.contains("TZ") {
        let message = format!(
            "CRON_TZ or TZ used in schedule {} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details",
            crate::apiserver::errors::quoted(&spec.schedule)
        );
        event(rc, cj, EventType::Warning, "UnsupportedSchedule", &message);
        return spec.schedule;
    }
    match &spec.time_zone {
        Some(tz) if Zone::load(tz).is_ok() => format!("TZ={tz} {}", spec.schedule),
        _ => spec.schedule,
    }
}
