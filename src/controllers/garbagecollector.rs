//! The garbage collector (upstream v1.32 `pkg/controller/garbagecollector`): deletes
//! objects whose owners are gone, and finishes foreground and orphan deletions.
//!
//! Upstream keeps a dependency graph of every object (uid → owners and dependents) fed by
//! informers. This collector is level-triggered and keeps nothing: a key is an object, and
//! a reconcile looks at it in two roles.
//!
//! - As a **dependent** (`attemptToDeleteItem`): each owner reference is resolved with a
//!   GET by name and a UID check — solid, dangling (gone or replaced), or waiting (being
//!   deleted in the foreground). With a solid owner it only drops dangling and waiting
//!   references; with none it is deleted (in the foreground when a waiting owner exists
//!   and it has dependents of its own, otherwise honouring its own finalizers, else in the
//!   background). Objects being deleted are left alone.
//! - As an **owner** being deleted: with the `orphan` finalizer it strips its UID from
//!   every dependent's references, then drops the finalizer; with `foregroundDeletion` it
//!   deletes its dependents and drops the finalizer once none with
//!   `blockOwnerDeletion: true` remains.
//!
//! Events decide which keys need a look, so the work per event stays small:
//! a new object with a reference that is not solid; an object whose references changed;
//! an owner that starts or continues a foreground/orphan deletion; for a deleted object,
//! its dependents (found by the bounded scan in `refs`) and its owners waiting in the
//! foreground. Kubectl's default (background) removes an owner at once, so its deletion
//! event is what sends its dependents here.

mod refs;

#[cfg(test)]
mod tests;

pub use refs::{classify, dependents, kind_of_ref, Owner, FOREGROUND, ORPHAN};

use std::rc::Rc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;
use serde_json::{json, Value};

use crate::apiserver::{ApiError, ApiServer, DeleteOptions, PatchType, Propagation, WatchEvent};
use crate::controllers::keys::key_of;
use crate::controllers::replicaset::{patch, remove_owner_refs};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};
use refs::{blocks, has_finalizer, is_deleting_dependents, owner_refs};

/// The component name of the collector's writes.
pub const CONTROLLER_NAME: &str = "garbage-collector-controller";

/// Every stored kind but Event (which can be neither owner nor, here, dependent).
const WATCHED: &[Kind] = &[
    Kind::ConfigMap,
    Kind::Endpoints,
    Kind::Namespace,
    Kind::Node,
    Kind::PersistentVolumeClaim,
    Kind::PersistentVolume,
    Kind::Pod,
    Kind::Secret,
    Kind::ServiceAccount,
    Kind::Service,
    Kind::ControllerRevision,
    Kind::DaemonSet,
    Kind::Deployment,
    Kind::ReplicaSet,
    Kind::StatefulSet,
    Kind::CronJob,
    Kind::Job,
    Kind::Lease,
    Kind::EndpointSlice,
    Kind::PodDisruptionBudget,
];

/// See the module documentation.
pub struct GarbageCollector;

fn owner_ref_key(api: &ApiServer, dependent: &Object, r: &OwnerReference) -> Option<ObjectRef> {
    let kind = kind_of_ref(r)?;
    let ns = if kind.info().namespaced {
        dependent.namespace()
    } else {
        ""
    };
    let owner = api.try_get(kind, ns, &r.name)?;
    (owner.meta().uid.as_deref() == Some(r.uid.as_str())).then(|| key_of(&owner))
}

/// The owners of `obj` that wait for it (foreground deletion in progress).
fn waiting_owners(api: &ApiServer, obj: &Object) -> Vec<ObjectRef> {
    owner_refs(obj)
        .iter()
        .filter(|r| classify(api, obj, r) == Owner::Waiting)
        .filter_map(|r| owner_ref_key(api, obj, r))
        .collect()
}

/// Whether an owner is mid-way through a deletion the collector must finish.
fn finishing(obj: &Object) -> bool {
    obj.meta().deletion_timestamp.is_some()
        && (has_finalizer(obj, ORPHAN) || has_finalizer(obj, FOREGROUND))
}

impl Controller for GarbageCollector {
    fn name(&self) -> &'static str {
        CONTROLLER_NAME
    }

    fn watches(&self) -> &'static [Kind] {
        WATCHED
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        let mut keys = Vec::new();
        match event {
            WatchEvent::Added { object, .. } => {
                let unsettled = owner_refs(object)
                    .iter()
                    .any(|r| classify(api, object, r) != Owner::Solid);
                if finishing(object) || unsettled {
                    keys.push(key_of(object));
                }
            }
            WatchEvent::Modified { object, old, .. } => {
                if finishing(object) {
                    keys.push(key_of(object));
                }
                if owner_refs(object) != owner_refs(old) {
                    if !owner_refs(object).is_empty() {
                        keys.push(key_of(object));
                    }
                    // A dependent that let go of a waiting owner may unblock it.
                    keys.extend(waiting_owners(api, old));
                }
            }
            WatchEvent::Deleted { object, .. } => {
                keys.extend(dependents(api, object).iter().map(|d| key_of(d)));
                keys.extend(waiting_owners(api, object));
            }
        }
        keys
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(obj) = rc.api.try_get(key.kind, &key.namespace, &key.name) else {
            return Ok(Action::Done);
        };
        if obj.meta().deletion_timestamp.is_some() {
            if has_finalizer(&obj, ORPHAN) {
                orphan_dependents(rc, &obj)?;
                remove_finalizer(rc, &obj, ORPHAN)?;
            } else if has_finalizer(&obj, FOREGROUND) {
                process_deleting_dependents(rc, &obj)?;
            }
            return Ok(Action::Done);
        }
        attempt_to_delete(rc, &obj)?;
        Ok(Action::Done)
    }
}

fn uid(obj: &Object) -> &str {
    obj.meta().uid.as_deref().unwrap_or("")
}

/// DELETE with the dependent's UID as precondition; already gone is fine.
fn delete(rc: &mut ReconcileCtx, obj: &Object, policy: Propagation) -> Result<(), ApiError> {
    let opts = DeleteOptions {
        propagation: Some(policy),
        precondition_uid: Some(uid(obj).to_string()),
        ..Default::default()
    };
    match rc.delete(obj.kind(), obj.namespace(), obj.name(), &opts) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

/// Upstream `removeFinalizer`: a merge patch of the remaining finalizers, guarded by the
/// resourceVersion read.
fn remove_finalizer(rc: &mut ReconcileCtx, obj: &Object, finalizer: &str) -> Result<(), ApiError> {
    let Some(list) = obj.meta().finalizers.as_ref() else {
        return Ok(());
    };
    if !list.iter().any(|f| f == finalizer) {
        return Ok(());
    }
    let rest: Vec<&String> = list.iter().filter(|f| *f != finalizer).collect();
    let finalizers = if rest.is_empty() {
        Value::Null
    } else {
        json!(rest)
    };
    let body = json!({"metadata": {
        "resourceVersion": obj.meta().resource_version,
        "finalizers": finalizers,
    }});
    match patch(rc, obj, PatchType::Merge, &body) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

/// Upstream `attemptToDeleteItem` for an object that is not being deleted.
fn attempt_to_delete(rc: &mut ReconcileCtx, obj: &Rc<Object>) -> Result<(), ApiError> {
    let refs = owner_refs(obj);
    if refs.is_empty() || obj.meta().deletion_timestamp.is_some() {
        return Ok(());
    }
    let mut solid = 0;
    let mut gone: Vec<&str> = Vec::new();
    let mut waiting: Vec<&str> = Vec::new();
    for r in refs {
        match classify(rc.api, obj, r) {
            Owner::Solid => solid += 1,
            Owner::Dangling => gone.push(&r.uid),
            Owner::Waiting => waiting.push(&r.uid),
            // Upstream cannot decide either and retries; nothing changes meanwhile.
            Owner::Unresolvable => return Ok(()),
        }
    }
    if solid > 0 {
        if gone.is_empty() && waiting.is_empty() {
            return Ok(());
        }
        // Waiting references must go too, or those owners would wait for ever.
        let uids: Vec<&str> = gone.iter().chain(waiting.iter()).copied().collect();
        return remove_owner_refs(rc, obj, &uids);
    }
    if !waiting.is_empty() {
        let deps = dependents(rc.api, obj);
        if !deps.is_empty() {
            if deps.iter().any(|d| is_deleting_dependents(d)) {
                // A possible cycle: stop blocking the owners, then go in the foreground.
                unblock_owner_refs(rc, obj)?;
            }
            return delete(rc, obj, Propagation::Foreground);
        }
    }
    let policy = if has_finalizer(obj, ORPHAN) {
        Propagation::Orphan
    } else if has_finalizer(obj, FOREGROUND) {
        Propagation::Foreground
    } else {
        Propagation::Background
    };
    delete(rc, obj, policy)
}

/// Upstream `unblockOwnerReferencesStrategicMergePatch`: `blockOwnerDeletion: false` on
/// every blocking reference.
fn unblock_owner_refs(rc: &mut ReconcileCtx, obj: &Object) -> Result<(), ApiError> {
    let refs: Vec<Value> = owner_refs(obj)
        .iter()
        .filter(|r| r.block_owner_deletion == Some(true))
        .map(|r| {
            let mut r = r.clone();
            r.block_owner_deletion = Some(false);
            serde_json::to_value(r).unwrap_or(Value::Null)
        })
        .collect();
    let body = json!({"metadata": {"ownerReferences": refs, "uid": uid(obj)}});
    patch(rc, obj, PatchType::Strategic, &body).map(|_| ())
}

/// Upstream `processDeletingDependentsItem` (with `markDeletingDependents`'s first pass):
/// drops the finalizer when no blocking dependent is left, otherwise deletes dependents.
fn process_deleting_dependents(rc: &mut ReconcileCtx, owner: &Object) -> Result<(), ApiError> {
    let deps = dependents(rc.api, owner);
    if !deps.iter().any(|d| blocks(d, uid(owner))) {
        return remove_finalizer(rc, owner, FOREGROUND);
    }
    let mut first_error = None;
    for dep in deps.iter().filter(|d| !is_deleting_dependents(d)) {
        if let Err(e) = attempt_to_delete(rc, dep) {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}

/// Upstream `orphanDependents`: removes the owner's UID from every dependent.
fn orphan_dependents(rc: &mut ReconcileCtx, owner: &Object) -> Result<(), ApiError> {
    let owner_uid = uid(owner).to_string();
    let mut first_error = None;
    for dep in dependents(rc.api, owner) {
        if let Err(e) = remove_owner_refs(rc, &dep, &[&owner_uid]) {
            first_error.get_or_insert(e);
        }
    }
    first_error.map_or(Ok(()), Err)
}
