//! One sync of a Job (`syncJob`): claim its pods, count what finished, decide whether the
//! Job has failed (back-off limit, deadline, pod failure policy) or succeeded, create or
//! delete pods (`manage`), then record the counts and conditions (`tracking`).

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::{Job, JobCondition, UncountedTerminatedPods};
use k8s_openapi::api::core::v1::Pod;

use super::backoff::BackoffRecord;
use super::claim::get_pods_for_job;
use super::conditions::{
    ensure_condition, failure_condition, new_condition, success_condition, true_condition,
};
use super::failure_policy::match_policy;
use super::indexed::{is_indexed, succeeded_indexes, OrderedIntervals};
use super::pods::{
    has_tracking_finalizer, is_active, is_ready, is_terminating, phase, restart_count, uid,
};
use super::success_policy::match_success_policy;
use super::{event, is_finished, managed_externally};
use crate::client::events::EventType;
use crate::controllers::{Action, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// Everything one sync works with (`syncJobCtx`).
pub(super) struct JobCtx {
    /// The working copy of the Job; its status is what gets written.
    pub job: Job,
    /// The Job's pods, sorted by name.
    pub pods: Vec<Pod>,
    /// The pods neither finished nor being deleted.
    pub active_pods: Vec<Pod>,
    /// Succeeded pods, counted or not yet.
    pub succeeded: i32,
    /// Failed pods, counted or not yet.
    pub failed: i32,
    /// The condition the Job is finishing with, if any.
    pub finished_condition: Option<JobCondition>,
    /// Indexed Jobs: the indexes in `status.completedIndexes` at the start.
    pub prev_succeeded_indexes: OrderedIntervals,
    /// Indexed Jobs: those plus the indexes that succeeded since.
    pub succeeded_indexes: OrderedIntervals,
    /// The pod-failure back-off.
    pub backoff: BackoffRecord,
    /// `status.uncountedTerminatedPods` at the start of the sync.
    pub uncounted_succeeded: BTreeSet<String>,
    /// See `uncounted_succeeded`.
    pub uncounted_failed: BTreeSet<String>,
    /// Pods being deleted but not finished.
    pub terminating: i32,
    /// Active pods that are ready.
    pub ready: i32,
    /// The earliest requeue asked for (deadline, back-off).
    pub requeue: Option<i64>,
}

impl JobCtx {
    /// Asks for another sync after `ms` (the earliest request wins).
    pub fn requeue_after(&mut self, ms: i64) {
        self.requeue = Some(self.requeue.map_or(ms, |r| r.min(ms)));
    }
}

pub(super) fn spec_i32(
    job: &Job,
    f: impl Fn(&k8s_openapi::api::batch::v1::JobSpec) -> Option<i32>,
) -> Option<i32> {
    job.spec.as_ref().and_then(f)
}

/// Whether `spec.suspend` is true.
pub(super) fn suspended(job: &Job) -> bool {
    job.spec.as_ref().and_then(|s| s.suspend) == Some(true)
}

/// `onlyReplaceFailedPods`: `podReplacementPolicy: Failed`, or a pod failure policy.
pub(super) fn only_replace_failed_pods(job: &Job) -> bool {
    let spec = job.spec.as_ref();
    spec.and_then(|s| s.pod_replacement_policy.as_deref()) == Some("Failed")
        || spec.is_some_and(|s| s.pod_failure_policy.is_some())
}

/// `isPodFailed`: Failed, or (unless only failed pods are replaced) being deleted before
/// it succeeded, which counts orphans that never reach the Failed phase.
pub(super) fn is_pod_failed(pod: &Pod, job: &Job) -> bool {
    if phase(pod) == "Failed" {
        return true;
    }
    if only_replace_failed_pods(job) {
        return false;
    }
    pod.metadata.deletion_timestamp.is_some() && phase(pod) != "Succeeded"
}

/// `syncJob`.
pub fn sync_job(key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
    let Some(obj) = rc.api.try_get(Kind::Job, &key.namespace, &key.name) else {
        return Ok(Action::Done);
    };
    let Object::Job(shared) = &*obj else {
        return Ok(Action::Done);
    };
    if managed_externally(shared) || is_finished(shared) {
        return Ok(Action::Done);
    }
    let mut job = shared.clone();
    let mode = job.spec.as_ref().and_then(|s| s.completion_mode.clone());
    if !matches!(mode.as_deref(), None | Some("NonIndexed") | Some("Indexed")) {
        let message = "Skipped Job sync because completion mode is unknown";
        event(
            rc,
            &obj,
            EventType::Warning,
            "UnknownCompletionMode",
            message,
        );
        return Ok(Action::Done);
    }
    let now = rc.now;
    let status = job.status.get_or_insert_with(Default::default);
    let uncounted = status
        .uncounted_terminated_pods
        .get_or_insert_with(UncountedTerminatedPods::default)
        .clone();
    let pods = get_pods_for_job(rc, &job)?;
    let active_pods: Vec<Pod> = pods.iter().filter(|p| is_active(p)).cloned().collect();
    let mut ctx = JobCtx {
        ready: active_pods.iter().filter(|p| is_ready(p)).count() as i32,
        terminating: pods.iter().filter(|p| is_terminating(p)).count() as i32,
        uncounted_succeeded: uncounted.succeeded.iter().flatten().cloned().collect(),
        uncounted_failed: uncounted.failed.iter().flatten().cloned().collect(),
        job,
        pods,
        active_pods,
        succeeded: 0,
        failed: 0,
        finished_condition: None,
        prev_succeeded_indexes: OrderedIntervals::default(),
        succeeded_indexes: OrderedIntervals::default(),
        backoff: BackoffRecord::default(),
        requeue: None,
    };
    let mut active = ctx.active_pods.len() as i32;
    count_finished(&mut ctx);
    let is_suspended = suspended(&ctx.job);
    let status = ctx.job.status.get_or_insert_with(Default::default);
    if status.start_time.is_none() && !is_suspended {
        status.start_time = Some(now.to_k8s_time());
    }
    decide_finish(rc, &mut ctx);
    let mut manage_result = Ok(());
    let mut suspend_changed = false;
    if ctx.finished_condition.is_some() {
        let pods = ctx.active_pods.clone();
        let (deleted_ready, deleted, result) = super::manage::delete_active_pods(rc, &obj, &pods);
        if deleted != active {
            // Pods that could not be deleted may still finish; decide again later.
            ctx.finished_condition = None;
        }
        active -= deleted;
        ctx.terminating += deleted;
        ctx.ready -= deleted_ready;
        manage_result = result;
    } else {
        let mut manage_called = false;
        if ctx.job.metadata.deletion_timestamp.is_none() {
            let (a, result) = super::manage::manage_job(rc, &obj, &mut ctx);
            active = a;
            manage_result = result;
            manage_called = true;
        }
        let complete = match spec_i32(&ctx.job, |s| s.completions) {
            None => ctx.succeeded > 0 && active == 0,
            Some(c) => ctx.succeeded >= c && active == 0,
        };
        if complete {
            ctx.finished_condition = Some(success_condition(now));
        } else if manage_called {
            suspend_changed = update_suspended_condition(rc, &obj, &mut ctx);
        }
    }
    let status = ctx.job.status.get_or_insert_with(Default::default);
    let needs_update = suspend_changed
        || active != status.active.unwrap_or(0)
        || status.ready != Some(ctx.ready)
        || status.terminating != Some(ctx.terminating);
    status.active = Some(active);
    status.ready = Some(ctx.ready);
    status.terminating = Some(ctx.terminating);
    super::tracking::track_status_and_remove_finalizers(rc, &mut ctx, needs_update)?;
    manage_result?;
    Ok(match ctx.requeue {
        Some(ms) => Action::RequeueAfter(ms),
        None => Action::Done,
    })
}

/// The counts of `syncJob`: the counters plus uncounted UIDs plus newly finished pods
/// (`getNewFinishedPods`, failures a pod failure policy ignores left out), and the
/// back-off record.
fn count_finished(ctx: &mut JobCtx) {
    let job = &ctx.job;
    let status = job.status.clone().unwrap_or_default();
    let indexed = is_indexed(job);
    let completions = spec_i32(job, |s| s.completions).map_or(0, i64::from);
    let valid = |p: &Pod| {
        has_tracking_finalizer(p)
            && (!indexed || super::indexed::completion_index(p).is_some_and(|ix| ix < completions))
    };
    let new_succeeded = ctx
        .pods
        .iter()
        .filter(|p| {
            valid(p) && !ctx.uncounted_succeeded.contains(uid(p)) && phase(p) == "Succeeded"
        })
        .count() as i32;
    let policy = job
        .spec
        .as_ref()
        .and_then(|s| s.pod_failure_policy.as_ref());
    let new_failed = ctx
        .pods
        .iter()
        .filter(|p| valid(p) && !ctx.uncounted_failed.contains(uid(p)) && is_pod_failed(p, job))
        .filter(|p| match_policy(policy, p).count)
        .count() as i32;
    ctx.succeeded =
        status.succeeded.unwrap_or(0) + new_succeeded + ctx.uncounted_succeeded.len() as i32;
    ctx.failed = status.failed.unwrap_or(0) + new_failed + ctx.uncounted_failed.len() as i32;
    // The back-off counts every finished pod of the Job that the counters would (an
    // Indexed Job's pods need a valid index), counted already or not.
    let in_range = |p: &&Pod| {
        !indexed || super::indexed::completion_index(p).is_some_and(|ix| ix < completions)
    };
    let succeeded_pods = ctx
        .pods
        .iter()
        .filter(in_range)
        .filter(|p| phase(p) == "Succeeded");
    let failed_pods = ctx
        .pods
        .iter()
        .filter(in_range)
        .filter(|p| is_pod_failed(p, job));
    ctx.backoff = BackoffRecord::from_pods(succeeded_pods, failed_pods);
}

/// The failure and success decisions of `syncJob` before pods are managed.
fn decide_finish(rc: &mut ReconcileCtx, ctx: &mut JobCtx) {
    let now = rc.now;
    let job = &ctx.job;
    let backoff_limit = spec_i32(job, |s| s.backoff_limit).unwrap_or(6);
    let exceeds_backoff_limit = ctx.failed > backoff_limit;
    ctx.finished_condition = true_condition(job, "SuccessCriteriaMet");
    if ctx.finished_condition.is_none() {
        if let Some(target) = true_condition(job, "FailureTarget") {
            let reason = target.reason.clone().unwrap_or_default();
            let message = target.message.clone().unwrap_or_default();
            ctx.finished_condition = Some(new_condition("Failed", &reason, &message, now));
        } else if let Some(message) = fail_job_message(job, &ctx.pods) {
            ctx.finished_condition = Some(failure_condition("PodFailurePolicy", &message, now));
        }
    }
    if ctx.finished_condition.is_none() {
        let deadline = spec_i64(job, |s| s.active_deadline_seconds);
        let start = job
            .status
            .as_ref()
            .and_then(|s| s.start_time.as_ref())
            .map(SimTime::from_k8s_time);
        if exceeds_backoff_limit || past_backoff_limit_on_failure(job, &ctx.pods) {
            let message = "Job has reached the specified backoff limit";
            ctx.finished_condition = Some(failure_condition("BackoffLimitExceeded", message, now));
        } else if let (Some(ads), Some(start), false) = (deadline, start, suspended(job)) {
            let remaining = ads.saturating_mul(1000) - now.since(start);
            if remaining <= 0 {
                let message = "Job was active longer than specified deadline";
                ctx.finished_condition = Some(failure_condition("DeadlineExceeded", message, now));
            } else {
                ctx.requeue_after(remaining);
            }
        }
    }
    if is_indexed(&ctx.job) {
        let (prev, all) = succeeded_indexes(&ctx.job, &ctx.pods);
        ctx.succeeded = all.total() as i32;
        if ctx.finished_condition.is_none() {
            let policy = ctx
                .job
                .spec
                .as_ref()
                .and_then(|s| s.success_policy.as_ref());
            let completions = spec_i32(&ctx.job, |s| s.completions).map_or(0, i64::from);
            if let Some(message) = match_success_policy(policy, completions, &all) {
                let cond = new_condition("SuccessCriteriaMet", "SuccessPolicy", &message, now);
                ctx.finished_condition = Some(cond);
            }
        }
        ctx.prev_succeeded_indexes = prev;
        ctx.succeeded_indexes = all;
    }
}

fn spec_i64(
    job: &Job,
    f: impl Fn(&k8s_openapi::api::batch::v1::JobSpec) -> Option<i64>,
) -> Option<i64> {
    job.spec.as_ref().and_then(f)
}

/// `getFailJobMessage`: the message of the first failed pod a `FailJob` rule matches.
fn fail_job_message(job: &Job, pods: &[Pod]) -> Option<String> {
    let policy = job.spec.as_ref()?.pod_failure_policy.as_ref()?;
    pods.iter()
        .filter(|p| is_pod_failed(p, job))
        .find_map(|p| match_policy(Some(policy), p).fail_job)
}

/// `pastBackoffLimitOnFailure`: with `restartPolicy: OnFailure` the kubelet restarts
/// containers instead of failing pods, so the restarts of running and pending pods count.
fn past_backoff_limit_on_failure(job: &Job, pods: &[Pod]) -> bool {
    let restart_policy = job
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.as_ref())
        .and_then(|s| s.restart_policy.as_deref());
    if restart_policy != Some("OnFailure") {
        return false;
    }
    let restarts: i32 = pods
        .iter()
        .filter(|p| matches!(phase(p), "Running" | "Pending"))
        .map(restart_count)
        .fold(0, i32::saturating_add);
    let limit = spec_i32(job, |s| s.backoff_limit).unwrap_or(6);
    if limit == 0 {
        restarts > 0
    } else {
        restarts >= limit
    }
}

/// The `Suspended` condition and its events; resuming restarts `startTime`.
fn update_suspended_condition(rc: &mut ReconcileCtx, obj: &Object, ctx: &mut JobCtx) -> bool {
    let now = rc.now;
    let suspend = suspended(&ctx.job);
    let status = ctx.job.status.get_or_insert_with(Default::default);
    if suspend {
        let changed = ensure_condition(
            status,
            "Suspended",
            "True",
            "JobSuspended",
            "Job suspended",
            now,
        );
        if changed {
            event(rc, obj, EventType::Normal, "Suspended", "Job suspended");
        }
        changed
    } else {
        let changed = ensure_condition(
            status,
            "Suspended",
            "False",
            "JobResumed",
            "Job resumed",
            now,
        );
        if changed {
            status.start_time = Some(now.to_k8s_time());
            event(rc, obj, EventType::Normal, "Resumed", "Job resumed");
        }
        changed
    }
}
