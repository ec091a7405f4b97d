//! NodeAffinity, restating upstream `node_affinity_test.go` (`TestNodeAffinity`,
//! `TestNodeAffinityPriority`).

use std::collections::BTreeSet;

use serde_json::{json, Value};

use super::*;
use crate::scheduler::plugins::node_affinity::{NodeAffinity, ERR_REASON_CONFLICT, ERR_REASON_POD};

fn labelled(name: &str, labels: Value) -> std::rc::Rc<crate::model::Object> {
    node(name, labels, json!({"pods": "10"}), json!({}))
}

fn required(terms: Value) -> Value {
    json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": terms}}})
}

/// Filters a pod with `spec` against node `node1` with `labels`.
fn fits(spec: Value, labels: Value) -> Result<(), Rejection> {
    let snap = snapshot(vec![labelled("node1", labels)], vec![]);
    verdicts(&NodeAffinity, &pod_spec(spec), &snap).remove(0)
}

fn no() -> Result<(), Rejection> {
    Err(Rejection::unresolvable(ERR_REASON_POD))
}

#[test]
fn node_selector_cases() {
    let sel = |s: Value| json!({"containers": [], "nodeSelector": s});
    assert_eq!(
        fits(json!({"containers": []}), json!({})),
        Ok(()),
        "no selector"
    );
    assert_eq!(
        fits(sel(json!({"foo": "bar"})), json!({})),
        no(),
        "missing labels"
    );
    assert_eq!(
        fits(sel(json!({"foo": "bar"})), json!({"foo": "bar"})),
        Ok(()),
        "same labels"
    );
    assert_eq!(
        fits(
            sel(json!({"foo": "bar"})),
            json!({"foo": "bar", "baz": "blah"})
        ),
        Ok(()),
        "node labels are superset"
    );
    assert_eq!(
        fits(
            sel(json!({"foo": "bar", "baz": "blah"})),
            json!({"foo": "bar"})
        ),
        no(),
        "node labels are subset"
    );
}

#[test]
fn match_expression_operators() {
    let one = |key: &str, op: &str, values: Value| json!({"containers": [], "affinity": required(json!([{"matchExpressions": [{"key": key, "operator": op, "values": values}]}]))});
    assert_eq!(
        fits(
            one("foo", "In", json!(["bar", "value2"])),
            json!({"foo": "bar"})
        ),
        Ok(()),
        "In matches"
    );
    assert_eq!(
        fits(
            one("kernel-version", "Gt", json!(["0204"])),
            json!({"kernel-version": "0206"})
        ),
        Ok(()),
        "Gt matches"
    );
    assert_eq!(
        fits(
            one("mem-type", "NotIn", json!(["DDR", "DDR2"])),
            json!({"mem-type": "DDR3"})
        ),
        Ok(()),
        "NotIn matches"
    );
    assert_eq!(
        fits(
            one("GPU", "Exists", json!([])),
            json!({"GPU": "NVIDIA-GRID-K1"})
        ),
        Ok(()),
        "Exists matches"
    );
    assert_eq!(
        fits(
            one("foo", "In", json!(["value1", "value2"])),
            json!({"foo": "bar"})
        ),
        no(),
        "In does not match"
    );
}

#[test]
fn degenerate_terms_match_nothing() {
    let spec = |terms: Value| json!({"containers": [], "affinity": required(terms)});
    assert_eq!(
        fits(spec(json!([])), json!({"foo": "bar"})),
        no(),
        "no terms"
    );
    assert_eq!(
        fits(
            spec(json!([{"matchExpressions": []}])),
            json!({"foo": "bar"})
        ),
        no(),
        "empty matchExpressions"
    );
    let no_required = json!({"containers": [], "affinity": {"nodeAffinity": {}}});
    assert_eq!(
        fits(no_required, json!({"foo": "bar"})),
        Ok(()),
        "affinity without required terms"
    );
}

#[test]
fn terms_or_and_expressions_and() {
    let anded = json!({"containers": [], "affinity": required(json!([{"matchExpressions": [
        {"key": "GPU", "operator": "Exists"},
        {"key": "GPU", "operator": "NotIn", "values": ["AMD", "INTER"]}]}]))});
    assert_eq!(
        fits(anded, json!({"GPU": "NVIDIA-GRID-K1"})),
        Ok(()),
        "multiple matchExpressions ANDed"
    );
    let ored = json!({"containers": [], "affinity": required(json!([
        {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar", "value2"]}]},
        {"matchExpressions": [{"key": "diffkey", "operator": "In", "values": ["wrong", "value2"]}]}]))});
    assert_eq!(
        fits(ored, json!({"foo": "bar"})),
        Ok(()),
        "multiple terms ORed"
    );
}

#[test]
fn node_selector_and_affinity_must_both_hold() {
    let both = |sel: Value| {
        json!({"containers": [], "nodeSelector": sel, "affinity": required(json!([
            {"matchExpressions": [{"key": "foo", "operator": "Exists"}]}]))})
    };
    assert_eq!(
        fits(both(json!({"foo": "bar"})), json!({"foo": "bar"})),
        Ok(())
    );
    assert_eq!(
        fits(both(json!({"foo": "bar"})), json!({"foo": "barrrrrr"})),
        no()
    );
}

/// Terms that pin `metadata.name` narrow the node set in PreFilter.
#[test]
fn match_fields_narrow_the_node_set() {
    let snap = snapshot(
        vec![
            labelled("node1", json!({})),
            labelled("node2", json!({"foo": "bar"})),
        ],
        vec![],
    );
    let pinned = pod_spec(json!({"containers": [], "affinity": required(json!([
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node1"]}]}]))}));
    let (pre, results) = filter(&NodeAffinity, &pinned, &snap);
    assert_eq!(
        pre,
        PreFilter::OnlyNodes(BTreeSet::from(["node1".to_string()]))
    );
    assert_eq!(results, vec![Ok(()), no()]);
    // A second term without name pins keeps every node eligible.
    let two_terms = pod_spec(json!({"containers": [], "affinity": required(json!([
        {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["node1"]}]},
        {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}]))}));
    let (pre, results) = filter(&NodeAffinity, &two_terms, &snap);
    assert_eq!(pre, PreFilter::Proceed);
    assert_eq!(results, vec![Ok(()), Ok(())]);
    // Pins that intersect to nothing within one term conflict.
    let conflict = pod_spec(json!({"containers": [], "affinity": required(json!([
        {"matchFields": [
            {"key": "metadata.name", "operator": "In", "values": ["node1"]},
            {"key": "metadata.name", "operator": "In", "values": ["node2"]}]}]))}));
    let (pre, _) = filter(&NodeAffinity, &conflict, &snap);
    assert_eq!(
        pre,
        PreFilter::Reject(Rejection::unresolvable(ERR_REASON_CONFLICT))
    );
}

fn preferred(terms: Value) -> PodInfo {
    pod_spec(
        json!({"containers": [], "affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": terms}}}),
    )
}

/// `TestNodeAffinityPriority`.
#[test]
fn preferred_terms_score() {
    let affinity1 = json!([{"weight": 2, "preference": {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}}]);
    let affinity2 = json!([
        {"weight": 2, "preference": {"matchExpressions": [{"key": "foo", "operator": "In", "values": ["bar"]}]}},
        {"weight": 4, "preference": {"matchExpressions": [{"key": "key", "operator": "In", "values": ["value"]}]}},
        {"weight": 5, "preference": {"matchExpressions": [
            {"key": "foo", "operator": "In", "values": ["bar"]},
            {"key": "key", "operator": "In", "values": ["value"]},
            {"key": "az", "operator": "In", "values": ["az1"]}]}}]);
    let label1 = json!({"foo": "bar"});
    let label2 = json!({"key": "value"});
    let label3 = json!({"az": "az1"});
    let label5 = json!({"foo": "bar", "key": "value", "az": "az1"});
    let snap = |labels: Vec<Value>| {
        let nodes = labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| labelled(&format!("node{}", i + 1), l))
            .collect();
        snapshot(nodes, vec![])
    };
    // "all nodes are same priority as NodeAffinity is nil": the plugin skips.
    assert_eq!(
        scores(
            &NodeAffinity,
            &pod_spec(json!({"containers": []})),
            &snap(vec![label1.clone()])
        ),
        None
    );
    // "no node matches preferred scheduling requirements".
    let s = snap(vec![label3.clone(), label2.clone(), label3.clone()]);
    assert_eq!(
        scores(&NodeAffinity, &preferred(affinity1.clone()), &s),
        Some(vec![0, 0, 0])
    );
    // "only node1 matches".
    let s = snap(vec![label1.clone(), label2.clone(), label3.clone()]);
    assert_eq!(
        scores(&NodeAffinity, &preferred(affinity1), &s),
        Some(vec![100, 0, 0])
    );
    // "all nodes matches ... with different priorities": raw 2, 11, 4 → 2×100/11 = 18,
    // 100, 4×100/11 = 36.
    let s = snap(vec![label1, label5, label2]);
    assert_eq!(
        scores(&NodeAffinity, &preferred(affinity2), &s),
        Some(vec![18, 100, 36])
    );
}
