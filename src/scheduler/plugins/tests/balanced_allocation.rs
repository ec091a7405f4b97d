//! NodeResourcesBalancedAllocation, restating upstream `balanced_allocation_test.go`
//! (v1.32: best-effort pods are scored, not skipped).

use serde_json::{json, Value};

use super::*;
use crate::scheduler::plugins::balanced_allocation::{balanced_score, BalancedAllocation};

fn req(cpu: &str, mem: &str) -> Value {
    json!({"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}})
}

fn cpu_and_memory() -> Value {
    json!([req("1000m", "2000"), req("2000m", "3000")])
}

fn cpu_only() -> Value {
    json!([{"name": "a", "resources": {"requests": {"cpu": "1000m", "memory": "0"}}},
           {"name": "b", "resources": {"requests": {"cpu": "2000m", "memory": "0"}}}])
}

fn run(
    pod_containers: Value,
    nodes: &[(&str, &str, &str)],
    existing: Vec<(&str, Value)>,
) -> Vec<i64> {
    let nodes = nodes.iter().map(|(n, c, m)| plain_node(n, c, m)).collect();
    let pods = existing
        .into_iter()
        .enumerate()
        .map(|(i, (n, c))| {
            bound(
                n,
                json!({"metadata": {"name": format!("e{i}")}, "spec": {"containers": c}}),
            )
        })
        .collect();
    let snap = snapshot(nodes, pods);
    scores(
        &BalancedAllocation,
        &pod_spec(json!({"containers": pod_containers})),
        &snap,
    )
    .unwrap_or_default()
}

/// "nothing scheduled, resources requested, differently sized nodes": node1 fractions
/// 3000/4000 and 5000/10000, std 0.125 → 87; node2 0.5 and 0.5 → 100.
#[test]
fn differently_sized_nodes() {
    assert_eq!(
        run(
            cpu_and_memory(),
            &[("node1", "4", "10000"), ("node2", "6", "10000")],
            vec![]
        ),
        [87, 100]
    );
}

/// "resources requested, pods scheduled with resources": node1 holds a cpu-only pod
/// (6000/10000, 5000/20000 → std 0.175 → 82); node2 a cpu-and-memory pod (0.6, 0.5 →
/// 95).
#[test]
fn pods_scheduled_with_resources() {
    let got = run(
        cpu_and_memory(),
        &[("node1", "10", "20000"), ("node2", "10", "20000")],
        vec![("node1", cpu_only()), ("node2", cpu_and_memory())],
    );
    assert_eq!(got, [82, 95]);
}

/// v1.32 scores a best-effort pod by the node's own balance: an empty node 100.
#[test]
fn best_effort_pods_are_scored_in_v1_32() {
    assert_eq!(run(json!([]), &[("node1", "4", "10000")], vec![]), [100]);
    // cpu 3/4, memory 0 → std 0.375 → 62.
    assert_eq!(
        run(
            json!([]),
            &[("node1", "4", "10000")],
            vec![("node1", cpu_only())]
        ),
        [62]
    );
}

/// Fractions are capped at 1, and resources the node lacks are left out.
#[test]
fn fractions_are_capped() {
    assert_eq!(balanced_score(&[8000, 5000], &[4000, 10000]), 75);
    assert_eq!(balanced_score(&[3000, 5000], &[0, 10000]), 100);
}
