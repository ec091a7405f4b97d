//! Core kinds: Pod, Service, ConfigMap, Secret, Namespace, Node, ServiceAccount,
//! Endpoints, PersistentVolumeClaim.

use serde_json::json;

use super::{container, create, invalid_message, obj, pod, set, unset, update};

const SUBDOMAIN: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

#[test]
fn valid_pod_passes() {
    assert_eq!(
        create(pod("web", json!([container("web", "nginx")]))),
        Vec::<String>::new()
    );
}

#[test]
fn pod_name_must_be_a_subdomain() {
    // `kubectl run Web --image=nginx` on v1.32.
    assert_eq!(
        invalid_message(pod("Web", json!([container("web", "nginx")]))),
        format!("Pod \"Web\" is invalid: metadata.name: Invalid value: \"Web\": {SUBDOMAIN}")
    );
}

#[test]
fn pod_containers_are_required_and_named() {
    assert_eq!(
        create(pod("p", json!([]))),
        vec!["spec.containers: Required value"]
    );
    let bad = container("Web", "");
    assert_eq!(
        create(pod("p", json!([bad]))),
        vec![
            format!("spec.containers[0].name: Invalid value: \"Web\": {LABEL}"),
            "spec.containers[0].image: Required value".to_string()
        ]
    );
}

#[test]
fn duplicate_container_names_and_bad_ports() {
    let mut c = container("web", "nginx");
    c["ports"] = json!([{"containerPort": 70000, "protocol": "TCP"}, {"containerPort": 80, "protocol": "HTTP", "name": "http"}]);
    let errs = create(pod("p", json!([c, container("web", "nginx")])));
    assert_eq!(
        errs,
        vec![
            "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
            "spec.containers[0].ports[1].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
            "spec.containers[1].name: Duplicate value: \"web\"",
        ]
    );
}

#[test]
fn pod_restart_and_dns_policies_are_enums() {
    let p = set(
        pod("p", json!([container("web", "nginx")])),
        "/spec/restartPolicy",
        json!("Sometimes"),
    );
    let p = set(p, "/spec/dnsPolicy", json!("Google"));
    assert_eq!(
        create(p),
        vec![
            "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"",
            "spec.dnsPolicy: Unsupported value: \"Google\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"",
        ]
    );
}

#[test]
fn volume_mounts_must_name_a_volume() {
    let mut c = container("web", "nginx");
    c["volumeMounts"] = json!([{"name": "data", "mountPath": "/data"}]);
    assert_eq!(
        create(pod("p", json!([c]))),
        vec!["spec.containers[0].volumeMounts[0].name: Not found: \"data\""]
    );
}

#[test]
fn env_value_from_needs_one_source() {
    let mut c = container("web", "nginx");
    c["env"] = json!([{"name": "A", "valueFrom": {}}, {"name": "B=C", "value": "x"}]);
    assert_eq!(
        create(pod("p", json!([c]))),
        vec![
            "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`",
            "spec.containers[0].env[1].name: Invalid value: \"B=C\": a valid environment variable name must consist only of printable ASCII characters other than '='",
        ]
    );
}

#[test]
fn requests_may_not_exceed_limits() {
    let mut c = container("web", "nginx");
    c["resources"] = json!({"limits": {"memory": "512Mi"}, "requests": {"memory": "1Gi"}});
    assert_eq!(
        create(pod("p", json!([c]))),
        vec!["spec.containers[0].resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory limit of 512Mi"]
    );
}

#[test]
fn pod_update_may_change_the_image() {
    let old = pod("p", json!([container("web", "nginx:1.26")]));
    let new = pod("p", json!([container("web", "nginx:1.27")]));
    assert_eq!(update(new, old), Vec::<String>::new());
}

#[test]
fn pod_update_of_other_fields_is_forbidden() {
    // Changing a container port of a running pod, as `kubectl apply` would try.
    let old = pod("p", json!([container("web", "nginx")]));
    let mut c = container("web", "nginx");
    c["ports"] = json!([{"containerPort": 80, "protocol": "TCP"}]);
    let errs = update(pod("p", json!([c])), old);
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0].starts_with(
            "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n  core.PodSpec{"
        ),
        "{}",
        errs[0]
    );
}

#[test]
fn pod_update_may_not_add_containers() {
    let old = pod("p", json!([container("web", "nginx")]));
    let new = pod(
        "p",
        json!([container("web", "nginx"), container("log", "busybox")]),
    );
    assert_eq!(
        update(new, old),
        vec!["spec.containers: Forbidden: pod updates may not add or remove containers"]
    );
}

fn service(ports: serde_json::Value) -> serde_json::Value {
    json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
           "spec": {"type": "ClusterIP", "ports": ports, "selector": {"app": "web"}, "sessionAffinity": "None",
                    "clusterIP": "10.96.0.20", "clusterIPs": ["10.96.0.20"], "ipFamilies": ["IPv4"],
                    "ipFamilyPolicy": "SingleStack", "internalTrafficPolicy": "Cluster"}})
}

#[test]
fn valid_service_passes_and_names_are_dns1035() {
    let svc = service(json!([{"port": 80, "targetPort": 8080, "protocol": "TCP"}]));
    assert_eq!(create(svc.clone()), Vec::<String>::new());
    assert_eq!(
        create(set(svc, "/metadata/name", json!("1web"))),
        vec!["metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"]
    );
}

#[test]
fn service_port_rules() {
    assert_eq!(
        create(service(json!([]))),
        vec!["spec.ports: Required value"]
    );
    let two = json!([{"port": 80, "targetPort": 80, "protocol": "TCP"}, {"port": 80, "targetPort": 80, "protocol": "TCP", "nodePort": 30080}]);
    assert_eq!(
        create(service(two)),
        vec![
            "spec.ports[0].name: Required value",
            "spec.ports[1].name: Required value",
            "spec.ports[1].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
            "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}",
        ]
    );
}

#[test]
fn service_type_is_an_enum() {
    let svc = set(
        service(json!([{"port": 80, "targetPort": 80, "protocol": "TCP"}])),
        "/spec/type",
        json!("Internal"),
    );
    assert_eq!(
        create(svc),
        vec!["spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""]
    );
}

#[test]
fn service_cluster_ip_is_immutable() {
    let old = service(json!([{"port": 80, "targetPort": 80, "protocol": "TCP"}]));
    let new = set(
        set(old.clone(), "/spec/clusterIP", json!("10.96.0.21")),
        "/spec/clusterIPs",
        json!(["10.96.0.21"]),
    );
    assert_eq!(
        update(new, old),
        vec![
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.21\"}: may not change once set"
        ]
    );
}

#[test]
fn config_map_keys_and_size() {
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}, "data": {"foo bar": "x", "..x": "y"}});
    assert_eq!(
        create(cm),
        vec![
            "data[..x]: Invalid value: \"..x\": must not start with '..'",
            "data[foo bar]: Invalid value: \"foo bar\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
        ]
    );
    let big = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}, "data": {"k": "x".repeat(1024 * 1024 + 1)}});
    assert_eq!(
        create(big),
        vec!["[]: Too long: may not be more than 1048576 bytes"]
    );
}

#[test]
fn immutable_config_map_data_cannot_change() {
    let old = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default"}, "data": {"a": "1"}, "immutable": true});
    let new = set(old.clone(), "/data/a", json!("2"));
    assert_eq!(
        update(new, old),
        vec!["data: Forbidden: field is immutable when `immutable` is set"]
    );
}

#[test]
fn secret_types_require_their_keys() {
    let tls = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"}, "type": "kubernetes.io/tls", "data": {}});
    assert_eq!(
        create(tls),
        vec![
            "data[tls.crt]: Required value",
            "data[tls.key]: Required value"
        ]
    );
    let dcj = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"}, "type": "kubernetes.io/dockerconfigjson", "stringData": {".dockerconfigjson": "xyz"}});
    assert_eq!(
        create(dcj),
        vec!["data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": invalid character 'x' looking for beginning of value"]
    );
    let old = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s", "namespace": "default"}, "type": "Opaque"});
    let new = set(old.clone(), "/type", json!("kubernetes.io/basic-auth"));
    assert_eq!(
        update(new, old),
        vec![
            "type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable",
            "data[username]: Required value",
            "data[password]: Required value"
        ]
    );
}

#[test]
fn namespace_names_are_dns_labels() {
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team.a"}});
    assert_eq!(
        create(ns),
        vec!["metadata.name: Invalid value: \"team.a\": must not contain dots"]
    );
    let ns = json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a", "namespace": "default"}});
    assert_eq!(
        create(ns),
        vec!["metadata.namespace: Forbidden: not allowed on this type"]
    );
}

#[test]
fn node_taints_need_known_effects() {
    let node = json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "worker01"},
                      "spec": {"taints": [{"key": "dedicated", "value": "gpu", "effect": "NoRun"}]}});
    assert_eq!(
        create(node),
        vec!["metadata.taints[0].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""]
    );
}

#[test]
fn service_account_and_endpoints() {
    let sa = json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "Builder", "namespace": "default"}});
    assert_eq!(
        create(sa),
        vec![format!(
            "metadata.name: Invalid value: \"Builder\": {SUBDOMAIN}"
        )]
    );
    let ep = json!({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "web", "namespace": "default"},
                    "subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": 80, "protocol": "TCP"}]}]});
    assert_eq!(
        create(ep),
        vec!["subsets[0].addresses[0].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"]
    );
}

#[test]
fn pvc_needs_access_modes_and_storage() {
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "data", "namespace": "default"},
                     "spec": {"resources": {}, "volumeMode": "Filesystem"}});
    assert_eq!(
        create(pvc),
        vec![
            "spec.accessModes: Required value: at least 1 access mode is required",
            "spec.resources[storage]: Required value"
        ]
    );
}

#[test]
fn metadata_rules_apply_to_every_kind() {
    let mut cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "default",
        "labels": {"app": "web!"}, "annotations": {"bad key": "v"}}});
    assert_eq!(
        create(cm.clone()),
        vec![
            "metadata.labels: Invalid value: \"web!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            "metadata.annotations: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ]
    );
    cm = unset(unset(cm, "/metadata/labels"), "/metadata/annotations");
    assert!(obj(cm.clone()).meta().labels.is_none());
    let renamed = set(cm.clone(), "/metadata/name", json!("d"));
    assert_eq!(
        update(renamed, cm),
        vec!["metadata.name: Invalid value: \"d\": field is immutable"]
    );
}

#[test]
fn init_containers_may_not_probe_unless_restartable() {
    // Upstream TestValidateInitContainers: probes need restartPolicy=Always (sidecars).
    let mut init = container("setup", "busybox");
    init["livenessProbe"] = json!({"exec": {"command": ["true"]}, "periodSeconds": 10, "timeoutSeconds": 1, "successThreshold": 1, "failureThreshold": 3});
    let p = set(
        pod("p", json!([container("web", "nginx")])),
        "/spec/initContainers",
        json!([init.clone()]),
    );
    assert_eq!(
        create(p),
        vec!["spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]
    );
    init["restartPolicy"] = json!("Always");
    let p = set(
        pod("p", json!([container("web", "nginx")])),
        "/spec/initContainers",
        json!([init]),
    );
    assert_eq!(create(p), Vec::<String>::new());
}

#[test]
fn host_network_pods_publish_container_ports() {
    let mut c = container("web", "nginx");
    c["ports"] = json!([{"containerPort": 80, "hostPort": 8080, "protocol": "TCP"}]);
    let p = set(pod("p", json!([c])), "/spec/hostNetwork", json!(true));
    assert_eq!(
        create(p),
        vec!["spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true"]
    );
}

#[test]
fn persistent_volume_needs_a_source() {
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"},
                    "spec": {"accessModes": ["ReadWriteOnce"], "capacity": {"storage": "1Gi"}, "persistentVolumeReclaimPolicy": "Retain", "volumeMode": "Filesystem"}});
    assert_eq!(
        create(pv.clone()),
        vec!["spec: Required value: must specify a volume type"]
    );
    let pv = set(pv, "/spec/hostPath", json!({"path": "/data"}));
    assert_eq!(create(pv), Vec::<String>::new());
}

#[test]
fn objects_need_a_name() {
    // The API server generates names from generateName before validating; without
    // either, v1.32 says this.
    let cm = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "default"}});
    assert_eq!(
        create(cm),
        vec!["metadata.name: Required value: name or generateName is required"]
    );
}
