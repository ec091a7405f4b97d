//! Lease, EndpointSlice, PodDisruptionBudget, Event, and the generic metadata pass.

use serde_json::json;

use super::{create, update};

#[test]
fn lease_durations_are_positive() {
    let l = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "worker01", "namespace": "kube-node-lease"},
                   "spec": {"leaseDurationSeconds": 0, "leaseTransitions": -1}});
    assert_eq!(
        create(l),
        vec![
            "spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0",
            "spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn endpoint_slice_address_rules() {
    let es = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "web-abc", "namespace": "default"},
                    "addressType": "IPv4", "endpoints": [{"addresses": []}, {"addresses": ["10.244.1.300"]}],
                    "ports": [{"name": "http", "port": 80, "protocol": "TCP"}]});
    assert_eq!(
        create(es),
        vec![
            "endpoints[0].addresses: Required value: must contain at least 1 address",
            "endpoints[1].addresses[0]: Invalid value: \"10.244.1.300\": must be a valid IPv4 address",
            "endpoints[1].addresses[0]: Invalid value: \"10.244.1.300\": must be a valid IP address",
        ]
    );
    let old = json!({"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice", "metadata": {"name": "s", "namespace": "default"}, "addressType": "IPv4", "endpoints": []});
    let mut new = old.clone();
    new["addressType"] = json!("IPv6");
    assert_eq!(
        update(new, old),
        vec!["addressType: Invalid value: \"IPv6\": field is immutable"]
    );
}

#[test]
fn pdb_takes_one_budget_and_only_path_safe_names() {
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "web", "namespace": "default"},
                     "spec": {"minAvailable": 1, "maxUnavailable": "150%", "selector": {"matchLabels": {"app": "web"}}}});
    assert_eq!(
        create(pdb),
        vec![
            "spec: Invalid value: policy.PodDisruptionBudgetSpec{MinAvailable:(*intstr.IntOrString)(0xc000000000), Selector:(*v1.LabelSelector)(0xc000000000), MaxUnavailable:(*intstr.IntOrString)(0xc000000000), UnhealthyPodEvictionPolicy:(*policy.UnhealthyPodEvictionPolicyType)(nil)}: minAvailable and maxUnavailable cannot be both set",
            "spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ]
    );
    // PDB names only get the generic registry check (`path.ValidatePathSegmentName`).
    let upper = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "Web", "namespace": "default"}, "spec": {"minAvailable": 1}});
    assert_eq!(create(upper), Vec::<String>::new());
    let dots = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "..", "namespace": "default"}, "spec": {"minAvailable": 1}});
    assert_eq!(
        create(dots),
        vec!["metadata.name: Invalid value: \"..\": may not be '..'"]
    );
}

#[test]
fn legacy_event_namespace_must_match() {
    let ev = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "web.1", "namespace": "default"},
                    "involvedObject": {"kind": "Pod", "name": "web", "namespace": "kube-system"}, "reason": "Started"});
    assert_eq!(create(ev), vec!["involvedObject.namespace: Invalid value: \"kube-system\": does not match event.namespace"]);
}

#[test]
fn binding_targets_a_node() {
    let b = json!({"apiVersion": "v1", "kind": "Binding", "metadata": {"name": "web", "namespace": "default"}, "target": {"kind": "Pod"}});
    assert_eq!(
        create(b),
        vec![
            "target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\"",
            "target.name: Required value"
        ]
    );
}

#[test]
fn lease_update_keeps_validating_the_spec() {
    let old = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "worker01", "namespace": "kube-node-lease"},
                     "spec": {"holderIdentity": "worker01", "leaseDurationSeconds": 40}});
    let mut new = old.clone();
    new["spec"]["leaseDurationSeconds"] = json!(-5);
    assert_eq!(
        update(new, old),
        vec!["spec.leaseDurationSeconds: Invalid value: -5: must be greater than 0"]
    );
}
