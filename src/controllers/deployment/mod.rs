//! The deployment controller (upstream `pkg/controller/deployment`, v1.32): a Deployment
//! owns ReplicaSets, one per pod template, and moves replicas from the old ones to the new
//! one by its strategy.
//!
//! One reconcile is upstream's `syncDeployment`, in its order: claim the ReplicaSets
//! (adopt/release by selector, `claim.rs`); a Deployment being deleted only gets its status
//! refreshed; record pause/resume in the Progressing condition; a paused Deployment only
//! scales (`sync.rs`); a pending `deprecated.deployment.rollback.to` is served
//! (`rollback.rs`); a change of `spec.replicas` is a scaling event, spread proportionally
//! over the active ReplicaSets (`sync.rs`); otherwise the strategy runs — RollingUpdate
//! (`rolling.rs`) or Recreate (`recreate.rs`) — and the status and Progressing condition
//! follow (`progress.rs`). The new ReplicaSet is found or created in `newrs.rs`, named by
//! the template hash of `hash.rs`; the helpers of `deployment_util.go` are `util.rs`,
//! `replicas.rs` and `conditions.rs`; the controller's writes are `client.rs`.
//!
//! Like every kubeniwa controller it keeps no state: each reconcile lists the ReplicaSets
//! and pods afresh, so there are no expectations. The controller never creates pods:
//! ReplicaSet sizes are its whole output, and the ReplicaSet controller does the rest.

mod claim;
mod client;
pub mod conditions;
pub mod find;
pub mod hash;
mod newrs;
mod progress;
mod recreate;
pub mod replicas;
mod rollback;
mod rolling;
mod sync;
pub mod util;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_annotations;
#[cfg(test)]
mod tests_e2e;
#[cfg(test)]
mod tests_e2e2;
#[cfg(test)]
mod tests_e2e3;
#[cfg(test)]
mod tests_scale;
#[cfg(test)]
mod tests_sync;
#[cfg(test)]
mod tests_util;

use k8s_openapi::api::apps::v1::Deployment;

use crate::apiserver::{ApiError, ApiServer, WatchEvent};
use crate::client::events::EventType;
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

use claim::{claim_replica_sets, deployments_for_replica_set, pod_map, resolve_controller_ref};
use client::{event, update_status};
use newrs::is_namespace_terminating;
use replicas::strategy_type;
use util::controller_of;

/// See the module documentation.
pub struct DeploymentController;

fn key_of(d: &Deployment) -> ObjectRef {
    ObjectRef {
        kind: Kind::Deployment,
        namespace: d.metadata.namespace.clone().unwrap_or_default(),
        name: d.metadata.name.clone().unwrap_or_default(),
    }
}

impl Controller for DeploymentController {
    fn name(&self) -> &'static str {
        client::COMPONENT
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Deployment, Kind::ReplicaSet, Kind::Pod]
    }

    /// Upstream's event handlers: a Deployment enqueues itself; a ReplicaSet its controller
    /// (and, when the controller reference changed, the previous one), or when orphaned and
    /// new or relabelled every Deployment whose selector matches it; a deleted pod of a
    /// Recreate Deployment enqueues it once no pod of it is left.
    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        match &**event.object() {
            Object::Deployment(d) => match event {
                WatchEvent::Deleted { .. } => Vec::new(),
                _ => vec![key_of(d)],
            },
            Object::ReplicaSet(rs) => {
                let namespace = rs.metadata.namespace.clone().unwrap_or_default();
                let current = controller_of(&rs.metadata);
                let mut keys = Vec::new();
                // An orphan wakes the Deployments that might adopt it: when added (unless
                // already being deleted), and when its labels or controller changed.
                let mut orphan_may_be_adopted = matches!(event, WatchEvent::Added { .. })
                    && rs.metadata.deletion_timestamp.is_none();
                if let WatchEvent::Modified { old, .. } = event {
                    let old_ref = controller_of(old.meta());
                    if old_ref != current {
                        orphan_may_be_adopted = true;
                        let previous =
                            old_ref.and_then(|r| resolve_controller_ref(api, &namespace, r));
                        keys.extend(previous.map(|d| key_of(&d)));
                    }
                    orphan_may_be_adopted |= old.meta().labels != rs.metadata.labels;
                }
                match current {
                    Some(r) => {
                        keys.extend(resolve_controller_ref(api, &namespace, r).map(|d| key_of(&d)))
                    }
                    None if orphan_may_be_adopted => {
                        keys.extend(deployments_for_replica_set(api, rs).iter().map(key_of));
                    }
                    None => {}
                }
                keys
            }
            Object::Pod(pod) => {
                if !matches!(event, WatchEvent::Deleted { .. }) {
                    return Vec::new();
                }
                deployment_for_deleted_pod(api, pod).into_iter().collect()
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        match sync_deployment(key, rc) {
            // Upstream's handleErr forgets a key whose namespace is terminating.
            Err(ReconcileError(e)) if is_namespace_terminating(&e) => Ok(Action::Done),
            other => other,
        }
    }
}

/// Upstream `deletePod`: the pod's ReplicaSet's Deployment, if it uses Recreate and has no
/// pods left.
fn deployment_for_deleted_pod(
    api: &ApiServer,
    pod: &k8s_openapi::api::core::v1::Pod,
) -> Option<ObjectRef> {
    let namespace = pod.metadata.namespace.clone().unwrap_or_default();
    let owner = controller_of(&pod.metadata).filter(|r| r.kind == "ReplicaSet")?;
    let rs = match api
        .try_get(Kind::ReplicaSet, &namespace, &owner.name)
        .as_deref()
    {
        Some(Object::ReplicaSet(rs)) if util::uid(&rs.metadata) == owner.uid => rs.clone(),
        _ => return None,
    };
    let d = resolve_controller_ref(api, &namespace, controller_of(&rs.metadata)?)?;
    if strategy_type(&d) != "Recreate" {
        return None;
    }
    let owned: Vec<_> = api
        .list(Kind::ReplicaSet, Some(&namespace), &Default::default())
        .ok()?
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs)
                if controller_of(&rs.metadata).is_some_and(|r| r.uid == util::uid(&d.metadata)) =>
            {
                Some(rs.clone())
            }
            _ => None,
        })
        .collect();
    let pods = pod_map(api, &d, &owned).ok()?;
    pods.values().all(Vec::is_empty).then(|| key_of(&d))
}

/// Upstream `syncDeployment`. See the module documentation for the order.
fn sync_deployment(key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
    let Some(obj) = rc.api.try_get(Kind::Deployment, &key.namespace, &key.name) else {
        return Ok(Action::Done);
    };
    let Object::Deployment(d) = &*obj else {
        return Ok(Action::Done);
    };
    let mut d = d.clone();

    let selector = d.spec.as_ref().map(|s| &s.selector);
    if selector.is_some_and(|s| s.match_labels.is_none() && s.match_expressions.is_none()) {
        let msg = "This deployment is selecting all pods. A non-empty selector is required.";
        event(rc, &d, EventType::Warning, "SelectingAll", msg);
        let status = d.status.get_or_insert_with(Default::default);
        let generation = d.metadata.generation.unwrap_or(0);
        if status.observed_generation.unwrap_or(0) < generation {
            status.observed_generation = Some(generation);
            let _ = update_status(rc, &d);
        }
        return Ok(Action::Done);
    }

    let rs_list = claim_replica_sets(rc, &d)?;

    if d.metadata.deletion_timestamp.is_some() {
        return sync::sync_status_only(rc, &mut d, &rs_list);
    }
    sync::check_paused_conditions(rc, &mut d)?;
    if d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false) {
        return sync::sync(rc, &mut d, &rs_list);
    }
    if rollback::get_rollback_to(&d).is_some() {
        return rollback::rollback(rc, &mut d, &rs_list);
    }
    if sync::is_scaling_event(rc, &mut d, &rs_list)? {
        return sync::sync(rc, &mut d, &rs_list);
    }
    match strategy_type(&d) {
        "Recreate" => {
            // Upstream lists the pods on every sync, but only Recreate reads them; listing
            // them only here keeps a 10,000-pod rolling Deployment cheap.
            let pods = pod_map(rc.api, &d, &rs_list)?;
            recreate::rollout_recreate(rc, &mut d, &rs_list, &pods)
        }
        "RollingUpdate" => rolling::rollout_rolling(rc, &mut d, &rs_list),
        other => Err(ApiError::Internal {
            message: format!("unexpected deployment strategy type: {other}"),
        }
        .into()),
    }
}
