//! Controller references and claiming (upstream `metav1.NewControllerRef`,
//! `metav1.GetControllerOf` and `pkg/controller/controller_ref_manager.go`): which objects
//! a workload controller owns, adopting orphans its selector matches and releasing owned
//! objects it no longer matches.

use std::rc::Rc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::apiserver::{ApiError, Subresource};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::Object;

/// The controlling owner reference of an object, if any.
pub fn controller_of(meta: &ObjectMeta) -> Option<&OwnerReference> {
    meta.owner_references
        .as_ref()?
        .iter()
        .find(|r| r.controller == Some(true))
}

/// `metav1.NewControllerRef`: a reference to `owner` with `controller` and
/// `blockOwnerDeletion` set.
pub fn new_controller_ref(owner: &ObjectMeta, api_version: &str, kind: &str) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: owner.name.clone().unwrap_or_default(),
        uid: owner.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// The workload that claims: its metadata and its group/version/kind.
pub struct Claimer<'a> {
    /// The owner's metadata (name, namespace, uid, deletionTimestamp).
    pub meta: &'a ObjectMeta,
    /// `apps/v1`.
    pub api_version: &'a str,
    /// `DaemonSet`, `StatefulSet`.
    pub kind: &'a str,
}

/// `ControllerRefManager.ClaimObject` over a list: returns the objects the owner controls
/// after adopting matching orphans and releasing owned objects that no longer match.
/// `matches` is the selector plus any extra filter (a StatefulSet also requires the pod's
/// name to be one of its ordinals). Objects owned by another controller are ignored, and
/// so are orphans that are being deleted or when the owner itself is being deleted.
pub fn claim(
    rc: &mut ReconcileCtx,
    owner: &Claimer,
    objects: Vec<Rc<Object>>,
    matches: &dyn Fn(&Object) -> bool,
) -> Result<Vec<Rc<Object>>, ApiError> {
    let owner_uid = owner.meta.uid.clone().unwrap_or_default();
    let owner_deleting = owner.meta.deletion_timestamp.is_some();
    let mut claimed = Vec::new();
    for obj in objects {
        match controller_of(obj.meta()) {
            Some(r) if r.uid != owner_uid => {}
            Some(_) if matches(&obj) => claimed.push(obj),
            Some(_) => {
                if !owner_deleting {
                    let mut released = (*obj).clone();
                    if let Some(refs) = released.meta_mut().owner_references.as_mut() {
                        refs.retain(|r| r.uid != owner_uid);
                    }
                    ignore_not_found(rc.update(released, Subresource::Main))?;
                }
            }
            None => {
                if owner_deleting || !matches(&obj) || obj.meta().deletion_timestamp.is_some() {
                    continue;
                }
                if obj.namespace() != owner.meta.namespace.as_deref().unwrap_or("") {
                    continue;
                }
                let mut adopted = (*obj).clone();
                adopted
                    .meta_mut()
                    .owner_references
                    .get_or_insert_with(Vec::new)
                    .push(new_controller_ref(
                        owner.meta,
                        owner.api_version,
                        owner.kind,
                    ));
                if let Some(new) = ignore_not_found(rc.update(adopted, Subresource::Main))? {
                    claimed.push(new);
                }
            }
        }
    }
    Ok(claimed)
}

/// Whether an object's labels match a selector.
pub fn labels_match(selector: &LabelSelector, obj: &Object) -> bool {
    let empty = Default::default();
    selector.matches(obj.meta().labels.as_ref().unwrap_or(&empty))
}

fn ignore_not_found<T>(r: Result<T, ApiError>) -> Result<Option<T>, ApiError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(ApiError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
