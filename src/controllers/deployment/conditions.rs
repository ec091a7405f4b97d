//! Deployment conditions (upstream `deployment_util.go`, v1.32): the reasons, how a
//! condition is set (lastTransitionTime moves only when the status changes; an identical
//! status and reason is not rewritten at all), and the predicates the progress check uses:
//! complete, progressing, timed out.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentCondition, DeploymentStatus};

use super::util::d_replicas;
use crate::sim::SimTime;

/// Progressing: one of the ReplicaSets was scaled as part of the rollout.
pub const REPLICA_SET_UPDATED_REASON: &str = "ReplicaSetUpdated";
/// Progressing=False: the new ReplicaSet could not be created.
pub const FAILED_RS_CREATE_REASON: &str = "ReplicaSetCreateError";
/// Progressing: the controller created the new ReplicaSet.
pub const NEW_REPLICA_SET_REASON: &str = "NewReplicaSetCreated";
/// Progressing: the controller found an existing new ReplicaSet.
pub const FOUND_NEW_RS_REASON: &str = "FoundNewReplicaSet";
/// Progressing: the new ReplicaSet has all replicas updated and available.
pub const NEW_RS_AVAILABLE_REASON: &str = "NewReplicaSetAvailable";
/// Progressing=False: no progress within `progressDeadlineSeconds`.
pub const TIMED_OUT_REASON: &str = "ProgressDeadlineExceeded";
/// Progressing=Unknown: the Deployment is paused.
pub const PAUSED_DEPLOY_REASON: &str = "DeploymentPaused";
/// Progressing=Unknown: the Deployment was resumed.
pub const RESUMED_DEPLOY_REASON: &str = "DeploymentResumed";
/// Available=True.
pub const MINIMUM_REPLICAS_AVAILABLE: &str = "MinimumReplicasAvailable";
/// Available=False.
pub const MINIMUM_REPLICAS_UNAVAILABLE: &str = "MinimumReplicasUnavailable";

/// The `Progressing` condition type.
pub const PROGRESSING: &str = "Progressing";
/// The `Available` condition type.
pub const AVAILABLE: &str = "Available";
/// The `ReplicaFailure` condition type.
pub const REPLICA_FAILURE: &str = "ReplicaFailure";

/// Upstream's `math.MaxInt32`, the "no deadline / no limit" value.
const MAX_INT32: i32 = i32::MAX;

/// Upstream `NewDeploymentCondition`: both times are now.
pub fn new_condition(
    type_: &str,
    status: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> DeploymentCondition {
    DeploymentCondition {
        type_: type_.to_string(),
        status: status.to_string(),
        last_update_time: Some(now.to_k8s_time()),
        last_transition_time: Some(now.to_k8s_time()),
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
    }
}

/// Upstream `GetDeploymentCondition`.
pub fn get_condition<'a>(
    status: &'a DeploymentStatus,
    type_: &str,
) -> Option<&'a DeploymentCondition> {
    status
        .conditions
        .iter()
        .flatten()
        .find(|c| c.type_ == type_)
}

/// Upstream `SetDeploymentCondition`: nothing changes when status and reason are the same;
/// lastTransitionTime is kept when only the reason changes; the condition moves to the end.
pub fn set_condition(status: &mut DeploymentStatus, mut condition: DeploymentCondition) {
    if let Some(current) = get_condition(status, &condition.type_) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
        if current.status == condition.status {
            condition.last_transition_time = current.last_transition_time.clone();
        }
    }
    let mut conditions: Vec<DeploymentCondition> = status
        .conditions
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.type_ != condition.type_)
        .collect();
    conditions.push(condition);
    status.conditions = Some(conditions);
}

/// Upstream `RemoveDeploymentCondition`.
pub fn remove_condition(status: &mut DeploymentStatus, type_: &str) {
    let conditions: Vec<DeploymentCondition> = status
        .conditions
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|c| c.type_ != type_)
        .collect();
    status.conditions = (!conditions.is_empty()).then_some(conditions);
}

/// Upstream `HasProgressDeadline`: set and not `MaxInt32`.
pub fn has_progress_deadline(d: &Deployment) -> bool {
    deadline_seconds(d).is_some_and(|s| s != MAX_INT32)
}

fn deadline_seconds(d: &Deployment) -> Option<i32> {
    d.spec.as_ref().and_then(|s| s.progress_deadline_seconds)
}

/// Upstream `HasRevisionHistoryLimit`: set and not `MaxInt32`.
pub fn revision_history_limit(d: &Deployment) -> Option<i32> {
    d.spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .filter(|n| *n != MAX_INT32)
}

fn counts(s: &DeploymentStatus) -> (i32, i32, i32, i32) {
    (
        s.replicas.unwrap_or(0),
        s.updated_replicas.unwrap_or(0),
        s.ready_replicas.unwrap_or(0),
        s.available_replicas.unwrap_or(0),
    )
}

/// Upstream `DeploymentComplete`: every desired replica is updated and available, no old
/// pods remain, and the status describes the current generation.
pub fn deployment_complete(d: &Deployment, new_status: &DeploymentStatus) -> bool {
    let want = d_replicas(d);
    let (replicas, updated, _, available) = counts(new_status);
    updated == want
        && replicas == want
        && available == want
        && new_status.observed_generation.unwrap_or(0) >= d.metadata.generation.unwrap_or(0)
}

/// Upstream `DeploymentProgressing`: more updated, ready or available replicas than the
/// stored status says, or fewer old replicas.
pub fn deployment_progressing(d: &Deployment, new_status: &DeploymentStatus) -> bool {
    let old = d.status.clone().unwrap_or_default();
    let (o_replicas, o_updated, o_ready, o_available) = counts(&old);
    let (n_replicas, n_updated, n_ready, n_available) = counts(new_status);
    n_updated > o_updated
        || (n_replicas - n_updated) < (o_replicas - o_updated)
        || n_ready > o_ready
        || n_available > o_available
}

/// Upstream `DeploymentTimedOut`: the Progressing condition is older than the deadline (or
/// already says so). A completed rollout (`NewReplicaSetAvailable`) never times out.
pub fn deployment_timed_out(d: &Deployment, new_status: &DeploymentStatus, now: SimTime) -> bool {
    if !has_progress_deadline(d) {
        return false;
    }
    let Some(condition) = get_condition(new_status, PROGRESSING) else {
        return false;
    };
    match condition.reason.as_deref() {
        Some(NEW_RS_AVAILABLE_REASON) => return false,
        Some(TIMED_OUT_REASON) => return true,
        _ => {}
    }
    let Some(from) = condition.last_update_time.as_ref() else {
        return false;
    };
    let deadline_ms = i64::from(deadline_seconds(d).unwrap_or(0)).saturating_mul(1000);
    SimTime::from_k8s_time(from).plus_ms(deadline_ms) < now
}

/// Milliseconds until the Progressing condition's deadline passes (negative once past).
/// Worked example: updated at 00:00:00, deadline 600 s, now 00:03:00 → 420,000 ms.
pub fn ms_until_deadline(d: &Deployment, condition: &DeploymentCondition, now: SimTime) -> i64 {
    let from = condition
        .last_update_time
        .as_ref()
        .map(SimTime::from_k8s_time)
        .unwrap_or(now);
    let deadline_ms = i64::from(deadline_seconds(d).unwrap_or(0)).saturating_mul(1000);
    from.plus_ms(deadline_ms).since(now)
}
