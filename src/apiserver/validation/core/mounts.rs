//! Volume mounts and devices of a container (`ValidateVolumeMounts`,
//! `ValidateVolumeDevices`): each names a valid volume, paths are unique and relative
//! where required, propagation and recursive read-only settings are consistent, and
//! block devices come from claim-backed volumes.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, VolumeMount};

use super::volume::VolumeInfo;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    forbidden, invalid, not_found, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;

/// `ValidateVolumeMounts`.
pub fn validate_volume_mounts(
    c: &Container,
    volumes: &BTreeMap<String, VolumeInfo>,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mounts: &[VolumeMount] = c.volume_mounts.as_deref().unwrap_or_default();
    let devices = c.volume_devices.as_deref().unwrap_or_default();
    let mut mount_points = BTreeSet::new();
    for (i, m) in mounts.iter().enumerate() {
        let ip = p.index(i);
        if m.name.is_empty() {
            errs.push(required(&ip.child("name"), ""));
        }
        if !volumes.contains_key(&m.name) {
            errs.push(not_found(&ip.child("name"), q(&m.name)));
        }
        if m.mount_path.is_empty() {
            errs.push(required(&ip.child("mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.clone()) {
            errs.push(invalid(
                &ip.child("mountPath"),
                q(&m.mount_path),
                "must be unique",
            ));
        }
        if devices.iter().any(|d| d.name == m.name) {
            errs.push(invalid(
                &ip.child("name"),
                q(&m.name),
                "must not already exist in volumeDevices",
            ));
        }
        if devices.iter().any(|d| d.device_path == m.mount_path) {
            errs.push(invalid(
                &ip.child("mountPath"),
                q(&m.mount_path),
                "must not already exist as a path in volumeDevices",
            ));
        }
        let sub_path = m.sub_path.as_deref().unwrap_or("");
        let sub_expr = m.sub_path_expr.as_deref().unwrap_or("");
        if !sub_path.is_empty() {
            errs.extend(super::paths::validate_local_descending_path(
                sub_path,
                &p.child("subPath"),
            ));
        }
        if !sub_expr.is_empty() {
            if !sub_path.is_empty() {
                errs.push(invalid(
                    &ip.child("subPathExpr"),
                    q(sub_expr),
                    "subPathExpr and subPath are mutually exclusive",
                ));
            }
            errs.extend(super::paths::validate_local_descending_path(
                sub_expr,
                &p.child("subPathExpr"),
            ));
        }
        if let Some(prop) = &m.mount_propagation {
            let mp = p.child("mountPropagation");
            if !["Bidirectional", "HostToContainer", "None"].contains(&prop.as_str()) {
                errs.push(not_supported(
                    &mp,
                    q(prop),
                    &["Bidirectional", "HostToContainer", "None"],
                ));
            }
            let privileged = c
                .security_context
                .as_ref()
                .and_then(|s| s.privileged)
                .unwrap_or(false);
            if prop == "Bidirectional" && !privileged {
                errs.push(forbidden(
                    &mp,
                    "Bidirectional mount propagation is available only to privileged containers",
                ));
            }
        }
        if let Some(rro) = &m.recursive_read_only {
            let rp = p.child("recursiveReadOnly");
            match rro.as_str() {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if !m.read_only.unwrap_or(false) {
                        errs.push(forbidden(
                            &rp,
                            "may only be specified when readOnly is true",
                        ));
                    }
                    if m.mount_propagation
                        .as_deref()
                        .is_some_and(|mp| mp != "None")
                    {
                        errs.push(forbidden(
                            &rp,
                            "may only be specified when mountPropagation is None or not specified",
                        ));
                    }
                }
                other => errs.push(not_supported(
                    &rp,
                    q(other),
                    &["Disabled", "Enabled", "IfPossible"],
                )),
            }
        }
    }
    errs
}

/// `ValidateVolumeDevices`: block devices must come from PVC-backed volumes.
pub fn validate_volume_devices(
    c: &Container,
    volumes: &BTreeMap<String, VolumeInfo>,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mounts = c.volume_mounts.as_deref().unwrap_or_default();
    let mut paths = BTreeSet::new();
    let mut names = BTreeSet::new();
    for (i, d) in c.volume_devices.iter().flatten().enumerate() {
        let ip = p.index(i);
        if d.name.is_empty() {
            errs.push(required(&ip.child("name"), ""));
        }
        if names.contains(&d.name) {
            errs.push(invalid(&ip.child("name"), q(&d.name), "must be unique"));
        }
        match volumes.get(&d.name) {
            Some(v) if !v.is_pvc => errs.push(invalid(
                &ip.child("name"),
                q(&d.name),
                "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode",
            )),
            Some(_) => {}
            None => errs.push(not_found(&ip.child("name"), q(&d.name))),
        }
        if d.device_path.is_empty() {
            errs.push(required(&ip.child("devicePath"), ""));
        }
        if paths.contains(&d.device_path) {
            errs.push(invalid(
                &ip.child("devicePath"),
                q(&d.device_path),
                "must be unique",
            ));
        }
        if !d.device_path.is_empty() && d.device_path.split('/').any(|s| s == "..") {
            errs.push(invalid(
                &ip.child("devicePath"),
                q(&d.device_path),
                "can not contain backsteps ('..')",
            ));
        } else {
            paths.insert(d.device_path.clone());
        }
        if mounts.iter().any(|m| m.name == d.name) {
            errs.push(invalid(
                &ip.child("name"),
                q(&d.name),
                "must not already exist in volumeMounts",
            ));
        }
        if mounts.iter().any(|m| m.mount_path == d.device_path) {
            errs.push(invalid(
                &ip.child("devicePath"),
                q(&d.device_path),
                "must not already exist as a path in volumeMounts",
            ));
        }
        if !d.name.is_empty() {
            names.insert(d.name.clone());
        }
    }
    errs
}
