//! A pod's (or pod template's) `Volumes:` section as `kubectl describe` shows it
//! (upstream `describeVolumes` and `printProjectedVolumeSource`): each volume's name, then
//! its source's rendering from `volume_sources` (or, for a generic ephemeral volume, its
//! claim template). The projected `kube-api-access-*` volume every pod gets reads:
//!
//! ```text
//!   kube-api-access-x7k2p:
//!     Type:                    Projected (a volume that contains injected data from multiple sources)
//!     TokenExpirationSeconds:  3607
//!     ConfigMapName:           kube-root-ca.crt
//!     ConfigMapOptional:       <nil>
//!     DownwardAPI:             true
//! ```

use k8s_openapi::api::core::v1::{PersistentVolumeClaim, ProjectedVolumeSource, Volume};

use super::storage::{print_persistent_volume_claim, ClaimView};
use super::volume_sources::{
    azure_disk, bool_of, cephfs, cinder, csi_attributes, fc, flex, flocker, iscsi, list_of,
    local_ref, nfs, quobyte, rbd, source, storageos, text_of, AZURE_FILE, CSI, GLUSTERFS, SCALEIO,
};
use super::writer::{bool_ptr_v, quantity, PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};

/// `describeVolumes`: `Volumes:  <none>`, or each volume's name and rendering. `space` is
/// `"  "` inside a pod template, which also indents each name by one more space.
pub(super) fn describe_volumes(w: &mut PrefixWriter, volumes: &[Volume], space: &str) {
    if volumes.is_empty() {
        put!(w, LEVEL_0, "{space}Volumes:\t<none>\n");
        return;
    }
    put!(w, LEVEL_0, "{space}Volumes:\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for v in volumes {
        put!(w, LEVEL_1, "{name_indent}{}:\n", v.name);
        describe_volume(w, v);
    }
}

fn describe_volume(w: &mut PrefixWriter, v: &Volume) {
    if let Some(h) = &v.host_path {
        let kind = h.type_.clone().unwrap_or_else(|| "<none>".to_string());
        source(
            w,
            "HostPath (bare host directory volume)",
            &[("Path:", h.path.clone()), ("HostPathType:", kind)],
        );
    } else if let Some(e) = &v.empty_dir {
        let size = e
            .size_limit
            .as_ref()
            .filter(|q| {
                crate::model::quantity::Quantity::from_k8s(q)
                    .is_ok_and(|q| !q.is_zero() && !q.is_negative())
            })
            .map_or("<unset>".to_string(), quantity);
        source(
            w,
            "EmptyDir (a temporary directory that shares a pod's lifetime)",
            &[
                ("Medium:", text_of(e.medium.as_ref())),
                ("SizeLimit:", size),
            ],
        );
    } else if let Some(g) = &v.gce_persistent_disk {
        source(
            w,
            "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            &[
                ("PDName:", g.pd_name.clone()),
                ("FSType:", text_of(g.fs_type.as_ref())),
                ("Partition:", g.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", bool_of(g.read_only)),
            ],
        );
    } else if let Some(a) = &v.aws_elastic_block_store {
        source(
            w,
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            &[
                ("VolumeID:", a.volume_id.clone()),
                ("FSType:", text_of(a.fs_type.as_ref())),
                ("Partition:", a.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", bool_of(a.read_only)),
            ],
        );
    } else if let Some(g) = &v.git_repo {
        source(
            w,
            "GitRepo (a volume that is pulled from git when the pod is created)",
            &[
                ("Repository:", g.repository.clone()),
                ("Revision:", text_of(g.revision.as_ref())),
            ],
        );
    } else if let Some(sec) = &v.secret {
        source(
            w,
            "Secret (a volume populated by a Secret)",
            &[
                ("SecretName:", text_of(sec.secret_name.as_ref())),
                ("Optional:", bool_of(sec.optional)),
            ],
        );
    } else if let Some(c) = &v.config_map {
        source(
            w,
            "ConfigMap (a volume populated by a ConfigMap)",
            &[
                ("Name:", c.name.clone()),
                ("Optional:", bool_of(c.optional)),
            ],
        );
    } else if let Some(n) = &v.nfs {
        nfs(w, &n.server, &n.path, n.read_only);
    } else if let Some(i) = &v.iscsi {
        iscsi(
            w,
            &[
                i.target_portal.clone(),
                i.iqn.clone(),
                i.lun.to_string(),
                text_of(i.iscsi_interface.as_ref()),
                text_of(i.fs_type.as_ref()),
                bool_of(i.read_only),
                list_of(i.portals.as_ref()),
                bool_of(i.chap_auth_discovery),
                bool_of(i.chap_auth_session),
                local_ref(i.secret_ref.as_ref()),
            ],
            i.initiator_name.as_deref(),
        );
    } else if let Some(g) = &v.glusterfs {
        source(
            w,
            GLUSTERFS,
            &[
                ("EndpointsName:", g.endpoints.clone()),
                ("Path:", g.path.clone()),
                ("ReadOnly:", bool_of(g.read_only)),
            ],
        );
    } else if let Some(c) = &v.persistent_volume_claim {
        source(
            w,
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            &[
                ("ClaimName:", c.claim_name.clone()),
                ("ReadOnly:", bool_of(c.read_only)),
            ],
        );
    } else if let Some(e) = &v.ephemeral {
        w.write(LEVEL_2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)\n");
        if let Some(t) = &e.volume_claim_template {
            let claim = PersistentVolumeClaim {
                metadata: t.metadata.clone().unwrap_or_default(),
                spec: Some(t.spec.clone()),
                status: None,
            };
            w.nested(LEVEL_2, |w| {
                print_persistent_volume_claim(w, &claim, ClaimView::Template)
            });
        }
    } else if let Some(r) = &v.rbd {
        rbd(
            w,
            &r.monitors,
            &r.image,
            r.fs_type.as_ref(),
            r.pool.as_ref(),
            r.user.as_ref(),
            r.keyring.as_ref(),
            local_ref(r.secret_ref.as_ref()),
            r.read_only,
        );
    } else if let Some(q) = &v.quobyte {
        quobyte(w, &q.registry, &q.volume, q.read_only);
    } else if let Some(d) = &v.downward_api {
        w.write(
            LEVEL_2,
            "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
        );
        for item in d.items.iter().flatten() {
            if let Some(f) = &item.field_ref {
                put!(w, LEVEL_3, "{} -> {}\n", f.field_path, item.path);
            }
            if let Some(r) = &item.resource_field_ref {
                put!(w, LEVEL_3, "{} -> {}\n", r.resource, item.path);
            }
        }
    } else if let Some(a) = &v.azure_disk {
        azure_disk(w, a);
    } else if let Some(vs) = &v.vsphere_volume {
        source(
            w,
            "vSphereVolume (a Persistent Disk resource in vSphere)",
            &[
                ("VolumePath:", vs.volume_path.clone()),
                ("FSType:", text_of(vs.fs_type.as_ref())),
                (
                    "StoragePolicyName:",
                    text_of(vs.storage_policy_name.as_ref()),
                ),
            ],
        );
    } else if let Some(c) = &v.cinder {
        cinder(
            w,
            &c.volume_id,
            c.fs_type.as_ref(),
            c.read_only,
            local_ref(c.secret_ref.as_ref()),
        );
    } else if let Some(p) = &v.photon_persistent_disk {
        source(
            w,
            "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
            &[
                ("PdID:", p.pd_id.clone()),
                ("FSType:", text_of(p.fs_type.as_ref())),
            ],
        );
    } else if let Some(p) = &v.portworx_volume {
        source(
            w,
            "PortworxVolume (a Portworx Volume resource)",
            &[("VolumeID:", p.volume_id.clone())],
        );
    } else if let Some(sio) = &v.scale_io {
        source(
            w,
            SCALEIO,
            &[
                ("Gateway:", sio.gateway.clone()),
                ("System:", sio.system.clone()),
                (
                    "Protection Domain:",
                    text_of(sio.protection_domain.as_ref()),
                ),
                ("Storage Pool:", text_of(sio.storage_pool.as_ref())),
                ("Storage Mode:", text_of(sio.storage_mode.as_ref())),
                ("VolumeName:", text_of(sio.volume_name.as_ref())),
                ("FSType:", text_of(sio.fs_type.as_ref())),
                ("ReadOnly:", bool_of(sio.read_only)),
            ],
        );
    } else if let Some(c) = &v.cephfs {
        cephfs(
            w,
            &c.monitors,
            c.path.as_ref(),
            c.user.as_ref(),
            c.secret_file.as_ref(),
            local_ref(c.secret_ref.as_ref()),
            c.read_only,
        );
    } else if let Some(so) = &v.storageos {
        storageos(
            w,
            so.volume_name.as_ref(),
            so.volume_namespace.as_ref(),
            so.fs_type.as_ref(),
            so.read_only,
        );
    } else if let Some(fc) = &v.fc {
        self::fc(w, fc);
    } else if let Some(a) = &v.azure_file {
        source(
            w,
            AZURE_FILE,
            &[
                ("SecretName:", a.secret_name.clone()),
                ("ShareName:", a.share_name.clone()),
                ("ReadOnly:", bool_of(a.read_only)),
            ],
        );
    } else if let Some(f) = &v.flex_volume {
        flex(
            w,
            &f.driver,
            f.fs_type.as_ref(),
            local_ref(f.secret_ref.as_ref()),
            f.read_only,
            f.options.as_ref(),
        );
    } else if let Some(f) = &v.flocker {
        flocker(w, f.dataset_name.as_ref(), f.dataset_uuid.as_ref());
    } else if let Some(p) = &v.projected {
        projected(w, p);
    } else if let Some(c) = &v.csi {
        source(
            w,
            CSI,
            &[
                ("Driver:", c.driver.clone()),
                ("FSType:", text_of(c.fs_type.as_ref())),
                ("ReadOnly:", bool_of(c.read_only)),
            ],
        );
        csi_attributes(w, c.volume_attributes.as_ref());
    } else if let Some(i) = &v.image {
        source(
            w,
            "Image (a container image or OCI artifact)",
            &[
                ("Reference:", text_of(i.reference.as_ref())),
                ("PullPolicy:", text_of(i.pull_policy.as_ref())),
            ],
        );
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}

/// `printProjectedVolumeSource`: each source's lines after the Type line.
fn projected(w: &mut PrefixWriter, p: &ProjectedVolumeSource) {
    w.write(
        LEVEL_2,
        "Type:\tProjected (a volume that contains injected data from multiple sources)\n",
    );
    for src in p.sources.iter().flatten() {
        if let Some(sec) = &src.secret {
            put!(
                w,
                LEVEL_2,
                "SecretName:\t{}\n    SecretOptionalName:\t{}\n",
                sec.name,
                bool_ptr_v(sec.optional)
            );
        } else if src.downward_api.is_some() {
            w.write(LEVEL_2, "DownwardAPI:\ttrue\n");
        } else if let Some(cm) = &src.config_map {
            put!(
                w,
                LEVEL_2,
                "ConfigMapName:\t{}\n    ConfigMapOptional:\t{}\n",
                cm.name,
                bool_ptr_v(cm.optional)
            );
        } else if let Some(t) = &src.service_account_token {
            put!(
                w,
                LEVEL_2,
                "TokenExpirationSeconds:\t{}\n",
                t.expiration_seconds.unwrap_or(0)
            );
        }
    }
}
