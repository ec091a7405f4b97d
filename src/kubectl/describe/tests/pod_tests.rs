//! Golden tests of the Pod describer (upstream v1.32 `describePod`,
//! `describeContainers`, `describeVolumes`, `DescribeEvents`).

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// A pod as `kubectl apply` leaves it before any scheduler or kubelet acts: defaulted,
/// with the ServiceAccount admission's projected token volume and the default
/// tolerations, no node, no IP, no conditions.
#[test]
fn describe_pending_pod() {
    let mut h = Harness::new();
    h.cluster.apply_yaml(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  labels:\n    run: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx\n",
    );
    assert_text(
        &h.describe("pod nginx"),
        "\
Name:             nginx
Namespace:        default
Priority:         0
Service Account:  default
Node:             <none>
Labels:           run=nginx
Annotations:      <none>
Status:           Pending
IP:               
IPs:              <none>
Containers:
  nginx:
    Image:        nginx
    Port:         <none>
    Host Port:    <none>
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-wwpfz (ro)
Volumes:
  kube-api-access-wwpfz:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:                      <none>
",
    );
}

/// A running pod with every section `describePod` has: priority class, node and start
/// time, controller, an init container that completed, a container that restarted (last
/// state), requests and limits, probes, every kind of environment variable, mounts with
/// a sub-path, conditions, ConfigMap/EmptyDir/Secret/PVC/DownwardAPI volumes besides the
/// token volume, a node selector, and Events with a repeated warning
/// (`3m (x2 over 4m)`).
#[test]
fn describe_running_pod() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {
            "name": "web-7d4b9c8f6-x2x9k", "namespace": "default",
            "labels": {"app": "web", "pod-template-hash": "7d4b9c8f6"},
            "annotations": {"example.com/owner": "team-a"},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c8f6",
                                  "uid": "2f1a7c61-3b8e-4c53-9d0c-b0f1e2a3c4d5", "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
            "nodeName": "worker01",
            "nodeSelector": {"kubernetes.io/os": "linux"},
            "initContainers": [{"name": "init-config", "image": "busybox:1.36", "command": ["sh", "-c", "echo ready > /work/ready"],
                                "volumeMounts": [{"name": "work", "mountPath": "/work"}]}],
            "containers": [{
                "name": "web", "image": "nginx:1.14.2",
                "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443, "name": "https"}],
                "args": ["nginx", "-g", "daemon off;"],
                "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}},
                "livenessProbe": {"httpGet": {"path": "/healthz", "port": 80}},
                "readinessProbe": {"tcpSocket": {"port": "http"}, "initialDelaySeconds": 5, "periodSeconds": 5},
                "envFrom": [{"configMapRef": {"name": "web-config"}}, {"prefix": "DB_", "secretRef": {"name": "db", "optional": true}}],
                "env": [
                    {"name": "GREETING", "value": "hello"},
                    {"name": "MULTI", "value": "line one\nline two"},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
                    {"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}},
                    {"name": "MEMORY_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.memory", "divisor": "1Mi"}}},
                    {"name": "CPU_LIMIT", "valueFrom": {"resourceFieldRef": {"resource": "limits.cpu"}}},
                    {"name": "SPECIAL_LEVEL", "valueFrom": {"configMapKeyRef": {"name": "special-config", "key": "special.how"}}},
                    {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password", "optional": false}}}
                ],
                "volumeMounts": [
                    {"name": "config", "mountPath": "/etc/nginx/conf.d", "readOnly": true},
                    {"name": "work", "mountPath": "/usr/share/nginx/html", "subPath": "html"},
                    {"name": "certs", "mountPath": "/etc/certs", "readOnly": true},
                    {"name": "data", "mountPath": "/data"},
                    {"name": "podinfo", "mountPath": "/etc/podinfo"}
                ]
            }],
            "volumes": [
                {"name": "config", "configMap": {"name": "web-config"}},
                {"name": "work", "emptyDir": {"sizeLimit": "1Gi"}},
                {"name": "certs", "secret": {"secretName": "web-certs", "optional": true}},
                {"name": "data", "persistentVolumeClaim": {"claimName": "web-data"}},
                {"name": "podinfo", "downwardAPI": {"items": [
                    {"path": "labels", "fieldRef": {"fieldPath": "metadata.labels"}},
                    {"path": "cpu_limit", "resourceFieldRef": {"containerName": "web", "resource": "limits.cpu"}}
                ]}}
            ]
        }
    }));
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        false,
        "Scheduled",
        "Successfully assigned default/web-7d4b9c8f6-x2x9k to worker01",
        "default-scheduler",
        None,
    );
    h.advance(1);
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        false,
        "Pulled",
        "Container image \"busybox:1.36\" already present on machine",
        "kubelet",
        Some("worker01"),
    );
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        false,
        "Started",
        "Started container init-config",
        "kubelet",
        Some("worker01"),
    );
    h.advance(2);
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        false,
        "Pulling",
        "Pulling image \"nginx:1.14.2\"",
        "kubelet",
        Some("worker01"),
    );
    h.set_status(Kind::Pod, "default", "web-7d4b9c8f6-x2x9k", json!({
        "phase": "Running", "hostIP": "192.168.10.11", "hostIPs": [{"ip": "192.168.10.11"}],
        "podIP": "10.244.1.7", "podIPs": [{"ip": "10.244.1.7"}], "startTime": "2025-01-01T00:00:00Z",
        "qosClass": "Burstable",
        "conditions": [
            {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": "2025-01-01T00:00:01Z"},
            {"type": "Initialized", "status": "True", "lastTransitionTime": "2025-01-01T00:00:02Z"},
            {"type": "Ready", "status": "True", "lastTransitionTime": "2025-01-01T00:02:10Z"},
            {"type": "ContainersReady", "status": "True", "lastTransitionTime": "2025-01-01T00:02:10Z"},
            {"type": "PodScheduled", "status": "True", "lastTransitionTime": "2025-01-01T00:00:00Z"}
        ],
        "initContainerStatuses": [{
            "name": "init-config", "image": "docker.io/library/busybox:1.36", "imageID": "docker.io/library/busybox@sha256:768e5c6f",
            "containerID": "containerd://1a2b3c", "ready": true, "restartCount": 0,
            "state": {"terminated": {"exitCode": 0, "reason": "Completed", "startedAt": "2025-01-01T00:00:01Z", "finishedAt": "2025-01-01T00:00:02Z", "containerID": "containerd://1a2b3c"}}
        }],
        "containerStatuses": [{
            "name": "web", "image": "docker.io/library/nginx:1.14.2", "imageID": "docker.io/library/nginx@sha256:f7988fb6",
            "containerID": "containerd://4d5e6f", "ready": true, "restartCount": 1, "started": true,
            "state": {"running": {"startedAt": "2025-01-01T00:02:05Z"}},
            "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "startedAt": "2025-01-01T00:00:08Z", "finishedAt": "2025-01-01T00:01:00Z", "containerID": "containerd://0a0b0c"}}
        }]
    }));
    h.advance(5);
    h.event(Kind::Pod, "default", "web-7d4b9c8f6-x2x9k", false, "Pulled",
        "Successfully pulled image \"nginx:1.14.2\" in 4.51s (4.51s including waiting). Image size: 44406032 bytes.", "kubelet", Some("worker01"));
    h.advance(52);
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        true,
        "BackOff",
        "Back-off restarting failed container web in pod web-7d4b9c8f6-x2x9k_default",
        "kubelet",
        Some("worker01"),
    );
    h.advance(60);
    h.event(
        Kind::Pod,
        "default",
        "web-7d4b9c8f6-x2x9k",
        true,
        "BackOff",
        "Back-off restarting failed container web in pod web-7d4b9c8f6-x2x9k_default",
        "kubelet",
        Some("worker01"),
    );
    h.advance(180);
    assert_text(&h.describe("po web-7d4b9c8f6-x2x9k"), "\
Name:             web-7d4b9c8f6-x2x9k
Namespace:        default
Priority:         0
Service Account:  default
Node:             worker01/192.168.10.11
Start Time:       Wed, 01 Jan 2025 00:00:00 +0000
Labels:           app=web
                  pod-template-hash=7d4b9c8f6
Annotations:      example.com/owner: team-a
Status:           Running
IP:               10.244.1.7
IPs:
  IP:           10.244.1.7
Controlled By:  ReplicaSet/web-7d4b9c8f6
Init Containers:
  init-config:
    Container ID:  containerd://1a2b3c
    Image:         busybox:1.36
    Image ID:      docker.io/library/busybox@sha256:768e5c6f
    Port:          <none>
    Host Port:     <none>
    Command:
      sh
      -c
      echo ready > /work/ready
    State:          Terminated
      Reason:       Completed
      Exit Code:    0
      Started:      Wed, 01 Jan 2025 00:00:01 +0000
      Finished:     Wed, 01 Jan 2025 00:00:02 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-wwpfz (ro)
      /work from work (rw)
Containers:
  web:
    Container ID:  containerd://4d5e6f
    Image:         nginx:1.14.2
    Image ID:      docker.io/library/nginx@sha256:f7988fb6
    Ports:         80/TCP, 443/TCP
    Host Ports:    0/TCP, 0/TCP
    Args:
      nginx
      -g
      daemon off;
    State:          Running
      Started:      Wed, 01 Jan 2025 00:02:05 +0000
    Last State:     Terminated
      Reason:       Error
      Exit Code:    1
      Started:      Wed, 01 Jan 2025 00:00:08 +0000
      Finished:     Wed, 01 Jan 2025 00:01:00 +0000
    Ready:          True
    Restart Count:  1
    Limits:
      memory:  128Mi
    Requests:
      cpu:      100m
      memory:   64Mi
    Liveness:   http-get http://:80/healthz delay=0s timeout=1s period=10s #success=1 #failure=3
    Readiness:  tcp-socket :http delay=5s timeout=1s period=5s #success=1 #failure=3
    Environment Variables from:
      web-config  ConfigMap                 Optional: false
      db          Secret with prefix 'DB_'  Optional: true
    Environment:
      GREETING:       hello
      MULTI:          line one
                      line two
      POD_NAME:       web-7d4b9c8f6-x2x9k (v1:metadata.name)
      NODE_NAME:       (v1:spec.nodeName)
      MEMORY_LIMIT:   128 (limits.memory)
      CPU_LIMIT:      node allocatable (limits.cpu)
      SPECIAL_LEVEL:  <set to the key 'special.how' of config map 'special-config'>  Optional: false
      PASSWORD:       <set to the key 'password' in secret 'db'>                     Optional: false
    Mounts:
      /data from data (rw)
      /etc/certs from certs (ro)
      /etc/nginx/conf.d from config (ro)
      /etc/podinfo from podinfo (rw)
      /usr/share/nginx/html from work (rw,path=\"html\")
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-wwpfz (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  config:
    Type:      ConfigMap (a volume populated by a ConfigMap)
    Name:      web-config
    Optional:  false
  work:
    Type:       EmptyDir (a temporary directory that shares a pod's lifetime)
    Medium:     
    SizeLimit:  1Gi
  certs:
    Type:        Secret (a volume populated by a Secret)
    SecretName:  web-certs
    Optional:    true
  data:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  web-data
    ReadOnly:   false
  podinfo:
    Type:  DownwardAPI (a volume populated by information about the pod)
    Items:
      metadata.labels -> labels
      limits.cpu -> cpu_limit
  kube-api-access-wwpfz:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Burstable
Node-Selectors:              kubernetes.io/os=linux
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type     Reason     Age              From               Message
  ----     ------     ----             ----               -------
  Normal   Scheduled  5m               default-scheduler  Successfully assigned default/web-7d4b9c8f6-x2x9k to worker01
  Normal   Pulled     4m59s            kubelet            Container image \"busybox:1.36\" already present on machine
  Normal   Started    4m59s            kubelet            Started container init-config
  Normal   Pulling    4m57s            kubelet            Pulling image \"nginx:1.14.2\"
  Normal   Pulled     4m52s            kubelet            Successfully pulled image \"nginx:1.14.2\" in 4.51s (4.51s including waiting). Image size: 44406032 bytes.
  Warning  BackOff    3m (x2 over 4m)  kubelet            Back-off restarting failed container web in pod web-7d4b9c8f6-x2x9k_default
");
}

/// A pod being deleted shows `Terminating (lasts N)` and its grace period; `-l` selects
/// it, and `--show-events=false` drops the Events section.
#[test]
fn describe_terminating_pod_without_events() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "old", "namespace": "default", "labels": {"app": "old"}},
        "spec": {"nodeName": "worker02", "containers": [{"name": "c", "image": "busybox",
                 "resources": {"requests": {"cpu": "500m", "memory": "128Mi"}, "limits": {"cpu": "500m", "memory": "128Mi"}}}]}
    }));
    h.set_status(Kind::Pod, "default", "old", json!({
        "phase": "Running", "hostIP": "192.168.10.12", "podIP": "10.244.2.3", "podIPs": [{"ip": "10.244.2.3"}],
        "startTime": "2025-01-01T00:00:00Z", "qosClass": "Guaranteed",
        "containerStatuses": [{"name": "c", "image": "busybox", "imageID": "", "ready": true, "restartCount": 0,
                               "state": {"running": {"startedAt": "2025-01-01T00:00:01Z"}}}]
    }));
    let out = crate::kubectl::run(
        &mut h.cluster,
        &[
            "delete".to_string(),
            "pod".to_string(),
            "old".to_string(),
            "--wait=false".to_string(),
        ],
        None,
        &crate::shell::NoFiles,
    );
    assert_eq!(out.stdout, "pod \"old\" deleted\n");
    h.advance(12);
    assert_text(
        &h.describe("pods -l app=old --show-events=false"),
        "\
Name:                      old
Namespace:                 default
Priority:                  0
Service Account:           default
Node:                      worker02/192.168.10.12
Start Time:                Wed, 01 Jan 2025 00:00:00 +0000
Labels:                    app=old
Annotations:               <none>
Status:                    Terminating (lasts <invalid>)
Termination Grace Period:  30s
IP:                        10.244.2.3
IPs:
  IP:  10.244.2.3
Containers:
  c:
    Container ID:   
    Image:          busybox
    Image ID:       
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Wed, 01 Jan 2025 00:00:01 +0000
    Ready:          True
    Restart Count:  0
    Limits:
      cpu:     500m
      memory:  128Mi
    Requests:
      cpu:        500m
      memory:     128Mi
    Environment:  <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-wwpfz (ro)
Volumes:
  kube-api-access-wwpfz:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   Guaranteed
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
",
    );
}
