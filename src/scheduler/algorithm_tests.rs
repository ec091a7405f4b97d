//! Framework tests: `schedule_one` end to end over plugins (filter → score → normalise →
//! select), the `Decision` it records, `percentageOfNodesToScore` and the rotating start.

use std::rc::Rc;

use serde_json::json;

use super::*;
use crate::model::Object;
use crate::scheduler::plugins::default_profile;
use crate::scheduler::plugins::tests::{bound, node, plain_node, pod, pod_spec, snapshot};

fn workers(n: usize) -> Vec<Rc<Object>> {
    (1..=n)
        .map(|i| plain_node(&format!("worker{i:02}"), "2", "4Gi"))
        .collect()
}

fn control_plane() -> Rc<Object> {
    node(
        "controlplane",
        json!({"kubernetes.io/hostname": "controlplane"}),
        json!({"cpu": "2", "memory": "4Gi", "pods": "110"}),
        json!({"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}),
    )
}

/// Upstream `TestNumFeasibleNodesToFind` with the adaptive percentage.
#[test]
fn num_feasible_nodes_to_find_is_adaptive() {
    assert_eq!(num_feasible_nodes_to_find(10), 10, "below 100 nodes: all");
    assert_eq!(num_feasible_nodes_to_find(99), 99);
    assert_eq!(
        num_feasible_nodes_to_find(100),
        100,
        "50% of 100 is raised to 100"
    );
    assert_eq!(num_feasible_nodes_to_find(1000), 420, "50 - 1000/125 = 42%");
    assert_eq!(num_feasible_nodes_to_find(5000), 500, "50 - 40 = 10%");
    assert_eq!(num_feasible_nodes_to_find(6000), 300, "floor of 5%");
}

/// The whole pipeline on the talk's cluster: the control plane is rejected by
/// TaintToleration, the workers are scored by every plugin, and the totals add
/// `normalized × weight`.
#[test]
fn decision_records_rejections_scores_and_choice() {
    let mut nodes = vec![control_plane()];
    nodes.extend(workers(3));
    let existing = vec![bound(
        "worker01",
        json!({"metadata": {"name": "busy"},
        "spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "1", "memory": "1Gi"}}}]}}),
    )];
    let snap = snapshot(nodes, existing);
    let p = pod_spec(json!({"containers": [{"name": "c", "image": "nginx"}]}));
    let mut start = 0;
    let mut rng = SimRng::new(1);
    let a = schedule_one(&default_profile(), &snap, &p, &mut start, &mut rng);
    let d = &a.decision;
    let rejected = d
        .rejection_of("controlplane")
        .expect("control plane rejected");
    assert_eq!(rejected.plugin, "TaintToleration");
    assert_eq!(start, 0, "all 4 nodes examined: the start index wraps to 0");
    assert_eq!(d.filtered.len(), 4);
    assert_eq!(
        d.feasible.iter().map(|n| n.to_string()).collect::<Vec<_>>(),
        ["worker01", "worker02", "worker03"]
    );
    let plugins: Vec<&str> = d.scores.iter().map(|s| s.plugin).collect();
    // PodTopologySpread and InterPodAffinity skip a bare pod; NodeAffinity has no
    // preferred terms.
    assert_eq!(
        plugins,
        [
            "TaintToleration",
            "NodeResourcesFit",
            "NodeResourcesBalancedAllocation",
            "ImageLocality"
        ]
    );
    for (i, total) in d.totals.iter().enumerate() {
        let sum: i64 = d.scores.iter().map(|s| s.normalized[i] * s.weight).sum();
        assert_eq!(*total, sum);
    }
    // worker01 is busier: LeastAllocated (cpu 1100m/2000m → 45, memory 1224Mi/4Gi → 70)
    // averages 57 against 95 on the empty workers.
    let fit = &d.scores[1];
    assert_eq!(fit.raw, [57, 95, 95]);
    let chosen = d.chosen.as_deref().unwrap_or("");
    assert!(chosen == "worker02" || chosen == "worker03", "{chosen}");
    assert!(d.failure_message().is_none());
}

/// One feasible node is chosen without scoring, as upstream.
#[test]
fn a_single_feasible_node_is_not_scored() {
    let snap = snapshot(
        vec![control_plane(), plain_node("worker01", "2", "4Gi")],
        vec![],
    );
    let mut start = 0;
    let a = schedule_one(
        &default_profile(),
        &snap,
        &pod(json!({})),
        &mut start,
        &mut SimRng::new(0),
    );
    assert_eq!(a.decision.chosen.as_deref(), Some("worker01"));
    assert!(a.decision.scores.is_empty());
}

/// An unschedulable pod: every node's verdict, the FitError message and the preemption
/// verdict.
#[test]
fn unschedulable_decision() {
    let mut nodes = vec![control_plane()];
    nodes.extend(workers(3));
    let snap = snapshot(nodes, vec![]);
    let p =
        pod_spec(json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "3"}}}]}));
    let a = schedule_one(&default_profile(), &snap, &p, &mut 0, &mut SimRng::new(0));
    let d = &a.decision;
    assert!(d.chosen.is_none());
    assert_eq!(
        d.rejection_of("worker02").map(|r| r.plugin),
        Some("NodeResourcesFit")
    );
    assert_eq!(
        d.failure_message().as_deref(),
        Some("0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
    );
    assert!(a.nomination.is_none());
}

/// On a big cluster only `num_feasible_nodes_to_find` nodes are examined, starting at the
/// rotating index, which advances by the number examined.
#[test]
fn big_clusters_examine_a_sample() {
    let snap = snapshot(workers(1000), vec![]);
    let mut start = 990;
    let a = schedule_one(
        &default_profile(),
        &snap,
        &pod(json!({})),
        &mut start,
        &mut SimRng::new(0),
    );
    assert_eq!(a.decision.filtered.len(), 420);
    assert_eq!(&*a.decision.filtered[0].node, "worker991");
    assert_eq!(
        &*a.decision.filtered[10].node, "worker01",
        "the scan wraps around"
    );
    assert_eq!(start, (990 + 420) % 1000);
}

/// Ties between equal totals are broken uniformly: over many draws each of three equal
/// nodes wins about a third of the time.
#[test]
fn ties_are_broken_uniformly() {
    let mut rng = SimRng::new(42);
    let mut wins = [0; 3];
    for _ in 0..3000 {
        wins[select_host(&[7, 7, 7], &mut rng)] += 1;
    }
    for w in wins {
        assert!((900..1100).contains(&w), "{wins:?}");
    }
    assert_eq!(select_host(&[1, 9, 3], &mut rng), 1);
}

/// No nodes at all: upstream's `ErrNoNodesAvailable`.
#[test]
fn no_nodes() {
    let snap = snapshot(vec![], vec![]);
    let a = schedule_one(
        &default_profile(),
        &snap,
        &pod(json!({})),
        &mut 0,
        &mut SimRng::new(0),
    );
    assert_eq!(
        a.decision.failure_message().as_deref(),
        Some("no nodes available to schedule pods")
    );
}
