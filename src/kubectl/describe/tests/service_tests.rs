//! Golden tests of the Service, Endpoints and EndpointSlice describers.

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// Three Running, Ready nginx pods on the three workers, as on the talk's slides 46-47.
fn nginx_pods(h: &mut Harness) {
    let pods = [
        (
            "nginx-deployment-5fbf59df75-fwqpn",
            "worker01",
            "10.244.1.10",
            "192.168.10.11",
        ),
        (
            "nginx-deployment-5fbf59df75-6hnbq",
            "worker02",
            "10.244.2.10",
            "192.168.10.12",
        ),
        (
            "nginx-deployment-5fbf59df75-55j5b",
            "worker03",
            "10.244.3.10",
            "192.168.10.13",
        ),
    ];
    for (name, node, ip, host) in pods {
        h.create(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx"}},
            "spec": {"nodeName": node, "containers": [{"name": "nginx", "image": "nginx:1.7.9", "ports": [{"containerPort": 80}]}]}
        }));
        h.set_status(Kind::Pod, "default", name, json!({
            "phase": "Running", "hostIP": host, "podIP": ip, "podIPs": [{"ip": ip}],
            "startTime": "2025-01-01T00:00:00Z",
            "conditions": [
                {"type": "Initialized", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z"},
                {"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T00:00:05Z"},
                {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2025-01-01T00:00:05Z"},
                {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z"}
            ]
        }));
    }
}

const SVC_SAMPLE: &str = r#"apiVersion: v1
kind: Service
metadata:
  name: svc-sample
spec:
  type: NodePort
  clusterIP: 10.110.100.22
  ports:
  - name: "http-port"
    protocol: "TCP"
    port: 8080
    targetPort: 80
    nodePort: 31706
  selector:
    app: nginx
"#;

/// The talk's slide 47, `kubectl describe svc svc-sample`, as v1.32's `describeService`
/// prints it: the last-applied annotation is hidden, IP family lines and both traffic
/// policies appear, and Endpoints come from the EndpointSlice the controller built.
#[test]
fn slide_47_describe_svc_sample() {
    let mut h = Harness::new();
    nginx_pods(&mut h);
    h.cluster.apply_yaml(SVC_SAMPLE);
    h.advance(17);
    assert_text(
        &h.describe("svc svc-sample"),
        "\
Name:                     svc-sample
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=nginx
Type:                     NodePort
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.110.100.22
IPs:                      10.110.100.22
Port:                     http-port  8080/TCP
TargetPort:               80/TCP
NodePort:                 http-port  31706/TCP
Endpoints:                10.244.1.10:80,10.244.2.10:80,10.244.3.10:80
Session Affinity:         None
External Traffic Policy:  Cluster
Internal Traffic Policy:  Cluster
Events:                   <none>
",
    );
}

/// Upstream `TestDescribeService` test1 and test2, restated on a real API server: a
/// LoadBalancer with a desired IP, an ingress IP with its mode, a health-check node port,
/// a named target port, and Endpoints from two slices where a not-ready endpoint is
/// skipped and the fourth ready one becomes ` + 1 more...`.
#[test]
fn upstream_describe_service_load_balancer() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": "bar", "namespace": "default"},
        "spec": {
            "type": "LoadBalancer", "clusterIP": "10.96.0.50", "loadBalancerIP": "5.6.7.8",
            "selector": {"blah": "heh"}, "externalTrafficPolicy": "Local",
            "internalTrafficPolicy": "Cluster", "healthCheckNodePort": 32222,
            "ports": [{"name": "port-tcp", "port": 8080, "protocol": "TCP", "targetPort": "target-port", "nodePort": 31111}]
        }
    }));
    h.set_status(
        Kind::Service,
        "default",
        "bar",
        json!({
            "loadBalancer": {"ingress": [{"ip": "5.6.7.8", "ipMode": "VIP"}]}
        }),
    );
    let slice = |name: &str, endpoints: serde_json::Value| {
        json!({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "namespace": "default", "labels": {"kubernetes.io/service-name": "bar"}},
            "addressType": "IPv4",
            "endpoints": endpoints,
            "ports": [{"name": "port-tcp", "port": 9527, "protocol": "UDP"}]
        })
    };
    h.create(slice(
        "bar-12345",
        json!([
            {"addresses": ["10.244.0.1"], "conditions": {"ready": true}},
            {"addresses": ["10.244.0.2"], "conditions": {"ready": true}}
        ]),
    ));
    h.create(slice(
        "bar-54321",
        json!([
            {"addresses": ["10.244.0.3"], "conditions": {"ready": false}},
            {"addresses": ["10.244.0.4"], "conditions": {"ready": true}},
            {"addresses": ["10.244.0.5"], "conditions": {"ready": true}}
        ]),
    ));
    assert_text(
        &h.describe("service bar"),
        "\
Name:                     bar
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 blah=heh
Type:                     LoadBalancer
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.0.50
IPs:                      10.96.0.50
Desired LoadBalancer IP:  5.6.7.8
LoadBalancer Ingress:     5.6.7.8 (VIP)
Port:                     port-tcp  8080/TCP
TargetPort:               target-port/TCP
NodePort:                 port-tcp  31111/TCP
Endpoints:                10.244.0.1:9527,10.244.0.2:9527,10.244.0.4:9527 + 1 more...
Session Affinity:         None
External Traffic Policy:  Local
Internal Traffic Policy:  Cluster
HealthCheck NodePort:     32222
Events:                   <none>
",
    );
}

/// `describeEndpoints` and `describeEndpointSliceV1` of what the controllers built for
/// `svc-sample`.
#[test]
fn describe_endpoints_and_slice_of_svc_sample() {
    let mut h = Harness::new();
    nginx_pods(&mut h);
    h.cluster.apply_yaml(SVC_SAMPLE);
    assert_text(
        &h.describe("ep svc-sample"),
        "\
Name:         svc-sample
Namespace:    default
Labels:       <none>
Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2025-01-01T00:00:00Z
Subsets:
  Addresses:          10.244.1.10,10.244.2.10,10.244.3.10
  NotReadyAddresses:  <none>
  Ports:
    Name       Port  Protocol
    ----       ----  --------
    http-port  80    TCP

Events:  <none>
",
    );
    assert_text(
        &h.describe("endpointslices svc-sample"),
        "\
Name:         svc-sample-jbj94
Namespace:    default
Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
              kubernetes.io/service-name=svc-sample
Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2025-01-01T00:00:00Z
AddressType:  IPv4
Ports:
  Name       Port  Protocol
  ----       ----  --------
  http-port  80    TCP
Endpoints:
  - Addresses:  10.244.1.10
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/nginx-deployment-5fbf59df75-fwqpn
    NodeName:   worker01
    Zone:       <unset>
  - Addresses:  10.244.2.10
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/nginx-deployment-5fbf59df75-6hnbq
    NodeName:   worker02
    Zone:       <unset>
  - Addresses:  10.244.3.10
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/nginx-deployment-5fbf59df75-55j5b
    NodeName:   worker03
    Zone:       <unset>
Events:         <none>

",
    );
}

/// Upstream `TestDescribeEndpointSlice` (v1): an unnamed port, two endpoints with target
/// references, node names and one zone.
#[test]
fn upstream_describe_endpoint_slice() {
    let mut h = Harness::new();
    h.create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "bar"}}));
    h.create(json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "foo.123", "namespace": "bar"},
        "addressType": "IPv4",
        "endpoints": [
            {"addresses": ["1.2.3.4", "1.2.3.5"], "conditions": {"ready": true},
             "targetRef": {"kind": "Pod", "name": "test-123"}, "zone": "us-central1-a", "nodeName": "node-1"},
            {"addresses": ["1.2.3.6", "1.2.3.7"], "conditions": {"ready": true},
             "targetRef": {"kind": "Pod", "name": "test-124"}, "nodeName": "node-2"}
        ],
        "ports": [{"protocol": "TCP", "port": 80}]
    }));
    assert_text(
        &h.describe("endpointslice foo.123 -n bar"),
        "\
Name:         foo.123
Namespace:    bar
Labels:       <none>
Annotations:  <none>
AddressType:  IPv4
Ports:
  Name     Port  Protocol
  ----     ----  --------
  <unset>  80    TCP
Endpoints:
  - Addresses:  1.2.3.4, 1.2.3.5
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/test-123
    NodeName:   node-1
    Zone:       us-central1-a
  - Addresses:  1.2.3.6, 1.2.3.7
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/test-124
    NodeName:   node-2
    Zone:       <unset>
Events:         <none>
",
    );
}
