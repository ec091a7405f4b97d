//! Volumes as `kubectl describe` shows them: a pod's (or template's) `Volumes:` section
//! (upstream `describeVolumes`) and a PersistentVolume's `Source:` (the `switch` in
//! `describePersistentVolume`), with one `print*VolumeSource` rendering per volume type.
//!
//! Each rendering is one `Type:` line naming the plugin and explaining it, then the
//! source's fields, all indented four spaces and aligned together; values print as Go's
//! `%v` does (`[a b]` for lists, `&{name}` for an object reference, `<nil>` for an absent
//! pointer). The projected `kube-api-access-*` volume every pod gets reads:
//!
//! ```text
//!   kube-api-access-x7k2p:
//!     Type:                    Projected (a volume that contains injected data from multiple sources)
//!     TokenExpirationSeconds:  3607
//!     ConfigMapName:           kube-root-ca.crt
//!     ConfigMapOptional:       <nil>
//!     DownwardAPI:             true
//! ```

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    LocalObjectReference, PersistentVolumeClaim, PersistentVolumeSpec, ProjectedVolumeSource,
    SecretReference, Volume,
};

use super::storage::{print_persistent_volume_claim, ClaimView};
use super::writer::{
    bool_ptr_v, go_slice, quantity, shorten, PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3,
    MAX_ANNOTATION_LEN,
};

/// Writes `Type:\t<type>` and `    <label>\t<value>` lines as one level-2 write, the way
/// every upstream `print*VolumeSource` does. Labels carry their own colon (upstream's
/// ISCSI `ISCSIInterface` has none).
fn source(w: &mut PrefixWriter, type_text: &str, fields: &[(&str, String)]) {
    let mut text = format!("Type:\t{type_text}\n");
    for (label, value) in fields {
        text.push_str(&format!("    {label}\t{value}\n"));
    }
    w.write(LEVEL_2, &text);
}

/// Go's `%v` of a `*LocalObjectReference`: `&{name}` or `<nil>`.
fn local_ref(r: Option<&LocalObjectReference>) -> String {
    r.map_or("<nil>".to_string(), |r| format!("&{{{}}}", r.name))
}

/// Go's `%v` of a `*SecretReference`: `&{name namespace}` or `<nil>`.
fn secret_ref(r: Option<&SecretReference>) -> String {
    r.map_or("<nil>".to_string(), |r| {
        format!(
            "&{{{} {}}}",
            r.name.as_deref().unwrap_or(""),
            r.namespace.as_deref().unwrap_or("")
        )
    })
}

/// Go's `%v` of a `map[string]string`: `map[a:1 b:2]`.
fn go_map(m: Option<&BTreeMap<String, String>>) -> String {
    let pairs: Vec<String> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    format!("map[{}]", pairs.join(" "))
}

fn s(v: Option<&String>) -> String {
    v.cloned().unwrap_or_default()
}

fn b(v: Option<bool>) -> String {
    v.unwrap_or(false).to_string()
}

fn list(v: Option<&Vec<String>>) -> String {
    go_slice(v.map(Vec::as_slice).unwrap_or_default())
}

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
            &[("Medium:", s(e.medium.as_ref())), ("SizeLimit:", size)],
        );
    } else if let Some(g) = &v.gce_persistent_disk {
        source(
            w,
            "GCEPersistentDisk (a Persistent Disk resource in Google Compute Engine)",
            &[
                ("PDName:", g.pd_name.clone()),
                ("FSType:", s(g.fs_type.as_ref())),
                ("Partition:", g.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", b(g.read_only)),
            ],
        );
    } else if let Some(a) = &v.aws_elastic_block_store {
        source(
            w,
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            &[
                ("VolumeID:", a.volume_id.clone()),
                ("FSType:", s(a.fs_type.as_ref())),
                ("Partition:", a.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", b(a.read_only)),
            ],
        );
    } else if let Some(g) = &v.git_repo {
        source(
            w,
            "GitRepo (a volume that is pulled from git when the pod is created)",
            &[
                ("Repository:", g.repository.clone()),
                ("Revision:", s(g.revision.as_ref())),
            ],
        );
    } else if let Some(sec) = &v.secret {
        source(
            w,
            "Secret (a volume populated by a Secret)",
            &[
                ("SecretName:", s(sec.secret_name.as_ref())),
                ("Optional:", b(sec.optional)),
            ],
        );
    } else if let Some(c) = &v.config_map {
        source(
            w,
            "ConfigMap (a volume populated by a ConfigMap)",
            &[("Name:", c.name.clone()), ("Optional:", b(c.optional))],
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
                s(i.iscsi_interface.as_ref()),
                s(i.fs_type.as_ref()),
                b(i.read_only),
                list(i.portals.as_ref()),
                b(i.chap_auth_discovery),
                b(i.chap_auth_session),
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
                ("ReadOnly:", b(g.read_only)),
            ],
        );
    } else if let Some(c) = &v.persistent_volume_claim {
        source(
            w,
            "PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)",
            &[
                ("ClaimName:", c.claim_name.clone()),
                ("ReadOnly:", b(c.read_only)),
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
                ("FSType:", s(vs.fs_type.as_ref())),
                ("StoragePolicyName:", s(vs.storage_policy_name.as_ref())),
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
                ("FSType:", s(p.fs_type.as_ref())),
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
                ("Protection Domain:", s(sio.protection_domain.as_ref())),
                ("Storage Pool:", s(sio.storage_pool.as_ref())),
                ("Storage Mode:", s(sio.storage_mode.as_ref())),
                ("VolumeName:", s(sio.volume_name.as_ref())),
                ("FSType:", s(sio.fs_type.as_ref())),
                ("ReadOnly:", b(sio.read_only)),
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
                ("ReadOnly:", b(a.read_only)),
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
                ("FSType:", s(c.fs_type.as_ref())),
                ("ReadOnly:", b(c.read_only)),
            ],
        );
        csi_attributes(w, c.volume_attributes.as_ref());
    } else if let Some(i) = &v.image {
        source(
            w,
            "Image (a container image or OCI artifact)",
            &[
                ("Reference:", s(i.reference.as_ref())),
                ("PullPolicy:", s(i.pull_policy.as_ref())),
            ],
        );
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}

const GLUSTERFS: &str = "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)";
const SCALEIO: &str = "ScaleIO (a persistent volume backed by a block device in ScaleIO)";
const AZURE_FILE: &str =
    "AzureFile (an Azure File Service mount on the host and bind mount to the pod)";
const CSI: &str = "CSI (a Container Storage Interface (CSI) volume source)";

fn nfs(w: &mut PrefixWriter, server: &str, path: &str, read_only: Option<bool>) {
    source(
        w,
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        &[
            ("Server:", server.to_string()),
            ("Path:", path.to_string()),
            ("ReadOnly:", b(read_only)),
        ],
    );
}

fn quobyte(w: &mut PrefixWriter, registry: &str, volume: &str, read_only: Option<bool>) {
    source(
        w,
        "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
        &[
            ("Registry:", registry.to_string()),
            ("Volume:", volume.to_string()),
            ("ReadOnly:", b(read_only)),
        ],
    );
}

/// Both ISCSI renderings: the ten leading values in upstream's order, then the initiator.
fn iscsi(w: &mut PrefixWriter, values: &[String; 10], initiator: Option<&str>) {
    let labels = [
        "TargetPortal:",
        "IQN:",
        "Lun:",
        "ISCSIInterface",
        "FSType:",
        "ReadOnly:",
        "Portals:",
        "DiscoveryCHAPAuth:",
        "SessionCHAPAuth:",
        "SecretRef:",
    ];
    let mut fields: Vec<(&str, String)> =
        labels.iter().copied().zip(values.iter().cloned()).collect();
    fields.push(("InitiatorName:", initiator.unwrap_or("<none>").to_string()));
    source(w, "ISCSI (an ISCSI Disk resource that is attached to a kubelet's host machine and then exposed to the pod)", &fields);
}

#[allow(clippy::too_many_arguments)]
fn rbd(
    w: &mut PrefixWriter,
    monitors: &[String],
    image: &str,
    fs_type: Option<&String>,
    pool: Option<&String>,
    user: Option<&String>,
    keyring: Option<&String>,
    secret: String,
    read_only: Option<bool>,
) {
    source(
        w,
        "RBD (a Rados Block Device mount on the host that shares a pod's lifetime)",
        &[
            ("CephMonitors:", go_slice(monitors)),
            ("RBDImage:", image.to_string()),
            ("FSType:", s(fs_type)),
            ("RBDPool:", s(pool)),
            ("RadosUser:", s(user)),
            ("Keyring:", s(keyring)),
            ("SecretRef:", secret),
            ("ReadOnly:", b(read_only)),
        ],
    );
}

fn cinder(
    w: &mut PrefixWriter,
    id: &str,
    fs_type: Option<&String>,
    read_only: Option<bool>,
    secret: String,
) {
    source(
        w,
        "Cinder (a Persistent Disk resource in OpenStack)",
        &[
            ("VolumeID:", id.to_string()),
            ("FSType:", s(fs_type)),
            ("ReadOnly:", b(read_only)),
            ("SecretRef:", secret),
        ],
    );
}

fn cephfs(
    w: &mut PrefixWriter,
    monitors: &[String],
    path: Option<&String>,
    user: Option<&String>,
    file: Option<&String>,
    secret: String,
    read_only: Option<bool>,
) {
    source(
        w,
        "CephFS (a CephFS mount on the host that shares a pod's lifetime)",
        &[
            ("Monitors:", go_slice(monitors)),
            ("Path:", s(path)),
            ("User:", s(user)),
            ("SecretFile:", s(file)),
            ("SecretRef:", secret),
            ("ReadOnly:", b(read_only)),
        ],
    );
}

fn storageos(
    w: &mut PrefixWriter,
    name: Option<&String>,
    namespace: Option<&String>,
    fs_type: Option<&String>,
    read_only: Option<bool>,
) {
    source(
        w,
        "StorageOS (a StorageOS Persistent Disk resource)",
        &[
            ("VolumeName:", s(name)),
            ("VolumeNamespace:", s(namespace)),
            ("FSType:", s(fs_type)),
            ("ReadOnly:", b(read_only)),
        ],
    );
}

fn fc(w: &mut PrefixWriter, fc: &k8s_openapi::api::core::v1::FCVolumeSource) {
    let lun = fc.lun.map_or("<none>".to_string(), |l| l.to_string());
    let wwns = fc.target_wwns.as_deref().unwrap_or_default().join(", ");
    source(
        w,
        "FC (a Fibre Channel disk)",
        &[
            ("TargetWWNs:", wwns),
            ("LUN:", lun),
            ("FSType:", s(fc.fs_type.as_ref())),
            ("ReadOnly:", b(fc.read_only)),
        ],
    );
}

fn flex(
    w: &mut PrefixWriter,
    driver: &str,
    fs_type: Option<&String>,
    secret: String,
    read_only: Option<bool>,
    options: Option<&BTreeMap<String, String>>,
) {
    source(w, "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)", &[("Driver:", driver.to_string()), ("FSType:", s(fs_type)), ("SecretRef:", secret), ("ReadOnly:", b(read_only)), ("Options:", go_map(options))]);
}

fn flocker(w: &mut PrefixWriter, name: Option<&String>, uuid: Option<&String>) {
    source(
        w,
        "Flocker (a Flocker volume mounted by the Flocker agent)",
        &[("DatasetName:", s(name)), ("DatasetUUID:", s(uuid))],
    );
}

fn azure_disk(w: &mut PrefixWriter, a: &k8s_openapi::api::core::v1::AzureDiskVolumeSource) {
    source(
        w,
        "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
        &[
            ("DiskName:", a.disk_name.clone()),
            ("DiskURI:", a.disk_uri.clone()),
            ("Kind: ", s(a.kind.as_ref())),
            ("FSType:", s(a.fs_type.as_ref())),
            ("CachingMode:", s(a.caching_mode.as_ref())),
            ("ReadOnly:", b(a.read_only)),
        ],
    );
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

/// `printCSIPersistentVolumeAttributesMultilineIndent`, with its quirk: every attribute
/// after the first starts with two level-2 prefixes and a tab.
fn csi_attributes(w: &mut PrefixWriter, attributes: Option<&BTreeMap<String, String>>) {
    w.write(LEVEL_2, "VolumeAttributes:\t");
    let Some(attributes) = attributes.filter(|a| !a.is_empty()) else {
        return w.write_line("<none>");
    };
    for (i, (key, value)) in attributes.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_2, "");
            w.write(LEVEL_2, "\t");
        }
        // Lines over 140 bytes are cut there, with `...`.
        let line = format!("{key}={value}");
        put!(w, LEVEL_2, "{}\n", shorten(&line, MAX_ANNOTATION_LEN));
    }
}

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
                ("FSType:", s(g.fs_type.as_ref())),
                ("Partition:", g.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", b(g.read_only)),
            ],
        );
    } else if let Some(a) = &spec.aws_elastic_block_store {
        source(
            w,
            "AWSElasticBlockStore (a Persistent Disk resource in AWS)",
            &[
                ("VolumeID:", a.volume_id.clone()),
                ("FSType:", s(a.fs_type.as_ref())),
                ("Partition:", a.partition.unwrap_or(0).to_string()),
                ("ReadOnly:", b(a.read_only)),
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
                s(i.iscsi_interface.as_ref()),
                s(i.fs_type.as_ref()),
                b(i.read_only),
                list(i.portals.as_ref()),
                b(i.chap_auth_discovery),
                b(i.chap_auth_session),
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
                ("ReadOnly:", b(g.read_only)),
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
                ("FSType:", s(vs.fs_type.as_ref())),
                ("StoragePolicyName:", s(vs.storage_policy_name.as_ref())),
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
                ("FSType:", s(p.fs_type.as_ref())),
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
                ("Protection Domain:", s(sio.protection_domain.as_ref())),
                ("Storage Pool:", s(sio.storage_pool.as_ref())),
                ("Storage Mode:", s(sio.storage_mode.as_ref())),
                ("VolumeName:", s(sio.volume_name.as_ref())),
                ("SecretName:", s(sec.name.as_ref())),
                ("SecretNamespace:", s(sec.namespace.as_ref())),
                ("FSType:", s(sio.fs_type.as_ref())),
                ("ReadOnly:", b(sio.read_only)),
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
                ("SecretNamespace:", s(a.secret_namespace.as_ref())),
                ("ShareName:", a.share_name.clone()),
                ("ReadOnly:", b(a.read_only)),
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
                ("FSType:", s(c.fs_type.as_ref())),
                ("VolumeHandle:", c.volume_handle.clone()),
                ("ReadOnly:", b(c.read_only)),
            ],
        );
        csi_attributes(w, c.volume_attributes.as_ref());
    } else {
        w.write(LEVEL_1, "<unknown>\n");
    }
}
