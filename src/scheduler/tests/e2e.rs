//! Placement through the whole engine: kubectl → API server → scheduler → pods/binding.

use super::*;
use crate::apiserver::DeleteOptions;

/// The talk's slide 30: three pods with the same labels on three equal workers land one
/// per worker (LeastAllocated counts each empty container as 100m/200Mi), never on the
/// tainted control plane.
#[test]
fn three_pods_with_the_same_labels_land_on_three_workers() {
    for seed in 0..5 {
        let mut c = cluster_with_nodes(seed);
        for i in 0..3 {
            apply(&mut c, &pod_yaml(&format!("nginx-{i}"), "app: nginx", ""));
        }
        let mut nodes: Vec<String> = (0..3).map(|i| node_of(&c, &format!("nginx-{i}"))).collect();
        nodes.sort();
        assert_eq!(nodes, ["worker01", "worker02", "worker03"], "seed {seed}");
    }
}

/// A ReplicaSet's pods are spread by PodTopologySpread's default hostname constraint
/// even when they request nothing.
#[test]
fn replica_set_pods_spread_one_per_worker() {
    let mut c = cluster_with_nodes(7);
    apply(
        &mut c,
        "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
    );
    // The ReplicaSet controller creates the three pods; default topology spreading puts
    // one on each worker (the talk's slide 30).
    let pods = c
        .api
        .list(Kind::Pod, Some("default"), &Default::default())
        .expect("pods");
    let mut nodes: Vec<String> = pods
        .iter()
        .map(|p| match &**p {
            Object::Pod(p) => p
                .spec
                .as_ref()
                .and_then(|s| s.node_name.clone())
                .unwrap_or_default(),
            _ => String::new(),
        })
        .collect();
    nodes.sort();
    assert_eq!(nodes, ["worker01", "worker02", "worker03"]);
}

/// Binding sets the node, the `PodScheduled=True` condition and a `Scheduled` event.
#[test]
fn binding_records_condition_and_scheduled_event() {
    let mut c = cluster_with_nodes(1);
    apply(&mut c, &pod_yaml("nginx", "app: nginx", ""));
    let node = node_of(&c, "nginx");
    assert!(node.starts_with("worker"), "{node}");
    let (status, reason, message) = scheduled_condition(&c, "nginx").expect("condition");
    assert_eq!(
        (status.as_str(), reason.as_str(), message.as_str()),
        ("True", "", "")
    );
    let ev = events(&c);
    assert!(ev.contains(&(
        "Normal".into(),
        "Scheduled".into(),
        "nginx".into(),
        format!("Successfully assigned default/nginx to {node}"),
        1
    )));
}

/// A pod that fits nowhere stays Pending with `FailedScheduling` and the condition, and
/// is scheduled once a big enough node joins (a Node/Add event moves it back).
#[test]
fn pending_pod_is_scheduled_when_a_node_is_added() {
    let mut c = cluster_with_nodes(2);
    let big = "  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: \"3\"}\n";
    let yaml =
        pod_yaml("big", "app: big", "").replace("  - name: c\n    image: nginx:1.7.9\n", big);
    apply(&mut c, &yaml);
    assert_eq!(node_of(&c, "big"), "");
    let (status, reason, _) = scheduled_condition(&c, "big").expect("condition");
    assert_eq!(
        (status.as_str(), reason.as_str()),
        ("False", "Unschedulable")
    );
    add_node(&mut c, node("worker04", "4", "8Gi", false));
    assert_eq!(node_of(&c, "big"), "worker04");
    let (status, _, _) = scheduled_condition(&c, "big").expect("condition");
    assert_eq!(status, "True");
}

/// With no nodes at all the message is upstream's `ErrNoNodesAvailable`.
#[test]
fn no_nodes_available() {
    let mut c = Cluster::builder()
        .without_nodes()
        .without_controllers(&["kubelet"])
        .build();
    apply(&mut c, &pod_yaml("lonely", "app: x", ""));
    let (_, reason, message) = scheduled_condition(&c, "lonely").expect("condition");
    assert_eq!(
        (reason.as_str(), message.as_str()),
        ("Unschedulable", "no nodes available to schedule pods")
    );
    add_node(&mut c, node("worker01", "2", "4Gi", false));
    assert_eq!(node_of(&c, "lonely"), "worker01");
}

/// Tolerating the control-plane taint (and selecting the role label) puts a pod there.
#[test]
fn tolerating_the_control_plane_taint_allows_the_control_plane() {
    let mut c = cluster_with_nodes(3);
    let extra = "  nodeSelector:\n    node-role.kubernetes.io/control-plane: \"\"\n  tolerations:\n  - key: node-role.kubernetes.io/control-plane\n    operator: Exists\n    effect: NoSchedule\n";
    apply(&mut c, &pod_yaml("cp", "app: cp", extra));
    assert_eq!(node_of(&c, "cp"), "controlplane");
}

/// `nodeSelector` restricts the pod to labelled nodes.
#[test]
fn node_selector_picks_the_labelled_node() {
    let mut c = cluster_with_nodes(4);
    let out = c.run_script("kubectl label node worker02 disktype=ssd");
    assert_eq!(out.exit_code, 0, "{}", out.combined());
    for i in 0..3 {
        let extra = "  nodeSelector:\n    disktype: ssd\n";
        apply(&mut c, &pod_yaml(&format!("ssd-{i}"), "app: ssd", extra));
        assert_eq!(node_of(&c, &format!("ssd-{i}")), "worker02");
    }
}

/// Deleting a running pod frees its requests: the pending pod takes its place.
#[test]
fn deleting_an_assigned_pod_lets_a_pending_one_in() {
    let mut c = cluster_with_nodes(5);
    let req = |cpu: &str| {
        format!(
            "  - name: c\n    image: nginx\n    resources:\n      requests: {{cpu: \"{cpu}\"}}\n"
        )
    };
    let with = |name: &str, cpu: &str| {
        pod_yaml(name, "app: hog", "").replace("  - name: c\n    image: nginx:1.7.9\n", &req(cpu))
    };
    for i in 0..3 {
        apply(&mut c, &with(&format!("hog-{i}"), "1500m"));
    }
    apply(&mut c, &with("late", "1"));
    assert_eq!(node_of(&c, "late"), "");
    let victim_node = node_of(&c, "hog-1");
    let opts = DeleteOptions {
        grace_period_seconds: Some(0),
        ..Default::default()
    };
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    let deleted = c.api.delete(&mut ctx, Kind::Pod, "default", "hog-1", &opts);
    assert!(deleted.is_ok(), "{deleted:?}");
    c.settle();
    assert_eq!(node_of(&c, "late"), victim_node);
}

/// An unschedulable pod is not retried in a loop: it waits for an event, or for the
/// 5-minute flush (each retry bumps the `FailedScheduling` event's count).
#[test]
fn unschedulable_pods_wait_for_events_or_the_five_minute_flush() {
    let mut c = cluster_with_nodes(6);
    let extra = "  nodeSelector:\n    disktype: ssd\n";
    apply(&mut c, &pod_yaml("picky", "app: picky", extra));
    let failed = |c: &Cluster| {
        events(c)
            .into_iter()
            .find(|e| e.1 == "FailedScheduling" && e.2 == "picky")
            .map(|e| e.4)
    };
    assert_eq!(failed(&c), Some(1));
    c.advance_ms(60_000);
    assert_eq!(failed(&c), Some(1), "no retry without an event");
    c.advance_ms(240_000);
    assert_eq!(failed(&c), Some(2), "retried by the flush after 5 minutes");
    c.advance_ms(300_000);
    assert_eq!(failed(&c), Some(3));
    let out = c.run_script("kubectl label node worker03 disktype=ssd");
    assert_eq!(out.exit_code, 0);
    assert_eq!(node_of(&c, "picky"), "worker03");
}

/// Same seed, same placements; the tie-break between equal nodes follows the seed.
#[test]
fn placement_is_deterministic_per_seed() {
    let place = |seed| {
        let mut c = cluster_with_nodes(seed);
        apply(&mut c, &pod_yaml("one", "app: one", ""));
        node_of(&c, "one")
    };
    assert_eq!(place(11), place(11));
    let all: std::collections::BTreeSet<String> = (0..12).map(place).collect();
    assert!(
        all.len() > 1,
        "ties are broken randomly across seeds: {all:?}"
    );
}

/// Pods of another scheduler are left alone.
#[test]
fn pods_for_other_schedulers_are_ignored() {
    let mut c = cluster_with_nodes(8);
    apply(
        &mut c,
        &pod_yaml("other", "app: o", "  schedulerName: my-scheduler\n"),
    );
    assert_eq!(node_of(&c, "other"), "");
    assert_eq!(scheduled_condition(&c, "other"), None);
}

/// A node change retries only the pods it might help (upstream's queueing hints): a label
/// that satisfies one pod's selector does not retry a pod that needs more cpu.
#[test]
fn node_changes_retry_only_pods_the_node_might_take() {
    let mut c = cluster_with_nodes(12);
    let big = "  - name: c\n    image: nginx\n    resources:\n      requests: {cpu: \"3\"}\n";
    apply(
        &mut c,
        &pod_yaml("big", "app: big", "").replace("  - name: c\n    image: nginx:1.7.9\n", big),
    );
    apply(
        &mut c,
        &pod_yaml(
            "picky",
            "app: picky",
            "  nodeSelector:\n    disktype: ssd\n",
        ),
    );
    let count = |c: &Cluster, name: &str| {
        events(c)
            .into_iter()
            .find(|e| e.1 == "FailedScheduling" && e.2 == name)
            .map(|e| e.4)
    };
    assert_eq!((count(&c, "big"), count(&c, "picky")), (Some(1), Some(1)));
    assert_eq!(
        c.run_script("kubectl label node worker02 disktype=ssd")
            .exit_code,
        0
    );
    assert_eq!(node_of(&c, "picky"), "worker02");
    assert_eq!(
        count(&c, "big"),
        Some(1),
        "the label cannot help the big pod"
    );
    add_node(&mut c, node("worker04", "4", "8Gi", false));
    assert_eq!(node_of(&c, "big"), "worker04");
}

/// A pod with scheduling gates waits (`SchedulingGated`) until the last gate is removed.
#[test]
fn scheduling_gates_hold_a_pod_back() {
    let mut c = cluster_with_nodes(13);
    let gated = "  schedulingGates:\n  - name: example.com/wait\n";
    apply(&mut c, &pod_yaml("gated", "app: g", gated));
    assert_eq!(node_of(&c, "gated"), "");
    assert!(
        !events(&c).iter().any(|e| e.2 == "gated"),
        "no attempt while gated"
    );
    apply(
        &mut c,
        &pod_yaml("gated", "app: g", "  schedulingGates: []\n"),
    );
    assert!(node_of(&c, "gated").starts_with("worker"));
}
