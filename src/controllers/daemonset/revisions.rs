//! A DaemonSet's ControllerRevisions (upstream `constructHistory`, `snapshot`,
//! `dedupCurHistories`, `cleanupHistory` in `pkg/controller/daemon/update.go`).
//!
//! Every template the DaemonSet has had is a revision named `<ds>-<hash>`, whose data is
//! the patch that restores the template and whose `revision` number orders them. The
//! revision matching the current template is "current" and gets the highest number (a
//! rollback to an old template renumbers the old revision instead of creating a new one);
//! the others are "old" and are deleted, oldest first, beyond `revisionHistoryLimit`,
//! except those some pod still runs.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::{ControllerRevision, DaemonSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::runtime::RawExtension;

use crate::apiserver::{ApiError, DeleteOptions, ListOptions, Subresource};
use crate::controllers::history::{
    self, compute_hash, refs, template_patch, CONTROLLER_REVISION_HASH_LABEL,
};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The revisions a DaemonSet controls, after adoption and release
/// (`controlledHistories`).
fn controlled(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
) -> Result<Vec<ControllerRevision>, ApiError> {
    let ns = ds.metadata.namespace.as_deref().unwrap_or("");
    let all = rc
        .api
        .list(Kind::ControllerRevision, Some(ns), &ListOptions::default())?;
    let claimer = refs::Claimer {
        meta: &ds.metadata,
        api_version: "apps/v1",
        kind: "DaemonSet",
    };
    let matches = |o: &Object| refs::labels_match(selector, o);
    Ok(refs::claim(rc, &claimer, all, &matches)?
        .iter()
        .filter_map(|o| match &**o {
            Object::ControllerRevision(r) => Some(r.clone()),
            _ => None,
        })
        .collect())
}

/// `Match`: whether a revision holds the DaemonSet's current template.
pub fn matches(ds: &DaemonSet, rev: &ControllerRevision) -> bool {
    let template = ds.spec.as_ref().map(|s| &s.template);
    template.is_some_and(|t| rev.data.as_ref().map(|d| &d.0) == Some(&template_patch(t)))
}

/// `constructHistory`: the current revision (created or renumbered if needed) and the
/// old ones.
pub fn construct(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
) -> Result<(ControllerRevision, Vec<ControllerRevision>), ApiError> {
    let mut current = Vec::new();
    let mut old = Vec::new();
    for mut rev in controlled(rc, ds, selector)? {
        let has_hash = rev
            .metadata
            .labels
            .as_ref()
            .is_some_and(|l| l.contains_key(CONTROLLER_REVISION_HASH_LABEL));
        if !has_hash {
            // Older revisions lack the label; upstream uses the name rather than recomputing.
            let name = rev.metadata.name.clone().unwrap_or_default();
            rev.metadata
                .labels
                .get_or_insert_with(Default::default)
                .insert(CONTROLLER_REVISION_HASH_LABEL.to_string(), name);
            rev = as_revision(rc.update(Object::ControllerRevision(rev), Subresource::Main)?)?;
        }
        if matches(ds, &rev) {
            current.push(rev);
        } else {
            old.push(rev);
        }
    }
    let next = history::next_revision(&old);
    let cur = if current.is_empty() {
        snapshot(rc, ds, next)?
    } else {
        let mut cur = dedup(rc, ds, selector, current)?;
        if cur.revision < next {
            cur.revision = next;
            cur = as_revision(rc.update(Object::ControllerRevision(cur), Subresource::Main)?)?;
        }
        cur
    };
    Ok((cur, old))
}

fn as_revision(obj: std::rc::Rc<Object>) -> Result<ControllerRevision, ApiError> {
    match &*obj {
        Object::ControllerRevision(r) => Ok(r.clone()),
        _ => Err(ApiError::BadRequest {
            message: "not a ControllerRevision".to_string(),
        }),
    }
}

/// `snapshot`: creates the revision `<ds>-<hash>` for the current template. A name taken
/// by a different template is a hash collision: the DaemonSet's `collisionCount` is
/// raised and the sync fails, to be retried with the new hash.
fn snapshot(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    revision: i64,
) -> Result<ControllerRevision, ApiError> {
    let spec = ds.spec.clone().unwrap_or_default();
    let collision = ds.status.as_ref().and_then(|s| s.collision_count);
    let hash = compute_hash(&spec.template, collision);
    let ds_name = ds.metadata.name.clone().unwrap_or_default();
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let name = format!("{ds_name}-{hash}");
    let mut labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(CONTROLLER_REVISION_HASH_LABEL.to_string(), hash);
    let rev = ControllerRevision {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some(ns.clone()),
            labels: Some(labels),
            annotations: ds.metadata.annotations.clone(),
            owner_references: Some(vec![refs::new_controller_ref(
                &ds.metadata,
                "apps/v1",
                "DaemonSet",
            )]),
            ..Default::default()
        },
        data: Some(RawExtension(template_patch(&spec.template))),
        revision,
    };
    match rc.create(Object::ControllerRevision(rev)) {
        Ok(o) => as_revision(o),
        Err(err @ ApiError::AlreadyExists { .. }) => {
            let existing = as_revision(rc.api.get(Kind::ControllerRevision, &ns, &name)?)?;
            if matches(ds, &existing) {
                return Ok(existing);
            }
            let Object::DaemonSet(mut fresh) =
                (*rc.api.get(Kind::DaemonSet, &ns, &ds_name)?).clone()
            else {
                return Err(err);
            };
            let status = fresh.status.get_or_insert_with(Default::default);
            if status.collision_count != collision {
                return Err(ApiError::conflict("daemonsets.apps", &ds_name));
            }
            status.collision_count = Some(collision.unwrap_or(0).saturating_add(1));
            rc.update(Object::DaemonSet(fresh), Subresource::Status)?;
            Err(err)
        }
        Err(e) => Err(e),
    }
}

/// `dedupCurHistories`: several revisions with the current template (possible after a
/// collision) are reduced to the newest; pods labelled with the others are relabelled.
fn dedup(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
    mut current: Vec<ControllerRevision>,
) -> Result<ControllerRevision, ApiError> {
    if current.len() == 1 {
        return Ok(current.remove(0));
    }
    let mut keep = 0;
    for (i, r) in current.iter().enumerate() {
        if r.revision >= current[keep].revision {
            keep = i;
        }
    }
    let keep = current.remove(keep);
    let keep_hash = keep
        .metadata
        .labels
        .as_ref()
        .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL))
        .cloned()
        .unwrap_or_default();
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    for dup in current {
        for pod in super::daemon_pods(rc, ds, selector)? {
            let Object::Pod(p) = &*pod else { continue };
            let hash = p
                .metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL));
            if hash != Some(&keep_hash) {
                let mut p = p.clone();
                p.metadata
                    .labels
                    .get_or_insert_with(Default::default)
                    .insert(
                        CONTROLLER_REVISION_HASH_LABEL.to_string(),
                        keep_hash.clone(),
                    );
                rc.update(Object::Pod(p), Subresource::Main)?;
            }
        }
        let name = dup.metadata.name.clone().unwrap_or_default();
        rc.delete(
            Kind::ControllerRevision,
            &ns,
            &name,
            &DeleteOptions::default(),
        )?;
    }
    Ok(keep)
}

/// `cleanupHistory`: deletes old revisions beyond `revisionHistoryLimit`, lowest revision
/// first, skipping any whose hash a pod still carries (terminal deleted pods included).
pub fn cleanup(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
    mut old: Vec<ControllerRevision>,
) -> Result<(), ApiError> {
    let limit = ds
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let mut to_kill = old.len().saturating_sub(limit);
    if to_kill == 0 {
        return Ok(());
    }
    let live: BTreeSet<String> = super::daemon_pods(rc, ds, selector)?
        .iter()
        .filter_map(|p| {
            p.meta()
                .labels
                .as_ref()
                .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL))
                .filter(|h| !h.is_empty())
                .cloned()
        })
        .collect();
    history::sort_revisions(&mut old);
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    for rev in old {
        if to_kill == 0 {
            break;
        }
        let hash = rev
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL))
            .cloned()
            .unwrap_or_default();
        if live.contains(&hash) {
            continue;
        }
        let name = rev.metadata.name.clone().unwrap_or_default();
        match rc.delete(
            Kind::ControllerRevision,
            &ns,
            &name,
            &DeleteOptions::default(),
        ) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        to_kill -= 1;
    }
    Ok(())
}
