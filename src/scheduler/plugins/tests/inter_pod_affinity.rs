//! InterPodAffinity, restating upstream `filtering_test.go`
//! (`TestRequiredAffinitySingleNode`) and `scoring_test.go` (`TestPreferredAffinity`).

use std::rc::Rc;

use serde_json::{json, Value};

use super::*;
use crate::model::Object;
use crate::scheduler::plugins::inter_pod_affinity::{
    InterPodAffinity, ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY,
    ERR_REASON_EXISTING_ANTI_AFFINITY,
};

fn term(key: &str, op: &str, values: Value, topology: &str) -> Value {
    json!({"labelSelector": {"matchExpressions": [{"key": key, "operator": op, "values": values}]}, "topologyKey": topology})
}

fn with_affinity(labels: Value, affinity: Value) -> PodInfo {
    pod(
        json!({"metadata": {"name": "incoming", "labels": labels}, "spec": {"containers": [], "affinity": affinity}}),
    )
}

fn node1() -> Rc<Object> {
    node(
        "machine1",
        json!({"region": "r1", "zone": "z11"}),
        json!({"pods": "10"}),
        json!({}),
    )
}

fn existing_pod(labels: Value, ns: &str, affinity: Value) -> Rc<Object> {
    bound(
        "machine1",
        json!({"metadata": {"name": "existing", "namespace": ns, "labels": labels},
                             "spec": {"containers": [], "affinity": affinity}}),
    )
}

fn one(p: &PodInfo, pods: Vec<Rc<Object>>) -> Result<(), Rejection> {
    let snap = snapshot(vec![node1()], pods);
    verdicts(&InterPodAffinity, p, &snap).remove(0)
}

fn securityscan() -> Value {
    json!({"service": "securityscan"})
}

#[test]
fn no_affinity_fits() {
    assert_eq!(one(&pod(json!({})), vec![]), Ok(()));
}

#[test]
fn affinity_in_operator_matches_existing_pod() {
    let aff = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["securityscan", "value2"]), "region")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(
            &p,
            vec![existing_pod(securityscan(), "default", json!(null))]
        ),
        Ok(())
    );
}

#[test]
fn affinity_to_a_pod_in_another_namespace_does_not_match() {
    let aff = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["securityscan"]), "region")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(&p, vec![existing_pod(securityscan(), "ns2", json!(null))]),
        Err(Rejection::unresolvable(ERR_REASON_AFFINITY))
    );
}

#[test]
fn affinity_with_unmatching_selector() {
    let aff = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["antivirusscan", "value2"]), "region")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(
            &p,
            vec![existing_pod(securityscan(), "default", json!(null))]
        ),
        Err(Rejection::unresolvable(ERR_REASON_AFFINITY))
    );
}

/// "The affinity rule is to schedule all of the pods of this collection to the same
/// zone. The first pod of the collection should not be blocked".
#[test]
fn first_pod_of_a_self_affine_group_is_not_blocked() {
    let aff = json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("foo", "In", json!(["bar"]), "zone")]}});
    let p = with_affinity(json!({"foo": "bar"}), aff);
    assert_eq!(one(&p, vec![]), Ok(()));
}

#[test]
fn anti_affinity_with_matching_existing_pod() {
    let aff = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["securityscan"]), "zone")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(
            &p,
            vec![existing_pod(securityscan(), "default", json!(null))]
        ),
        Err(Rejection::unschedulable(ERR_REASON_ANTI_AFFINITY))
    );
}

#[test]
fn anti_affinity_without_matching_pod_fits() {
    let aff = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["antivirusscan"]), "zone")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(
            &p,
            vec![existing_pod(securityscan(), "default", json!(null))]
        ),
        Ok(())
    );
}

/// "Verify that PodAntiAffinity from existing pod is respected when pod has no
/// AntiAffinity constraints".
#[test]
fn existing_pods_anti_affinity_is_symmetric() {
    let existing_aff = json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        term("service", "In", json!(["securityscan"]), "zone")]}});
    let p = with_affinity(securityscan(), json!(null));
    assert_eq!(
        one(&p, vec![existing_pod(json!({}), "default", existing_aff)]),
        Err(Rejection::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY))
    );
}

/// The filter reports affinity before anti-affinity.
#[test]
fn affinity_and_anti_affinity_both_apply() {
    let aff = json!({
        "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("service", "In", json!(["securityscan"]), "region")]},
        "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term("service", "In", json!(["securityscan"]), "zone")]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        one(
            &p,
            vec![existing_pod(securityscan(), "default", json!(null))]
        ),
        Err(Rejection::unschedulable(ERR_REASON_ANTI_AFFINITY))
    );
}

/// `TestPreferredAffinity` "Affinity: pod that matches topology key & pods in nodes will
/// get high score comparing to others": preferred affinity (weight 5) to
/// `security=S1` on region; machine1 (region China) holds such a pod, machine2 (India)
/// none, machine3 (China) none: raw 5, 0, 5 → 100, 0, 100.
#[test]
fn preferred_affinity_scores_the_domain() {
    let nodes = vec![
        node(
            "machine1",
            json!({"region": "China"}),
            json!({"pods": "10"}),
            json!({}),
        ),
        node(
            "machine2",
            json!({"region": "India"}),
            json!({"pods": "10"}),
            json!({}),
        ),
        node(
            "machine3",
            json!({"region": "China"}),
            json!({"pods": "10"}),
            json!({}),
        ),
    ];
    let pods = vec![bound(
        "machine1",
        json!({"metadata": {"name": "s1", "labels": {"security": "S1"}}}),
    )];
    let snap = snapshot(nodes, pods);
    let aff = json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": term("security", "In", json!(["S1"]), "region")}]}});
    let p = with_affinity(json!({}), aff);
    assert_eq!(
        scores(&InterPodAffinity, &p, &snap),
        Some(vec![100, 0, 100])
    );
    // Anti-affinity with the same term turns it around.
    let anti = json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
        {"weight": 5, "podAffinityTerm": term("security", "In", json!(["S1"]), "region")}]}});
    assert_eq!(
        scores(&InterPodAffinity, &with_affinity(json!({}), anti), &snap),
        Some(vec![0, 100, 0])
    );
    // Nothing to score: skipped.
    assert_eq!(scores(&InterPodAffinity, &pod(json!({})), &snap), None);
}
