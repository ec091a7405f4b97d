//! The ReplicaSet's status (upstream v1.32 `replica_set_utils.go`): `calculateStatus`,
//! the `ReplicaFailure` condition helpers, and `updateReplicaSetStatus`, which writes the
//! status subresource only when something changed.
//!
//! Counts that are zero are left unset, as the API serialises them (`omitempty`), so
//! `kubectl get rs -o yaml` shows only `replicas: 0` for an empty ReplicaSet.

use std::rc::Rc;

use k8s_openapi::api::apps::v1::{ReplicaSet, ReplicaSetCondition, ReplicaSetStatus};
use k8s_openapi::api::core::v1::Pod;

use crate::apiserver::{ApiError, Subresource};
use crate::controllers::pod_util::{is_available, is_ready};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::Object;
use crate::sim::SimTime;

/// The condition type set when creating or deleting pods fails.
pub const REPLICA_FAILURE: &str = "ReplicaFailure";

fn count(n: usize) -> Option<i32> {
    (n > 0).then(|| i32::try_from(n).unwrap_or(i32::MAX))
}

/// Upstream `GetCondition`.
pub fn get_condition<'a>(
    status: &'a ReplicaSetStatus,
    type_: &str,
) -> Option<&'a ReplicaSetCondition> {
    status
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == type_)
}

/// Upstream `SetCondition`: replaces the condition of the same type, unless it already has
/// the same status and reason; a new condition goes last.
pub fn set_condition(status: &mut ReplicaSetStatus, condition: ReplicaSetCondition) {
    if let Some(current) = get_condition(status, &condition.type_) {
        if current.status == condition.status && current.reason == condition.reason {
            return;
        }
    }
    remove_condition(status, &condition.type_.clone());
    status
        .conditions
        .get_or_insert_with(Vec::new)
        .push(condition);
}

/// Upstream `RemoveCondition` (an empty list becomes no list, as `omitempty` prints it).
pub fn remove_condition(status: &mut ReplicaSetStatus, type_: &str) {
    if let Some(list) = status.conditions.as_mut() {
        list.retain(|c| c.type_ != type_);
        if list.is_empty() {
            status.conditions = None;
        }
    }
}

/// Upstream `calculateStatus`: counts over the active pods the ReplicaSet owns, and the
/// ReplicaFailure condition from `manage_error` (reason FailedCreate when pods were
/// missing, FailedDelete when there were too many).
pub fn calculate_status(
    rs: &ReplicaSet,
    pods: &[&Pod],
    manage_error: Option<&ApiError>,
    now: SimTime,
) -> ReplicaSetStatus {
    let mut status = rs.status.clone().unwrap_or_default();
    let spec = rs.spec.as_ref();
    let template_labels = spec
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.metadata.as_ref())
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    let template_selector = LabelSelector::from_set(&template_labels);
    let min_ready = spec.and_then(|s| s.min_ready_seconds).unwrap_or(0);
    let empty = Default::default();
    let mut fully_labeled = 0;
    let mut ready = 0;
    let mut available = 0;
    for pod in pods {
        if template_selector.matches(pod.metadata.labels.as_ref().unwrap_or(&empty)) {
            fully_labeled += 1;
        }
        if is_ready(pod) {
            ready += 1;
            if is_available(pod, min_ready, now) {
                available += 1;
            }
        }
    }
    let has_failure = get_condition(&status, REPLICA_FAILURE).is_some();
    match manage_error {
        Some(e) if !has_failure => {
            let want = spec.and_then(|s| s.replicas).unwrap_or(1) as i64;
            let reason = match (pods.len() as i64).cmp(&want) {
                std::cmp::Ordering::Less => Some("FailedCreate".to_string()),
                std::cmp::Ordering::Greater => Some("FailedDelete".to_string()),
                std::cmp::Ordering::Equal => None,
            };
            set_condition(
                &mut status,
                ReplicaSetCondition {
                    type_: REPLICA_FAILURE.to_string(),
                    status: "True".to_string(),
                    last_transition_time: Some(now.to_k8s_time()),
                    reason,
                    message: Some(e.to_string()),
                },
            );
        }
        None if has_failure => remove_condition(&mut status, REPLICA_FAILURE),
        _ => {}
    }
    status.replicas = i32::try_from(pods.len()).unwrap_or(i32::MAX);
    status.fully_labeled_replicas = count(fully_labeled);
    status.ready_replicas = count(ready);
    status.available_replicas = count(available);
    status
}

/// Upstream `updateReplicaSetStatus`: writes `status` (with `observedGeneration` set to the
/// generation acted on) through the status subresource, unless counts, conditions and the
/// observed generation are already current. Returns the ReplicaSet as stored afterwards.
pub fn update_status(
    rc: &mut ReconcileCtx,
    rs: &ReplicaSet,
    mut status: ReplicaSetStatus,
) -> Result<ReplicaSet, ApiError> {
    let old = rs.status.clone().unwrap_or_default();
    let n = |v: Option<i32>| v.unwrap_or(0);
    let generation = rs.metadata.generation;
    if old.replicas == status.replicas
        && n(old.fully_labeled_replicas) == n(status.fully_labeled_replicas)
        && n(old.ready_replicas) == n(status.ready_replicas)
        && n(old.available_replicas) == n(status.available_replicas)
        && generation.unwrap_or(0) == old.observed_generation.unwrap_or(0)
        && old.conditions == status.conditions
    {
        return Ok(rs.clone());
    }
    status.observed_generation = generation;
    let mut updated = rs.clone();
    updated.status = Some(status);
    let stored: Rc<Object> = rc.update(Object::ReplicaSet(updated), Subresource::Status)?;
    match &*stored {
        Object::ReplicaSet(r) => Ok(r.clone()),
        _ => Ok(rs.clone()),
    }
}
