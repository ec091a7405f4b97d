//! What the Job controller asks of a pod (`pkg/controller/controller_utils.go` and the
//! Job's `utils.go`): active, terminating, ready, finished and when, the tracking
//! finalizer, the order surplus pods are removed in (`ActivePods`), and the pod made
//! from a template (`GetPodFromTemplate`).

use std::cmp::Ordering;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::sim::SimTime;

/// The finalizer that keeps a Job's pod until the Job has counted it
/// (`batch.kubernetes.io/job-tracking`).
pub const TRACKING_FINALIZER: &str = "batch.kubernetes.io/job-tracking";

/// The pod's phase (`""` when unset).
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// `IsPodActive`: not Succeeded, not Failed, not being deleted.
pub fn is_active(pod: &Pod) -> bool {
    !is_terminal(pod) && pod.metadata.deletion_timestamp.is_none()
}

/// `IsPodTerminal`: Succeeded or Failed.
pub fn is_terminal(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// `IsPodTerminating`: being deleted but not yet terminal.
pub fn is_terminating(pod: &Pod) -> bool {
    !is_terminal(pod) && pod.metadata.deletion_timestamp.is_some()
}

/// `IsPodReady`: the `Ready` condition is `True`.
pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

fn ready_condition(pod: &Pod) -> Option<&k8s_openapi::api::core::v1::PodCondition> {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "Ready"))
}

/// Whether the pod still carries the Job tracking finalizer.
pub fn has_tracking_finalizer(pod: &Pod) -> bool {
    pod.metadata
        .finalizers
        .as_ref()
        .is_some_and(|f| f.iter().any(|x| x == TRACKING_FINALIZER))
}

/// The pod's controlling owner reference, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true))
}

/// The pod's UID.
pub fn uid(pod: &Pod) -> &str {
    pod.metadata.uid.as_deref().unwrap_or("")
}

/// `getFinishedTime`: when every container terminated (the latest `finishedAt`), else
/// when `Ready` turned `False`, else the deletion time minus the grace period, else the
/// creation time.
pub fn finished_time(pod: &Pod) -> SimTime {
    let status = pod.status.as_ref();
    let containers = status
        .and_then(|s| s.container_statuses.as_ref())
        .map(|v| v.as_slice())
        .unwrap_or(&[]);
    let mut latest: Option<SimTime> = None;
    let mut all_done = true;
    for c in containers {
        let finished = c
            .state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .and_then(|t| t.finished_at.as_ref())
            .map(SimTime::from_k8s_time);
        match finished {
            Some(t) if t.0 != 0 => latest = Some(latest.map_or(t, |l| l.max(t))),
            _ => all_done = false,
        }
    }
    if all_done {
        if let Some(t) = latest {
            return t;
        }
    }
    if let Some(c) = ready_condition(pod) {
        if c.status == "False" {
            if let Some(t) = &c.last_transition_time {
                return SimTime::from_k8s_time(t);
            }
        }
    }
    if let Some(deleted) = &pod.metadata.deletion_timestamp {
        let grace = pod.metadata.deletion_grace_period_seconds.unwrap_or(0);
        return SimTime::from_k8s_time(deleted).plus_secs(-grace);
    }
    pod.metadata
        .creation_timestamp
        .as_ref()
        .map(SimTime::from_k8s_time)
        .unwrap_or_default()
}

/// The sum of restart counts of the pod's (init) containers.
pub fn restart_count(pod: &Pod) -> i32 {
    let status = pod.status.as_ref();
    let init = status.and_then(|s| s.init_container_statuses.as_ref());
    let main = status.and_then(|s| s.container_statuses.as_ref());
    init.into_iter()
        .chain(main)
        .flatten()
        .map(|c| c.restart_count)
        .fold(0i32, |a, b| a.saturating_add(b))
}

fn max_restarts(pod: &Pod) -> i32 {
    pod.status
        .as_ref()
        .and_then(|s| s.container_statuses.as_ref())
        .into_iter()
        .flatten()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
}

fn phase_ordinal(pod: &Pod) -> u8 {
    match phase(pod) {
        "Pending" => 0,
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

fn ready_since(pod: &Pod) -> Option<SimTime> {
    ready_condition(pod)
        .and_then(|c| c.last_transition_time.as_ref())
        .map(SimTime::from_k8s_time)
}

/// `afterOrZero`: a zero time sorts first, then later before earlier.
fn after_or_zero(a: Option<SimTime>, b: Option<SimTime>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => b.cmp(&a),
    }
}

/// `controller.ActivePods`: the order in which surplus pods are removed. Unassigned
/// before assigned; Pending before Unknown before Running; not ready before ready; ready
/// for less time before longer; more restarts before fewer; newer before older. Ties keep
/// their order (the list is sorted by name).
pub fn removal_order(a: &Pod, b: &Pod) -> Ordering {
    let node = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default()
    };
    let (na, nb) = (node(a), node(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return if na.is_empty() {
            Ordering::Less
        } else {
            Ordering::Greater
        };
    }
    phase_ordinal(a)
        .cmp(&phase_ordinal(b))
        .then_with(|| is_ready(a).cmp(&is_ready(b)))
        .then_with(|| {
            if is_ready(a) && is_ready(b) {
                after_or_zero(ready_since(a), ready_since(b))
            } else {
                Ordering::Equal
            }
        })
        .then_with(|| max_restarts(b).cmp(&max_restarts(a)))
        .then_with(|| {
            let created = |p: &Pod| {
                p.metadata
                    .creation_timestamp
                    .as_ref()
                    .map(SimTime::from_k8s_time)
            };
            after_or_zero(created(a), created(b))
        })
}

/// `metav1.NewControllerRef(job, batch/v1 Job)`.
pub fn job_controller_ref(job: &Job) -> OwnerReference {
    OwnerReference {
        api_version: "batch/v1".to_string(),
        kind: "Job".to_string(),
        name: job.metadata.name.clone().unwrap_or_default(),
        uid: job.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// `GetPodFromTemplate`: the template's labels, annotations, finalizers and spec, the
/// Job as controlling owner, and `generateName` (`<job>-` unless given).
pub fn pod_from_template(
    template: &PodTemplateSpec,
    job: &Job,
    generate_name: Option<String>,
) -> Pod {
    let meta = template.metadata.clone().unwrap_or_default();
    let job_name = job.metadata.name.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(generate_name.unwrap_or_else(|| format!("{job_name}-"))),
            namespace: job.metadata.namespace.clone(),
            labels: meta.labels.filter(|l| !l.is_empty()),
            annotations: meta.annotations.filter(|a| !a.is_empty()),
            finalizers: meta.finalizers.filter(|f| !f.is_empty()),
            owner_references: Some(vec![job_controller_ref(job)]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}
