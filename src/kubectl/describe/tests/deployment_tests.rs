//! Golden tests of the Deployment and ReplicaSet describers (upstream v1.32
//! `describeDeployment`, `describeReplicaSet`, `DescribePodTemplate`).

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
