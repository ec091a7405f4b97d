//! NodeUnschedulable, restating upstream `node_unschedulable_test.go`.

use serde_json::json;

use super::*;
use crate::scheduler::plugins::node_unschedulable::{NodeUnschedulable, ERR_REASON};

fn check(unschedulable: Option<bool>, tolerations: serde_json::Value) -> Result<(), Rejection> {
    let spec = match unschedulable {
        Some(u) => json!({"unschedulable": u}),
        None => json!({}),
    };
    let n = node("n", json!({}), json!({"pods": "10"}), spec);
    let snap = snapshot(vec![n], vec![]);
    let p = pod_spec(json!({"containers": [], "tolerations": tolerations}));
    verdicts(&NodeUnschedulable, &p, &snap).remove(0)
}

#[test]
fn does_not_schedule_to_unschedulable_node() {
    assert_eq!(
        check(Some(true), json!([])),
        Err(Rejection::unresolvable(ERR_REASON))
    );
}

#[test]
fn schedules_to_normal_node() {
    assert_eq!(check(Some(false), json!([])), Ok(()));
    assert_eq!(check(None, json!([])), Ok(()));
}

#[test]
fn schedules_pod_with_unschedulable_toleration() {
    let tol = json!([{"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}]);
    assert_eq!(check(Some(true), tol), Ok(()));
}
