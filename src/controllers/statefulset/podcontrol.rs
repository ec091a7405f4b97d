//! The StatefulSet controller's writes to pods and claims (upstream
//! `stateful_pod_control.go`, v1.32), each followed by the event upstream records:
//! `create Pod web-0 in StatefulSet web successful`,
//! `create Claim www-web-0 Pod web-0 in StatefulSet web success`,
//! `delete Pod web-2 in StatefulSet web successful`, or the `Failed...` variants.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::{PersistentVolumeClaim, Pod};

use super::utils;
use crate::apiserver::{ApiError, DeleteOptions, Subresource};
use crate::client::events::EventType;
use crate::controllers::history::pods;
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};

/// The controller's name and event source.
pub const NAME: &str = "statefulset-controller";

fn title(verb: &str) -> String {
    let mut c = verb.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// `recordPodEvent`.
pub fn record_pod_event(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    verb: &str,
    pod: &str,
    err: Option<&str>,
) {
    let set_name = set.metadata.name.as_deref().unwrap_or("");
    let (event_type, reason, message) = match err {
        None => (
            EventType::Normal,
            format!("Successful{}", title(verb)),
            format!("{verb} Pod {pod} in StatefulSet {set_name} successful"),
        ),
        Some(e) => (
            EventType::Warning,
            format!("Failed{}", title(verb)),
            format!("{verb} Pod {pod} in StatefulSet {set_name} failed error: {e}"),
        ),
    };
    let obj = Object::StatefulSet(set.clone());
    pods::record(rc, &obj, event_type, &reason, &message, NAME);
}

/// `recordClaimEvent`.
fn record_claim_event(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    verb: &str,
    claim: &str,
    pod: &str,
    err: Option<&str>,
) {
    let set_name = set.metadata.name.as_deref().unwrap_or("");
    let (event_type, reason, message) = match err {
        None => (
            EventType::Normal,
            format!("Successful{}", title(verb)),
            format!("{verb} Claim {claim} Pod {pod} in StatefulSet {set_name} success"),
        ),
        Some(e) => (
            EventType::Warning,
            format!("Failed{}", title(verb)),
            format!(
                "{verb} Claim {claim} for Pod {pod} in StatefulSet {set_name} failed error: {e}"
            ),
        ),
    };
    let obj = Object::StatefulSet(set.clone());
    pods::record(rc, &obj, event_type, &reason, &message, NAME);
}

fn pod_name(pod: &Pod) -> String {
    pod.metadata.name.clone().unwrap_or_default()
}

/// Joins errors as `utilerrors.NewAggregate` prints them: one as is, several as `[a, b]`.
fn aggregate(errs: Vec<String>) -> Result<(), ApiError> {
    match errs.len() {
        0 => Ok(()),
        1 => Err(ApiError::Internal {
            message: errs[0].clone(),
        }),
        _ => Err(ApiError::Internal {
            message: format!("[{}]", errs.join(", ")),
        }),
    }
}

fn get_claim(rc: &ReconcileCtx, ns: &str, name: &str) -> Option<PersistentVolumeClaim> {
    match rc
        .api
        .try_get(Kind::PersistentVolumeClaim, ns, name)
        .as_deref()
    {
        Some(Object::PersistentVolumeClaim(c)) => Some(c.clone()),
        _ => None,
    }
}

/// `createPersistentVolumeClaims`: creates each missing claim of the pod; a claim being
/// deleted is an error (the pod must wait for it to go).
pub fn create_claims(rc: &mut ReconcileCtx, set: &StatefulSet, pod: &Pod) -> Result<(), ApiError> {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let mut errs = Vec::new();
    for (_, claim) in utils::claims_for(set, utils::ordinal(pod)) {
        let name = claim.metadata.name.clone().unwrap_or_default();
        match get_claim(rc, &ns, &name) {
            None => match rc.create(Object::PersistentVolumeClaim(claim)) {
                Ok(_) => record_claim_event(rc, set, "create", &name, &pod_name(pod), None),
                Err(e) => {
                    let already = matches!(e, ApiError::AlreadyExists { .. });
                    errs.push(format!("failed to create PVC {name}: {e}"));
                    if !already {
                        let text = e.to_string();
                        record_claim_event(rc, set, "create", &name, &pod_name(pod), Some(&text));
                    }
                }
            },
            Some(existing) if existing.metadata.deletion_timestamp.is_some() => {
                errs.push(format!("pvc {name} is being deleted"));
            }
            Some(_) => {}
        }
    }
    aggregate(errs)
}

/// `CreateStatefulPod`: the claims first, then the pod, then the claims' owners.
pub fn create_pod(rc: &mut ReconcileCtx, set: &StatefulSet, pod: &Pod) -> Result<(), ApiError> {
    if let Err(e) = create_claims(rc, set, pod) {
        record_pod_event(rc, set, "create", &pod_name(pod), Some(&e.to_string()));
        return Err(e);
    }
    match rc.create(Object::Pod(pod.clone())) {
        Err(e @ ApiError::AlreadyExists { .. }) => Err(e),
        Err(e) => {
            record_pod_event(rc, set, "create", &pod_name(pod), Some(&e.to_string()));
            Err(e)
        }
        Ok(_) => {
            if let Err(e) = update_claims_for_retention(rc, set, pod) {
                record_pod_event(rc, set, "update", &pod_name(pod), Some(&e.to_string()));
                return Err(e);
            }
            record_pod_event(rc, set, "create", &pod_name(pod), None);
            Ok(())
        }
    }
}

/// `UpdateStatefulPod`: restores the pod's identity and storage and its claims' owners,
/// writing only if something changed.
pub fn update_pod(rc: &mut ReconcileCtx, set: &StatefulSet, pod: &Pod) -> Result<(), ApiError> {
    let mut pod = pod.clone();
    let mut consistent = true;
    if !utils::identity_matches(set, &pod) {
        utils::update_identity(set, &mut pod);
        consistent = false;
    }
    if !utils::storage_matches(set, &pod) {
        utils::update_storage(set, &mut pod);
        consistent = false;
        if let Err(e) = create_claims(rc, set, &pod) {
            record_pod_event(rc, set, "update", &pod_name(&pod), Some(&e.to_string()));
            return Err(e);
        }
    }
    if !claims_match_retention(rc, set, &pod) {
        if let Err(e) = update_claims_for_retention(rc, set, &pod) {
            record_pod_event(rc, set, "update", &pod_name(&pod), Some(&e.to_string()));
            return Err(e);
        }
        consistent = false;
    }
    if consistent {
        return Ok(());
    }
    let result = rc
        .update(Object::Pod(pod.clone()), Subresource::Main)
        .map(|_| ());
    let text = result.as_ref().err().map(|e| e.to_string());
    record_pod_event(rc, set, "update", &pod_name(&pod), text.as_deref());
    result
}

/// `DeleteStatefulPod`.
pub fn delete_pod(rc: &mut ReconcileCtx, set: &StatefulSet, pod: &Pod) -> Result<(), ApiError> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let result = rc
        .delete(Kind::Pod, &ns, &pod_name(pod), &DeleteOptions::default())
        .map(|_| ());
    let text = result.as_ref().err().map(|e| e.to_string());
    record_pod_event(rc, set, "delete", &pod_name(pod), text.as_deref());
    result
}

/// `ClaimsMatchRetentionPolicy`: every existing claim of the pod has the owners the
/// policy wants (missing claims are picked up later).
pub fn claims_match_retention(rc: &ReconcileCtx, set: &StatefulSet, pod: &Pod) -> bool {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    utils::claims_for(set, utils::ordinal(pod))
        .iter()
        .all(|(_, c)| {
            let name = c.metadata.name.clone().unwrap_or_default();
            get_claim(rc, &ns, &name)
                .is_none_or(|claim| utils::claim_owner_up_to_date(&claim.metadata, set, pod))
        })
}

/// `UpdatePodClaimForRetentionPolicy`: rewrites the owners of the pod's claims.
pub fn update_claims_for_retention(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    pod: &Pod,
) -> Result<(), ApiError> {
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    for (_, c) in utils::claims_for(set, utils::ordinal(pod)) {
        let name = c.metadata.name.clone().unwrap_or_default();
        let Some(mut claim) = get_claim(rc, &ns, &name) else {
            continue;
        };
        if utils::claim_owner_up_to_date(&claim.metadata, set, pod) {
            continue;
        }
        utils::update_claim_owner_refs(&mut claim.metadata, set, pod);
        rc.update(Object::PersistentVolumeClaim(claim), Subresource::Main)
            .map_err(|e| ApiError::Internal {
                message: format!("could not update claim {name} for delete policy ownerRefs: {e}"),
            })?;
    }
    Ok(())
}

/// `PodClaimIsStale`: with `whenScaled: Delete`, a claim still owned by an earlier pod of
/// the same name must be garbage collected before the pod is recreated.
pub fn pod_claim_is_stale(rc: &ReconcileCtx, set: &StatefulSet, pod: &Pod) -> bool {
    if utils::retention(set).1 == "Retain" {
        return false;
    }
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    utils::claims_for(set, utils::ordinal(pod))
        .iter()
        .any(|(_, c)| {
            let name = c.metadata.name.clone().unwrap_or_default();
            get_claim(rc, &ns, &name).is_some_and(|claim| {
                utils::has_stale_owner_ref(&claim.metadata, &pod.metadata, "v1", "Pod")
            })
        })
}
