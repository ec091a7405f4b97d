//! Server-side rollback (upstream `rollback.go`, v1.32), driven by the
//! `deprecated.deployment.rollback.to` annotation through which `apps/v1` still carries the
//! old `spec.rollbackTo.revision` of `extensions/v1beta1`.
//!
//! kubectl v1.32's `rollout undo` does not use it: it copies the old ReplicaSet's template
//! into the Deployment itself, and the controller sees an ordinary template change (the old
//! ReplicaSet becomes the new one and gets the next revision). This path exists for clients
//! that still set the annotation: it finds the ReplicaSet of that revision (0 means the
//! previous one), copies its template and annotations into the Deployment, and always
//! removes the annotation.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::client::{event, update_deployment};
use super::newrs::{get_all_replica_sets_and_sync_revision, go_quote};
use super::sync::all_rss;
use super::util::{
    annotation, equal_ignore_hash, last_revision, revision, rs_template,
    set_deployment_annotations_to, set_from_replica_set_template, DEPRECATED_ROLLBACK_TO,
};
use crate::client::events::EventType;
use crate::controllers::{Action, ReconcileCtx, ReconcileError};

/// Event reason: no ReplicaSet has the requested revision.
pub const ROLLBACK_REVISION_NOT_FOUND: &str = "DeploymentRollbackRevisionNotFound";
/// Event reason: the revision's template is already the Deployment's.
pub const ROLLBACK_TEMPLATE_UNCHANGED: &str = "DeploymentRollbackTemplateUnchanged";
/// Event reason: the rollback was done.
pub const ROLLBACK_DONE: &str = "DeploymentRollback";

/// Upstream `getRollbackTo`: the requested revision, if the annotation holds a number.
pub fn get_rollback_to(d: &Deployment) -> Option<i64> {
    annotation(&d.metadata, DEPRECATED_ROLLBACK_TO)
        .filter(|v| !v.is_empty())?
        .parse::<i64>()
        .ok()
}

/// Upstream `rollback`.
pub fn rollback(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
) -> Result<Action, ReconcileError> {
    let (new_rs, old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, true)?;
    let all = all_rss(new_rs.as_ref(), &old_rss);
    let mut to = get_rollback_to(d).unwrap_or(0);
    if to == 0 {
        to = last_revision(&all);
        if to == 0 {
            let msg = "Unable to find last revision.";
            event(rc, d, EventType::Warning, ROLLBACK_REVISION_NOT_FOUND, msg);
            update_and_clear_rollback_to(rc, d)?;
            return Ok(Action::Done);
        }
    }
    for rs in &all {
        let Some(v) = revision(&rs.metadata) else {
            continue;
        };
        if v == to {
            let performed = rollback_to_template(rc, d, rs);
            if matches!(performed, Ok(true)) {
                let name = d.metadata.name.clone().unwrap_or_default();
                let msg = format!(
                    "Rolled back deployment {} to revision {to}",
                    go_quote(&name)
                );
                event(rc, d, EventType::Normal, ROLLBACK_DONE, &msg);
            }
            performed?;
            return Ok(Action::Done);
        }
    }
    let msg = "Unable to find the revision to rollback to.";
    event(rc, d, EventType::Warning, ROLLBACK_REVISION_NOT_FOUND, msg);
    update_and_clear_rollback_to(rc, d)?;
    Ok(Action::Done)
}

/// Upstream `rollbackToTemplate`: copies the template (and the ReplicaSet's annotations)
/// unless it is already the Deployment's; clears the request either way.
fn rollback_to_template(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs: &ReplicaSet,
) -> Result<bool, ReconcileError> {
    let template = d
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let performed = if !equal_ignore_hash(&template, &rs_template(rs)) {
        set_from_replica_set_template(d, &rs_template(rs));
        set_deployment_annotations_to(d, rs);
        true
    } else {
        let name = d.metadata.name.clone().unwrap_or_default();
        let msg = format!(
            "The rollback revision contains the same template as current deployment {}",
            go_quote(&name)
        );
        event(rc, d, EventType::Warning, ROLLBACK_TEMPLATE_UNCHANGED, &msg);
        false
    };
    update_and_clear_rollback_to(rc, d)?;
    Ok(performed)
}

/// Upstream `updateDeploymentAndClearRollbackTo`.
fn update_and_clear_rollback_to(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
) -> Result<(), ReconcileError> {
    if let Some(a) = d.metadata.annotations.as_mut() {
        a.remove(DEPRECATED_ROLLBACK_TO);
    }
    update_deployment(rc, d)?;
    Ok(())
}
