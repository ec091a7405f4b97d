//! The `Source:` section of `kubectl describe pv` (the volume `switch` of upstream
//! v1.32 `describePersistentVolume`), with the persistent variants of the renderings.

use k8s_openapi::api::core::v1::PersistentVolumeSpec;

use super::volume_sources::{
    azure_disk, bool_of, cephfs, cinder, csi_attributes, fc, flex, flocker, iscsi, list_of, nfs,
    quobyte, rbd, secret_ref, source, storageos, text_of, AZURE_FILE, CSI, GLUSTERFS, SCALEIO,
};
use super::writer::{PrefixWriter, LEVEL_1};

/// The `Source:` of a PersistentVolume (the persistent variants of the renderings).
pub(super) fn describe_pv_source(w: &mut PrefixWriter, spec: &PersistentVolumeSpec) {
    if let Some(h) = &spec.host_path {
        let kind = h.type_.clone().unwrap_or_else(|| "<none>".to_string());
        source(
            w,
            "HostPath (bare host directory volume)",
            &[("Path:", h.path.clone()), ("HostPathType:", kind)],
        );
    } else if let Some(g) = &spec.gce_persistent_disk {
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
    } else if let Some(a) = &spec.aws_elastic_block_store {
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
    } else if let Some(n) = &spec.nfs {
        nfs(w, &n.server, &n.path, n.read_only);
    } else if let Some(i) = &spec.iscsi {
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
                secret_ref(i.secret_ref.as_ref()),
            ],
            i.initiator_name.as_deref(),
        );
    } else if let Some(g) = &spec.glusterfs {
        let ns = g
            .endpoints_namespace
            .clone()
            .unwrap_or_else(|| "<unset>".to_string());
        source(
            w,
            GLUSTERFS,
            &[
                ("EndpointsName:", g.endpoints.clone()),
                ("EndpointsNamespace:", ns),
                ("Path:", g.path.clone()),
                ("ReadOnly:", bool_of(g.read_only)),
            ],
        );
    } else if let Some(r) = &spec.rbd {
        rbd(
            w,
            &r.monitors,
            &r.image,
            r.fs_type.as_ref(),
            r.pool.as_ref(),
            r.user.as_ref(),
            r.keyring.as_ref(),
            secret_ref(r.secret_ref.as_ref()),
            r.read_only,
        );
    } else if let Some(q) = &spec.quobyte {
        quobyte(w, &q.registry, &q.volume, q.read_only);
    } else if let Some(vs) = &spec.vsphere_volume {
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
    } else if let Some(c) = &spec.cinder {
        cinder(
            w,
            &c.volume_id,
            c.fs_type.as_ref(),
            c.read_only,
            secret_ref(c.secret_ref.as_ref()),
        );
    } else if let Some(a) = &spec.azure_disk {
        azure_disk(w, a);
    } else if let Some(p) = &spec.photon_persistent_disk {
        source(
            w,
            "PhotonPersistentDisk (a Persistent Disk resource in photon platform)",
            &[
                ("PdID:", p.pd_id.clone()),
                ("FSType:", text_of(p.fs_type.as_ref())),
            ],
        );
    } else if let Some(p) = &spec.portworx_volume {
        source(
            w,
            "PortworxVolume (a Portworx Volume resource)",
            &[("VolumeID:", p.volume_id.clone())],
        );
    } else if let Some(sio) = &spec.scale_io {
        let sec = &sio.secret_ref;
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
                ("SecretName:", text_of(sec.name.as_ref())),
                ("SecretNamespace:", text_of(sec.namespace.as_ref())),
                ("FSType:", text_of(sio.fs_type.as_ref())),
                ("ReadOnly:", bool_of(sio.read_only)),
            ],
        );
    } else if let Some(l) = &spec.local {
        source(
            w,
            "LocalVolume (a persistent volume backed by local storage on a node)",
            &[("Path:", l.path.clone())],
        );
    } else if let Some(c) = &spec.cephfs {
        cephfs(
            w,
            &c.monitors,
            c.path.as_ref(),
            c.user.as_ref(),
            c.secret_file.as_ref(),
            secret_ref(c.secret_ref.as_ref()),
            c.read_only,
        );
    } else if let Some(so) = &spec.storageos {
        storageos(
            w,
            so.volume_name.as_ref(),
            so.volume_namespace.as_ref(),
            so.fs_type.as_ref(),
            so.read_only,
        );
    } else if let Some(fc) = &spec.fc {
        self::fc(w, fc);
    } else if let Some(a) = &spec.azure_file {
        source(
            w,
            AZURE_FILE,
            &[
                ("SecretName:", a.secret_name.clone()),
                ("SecretNamespace:", text_of(a.secret_namespace.as_ref())),
                ("ShareName:", a.share_name.clone()),
                ("ReadOnly:", bool_of(a.read_only)),
            ],
        );
    } else if let Some(f) = &spec.flex_volume {
        flex(
            w,
            &f.driver,
            f.fs_type.as_ref(),
            secret_ref(f.secret_ref.as_ref()),
            f.read_only,
            f.options.as_ref(),
        );
    } else if let Some(f) = &spec.flocker {
        flocker(w, f.dataset_name.as_ref(), f.dataset_uuid.as_ref());
    } else if let Some(c) = &spec.csi {
        source(
            w,
            CSI,
            &[
                ("Driver:", c.driver.clone()),
                ("FSType:", text_of(c.fs_type.as_ref())),
                ("VolumeHandle:", c.volume_handle.clone()),
                ("ReadOnly:", bool_of(c.read_only)),
            ],
        );
        csi_attributes(w, c.volume_attributes.as_ref());
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}
