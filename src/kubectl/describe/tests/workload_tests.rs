//! Golden tests of the DaemonSet, StatefulSet, Job and CronJob describers (upstream
//! v1.32 `describeDaemonSet`, `describeStatefulSet`, `describeJob`, `describeCronJob`).

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// A kube-proxy-like DaemonSet (no Namespace line in v1.32's `describeDaemonSet`), with a
/// node selector, host path volumes and tolerations in its template.
#[test]
fn describe_daemon_set() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "apps/v1", "kind": "DaemonSet",
        "metadata": {"name": "kube-proxy", "namespace": "kube-system", "labels": {"k8s-app": "kube-proxy"},
                     "annotations": {"deprecated.daemonset.template.generation": "1"}},
        "spec": {
            "selector": {"matchLabels": {"k8s-app": "kube-proxy"}},
            "template": {
                "metadata": {"labels": {"k8s-app": "kube-proxy"}},
                "spec": {
                    "serviceAccountName": "kube-proxy",
                    "priorityClassName": "system-node-critical",
                    "nodeSelector": {"kubernetes.io/os": "linux"},
                    "tolerations": [{"operator": "Exists"}],
                    "containers": [{
                        "name": "kube-proxy", "image": "registry.k8s.io/kube-proxy:v1.32.0",
                        "command": ["/usr/local/bin/kube-proxy", "--config=/var/lib/kube-proxy/config.conf", "--hostname-override=$(NODE_NAME)"],
                        "env": [{"name": "NODE_NAME", "valueFrom": {"fieldRef": {"fieldPath": "spec.nodeName"}}}],
                        "volumeMounts": [{"name": "lib-modules", "mountPath": "/lib/modules", "readOnly": true}]
                    }],
                    "volumes": [{"name": "lib-modules", "hostPath": {"path": "/lib/modules"}}]
                }
            }
        }
    }));
    h.set_status(Kind::DaemonSet, "kube-system", "kube-proxy", json!({
        "currentNumberScheduled": 4, "desiredNumberScheduled": 4, "numberAvailable": 4, "numberMisscheduled": 0,
        "numberReady": 4, "observedGeneration": 1, "updatedNumberScheduled": 4
    }));
    h.event(
        Kind::DaemonSet,
        "kube-system",
        "kube-proxy",
        false,
        "SuccessfulCreate",
        "Created pod: kube-proxy-7xk2p",
        "daemonset-controller",
        None,
    );
    h.advance(90);
    assert_text(
        &h.describe("ds kube-proxy -n kube-system"),
        "\
Name:           kube-proxy
Selector:       k8s-app=kube-proxy
Node-Selector:  kubernetes.io/os=linux
Labels:         k8s-app=kube-proxy
Annotations:    deprecated.daemonset.template.generation: 1
Desired Number of Nodes Scheduled: 4
Current Number of Nodes Scheduled: 4
Number of Nodes Scheduled with Up-to-date Pods: 4
Number of Nodes Scheduled with Available Pods: 4
Number of Nodes Misscheduled: 0
Pods Status:  0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:           k8s-app=kube-proxy
  Service Account:  kube-proxy
  Containers:
   kube-proxy:
    Image:      registry.k8s.io/kube-proxy:v1.32.0
    Port:       <none>
    Host Port:  <none>
    Command:
      /usr/local/bin/kube-proxy
      --config=/var/lib/kube-proxy/config.conf
      --hostname-override=$(NODE_NAME)
    Environment:
      NODE_NAME:   (v1:spec.nodeName)
    Mounts:
      /lib/modules from lib-modules (ro)
  Volumes:
   lib-modules:
    Type:               HostPath (bare host directory volume)
    Path:               /lib/modules
    HostPathType:       
  Priority Class Name:  system-node-critical
  Node-Selectors:       kubernetes.io/os=linux
  Tolerations:          op=Exists
Events:
  Type    Reason            Age   From                  Message
  ----    ------            ----  ----                  -------
  Normal  SuccessfulCreate  90s   daemonset-controller  Created pod: kube-proxy-7xk2p
",
    );
}

/// A StatefulSet with a partitioned rolling update and a volume claim template.
#[test]
fn describe_stateful_set() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "apps/v1", "kind": "StatefulSet",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "serviceName": "nginx", "replicas": 2,
            "selector": {"matchLabels": {"app": "nginx"}},
            "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 1}},
            "template": {"metadata": {"labels": {"app": "nginx"}},
                         "spec": {"containers": [{"name": "nginx", "image": "registry.k8s.io/nginx-slim:0.24",
                                                  "ports": [{"containerPort": 80, "name": "web"}],
                                                  "volumeMounts": [{"name": "www", "mountPath": "/usr/share/nginx/html"}]}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                                      "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "standard",
                                               "resources": {"requests": {"storage": "1Gi"}}}}]
        }
    }));
    h.set_status(Kind::StatefulSet, "default", "web", json!({"replicas": 2, "readyReplicas": 2, "currentReplicas": 2, "updatedReplicas": 2, "availableReplicas": 2}));
    h.event(
        Kind::StatefulSet,
        "default",
        "web",
        false,
        "SuccessfulCreate",
        "create Claim www-web-0 Pod web-0 in StatefulSet web success",
        "statefulset-controller",
        None,
    );
    h.advance(45);
    assert_text(&h.describe("sts web"), "\
Name:               web
Namespace:          default
CreationTimestamp:  Wed, 01 Jan 2025 00:00:00 +0000
Selector:           app=nginx
Labels:             <none>
Annotations:        <none>
Replicas:           2 desired | 2 total
Update Strategy:    RollingUpdate
  Partition:        1
Pods Status:        0 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:        registry.k8s.io/nginx-slim:0.24
    Port:         80/TCP
    Host Port:    0/TCP
    Environment:  <none>
    Mounts:
      /usr/share/nginx/html from www (rw)
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Volume Claims:
  Name:          www
  StorageClass:  standard
  Labels:        <none>
  Annotations:   <none>
  Capacity:      1Gi
  Access Modes:  [ReadWriteOnce]
Events:
  Type    Reason            Age   From                    Message
  ----    ------            ----  ----                    -------
  Normal  SuccessfulCreate  45s   statefulset-controller  create Claim www-web-0 Pod web-0 in StatefulSet web success
");
}

/// A finished Job (the `pi` example) and the CronJob `hello` with one active Job.
#[test]
fn describe_job_and_cron_job() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "batch/v1", "kind": "Job",
        "metadata": {"name": "pi", "namespace": "default"},
        "spec": {"backoffLimit": 4, "template": {"spec": {"restartPolicy": "Never",
                 "containers": [{"name": "pi", "image": "perl:5.34.0", "command": ["perl", "-Mbignum=bpi", "-wle", "print bpi(2000)"]}]}}}
    }));
    h.event(
        Kind::Job,
        "default",
        "pi",
        false,
        "SuccessfulCreate",
        "Created pod: pi-8xkzf",
        "job-controller",
        None,
    );
    h.advance(42);
    h.set_status(Kind::Job, "default", "pi", json!({
        "startTime": "2025-01-01T00:00:00Z", "completionTime": "2025-01-01T00:00:42Z", "succeeded": 1, "ready": 0,
        "terminating": 0, "uncountedTerminatedPods": {},
        "conditions": [
            {"type": "SuccessCriteriaMet", "status": "True", "lastProbeTime": "2025-01-01T00:00:42Z", "lastTransitionTime": "2025-01-01T00:00:42Z"},
            {"type": "Complete", "status": "True", "lastProbeTime": "2025-01-01T00:00:42Z", "lastTransitionTime": "2025-01-01T00:00:42Z"}
        ]
    }));
    h.event(
        Kind::Job,
        "default",
        "pi",
        false,
        "Completed",
        "Job completed",
        "job-controller",
        None,
    );
    h.create(json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "hello", "namespace": "default"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": {"restartPolicy": "OnFailure",
                 "containers": [{"name": "hello", "image": "busybox:1.28", "command": ["/bin/sh", "-c", "date; echo Hello from the Kubernetes cluster"]}]}}}}}
    }));
    h.advance(18);
    h.set_status(Kind::CronJob, "default", "hello", json!({
        "lastScheduleTime": "2025-01-01T00:01:00Z",
        "active": [{"apiVersion": "batch/v1", "kind": "Job", "name": "hello-28928161", "namespace": "default"}]
    }));
    h.event(
        Kind::CronJob,
        "default",
        "hello",
        false,
        "SuccessfulCreate",
        "Created job hello-28928161",
        "cronjob-controller",
        None,
    );
    h.advance(5);
    assert_text(
        &h.describe("job pi"),
        "\
Name:             pi
Namespace:        default
Selector:         batch.kubernetes.io/controller-uid=f0612750-cb76-44b1-a8b8-ec3b127b826e
Labels:           batch.kubernetes.io/controller-uid=f0612750-cb76-44b1-a8b8-ec3b127b826e
                  batch.kubernetes.io/job-name=pi
                  controller-uid=f0612750-cb76-44b1-a8b8-ec3b127b826e
                  job-name=pi
Annotations:      <none>
Parallelism:      1
Completions:      1
Completion Mode:  NonIndexed
Suspend:          false
Backoff Limit:    4
Start Time:       Wed, 01 Jan 2025 00:00:00 +0000
Completed At:     Wed, 01 Jan 2025 00:00:42 +0000
Duration:         42s
Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed
Pod Template:
  Labels:  batch.kubernetes.io/controller-uid=f0612750-cb76-44b1-a8b8-ec3b127b826e
           batch.kubernetes.io/job-name=pi
           controller-uid=f0612750-cb76-44b1-a8b8-ec3b127b826e
           job-name=pi
  Containers:
   pi:
    Image:      perl:5.34.0
    Port:       <none>
    Host Port:  <none>
    Command:
      perl
      -Mbignum=bpi
      -wle
      print bpi(2000)
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From            Message
  ----    ------            ----  ----            -------
  Normal  SuccessfulCreate  65s   job-controller  Created pod: pi-8xkzf
  Normal  Completed         23s   job-controller  Job completed
",
    );
    assert_text(
        &h.describe("cronjob hello"),
        "\
Name:                          hello
Namespace:                     default
Labels:                        <none>
Annotations:                   <none>
Schedule:                      * * * * *
Concurrency Policy:            Allow
Suspend:                       False
Successful Job History Limit:  3
Failed Job History Limit:      1
Starting Deadline Seconds:     <unset>
Selector:                      <unset>
Parallelism:                   <unset>
Completions:                   <unset>
Pod Template:
  Labels:  <none>
  Containers:
   hello:
    Image:      busybox:1.28
    Port:       <none>
    Host Port:  <none>
    Command:
      /bin/sh
      -c
      date; echo Hello from the Kubernetes cluster
    Environment:     <none>
    Mounts:          <none>
  Volumes:           <none>
  Node-Selectors:    <none>
  Tolerations:       <none>
Last Schedule Time:  Wed, 01 Jan 2025 00:01:00 +0000
Active Jobs:         hello-28928161
Events:
  Type    Reason            Age   From                Message
  ----    ------            ----  ----                -------
  Normal  SuccessfulCreate  5s    cronjob-controller  Created job hello-28928161
",
    );
}
