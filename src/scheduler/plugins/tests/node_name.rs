//! NodeName, restating upstream `node_name_test.go` `TestNodeName`.

use serde_json::json;

use super::*;
use crate::scheduler::plugins::node_name::{NodeName, ERR_REASON};

fn check(spec_node: Option<&str>, node: &str) -> Result<(), Rejection> {
    let spec = match spec_node {
        Some(n) => json!({"containers": [], "nodeName": n}),
        None => json!({"containers": []}),
    };
    let snap = snapshot(vec![plain_node(node, "1", "1Gi")], vec![]);
    verdicts(&NodeName, &pod_spec(spec), &snap).remove(0)
}

#[test]
fn no_host_specified() {
    assert_eq!(check(None, "foo"), Ok(()));
}

#[test]
fn host_matches() {
    assert_eq!(check(Some("foo"), "foo"), Ok(()));
}

#[test]
fn host_does_not_match() {
    assert_eq!(
        check(Some("bar"), "foo"),
        Err(Rejection::unresolvable(ERR_REASON))
    );
}
