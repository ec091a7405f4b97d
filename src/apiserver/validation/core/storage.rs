//! PersistentVolumeClaim and PersistentVolume validation (`ValidatePersistentVolumeClaim`,
//! `ValidatePersistentVolumeClaimSpec`, `ValidatePersistentVolume`, and their updates):
//! access modes, storage requests, class and volume-mode names, data sources, exactly one
//! volume source for PVs, and the spec immutability of claims.

use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimSpec, PersistentVolumeClaimTemplate,
};
use serde_json::Value;

use super::resources::validate_quantity_value;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{forbidden, invalid, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::{
    validate_annotations, validate_label_selector, validate_labels, validate_object_meta_core,
};
use crate::apiserver::validation::names::{is_dns1123_subdomain, name_is_dns_subdomain};
use crate::apiserver::validation::quantity;

const ACCESS_MODES: &[&str] = &[
    "ReadOnlyMany",
    "ReadWriteMany",
    "ReadWriteOnce",
    "ReadWriteOncePod",
];

/// Known access modes, and `ReadWriteOncePod` only on its own.
pub fn validate_access_modes(modes: &[String], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (mut rwop, mut other) = (false, false);
    for m in modes {
        if !ACCESS_MODES.contains(&m.as_str()) {
            errs.push(not_supported(p, q(m), ACCESS_MODES));
        }
        if m == "ReadWriteOncePod" {
            rwop = true;
        } else if ACCESS_MODES.contains(&m.as_str()) {
            other = true;
        }
    }
    if rwop && other {
        errs.push(forbidden(
            p,
            "may not use ReadWriteOncePod with other access modes",
        ));
    }
    errs
}

/// A storage or volume-attributes class name is a DNS subdomain.
pub fn validate_class_name(name: Option<&String>, p: &Path) -> Vec<FieldError> {
    match name.filter(|n| !n.is_empty()) {
        Some(n) => name_is_dns_subdomain(n, false)
            .into_iter()
            .map(|m| invalid(p, q(n), &m))
            .collect(),
        None => Vec::new(),
    }
}

/// `ValidatePersistentVolumeClaimSpec`.
pub fn validate_claim_spec(spec: &PersistentVolumeClaimSpec, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let modes = spec.access_modes.as_deref().unwrap_or_default();
    if modes.is_empty() {
        errs.push(required(
            &p.child("accessModes"),
            "at least 1 access mode is required",
        ));
    }
    errs.extend(validate_label_selector(
        spec.selector.as_ref(),
        &p.child("selector"),
    ));
    errs.extend(validate_access_modes(modes, &p.child("accessModes")));
    let storage_path = p.child("resources").key("storage");
    match spec
        .resources
        .as_ref()
        .and_then(|r| r.requests.as_ref())
        .and_then(|r| r.get("storage"))
    {
        None => errs.push(required(&storage_path, "")),
        Some(v) => match quantity::parse(&v.0) {
            Some(qty) if qty.nano <= 0 => errs.push(invalid(
                &storage_path,
                q(&qty.canonical()),
                "must be greater than zero",
            )),
            _ => errs.extend(validate_quantity_value("storage", v, &storage_path)),
        },
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
    if let Some(ds) = &spec.data_source {
        let dp = p.child("dataSource");
        errs.extend(validate_data_source(
            &ds.name,
            &ds.kind,
            ds.api_group.as_deref(),
            &dp,
        ));
    }
    if let Some(ds) = &spec.data_source_ref {
        let dp = p.child("dataSourceRef");
        errs.extend(validate_data_source(
            &ds.name,
            &ds.kind,
            ds.api_group.as_deref(),
            &dp,
        ));
    }
    errs
}

fn validate_data_source(name: &str, kind: &str, group: Option<&str>, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if name.is_empty() {
        errs.push(required(&p.child("name"), ""));
    }
    if kind.is_empty() {
        errs.push(required(&p.child("kind"), ""));
    }
    let group = group.unwrap_or("");
    if group.is_empty() && kind != "PersistentVolumeClaim" {
        errs.push(invalid(
            p,
            q(kind),
            "must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        ));
    }
    if !group.is_empty() {
        errs.extend(
            is_dns1123_subdomain(group)
                .into_iter()
                .map(|m| invalid(&p.child("apiGroup"), q(group), &m)),
        );
    }
    errs
}

/// `ValidatePersistentVolumeClaim`.
pub fn validate_pvc(pvc: &PersistentVolumeClaim) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &pvc.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    errs.extend(validate_claim_spec(
        &pvc.spec.clone().unwrap_or_default(),
        &Path::new("spec"),
    ));
    errs
}

/// `ValidatePersistentVolumeClaimTemplate` (generic ephemeral volumes): only labels and
/// annotations may be set in the template's metadata.
pub fn validate_claim_template(t: &PersistentVolumeClaimTemplate, p: &Path) -> Vec<FieldError> {
    let mp = p.child("metadata");
    let meta = t.metadata.clone().unwrap_or_default();
    let mut errs = validate_annotations(meta.annotations.as_ref(), &mp.child("annotations"));
    errs.extend(validate_labels(meta.labels.as_ref(), &mp.child("labels")));
    if let Ok(Value::Object(fields)) = serde_json::to_value(&meta) {
        for k in fields
            .keys()
            .filter(|k| *k != "labels" && *k != "annotations")
        {
            errs.push(forbidden(&mp.child(k), "cannot be set"));
        }
    }
    errs.extend(validate_claim_spec(&t.spec, &p.child("spec")));
    errs
}

/// `ValidatePersistentVolumeClaimUpdate` (without the metadata update, which the caller
/// adds): the spec is fixed except storage requests of bound claims and a first
/// `volumeName`.
pub fn validate_pvc_update(
    new: &PersistentVolumeClaim,
    old: &PersistentVolumeClaim,
) -> Vec<FieldError> {
    let mut errs = validate_pvc(new);
    let (ns, os) = (
        new.spec.clone().unwrap_or_default(),
        old.spec.clone().unwrap_or_default(),
    );
    let (mut nc, mut oc) = (ns.clone(), os.clone());
    if os.volume_name.as_deref().unwrap_or("").is_empty() {
        oc.volume_name = nc.volume_name.clone();
    }
    if oc.storage_class_name.is_none() && nc.storage_class_name.is_some() {
        nc.storage_class_name = None;
    }
    let bound = new.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
    if bound {
        let old_storage = os
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .cloned();
        if let (Some(req), Some(s)) = (
            nc.resources.as_mut().and_then(|r| r.requests.as_mut()),
            old_storage,
        ) {
            req.insert("storage".to_string(), s);
        }
    }
    if nc != oc {
        let diff = format!(
            "  core.PersistentVolumeClaimSpec{{\n- \t{}\n+ \t{}\n  }}\n",
            to_json(&oc),
            to_json(&nc)
        );
        errs.push(forbidden(&Path::new("spec"), &format!("spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n{diff}")));
    }
    let storage = |s: &PersistentVolumeClaimSpec| {
        s.resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .and_then(|q| quantity::parse(&q.0))
    };
    if let (Some(n), Some(o)) = (storage(&ns), storage(&os)) {
        if n.nano < o.nano {
            errs.push(forbidden(
                &Path::new("spec")
                    .child("resources")
                    .child("requests")
                    .child("storage"),
                "field can not be less than previous value",
            ));
        }
    }
    if ns.volume_mode != os.volume_mode {
        errs.push(invalid(
            &Path::new("volumeMode"),
            gofmt::opt_str(ns.volume_mode.as_ref()),
            "field is immutable",
        ));
    }
    errs
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
