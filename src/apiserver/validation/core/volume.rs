//! Pod volume validation (`ValidateVolumes`, `validateVolumeSource` and the sources people
//! actually use: emptyDir, hostPath, configMap, secret, persistentVolumeClaim, nfs,
//! downwardAPI, projected, csi, ephemeral), plus the relative-path helpers that
//! containers share. Other source types are counted (exactly one per volume) but their
//! fields are not checked.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::Volume;

use super::paths::{mode_error, validate_key_to_path, validate_no_backsteps};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::{
    is_dns1123_label, is_dns1123_subdomain, name_is_dns_subdomain,
};
use crate::apiserver::validation::quantity;

/// What containers need to know about a volume that validated cleanly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VolumeInfo {
    /// Backed by a claim (`persistentVolumeClaim` or `ephemeral`), so usable as a device.
    pub is_pvc: bool,
}

/// The source types of a volume in upstream's checking order, with the path segment
/// upstream reports when a second one is set (note its `downwarAPI` typo).
fn source_names(v: &Volume) -> Vec<&'static str> {
    let present = [
        (v.empty_dir.is_some(), "emptyDir"),
        (v.host_path.is_some(), "hostPath"),
        (v.git_repo.is_some(), "gitRepo"),
        (v.gce_persistent_disk.is_some(), "gcePersistentDisk"),
        (v.aws_elastic_block_store.is_some(), "awsElasticBlockStore"),
        (v.secret.is_some(), "secret"),
        (v.nfs.is_some(), "nfs"),
        (v.iscsi.is_some(), "iscsi"),
        (v.glusterfs.is_some(), "glusterfs"),
        (v.flocker.is_some(), "flocker"),
        (v.persistent_volume_claim.is_some(), "persistentVolumeClaim"),
        (v.rbd.is_some(), "rbd"),
        (v.cinder.is_some(), "cinder"),
        (v.cephfs.is_some(), "cephFS"),
        (v.quobyte.is_some(), "quobyte"),
        (v.downward_api.is_some(), "downwarAPI"),
        (v.fc.is_some(), "fc"),
        (v.flex_volume.is_some(), "flexVolume"),
        (v.config_map.is_some(), "configMap"),
        (v.azure_file.is_some(), "azureFile"),
        (v.vsphere_volume.is_some(), "vsphereVolume"),
        (v.photon_persistent_disk.is_some(), "photonPersistentDisk"),
        (v.portworx_volume.is_some(), "portworxVolume"),
        (v.azure_disk.is_some(), "azureDisk"),
        (v.storageos.is_some(), "storageos"),
        (v.projected.is_some(), "projected"),
        (v.scale_io.is_some(), "scaleIO"),
        (v.csi.is_some(), "csi"),
        (v.ephemeral.is_some(), "ephemeral"),
        (v.image.is_some(), "image"),
    ];
    present
        .iter()
        .filter(|(set, _)| *set)
        .map(|(_, name)| *name)
        .collect()
}

/// `validateVolumeSource` for the first (checked) source of a volume.
fn validate_source(v: &Volume, pod_name: Option<&str>, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let sources = source_names(v);
    let Some(first) = sources.first() else {
        errs.push(required(p, "must specify a volume type"));
        return errs;
    };
    match *first {
        "emptyDir" => {
            let limit = v
                .empty_dir
                .as_ref()
                .and_then(|e| e.size_limit.as_ref())
                .and_then(|l| quantity::parse(&l.0));
            if limit.is_some_and(|l| l.is_negative()) {
                errs.push(forbidden(
                    &p.child("emptyDir").child("sizeLimit"),
                    "SizeLimit field must be a valid resource quantity",
                ));
            }
        }
        "hostPath" => {
            if let Some(hp) = &v.host_path {
                let pp = p.child("hostPath");
                if hp.path.is_empty() {
                    errs.push(required(&pp.child("path"), ""));
                } else {
                    errs.extend(validate_no_backsteps(&hp.path, &pp.child("path")));
                    let types = [
                        "",
                        "BlockDevice",
                        "CharDevice",
                        "Directory",
                        "DirectoryOrCreate",
                        "File",
                        "FileOrCreate",
                        "Socket",
                    ];
                    if let Some(t) = hp.type_.as_deref().filter(|t| !types.contains(t)) {
                        errs.push(not_supported(&pp.child("type"), q(t), &types));
                    }
                }
            }
        }
        "secret" => {
            if let Some(s) = &v.secret {
                let sp = p.child("secret");
                if s.secret_name.as_deref().unwrap_or("").is_empty() {
                    errs.push(required(&sp.child("secretName"), ""));
                }
                errs.extend(mode_error(s.default_mode, &sp.child("defaultMode")));
                for (i, kp) in s.items.iter().flatten().enumerate() {
                    errs.extend(validate_key_to_path(kp, &sp.child("items").index(i)));
                }
            }
        }
        "configMap" => {
            if let Some(c) = &v.config_map {
                let cp = p.child("configMap");
                if c.name.is_empty() {
                    errs.push(required(&cp.child("name"), ""));
                }
                errs.extend(mode_error(c.default_mode, &cp.child("defaultMode")));
                for (i, kp) in c.items.iter().flatten().enumerate() {
                    errs.extend(validate_key_to_path(kp, &cp.child("items").index(i)));
                }
            }
        }
        "persistentVolumeClaim"
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name.is_empty()) =>
        {
            errs.push(required(
                &p.child("persistentVolumeClaim").child("claimName"),
                "",
            ));
        }
        "nfs" => {
            if let Some(n) = &v.nfs {
                let np = p.child("nfs");
                if n.server.is_empty() {
                    errs.push(required(&np.child("server"), ""));
                }
                if n.path.is_empty() {
                    errs.push(required(&np.child("path"), ""));
                }
                if !n.path.starts_with('/') {
                    errs.push(invalid(
                        &np.child("path"),
                        q(&n.path),
                        "must be an absolute path",
                    ));
                }
            }
        }
        "downwarAPI" => {
            if let Some(d) = &v.downward_api {
                let dp = p.child("downwardAPI");
                errs.extend(mode_error(d.default_mode, &dp.child("defaultMode")));
                for f in d.items.iter().flatten() {
                    errs.extend(super::projected::validate_downward_api_file(f, &dp));
                }
            }
        }
        "projected" => {
            if let Some(pr) = &v.projected {
                errs.extend(super::projected::validate_projected(
                    pr,
                    &p.child("projected"),
                ));
            }
        }
        "csi" => {
            if let Some(c) = &v.csi {
                let cp = p.child("csi");
                errs.extend(validate_csi_driver_name(&c.driver, &cp.child("driver")));
                if let Some(r) = &c.node_publish_secret_ref {
                    let name = r.name.as_str();
                    if name.is_empty() {
                        errs.push(required(
                            &cp.child("nodePublishSecretRef").child("name"),
                            "",
                        ));
                    } else {
                        errs.extend(
                            name_is_dns_subdomain(name, false)
                                .into_iter()
                                .map(|m| invalid(&cp.child("name"), q(name), &m)),
                        );
                    }
                }
            }
        }
        "ephemeral" => {
            let ep = p.child("ephemeral");
            match v
                .ephemeral
                .as_ref()
                .and_then(|e| e.volume_claim_template.as_ref())
            {
                None => errs.push(required(&ep.child("volumeClaimTemplate"), "")),
                Some(t) => {
                    errs.extend(super::storage::validate_claim_template(
                        t,
                        &ep.child("volumeClaimTemplate"),
                    ));
                    if let Some(pod) = pod_name
                        .filter(|n| !n.is_empty())
                        .filter(|_| !v.name.is_empty())
                    {
                        let pvc = format!("{pod}-{}", v.name);
                        for m in is_dns1123_subdomain(&pvc) {
                            errs.push(invalid(
                                &p.child("name"),
                                q(&v.name),
                                &format!("PVC name {}: {m}", q(&pvc)),
                            ));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    // Every further source is refused, after the first one's own errors.
    for extra in sources.iter().skip(1) {
        errs.push(forbidden(
            &p.child(extra),
            "may not specify more than 1 volume type",
        ));
    }
    errs
}

/// `ValidateCSIDriverName`.
pub fn validate_csi_driver_name(driver: &str, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if driver.is_empty() {
        errs.push(required(p, ""));
    }
    if driver.len() > 63 {
        errs.push(crate::apiserver::validation::field::too_long(p, 63));
    }
    errs.extend(
        is_dns1123_subdomain(&driver.to_lowercase())
            .into_iter()
            .map(|m| invalid(p, q(driver), &m)),
    );
    errs
}

/// `ValidateVolumes`: returns the cleanly validated volumes (for mount lookups) and the
/// errors. `pod_name` is set only for real pods (ephemeral PVC names derive from it).
pub fn validate_volumes(
    volumes: &[Volume],
    pod_name: Option<&str>,
    p: &Path,
) -> (BTreeMap<String, VolumeInfo>, Vec<FieldError>) {
    let mut all = Vec::new();
    let mut names = BTreeSet::new();
    let mut vols = BTreeMap::new();
    let created_pvcs: BTreeSet<String> = match pod_name.filter(|n| !n.is_empty()) {
        Some(pod) => volumes
            .iter()
            .filter(|v| v.ephemeral.is_some())
            .map(|v| format!("{pod}-{}", v.name))
            .collect(),
        None => BTreeSet::new(),
    };
    for (i, v) in volumes.iter().enumerate() {
        let ip = p.index(i);
        let np = ip.child("name");
        let mut el = validate_source(v, pod_name, &ip);
        if v.name.is_empty() {
            el.push(required(&np, ""));
        } else {
            el.extend(
                is_dns1123_label(&v.name)
                    .into_iter()
                    .map(|m| invalid(&np, q(&v.name), &m)),
            );
        }
        if names.contains(&v.name) {
            el.push(duplicate(&np, q(&v.name)));
        }
        if el.is_empty() {
            names.insert(v.name.clone());
            vols.insert(
                v.name.clone(),
                VolumeInfo {
                    is_pvc: v.persistent_volume_claim.is_some() || v.ephemeral.is_some(),
                },
            );
        } else {
            all.extend(el);
        }
        if let Some(claim) = v
            .persistent_volume_claim
            .as_ref()
            .filter(|c| created_pvcs.contains(&c.claim_name))
        {
            all.push(invalid(
                &ip.child("persistentVolumeClaim").child("claimName"),
                q(&claim.claim_name),
                "must not reference a PVC that gets created for an ephemeral volume",
            ));
        }
    }
    (vols, all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        ConfigMapVolumeSource, EmptyDirVolumeSource, HostPathVolumeSource,
    };

    fn render(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn a_volume_needs_exactly_one_source() {
        // Upstream TestValidateVolumes: "no volume source" and "multiple volume types".
        let none = Volume {
            name: "v".into(),
            ..Default::default()
        };
        let (_, errs) = validate_volumes(&[none], None, &Path::new("spec").child("volumes"));
        assert_eq!(
            render(&errs),
            vec!["spec.volumes[0]: Required value: must specify a volume type"]
        );
        let two = Volume {
            name: "v".into(),
            empty_dir: Some(EmptyDirVolumeSource::default()),
            host_path: Some(HostPathVolumeSource {
                path: "/x".into(),
                type_: None,
            }),
            ..Default::default()
        };
        let (_, errs) = validate_volumes(&[two], None, &Path::new("spec").child("volumes"));
        assert_eq!(
            render(&errs),
            vec!["spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type"]
        );
    }

    #[test]
    fn names_are_dns_labels_and_unique() {
        let v = |n: &str| Volume {
            name: n.into(),
            config_map: Some(ConfigMapVolumeSource {
                name: "cm".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (vols, errs) = validate_volumes(&[v("a"), v("a"), v("B")], None, &Path::new("v"));
        assert_eq!(vols.len(), 1);
        assert_eq!(errs[0].to_string(), "v[1].name: Duplicate value: \"a\"");
        assert!(errs[1]
            .to_string()
            .starts_with("v[2].name: Invalid value: \"B\": a lowercase RFC 1123 label"));
    }
}
