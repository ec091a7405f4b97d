//! End-to-end tests of the scheduler through `Cluster`: nodes are created through the API
//! (this branch has no node agents), pods through kubectl, and no kubelet runs, so pods
//! just get bound.

mod e2e;
mod messages;
mod preemption;
mod scale;

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, NodeCondition, NodeSpec, NodeStatus, Pod, Taint};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::apiserver::{Ctx, ListOptions, Subresource};
use crate::model::{Kind, Object};
use crate::sim::{Actor, WriteMeta};
use crate::Cluster;

/// A Ready node as kubeadm and the kubelet would register it: hostname/os/arch labels,
/// `cpu` and `memory` capacity, 110 pods. The control plane carries its role label and
/// the `node-role.kubernetes.io/control-plane:NoSchedule` taint.
pub fn node(name: &str, cpu: &str, memory: &str, control_plane: bool) -> Node {
    let mut labels = BTreeMap::from([
        ("beta.kubernetes.io/arch".to_string(), "amd64".to_string()),
        ("beta.kubernetes.io/os".to_string(), "linux".to_string()),
        ("kubernetes.io/arch".to_string(), "amd64".to_string()),
        ("kubernetes.io/hostname".to_string(), name.to_string()),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
    ]);
    let mut taints = Vec::new();
    if control_plane {
        labels.insert(
            "node-role.kubernetes.io/control-plane".into(),
            String::new(),
        );
        taints.push(Taint {
            key: "node-role.kubernetes.io/control-plane".into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
    }
    let resources = BTreeMap::from([
        ("cpu".to_string(), Quantity(cpu.to_string())),
        ("memory".to_string(), Quantity(memory.to_string())),
        ("pods".to_string(), Quantity("110".to_string())),
    ]);
    Node {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            taints: Some(taints),
            ..Default::default()
        }),
        status: Some(NodeStatus {
            capacity: Some(resources.clone()),
            allocatable: Some(resources),
            conditions: Some(vec![NodeCondition {
                type_: "Ready".into(),
                status: "True".into(),
                reason: Some("KubeletReady".into()),
                message: Some("kubelet is posting ready status".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    }
}

/// Registers a node through the API, then drops the `not-ready` taint the API server's
/// admission adds, as the node lifecycle controller does once the node reports Ready.
pub fn add_node(cluster: &mut Cluster, node: Node) {
    let mut ctx = Ctx::new(
        cluster.now,
        &mut cluster.rng,
        WriteMeta::by(Actor::Bootstrap, None),
    );
    let created = cluster.api.create(&mut ctx, Object::Node(node));
    let Ok(created) = created else {
        panic!("create node: {created:?}");
    };
    let Object::Node(mut n) = (*created).clone() else {
        panic!("not a node");
    };
    if let Some(taints) = n.spec.as_mut().and_then(|s| s.taints.as_mut()) {
        taints.retain(|t| t.key != "node.kubernetes.io/not-ready");
    }
    let updated = cluster
        .api
        .update(&mut ctx, Object::Node(n), Subresource::Main);
    assert!(updated.is_ok(), "untaint node: {updated:?}");
    cluster.settle();
}

/// The default layout: `controlplane` (tainted) and `worker01..03`, 2 cpu / 4Gi / 110
/// pods each.
pub fn cluster_with_nodes(seed: u64) -> Cluster {
    let mut cluster = Cluster::builder()
        .seed(seed)
        .without_nodes()
        .without_controllers(&["kubelet"])
        .build();
    add_node(&mut cluster, node("controlplane", "2", "4Gi", true));
    for i in 1..=3 {
        add_node(
            &mut cluster,
            node(&format!("worker{i:02}"), "2", "4Gi", false),
        );
    }
    cluster
}

/// Applies YAML and asserts kubectl accepted it.
pub fn apply(cluster: &mut Cluster, yaml: &str) {
    let out = cluster.apply_yaml(yaml);
    assert_eq!(out.exit_code, 0, "apply failed: {}", out.combined());
}

/// A pod by name in `default`.
pub fn pod(cluster: &Cluster, name: &str) -> Pod {
    match cluster.api.get(Kind::Pod, "default", name).as_deref() {
        Ok(Object::Pod(p)) => p.clone(),
        other => panic!("pod {name}: {other:?}"),
    }
}

/// The node a pod is bound to ("" when pending).
pub fn node_of(cluster: &Cluster, name: &str) -> String {
    pod(cluster, name)
        .spec
        .and_then(|s| s.node_name)
        .unwrap_or_default()
}

/// The `PodScheduled` condition as (status, reason, message).
pub fn scheduled_condition(cluster: &Cluster, name: &str) -> Option<(String, String, String)> {
    let p = pod(cluster, name);
    let c = p
        .status?
        .conditions?
        .into_iter()
        .find(|c| c.type_ == "PodScheduled")?;
    Some((
        c.status,
        c.reason.unwrap_or_default(),
        c.message.unwrap_or_default(),
    ))
}

/// Every event in `default` as (type, reason, involved object name, message, count).
pub fn events(cluster: &Cluster) -> Vec<(String, String, String, String, i32)> {
    let list = cluster
        .api
        .list(Kind::Event, Some("default"), &ListOptions::default())
        .unwrap_or_default();
    list.iter()
        .filter_map(|o: &Rc<Object>| match &**o {
            Object::Event(e) => Some((
                e.type_.clone().unwrap_or_default(),
                e.reason.clone().unwrap_or_default(),
                e.involved_object.name.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
                e.count.unwrap_or(0),
            )),
            _ => None,
        })
        .collect()
}

/// A bare pod manifest with labels and optional extra spec lines (YAML, indented by 2
/// under `spec:`).
pub fn pod_yaml(name: &str, labels: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels: {{{labels}}}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.7.9\n{extra_spec}"
    )
}
