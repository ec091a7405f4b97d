//! Unit tests for the core/v1 rows; cases mirror upstream printers_test.go
//! (`TestPrintServiceLoadBalancer`, `TestPrintNodeStatus`,
//! `TestPrintNodeRole`, `TestPrintNodeInternalIP`, `TestPrintNodeOSImage`,
//! `TestPrintNamespace`, `TestPrintSecret`, `TestPrintServiceAccount`,
//! `TestPrintEndpoint`) unless stated otherwise.

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

#[test]
fn service_load_balancer_external_ips_and_ports() {
    let svc: Service = obj(
        json!({"metadata": {"name": "service1"}, "spec": {"clusterIPs": ["1.2.3.4"], "type": "LoadBalancer",
        "ports": [{"port": 80, "protocol": "TCP"}]},
        "status": {"loadBalancer": {"ingress": [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}]}}}),
    );
    assert_eq!(
        service_row(&svc, now()),
        strings(&[
            "service1",
            "LoadBalancer",
            "1.2.3.4",
            "2.3.4.5,3.4.5.6",
            "80/TCP",
            "<unknown>",
            "<none>"
        ])
    );
    // Pending external IP; every protocol printed.
    let svc: Service = obj(
        json!({"metadata": {"name": "service2"}, "spec": {"clusterIPs": ["1.3.4.5"], "type": "LoadBalancer",
        "ports": [{"port": 80, "protocol": "TCP"}, {"port": 8090, "protocol": "UDP"}, {"port": 8000, "protocol": "TCP"}, {"port": 7777, "protocol": "SCTP"}]}}),
    );
    assert_eq!(
        service_row(&svc, now())[3..5],
        strings(&["<pending>", "80/TCP,8090/UDP,8000/TCP,7777/SCTP"])
    );
    // The server builds tables wide, so long lists are not clipped; the
    // selector is the wide column. (Upstream's wide case of the same test.)
    let svc: Service = obj(
        json!({"metadata": {"name": "service4"}, "spec": {"clusterIPs": ["1.5.6.7"], "type": "LoadBalancer",
        "ports": [{"port": 80, "protocol": "TCP"}], "selector": {"foo": "bar"}},
        "status": {"loadBalancer": {"ingress": [{"ip": "2.3.4.5"}, {"ip": "3.4.5.6"}, {"ip": "5.6.7.8", "hostname": "host5678"}]}}}),
    );
    assert_eq!(service_row(&svc, now())[3], "2.3.4.5,3.4.5.6,5.6.7.8");
    assert_eq!(service_row(&svc, now())[6], "foo=bar");
}

/// Not an upstream unit case: the talk's `kubectl get svc` rows.
#[test]
fn service_cluster_ip_and_node_port() {
    let svc: Service = obj(
        json!({"metadata": {"name": "kubernetes", "creationTimestamp": (now() - Duration::minutes(5)).to_rfc3339()},
        "spec": {"type": "ClusterIP", "clusterIP": "10.96.0.1", "clusterIPs": ["10.96.0.1"], "ports": [{"port": 443, "protocol": "TCP"}]}}),
    );
    assert_eq!(
        service_row(&svc, now()),
        strings(&[
            "kubernetes",
            "ClusterIP",
            "10.96.0.1",
            "<none>",
            "443/TCP",
            "5m",
            "<none>"
        ])
    );
    let svc: Service = obj(
        json!({"metadata": {"name": "web"}, "spec": {"type": "NodePort", "clusterIPs": ["10.96.12.7"],
        "ports": [{"port": 8080, "nodePort": 31706, "protocol": "TCP"}], "selector": {"app": "web"}}}),
    );
    assert_eq!(
        service_row(&svc, now())[1..5],
        strings(&["NodePort", "10.96.12.7", "<none>", "8080:31706/TCP"])
    );
    let svc: Service = obj(
        json!({"metadata": {"name": "db"}, "spec": {"type": "ClusterIP", "clusterIPs": ["None"]}}),
    );
    assert_eq!(
        service_row(&svc, now())[2..5],
        strings(&["None", "<none>", "<none>"])
    );
    let svc: Service = obj(
        json!({"metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "example.com"}}),
    );
    assert_eq!(
        service_row(&svc, now())[2..4],
        strings(&["<none>", "example.com"])
    );
}

#[test]
fn node_status_column() {
    let node = |name: &str, unschedulable: bool, conditions: Value| -> Node {
        obj(
            json!({"metadata": {"name": name}, "spec": {"unschedulable": unschedulable}, "status": {"conditions": conditions}}),
        )
    };
    let ready = json!([{"type": "Ready", "status": "True"}]);
    let not_ready = json!([{"type": "Ready", "status": "False"}]);
    let invalid = json!([{"type": "InvalidValue", "status": "True"}]);
    let cases = [
        (node("foo1", false, ready.clone()), "Ready"),
        (node("foo2", true, ready), "Ready,SchedulingDisabled"),
        (node("foo4", false, not_ready.clone()), "NotReady"),
        (node("foo5", true, not_ready), "NotReady,SchedulingDisabled"),
        (node("foo6", false, invalid.clone()), "Unknown"),
        (node("foo8", true, invalid), "Unknown,SchedulingDisabled"),
    ];
    for (n, want) in cases {
        let row = node_row(&n, now());
        assert_eq!(row[1], want, "{:?}", n.metadata.name);
        assert_eq!(row[2..5], strings(&["<none>", "<unknown>", ""]));
    }
}

#[test]
fn node_roles_and_wide_cells() {
    let n: Node = obj(
        json!({"metadata": {"name": "foo10", "labels": {"node-role.kubernetes.io/master": "",
        "node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/proxy": "", "kubernetes.io/role": "node"}}}),
    );
    assert_eq!(node_row(&n, now())[2], "control-plane,master,node,proxy");
    let n: Node =
        obj(json!({"metadata": {"name": "foo11", "labels": {"kubernetes.io/role": "node"}}}));
    assert_eq!(node_row(&n, now())[2], "node");
    // TestPrintNodeInternalIP foo3 and TestPrintNodeOSImage foo1.
    let n: Node = obj(
        json!({"metadata": {"name": "foo3"}, "status": {"nodeInfo": {"osImage": "fake-os-image",
        "architecture": "", "bootID": "", "containerRuntimeVersion": "", "kernelVersion": "", "kubeProxyVersion": "",
        "kubeletVersion": "", "machineID": "", "operatingSystem": "", "systemUUID": ""},
        "addresses": [{"type": "InternalIP", "address": "2.2.2.2"}, {"type": "ExternalIP", "address": "3.3.3.3"}, {"type": "InternalIP", "address": "4.4.4.4"}]}}),
    );
    assert_eq!(
        node_row(&n, now()),
        strings(&[
            "foo3",
            "Unknown",
            "<none>",
            "<unknown>",
            "",
            "2.2.2.2",
            "3.3.3.3",
            "fake-os-image",
            "<unknown>",
            "<unknown>"
        ])
    );
}

#[test]
fn namespace_secret_service_account_config_map() {
    let ns: Namespace = obj(json!({"metadata": {"name": "namespace2"}}));
    assert_eq!(
        namespace_row(&ns, now()),
        strings(&["namespace2", "", "<unknown>"])
    );
    let ns: Namespace = obj(
        json!({"metadata": {"name": "default", "creationTimestamp": (now() - Duration::days(3)).to_rfc3339()},
        "status": {"phase": "Active"}}),
    );
    assert_eq!(
        namespace_row(&ns, now()),
        strings(&["default", "Active", "3d"])
    );
    let secret: Secret = obj(
        json!({"metadata": {"name": "secret1"}, "type": "kubernetes.io/service-account-token",
        "data": {"token": "c2VjcmV0IGRhdGE="}}),
    );
    assert_eq!(
        secret_row(&secret, now()),
        strings(&[
            "secret1",
            "kubernetes.io/service-account-token",
            "1",
            "<unknown>"
        ])
    );
    let sa: ServiceAccount = obj(
        json!({"metadata": {"name": "sa1"}, "secrets": [{"name": "Secret1"}, {"name": "Secret2"}]}),
    );
    assert_eq!(
        service_account_row(&sa, now()),
        strings(&["sa1", "2", "<unknown>"])
    );
    // TestPrintConfigMap: data and binaryData entries both count.
    let cm: ConfigMap = obj(
        json!({"metadata": {"name": "cm"}, "data": {"a": "1", "b": "2"}, "binaryData": {"c": "AA=="}}),
    );
    assert_eq!(
        config_map_row(&cm, now()),
        strings(&["cm", "3", "<unknown>"])
    );
}

#[test]
fn endpoints_formatting() {
    let ep = |subsets: Value| -> Endpoints {
        obj(json!({"metadata": {"name": "ep"}, "subsets": subsets}))
    };
    assert_eq!(endpoints_row(&ep(json!([])), now())[1], "<none>");
    let one = ep(json!([{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": 8080}]}]));
    assert_eq!(endpoints_row(&one, now())[1], "127.0.0.1:8080");
    let headless = ep(json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}]}]));
    assert_eq!(endpoints_row(&headless, now())[1], "10.0.0.1,10.0.0.2");
    let many = ep(
        json!([{"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}, {"ip": "fd00::3"}, {"ip": "10.0.0.4"}],
        "ports": [{"port": 80}, {"port": 443}]}]),
    );
    assert_eq!(
        endpoints_row(&many, now())[1],
        "10.0.0.1:80,10.0.0.2:80,[fd00::3]:80 + 5 more..."
    );
}
