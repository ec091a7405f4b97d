//! A StatefulSet's ControllerRevisions (upstream `getStatefulSetRevisions`,
//! `truncateHistory`, `newRevision`, `ApplyRevision` and `pkg/controller/history`'s
//! `realHistory`): the update revision is the one holding the current template (created,
//! or renumbered when rolling back to an older one); the current revision is the one the
//! status names, or the update revision for a new set.
//!
//! Revision names are `<set>-<hash>` with `hash_controller_revision` over the patch's Go
//! JSON and the collision count; a name already taken by other data raises the collision
//! count and tries again.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{ControllerRevision, StatefulSet};
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;

use super::control::Revisions;
use super::utils;
use crate::apiserver::{ApiError, DeleteOptions, Subresource};
use crate::controllers::history::{self, refs, HASH_LABEL};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// How many names `CreateControllerRevision` tries before giving up (upstream loops
/// until it succeeds; every try uses a new collision count, so this only bounds a bug).
const MAX_COLLISIONS: i32 = 100;

/// `newRevision`: the revision that would hold the set's current template.
pub fn new_revision(set: &StatefulSet, revision: i64, collision_count: i32) -> ControllerRevision {
    let spec = utils::spec(set);
    let patch = history::template_patch(&spec.template);
    let hash = history::hash_controller_revision(&history::go_json(&patch), Some(collision_count));
    let mut labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(HASH_LABEL.to_string(), hash.clone());
    let set_name = set.metadata.name.clone().unwrap_or_default();
    ControllerRevision {
        metadata: ObjectMeta {
            name: Some(history::revision_name(&set_name, &hash)),
            namespace: set.metadata.namespace.clone(),
            labels: Some(labels),
            annotations: set.metadata.annotations.clone(),
            owner_references: Some(vec![refs::new_controller_ref(
                &set.metadata,
                "apps/v1",
                "StatefulSet",
            )]),
            ..Default::default()
        },
        data: Some(RawExtension(patch)),
        revision,
    }
}

/// `ApplyRevision`: the set with the revision's template.
pub fn apply_revision(set: &StatefulSet, rev: &ControllerRevision) -> StatefulSet {
    let mut s = set.clone();
    if let (Some(spec), Some(t)) = (s.spec.as_mut(), history::template_of(rev)) {
        spec.template = t;
    }
    s
}

fn as_revision(obj: &Object) -> Option<ControllerRevision> {
    match obj {
        Object::ControllerRevision(r) => Some(r.clone()),
        _ => None,
    }
}

/// `realHistory.CreateControllerRevision`.
fn create_revision(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    rev: &ControllerRevision,
    collision_count: &mut i32,
) -> Result<ControllerRevision, ApiError> {
    let data = history::data_text(rev);
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    for _ in 0..MAX_COLLISIONS {
        let hash = history::hash_controller_revision(&data, Some(*collision_count));
        let mut clone = rev.clone();
        clone.metadata.name = Some(history::revision_name(&set_name, &hash));
        let name = clone.metadata.name.clone().unwrap_or_default();
        match rc.create(Object::ControllerRevision(clone)) {
            Ok(o) => return as_revision(&o).ok_or_else(|| internal("not a revision")),
            Err(ApiError::AlreadyExists { .. }) => {
                let existing = rc.api.get(Kind::ControllerRevision, &ns, &name)?;
                let existing = as_revision(&existing).ok_or_else(|| internal("not a revision"))?;
                if existing.data == rev.data {
                    return Ok(existing);
                }
                *collision_count += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Err(internal("too many ControllerRevision name collisions"))
}

fn internal(message: &str) -> ApiError {
    ApiError::Internal {
        message: message.to_string(),
    }
}

/// `getStatefulSetRevisions`, with `revisions` sorted.
pub fn get_revisions(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    revisions: &[ControllerRevision],
) -> Result<Revisions, ApiError> {
    let mut collision_count = set
        .status
        .as_ref()
        .and_then(|s| s.collision_count)
        .unwrap_or(0);
    let candidate = new_revision(set, history::next_revision(revisions), collision_count);
    let equal: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| history::equal_revision(r, &candidate))
        .collect();
    let update = match (equal.last(), revisions.last()) {
        (Some(eq), Some(last)) if history::equal_revision(last, eq) => last.clone(),
        (Some(eq), _) => {
            // Rolling back to an older template: renumber its revision.
            let mut r = (*eq).clone();
            if r.revision != candidate.revision {
                r.revision = candidate.revision;
                let updated = rc.update(Object::ControllerRevision(r), Subresource::Main)?;
                as_revision(&updated).ok_or_else(|| internal("not a revision"))?
            } else {
                r
            }
        }
        _ => create_revision(rc, set, &candidate, &mut collision_count)?,
    };
    let status_current = set.status.as_ref().and_then(|s| s.current_revision.clone());
    let current = revisions
        .iter()
        .find(|r| r.metadata.name.is_some() && r.metadata.name == status_current)
        .cloned()
        .unwrap_or_else(|| update.clone());
    Ok(Revisions {
        current_set: apply_revision(set, &current),
        update_set: apply_revision(set, &update),
        current: current.metadata.name.clone().unwrap_or_default(),
        update: update.metadata.name.clone().unwrap_or_default(),
        collision_count,
    })
}

/// `truncateHistory`: deletes the oldest revisions that are neither current, update, nor
/// used by a pod, beyond `revisionHistoryLimit`.
pub fn truncate(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    pods: &[Pod],
    revisions: &[ControllerRevision],
    revs: &Revisions,
) -> Result<(), ApiError> {
    let mut live: BTreeSet<&str> = pods.iter().map(utils::pod_revision).collect();
    live.insert(&revs.current);
    live.insert(&revs.update);
    let history: Vec<&ControllerRevision> = revisions
        .iter()
        .filter(|r| !live.contains(r.metadata.name.as_deref().unwrap_or("")))
        .collect();
    let limit = utils::spec(set).revision_history_limit.unwrap_or(10).max(0) as usize;
    if history.len() <= limit {
        return Ok(());
    }
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    for r in &history[..history.len() - limit] {
        let name = r.metadata.name.clone().unwrap_or_default();
        match rc.delete(
            Kind::ControllerRevision,
            &ns,
            &name,
            &DeleteOptions::default(),
        ) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// `adoptOrphanRevisions`: revisions matching the selector without a controller become
/// the set's (unless it is being deleted).
pub fn adopt_orphans(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    selector: &LabelSelector,
) -> Result<(), ApiError> {
    if set.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let uid = set.metadata.uid.clone().unwrap_or_default();
    for mut r in history::list_revisions(rc.api, &ns, selector, &uid)? {
        if refs::controller_of(&r.metadata).is_some() {
            continue;
        }
        r.metadata
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(refs::new_controller_ref(
                &set.metadata,
                "apps/v1",
                "StatefulSet",
            ));
        match rc.update(Object::ControllerRevision(r), Subresource::Main) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
