//! NodePorts, restating upstream `node_ports_test.go` `TestNodePorts`: each case is the
//! host ports already used on the node and those the pod wants.

use serde_json::json;

use super::*;
use crate::scheduler::plugins::node_ports::{NodePorts, ERR_REASON};

/// `"PROTO/IP/PORT"` strings as container ports.
fn ports(specs: &[&str]) -> serde_json::Value {
    let ports: Vec<_> = specs
        .iter()
        .map(|s| {
            let parts: Vec<&str> = s.split('/').collect();
            json!({"protocol": parts[0], "hostIP": parts[1], "hostPort": parts[2].parse::<i32>().unwrap_or(0), "containerPort": 80})
        })
        .collect();
    json!({"containers": [{"name": "c", "ports": ports}]})
}

fn check(existing: &[&str], wanted: &[&str]) -> Result<(), Rejection> {
    let n = plain_node("node", "1", "1Gi");
    let snap = snapshot(
        vec![n],
        vec![bound("node", json!({"spec": ports(existing)}))],
    );
    verdicts(&NodePorts, &pod_spec(ports(wanted)), &snap).remove(0)
}

fn conflict() -> Result<(), Rejection> {
    Err(Rejection::unschedulable(ERR_REASON))
}

#[test]
fn upstream_cases() {
    assert_eq!(check(&[], &[]), Ok(()), "nothing running");
    assert_eq!(
        check(&["UDP/127.0.0.1/8080"], &["UDP/127.0.0.1/9090"]),
        Ok(()),
        "other port"
    );
    assert_eq!(
        check(&["UDP/127.0.0.1/8080"], &["UDP/127.0.0.1/8080"]),
        conflict(),
        "same udp port"
    );
    assert_eq!(
        check(&["TCP/127.0.0.1/8080"], &["TCP/127.0.0.1/8080"]),
        conflict(),
        "same tcp port"
    );
    assert_eq!(
        check(&["TCP/127.0.0.2/8080"], &["TCP/127.0.0.1/8080"]),
        Ok(()),
        "different host ip"
    );
    assert_eq!(
        check(&["TCP/127.0.0.1/8080"], &["UDP/127.0.0.1/8080"]),
        Ok(()),
        "different protocol"
    );
    assert_eq!(
        check(
            &["UDP/127.0.0.1/8080"],
            &["TCP/127.0.0.1/8000", "UDP/127.0.0.1/8080"]
        ),
        conflict(),
        "second udp port conflict"
    );
    assert_eq!(
        check(
            &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8080"],
            &["TCP/127.0.0.1/8001", "UDP/127.0.0.1/8081"]
        ),
        conflict(),
        "first tcp port conflict"
    );
    assert_eq!(
        check(&["TCP/127.0.0.1/8001"], &["TCP/0.0.0.0/8001"]),
        conflict(),
        "first tcp port conflict due to 0.0.0.0 hostIP"
    );
    assert_eq!(
        check(
            &["TCP/127.0.0.1/8001"],
            &["TCP/10.0.10.10/8001", "TCP/0.0.0.0/8001"]
        ),
        conflict(),
        "TCP hostPort conflict due to 0.0.0.0 hostIP"
    );
    assert_eq!(
        check(&["TCP/0.0.0.0/8001"], &["TCP/127.0.0.1/8001"]),
        conflict(),
        "second tcp port conflict to 0.0.0.0 hostIP"
    );
    assert_eq!(
        check(&["TCP/0.0.0.0/8001"], &["UDP/127.0.0.1/8001"]),
        Ok(()),
        "second different protocol"
    );
    assert_eq!(
        check(
            &["TCP/0.0.0.0/8001", "UDP/0.0.0.0/8001"],
            &["UDP/127.0.0.1/8001"]
        ),
        conflict(),
        "UDP hostPort conflict due to 0.0.0.0 hostIP"
    );
}

/// A pod without host ports skips the plugin.
#[test]
fn no_host_ports_skips() {
    let snap = snapshot(vec![plain_node("n", "1", "1Gi")], vec![]);
    let (pre, _) = filter(
        &NodePorts,
        &pod_spec(json!({"containers": [{"name": "c"}]})),
        &snap,
    );
    assert_eq!(pre, PreFilter::Skip);
}
