//! `cleanupFinishedJobs` and `deleteJob`: finished Jobs beyond the history limits are
//! deleted, oldest first (by start time, then name), with background propagation.

use std::rc::Rc;

use k8s_openapi::api::batch::v1::CronJob;

use super::sync::{delete_from_active_list, event, finished_condition, job_of, uid};
use super::utils::sort_by_start_time;
use crate::apiserver::{DeleteOptions, Propagation};
use crate::client::events::EventType;
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};

/// `cleanupFinishedJobs`: deletes the oldest finished Jobs beyond the history limits.
/// Returns whether the status changed.
pub(super) fn cleanup_finished_jobs(
    rc: &mut ReconcileCtx,
    cj: &mut CronJob,
    jobs: &[Rc<Object>],
) -> bool {
    let spec = cj.spec.clone().unwrap_or_default();
    if spec.failed_jobs_history_limit.is_none() && spec.successful_jobs_history_limit.is_none() {
        return false;
    }
    let mut succeeded = Vec::new();
    let mut failed = Vec::new();
    for j in jobs {
        match job_of(j).and_then(finished_condition) {
            Some("Complete") => succeeded.push(j.clone()),
            Some(_) => failed.push(j.clone()),
            None => {}
        }
    }
    let mut update = false;
    if let Some(limit) = spec.successful_jobs_history_limit {
        update |= remove_oldest_jobs(rc, cj, &mut succeeded, limit);
    }
    if let Some(limit) = spec.failed_jobs_history_limit {
        update |= remove_oldest_jobs(rc, cj, &mut failed, limit);
    }
    update
}

fn remove_oldest_jobs(
    rc: &mut ReconcileCtx,
    cj: &mut CronJob,
    jobs: &mut [Rc<Object>],
    max: i32,
) -> bool {
    let to_delete = jobs.len() as i64 - i64::from(max);
    if to_delete <= 0 {
        return false;
    }
    sort_by_start_time(jobs);
    let mut update = false;
    for job in jobs.iter().take(to_delete as usize) {
        update |= delete_job(rc, cj, job);
    }
    update
}

/// `deleteJob`: deletes a Job (its pods follow through the garbage collector, background
/// propagation) and drops it from the active list.
pub(super) fn delete_job(rc: &mut ReconcileCtx, cj: &mut CronJob, job: &Object) -> bool {
    let opts = DeleteOptions {
        propagation: Some(Propagation::Background),
        ..Default::default()
    };
    if let Err(e) = rc.delete(Kind::Job, job.namespace(), job.name(), &opts) {
        event(
            rc,
            cj,
            EventType::Warning,
            "FailedDelete",
            &format!("Deleted job: {e}"),
        );
        return false;
    }
    delete_from_active_list(cj, &uid(job));
    let message = format!("Deleted job {}", job.name());
    event(rc, cj, EventType::Normal, "SuccessfulDelete", &message);
    true
}
