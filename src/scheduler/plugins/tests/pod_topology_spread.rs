//! PodTopologySpread, restating upstream `filtering_test.go` (`TestSingleConstraint`,
//! `TestMultipleConstraints`) and `scoring_test.go` (`TestPodTopologySpreadScore`).
//!
//! The upstream layout: `node-a` and `node-b` in `zone1`, `node-x` and `node-y` in
//! `zone2`, every node labelled with its hostname.

use std::rc::Rc;

use serde_json::{json, Value};

use super::*;
use crate::model::Object;
use crate::scheduler::plugins::pod_topology_spread::{
    PodTopologySpread, ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH,
};

fn zoned(name: &str, zone: Option<&str>) -> Rc<Object> {
    let mut labels = json!({"node": name});
    if let Some(z) = zone {
        labels["zone"] = json!(z);
    }
    node(name, labels, json!({"pods": "32"}), json!({}))
}

fn four_nodes() -> Vec<Rc<Object>> {
    vec![
        zoned("node-a", Some("zone1")),
        zoned("node-b", Some("zone1")),
        zoned("node-x", Some("zone2")),
        zoned("node-y", Some("zone2")),
    ]
}

fn constraint(skew: i32, key: &str, action: &str, selector_key: &str) -> Value {
    json!({"maxSkew": skew, "topologyKey": key, "whenUnsatisfiable": action,
           "labelSelector": {"matchExpressions": [{"key": selector_key, "operator": "Exists"}]}})
}

fn incoming(labels: Value, constraints: Vec<Value>) -> PodInfo {
    pod(json!({"metadata": {"name": "p", "labels": labels},
               "spec": {"containers": [], "topologySpreadConstraints": constraints}}))
}

/// `count` pods labelled `labels` on each listed node.
fn existing(placement: &[(&str, usize)], labels: Value) -> Vec<Rc<Object>> {
    let mut out = Vec::new();
    for (node, count) in placement {
        for i in 0..*count {
            out.push(bound(
                node,
                json!({"metadata": {"name": format!("p-{node}-{i}"), "labels": labels}}),
            ));
        }
    }
    out
}

fn fits_on(nodes: Vec<Rc<Object>>, pods: Vec<Rc<Object>>, p: &PodInfo) -> Vec<bool> {
    let snap = snapshot(nodes, pods);
    verdicts(&PodTopologySpread, p, &snap)
        .iter()
        .map(Result::is_ok)
        .collect()
}

#[test]
fn no_existing_pods() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "DoNotSchedule", "foo")],
    );
    assert_eq!(fits_on(four_nodes(), vec![], &p), [true; 4]);
}

#[test]
fn incoming_pod_that_does_not_match_itself() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "DoNotSchedule", "bar")],
    );
    assert_eq!(fits_on(four_nodes(), vec![], &p), [true; 4]);
}

/// "existing pods in a different namespace do not count".
#[test]
fn other_namespaces_do_not_count() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "DoNotSchedule", "foo")],
    );
    let mut pods = existing(&[("node-a", 1)], json!({"foo": ""}));
    pods.push(bound(
        "node-b",
        json!({"metadata": {"name": "x", "namespace": "ns1", "labels": {"foo": ""}}}),
    ));
    pods.push(bound(
        "node-b",
        json!({"metadata": {"name": "y", "namespace": "ns1", "labels": {"foo": ""}}}),
    ));
    // zone1 has 1 matching pod in this namespace, zone2 none: zone1 would be 2 - 0 > 1.
    assert_eq!(fits_on(four_nodes(), pods, &p), [false, false, true, true]);
}

/// "pods spread across zones as 3/3, all nodes fit".
#[test]
fn zones_three_and_three() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "DoNotSchedule", "foo")],
    );
    let pods = existing(
        &[("node-a", 1), ("node-b", 2), ("node-x", 2), ("node-y", 1)],
        json!({"foo": ""}),
    );
    assert_eq!(fits_on(four_nodes(), pods, &p), [true; 4]);
}

/// "pods spread across zones as 1/2 due to absence of label 'zone' on node-b": node-b
/// does not count and is rejected as missing the label.
#[test]
fn node_without_the_key() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "DoNotSchedule", "foo")],
    );
    let nodes = vec![
        zoned("node-a", Some("zone1")),
        zoned("node-b", None),
        zoned("node-x", Some("zone2")),
        zoned("node-y", Some("zone2")),
    ];
    let pods = existing(
        &[("node-a", 1), ("node-b", 1), ("node-x", 1), ("node-y", 1)],
        json!({"foo": ""}),
    );
    let snap = snapshot(nodes, pods);
    let got = verdicts(&PodTopologySpread, &p, &snap);
    assert_eq!(got[0], Ok(()));
    assert_eq!(
        got[1],
        Err(Rejection::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH))
    );
    assert_eq!(
        got[2],
        Err(Rejection::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH))
    );
    assert_eq!(
        got[3],
        Err(Rejection::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH))
    );
}

/// "pods spread across nodes as 2/1/0/3, only node-x fits" (maxSkew 1), and with
/// maxSkew 2 node-b fits too.
#[test]
fn nodes_two_one_zero_three() {
    let pods = || {
        existing(
            &[("node-a", 2), ("node-b", 1), ("node-y", 3)],
            json!({"foo": ""}),
        )
    };
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "node", "DoNotSchedule", "foo")],
    );
    assert_eq!(
        fits_on(four_nodes(), pods(), &p),
        [false, false, true, false]
    );
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(2, "node", "DoNotSchedule", "foo")],
    );
    assert_eq!(
        fits_on(four_nodes(), pods(), &p),
        [false, true, true, false]
    );
}

/// "pods spread across nodes as 2/1/0/3, but pod doesn't match itself": the incoming pod
/// adds nothing to its domain, so a domain at the minimum plus maxSkew still fits.
#[test]
fn pod_that_does_not_match_itself_adds_nothing() {
    let pods = existing(
        &[("node-a", 2), ("node-b", 1), ("node-y", 3)],
        json!({"foo": ""}),
    );
    let p = incoming(
        json!({"bar": ""}),
        vec![constraint(1, "node", "DoNotSchedule", "foo")],
    );
    assert_eq!(fits_on(four_nodes(), pods, &p), [false, true, true, false]);
}

/// `TestMultipleConstraints` "two Constraints on zone and node, spreads = [3/3, 2/1/0/3]":
/// zones are balanced, nodes are not: only node-x fits.
#[test]
fn zone_and_node_constraints_together() {
    let pods = existing(
        &[("node-a", 2), ("node-b", 1), ("node-y", 3)],
        json!({"foo": ""}),
    );
    let p = incoming(
        json!({"foo": ""}),
        vec![
            constraint(1, "zone", "DoNotSchedule", "foo"),
            constraint(1, "node", "DoNotSchedule", "foo"),
        ],
    );
    assert_eq!(fits_on(four_nodes(), pods, &p), [false, false, true, false]);
}

/// minDomains 3 with only 2 zones: the global minimum counts as 0.
#[test]
fn min_domains_treats_the_minimum_as_zero() {
    let pods = existing(&[("node-a", 1), ("node-x", 1)], json!({"foo": ""}));
    let mut c = constraint(1, "zone", "DoNotSchedule", "foo");
    c["minDomains"] = json!(3);
    let p = incoming(json!({"foo": ""}), vec![c]);
    assert_eq!(fits_on(four_nodes(), pods, &p), [false; 4]);
}

fn score_all(nodes: Vec<Rc<Object>>, pods: Vec<Rc<Object>>, p: &PodInfo) -> Option<Vec<i64>> {
    let snap = snapshot(nodes, pods);
    scores(&PodTopologySpread, p, &snap)
}

/// "one constraint on node, no existing pods": all 100.
#[test]
fn score_no_existing_pods() {
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "node", "ScheduleAnyway", "foo")],
    );
    assert_eq!(
        score_all(
            vec![zoned("node-a", None), zoned("node-b", None)],
            vec![],
            &p
        ),
        Some(vec![100, 100])
    );
}

/// "one constraint on node, all 4 nodes are candidates": pods 1/0/0/3; weight ln(6);
/// raw round(1.79) = 2, 0, 0, round(5.38) = 5; normalised 100 × (5 - s) / 5.
#[test]
fn score_four_candidates() {
    let nodes = vec![
        zoned("node-a", None),
        zoned("node-b", None),
        zoned("node-c", None),
        zoned("node-d", None),
    ];
    let pods = existing(&[("node-a", 1), ("node-d", 3)], json!({"foo": ""}));
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "node", "ScheduleAnyway", "foo")],
    );
    assert_eq!(score_all(nodes, pods, &p), Some(vec![60, 100, 100, 0]));
}

/// "one constraint on zone, nodes in two zones": zone1 holds 3 matching pods, zone2 1;
/// weight ln(2 + 2) = 1.386: zone1 nodes round(4.16) = 4, zone2 round(1.39) = 1;
/// normalised 100 × (4 + 1 - s) / 4 = 25 and 100.
#[test]
fn score_by_zone() {
    let pods = existing(
        &[("node-a", 2), ("node-b", 1), ("node-x", 1)],
        json!({"foo": ""}),
    );
    let p = incoming(
        json!({"foo": ""}),
        vec![constraint(1, "zone", "ScheduleAnyway", "foo")],
    );
    assert_eq!(
        score_all(four_nodes(), pods, &p),
        Some(vec![25, 25, 100, 100])
    );
}

/// A pod without constraints and without a Service, ReplicaSet or StatefulSet selecting
/// it has no default selector: the plugin skips.
#[test]
fn bare_pods_get_no_default_constraints() {
    let p = pod(json!({"metadata": {"labels": {"app": "x"}}}));
    assert_eq!(score_all(four_nodes(), vec![], &p), None);
}
