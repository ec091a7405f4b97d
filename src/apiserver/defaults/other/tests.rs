//! Manifest-in, defaulted-JSON-out tests for discovery, policy and coordination.

use super::super::test_support::{assert_json, created, defaulted};
use serde_json::json;

#[test]
fn endpoint_slice_ports_get_name_and_protocol() {
    // SetDefaults_EndpointPort: name "" and protocol TCP when unset; explicit values stay.
    let got = created(
        json!({"kind": "EndpointSlice", "apiVersion": "discovery.k8s.io/v1",
        "metadata": {"name": "web-abc"}, "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.1.5"]}],
        "ports": [{"port": 80}, {"name": "dns", "port": 53, "protocol": "UDP"}]}),
    );
    assert_json(
        &got["ports"],
        &json!([{"name": "", "port": 80, "protocol": "TCP"},
        {"name": "dns", "port": 53, "protocol": "UDP"}]),
    );
    assert_eq!(got["metadata"]["generation"], 1); // endpointSliceStrategy.PrepareForCreate
}

#[test]
fn kubectl_create_pdb() {
    // `kubectl create pdb p --selector=app=x --min-available=1`: no defaulters; the
    // strategy resets status (four counters printed as 0) and sets generation 1.
    let got = created(
        json!({"kind": "PodDisruptionBudget", "apiVersion": "policy/v1", "metadata": {"name": "p"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "x"}}},
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}),
    );
    assert_json(
        &got,
        &json!({"kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
        "metadata": {"name": "p", "generation": 1},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "x"}}},
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}}),
    );
}

#[test]
fn leases_are_not_defaulted() {
    // v1.32 defaults nothing on a Lease (no `spec.strategy`).
    let lease = json!({"kind": "Lease", "apiVersion": "coordination.k8s.io/v1",
        "metadata": {"name": "worker01", "namespace": "kube-node-lease"},
        "spec": {"holderIdentity": "worker01", "leaseDurationSeconds": 40}});
    assert_json(&defaulted(lease.clone()), &lease);
}
