//! Which ReplicaSets and pods belong to a Deployment: upstream's
//! `ReplicaSetControllerRefManager.ClaimReplicaSets` (adopt orphans the selector matches,
//! release owned ReplicaSets it no longer matches), `getPodMapForDeployment`, and the
//! event-handler lookups that map a ReplicaSet or pod event to its Deployment.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

use super::client::patch_rs;
use super::util::{controller_of, uid};
use crate::apiserver::{ApiError, ApiServer, ListOptions};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The Deployment's selector as a `labels.Selector`.
pub fn selector_of(d: &Deployment) -> Result<LabelSelector, String> {
    LabelSelector::from_optional_label_selector(d.spec.as_ref().map(|s| &s.selector))
}

fn labels_of(
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) -> BTreeMap<String, String> {
    meta.labels.clone().unwrap_or_default()
}

/// Upstream `getReplicaSetsForDeployment`: every ReplicaSet in the namespace goes through
/// `ClaimObject`. Owned and matching: kept. Owned but no longer matching: released (unless
/// the Deployment is being deleted). Orphaned and matching: adopted (unless either side is
/// being deleted). Owned by someone else: ignored.
pub fn claim_replica_sets(
    rc: &mut ReconcileCtx,
    d: &Deployment,
) -> Result<Vec<ReplicaSet>, ApiError> {
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let selector = selector_of(d).map_err(|e| ApiError::Internal {
        message: format!(
            "deployment {}/{} has invalid label selector: {e}",
            namespace,
            d.metadata.name.as_deref().unwrap_or("")
        ),
    })?;
    let all = rc
        .api
        .list(Kind::ReplicaSet, Some(&namespace), &ListOptions::default())?;
    let d_uid = uid(&d.metadata).to_string();
    let d_deleting = d.metadata.deletion_timestamp.is_some();
    let mut claimed = Vec::new();
    let mut first_error = None;
    for obj in all {
        let Object::ReplicaSet(rs) = &*obj else {
            continue;
        };
        let matches = selector.matches(&labels_of(&rs.metadata));
        let rs_uid = uid(&rs.metadata).to_string();
        let name = rs.metadata.name.clone().unwrap_or_default();
        if let Some(owner) = controller_of(&rs.metadata) {
            if owner.uid != d_uid {
                continue;
            }
            if matches {
                claimed.push(rs.clone());
                continue;
            }
            if d_deleting {
                continue;
            }
            let body = json!({"metadata": {
                "ownerReferences": [{"$patch": "delete", "uid": d_uid}],
                "uid": rs_uid,
            }});
            // Upstream ignores NotFound and Invalid when releasing.
            match patch_rs(rc, &namespace, &name, &body) {
                Ok(()) | Err(ApiError::NotFound { .. }) | Err(ApiError::Invalid { .. }) => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
            continue;
        }
        if d_deleting || !matches || rs.metadata.deletion_timestamp.is_some() {
            continue;
        }
        // RecheckDeletionTimestamp: a fresh read of the Deployment before adopting.
        let fresh = rc.api.try_get(
            Kind::Deployment,
            &namespace,
            d.metadata.name.as_deref().unwrap_or(""),
        );
        let can_adopt = match fresh.as_deref() {
            Some(Object::Deployment(f)) => {
                uid(&f.metadata) == d_uid && f.metadata.deletion_timestamp.is_none()
            }
            _ => false,
        };
        if !can_adopt {
            first_error.get_or_insert(ApiError::Internal {
                message: format!("can't adopt ReplicaSet {namespace}/{name} ({rs_uid})"),
            });
            continue;
        }
        let body = json!({"metadata": {
            "ownerReferences": [{
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "name": d.metadata.name,
                "uid": d_uid,
                "controller": true,
                "blockOwnerDeletion": true,
            }],
            "uid": rs_uid,
        }});
        match patch_rs(rc, &namespace, &name, &body) {
            Ok(()) => {
                // Upstream keeps working with the listed copy; read ours back so the
                // ownerReference is there for later writes.
                match rc
                    .api
                    .try_get(Kind::ReplicaSet, &namespace, &name)
                    .as_deref()
                {
                    Some(Object::ReplicaSet(adopted)) => claimed.push(adopted.clone()),
                    _ => claimed.push(rs.clone()),
                }
            }
            Err(ApiError::NotFound { .. }) => {}
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

/// Upstream `getPodMapForDeployment`: the pods the selector matches, grouped by the UID of
/// the claimed ReplicaSet that controls them (every claimed ReplicaSet has an entry).
pub fn pod_map(
    api: &ApiServer,
    d: &Deployment,
    rs_list: &[ReplicaSet],
) -> Result<BTreeMap<String, Vec<Pod>>, ApiError> {
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let selector = selector_of(d).map_err(|message| ApiError::Internal { message })?;
    let mut map: BTreeMap<String, Vec<Pod>> = rs_list
        .iter()
        .map(|rs| (uid(&rs.metadata).to_string(), Vec::new()))
        .collect();
    let opts = ListOptions {
        label_selector: Some(selector),
        field_selector: None,
    };
    for obj in api.list(Kind::Pod, Some(&namespace), &opts)? {
        let Object::Pod(pod) = &*obj else {
            continue;
        };
        let Some(owner) = controller_of(&pod.metadata) else {
            continue;
        };
        if let Some(pods) = map.get_mut(&owner.uid) {
            pods.push(pod.clone());
        }
    }
    Ok(map)
}

/// Upstream `resolveControllerRef`: the Deployment a controller reference names, if it is
/// a Deployment and its UID still matches.
pub fn resolve_controller_ref(
    api: &ApiServer,
    namespace: &str,
    owner: &k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference,
) -> Option<Deployment> {
    if owner.kind != "Deployment" {
        return None;
    }
    match api
        .try_get(Kind::Deployment, namespace, &owner.name)
        .as_deref()
    {
        Some(Object::Deployment(d)) if uid(&d.metadata) == owner.uid => Some(d.clone()),
        _ => None,
    }
}

/// Upstream `GetDeploymentsForReplicaSet`: Deployments in the ReplicaSet's namespace whose
/// (non-empty) selector matches its labels.
pub fn deployments_for_replica_set(api: &ApiServer, rs: &ReplicaSet) -> Vec<Deployment> {
    let namespace = rs.metadata.namespace.clone().unwrap_or_default();
    let labels = labels_of(&rs.metadata);
    let Ok(list) = api.list(Kind::Deployment, Some(&namespace), &ListOptions::default()) else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|o| match &**o {
            Object::Deployment(d) => Some(d),
            _ => None,
        })
        .filter(|d| match selector_of(d) {
            Ok(sel) => !sel.is_empty() && sel.matches(&labels),
            Err(_) => false,
        })
        .cloned()
        .collect()
}
