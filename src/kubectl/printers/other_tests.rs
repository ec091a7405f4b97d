//! Unit tests for the Event, EndpointSlice, Lease, PodDisruptionBudget and
//! default rows; cases mirror upstream printers_test.go (`TestPrintEvent`,
//! `TestPrintEndpointSlice`, `TestPrintLease`, `TestPrintPodDisruptionBudget`)
//! unless stated otherwise.

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

fn days_ago(n: i64) -> String {
    (now() - Duration::days(n)).to_rfc3339()
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|s| s.to_string()).collect()
}

fn deployment_event(extra: Value) -> Event {
    let mut base = json!({"metadata": {"name": "event"}, "involvedObject": {"kind": "Deployment", "name": "Deployment Name",
        "fieldPath": "spec.containers{foo}"}, "source": {"component": "kubelet", "host": "Node1"},
        "reason": "Event Reason", "message": "Message Data", "type": "Warning"});
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        for (k, v) in e {
            b.insert(k.clone(), v.clone());
        }
    }
    obj(base)
}

#[test]
fn event_basic_and_wide_cells() {
    let e: Event = obj(
        json!({"metadata": {"name": "event1"}, "source": {"component": "kubelet"},
        "involvedObject": {"kind": "Pod", "name": "Pod Name", "fieldPath": "spec.containers{foo}"},
        "reason": "Event Reason", "message": "Message Data", "firstTimestamp": days_ago(3), "lastTimestamp": days_ago(2),
        "count": 6, "type": "Normal"}),
    );
    let want = [
        "2d",
        "Normal",
        "Event Reason",
        "pod/Pod Name",
        "spec.containers{foo}",
        "kubelet",
        "Message Data",
        "3d",
        "6",
        "event1",
    ];
    assert_eq!(event_row(&e, now()), strings(&want));
    let e = deployment_event(
        json!({"firstTimestamp": days_ago(3), "lastTimestamp": days_ago(2), "count": 6}),
    );
    let want = [
        "2d",
        "Warning",
        "Event Reason",
        "deployment/Deployment Name",
        "spec.containers{foo}",
        "kubelet, Node1",
        "Message Data",
        "3d",
        "6",
        "event",
    ];
    assert_eq!(event_row(&e, now()), strings(&want));
}

#[test]
fn event_timestamp_fallbacks_series_and_singletons() {
    // Without firstTimestamp: eventTime; without lastTimestamp: first seen.
    let e = deployment_event(
        json!({"eventTime": days_ago(3), "lastTimestamp": days_ago(3), "count": 1}),
    );
    assert_eq!(event_row(&e, now())[7..9], strings(&["3d", "1"]));
    let e = deployment_event(
        json!({"eventTime": days_ago(3), "firstTimestamp": days_ago(3), "count": 1}),
    );
    assert_eq!(event_row(&e, now())[0], "3d");
    // A series reports its last observation and count.
    let e = deployment_event(
        json!({"eventTime": days_ago(3), "series": {"count": 2, "lastObservedTime": days_ago(2)}}),
    );
    let row = event_row(&e, now());
    assert_eq!(
        (row[0].as_str(), row[7].as_str(), row[8].as_str()),
        ("2d", "3d", "2")
    );
    // Singleton events without a count count once.
    let e = deployment_event(json!({"eventTime": days_ago(3)}));
    assert_eq!(event_row(&e, now())[8], "1");
    // An empty source falls back to the reporting controller and instance.
    let e: Event = obj(
        json!({"metadata": {"name": "e"}, "involvedObject": {"kind": "Deployment", "name": "d"},
        "reportingComponent": "kubelet", "reportingInstance": "test"}),
    );
    assert_eq!(event_row(&e, now())[5], "kubelet, test");
}

#[test]
fn endpoint_slice_ports_and_endpoints() {
    let s: EndpointSlice = obj(
        json!({"metadata": {"name": "abcslice.123"}, "addressType": "IPv4",
        "ports": [{"name": "http", "port": 80, "protocol": "TCP"}],
        "endpoints": [{"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}]}),
    );
    assert_eq!(
        endpoint_slice_row(&s, now()),
        strings(&[
            "abcslice.123",
            "IPv4",
            "80",
            "10.1.2.3,2001:db8::1234:5678",
            "<unknown>"
        ])
    );
    let s: EndpointSlice = obj(
        json!({"metadata": {"name": "longerslicename.123"}, "addressType": "IPv6",
        "ports": [{"name": "http", "port": 80}, {"name": "https", "port": 443}],
        "endpoints": [{"addresses": ["10.1.2.3", "2001:db8::1234:5678"]}, {"addresses": ["10.2.3.4", "2001:db8::2345:6789"]}]}),
    );
    assert_eq!(
        endpoint_slice_row(&s, now())[2..4],
        strings(&[
            "80,443",
            "10.1.2.3,2001:db8::1234:5678,10.2.3.4 + 1 more..."
        ])
    );
    let s: EndpointSlice = obj(
        json!({"metadata": {"name": "empty"}, "addressType": "IPv4", "endpoints": [], "ports": [{"name": "p"}, {}]}),
    );
    assert_eq!(
        endpoint_slice_row(&s, now())[2..4],
        strings(&["p,*", "<unset>"])
    );
}

#[test]
fn lease_pdb_and_default_rows() {
    let lease: Lease = obj(
        json!({"metadata": {"name": "kube-scheduler"}, "spec": {"holderIdentity": "control-plane_1234"}}),
    );
    assert_eq!(
        lease_row(&lease, now()),
        strings(&["kube-scheduler", "control-plane_1234", "<unknown>"])
    );
    let pdb: PodDisruptionBudget = obj(
        json!({"metadata": {"name": "pdb1", "creationTimestamp": (now() + Duration::milliseconds(1900)).to_rfc3339()},
        "spec": {"minAvailable": 22}, "status": {"disruptionsAllowed": 5, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}),
    );
    assert_eq!(
        pod_disruption_budget_row(&pdb, now()),
        strings(&["pdb1", "22", "N/A", "5", "0s"])
    );
    let pdb: PodDisruptionBudget =
        obj(json!({"metadata": {"name": "pdb2"}, "spec": {"maxUnavailable": "11%"}}));
    assert_eq!(
        pod_disruption_budget_row(&pdb, now())[1..4],
        strings(&["N/A", "11%", "0"])
    );
    let meta: ObjectMeta = obj(json!({"name": "foo"}));
    assert_eq!(default_row(&meta, now()), strings(&["foo", "<unknown>"]));
    // The API server's default table (apiserver rest.DefaultTableConvertor).
    let meta: ObjectMeta =
        obj(json!({"name": "admin", "creationTimestamp": "2024-05-01T10:20:30Z"}));
    assert_eq!(
        created_at_row(&meta),
        strings(&["admin", "2024-05-01T10:20:30Z"])
    );
}
