//! Unit tests for the apps/v1 rows; cases mirror upstream printers_test.go
//! (`TestPrintDeployment`, `TestPrintReplicaSet`, `TestPrintDaemonSet`,
//! `TestPrintStatefulSet`, `TestPrintControllerRevision`).

use super::*;
use chrono::Duration;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z") {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("bad test time: {e}"),
    }
}

fn obj<T: DeserializeOwned>(value: Value) -> T {
    match serde_json::from_value(value) {
        Ok(o) => o,
        Err(e) => panic!("bad test object: {e}"),
    }
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn template() -> Value {
    json!({"spec": {"containers": [{"name": "fake-container1", "image": "fake-image1"}, {"name": "fake-container2", "image": "fake-image2"}]}})
}

#[test]
fn deployment_ready_up_to_date_available() {
    let d: Deployment = obj(
        json!({"metadata": {"name": "test1", "creationTimestamp": now().to_rfc3339()},
        "spec": {"replicas": 5, "selector": {"matchLabels": {"foo": "bar"}}, "template": template()},
        "status": {"replicas": 10, "updatedReplicas": 2, "availableReplicas": 1, "unavailableReplicas": 4}}),
    );
    assert_eq!(
        deployment_row(&d, now()),
        strings(&[
            "test1",
            "0/5",
            "2",
            "1",
            "0s",
            "fake-container1,fake-container2",
            "fake-image1,fake-image2",
            "foo=bar"
        ])
    );
    // An empty selector prints as an empty cell, not <none>.
    let d: Deployment = obj(
        json!({"metadata": {"name": "d"}, "spec": {"selector": {}, "template": {}},
        "status": {"readyReplicas": 3}}),
    );
    assert_eq!(deployment_row(&d, now())[1], "3/1");
    assert_eq!(deployment_row(&d, now())[7], "");
}

#[test]
fn replica_set_counts_and_wide_selector() {
    let rs: ReplicaSet = obj(
        json!({"metadata": {"name": "nginx-76fbb7bd7b", "creationTimestamp": (now() - Duration::seconds(90)).to_rfc3339()},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"pod-template-hash": "76fbb7bd7b", "app": "nginx"}},
            "template": {"spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}}},
        "status": {"replicas": 3, "readyReplicas": 2}}),
    );
    assert_eq!(
        replica_set_row(&rs, now()),
        strings(&[
            "nginx-76fbb7bd7b",
            "3",
            "3",
            "2",
            "90s",
            "nginx",
            "nginx:1.14.2",
            "app=nginx,pod-template-hash=76fbb7bd7b"
        ])
    );
}

#[test]
fn daemon_set_counts_and_node_selector() {
    let ds: DaemonSet = obj(json!({"metadata": {"name": "test1"},
        "spec": {"selector": {"matchLabels": {"app": "fluentd"}}, "template": {"spec": {"containers": [{"name": "c", "image": "i"}],
            "nodeSelector": {"disk": "ssd"}}}},
        "status": {"currentNumberScheduled": 2, "desiredNumberScheduled": 3, "numberReady": 1, "updatedNumberScheduled": 2,
            "numberAvailable": 0, "numberMisscheduled": 0}}));
    assert_eq!(
        daemon_set_row(&ds, now()),
        strings(&[
            "test1",
            "3",
            "2",
            "1",
            "2",
            "0",
            "disk=ssd",
            "<unknown>",
            "c",
            "i",
            "app=fluentd"
        ])
    );
    let ds: DaemonSet =
        obj(json!({"metadata": {"name": "kube-proxy"}, "spec": {"selector": {}, "template": {}}}));
    assert_eq!(daemon_set_row(&ds, now())[6], "<none>");
    assert_eq!(daemon_set_row(&ds, now())[10], "<none>");
}

#[test]
fn stateful_set_ready_over_desired() {
    let sts: StatefulSet = obj(json!({"metadata": {"name": "test1"},
        "spec": {"replicas": 5, "selector": {}, "serviceName": "s", "template": template()},
        "status": {"replicas": 10, "readyReplicas": 2}}));
    assert_eq!(
        stateful_set_row(&sts, now()),
        strings(&[
            "test1",
            "2/5",
            "<unknown>",
            "fake-container1,fake-container2",
            "fake-image1,fake-image2"
        ])
    );
}

#[test]
fn controller_revision_controller_column() {
    let owner = |api_version: &str, kind: &str, controller: bool| json!([{"apiVersion": api_version, "kind": kind, "name": "test", "uid": "u", "controller": controller}]);
    let rev = |owners: Value| -> ControllerRevision {
        obj(json!({"metadata": {"name": "test1", "ownerReferences": owners}, "revision": 1}))
    };
    assert_eq!(
        controller_revision_row(&rev(owner("apps/v1", "DaemonSet", true)), now()),
        strings(&["test1", "daemonset.apps/test", "1", "<unknown>"])
    );
    assert_eq!(
        controller_revision_row(&rev(owner("apps/v1", "DaemonSet", false)), now())[1],
        "<none>"
    );
    assert_eq!(controller_revision_row(&rev(json!([])), now())[1], "<none>");
    assert_eq!(
        controller_revision_row(&rev(owner("v1", "Pod", true)), now())[1],
        "pod/test"
    );
}
