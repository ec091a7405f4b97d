//! Test helpers for the workload controllers' end-to-end tests: the default node layout
//! created through the API (a tainted `controlplane` and `worker01..03`, Ready), and pods
//! made Running and Ready through the status subresource, as a kubelet would.
//!
//! The helpers leave alone whatever already exists, so the tests keep holding once the
//! kubelets (which register the nodes) and the scheduler are part of the cluster: nodes
//! that exist are not recreated, and a pod's status is edited in place (phase and the
//! Ready condition), keeping whatever else a kubelet wrote.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeCondition, NodeSpec, NodeStatus, Pod, PodCondition, Taint,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::apiserver::{ApiError, Ctx, DeleteOptions, ListOptions, Subresource};
use crate::model::{Kind, Object};
use crate::sim::{Actor, WriteMeta};
use crate::Cluster;

/// The taint kubeadm puts on the control plane.
pub const CONTROL_PLANE_TAINT: &str = "node-role.kubernetes.io/control-plane";

/// Creates `name` unless it exists, then makes it Ready without the not-ready taint.
pub fn add_node(c: &mut Cluster, name: &str, control_plane: bool) {
    if c.api.try_get(Kind::Node, "", name).is_some() {
        return;
    }
    let mut labels = BTreeMap::from([
        ("kubernetes.io/hostname".to_string(), name.to_string()),
        ("kubernetes.io/os".to_string(), "linux".to_string()),
    ]);
    let mut taints = Vec::new();
    if control_plane {
        labels.insert(CONTROL_PLANE_TAINT.to_string(), String::new());
        taints.push(Taint {
            key: CONTROL_PLANE_TAINT.into(),
            effect: "NoSchedule".into(),
            ..Default::default()
        });
    }
    let node = Node {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            taints: Some(taints),
            ..Default::default()
        }),
        status: None,
    };
    let meta = WriteMeta::by(Actor::Kubelet(name.into()), None);
    let mut ctx = Ctx::new(c.now, &mut c.rng, meta);
    let created = c.api.create(&mut ctx, Object::Node(node));
    assert!(created.is_ok(), "create node {name}: {created:?}");
    set_node_ready(c, name);
}

/// Marks a node Ready and drops the `not-ready` taint, as the kubelet and the node
/// lifecycle controller do.
pub fn set_node_ready(c: &mut Cluster, name: &str) {
    let Some(Object::Node(mut n)) = c.api.try_get(Kind::Node, "", name).as_deref().cloned() else {
        panic!("node {name} exists");
    };
    let status = n.status.get_or_insert_with(NodeStatus::default);
    status.conditions = Some(vec![NodeCondition {
        type_: "Ready".into(),
        status: "True".into(),
        reason: Some("KubeletReady".into()),
        message: Some("kubelet is posting ready status".into()),
        last_transition_time: Some(c.now.to_k8s_time()),
        last_heartbeat_time: Some(c.now.to_k8s_time()),
    }]);
    let meta = WriteMeta::by(Actor::Kubelet(name.into()), None);
    let mut ctx = Ctx::new(c.now, &mut c.rng, meta);
    let n = c
        .api
        .update(&mut ctx, Object::Node(n), Subresource::Status)
        .map(|o| (*o).clone());
    let Ok(Object::Node(mut n)) = n else {
        panic!("node status update failed: {n:?}");
    };
    if let Some(t) = n.spec.as_mut().and_then(|s| s.taints.as_mut()) {
        t.retain(|t| t.key != "node.kubernetes.io/not-ready");
    }
    let r = c.api.update(&mut ctx, Object::Node(n), Subresource::Main);
    assert!(r.is_ok(), "untaint {name}: {r:?}");
    c.settle();
}

/// The default layout: `controlplane` (tainted) and `worker01..03`.
pub fn default_nodes(c: &mut Cluster) {
    add_node(c, "controlplane", true);
    for w in ["worker01", "worker02", "worker03"] {
        add_node(c, w, false);
    }
}

/// Removes a node object (as `kubectl delete node`).
pub fn delete_node(c: &mut Cluster, name: &str) {
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    let r = c
        .api
        .delete(&mut ctx, Kind::Node, "", name, &DeleteOptions::default());
    assert!(
        r.is_ok() || matches!(r, Err(ApiError::NotFound { .. })),
        "{r:?}"
    );
    c.settle();
}

/// The pods of a namespace whose name starts with `prefix`, in name order.
pub fn pods(c: &Cluster, ns: &str, prefix: &str) -> Vec<Pod> {
    c.api
        .list(Kind::Pod, Some(ns), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) if p.metadata.name.as_deref().unwrap_or("").starts_with(prefix) => {
                Some(p.clone())
            }
            _ => None,
        })
        .collect()
}

/// Sets a pod's phase and Ready condition (keeping the rest of its status), as its
/// kubelet would, then settles. Pods being deleted are left alone.
pub fn set_pod_status(c: &mut Cluster, ns: &str, name: &str, phase: &str, ready: bool) {
    let Some(Object::Pod(mut p)) = c.api.try_get(Kind::Pod, ns, name).as_deref().cloned() else {
        panic!("pod {ns}/{name} exists");
    };
    if p.metadata.deletion_timestamp.is_some() {
        return;
    }
    let node = p
        .spec
        .as_ref()
        .and_then(|s| s.node_name.clone())
        .unwrap_or_default();
    let status = p.status.get_or_insert_with(Default::default);
    status.phase = Some(phase.into());
    let conditions = status.conditions.get_or_insert_with(Vec::new);
    let want = if ready { "True" } else { "False" };
    match conditions.iter_mut().find(|c| c.type_ == "Ready") {
        Some(cond) if cond.status == want => {}
        Some(cond) => {
            cond.status = want.into();
            cond.last_transition_time = Some(c.now.to_k8s_time());
        }
        None => conditions.push(PodCondition {
            type_: "Ready".into(),
            status: want.into(),
            last_transition_time: Some(c.now.to_k8s_time()),
            ..Default::default()
        }),
    }
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::by(Actor::Kubelet(node), None));
    let r = c.api.update(&mut ctx, Object::Pod(p), Subresource::Status);
    assert!(r.is_ok(), "status of {name}: {r:?}");
    c.settle();
}

/// Makes every live pod whose name starts with `prefix` Running and Ready.
pub fn make_ready(c: &mut Cluster, ns: &str, prefix: &str) {
    for p in pods(c, ns, prefix) {
        let ready = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .is_some_and(|cs| cs.iter().any(|c| c.type_ == "Ready" && c.status == "True"));
        if !ready && p.metadata.deletion_timestamp.is_none() {
            let name = p.metadata.name.clone().unwrap_or_default();
            set_pod_status(c, ns, &name, "Running", true);
        }
    }
}

/// Advances time a second at a time until `done` holds, for at most `max_secs`; returns
/// whether it held. Lets tests wait for graceful pod termination once kubelets run.
pub fn wait_until(
    c: &mut Cluster,
    max_secs: u64,
    mut done: impl FnMut(&mut Cluster) -> bool,
) -> bool {
    for _ in 0..=max_secs {
        if done(c) {
            return true;
        }
        c.advance_ms(1_000);
    }
    done(c)
}

/// Reads an object of a kind, panicking when absent.
pub fn get(c: &Cluster, kind: Kind, ns: &str, name: &str) -> Object {
    match c.api.try_get(kind, ns, name) {
        Some(o) => (*o).clone(),
        None => panic!("{kind:?} {ns}/{name} exists"),
    }
}

/// The messages of the events about an object, oldest first.
pub fn event_messages(c: &Cluster, ns: &str, involved: &str) -> Vec<String> {
    c.api
        .list(Kind::Event, Some(ns), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) if e.involved_object.name.as_deref() == Some(involved) => {
                Some(format!(
                    "{} {}",
                    e.reason.as_deref().unwrap_or(""),
                    e.message.as_deref().unwrap_or("")
                ))
            }
            _ => None,
        })
        .collect()
}
