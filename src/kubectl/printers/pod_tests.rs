//! Unit tests for [`super::pod_row`]; most mirror the cases of upstream's
//! `TestPrintPod`, `TestPrintPodWithRestartableInitContainer` and
//! `TestPrintPodwide` (pkg/printers/internalversion/printers_test.go).

use super::*;
use chrono::Duration;
use serde_json::{json, Value};

fn now() -> DateTime<Utc> {
    match DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z") {
        Ok(t) => t.with_timezone(&Utc),
        Err(e) => panic!("bad test time: {e}"),
    }
}

fn ago(d: Duration) -> String {
    (now() - d).to_rfc3339()
}

fn pod(value: Value) -> Pod {
    match serde_json::from_value(value) {
        Ok(p) => p,
        Err(e) => panic!("bad test pod: {e}"),
    }
}

/// Two anonymous containers, as upstream's `make([]api.Container, 2)`.
fn two() -> Value {
    json!([{"name": "a"}, {"name": "b"}])
}

/// The five non-wide cells of the row.
fn short(p: &Pod) -> Vec<String> {
    pod_row(p, now())[..5].to_vec()
}

fn cells(expected: [&str; 5]) -> Vec<String> {
    expected.iter().map(|s| s.to_string()).collect()
}

#[test]
fn upstream_print_pod_container_states() {
    // test1: name, container count, restarts summed, ready count.
    let p = pod(
        json!({"metadata": {"name": "test1"}, "spec": {"containers": two()}, "status": {"phase": "podPhase",
        "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}},
                              {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 3}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test1", "1/2", "podPhase", "6", "<unknown>"])
    );
    // test2: a waiting reason overrides the phase.
    let p = pod(
        json!({"metadata": {"name": "test2"}, "spec": {"containers": two()}, "status": {"phase": "podPhase",
        "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}},
                              {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"])
    );
    // test3: containers are scanned backwards, so the first one wins.
    let p = pod(
        json!({"metadata": {"name": "test3"}, "spec": {"containers": two()}, "status": {"phase": "podPhase",
        "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": false, "restartCount": 3, "state": {"waiting": {"reason": "ContainerWaitingReason"}}},
                              {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 3, "state": {"terminated": {"exitCode": 0, "reason": "ContainerTerminatedReason"}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"])
    );
    // test5: status.reason beats the phase.
    let p = pod(
        json!({"metadata": {"name": "test5"}, "spec": {"containers": two()}, "status": {"phase": "podPhase", "reason": "podReason",
        "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}},
                              {"name": "b", "image": "", "imageID": "", "ready": true, "restartCount": 3}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test5", "1/2", "podReason", "6", "<unknown>"])
    );
}

#[test]
fn upstream_print_pod_completed_with_running_container() {
    // test6: one container completed, one running: NotReady without a Ready
    // condition, Running with one.
    let statuses = json!([
        {"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"terminated": {"reason": "Completed", "exitCode": 0}}},
        {"name": "b", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}}]);
    let p = pod(
        json!({"metadata": {"name": "test6"}, "spec": {"containers": two()},
        "status": {"phase": "Running", "containerStatuses": statuses}}),
    );
    assert_eq!(
        short(&p),
        cells(["test6", "1/2", "NotReady", "6", "<unknown>"])
    );
    let p = pod(
        json!({"metadata": {"name": "test6"}, "spec": {"containers": two()},
        "status": {"phase": "Running", "containerStatuses": statuses, "conditions": [{"type": "Ready", "status": "True"}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test6", "1/2", "Running", "6", "<unknown>"])
    );
}

#[test]
fn upstream_print_pod_init_containers() {
    let restarted =
        json!({"terminated": {"exitCode": 0, "finishedAt": ago(Duration::seconds(10))}});
    // test7: an init container restarting: Init:0/1 and "3 (10s ago)".
    let p = pod(
        json!({"metadata": {"name": "test7"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "c"}]},
        "status": {"phase": "podPhase",
            "initContainerStatuses": [{"name": "i", "image": "", "imageID": "", "ready": false, "restartCount": 3, "state": {"running": {}}, "lastState": restarted}],
            "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"waiting": {}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"])
    );
    // test10: first init container done after restarts, second restarting.
    let p = pod(
        json!({"metadata": {"name": "test10"}, "spec": {"initContainers": [{"name": "i1"}, {"name": "i2"}], "containers": [{"name": "c"}]},
        "status": {"phase": "podPhase",
            "initContainerStatuses": [
                {"name": "i1", "image": "", "imageID": "", "ready": false, "restartCount": 2, "state": {"terminated": {"exitCode": 0}},
                 "lastState": {"terminated": {"exitCode": 0, "finishedAt": ago(Duration::minutes(2))}}},
                {"name": "i2", "image": "", "imageID": "", "ready": false, "restartCount": 3, "state": {"running": {}}, "lastState": restarted}],
            "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"waiting": {}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"])
    );
    // test11: once initialised, only app container restarts count.
    let p = pod(
        json!({"metadata": {"name": "test11"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "c"}]},
        "status": {"phase": "Running",
            "initContainerStatuses": [{"name": "i", "image": "", "imageID": "", "ready": false, "restartCount": 2, "state": {"terminated": {"exitCode": 0}},
                 "lastState": {"terminated": {"exitCode": 0, "finishedAt": ago(Duration::minutes(2))}}}],
            "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 4, "state": {"running": {}},
                 "lastState": {"terminated": {"exitCode": 0, "finishedAt": ago(Duration::seconds(20))}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"])
    );
}

#[test]
fn init_container_failures_and_waiting_reasons() {
    let with_init = |state: Value| {
        pod(
            json!({"metadata": {"name": "p"}, "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "c"}]},
            "status": {"phase": "Pending",
                "initContainerStatuses": [{"name": "i", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": state}],
                "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"waiting": {"reason": "PodInitializing"}}}]}}),
        )
    };
    let status = |state: Value| pod_row(&with_init(state), now())[2].clone();
    assert_eq!(
        status(json!({"waiting": {"reason": "CrashLoopBackOff"}})),
        "Init:CrashLoopBackOff"
    );
    assert_eq!(
        status(json!({"waiting": {"reason": "PodInitializing"}})),
        "Init:0/1"
    );
    assert_eq!(
        status(json!({"terminated": {"exitCode": 1, "reason": "Error"}})),
        "Init:Error"
    );
    assert_eq!(
        status(json!({"terminated": {"exitCode": 2}})),
        "Init:ExitCode:2"
    );
    assert_eq!(
        status(json!({"terminated": {"exitCode": 137, "signal": 9}})),
        "Init:Signal:9"
    );
    // All init containers done: the app container's PodInitializing shows.
    assert_eq!(
        status(json!({"terminated": {"exitCode": 0, "reason": "Completed"}})),
        "PodInitializing"
    );
}

#[test]
fn app_container_reasons() {
    let with_state = |phase: &str, state: Value| {
        let p = pod(
            json!({"metadata": {"name": "p"}, "spec": {"containers": [{"name": "c"}]},
            "status": {"phase": phase,
                "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": state}]}}),
        );
        pod_row(&p, now())[2].clone()
    };
    assert_eq!(
        with_state(
            "Pending",
            json!({"waiting": {"reason": "ContainerCreating"}})
        ),
        "ContainerCreating"
    );
    assert_eq!(
        with_state("Pending", json!({"waiting": {"reason": "ErrImagePull"}})),
        "ErrImagePull"
    );
    assert_eq!(
        with_state(
            "Pending",
            json!({"waiting": {"reason": "ImagePullBackOff"}})
        ),
        "ImagePullBackOff"
    );
    assert_eq!(
        with_state(
            "Running",
            json!({"waiting": {"reason": "CrashLoopBackOff"}})
        ),
        "CrashLoopBackOff"
    );
    // test16/test17: terminated reasons.
    assert_eq!(
        with_state(
            "Succeeded",
            json!({"terminated": {"exitCode": 0, "reason": "Completed"}})
        ),
        "Completed"
    );
    assert_eq!(
        with_state(
            "Failed",
            json!({"terminated": {"exitCode": 1, "reason": "Error"}})
        ),
        "Error"
    );
    assert_eq!(
        with_state("Failed", json!({"terminated": {"exitCode": 3}})),
        "ExitCode:3"
    );
    assert_eq!(
        with_state(
            "Failed",
            json!({"terminated": {"exitCode": 0, "signal": 15}})
        ),
        "Signal:15"
    );
}

#[test]
fn upstream_print_pod_scheduling_gated_and_deletion() {
    // test15: SchedulingGated from the PodScheduled condition.
    let p = pod(
        json!({"metadata": {"name": "test15"}, "spec": {"containers": two()}, "status": {"phase": "podPhase",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test15", "0/2", "SchedulingGated", "0", "<unknown>"])
    );
    let deleted = ago(Duration::seconds(10));
    // test18: a deleted pod that succeeded stays Completed.
    let p = pod(
        json!({"metadata": {"name": "test18", "deletionTimestamp": deleted}, "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Succeeded", "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test18", "0/1", "Completed", "0", "<unknown>"])
    );
    // test19/test20: running or pending pods being deleted are Terminating.
    let p = pod(
        json!({"metadata": {"name": "test19", "deletionTimestamp": deleted}, "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Running", "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"running": {}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test19", "0/1", "Terminating", "0", "<unknown>"])
    );
    let p = pod(
        json!({"metadata": {"name": "test20", "deletionTimestamp": deleted}, "spec": {"containers": [{"name": "c"}]}, "status": {"phase": "Pending"}}),
    );
    assert_eq!(
        short(&p),
        cells(["test20", "0/1", "Terminating", "0", "<unknown>"])
    );
    // NodeLost pods being deleted print Unknown.
    let p = pod(
        json!({"metadata": {"name": "lost", "deletionTimestamp": deleted}, "spec": {"containers": [{"name": "c"}]},
        "status": {"phase": "Running", "reason": "NodeLost"}}),
    );
    assert_eq!(
        short(&p),
        cells(["lost", "0/1", "Unknown", "0", "<unknown>"])
    );
}

#[test]
fn upstream_restartable_init_containers() {
    let sidecars = json!([{"name": "r1", "restartPolicy": "Always"}, {"name": "r2", "restartPolicy": "Always"}]);
    let restarted =
        json!({"terminated": {"exitCode": 0, "finishedAt": ago(Duration::seconds(10))}});
    let app = json!([{"name": "c", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"waiting": {}}}]);
    // First sidecar running but not started: Init:0/2, READY counts sidecars.
    let p = pod(
        json!({"metadata": {"name": "test1"}, "spec": {"initContainers": sidecars, "containers": [{"name": "c"}]},
        "status": {"phase": "Pending", "conditions": [{"type": "Initialized", "status": "False"}], "containerStatuses": app,
            "initContainerStatuses": [
                {"name": "r1", "image": "", "imageID": "", "ready": false, "restartCount": 3, "started": false, "state": {"running": {}}, "lastState": restarted},
                {"name": "r2", "image": "", "imageID": "", "ready": false, "restartCount": 0, "started": false, "state": {"waiting": {}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"])
    );
    // Both sidecars started and ready, app container running: 3/3 Running and
    // sidecar restarts still count.
    let p = pod(
        json!({"metadata": {"name": "test2"}, "spec": {"initContainers": sidecars, "containers": [{"name": "c"}]},
        "status": {"phase": "Running", "conditions": [{"type": "Initialized", "status": "True"}],
            "initContainerStatuses": [
                {"name": "r1", "image": "", "imageID": "", "ready": true, "restartCount": 3, "started": true, "state": {"running": {}}, "lastState": restarted},
                {"name": "r2", "image": "", "imageID": "", "ready": true, "restartCount": 0, "started": true, "state": {"running": {}}}],
            "containerStatuses": [{"name": "c", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]}}),
    );
    assert_eq!(
        short(&p),
        cells(["test2", "3/3", "Running", "3 (10s ago)", "<unknown>"])
    );
}

/// The talk's example row, and upstream `TestPrintPodwide`'s wide cells.
#[test]
fn wide_cells_ip_node_nominated_and_gates() {
    let p = pod(
        json!({"metadata": {"name": "nginx-deployment-756bf884bf-gr6qt", "creationTimestamp": ago(Duration::seconds(10))},
        "spec": {"containers": two(), "nodeName": "worker01"},
        "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.2"}],
            "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}},
                                  {"name": "b", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]}}),
    );
    let want = [
        "nginx-deployment-756bf884bf-gr6qt",
        "2/2",
        "Running",
        "0",
        "10s",
        "10.244.1.2",
        "worker01",
        "<none>",
        "<none>",
    ];
    assert_eq!(pod_row(&p, now()), want.map(String::from).to_vec());
    // TestPrintPodwide: readiness gates count true conditions; nominated node.
    let p = pod(json!({"metadata": {"name": "test1"},
        "spec": {"containers": two(), "nodeName": "test1", "readinessGates": [{"conditionType": "condition1"}]},
        "status": {"phase": "podPhase", "podIPs": [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}], "nominatedNodeName": "node1",
            "conditions": [{"type": "condition1", "status": "True"}],
            "containerStatuses": [{"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 3, "state": {"running": {}}},
                                  {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 3}]}}));
    let want = [
        "test1",
        "1/2",
        "podPhase",
        "6",
        "<unknown>",
        "1.1.1.1",
        "test1",
        "node1",
        "1/1",
    ];
    assert_eq!(pod_row(&p, now()), want.map(String::from).to_vec());
}
