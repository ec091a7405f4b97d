//! The StatefulSet controller (upstream `pkg/controller/statefulset`, v1.32): pods with
//! stable names `<set>-0..N-1`, hostnames under the governing Service, and their own
//! PersistentVolumeClaims `<template>-<set>-<ordinal>`, created in order and deleted in
//! reverse order (`OrderedReady`) or all at once (`Parallel`), and rolled to a new
//! template from the highest ordinal down to the partition.
//!
//! Each sync (`sync`): adopts orphaned revisions, claims the set's pods (a pod belongs
//! to the set when its name is `<set>-<n>` and the selector matches), works out the
//! current and update revisions ([`revisions`]), runs one pass of the update algorithm
//! ([`control`]), writes the status, and trims the revision history.
//!
//! Claims outlive their pods: a replaced pod gets the same claims back. With
//! `persistentVolumeClaimRetentionPolicy` set to `Delete`, the claims are owned by the set
//! (`whenDeleted`) or by their scaled-away pod (`whenScaled`), and the garbage collector
//! deletes them with their owner.

pub mod control;
pub mod podcontrol;
pub mod retention;
pub mod revisions;
pub mod utils;

#[cfg(test)]
mod history_tests;
#[cfg(test)]
mod tests;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::Pod;

use crate::apiserver::{ApiError, ApiServer, ListOptions, Subresource, WatchEvent};
use crate::controllers::history::{self, refs};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

pub use podcontrol::NAME;

/// See the module documentation.
pub struct StatefulSetController;

fn selector_of(set: &StatefulSet) -> Option<LabelSelector> {
    LabelSelector::from_label_selector(&set.spec.as_ref()?.selector).ok()
}

fn stateful_sets(api: &ApiServer, ns: &str) -> Vec<StatefulSet> {
    api.list(Kind::StatefulSet, Some(ns), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::StatefulSet(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// The set keys for a pod or revision event: its controlling StatefulSet (before and after
/// the event), or for an orphan every set that would adopt it.
fn owner_keys(event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
    let mut objects = vec![event.object().clone()];
    if let WatchEvent::Modified { old, .. } = event {
        objects.push(old.clone());
    }
    let mut keys = Vec::new();
    for obj in &objects {
        let ns = obj.namespace().to_string();
        match refs::controller_of(obj.meta()) {
            Some(r) if r.kind == "StatefulSet" => keys.push(ObjectRef {
                kind: Kind::StatefulSet,
                namespace: ns,
                name: r.name.clone(),
            }),
            Some(_) => {}
            None if !matches!(event, WatchEvent::Deleted { .. }) => {
                for set in stateful_sets(api, &ns) {
                    let member = match &**obj {
                        Object::Pod(p) => utils::is_member_of(&set, p),
                        _ => true,
                    };
                    if member && selector_of(&set).is_some_and(|s| refs::labels_match(&s, obj)) {
                        keys.push(ObjectRef {
                            kind: Kind::StatefulSet,
                            namespace: ns.clone(),
                            name: set.metadata.name.clone().unwrap_or_default(),
                        });
                    }
                }
            }
            None => {}
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

impl Controller for StatefulSetController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::StatefulSet, Kind::Pod, Kind::ControllerRevision]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        match event.object().kind() {
            Kind::StatefulSet => vec![ObjectRef::of(event)],
            Kind::Pod | Kind::ControllerRevision => owner_keys(event, api),
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        // The manager's start-up list queues every watched object under its own kind;
        // only StatefulSet keys name work here.
        if key.kind != Kind::StatefulSet {
            return Ok(Action::Done);
        }
        let Some(Object::StatefulSet(set)) = rc
            .api
            .try_get(Kind::StatefulSet, &key.namespace, &key.name)
            .as_deref()
            .cloned()
        else {
            return Ok(Action::Done);
        };
        // An unusable selector is not retried, as upstream.
        let Some(selector) = selector_of(&set) else {
            return Ok(Action::Done);
        };
        revisions::adopt_orphans(rc, &set, &selector)?;
        let pods = claimed_pods(rc, &set, &selector)?;
        let status = update_stateful_set(rc, &set, &selector, &pods)?;
        let spec = utils::spec(&set);
        let min_ready = spec.min_ready_seconds.unwrap_or(0);
        if min_ready > 0 && status.available_replicas.unwrap_or(0) != spec.replicas.unwrap_or(1) {
            return Ok(Action::RequeueAfter((i64::from(min_ready) + 1) * 1000));
        }
        Ok(Action::Done)
    }
}

/// `getPodsForStatefulSet`: claims pods named `<set>-<n>` that match the selector.
fn claimed_pods(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    selector: &LabelSelector,
) -> Result<Vec<Pod>, ApiError> {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let all = rc.api.list(Kind::Pod, Some(&ns), &ListOptions::default())?;
    let claimer = refs::Claimer {
        meta: &set.metadata,
        api_version: "apps/v1",
        kind: "StatefulSet",
    };
    let matches = |o: &Object| match o {
        Object::Pod(p) => utils::is_member_of(set, p) && refs::labels_match(selector, o),
        _ => false,
    };
    Ok(refs::claim(rc, &claimer, all, &matches)?
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p.clone()),
            _ => None,
        })
        .collect())
}

/// `UpdateStatefulSet`: revisions, one pass, status, history.
fn update_stateful_set(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    selector: &LabelSelector,
    pods: &[Pod],
) -> Result<StatefulSetStatus, ApiError> {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let uid = set.metadata.uid.clone().unwrap_or_default();
    let mut revs = history::list_revisions(rc.api, &ns, selector, &uid)?;
    history::sort_revisions(&mut revs);
    let r = revisions::get_revisions(rc, set, &revs)?;
    let (mut status, pass) = control::update_pods(rc, set, &r, pods);
    let written = write_status(rc, set, &mut status);
    let truncated = revisions::truncate(rc, set, pods, &revs, &r);
    pass?;
    written?;
    truncated?;
    Ok(status)
}

/// `updateStatefulSetStatus`: completes a finished rolling update, then writes the status
/// if it differs from the stored one (retrying once on a conflict).
fn write_status(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    status: &mut StatefulSetStatus,
) -> Result<(), ApiError> {
    let strategy = utils::spec(set).update_strategy.and_then(|s| s.type_);
    // completeRollingUpdate
    if strategy.as_deref() == Some("RollingUpdate")
        && status.updated_replicas.unwrap_or(0) == status.replicas
        && status.ready_replicas.unwrap_or(0) == status.replicas
    {
        status.current_replicas = status.updated_replicas;
        status.current_revision = status.update_revision.clone();
    }
    let nonzero = |n: Option<i32>| n.filter(|&n| n != 0);
    let mut want = status.clone();
    want.ready_replicas = nonzero(want.ready_replicas);
    want.current_replicas = nonzero(want.current_replicas);
    want.updated_replicas = nonzero(want.updated_replicas);
    want.available_replicas = Some(want.available_replicas.unwrap_or(0));
    want.current_revision = want.current_revision.filter(|r| !r.is_empty());
    want.update_revision = want.update_revision.filter(|r| !r.is_empty());
    let old = set.status.clone().unwrap_or_default();
    // inconsistentStatus
    let g = |s: &StatefulSetStatus| s.observed_generation.unwrap_or(0);
    let n = |v: Option<i32>| v.unwrap_or(0);
    let inconsistent = g(&want) > g(&old)
        || want.replicas != old.replicas
        || n(want.current_replicas) != n(old.current_replicas)
        || n(want.ready_replicas) != n(old.ready_replicas)
        || n(want.updated_replicas) != n(old.updated_replicas)
        || want.current_revision != old.current_revision
        || n(want.available_replicas) != n(old.available_replicas)
        || want.update_revision != old.update_revision;
    if !inconsistent {
        return Ok(());
    }
    want.conditions = old.conditions.clone();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let name = set.metadata.name.clone().unwrap_or_default();
    let mut target = set.clone();
    for attempt in 0..2 {
        target.status = Some(want.clone());
        match rc.update(Object::StatefulSet(target.clone()), Subresource::Status) {
            Ok(_) => return Ok(()),
            Err(ApiError::Conflict { .. }) if attempt == 0 => {
                match rc.api.try_get(Kind::StatefulSet, &ns, &name).as_deref() {
                    Some(Object::StatefulSet(fresh)) => target = fresh.clone(),
                    _ => return Ok(()),
                }
            }
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
