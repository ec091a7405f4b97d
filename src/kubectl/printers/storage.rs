//! Rows for PersistentVolumeClaim and PersistentVolume, ported from
//! upstream's `printPersistentVolumeClaim` and `printPersistentVolume`.
//!
//! Quantities print as stored: the API server is expected to keep them in
//! canonical form (`1Gi`), which is what Go's `Quantity.String()` prints.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::duration::translate_timestamp_since;

/// The legacy annotation that overrides `storageClassName`.
const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

/// All cells of a PVC's row: NAME, STATUS, VOLUME, CAPACITY, ACCESS MODES,
/// STORAGECLASS, VOLUMEATTRIBUTESCLASS, AGE and the wide VOLUMEMODE.
/// CAPACITY and ACCESS MODES stay empty until the claim is bound.
pub fn persistent_volume_claim_row(pvc: &PersistentVolumeClaim, now: DateTime<Utc>) -> Vec<String> {
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    let phase = if pvc.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        status.phase.clone().unwrap_or_default()
    };
    let volume_name = spec.volume_name.clone().unwrap_or_default();
    let (capacity, access_modes) = if volume_name.is_empty() {
        (String::new(), String::new())
    } else {
        (
            storage_quantity(status.capacity.as_ref()),
            access_modes_string(status.access_modes.as_deref().unwrap_or(&[])),
        )
    };
    let class = match storage_class_annotation(
        pvc.metadata.annotations.as_ref(),
        BETA_STORAGE_CLASS_ANNOTATION,
    ) {
        Some(class) => class,
        None => spec.storage_class_name.clone().unwrap_or_default(),
    };
    vec![
        pvc.metadata.name.clone().unwrap_or_default(),
        phase,
        volume_name,
        capacity,
        access_modes,
        class,
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".to_string()),
        translate_timestamp_since(pvc.metadata.creation_timestamp.as_ref(), now),
        spec.volume_mode
            .clone()
            .unwrap_or_else(|| "<unset>".to_string()),
    ]
}

/// All cells of a PV's row: NAME, CAPACITY, ACCESS MODES, RECLAIM POLICY,
/// STATUS, CLAIM (`namespace/name`), STORAGECLASS, VOLUMEATTRIBUTESCLASS,
/// REASON, AGE and the wide VOLUMEMODE.
pub fn persistent_volume_row(pv: &PersistentVolume, now: DateTime<Utc>) -> Vec<String> {
    let spec = pv.spec.clone().unwrap_or_default();
    let status = pv.status.clone().unwrap_or_default();
    let claim = spec
        .claim_ref
        .as_ref()
        .map(|r| {
            format!(
                "{}/{}",
                r.namespace.as_deref().unwrap_or(""),
                r.name.as_deref().unwrap_or("")
            )
        })
        .unwrap_or_default();
    let phase = if pv.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else {
        status.phase.clone().unwrap_or_default()
    };
    let class = match storage_class_annotation(
        pv.metadata.annotations.as_ref(),
        BETA_STORAGE_CLASS_ANNOTATION,
    ) {
        Some(class) => class,
        None => spec.storage_class_name.clone().unwrap_or_default(),
    };
    vec![
        pv.metadata.name.clone().unwrap_or_default(),
        storage_quantity(spec.capacity.as_ref()),
        access_modes_string(spec.access_modes.as_deref().unwrap_or(&[])),
        spec.persistent_volume_reclaim_policy
            .clone()
            .unwrap_or_default(),
        phase,
        claim,
        class,
        spec.volume_attributes_class_name
            .clone()
            .unwrap_or_else(|| "<unset>".to_string()),
        status.reason.clone().unwrap_or_default(),
        translate_timestamp_since(pv.metadata.creation_timestamp.as_ref(), now),
        spec.volume_mode
            .clone()
            .unwrap_or_else(|| "<unset>".to_string()),
    ]
}

/// The `storage` entry of a resource list, or Go's zero quantity `0`.
fn storage_quantity(resources: Option<&BTreeMap<String, Quantity>>) -> String {
    resources
        .and_then(|r| r.get("storage"))
        .map_or_else(|| "0".to_string(), |q| q.0.clone())
}

/// `helper.GetAccessModesAsString`: the abbreviations in a fixed order,
/// duplicates dropped.
fn access_modes_string(modes: &[String]) -> String {
    let has = |mode: &str| modes.iter().any(|m| m == mode);
    let mut out: Vec<&str> = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

/// The value of annotation `key`, which takes precedence over the spec's
/// storage class name when present (even when empty).
fn storage_class_annotation(
    annotations: Option<&BTreeMap<String, String>>,
    key: &str,
) -> Option<String> {
    annotations.and_then(|a| a.get(key)).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn now() -> DateTime<Utc> {
        match DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z") {
            Ok(t) => t.with_timezone(&Utc),
            Err(e) => panic!("bad test time: {e}"),
        }
    }

    /// Mirrors upstream `TestPrintPersistentVolumeClaim`: capacity and access
    /// modes only once bound; `<unset>` attributes class and volume mode.
    #[test]
    fn pvc_rows() {
        let pvc: Result<PersistentVolumeClaim, _> = serde_json::from_value(json!({
            "metadata": {"name": "test1"},
            "spec": {"volumeName": "my-volume", "volumeMode": "Filesystem"},
            "status": {"phase": "Bound", "accessModes": ["ReadOnlyMany"], "capacity": {"storage": "4Gi"}}}));
        let Ok(pvc) = pvc else { panic!("bad test pvc") };
        let want = [
            "test1",
            "Bound",
            "my-volume",
            "4Gi",
            "ROX",
            "",
            "<unset>",
            "<unknown>",
            "Filesystem",
        ];
        assert_eq!(
            persistent_volume_claim_row(&pvc, now()),
            want.map(String::from).to_vec()
        );
        let pvc: Result<PersistentVolumeClaim, _> = serde_json::from_value(json!({
            "metadata": {"name": "test2"}, "spec": {"storageClassName": "standard"}, "status": {"phase": "Pending"}}));
        let Ok(pvc) = pvc else { panic!("bad test pvc") };
        let want = [
            "test2",
            "Pending",
            "",
            "",
            "",
            "standard",
            "<unset>",
            "<unknown>",
            "<unset>",
        ];
        assert_eq!(
            persistent_volume_claim_row(&pvc, now()),
            want.map(String::from).to_vec()
        );
    }

    /// Mirrors upstream `TestPrintPersistentVolume`'s bound volume, plus
    /// Terminating for a deleted one.
    #[test]
    fn pv_rows() {
        let pv: Result<PersistentVolume, _> = serde_json::from_value(json!({
            "metadata": {"name": "test1"},
            "spec": {"claimRef": {"namespace": "default", "name": "test"}, "accessModes": ["ReadOnlyMany", "ReadWriteOnce", "ReadOnlyMany"],
                     "capacity": {"storage": "4Gi"}, "persistentVolumeReclaimPolicy": "Delete"},
            "status": {"phase": "Bound"}}));
        let Ok(mut pv) = pv else {
            panic!("bad test pv")
        };
        let want = [
            "test1",
            "4Gi",
            "RWO,ROX",
            "Delete",
            "Bound",
            "default/test",
            "",
            "<unset>",
            "",
            "<unknown>",
            "<unset>",
        ];
        assert_eq!(
            persistent_volume_row(&pv, now()),
            want.map(String::from).to_vec()
        );
        pv.metadata.deletion_timestamp =
            Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(now()));
        assert_eq!(persistent_volume_row(&pv, now())[4], "Terminating");
    }
}
