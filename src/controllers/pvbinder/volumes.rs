//! Matching claims to volumes and making new ones (upstream `findMatchingVolume`'s
//! checks in `pkg/controller/volume/persistentvolume/index.go`, and what a provisioner
//! creates for a claim).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    HostPathVolumeSource, ObjectReference, PersistentVolume, PersistentVolumeClaim,
    PersistentVolumeSpec,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{DEFAULT_CLASS, PROVISIONER, VOLUME_ROOT};
use crate::model::quantity::Quantity;
use crate::model::selector::LabelSelector;

pub fn storage_request(pvc: &PersistentVolumeClaim) -> Option<K8sQuantity> {
    pvc.spec
        .as_ref()?
        .resources
        .as_ref()?
        .requests
        .as_ref()?
        .get("storage")
        .cloned()
}

pub fn bytes(q: &K8sQuantity) -> i64 {
    Quantity::from_k8s(q).map(|q| q.value()).unwrap_or(0)
}

pub fn phase_of_pv(pv: &PersistentVolume) -> &str {
    pv.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// Whether an Available volume can serve a claim (upstream `findMatchingVolume`'s checks).
pub fn volume_fits(pv: &PersistentVolume, pvc: &PersistentVolumeClaim) -> bool {
    let Some(vs) = pv.spec.as_ref() else {
        return false;
    };
    let cs = pvc.spec.clone().unwrap_or_default();
    if let Some(r) = &vs.claim_ref {
        if r.name != pvc.metadata.name || r.namespace != pvc.metadata.namespace {
            return false;
        }
    } else if phase_of_pv(pv) != "Available" {
        return false;
    }
    let class = |c: &Option<String>| c.clone().unwrap_or_default();
    if class(&vs.storage_class_name) != class(&cs.storage_class_name) {
        return false;
    }
    let modes = vs.access_modes.clone().unwrap_or_default();
    if !cs.access_modes.iter().flatten().all(|m| modes.contains(m)) {
        return false;
    }
    let mode = |m: &Option<String>| m.clone().unwrap_or_else(|| "Filesystem".into());
    if mode(&vs.volume_mode) != mode(&cs.volume_mode) {
        return false;
    }
    let have = vs
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map(bytes)
        .unwrap_or(0);
    if storage_request(pvc).map(|q| bytes(&q)).unwrap_or(0) > have {
        return false;
    }
    match &cs.selector {
        None => true,
        Some(sel) => LabelSelector::from_label_selector(sel)
            .is_ok_and(|s| s.matches(&pv.metadata.labels.clone().unwrap_or_default())),
    }
}

pub fn claim_ref(pvc: &PersistentVolumeClaim) -> ObjectReference {
    ObjectReference {
        api_version: Some("v1".into()),
        kind: Some("PersistentVolumeClaim".into()),
        name: pvc.metadata.name.clone(),
        namespace: pvc.metadata.namespace.clone(),
        uid: pvc.metadata.uid.clone(),
        resource_version: pvc.metadata.resource_version.clone(),
        field_path: None,
    }
}

/// The volume the provisioner makes for a claim.
pub fn provisioned_volume(pvc: &PersistentVolumeClaim) -> PersistentVolume {
    let uid = pvc.metadata.uid.clone().unwrap_or_default();
    let name = format!("pvc-{uid}");
    let cs = pvc.spec.clone().unwrap_or_default();
    let size = storage_request(pvc).unwrap_or_else(|| K8sQuantity("1Gi".into()));
    PersistentVolume {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            annotations: Some(BTreeMap::from([(
                "pv.kubernetes.io/provisioned-by".to_string(),
                PROVISIONER.to_string(),
            )])),
            ..Default::default()
        },
        spec: Some(PersistentVolumeSpec {
            access_modes: cs.access_modes.clone(),
            capacity: Some(BTreeMap::from([("storage".to_string(), size)])),
            claim_ref: Some(claim_ref(pvc)),
            host_path: Some(HostPathVolumeSource {
                path: format!("{VOLUME_ROOT}/{name}"),
                type_: Some("DirectoryOrCreate".into()),
            }),
            persistent_volume_reclaim_policy: Some("Delete".into()),
            storage_class_name: Some(DEFAULT_CLASS.into()),
            volume_mode: cs.volume_mode.clone(),
            ..Default::default()
        }),
        status: None,
    }
}
