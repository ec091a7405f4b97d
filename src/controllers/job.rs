//! The Job controller (v1.32's `pkg/controller/job`): runs pods from a Job's template until
//! `completions` of them succeed (or, without `completions`, until one succeeds and the rest
//! finish), at most `parallelism` at a time; re-creates failed pods after an exponential
//! back-off; fails the Job past `backoffLimit` or `activeDeadlineSeconds`; suspends and
//! resumes it; supports Indexed Jobs (with `successPolicy`) and `podFailurePolicy`.
//!
//! Pods carry the `batch.kubernetes.io/job-tracking` finalizer until the controller has
//! counted them: a finished pod's UID goes into `status.uncountedTerminatedPods` first,
//! then the finalizer is removed, then the counter moves to `succeeded`/`failed`, so a pod
//! is counted exactly once even if it disappears meanwhile. As in v1.32 (JobManagedBy and
//! JobPodReplacementPolicy on), a Job that met its goal first gets the interim
//! `SuccessCriteriaMet` (or `FailureTarget`) condition, and `Complete` (or `Failed`) only
//! once none of its pods is still terminating.
//!
//! Keys are Jobs (sync) and, for pods that still hold the finalizer after their Job is gone
//! or finished, Pods (`syncOrphanPod`). Upstream batches pod events for a second before a
//! sync; here a sync follows every event at once, which reads the same state.

mod backoff;
mod claim;
mod conditions;
mod failure_policy;
mod indexed;
mod manage;
mod pods;
mod success_policy;
mod sync;
mod tracking;

#[cfg(test)]
pub(crate) mod e2e_tests;
#[cfg(test)]
mod sync_tests;

pub use backoff::{BackoffRecord, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS};
pub use indexed::COMPLETION_INDEX;
pub use pods::TRACKING_FINALIZER;

use k8s_openapi::api::batch::v1::Job;

use crate::apiserver::{ApiServer, ListOptions, Subresource, WatchEvent};
use crate::client::events::{record_event, EventType};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};
use pods::{controller_of, has_tracking_finalizer};

/// The controller's name, as the writer of its changes and its events' source.
pub const NAME: &str = "job-controller";

/// See the module documentation.
pub struct JobController;

/// `IsJobFinished`: a true `Complete` or `Failed` condition.
pub fn is_finished(job: &Job) -> bool {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|cs| {
            cs.iter()
                .any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        })
}

/// `managedByExternalController`: a `spec.managedBy` other than the built-in controller.
fn managed_externally(job: &Job) -> bool {
    job.spec
        .as_ref()
        .and_then(|s| s.managed_by.as_deref())
        .is_some_and(|m| m != "kubernetes.io/job-controller")
}

/// Records an event about `obj` as this controller; failing to record is not an error.
pub(crate) fn event(
    rc: &mut ReconcileCtx,
    obj: &Object,
    kind: EventType,
    reason: &str,
    message: &str,
) {
    let mut ctx = crate::apiserver::Ctx::new(rc.now, rc.rng, rc.meta.clone());
    let _ = record_event(rc.api, &mut ctx, obj, kind, reason, message, NAME, None);
}

/// Whether a create failed because the namespace is being deleted (upstream's
/// `NamespaceTerminatingCause`): nothing to report, every later create fails too.
pub(crate) fn namespace_terminating(e: &crate::apiserver::ApiError) -> bool {
    matches!(e, crate::apiserver::ApiError::Forbidden { message } if message.ends_with("because it is being terminated"))
}

fn job_key(ns: &str, name: &str) -> ObjectRef {
    ObjectRef {
        kind: Kind::Job,
        namespace: ns.to_string(),
        name: name.to_string(),
    }
}

/// The Job a controller reference points at, if it exists with that UID.
fn resolve(
    api: &ApiServer,
    ns: &str,
    r: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
) -> Option<Job> {
    if r.kind != "Job" {
        return None;
    }
    match &*api.try_get(Kind::Job, ns, &r.name)? {
        Object::Job(j) if j.metadata.uid.as_deref() == Some(r.uid.as_str()) => Some(j.clone()),
        _ => None,
    }
}

/// Keys for the pods of `job` that still hold the tracking finalizer (`cleanupPodFinalizers`).
fn pods_with_finalizer(api: &ApiServer, job: &Job) -> Vec<ObjectRef> {
    let ns = job.metadata.namespace.as_deref().unwrap_or("");
    let Ok(all) = api.list(Kind::Pod, Some(ns), &ListOptions::default()) else {
        return Vec::new();
    };
    all.iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .filter(|p| {
            has_tracking_finalizer(p)
                && controller_of(&p.metadata)
                    .is_some_and(|r| Some(&r.uid) == job.metadata.uid.as_ref())
        })
        .map(|p| ObjectRef {
            kind: Kind::Pod,
            namespace: ns.to_string(),
            name: p.metadata.name.clone().unwrap_or_default(),
        })
        .collect()
}

impl Controller for JobController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Job, Kind::Pod]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        let obj = event.object();
        let ns = obj.namespace();
        match &**obj {
            Object::Job(job) => {
                let mut keys = vec![job_key(ns, obj.name())];
                // A deleted or finished Job leaves its pods' finalizers to the orphan sync.
                if matches!(event, WatchEvent::Deleted { .. }) || is_finished(job) {
                    keys.extend(pods_with_finalizer(api, job));
                }
                keys
            }
            Object::Pod(pod) => {
                let deleted = matches!(event, WatchEvent::Deleted { .. });
                let pod_key = ObjectRef::of(event);
                if let Some(r) = controller_of(&pod.metadata) {
                    return match resolve(api, ns, r) {
                        Some(job) if !is_finished(&job) => {
                            vec![job_key(ns, job.metadata.name.as_deref().unwrap_or(""))]
                        }
                        // The Job is gone or finished: only the finalizer is left to remove.
                        _ if !deleted && has_tracking_finalizer(pod) => vec![pod_key],
                        _ => Vec::new(),
                    };
                }
                // An orphan: clean its finalizer, and let matching Jobs consider adopting it.
                let mut keys = Vec::new();
                if !deleted && has_tracking_finalizer(pod) {
                    keys.push(pod_key);
                }
                if deleted {
                    return keys;
                }
                let labels = pod.metadata.labels.clone().unwrap_or_default();
                if let Ok(jobs) = api.list(Kind::Job, Some(ns), &ListOptions::default()) {
                    for j in jobs.iter() {
                        let Object::Job(job) = &**j else { continue };
                        let selector = job.spec.as_ref().and_then(|s| s.selector.as_ref());
                        let matches = selector
                            .and_then(|s| LabelSelector::from_label_selector(s).ok())
                            .is_some_and(|s| !s.is_empty() && s.matches(&labels));
                        if matches {
                            keys.push(job_key(ns, j.name()));
                        }
                    }
                }
                keys
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        match key.kind {
            Kind::Pod => sync_orphan_pod(key, rc).map(|_| Action::Done),
            _ => sync::sync_job(key, rc),
        }
    }
}

/// `syncOrphanPod`: removes the tracking finalizer from a pod whose Job is gone, finished,
/// or no longer its controller (unless another controller kind owns it, or an external
/// controller manages the Job).
fn sync_orphan_pod(key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<(), ReconcileError> {
    let Some(obj) = rc.api.try_get(Kind::Pod, &key.namespace, &key.name) else {
        return Ok(());
    };
    let Object::Pod(pod) = &*obj else {
        return Ok(());
    };
    if let Some(r) = controller_of(&pod.metadata) {
        if r.kind != "Job" || r.api_version != "batch/v1" {
            return Ok(());
        }
        if let Some(job) = resolve(rc.api, &key.namespace, r) {
            if managed_externally(&job) || !is_finished(&job) {
                return Ok(());
            }
        }
    }
    if !has_tracking_finalizer(pod) {
        return Ok(());
    }
    let mut p = pod.clone();
    if let Some(f) = p.metadata.finalizers.as_mut() {
        f.retain(|x| x != TRACKING_FINALIZER);
    }
    p.metadata.resource_version = None;
    match rc.update(Object::Pod(p), Subresource::Main) {
        Ok(_) | Err(crate::apiserver::ApiError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e.into()),
    }
}
