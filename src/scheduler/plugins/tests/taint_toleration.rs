//! TaintToleration, restating upstream `taint_toleration_test.go`
//! (`TestTaintTolerationFilter`, `TestTaintTolerationScore`).

use serde_json::{json, Value};

use super::*;
use crate::scheduler::plugins::taint_toleration::{reason, TaintToleration};

fn tainted(name: &str, taints: Value) -> std::rc::Rc<crate::model::Object> {
    node(
        name,
        json!({}),
        json!({"pods": "10"}),
        json!({"taints": taints}),
    )
}

fn filter_one(tolerations: Value, taints: Value) -> Result<(), Rejection> {
    let snap = snapshot(vec![tainted("n", taints)], vec![]);
    let p = pod_spec(json!({"containers": [], "tolerations": tolerations}));
    verdicts(&TaintToleration, &p, &snap).remove(0)
}

const DEDICATED: &str = r#"[{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]"#;

#[test]
fn pod_without_tolerations_cannot_use_a_tainted_node() {
    let taints: Value = serde_json::from_str(DEDICATED).unwrap_or_default();
    assert_eq!(
        filter_one(json!([]), taints),
        Err(Rejection::unresolvable(reason("dedicated", "user1")))
    );
}

#[test]
fn matching_toleration_allows_dedicated_node() {
    let taints: Value = serde_json::from_str(DEDICATED).unwrap_or_default();
    let tol = json!([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}]);
    assert_eq!(filter_one(tol, taints), Ok(()));
}

#[test]
fn toleration_for_another_user_does_not() {
    let taints: Value = serde_json::from_str(DEDICATED).unwrap_or_default();
    let tol = json!([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]);
    assert_eq!(
        filter_one(tol, taints),
        Err(Rejection::unresolvable(reason("dedicated", "user1")))
    );
}

#[test]
fn exists_operator_tolerates_any_value() {
    let tol = json!([{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}]);
    assert_eq!(
        filter_one(
            tol,
            json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}])
        ),
        Ok(())
    );
}

#[test]
fn all_of_several_taints_tolerated() {
    let tol = json!([
        {"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"},
        {"key": "foo", "operator": "Exists", "effect": "NoSchedule"}]);
    let taints = json!([
        {"key": "dedicated", "value": "user2", "effect": "NoSchedule"},
        {"key": "foo", "value": "bar", "effect": "NoSchedule"}]);
    assert_eq!(filter_one(tol, taints), Ok(()));
}

#[test]
fn toleration_with_other_effect_does_not_tolerate() {
    let tol =
        json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]);
    let taints = json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}]);
    assert_eq!(
        filter_one(tol, taints),
        Err(Rejection::unresolvable(reason("foo", "bar")))
    );
}

#[test]
fn toleration_without_effect_tolerates_every_effect() {
    let tol = json!([{"key": "foo", "operator": "Equal", "value": "bar"}]);
    assert_eq!(
        filter_one(
            tol,
            json!([{"key": "foo", "value": "bar", "effect": "NoSchedule"}])
        ),
        Ok(())
    );
}

#[test]
fn prefer_no_schedule_taints_do_not_filter() {
    let taints = json!([{"key": "dedicated", "value": "user1", "effect": "PreferNoSchedule"}]);
    let tol = json!([{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}]);
    assert_eq!(filter_one(tol, taints.clone()), Ok(()));
    assert_eq!(filter_one(json!([]), taints), Ok(()));
}

#[test]
fn the_message_names_the_first_untolerated_taint() {
    let taints = json!([{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]);
    assert_eq!(
        filter_one(json!([]), taints),
        Err(Rejection::unresolvable(
            "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
        ))
    );
}

fn score_nodes(tolerations: Value, nodes: Vec<Value>) -> Vec<i64> {
    let nodes = nodes
        .into_iter()
        .enumerate()
        .map(|(i, t)| tainted(&format!("node{i}"), t))
        .collect();
    let snap = snapshot(nodes, vec![]);
    let p = pod_spec(json!({"containers": [], "tolerations": tolerations}));
    scores(&TaintToleration, &p, &snap).unwrap_or_default()
}

/// "node with taints tolerated by the pod, gets a higher score than those node with
/// intolerable taints".
#[test]
fn tolerated_taints_score_higher() {
    let tol =
        json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]);
    let got = score_nodes(
        tol,
        vec![
            json!([{"key": "foo", "value": "bar", "effect": "PreferNoSchedule"}]),
            json!([{"key": "foo", "value": "blah", "effect": "PreferNoSchedule"}]),
        ],
    );
    assert_eq!(got, [100, 0]);
}

/// "the nodes that all of their taints are tolerated by the pod, get the same score".
#[test]
fn fully_tolerated_nodes_score_the_same() {
    let tol = json!([
        {"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "PreferNoSchedule"},
        {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "PreferNoSchedule"}]);
    let got = score_nodes(
        tol,
        vec![
            json!([]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "PreferNoSchedule"}]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "PreferNoSchedule"},
               {"key": "disk-type", "value": "ssd", "effect": "PreferNoSchedule"}]),
        ],
    );
    assert_eq!(got, [100, 100, 100]);
}

/// "the more intolerable taints a node has, the lower score it gets": counts 0, 1, 2
/// normalise in reverse to 100, 50, 0.
#[test]
fn more_intolerable_taints_score_lower() {
    let tol =
        json!([{"key": "foo", "operator": "Equal", "value": "bar", "effect": "PreferNoSchedule"}]);
    let got = score_nodes(
        tol,
        vec![
            json!([]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "PreferNoSchedule"}]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "PreferNoSchedule"},
               {"key": "disk-type", "value": "ssd", "effect": "PreferNoSchedule"}]),
        ],
    );
    assert_eq!(got, [100, 50, 0]);
}

/// "only taints and tolerations that have effect PreferNoSchedule are checked by
/// prioritize function".
#[test]
fn only_prefer_no_schedule_counts_for_score() {
    let tol = json!([
        {"key": "cpu-type", "operator": "Equal", "value": "arm64", "effect": "NoSchedule"},
        {"key": "disk-type", "operator": "Equal", "value": "ssd", "effect": "NoSchedule"}]);
    let got = score_nodes(
        tol,
        vec![
            json!([]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "NoSchedule"}]),
            json!([{"key": "cpu-type", "value": "arm64", "effect": "PreferNoSchedule"},
               {"key": "disk-type", "value": "ssd", "effect": "PreferNoSchedule"}]),
        ],
    );
    assert_eq!(got, [100, 100, 0]);
}

/// "Default behaviour No taints and tolerations".
#[test]
fn no_taints_no_tolerations() {
    assert_eq!(
        score_nodes(json!([]), vec![json!([]), json!([])]),
        [100, 100]
    );
}
