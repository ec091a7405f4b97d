//! Adoption and release by labels, as upstream v1.32 `controller_ref_manager.go`
//! (`ClaimPods` / `claimObject`): a controller owns what its selector matches and what
//! carries its controller reference.
//!
//! For each candidate:
//! - controlled by someone else: ignored;
//! - controlled by us and matching: claimed (even while we are being deleted);
//! - controlled by us and no longer matching: released (our reference removed), unless we
//!   are being deleted;
//! - an orphan that matches, while neither we nor it are being deleted: adopted with
//!   `{"metadata":{"ownerReferences":[{apiVersion,kind,name,uid,"controller":true,
//!   "blockOwnerDeletion":true}],"uid":SELF}}` after re-reading the owner to check it is
//!   not being deleted (upstream `RecheckDeletionTimestamp`).
//!
//! It is written for any owner and dependent kind (pods of a ReplicaSet, ReplicaSets of a
//! Deployment), so other controllers can use it; the garbage collector uses
//! [`remove_owner_refs`] too.
//!
//! Upstream releases with the strategic merge patch
//! `{"metadata":{"ownerReferences":[{"$patch":"delete","uid":OWNER}],"uid":SELF}}`. The
//! result of removing the last reference must be no `ownerReferences` field at all (Go
//! omits empty lists), which kubeniwa's patch engine does not do for us, so removal is a
//! read-modify-write UPDATE with the read's resourceVersion as precondition: the same
//! effect in one write.

use std::rc::Rc;

use serde_json::json;

use crate::apiserver::{ApiError, Ctx, PatchType, Subresource};
use crate::controllers::pod_util::controller_ref;
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::Object;

/// PATCH through the API server as the reconciling controller.
pub(crate) fn patch(
    rc: &mut ReconcileCtx,
    target: &Object,
    patch_type: PatchType,
    body: &serde_json::Value,
) -> Result<Rc<Object>, ApiError> {
    let mut ctx = Ctx::new(rc.now, &mut *rc.rng, rc.meta.clone());
    rc.api.patch(
        &mut ctx,
        target.kind(),
        target.namespace(),
        target.name(),
        patch_type,
        body,
        Subresource::Main,
    )
}

fn uid(obj: &Object) -> &str {
    obj.meta().uid.as_deref().unwrap_or("")
}

/// Upstream `RecheckDeletionTimestamp`: reads the owner again and refuses adoption when it
/// is gone, replaced, or being deleted.
fn can_adopt(rc: &ReconcileCtx, owner: &Object) -> Result<(), String> {
    let kind = owner.kind();
    let fresh = rc
        .api
        .get(kind, owner.namespace(), owner.name())
        .map_err(|e| format!("can't recheck DeletionTimestamp: {e}"))?;
    if uid(&fresh) != uid(owner) {
        return Err(format!(
            "can't recheck DeletionTimestamp: original {} {}/{} is gone: got uid {}, wanted {}",
            kind.info().kind,
            owner.namespace(),
            owner.name(),
            uid(&fresh),
            uid(owner)
        ));
    }
    if let Some(ts) = &fresh.meta().deletion_timestamp {
        return Err(format!(
            "{}/{} has just been deleted at {}",
            owner.namespace(),
            owner.name(),
            ts.0.format("%Y-%m-%d %H:%M:%S %z UTC")
        ));
    }
    Ok(())
}

/// Sends the adoption patch.
fn adopt(rc: &mut ReconcileCtx, owner: &Object, obj: &Object) -> Result<(), ApiError> {
    if let Err(e) = can_adopt(rc, owner) {
        return Err(ApiError::Internal {
            message: format!(
                "can't adopt {} {}/{} ({}): {}",
                obj.kind().info().kind,
                obj.namespace(),
                obj.name(),
                uid(obj),
                e
            ),
        });
    }
    let info = owner.kind().info();
    let body = json!({"metadata": {"ownerReferences": [{
        "apiVersion": info.api_version(),
        "kind": info.kind,
        "name": owner.name(),
        "uid": uid(owner),
        "controller": true,
        "blockOwnerDeletion": true,
    }], "uid": uid(obj)}});
    patch(rc, obj, PatchType::Strategic, &body).map(|_| ())
}

/// Removes the references to `owner_uids` from `obj` (see the module documentation).
/// Nothing to remove writes nothing; a dependent that is gone is fine.
pub(crate) fn remove_owner_refs(
    rc: &mut ReconcileCtx,
    obj: &Object,
    owner_uids: &[&str],
) -> Result<(), ApiError> {
    let refs = obj.meta().owner_references.as_deref().unwrap_or_default();
    let kept: Vec<_> = refs
        .iter()
        .filter(|r| !owner_uids.contains(&r.uid.as_str()))
        .cloned()
        .collect();
    if kept.len() == refs.len() {
        return Ok(());
    }
    let mut updated = obj.clone();
    updated.meta_mut().owner_references = (!kept.is_empty()).then_some(kept);
    match rc.update(updated, Subresource::Main) {
        Ok(_) => Ok(()),
        Err(e) if e.code() == 404 => Ok(()),
        Err(e) => Err(e),
    }
}

/// Releases `obj`; a dependent that is gone or no longer ours (422) is fine.
fn release(rc: &mut ReconcileCtx, owner: &Object, obj: &Object) -> Result<(), ApiError> {
    match remove_owner_refs(rc, obj, &[uid(owner)]) {
        Err(e) if e.code() == 422 => Ok(()),
        other => other,
    }
}

/// Claims `candidates` for `owner` (see the module documentation): returns the ones it
/// now owns, in input order, or the first adoption or release error after trying all.
pub(crate) fn claim(
    rc: &mut ReconcileCtx,
    owner: &Object,
    selector: &LabelSelector,
    candidates: Vec<Rc<Object>>,
) -> Result<Vec<Rc<Object>>, ApiError> {
    let owner_uid = uid(owner).to_string();
    let owner_deleting = owner.meta().deletion_timestamp.is_some();
    let empty = Default::default();
    let mut claimed = Vec::new();
    let mut first_error = None;
    for obj in candidates {
        let labels = obj.meta().labels.as_ref().unwrap_or(&empty);
        let matches = selector.matches(labels);
        let result = match controller_ref(obj.meta()) {
            Some(r) if r.uid != owner_uid => continue,
            Some(_) if matches => {
                claimed.push(obj);
                continue;
            }
            Some(_) if owner_deleting => continue,
            Some(_) => release(rc, owner, &obj).map(|()| false),
            None if owner_deleting || !matches => continue,
            None if obj.meta().deletion_timestamp.is_some() => continue,
            None => match adopt(rc, owner, &obj) {
                Ok(()) => Ok(true),
                Err(e) if e.code() == 404 => Ok(false),
                Err(e) => Err(e),
            },
        };
        match result {
            Ok(true) => claimed.push(obj),
            Ok(false) => {}
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(claimed),
    }
}
