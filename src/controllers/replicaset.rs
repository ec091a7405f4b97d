//! The ReplicaSet controller (upstream v1.32 `pkg/controller/replicaset/replica_set.go`):
//! keeps `spec.replicas` active pods matching the selector. One sync (`reconcile`) lists
//! the namespace's pods, drops inactive ones (Succeeded, Failed, being deleted), claims
//! the rest by labels and controller references (`claim`), creates or deletes the
//! difference (`manage`), and writes the status (`status`).
//!
//! Upstream guards against acting twice on the same change with "expectations" caches;
//! here a reconcile reads the API server's current state, which already includes its own
//! earlier writes, so no such cache exists.
//!
//! Time: with `minReadySeconds`, a ready pod becomes available only later, and nothing
//! else would wake the controller then. Upstream enqueues the ReplicaSet
//! `minReadySeconds + 1s` after it sees a pod turn ready, and again `minReadySeconds`
//! after a sync that leaves every replica ready but not all available. Being level
//! triggered, this controller asks for the earliest of those moments on every sync.
//! Worked example: minReadySeconds 10, a pod Ready since 12:00:00, synced at 12:00:03:
//! the pod rule gives 12:00:00 + 10 s + 1 s - 12:00:03 = 8 s; if all replicas are ready
//! the other rule gives 10 s; the controller requeues after 8 s and then counts the pod
//! available (ready for 11 s > 10 s).

mod claim;
mod manage;
mod status;

#[cfg(test)]
mod e2e_tests;
#[cfg(test)]
mod tests;

pub(crate) use claim::{claim, patch, remove_owner_refs};
pub use manage::{
    pod_from_template, pods_to_delete, slow_start_batch, BURST_REPLICAS,
    SLOW_START_INITIAL_BATCH_SIZE,
};
pub use status::{calculate_status, REPLICA_FAILURE};

use std::rc::Rc;

use k8s_openapi::api::core::v1::Pod;

use crate::apiserver::{ApiServer, ListOptions, WatchEvent};
use crate::controllers::keys::{controller_owner, object_itself, resolve_owner_ref, selecting};
use crate::controllers::pod_util::{self, controller_ref};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The component name on this controller's events and writes.
pub const CONTROLLER_NAME: &str = "replicaset-controller";

/// See the module documentation.
pub struct ReplicaSetController;

/// The pod inside an object, if it is one.
pub(crate) fn as_pod(obj: &Object) -> Option<&Pod> {
    match obj {
        Object::Pod(p) => Some(p),
        _ => None,
    }
}

/// Upstream `addPod`/`updatePod`/`deletePod`: which ReplicaSets a pod event concerns.
fn pod_keys(event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
    let owner = |obj: &Object| controller_owner(obj, Kind::ReplicaSet, api);
    match event {
        WatchEvent::Added { object, .. } => {
            if object.meta().deletion_timestamp.is_some() || controller_ref(object.meta()).is_some()
            {
                return owner(object).into_iter().collect();
            }
            // An orphan: every ReplicaSet that might adopt it.
            selecting(object, Kind::ReplicaSet, api)
        }
        WatchEvent::Modified { object, old, .. } => {
            let label_changed = object.meta().labels != old.meta().labels;
            let mut keys = Vec::new();
            if object.meta().deletion_timestamp.is_some() {
                keys.extend(owner(object));
                if label_changed {
                    keys.extend(owner(old));
                }
                return keys;
            }
            let cur_ref = controller_ref(object.meta());
            let old_ref = controller_ref(old.meta());
            let ref_changed = cur_ref != old_ref;
            if let (true, Some(r)) = (ref_changed, old_ref) {
                keys.extend(resolve_owner_ref(api, old.namespace(), r, Kind::ReplicaSet));
            }
            if cur_ref.is_some() {
                keys.extend(owner(object));
            } else if label_changed || ref_changed {
                keys.extend(selecting(object, Kind::ReplicaSet, api));
            }
            keys
        }
        WatchEvent::Deleted { object, .. } => owner(object).into_iter().collect(),
    }
}

impl Controller for ReplicaSetController {
    fn name(&self) -> &'static str {
        CONTROLLER_NAME
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::ReplicaSet, Kind::Pod]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        match event.object().kind() {
            Kind::ReplicaSet => object_itself(event),
            Kind::Pod => pod_keys(event, api),
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        sync(key, rc)
    }
}

/// Upstream `syncReplicaSet`.
fn sync(key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
    let Some(obj) = rc.api.try_get(Kind::ReplicaSet, &key.namespace, &key.name) else {
        return Ok(Action::Done);
    };
    let Object::ReplicaSet(rs) = &*obj else {
        return Ok(Action::Done);
    };
    let Some(spec) = rs.spec.as_ref() else {
        return Ok(Action::Done);
    };
    // A selector that does not convert cannot select anything; upstream gives up quietly.
    let Ok(selector) = LabelSelector::from_label_selector(&spec.selector) else {
        return Ok(Action::Done);
    };
    let active: Vec<Rc<Object>> = rc
        .api
        .list(Kind::Pod, Some(&key.namespace), &ListOptions::default())?
        .into_iter()
        .filter(|o| as_pod(o).is_some_and(pod_util::is_active))
        .collect();
    let owned = claim(rc, &obj, &selector, active)?;
    let manage_error = if rs.metadata.deletion_timestamp.is_none() {
        manage::manage_replicas(rc, &obj, rs, &owned).err()
    } else {
        None
    };
    let pods: Vec<&Pod> = owned.iter().filter_map(|o| as_pod(o)).collect();
    let new_status = calculate_status(rs, &pods, manage_error.as_ref(), rc.now);
    let updated = status::update_status(rc, rs, new_status)?;
    if let Some(e) = manage_error {
        return Err(e.into());
    }
    Ok(match next_availability_check(&updated, &pods, rc.now) {
        Some(ms) => Action::RequeueAfter(ms),
        None => Action::Done,
    })
}

/// When to look again because a ready pod will become available (see the module
/// documentation), in milliseconds from `now`.
fn next_availability_check(
    rs: &k8s_openapi::api::apps::v1::ReplicaSet,
    pods: &[&Pod],
    now: crate::sim::SimTime,
) -> Option<i64> {
    let spec = rs.spec.as_ref()?;
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    if min_ready <= 0 {
        return None;
    }
    let min_ready_ms = i64::from(min_ready) * 1000;
    let mut next: Option<i64> = None;
    let status = rs.status.clone().unwrap_or_default();
    let replicas = spec.replicas.unwrap_or(1);
    if status.ready_replicas.unwrap_or(0) == replicas
        && status.available_replicas.unwrap_or(0) != replicas
    {
        next = Some(min_ready_ms);
    }
    for pod in pods {
        if pod_util::is_ready(pod) && !pod_util::is_available(pod, min_ready, now) {
            if let Some(since) = pod_util::ready_since_ms(pod) {
                let due = since + min_ready_ms + 1000 - now.0;
                next = Some(next.map_or(due, |n| n.min(due)));
            }
        }
    }
    next.map(|n| n.max(1))
}
