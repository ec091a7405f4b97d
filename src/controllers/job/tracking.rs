//! `trackJobStatusAndRemoveFinalizers`: counting finished pods exactly once.
//!
//! 1. A finished pod that still has the tracking finalizer is added to
//!    `status.uncountedTerminatedPods` (its UID), and the status is written.
//! 2. Its finalizer is removed.
//! 3. UIDs whose pods no longer hold the finalizer move from the uncounted lists into the
//!    `succeeded`/`failed` counters, and the status is written again.
//!
//! Worked example: pod `pi-abcde` succeeds. Write 1: `uncountedTerminatedPods.succeeded:
//! [uid]`. The finalizer goes. Write 2: `succeeded: 1`, the UID gone. If the controller
//! stopped between the steps, the next sync finds the UID still listed and finishes the
//! move, so the pod is never counted twice nor missed.
//!
//! A finishing Job gets its interim condition (`SuccessCriteriaMet`, `FailureTarget`) in
//! the first write and its final one (`Complete` with `completionTime`, `Failed`) once no
//! pod is uncounted and none is still terminating.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus};

use super::claim::patch_pod;
use super::conditions::{ensure_condition, new_condition, true_condition};
use super::event;
use super::failure_policy::match_policy;
use super::indexed::{completion_index, completions, is_indexed};
use super::pods::{has_tracking_finalizer, phase, uid, TRACKING_FINALIZER};
use super::sync::{is_pod_failed, spec_i32, JobCtx};
use crate::apiserver::{ApiError, Subresource};
use crate::client::events::EventType;
use crate::controllers::{ReconcileCtx, ReconcileError};
use crate::model::Object;

/// `MaxUncountedPods`: at most this many UIDs wait in `uncountedTerminatedPods`.
const MAX_UNCOUNTED_PODS: usize = 500;

/// See the module documentation.
pub(super) fn track_status_and_remove_finalizers(
    rc: &mut ReconcileCtx,
    ctx: &mut JobCtx,
    mut needs_flush: bool,
) -> Result<(), ReconcileError> {
    let now = rc.now;
    let indexed = is_indexed(&ctx.job);
    let completions = completions(&ctx.job);
    if indexed {
        ctx.pods.sort_by_key(|p| completion_index(p).unwrap_or(-1));
    }
    let mut with_finalizer: BTreeSet<String> = ctx
        .pods
        .iter()
        .filter(|p| has_tracking_finalizer(p))
        .map(|p| uid(p).to_string())
        .collect();
    let status = ctx.job.status.get_or_insert_with(Default::default);
    if clean_uncounted(status, &with_finalizer) {
        needs_flush = true;
    }
    let policy = ctx
        .job
        .spec
        .as_ref()
        .and_then(|s| s.pod_failure_policy.clone());
    let terminating_job = ctx.job.metadata.deletion_timestamp.is_some();
    let finishing_failed = ctx
        .finished_condition
        .as_ref()
        .is_some_and(|c| c.type_ != "SuccessCriteriaMet");
    let job = ctx.job.clone();
    let status = job.status.clone().unwrap_or_default();
    let uncounted = status.uncounted_terminated_pods.clone().unwrap_or_default();
    let mut add_succeeded: Vec<String> = Vec::new();
    let mut add_failed: Vec<String> = Vec::new();
    let already = uncounted.succeeded.as_ref().map_or(0, |v| v.len())
        + uncounted.failed.as_ref().map_or(0, |v| v.len());
    let mut to_remove = Vec::new();
    let mut new_succeeded_indexes = Vec::new();
    let mut reached_max = false;
    for pod in &ctx.pods {
        if !has_tracking_finalizer(pod) {
            continue;
        }
        let failed = is_pod_failed(pod, &job);
        // `canRemoveFinalizer` (without per-index back-off).
        let removable = terminating_job
            || ctx.finished_condition.is_some()
            || phase(pod) == "Succeeded"
            || failed;
        if !removable {
            continue;
        }
        to_remove.push(pod.clone());
        let pod_uid = uid(pod).to_string();
        if phase(pod) == "Succeeded" && !ctx.uncounted_failed.contains(&pod_uid) {
            if indexed {
                let ix = completion_index(pod).filter(|ix| *ix < completions);
                if let Some(ix) = ix.filter(|ix| !ctx.prev_succeeded_indexes.has(*ix)) {
                    new_succeeded_indexes.push(ix);
                    needs_flush = true;
                }
            } else if !ctx.uncounted_succeeded.contains(&pod_uid) {
                needs_flush = true;
                add_succeeded.push(pod_uid);
            }
        } else if failed || finishing_failed {
            // When the Job is failing, every pod not yet terminated counts as failed.
            let in_range = !indexed || completion_index(pod).is_some_and(|ix| ix < completions);
            let counted = match_policy(policy.as_ref(), pod).count;
            if !ctx.uncounted_failed.contains(&pod_uid) && in_range && counted {
                needs_flush = true;
                add_failed.push(pod_uid);
            }
        }
        let waiting =
            new_succeeded_indexes.len() + already + add_succeeded.len() + add_failed.len();
        if waiting >= MAX_UNCOUNTED_PODS {
            reached_max = true;
            break;
        }
    }
    let had_success_criteria = true_condition(&ctx.job, "SuccessCriteriaMet").is_some();
    let status = ctx.job.status.get_or_insert_with(Default::default);
    let list = status
        .uncounted_terminated_pods
        .get_or_insert_with(Default::default);
    if !add_succeeded.is_empty() {
        list.succeeded
            .get_or_insert_with(Vec::new)
            .extend(add_succeeded);
    }
    if !add_failed.is_empty() {
        list.failed.get_or_insert_with(Vec::new).extend(add_failed);
    }
    if indexed {
        new_succeeded_indexes.sort_unstable();
        ctx.succeeded_indexes = ctx.succeeded_indexes.with_indexes(&new_succeeded_indexes);
        let text = ctx.succeeded_indexes.to_string();
        if text != status.completed_indexes.clone().unwrap_or_default() {
            needs_flush = true;
        }
        status.succeeded = Some(ctx.succeeded_indexes.total() as i32);
        status.completed_indexes = (!text.is_empty()).then_some(text);
    }
    if let Some(cond) = ctx.finished_condition.clone() {
        if cond.type_ == "FailureTarget" {
            // The interim condition is written before the finalizers go.
            status
                .conditions
                .get_or_insert_with(Vec::new)
                .push(cond.clone());
            needs_flush = true;
            ctx.finished_condition = Some(final_condition("Failed", &cond, now));
        } else if cond.type_ == "SuccessCriteriaMet" {
            if !had_success_criteria {
                status
                    .conditions
                    .get_or_insert_with(Vec::new)
                    .push(cond.clone());
                needs_flush = true;
            }
            ctx.finished_condition = Some(final_condition("Complete", &cond, now));
        }
    }
    needs_flush =
        flush_and_remove_finalizers(rc, ctx, &to_remove, &mut with_finalizer, needs_flush)?;
    let finished = !reached_max && enact_job_finished(ctx, now);
    if finished {
        needs_flush = true;
    }
    if needs_flush {
        write_status(rc, ctx)?;
        if finished {
            record_job_finished(rc, ctx);
        }
    }
    Ok(())
}

/// The final condition taking the interim one's reason and message.
fn final_condition(type_: &str, interim: &JobCondition, now: crate::sim::SimTime) -> JobCondition {
    new_condition(
        type_,
        interim.reason.as_deref().unwrap_or(""),
        interim.message.as_deref().unwrap_or(""),
        now,
    )
}

/// `cleanUncountedPodsWithoutFinalizers`: UIDs whose pods no longer hold the finalizer move
/// into the counters. Returns whether anything moved.
fn clean_uncounted(status: &mut JobStatus, with_finalizer: &BTreeSet<String>) -> bool {
    let uncounted = status
        .uncounted_terminated_pods
        .get_or_insert_with(Default::default);
    let mut moved = (0, 0);
    if let Some(list) = uncounted.succeeded.as_mut() {
        let before = list.len();
        list.retain(|u| with_finalizer.contains(u));
        moved.0 = (before - list.len()) as i32;
    }
    if let Some(list) = uncounted.failed.as_mut() {
        let before = list.len();
        list.retain(|u| with_finalizer.contains(u));
        moved.1 = (before - list.len()) as i32;
    }
    if moved.0 > 0 {
        status.succeeded = Some(status.succeeded.unwrap_or(0) + moved.0);
    }
    if moved.1 > 0 {
        status.failed = Some(status.failed.unwrap_or(0) + moved.1);
    }
    moved != (0, 0)
}

/// `flushUncountedAndRemoveFinalizers`: writes the uncounted UIDs (and interim
/// condition), removes the finalizers, and moves the UIDs into the counters. Returns
/// whether the status still needs a write.
fn flush_and_remove_finalizers(
    rc: &mut ReconcileCtx,
    ctx: &mut JobCtx,
    to_remove: &[k8s_openapi::api::core::v1::Pod],
    with_finalizer: &mut BTreeSet<String>,
    mut needs_flush: bool,
) -> Result<bool, ReconcileError> {
    if needs_flush {
        write_status(rc, ctx)?;
        needs_flush = false;
    }
    let mut first_error = None;
    for pod in to_remove {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let name = pod.metadata.name.clone().unwrap_or_default();
        let removed = patch_pod(rc, &ns, &name, |p| {
            if let Some(f) = p.metadata.finalizers.as_mut() {
                f.retain(|x| x != TRACKING_FINALIZER);
            }
        });
        match removed {
            Ok(_) => {
                with_finalizer.remove(uid(pod));
            }
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    let status = ctx.job.status.get_or_insert_with(Default::default);
    if clean_uncounted(status, with_finalizer) {
        needs_flush = true;
    }
    if let Some(e) = first_error {
        if needs_flush {
            write_status(rc, ctx)?;
        }
        return Err(e.into());
    }
    Ok(needs_flush)
}

/// `enactJobFinished`: adds the final condition (and `completionTime` for `Complete`) once
/// every pod is counted and none is still terminating.
fn enact_job_finished(ctx: &mut JobCtx, now: crate::sim::SimTime) -> bool {
    let Some(cond) = ctx.finished_condition.clone() else {
        return false;
    };
    let status = ctx.job.status.get_or_insert_with(Default::default);
    let uncounted = status.uncounted_terminated_pods.clone().unwrap_or_default();
    let waiting =
        uncounted.succeeded.map_or(0, |v| v.len()) + uncounted.failed.map_or(0, |v| v.len());
    if waiting > 0 || ctx.terminating > 0 {
        return false;
    }
    let reason = cond.reason.as_deref().unwrap_or("");
    let message = cond.message.as_deref().unwrap_or("");
    ensure_condition(status, &cond.type_, "True", reason, message, now);
    if cond.type_ == "Complete" {
        status.completion_time = Some(now.to_k8s_time());
    }
    true
}

/// `recordJobFinished`: `Completed` (and `TooManySucceededPods`), or the failure reason.
fn record_job_finished(rc: &mut ReconcileCtx, ctx: &JobCtx) {
    let Some(cond) = &ctx.finished_condition else {
        return;
    };
    let obj = Object::Job(ctx.job.clone());
    if cond.type_ == "Complete" {
        let succeeded = ctx
            .job
            .status
            .as_ref()
            .and_then(|s| s.succeeded)
            .unwrap_or(0);
        if spec_i32(&ctx.job, |s| s.completions).is_some_and(|c| succeeded > c) {
            let message = "Too many succeeded pods running after completion count reached";
            event(
                rc,
                &obj,
                EventType::Warning,
                "TooManySucceededPods",
                message,
            );
        }
        event(rc, &obj, EventType::Normal, "Completed", "Job completed");
    } else {
        let reason = cond.reason.clone().unwrap_or_default();
        let message = cond.message.clone().unwrap_or_default();
        event(rc, &obj, EventType::Warning, &reason, &message);
    }
}

/// Go's `omitempty`: zero counters and empty lists are not written.
fn normalized(job: &Job) -> Job {
    let mut job = job.clone();
    if let Some(s) = job.status.as_mut() {
        for n in [&mut s.active, &mut s.succeeded, &mut s.failed] {
            if *n == Some(0) {
                *n = None;
            }
        }
        if let Some(u) = s.uncounted_terminated_pods.as_mut() {
            for list in [&mut u.succeeded, &mut u.failed] {
                if list.as_ref().is_some_and(|l| l.is_empty()) {
                    *list = None;
                }
            }
        }
        if s.conditions.as_ref().is_some_and(|c| c.is_empty()) {
            s.conditions = None;
        }
    }
    job
}

/// `UpdateStatus`: writes the working copy's status and continues from what was stored.
fn write_status(rc: &mut ReconcileCtx, ctx: &mut JobCtx) -> Result<(), ApiError> {
    let stored = rc.update(Object::Job(normalized(&ctx.job)), Subresource::Status)?;
    if let Object::Job(j) = &*stored {
        ctx.job = j.clone();
    }
    Ok(())
}
