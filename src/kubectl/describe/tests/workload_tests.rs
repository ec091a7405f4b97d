//! Golden tests of the workload describers (upstream v1.32 `describeDeployment`,
//! `describeReplicaSet`, `describeDaemonSet`, `describeStatefulSet`, `describeJob`,
//! `describeCronJob`, `DescribePodTemplate`).

use serde_json::{json, Value};

use super::{assert_text, Harness};
use crate::model::Kind;

/// The talk's nginx Deployment (`kubectl apply` of the manifest on slide 32).
const NGINX_DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.7.9
        ports:
        - containerPort: 80
";

/// A ReplicaSet of the Deployment with the given template image, as the deployment
/// controller would create it, with its status.
fn replica_set(
    h: &mut Harness,
    name: &str,
    hash: &str,
    image: &str,
    revision: &str,
    replicas: i32,
) {
    let uid = h.uid(Kind::Deployment, "default", "nginx-deployment");
    h.create(json!({
        "apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {
            "name": name, "namespace": "default",
            "labels": {"app": "nginx", "pod-template-hash": hash},
            "annotations": {"deployment.kubernetes.io/desired-replicas": "3", "deployment.kubernetes.io/max-replicas": "4",
                            "deployment.kubernetes.io/revision": revision},
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "nginx-deployment", "uid": uid,
                                  "controller": true, "blockOwnerDeletion": true}]
        },
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": "nginx", "pod-template-hash": hash}},
            "template": {
                "metadata": {"labels": {"app": "nginx", "pod-template-hash": hash}},
                "spec": {"containers": [{"name": "nginx", "image": image, "ports": [{"containerPort": 80}]}]}
            }
        }
    }));
    h.set_status(
        Kind::ReplicaSet,
        "default",
        name,
        json!({
            "replicas": replicas, "fullyLabeledReplicas": replicas, "readyReplicas": replicas,
            "availableReplicas": replicas, "observedGeneration": 1
        }),
    );
}

fn deployment_status(
    replicas: i32,
    updated: i32,
    available: i32,
    unavailable: i32,
    progressing: &str,
) -> Value {
    json!({
        "observedGeneration": 2, "replicas": replicas, "updatedReplicas": updated, "readyReplicas": available,
        "availableReplicas": available, "unavailableReplicas": unavailable,
        "conditions": [
            {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable", "message": "Deployment has minimum availability.",
             "lastUpdateTime": "2025-01-01T00:00:10Z", "lastTransitionTime": "2025-01-01T00:00:10Z"},
            {"type": "Progressing", "status": "True", "reason": progressing, "message": "ReplicaSet is progressing.",
             "lastUpdateTime": "2025-01-01T00:00:10Z", "lastTransitionTime": "2025-01-01T00:00:00Z"}
        ]
    })
}

/// The talk's rolling update from nginx:1.7.9 to nginx:1.12 half way: the old
/// ReplicaSet still wants two replicas, the new one has one; the events are the
/// deployment controller's scaling steps.
#[test]
fn describe_deployment_during_rollout() {
    let mut h = Harness::new();
    h.cluster.apply_yaml(NGINX_DEPLOYMENT);
    replica_set(
        &mut h,
        "nginx-deployment-5fbf59df75",
        "5fbf59df75",
        "nginx:1.7.9",
        "1",
        3,
    );
    h.event(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        false,
        "ScalingReplicaSet",
        "Scaled up replica set nginx-deployment-5fbf59df75 from 0 to 3",
        "deployment-controller",
        None,
    );
    h.advance(600);
    h.cluster
        .apply_yaml(&NGINX_DEPLOYMENT.replace("nginx:1.7.9", "nginx:1.12"));
    replica_set(
        &mut h,
        "nginx-deployment-6c8b449b8f",
        "6c8b449b8f",
        "nginx:1.12",
        "2",
        1,
    );
    h.event(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        false,
        "ScalingReplicaSet",
        "Scaled up replica set nginx-deployment-6c8b449b8f from 0 to 1",
        "deployment-controller",
        None,
    );
    h.advance(2);
    h.event(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        false,
        "ScalingReplicaSet",
        "Scaled down replica set nginx-deployment-5fbf59df75 from 3 to 2",
        "deployment-controller",
        None,
    );
    let mut old =
        match h
            .cluster
            .api
            .get(Kind::ReplicaSet, "default", "nginx-deployment-5fbf59df75")
        {
            Ok(o) => (*o).clone(),
            Err(e) => panic!("{e}"),
        };
    if let crate::model::Object::ReplicaSet(rs) = &mut old {
        if let Some(spec) = rs.spec.as_mut() {
            spec.replicas = Some(2);
        }
    }
    let c = &mut h.cluster;
    let mut ctx = crate::apiserver::Ctx::new(c.now, &mut c.rng, crate::sim::WriteMeta::user());
    if let Err(e) = c
        .api
        .update(&mut ctx, old, crate::apiserver::Subresource::Main)
    {
        panic!("{e}");
    }
    h.set_status(
        Kind::Deployment,
        "default",
        "nginx-deployment",
        deployment_status(3, 1, 3, 1, "ReplicaSetUpdated"),
    );
    h.advance(30);
    assert_text(&h.describe("deploy nginx-deployment"), "\
Name:                   nginx-deployment
Namespace:              default
CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000
Labels:                 app=nginx
Annotations:            <none>
Selector:               app=nginx
Replicas:               3 desired | 1 updated | 3 total | 3 available | 1 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=nginx
  Containers:
   nginx:
    Image:         nginx:1.12
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    ReplicaSetUpdated
OldReplicaSets:  nginx-deployment-5fbf59df75 (3/2 replicas created)
NewReplicaSet:   nginx-deployment-6c8b449b8f (1/1 replicas created)
Events:
  Type    Reason             Age   From                   Message
  ----    ------             ----  ----                   -------
  Normal  ScalingReplicaSet  10m   deployment-controller  Scaled up replica set nginx-deployment-5fbf59df75 from 0 to 3
  Normal  ScalingReplicaSet  32s   deployment-controller  Scaled up replica set nginx-deployment-6c8b449b8f from 0 to 1
  Normal  ScalingReplicaSet  30s   deployment-controller  Scaled down replica set nginx-deployment-5fbf59df75 from 3 to 2
");
}

/// The ReplicaSet of a finished rollout, with its three Running pods counted and the
/// replica set controller's events.
#[test]
fn describe_replica_set_with_pods() {
    let mut h = Harness::new();
    h.cluster.apply_yaml(NGINX_DEPLOYMENT);
    replica_set(
        &mut h,
        "nginx-deployment-5fbf59df75",
        "5fbf59df75",
        "nginx:1.7.9",
        "1",
        3,
    );
    let rs_uid = h.uid(Kind::ReplicaSet, "default", "nginx-deployment-5fbf59df75");
    for (i, suffix) in ["55j5b", "6hnbq", "fwqpn"].iter().enumerate() {
        let name = format!("nginx-deployment-5fbf59df75-{suffix}");
        h.create(json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": "default", "labels": {"app": "nginx", "pod-template-hash": "5fbf59df75"},
                         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "nginx-deployment-5fbf59df75",
                                               "uid": rs_uid, "controller": true}]},
            "spec": {"containers": [{"name": "nginx", "image": "nginx:1.7.9"}]}
        }));
        let phase = if i == 2 { "Pending" } else { "Running" };
        h.set_status(Kind::Pod, "default", &name, json!({"phase": phase}));
        h.event(
            Kind::ReplicaSet,
            "default",
            "nginx-deployment-5fbf59df75",
            false,
            "SuccessfulCreate",
            &format!("Created pod: {name}"),
            "replicaset-controller",
            None,
        );
    }
    h.advance(83 * 60);
    assert_text(&h.describe("rs nginx-deployment-5fbf59df75"), "\
Name:           nginx-deployment-5fbf59df75
Namespace:      default
Selector:       app=nginx,pod-template-hash=5fbf59df75
Labels:         app=nginx
                pod-template-hash=5fbf59df75
Annotations:    deployment.kubernetes.io/desired-replicas: 3
                deployment.kubernetes.io/max-replicas: 4
                deployment.kubernetes.io/revision: 1
Controlled By:  Deployment/nginx-deployment
Replicas:       3 current / 3 desired
Pods Status:    2 Running / 1 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=nginx
           pod-template-hash=5fbf59df75
  Containers:
   nginx:
    Image:         nginx:1.7.9
    Port:          80/TCP
    Host Port:     0/TCP
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:
  Type    Reason            Age   From                   Message
  ----    ------            ----  ----                   -------
  Normal  SuccessfulCreate  83m   replicaset-controller  Created pod: nginx-deployment-5fbf59df75-55j5b
  Normal  SuccessfulCreate  83m   replicaset-controller  Created pod: nginx-deployment-5fbf59df75-6hnbq
  Normal  SuccessfulCreate  83m   replicaset-controller  Created pod: nginx-deployment-5fbf59df75-fwqpn
");
}

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
Selector:         batch.kubernetes.io/controller-uid=f7d713e8-fe10-454e-8297-132bb51970db
Labels:           batch.kubernetes.io/controller-uid=f7d713e8-fe10-454e-8297-132bb51970db
                  batch.kubernetes.io/job-name=pi
                  controller-uid=f7d713e8-fe10-454e-8297-132bb51970db
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
  Labels:  batch.kubernetes.io/controller-uid=f7d713e8-fe10-454e-8297-132bb51970db
           batch.kubernetes.io/job-name=pi
           controller-uid=f7d713e8-fe10-454e-8297-132bb51970db
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
