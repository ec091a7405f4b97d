//! The renderings of volume sources shared by pod volumes and PersistentVolumes
//! (upstream's `print*VolumeSource` functions): one `Type:` line naming the plugin and
//! explaining it, then the source's fields, indented four spaces and aligned together,
//! with values as Go's `%v` prints them (`[a b]` for lists, `&{name}` for an object
//! reference, `<nil>` for an absent pointer, `map[k:v]` for a map).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{LocalObjectReference, SecretReference};

use super::multiline::{shorten, MAX_ANNOTATION_LEN};
use super::writer::{go_slice, PrefixWriter, LEVEL_2};

/// Writes `Type:\t<type>` and `    <label>\t<value>` lines as one level-2 write, the way
/// every upstream `print*VolumeSource` does. Labels carry their own colon (upstream's
/// ISCSI `ISCSIInterface` has none).
pub(super) fn source(w: &mut PrefixWriter, type_text: &str, fields: &[(&str, String)]) {
    let mut text = format!("Type:\t{type_text}\n");
    for (label, value) in fields {
        text.push_str(&format!("    {label}\t{value}\n"));
    }
    w.write(LEVEL_2, &text);
}

/// Go's `%v` of a `*LocalObjectReference`: `&{name}` or `<nil>`.
pub(super) fn local_ref(r: Option<&LocalObjectReference>) -> String {
    r.map_or("<nil>".to_string(), |r| format!("&{{{}}}", r.name))
}

/// Go's `%v` of a `*SecretReference`: `&{name namespace}` or `<nil>`.
pub(super) fn secret_ref(r: Option<&SecretReference>) -> String {
    r.map_or("<nil>".to_string(), |r| {
        format!(
            "&{{{} {}}}",
            r.name.as_deref().unwrap_or(""),
            r.namespace.as_deref().unwrap_or("")
        )
    })
}

/// Go's `%v` of a `map[string]string`: `map[a:1 b:2]`.
pub(super) fn go_map(m: Option<&BTreeMap<String, String>>) -> String {
    let pairs: Vec<String> = m
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}:{v}"))
        .collect();
    format!("map[{}]", pairs.join(" "))
}

/// Go's `%v` of a string field (empty when unset).
pub(super) fn text_of(v: Option<&String>) -> String {
    v.cloned().unwrap_or_default()
}

/// Go's `%v` of a bool field (`false` when unset).
pub(super) fn bool_of(v: Option<bool>) -> String {
    v.unwrap_or(false).to_string()
}

/// Go's `%v` of a string list field: `[a b]`.
pub(super) fn list_of(v: Option<&Vec<String>>) -> String {
    go_slice(v.map(Vec::as_slice).unwrap_or_default())
}

/// The Glusterfs `Type:` text.
pub(super) const GLUSTERFS: &str =
    "Glusterfs (a Glusterfs mount on the host that shares a pod's lifetime)";
/// The ScaleIO `Type:` text.
pub(super) const SCALEIO: &str =
    "ScaleIO (a persistent volume backed by a block device in ScaleIO)";
/// The AzureFile `Type:` text.
pub(super) const AZURE_FILE: &str =
    "AzureFile (an Azure File Service mount on the host and bind mount to the pod)";
/// The CSI `Type:` text.
pub(super) const CSI: &str = "CSI (a Container Storage Interface (CSI) volume source)";

/// `printNFSVolumeSource`.
pub(super) fn nfs(w: &mut PrefixWriter, server: &str, path: &str, read_only: Option<bool>) {
    source(
        w,
        "NFS (an NFS mount that lasts the lifetime of a pod)",
        &[
            ("Server:", server.to_string()),
            ("Path:", path.to_string()),
            ("ReadOnly:", bool_of(read_only)),
        ],
    );
}

/// `printQuobyteVolumeSource`.
pub(super) fn quobyte(w: &mut PrefixWriter, registry: &str, volume: &str, read_only: Option<bool>) {
    source(
        w,
        "Quobyte (a Quobyte mount on the host that shares a pod's lifetime)",
        &[
            ("Registry:", registry.to_string()),
            ("Volume:", volume.to_string()),
            ("ReadOnly:", bool_of(read_only)),
        ],
    );
}

/// Both ISCSI renderings: the ten leading values in upstream's order, then the initiator.
pub(super) fn iscsi(w: &mut PrefixWriter, values: &[String; 10], initiator: Option<&str>) {
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

/// `printRBDVolumeSource` and its persistent variant (which differ in the secret reference's type).
#[allow(clippy::too_many_arguments)]
pub(super) fn rbd(
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
            ("FSType:", text_of(fs_type)),
            ("RBDPool:", text_of(pool)),
            ("RadosUser:", text_of(user)),
            ("Keyring:", text_of(keyring)),
            ("SecretRef:", secret),
            ("ReadOnly:", bool_of(read_only)),
        ],
    );
}

/// `printCinderVolumeSource` and its persistent variant.
pub(super) fn cinder(
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
            ("FSType:", text_of(fs_type)),
            ("ReadOnly:", bool_of(read_only)),
            ("SecretRef:", secret),
        ],
    );
}

/// `printCephFSVolumeSource` and its persistent variant.
pub(super) fn cephfs(
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
            ("Path:", text_of(path)),
            ("User:", text_of(user)),
            ("SecretFile:", text_of(file)),
            ("SecretRef:", secret),
            ("ReadOnly:", bool_of(read_only)),
        ],
    );
}

/// `printStorageOSVolumeSource` and its persistent variant.
pub(super) fn storageos(
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
            ("VolumeName:", text_of(name)),
            ("VolumeNamespace:", text_of(namespace)),
            ("FSType:", text_of(fs_type)),
            ("ReadOnly:", bool_of(read_only)),
        ],
    );
}

/// `printFCVolumeSource`: target WWNs joined with `, `, the LUN or `<none>`.
pub(super) fn fc(w: &mut PrefixWriter, fc: &k8s_openapi::api::core::v1::FCVolumeSource) {
    let lun = fc.lun.map_or("<none>".to_string(), |l| l.to_string());
    let wwns = fc.target_wwns.as_deref().unwrap_or_default().join(", ");
    source(
        w,
        "FC (a Fibre Channel disk)",
        &[
            ("TargetWWNs:", wwns),
            ("LUN:", lun),
            ("FSType:", text_of(fc.fs_type.as_ref())),
            ("ReadOnly:", bool_of(fc.read_only)),
        ],
    );
}

/// `printFlexVolumeSource` and its persistent variant.
pub(super) fn flex(
    w: &mut PrefixWriter,
    driver: &str,
    fs_type: Option<&String>,
    secret: String,
    read_only: Option<bool>,
    options: Option<&BTreeMap<String, String>>,
) {
    source(w, "FlexVolume (a generic volume resource that is provisioned/attached using an exec based plugin)", &[("Driver:", driver.to_string()), ("FSType:", text_of(fs_type)), ("SecretRef:", secret), ("ReadOnly:", bool_of(read_only)), ("Options:", go_map(options))]);
}

/// `printFlockerVolumeSource`.
pub(super) fn flocker(w: &mut PrefixWriter, name: Option<&String>, uuid: Option<&String>) {
    source(
        w,
        "Flocker (a Flocker volume mounted by the Flocker agent)",
        &[
            ("DatasetName:", text_of(name)),
            ("DatasetUUID:", text_of(uuid)),
        ],
    );
}

/// `printAzureDiskVolumeSource` (whose `Kind: ` label has a space before the tab, as upstream's).
pub(super) fn azure_disk(
    w: &mut PrefixWriter,
    a: &k8s_openapi::api::core::v1::AzureDiskVolumeSource,
) {
    source(
        w,
        "AzureDisk (an Azure Data Disk mount on the host and bind mount to the pod)",
        &[
            ("DiskName:", a.disk_name.clone()),
            ("DiskURI:", a.disk_uri.clone()),
            ("Kind: ", text_of(a.kind.as_ref())),
            ("FSType:", text_of(a.fs_type.as_ref())),
            ("CachingMode:", text_of(a.caching_mode.as_ref())),
            ("ReadOnly:", bool_of(a.read_only)),
        ],
    );
}

/// `printCSIPersistentVolumeAttributesMultilineIndent`, with its quirk: every attribute
/// after the first starts with two level-2 prefixes and a tab.
pub(super) fn csi_attributes(w: &mut PrefixWriter, attributes: Option<&BTreeMap<String, String>>) {
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
