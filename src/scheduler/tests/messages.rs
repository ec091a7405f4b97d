//! `FailedScheduling` messages end to end, in upstream's exact v1.32 shape.

use super::*;

fn message(c: &Cluster, name: &str) -> String {
    let (status, reason, message) = scheduled_condition(c, name).expect("condition");
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "Unschedulable")
    );
    let ev = events(c);
    let event = ev
        .iter()
        .find(|e| e.1 == "FailedScheduling" && e.2 == name)
        .expect("FailedScheduling event");
    assert_eq!(event.0, "Warning");
    assert_eq!(
        event.3, message,
        "event and condition carry the same message"
    );
    message
}

fn with_requests(name: &str, requests: &str) -> String {
    let req =
        format!("  - name: c\n    image: nginx\n    resources:\n      requests: {{{requests}}}\n");
    pod_yaml(name, "app: x", "").replace("  - name: c\n    image: nginx:1.7.9\n", &req)
}

const TAINT: &str = "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }";

/// The example: 3 cpu on 2-cpu workers.
#[test]
fn insufficient_cpu() {
    let mut c = cluster_with_nodes(0);
    apply(&mut c, &with_requests("big", "cpu: \"3\""));
    assert_eq!(
        message(&c, "big"),
        format!("0/4 nodes are available: {TAINT}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    );
}

/// Both shortfalls of a node count.
#[test]
fn insufficient_cpu_and_memory() {
    let mut c = cluster_with_nodes(0);
    apply(&mut c, &with_requests("huge", "cpu: \"3\", memory: 5Gi"));
    assert_eq!(
        message(&c, "huge"),
        format!("0/4 nodes are available: {TAINT}, 3 Insufficient cpu, 3 Insufficient memory. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    );
}

/// A selector nobody matches: the taint still wins on the control plane (TaintToleration
/// runs before NodeAffinity), and neither can be preempted away.
#[test]
fn node_selector_mismatch() {
    let mut c = cluster_with_nodes(0);
    apply(
        &mut c,
        &pod_yaml("picky", "app: x", "  nodeSelector:\n    disktype: ssd\n"),
    );
    assert_eq!(
        message(&c, "picky"),
        format!("0/4 nodes are available: {TAINT}, 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
    );
}

/// Host port conflicts are `Unschedulable` (preemption could free the port), but with
/// equal priorities there are no victims.
#[test]
fn host_port_conflict() {
    let mut c = cluster_with_nodes(0);
    let port = "    ports:\n    - containerPort: 80\n      hostPort: 8080\n";
    for i in 0..4 {
        let yaml = pod_yaml(&format!("p{i}"), "app: x", "").replace(
            "image: nginx:1.7.9\n",
            &format!("image: nginx:1.7.9\n{port}"),
        );
        apply(&mut c, &yaml);
    }
    assert_eq!(
        message(&c, "p3"),
        format!("0/4 nodes are available: {TAINT}, 3 node(s) didn't have free ports for the requested pod ports. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    );
}

/// Required pod anti-affinity on hostname: one replica per worker, the fourth waits.
#[test]
fn pod_anti_affinity() {
    let mut c = cluster_with_nodes(0);
    let extra = "  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector:\n          matchLabels: {app: db}\n        topologyKey: kubernetes.io/hostname\n";
    for i in 0..4 {
        apply(&mut c, &pod_yaml(&format!("db-{i}"), "app: db", extra));
    }
    let mut nodes: Vec<String> = (0..3).map(|i| node_of(&c, &format!("db-{i}"))).collect();
    nodes.sort();
    assert_eq!(nodes, ["worker01", "worker02", "worker03"]);
    assert_eq!(
        message(&c, "db-3"),
        format!("0/4 nodes are available: {TAINT}, 3 node(s) didn't match pod anti-affinity rules. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    );
}

/// Required pod affinity to pods that do not exist yet: unresolvable everywhere, then
/// satisfied as soon as a matching pod is bound.
#[test]
fn pod_affinity_waits_for_its_peer() {
    let mut c = cluster_with_nodes(0);
    let extra = "  affinity:\n    podAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector:\n          matchLabels: {app: cache}\n        topologyKey: kubernetes.io/hostname\n";
    apply(&mut c, &pod_yaml("web", "app: web", extra));
    assert_eq!(
        message(&c, "web"),
        format!("0/4 nodes are available: {TAINT}, 3 node(s) didn't match pod affinity rules. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.")
    );
    apply(&mut c, &pod_yaml("cache", "app: cache", ""));
    let cache_node = node_of(&c, "cache");
    assert_eq!(node_of(&c, "web"), cache_node);
}

/// A DaemonSet-style pod pinned to one node by `matchFields`: the other nodes are ruled
/// out by NodeAffinity's PreFilter.
#[test]
fn pinned_pod_that_does_not_fit() {
    let mut c = cluster_with_nodes(0);
    let extra = "  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - key: metadata.name\n            operator: In\n            values: [worker01]\n";
    let yaml = with_requests("ds", "cpu: \"3\"").replace("spec:\n", &format!("spec:\n{extra}"));
    apply(&mut c, &yaml);
    assert_eq!(
        message(&c, "ds"),
        "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]. preemption: 0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling."
    );
}

/// A cordoned node.
#[test]
fn cordoned_nodes() {
    let mut c = Cluster::builder()
        .without_nodes()
        .without_controllers(&["kubelet"])
        .build();
    let mut n = node("worker01", "2", "4Gi", false);
    if let Some(s) = n.spec.as_mut() {
        s.unschedulable = Some(true);
    }
    add_node(&mut c, n);
    apply(&mut c, &pod_yaml("p", "app: x", ""));
    assert_eq!(
        message(&c, "p"),
        "0/1 nodes are available: 1 node(s) were unschedulable. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling."
    );
}
