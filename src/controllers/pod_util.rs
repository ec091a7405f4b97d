//! Pod predicates shared by the workload controllers, ported from upstream v1.32
//! `pkg/api/v1/pod/util.go` (`IsPodReady`, `IsPodAvailable`) and
//! `pkg/controller/controller_utils.go` (`IsPodActive`, `GetControllerOf`, and the two
//! orderings that choose which pods a controller deletes first: `ActivePods` and
//! `ActivePodsWithRanks`).
//!
//! Timestamps are compared in milliseconds of simulated time. A missing timestamp is Go's
//! zero `time.Time`, which upstream's `afterOrZero` treats as later than any real time.

mod order;

pub use order::{active_pods_less, ranked_less, sort_for_deletion, RankedPod};

use k8s_openapi::api::core::v1::{Pod, PodCondition};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference, Time};

use crate::sim::SimTime;

/// The annotation a user sets to tell the ReplicaSet controller which pods are cheaper to
/// delete (`controller.kubernetes.io/pod-deletion-cost`, beta and on by default in v1.32).
pub const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";

/// The pod's phase (`Pending`, `Running`, ...), or empty when the status has none yet.
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// The node the pod is bound to, or empty.
pub fn node_name(pod: &Pod) -> &str {
    pod.spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .unwrap_or("")
}

/// Upstream `IsPodActive`: not Succeeded, not Failed, and not being deleted. Controllers
/// count only active pods as replicas.
pub fn is_active(pod: &Pod) -> bool {
    let phase = phase(pod);
    phase != "Succeeded" && phase != "Failed" && pod.metadata.deletion_timestamp.is_none()
}

/// The pod's `Ready` condition, if it has one (upstream `GetPodReadyCondition`).
pub fn ready_condition(pod: &Pod) -> Option<&PodCondition> {
    pod.status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")
}

/// Upstream `IsPodReady`: the `Ready` condition is `True`.
pub fn is_ready(pod: &Pod) -> bool {
    ready_condition(pod).is_some_and(|c| c.status == "True")
}

/// When the pod became ready (the `Ready=True` condition's lastTransitionTime), in
/// milliseconds; `None` when it is not ready or the time is unset (upstream `podReadyTime`).
pub fn ready_since_ms(pod: &Pod) -> Option<i64> {
    if !is_ready(pod) {
        return None;
    }
    ready_condition(pod)?
        .last_transition_time
        .as_ref()
        .map(time_ms)
}

/// A Kubernetes timestamp in milliseconds since the epoch.
pub fn time_ms(t: &Time) -> i64 {
    SimTime::from_k8s_time(t).0
}

/// Upstream `IsPodAvailable`: ready, and either `minReadySeconds` is 0 or the pod has been
/// ready for strictly longer than `minReadySeconds` at `now`.
///
/// Worked example: minReadySeconds 10, Ready since 12:00:00. At 12:00:10.000 the pod is not
/// yet available (10 s is not *more* than 10 s); at 12:00:10.001 it is.
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    if !is_ready(pod) {
        return false;
    }
    if min_ready_seconds <= 0 {
        return true;
    }
    match ready_since_ms(pod) {
        Some(since) => since.saturating_add(i64::from(min_ready_seconds) * 1000) < now.0,
        None => false,
    }
}

/// Upstream `metav1.GetControllerOf`: the first owner reference with `controller: true`.
pub fn controller_ref(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true))
}

/// Upstream `GetDeletionCostFromPodAnnotations`: the pod's deletion cost, 0 when the
/// annotation is missing or not a canonical int32 (`+10` and `007` are not).
pub fn deletion_cost(pod: &Pod) -> i32 {
    let Some(value) = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(POD_DELETION_COST))
    else {
        return 0;
    };
    let bytes = value.as_bytes();
    let first_ok = match bytes.first() {
        Some(b'-') => true,
        Some(b'0') => value == "0",
        Some(b'1'..=b'9') => true,
        _ => false,
    };
    if !first_ok {
        return 0;
    }
    value.parse::<i32>().unwrap_or(0)
}

/// Upstream `maxContainerRestarts`: the highest restart count among the regular
/// containers, and among the sidecars (init containers with `restartPolicy: Always`).
pub fn max_container_restarts(pod: &Pod) -> (i32, i32) {
    let Some(status) = pod.status.as_ref() else {
        return (0, 0);
    };
    let regular = status
        .container_statuses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
        .max(0);
    let sidecars: Vec<&str> = pod
        .spec
        .as_ref()
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or_default()
        .iter()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"))
        .map(|c| c.name.as_str())
        .collect();
    let sidecar = status
        .init_container_statuses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter(|c| sidecars.contains(&c.name.as_str()))
        .map(|c| c.restart_count)
        .max()
        .unwrap_or(0)
        .max(0);
    (regular, sidecar)
}

#[cfg(test)]
mod tests;
