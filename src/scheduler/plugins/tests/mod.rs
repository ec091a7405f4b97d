//! Unit tests of the plugins, one file per plugin, restating upstream's v1.32 test cases
//! (`pkg/scheduler/framework/plugins/*/..._test.go`). Each case names the upstream case
//! it restates; expected scores carry the arithmetic.

mod balanced_allocation;
mod image_locality;
mod inter_pod_affinity;
mod node_affinity;
mod node_name;
mod node_ports;
mod node_resources_fit;
mod node_unschedulable;
mod pod_topology_spread;
mod taint_toleration;

use std::rc::Rc;

use serde_json::{json, Value};

use crate::model::Object;
use crate::scheduler::framework::{
    CycleState, FilterPlugin, PreFilter, PreScore, Rejection, ScorePlugin,
};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{ClusterLists, NodeInfo, Snapshot};

/// A pod from JSON (`metadata` defaults to name `p` in `default`).
pub fn pod(v: Value) -> PodInfo {
    let mut v = v;
    if v.get("metadata").is_none() {
        v["metadata"] = json!({});
    }
    if v["metadata"].get("name").is_none() {
        v["metadata"]["name"] = json!("p");
    }
    if v["metadata"].get("namespace").is_none() {
        v["metadata"]["namespace"] = json!("default");
    }
    if v.get("spec").is_none() {
        v["spec"] = json!({"containers": []});
    }
    let p = serde_json::from_value(v).expect("pod json");
    PodInfo::new(Rc::new(Object::Pod(p))).expect("pod")
}

/// A pod with just a spec.
pub fn pod_spec(spec: Value) -> PodInfo {
    pod(json!({ "spec": spec }))
}

/// A node from JSON pieces: labels, allocatable (also capacity) and extra spec.
pub fn node(name: &str, labels: Value, allocatable: Value, spec: Value) -> Rc<Object> {
    let n = serde_json::from_value(json!({
        "metadata": {"name": name, "labels": labels},
        "spec": spec,
        "status": {"capacity": allocatable, "allocatable": allocatable},
    }))
    .expect("node json");
    Rc::new(Object::Node(n))
}

/// A plain node with a hostname label, 32 pods and the given cpu/memory.
pub fn plain_node(name: &str, cpu: &str, memory: &str) -> Rc<Object> {
    node(
        name,
        json!({"kubernetes.io/hostname": name}),
        json!({"cpu": cpu, "memory": memory, "pods": "32"}),
        json!({}),
    )
}

/// An existing pod bound to `node_name`, from JSON like `pod`.
pub fn bound(node_name: &str, v: Value) -> Rc<Object> {
    let mut v = v;
    if v.get("metadata").is_none() {
        v["metadata"] = json!({});
    }
    if v["metadata"].get("name").is_none() {
        v["metadata"]["name"] = json!(format!("existing-{}", node_name));
    }
    if v["metadata"].get("namespace").is_none() {
        v["metadata"]["namespace"] = json!("default");
    }
    if v.get("spec").is_none() {
        v["spec"] = json!({"containers": []});
    }
    v["spec"]["nodeName"] = json!(node_name);
    Rc::new(Object::Pod(serde_json::from_value(v).expect("pod json")))
}

/// A snapshot of `nodes` and bound `pods`, with namespaces `default` and `ns2`.
pub fn snapshot(nodes: Vec<Rc<Object>>, pods: Vec<Rc<Object>>) -> Snapshot {
    let mut lists = ClusterLists::default();
    for ns in ["default", "ns1", "ns2"] {
        lists.namespaces.insert(
            ns.to_string(),
            [("kubernetes.io/metadata.name".to_string(), ns.to_string())].into(),
        );
    }
    Snapshot::new(nodes, &pods, lists)
}

/// What a filter plugin says about each node: its PreFilter verdict, then Filter per
/// node (not run when PreFilter skipped or rejected).
pub fn filter(
    plugin: &dyn FilterPlugin,
    pod: &PodInfo,
    snap: &Snapshot,
) -> (PreFilter, Vec<Result<(), Rejection>>) {
    let mut state = CycleState::default();
    let pre = plugin.pre_filter(&mut state, pod, snap);
    let results = match &pre {
        PreFilter::Skip => snap.nodes.iter().map(|_| Ok(())).collect(),
        PreFilter::Reject(r) => snap.nodes.iter().map(|_| Err(r.clone())).collect(),
        _ => snap
            .nodes
            .iter()
            .map(|n| plugin.filter(&state, pod, n))
            .collect(),
    };
    (pre, results)
}

/// The filter's verdicts only.
pub fn verdicts(
    plugin: &dyn FilterPlugin,
    pod: &PodInfo,
    snap: &Snapshot,
) -> Vec<Result<(), Rejection>> {
    filter(plugin, pod, snap).1
}

/// Normalised scores over all nodes of the snapshot, or `None` when PreScore skipped.
pub fn scores(plugin: &dyn ScorePlugin, pod: &PodInfo, snap: &Snapshot) -> Option<Vec<i64>> {
    let nodes: Vec<&NodeInfo> = snap.nodes.iter().collect();
    scores_on(plugin, pod, snap, &nodes)
}

/// Normalised scores over some nodes (the feasible ones).
pub fn scores_on(
    plugin: &dyn ScorePlugin,
    pod: &PodInfo,
    snap: &Snapshot,
    nodes: &[&NodeInfo],
) -> Option<Vec<i64>> {
    let mut state = CycleState::default();
    if plugin.pre_score(&mut state, pod, nodes, snap) == PreScore::Skip {
        return None;
    }
    let mut s: Vec<i64> = nodes
        .iter()
        .map(|n| plugin.score(&state, pod, n, snap))
        .collect();
    plugin.normalize(&state, nodes, &mut s);
    Some(s)
}
