//! `manageJob`: how many pods should run now, and the creations and deletions that get
//! there.
//!
//! The arithmetic, worked through for `completions: 5, parallelism: 2` with 1 pod
//! succeeded and 1 active: want = min(5 - 1, 2) = 2 active, so 1 pod is created. Without
//! `completions`, a Job wants `parallelism` pods until one succeeds, then lets the running
//! ones finish. Surplus pods are removed in `ActivePods` order. After failures, creations
//! wait for the back-off (10 s, 20 s, 40 s ... capped at 10 min since the last failure).

use k8s_openapi::api::core::v1::Pod;

use super::claim::patch_pod;
use super::event;
use super::indexed::{
    add_completion_index_env, completions, duplicated_index_pods, first_pending_indexes,
    generate_name_with_index, is_indexed, template_for_index,
};
use super::pods::{is_ready, pod_from_template, removal_order, TRACKING_FINALIZER};
use super::sync::{only_replace_failed_pods, spec_i32, suspended, JobCtx};
use crate::apiserver::{ApiError, DeleteOptions};
use crate::client::events::EventType;
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};

/// `MaxPodCreateDeletePerSync`.
const MAX_POD_CREATE_DELETE_PER_SYNC: usize = 500;
/// `SlowStartInitialBatchSize`: creations go 1, 2, 4, ... while they succeed.
const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;
/// `syncJobBatchPeriod`: the shortest delay of a back-off requeue.
const SYNC_JOB_BATCH_PERIOD_MS: i64 = 1_000;

fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// `manageJob`: returns the number of active pods after its creations and deletions, and
/// the first error.
pub(super) fn manage_job(
    rc: &mut ReconcileCtx,
    obj: &Object,
    ctx: &mut JobCtx,
) -> (i32, Result<(), ApiError>) {
    let job = ctx.job.clone();
    let mut active = ctx.active_pods.len() as i32;
    let parallelism = spec_i32(&job, |s| s.parallelism).unwrap_or(1);
    if suspended(&job) {
        let to_delete = active_pods_for_removal(ctx, active as usize);
        let (removed_ready, removed, result) = delete_job_pods(rc, obj, &to_delete);
        ctx.terminating += removed;
        ctx.ready -= removed_ready;
        return (active - removed, result);
    }
    let want_active = match spec_i32(&job, |s| s.completions) {
        None if ctx.succeeded > 0 => active,
        None => parallelism,
        Some(c) => (c - ctx.succeeded).min(parallelism).max(0),
    };
    let rm_at_least = (active - want_active).max(0) as usize;
    let mut to_delete = active_pods_for_removal(ctx, rm_at_least);
    to_delete.truncate(MAX_POD_CREATE_DELETE_PER_SYNC);
    if !to_delete.is_empty() {
        let (removed_ready, removed, result) = delete_job_pods(rc, obj, &to_delete);
        ctx.terminating += removed;
        ctx.ready -= removed_ready;
        // Deletions and creations never happen in the same sync; deletions go first.
        return (active - removed, result);
    }
    let terminating = if only_replace_failed_pods(&job) {
        ctx.terminating
    } else {
        0
    };
    let mut diff = want_active - terminating - active;
    if diff <= 0 {
        return (active, Ok(()));
    }
    let remaining = ctx.backoff.remaining_ms(rc.now);
    if remaining > 0 {
        ctx.requeue_after(remaining.max(SYNC_JOB_BATCH_PERIOD_MS));
        // Upstream reports no active pods while it waits out the back-off.
        return (0, Ok(()));
    }
    diff = diff.min(MAX_POD_CREATE_DELETE_PER_SYNC as i32);
    let mut indexes: Vec<i64> = Vec::new();
    if is_indexed(&job) {
        indexes = first_pending_indexes(
            &ctx.active_pods,
            &ctx.succeeded_indexes,
            diff as usize,
            completions(&job),
        );
        diff = indexes.len() as i32;
    }
    active += diff;
    let mut template = job.spec.clone().unwrap_or_default().template;
    if is_indexed(&job) {
        add_completion_index_env(&mut template);
    }
    let finalizers = template
        .metadata
        .get_or_insert_with(Default::default)
        .finalizers
        .get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == TRACKING_FINALIZER) {
        finalizers.push(TRACKING_FINALIZER.to_string());
    }
    let job_name = job.metadata.name.clone().unwrap_or_default();
    let mut first_error = None;
    let mut remaining_to_create = diff as usize;
    let mut batch = remaining_to_create.min(SLOW_START_INITIAL_BATCH_SIZE);
    let mut next_index = indexes.into_iter();
    while remaining_to_create > 0 {
        let mut failed_in_batch = false;
        for _ in 0..batch {
            let (t, generate_name) = match next_index.next() {
                Some(ix) => (
                    template_for_index(&template, &job_name, ix),
                    Some(generate_name_with_index(&job_name, ix)),
                ),
                None => (template.clone(), None),
            };
            let pod = pod_from_template(&t, &job, generate_name);
            if let Err(e) = create_pod(rc, obj, pod) {
                active -= 1;
                failed_in_batch = true;
                first_error.get_or_insert(e);
            }
        }
        remaining_to_create -= batch;
        if failed_in_batch && remaining_to_create > 0 {
            // Slow start: stop after a failed batch; the next sync tries again.
            active -= remaining_to_create as i32;
            break;
        }
        batch = (2 * batch).min(remaining_to_create);
    }
    (active, first_error.map_or(Ok(()), Err))
}

/// `CreatePodsWithGenerateName` of `RealPodControl`, with its events.
fn create_pod(rc: &mut ReconcileCtx, job: &Object, pod: Pod) -> Result<(), ApiError> {
    if pod.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
        return Err(ApiError::Internal {
            message: "unable to create pods, no labels".to_string(),
        });
    }
    match rc.create(Object::Pod(pod)) {
        Ok(created) => {
            let message = format!("Created pod: {}", created.name());
            event(rc, job, EventType::Normal, "SuccessfulCreate", &message);
            Ok(())
        }
        // The namespace is going away: every later create fails too, nothing to report.
        Err(e) if super::namespace_terminating(&e) => Ok(()),
        Err(e) => {
            let message = format!("Error creating: {e}");
            event(rc, job, EventType::Warning, "FailedCreate", &message);
            Err(e)
        }
    }
}

/// `DeletePod` of `RealPodControl`, with its events. A pod already gone is `NotFound`
/// without an event.
fn delete_pod(rc: &mut ReconcileCtx, job: &Object, pod: &Pod) -> Result<(), ApiError> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    match rc.delete(Kind::Pod, &ns, &name(pod), &DeleteOptions::default()) {
        Ok(_) => {
            let message = format!("Deleted pod: {}", name(pod));
            event(rc, job, EventType::Normal, "SuccessfulDelete", &message);
            Ok(())
        }
        Err(e @ ApiError::NotFound { .. }) => Err(e),
        Err(e) => {
            event(
                rc,
                job,
                EventType::Warning,
                "FailedDelete",
                &format!("Error deleting: {e}"),
            );
            Err(e)
        }
    }
}

/// `deleteActivePods`: deletes a finished Job's active pods, keeping their finalizers so
/// they are counted as failed. Returns (ready pods deleted, pods deleted, first error).
pub(super) fn delete_active_pods(
    rc: &mut ReconcileCtx,
    job: &Object,
    pods: &[Pod],
) -> (i32, i32, Result<(), ApiError>) {
    let mut deleted = pods.len() as i32;
    let mut ready = 0;
    let mut first_error = None;
    for pod in pods {
        match delete_pod(rc, job, pod) {
            Ok(()) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => {
                deleted -= 1;
                first_error.get_or_insert(e);
            }
        }
        if is_ready(pod) {
            ready += 1;
        }
    }
    (ready, deleted, first_error.map_or(Ok(()), Err))
}

/// `deleteJobPods`: removes each pod's tracking finalizer, then deletes it (the pod is not
/// counted as failed). Returns (ready pods deleted, pods deleted, first error).
fn delete_job_pods(
    rc: &mut ReconcileCtx,
    job: &Object,
    pods: &[Pod],
) -> (i32, i32, Result<(), ApiError>) {
    let mut deleted = pods.len() as i32;
    let mut ready = 0;
    let mut first_error = None;
    for pod in pods {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let removed = patch_pod(rc, &ns, &name(pod), |p| {
            if let Some(f) = p.metadata.finalizers.as_mut() {
                f.retain(|x| x != TRACKING_FINALIZER);
            }
        });
        if let Err(e) = removed {
            deleted -= 1;
            first_error.get_or_insert(e);
            continue;
        }
        match delete_pod(rc, job, pod) {
            Ok(()) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => {
                deleted -= 1;
                first_error.get_or_insert(e);
            }
        }
        if is_ready(pod) {
            ready += 1;
        }
    }
    (ready, deleted, first_error.map_or(Ok(()), Err))
}

/// `activePodsForRemoval`: for Indexed Jobs, pods with a missing, out-of-range or
/// repeated index first; then, to reach `rm_at_least`, the remaining active pods in
/// `ActivePods` order.
fn active_pods_for_removal(ctx: &JobCtx, rm_at_least: usize) -> Vec<Pod> {
    let (mut rm, mut left) = if is_indexed(&ctx.job) {
        duplicated_index_pods(&ctx.active_pods, completions(&ctx.job))
    } else {
        (Vec::new(), ctx.active_pods.clone())
    };
    if rm.len() < rm_at_least {
        left.sort_by(removal_order);
        let more = (rm_at_least - rm.len()).min(left.len());
        rm.extend(left.drain(..more));
    }
    rm
}
