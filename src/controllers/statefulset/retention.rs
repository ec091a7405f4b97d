//! The claim ownership a StatefulSet's `persistentVolumeClaimRetentionPolicy` asks for
//! (upstream `isClaimOwnerUpToDate`, `updateClaimOwnerRefForSetAndPod` and their helpers
//! in `stateful_set_utils.go`, StatefulSetAutoDeletePVC being on in v1.32):
//!
//! | whenDeleted / whenScaled | claim owned by |
//! | --- | --- |
//! | Retain / Retain | nobody |
//! | Delete / Retain | the set |
//! | Retain / Delete | its pod, once the pod is scaled away |
//! | Delete / Delete | the set, or its pod once scaled away |
//!
//! References with a stale UID, or another controller, make the controller keep its
//! hands off the claim.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::utils::{in_ordinal_range, spec};
use crate::controllers::history::refs;

/// The retention policy, `Retain`/`Retain` when unset.
pub fn retention(set: &StatefulSet) -> (String, String) {
    let p = spec(set)
        .persistent_volume_claim_retention_policy
        .unwrap_or_default();
    (
        p.when_deleted.unwrap_or_else(|| "Retain".into()),
        p.when_scaled.unwrap_or_else(|| "Retain".into()),
    )
}

/// `matchesRef`: same name, kind and apiVersion.
fn matches_ref(r: &OwnerReference, meta: &ObjectMeta, api_version: &str, kind: &str) -> bool {
    r.api_version == api_version && r.kind == kind && Some(&r.name) == meta.name.as_ref()
}

fn uid(meta: &ObjectMeta) -> &str {
    meta.uid.as_deref().unwrap_or("")
}

/// `hasStaleOwnerRef`: a reference to this object's name and kind with another UID.
pub fn has_stale_owner_ref(
    claim: &ObjectMeta,
    owner: &ObjectMeta,
    api_version: &str,
    kind: &str,
) -> bool {
    claim
        .owner_references
        .iter()
        .flatten()
        .find(|r| matches_ref(r, owner, api_version, kind))
        .is_some_and(|r| r.uid != uid(owner))
}

fn has_owner_ref(claim: &ObjectMeta, owner: &ObjectMeta) -> bool {
    claim
        .owner_references
        .iter()
        .flatten()
        .any(|r| r.uid == uid(owner))
}

/// `hasUnexpectedController`: with a deleting policy, a controller that is neither this
/// set nor this pod (or a reference to them with a wrong UID).
fn has_unexpected_controller(claim: &ObjectMeta, set: &StatefulSet, pod: &Pod) -> bool {
    if retention(set) == ("Retain".to_string(), "Retain".to_string()) {
        return false;
    }
    for r in claim.owner_references.iter().flatten() {
        if matches_ref(r, &set.metadata, "apps/v1", "StatefulSet") {
            if r.uid != uid(&set.metadata) {
                return true;
            }
            continue;
        }
        if matches_ref(r, &pod.metadata, "v1", "Pod") {
            if r.uid != uid(&pod.metadata) {
                return true;
            }
            continue;
        }
        if r.controller == Some(true) {
            return true;
        }
    }
    false
}

/// `hasNonControllerOwner`.
fn has_non_controller_owner(claim: &ObjectMeta, set: &StatefulSet, pod: &Pod) -> bool {
    claim.owner_references.iter().flatten().any(|r| {
        (r.uid == uid(&set.metadata) || r.uid == uid(&pod.metadata)) && r.controller != Some(true)
    })
}

/// `isClaimOwnerUpToDate`: whether the claim's owners fit the retention policy — none for
/// Retain/Retain, the set for `whenDeleted: Delete`, the pod once scaled away for
/// `whenScaled: Delete`.
pub fn claim_owner_up_to_date(claim: &ObjectMeta, set: &StatefulSet, pod: &Pod) -> bool {
    if has_stale_owner_ref(claim, &set.metadata, "apps/v1", "StatefulSet")
        || has_stale_owner_ref(claim, &pod.metadata, "v1", "Pod")
    {
        return true;
    }
    if has_unexpected_controller(claim, set, pod) {
        return !(has_owner_ref(claim, &set.metadata) || has_owner_ref(claim, &pod.metadata));
    }
    if has_non_controller_owner(claim, set, pod) {
        return false;
    }
    let (deleted, scaled) = retention(set);
    let set_ref = has_owner_ref(claim, &set.metadata);
    let pod_ref = has_owner_ref(claim, &pod.metadata);
    let scaled_down = !in_ordinal_range(pod, set);
    match (deleted.as_str(), scaled.as_str()) {
        ("Delete", "Retain") => set_ref && !pod_ref,
        ("Retain", "Delete") => !set_ref && scaled_down == pod_ref,
        ("Delete", "Delete") => scaled_down != set_ref && scaled_down == pod_ref,
        _ => !set_ref && !pod_ref,
    }
}

/// `updateClaimOwnerRefForSetAndPod`: rewrites the claim's references to this set and pod
/// as the policy wants them.
pub fn update_claim_owner_refs(claim: &mut ObjectMeta, set: &StatefulSet, pod: &Pod) {
    let unexpected = has_unexpected_controller(claim, set, pod);
    let mut refs: Vec<OwnerReference> = claim
        .owner_references
        .take()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| {
            !matches_ref(r, &set.metadata, "apps/v1", "StatefulSet")
                && !matches_ref(r, &pod.metadata, "v1", "Pod")
        })
        .collect();
    if !unexpected {
        let (deleted, scaled) = retention(set);
        let scaled_down = !in_ordinal_range(pod, set);
        let want_set = deleted == "Delete" && (scaled != "Delete" || !scaled_down);
        let want_pod = scaled == "Delete" && scaled_down;
        if want_set {
            refs.push(refs::new_controller_ref(
                &set.metadata,
                "apps/v1",
                "StatefulSet",
            ));
        }
        if want_pod {
            refs.push(refs::new_controller_ref(&pod.metadata, "v1", "Pod"));
        }
    }
    claim.owner_references = (!refs.is_empty()).then_some(refs);
}
