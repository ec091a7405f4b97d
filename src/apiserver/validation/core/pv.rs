//! PersistentVolume validation (`ValidatePersistentVolume`,
//! `ValidatePersistentVolumeUpdate`): access modes, a storage-only capacity, reclaim
//! policy, exactly one volume source (fixed after creation), local volumes needing node
//! affinity, class and volume-mode names.

use k8s_openapi::api::core::v1::PersistentVolume;
use serde_json::Value;

use super::storage::{validate_access_modes, validate_class_name};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{forbidden, invalid, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::validate_object_meta_core;
use crate::apiserver::validation::names::name_is_dns_subdomain;
use crate::apiserver::validation::quantity;

/// The volume-source fields of a PV spec, in upstream's checking order.
fn pv_sources(pv: &k8s_openapi::api::core::v1::PersistentVolumeSpec) -> Vec<&'static str> {
    [
        (pv.host_path.is_some(), "hostPath"),
        (pv.gce_persistent_disk.is_some(), "gcePersistentDisk"),
        (pv.aws_elastic_block_store.is_some(), "awsElasticBlockStore"),
        (pv.glusterfs.is_some(), "glusterfs"),
        (pv.flocker.is_some(), "flocker"),
        (pv.nfs.is_some(), "nfs"),
        (pv.rbd.is_some(), "rbd"),
        (pv.quobyte.is_some(), "quobyte"),
        (pv.cephfs.is_some(), "cephFS"),
        (pv.iscsi.is_some(), "iscsi"),
        (pv.cinder.is_some(), "cinder"),
        (pv.fc.is_some(), "fc"),
        (pv.flex_volume.is_some(), "flexVolume"),
        (pv.azure_file.is_some(), "azureFile"),
        (pv.vsphere_volume.is_some(), "vsphereVolume"),
        (pv.photon_persistent_disk.is_some(), "photonPersistentDisk"),
        (pv.portworx_volume.is_some(), "portworxVolume"),
        (pv.azure_disk.is_some(), "azureDisk"),
        (pv.scale_io.is_some(), "scaleIO"),
        (pv.local.is_some(), "local"),
        (pv.storageos.is_some(), "storageos"),
        (pv.csi.is_some(), "csi"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, n)| *n)
    .collect()
}

/// `ValidatePersistentVolume`.
pub fn validate_pv(pv: &PersistentVolume) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &pv.metadata,
        false,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    let spec = pv.spec.clone().unwrap_or_default();
    let p = Path::new("spec");
    let modes = spec.access_modes.as_deref().unwrap_or_default();
    if modes.is_empty() {
        errs.push(required(&p.child("accessModes"), ""));
    }
    errs.extend(validate_access_modes(modes, &p.child("accessModes")));
    let capacity = spec.capacity.clone().unwrap_or_default();
    if capacity.is_empty() {
        errs.push(required(&p.child("capacity"), ""));
    }
    if !capacity.contains_key("storage") || capacity.len() > 1 {
        let items: Vec<String> = capacity
            .iter()
            .map(|(k, v)| format!("{}:{}", q(k), quantity::canonical(&v.0)))
            .collect();
        errs.push(not_supported(
            &p.child("capacity"),
            format!("core.ResourceList{{{}}}", items.join(", ")),
            &["storage"],
        ));
    }
    for (k, v) in &capacity {
        let kp = p.child("capacity").key(k);
        if let Some(qty) = quantity::parse(&v.0) {
            if qty.value() < 0 {
                errs.push(invalid(
                    &kp,
                    qty.value().to_string(),
                    "must be a valid resource quantity",
                ));
            }
            if qty.nano <= 0 {
                errs.push(invalid(
                    &kp,
                    q(&qty.canonical()),
                    "must be greater than zero",
                ));
            }
        }
    }
    if let Some(policy) = spec
        .persistent_volume_reclaim_policy
        .as_deref()
        .filter(|p| !p.is_empty())
    {
        if !["Delete", "Recycle", "Retain"].contains(&policy) {
            errs.push(not_supported(
                &p.child("persistentVolumeReclaimPolicy"),
                q(policy),
                &["Delete", "Recycle", "Retain"],
            ));
        }
    }
    let sources = pv_sources(&spec);
    match sources.first() {
        None => errs.push(required(&p, "must specify a volume type")),
        Some(&"hostPath") => {
            if spec.host_path.as_ref().is_some_and(|h| h.path.is_empty()) {
                errs.push(required(&p.child("hostPath").child("path"), ""));
            }
        }
        Some(&"local") => {
            if spec.local.as_ref().is_some_and(|l| l.path.is_empty()) {
                errs.push(required(&p.child("local").child("path"), ""));
            }
            if spec.node_affinity.is_none() {
                errs.push(required(
                    &p.child("nodeAffinity"),
                    "Local volume requires node affinity",
                ));
            }
        }
        Some(_) => {}
    }
    for extra in sources.iter().skip(1) {
        errs.push(forbidden(
            &p.child(extra),
            "may not specify more than 1 volume type",
        ));
    }
    errs.extend(validate_class_name(
        spec.storage_class_name.as_ref(),
        &p.child("storageClassName"),
    ));
    if let Some(m) = spec
        .volume_mode
        .as_deref()
        .filter(|m| *m != "Block" && *m != "Filesystem")
    {
        errs.push(not_supported(
            &p.child("volumeMode"),
            q(m),
            &["Block", "Filesystem"],
        ));
    }
    errs
}

/// `ValidatePersistentVolumeUpdate`: the volume source is fixed after creation.
pub fn validate_pv_update(new: &PersistentVolume, old: &PersistentVolume) -> Vec<FieldError> {
    let mut errs = validate_pv(new);
    let source = |pv: &PersistentVolume| {
        let mut v =
            serde_json::to_value(pv.spec.clone().unwrap_or_default()).unwrap_or(Value::Null);
        if let Value::Object(m) = &mut v {
            for k in [
                "accessModes",
                "capacity",
                "claimRef",
                "mountOptions",
                "nodeAffinity",
                "persistentVolumeReclaimPolicy",
                "storageClassName",
                "volumeAttributesClassName",
                "volumeMode",
            ] {
                m.remove(k);
            }
        }
        v
    };
    if source(new) != source(old) {
        errs.push(forbidden(
            &Path::new("spec").child("persistentvolumesource"),
            "spec.persistentvolumesource is immutable after creation\n",
        ));
    }
    let (nm, om) = (
        new.spec.as_ref().and_then(|s| s.volume_mode.clone()),
        old.spec.as_ref().and_then(|s| s.volume_mode.clone()),
    );
    if nm != om {
        errs.push(invalid(
            &Path::new("volumeMode"),
            gofmt::opt_str(nm.as_ref()),
            "field is immutable",
        ));
    }
    errs
}
