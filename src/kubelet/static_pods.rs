//! Static pods: the control plane's etcd, kube-apiserver, kube-controller-manager and
//! kube-scheduler run from manifests in the control-plane node's `staticPodPath`
//! (`/etc/kubernetes/manifests`), and its kubelet publishes each as a *mirror pod* named
//! `<name>-<node>` in kube-system (slides 11-16 of the talk).
//!
//! The manifests are data (`manifests/*.yaml`): kubeadm v1.32's, trimmed of nothing a
//! user would look at, with `{{NODE_IP}}`-style placeholders filled from the cluster
//! layout, so `kubeniwa ssh controlplane` can later show the very files the mirror pods
//! come from. A mirror pod carries what the kubelet adds to a static pod: the
//! `kubernetes.io/config.*` annotations, a toleration of every NoExecute taint,
//! `spec.nodeName`, and an ownerReference to its Node. Deleting a mirror pod through the
//! API does not stop the static pod: the kubelet just creates the mirror again.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, Toleration};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use crate::config::{ClusterConfig, NodeSpec, POD_SUBNET, SERVICE_SUBNET};
use crate::kubelet::hash;
use crate::model::Object;
use crate::sim::SimTime;

/// The directory the kubelet watches for static pod manifests.
pub const MANIFEST_DIR: &str = "/etc/kubernetes/manifests";

/// The annotation marking a mirror pod (its value is the static pod's hash).
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

const MANIFESTS: [(&str, &str); 4] = [
    ("etcd.yaml", include_str!("manifests/etcd.yaml")),
    (
        "kube-apiserver.yaml",
        include_str!("manifests/kube-apiserver.yaml"),
    ),
    (
        "kube-controller-manager.yaml",
        include_str!("manifests/kube-controller-manager.yaml"),
    ),
    (
        "kube-scheduler.yaml",
        include_str!("manifests/kube-scheduler.yaml"),
    ),
];

/// The static pod manifests of `node` as files: `(path, content)`, in directory order.
/// Only the control plane has any.
pub fn manifest_files(config: &ClusterConfig, node: &NodeSpec) -> Vec<(String, String)> {
    if node.index != 0 {
        return Vec::new();
    }
    MANIFESTS
        .iter()
        .map(|(file, template)| {
            let text = template
                .replace("{{NODE_IP}}", &node.internal_ip)
                .replace("{{NODE_NAME}}", &node.name)
                .replace("{{VERSION}}", &config.kubernetes_version)
                .replace("{{POD_SUBNET}}", POD_SUBNET)
                .replace("{{SERVICE_SUBNET}}", SERVICE_SUBNET)
                .replace("{{DNS_DOMAIN}}", &config.dns_domain);
            (format!("{MANIFEST_DIR}/{file}"), text)
        })
        .collect()
}

/// The names of `node`'s mirror pods (`etcd-controlplane`, ...).
pub fn mirror_names(node: &NodeSpec) -> Vec<String> {
    if node.index != 0 {
        return Vec::new();
    }
    MANIFESTS
        .iter()
        .map(|(file, _)| format!("{}-{}", file.trim_end_matches(".yaml"), node.name))
        .collect()
}

/// `time.RFC3339Nano` (trailing zeros of the fraction dropped, as Go prints it).
fn rfc3339_nano(t: SimTime, nanos: u32) -> String {
    let base = SimTime(t.0 - t.0.rem_euclid(1000))
        .to_datetime()
        .format("%Y-%m-%dT%H:%M:%S")
        .to_string();
    let frac = format!("{nanos:09}");
    let frac = frac.trim_end_matches('0');
    if frac.is_empty() {
        format!("{base}Z")
    } else {
        format!("{base}.{frac}Z")
    }
}

/// The mirror pods of `node`'s static pods, ready to create. `node_uid` is the Node's
/// uid (for the ownerReference) and `booted` when its kubelet started, which is when it
/// first saw the manifests (`kubernetes.io/config.seen`).
pub fn mirror_pods(
    config: &ClusterConfig,
    node: &NodeSpec,
    node_uid: &str,
    booted: SimTime,
) -> Vec<Pod> {
    let mut pods = Vec::new();
    for (path, text) in manifest_files(config, node) {
        let value: serde_json::Value = match serde_yaml::from_str(&text) {
            Ok(v) => v,
            Err(e) => {
                debug_assert!(false, "static pod manifest {path}: {e}");
                continue;
            }
        };
        let Ok(Object::Pod(mut pod)) = Object::from_manifest(value) else {
            debug_assert!(false, "static pod manifest {path} is not a Pod");
            continue;
        };
        let static_hash = hash::hex(&text, 32);
        let name = format!(
            "{}-{}",
            pod.metadata.name.clone().unwrap_or_default(),
            node.name
        );
        let seen_nanos = (hash::mix(hash::fnv(&path)) % 1_000_000_000) as u32;
        let annotations = pod.metadata.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert("kubernetes.io/config.hash".into(), static_hash.clone());
        annotations.insert(MIRROR_ANNOTATION.into(), static_hash);
        annotations.insert(
            "kubernetes.io/config.seen".into(),
            rfc3339_nano(booted.plus_ms(-2_000), seen_nanos),
        );
        annotations.insert("kubernetes.io/config.source".into(), "file".into());
        pod.metadata.name = Some(name);
        pod.metadata.namespace = Some("kube-system".into());
        pod.metadata.creation_timestamp = None;
        pod.metadata.owner_references = Some(vec![OwnerReference {
            api_version: "v1".into(),
            kind: "Node".into(),
            name: node.name.clone(),
            uid: node_uid.to_string(),
            controller: Some(true),
            block_owner_deletion: None,
        }]);
        let spec = pod.spec.get_or_insert_with(Default::default);
        spec.node_name = Some(node.name.clone());
        spec.tolerations = Some(vec![Toleration {
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            ..Default::default()
        }]);
        pod.status = None;
        pods.push(pod);
    }
    pods
}

/// Whether `pod` is a mirror pod.
pub fn is_mirror(pod: &Pod) -> bool {
    pod.metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key(MIRROR_ANNOTATION))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_plane_has_the_four_kubeadm_manifests() {
        let c = ClusterConfig::default();
        let cp = c.node(0);
        let files = manifest_files(&c, &cp);
        let paths: Vec<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/etc/kubernetes/manifests/etcd.yaml",
                "/etc/kubernetes/manifests/kube-apiserver.yaml",
                "/etc/kubernetes/manifests/kube-controller-manager.yaml",
                "/etc/kubernetes/manifests/kube-scheduler.yaml"
            ]
        );
        assert!(files[1].1.contains("--advertise-address=192.168.10.10"));
        assert!(files[1]
            .1
            .contains("image: registry.k8s.io/kube-apiserver:v1.32.0"));
        assert!(manifest_files(&c, &c.node(1)).is_empty());
    }

    #[test]
    fn mirror_pods_carry_the_kubelet_annotations() {
        let c = ClusterConfig::default();
        let pods = mirror_pods(&c, &c.node(0), "uid-1", SimTime::START);
        let names: Vec<String> = pods
            .iter()
            .filter_map(|p| p.metadata.name.clone())
            .collect();
        assert_eq!(
            names,
            [
                "etcd-controlplane",
                "kube-apiserver-controlplane",
                "kube-controller-manager-controlplane",
                "kube-scheduler-controlplane"
            ]
        );
        let a = pods[0].metadata.annotations.clone().unwrap_or_default();
        assert_eq!(
            a.get("kubernetes.io/config.source").map(String::as_str),
            Some("file")
        );
        assert_eq!(a.get("kubernetes.io/config.hash"), a.get(MIRROR_ANNOTATION));
        assert_eq!(a["kubernetes.io/config.hash"].len(), 32);
        assert!(a["kubernetes.io/config.seen"].starts_with("2024-12-31T23:59:58."));
        assert!(is_mirror(&pods[0]));
        assert_eq!(mirror_names(&c.node(0)), names);
        let spec = pods[0].spec.clone().unwrap_or_default();
        assert_eq!(spec.node_name.as_deref(), Some("controlplane"));
        assert_eq!(spec.host_network, Some(true));
        assert_eq!(
            spec.priority_class_name.as_deref(),
            Some("system-node-critical")
        );
    }

    #[test]
    fn nanosecond_times_drop_trailing_zeros() {
        assert_eq!(
            rfc3339_nano(SimTime::START, 120_000_000),
            "2025-01-01T00:00:00.12Z"
        );
        assert_eq!(rfc3339_nano(SimTime::START, 0), "2025-01-01T00:00:00Z");
    }
}
