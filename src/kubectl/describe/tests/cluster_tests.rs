//! Golden tests of the Namespace, ServiceAccount, PodDisruptionBudget and generic
//! (Lease, ControllerRevision, Event) describers (upstream v1.32 `describeNamespace`,
//! `describeServiceAccount`, `describePodDisruptionBudgetV1`, `genericDescriber`).

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// `kubectl describe ns default`: the metadata label every namespace gets, and the
/// quota and limit range sections of a cluster without either.
#[test]
fn describe_default_namespace() {
    let mut h = Harness::new();
    assert_text(
        &h.describe("ns default"),
        "\
Name:         default
Labels:       kubernetes.io/metadata.name=default
Annotations:  <none>
Status:       Active

No resource quota.

No LimitRange resource.
",
    );
}

/// A namespace stuck terminating (its pod waits for a kubelet that never comes) shows the
/// namespace controller's conditions.
#[test]
fn describe_terminating_namespace() {
    let mut h = Harness::new();
    h.create(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "demo", "labels": {"team": "a"}}}));
    h.create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "stuck", "namespace": "demo"},
        "spec": {"nodeName": "worker01", "containers": [{"name": "c", "image": "busybox"}]}
    }));
    let out = crate::kubectl::run(
        &mut h.cluster,
        &[
            "delete".to_string(),
            "ns".to_string(),
            "demo".to_string(),
            "--wait=false".to_string(),
        ],
        None,
        &crate::shell::NoFiles,
    );
    assert_eq!(out.stdout, "namespace \"demo\" deleted\n");
    h.advance(5);
    // The conditions upstream's namespace controller reports while content remains.
    let condition = |kind: &str, status: &str, reason: &str, message: &str| {
        json!({
            "type": kind, "status": status, "reason": reason, "message": message,
            "lastTransitionTime": "2025-01-01T00:00:05Z"
        })
    };
    h.set_status(Kind::Namespace, "", "demo", json!({
        "phase": "Terminating",
        "conditions": [
            condition("NamespaceDeletionDiscoveryFailure", "False", "ResourcesDiscovered", "All resources successfully discovered"),
            condition("NamespaceDeletionGroupVersionParsingFailure", "False", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
            condition("NamespaceDeletionContentFailure", "False", "ContentDeleted", "All content successfully deleted, may be waiting on finalization"),
            condition("NamespaceContentRemaining", "True", "SomeResourcesRemain", "Some resources are remaining: pods. has 1 resource instances"),
            condition("NamespaceFinalizersRemaining", "False", "ContentHasNoFinalizers", "All content-preserving finalizers finished")
        ]
    }));
    assert_text(&h.describe("namespace demo"), "\
Name:         demo
Labels:       kubernetes.io/metadata.name=demo
              team=a
Annotations:  <none>
Status:       Terminating
Conditions:
  Type                                         Status  LastTransitionTime               Reason                  Message
  ----                                         ------  ------------------               ------                  -------
  NamespaceDeletionDiscoveryFailure            False   Wed, 01 Jan 2025 00:00:05 +0000  ResourcesDiscovered     All resources successfully discovered
  NamespaceDeletionGroupVersionParsingFailure  False   Wed, 01 Jan 2025 00:00:05 +0000  ParsedGroupVersions     All legacy kube types successfully parsed
  NamespaceDeletionContentFailure              False   Wed, 01 Jan 2025 00:00:05 +0000  ContentDeleted          All content successfully deleted, may be waiting on finalization
  NamespaceContentRemaining                    True    Wed, 01 Jan 2025 00:00:05 +0000  SomeResourcesRemain     Some resources are remaining: pods. has 1 resource instances
  NamespaceFinalizersRemaining                 False   Wed, 01 Jan 2025 00:00:05 +0000  ContentHasNoFinalizers  All content-preserving finalizers finished

No resource quota.

No LimitRange resource.
");
}

/// Upstream `TestDescribeServiceAccount`, and the `default` account: referenced secrets
/// that do not exist are marked `(not found)`; a token Secret annotated with the
/// account's name and uid is listed under Tokens.
#[test]
fn upstream_describe_service_account() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "ServiceAccount",
        "metadata": {"name": "bar", "namespace": "default"},
        "secrets": [{"name": "test-objectref"}, {"name": "bar-token"}],
        "imagePullSecrets": [{"name": "test-local-ref"}]
    }));
    let uid = h.uid(Kind::ServiceAccount, "default", "bar");
    h.create(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "bar-token", "namespace": "default",
                     "annotations": {"kubernetes.io/service-account.name": "bar", "kubernetes.io/service-account.uid": uid}},
        "type": "kubernetes.io/service-account-token"
    }));
    assert_text(
        &h.describe("sa bar"),
        "\
Name:                bar
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  test-local-ref (not found)
Mountable secrets:   test-objectref (not found)
                     bar-token
Tokens:              bar-token
Events:              <none>
",
    );
    assert_text(
        &h.describe("serviceaccount default"),
        "\
Name:                default
Namespace:           default
Labels:              <none>
Annotations:         <none>
Image pull secrets:  <none>
Mountable secrets:   <none>
Tokens:              <none>
Events:              <none>
",
    );
}

/// Upstream `TestDescribePodDisruptionBudgetV1`: min available, selector, and the status
/// counts the disruption controller writes.
#[test]
fn upstream_describe_pod_disruption_budget() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "pdb1", "namespace": "default"},
        "spec": {"minAvailable": "22%", "selector": {"matchLabels": {"app": "nginx"}}}
    }));
    h.set_status(Kind::PodDisruptionBudget, "default", "pdb1", json!({
        "disruptionsAllowed": 5, "currentHealthy": 7, "desiredHealthy": 2, "expectedPods": 9, "observedGeneration": 1
    }));
    h.create(json!({
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "pdb2", "namespace": "default"},
        "spec": {"maxUnavailable": 1}
    }));
    assert_text(
        &h.describe("pdb"),
        "\
Name:           pdb1
Namespace:      default
Min available:  22%
Selector:       app=nginx
Status:
    Allowed disruptions:  5
    Current:              7
    Desired:              2
    Total:                9
Events:                   <none>


Name:             pdb2
Namespace:        default
Max unavailable:  1
Selector:         <unset>
Status:
    Allowed disruptions:  0
    Current:              0
    Desired:              0
    Total:                0
Events:                   <none>
",
    );
}

/// Kinds without a describer of their own go through the generic one: a node Lease, a
/// ControllerRevision and an Event.
#[test]
fn describe_generic_kinds() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "worker01", "namespace": "kube-node-lease",
                     "ownerReferences": [{"apiVersion": "v1", "kind": "Node", "name": "worker01", "uid": "6c1d3f7e-0000-4000-8000-000000000001"}]},
        "spec": {"holderIdentity": "worker01", "leaseDurationSeconds": 40, "renewTime": "2025-01-01T00:00:00.000000Z"}
    }));
    h.create(json!({
        "apiVersion": "apps/v1", "kind": "ControllerRevision",
        "metadata": {"name": "web-5d4f8b7c9d", "namespace": "default", "labels": {"app": "web"}},
        "revision": 1,
        "data": {"spec": {"template": {"$patch": "replace", "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}}
    }));
    h.create(json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "watched", "namespace": "default"}}));
    h.event(
        Kind::ConfigMap,
        "default",
        "watched",
        false,
        "Synced",
        "ConfigMap synced",
        "syncer",
        None,
    );
    let event_name = match h
        .cluster
        .api
        .list(Kind::Event, Some("default"), &Default::default())
    {
        Ok(items) => items
            .first()
            .map(|e| e.name().to_string())
            .unwrap_or_default(),
        Err(e) => panic!("{e}"),
    };
    h.advance(10);
    assert_text(
        &h.describe("lease worker01 -n kube-node-lease"),
        "\
Name:         worker01
Namespace:    kube-node-lease
Labels:       <none>
Annotations:  <none>
API Version:  coordination.k8s.io/v1
Kind:         Lease
Metadata:
  Creation Timestamp:  2025-01-01T00:00:00Z
  Owner References:
    API Version:     v1
    Kind:            Node
    Name:            worker01
    UID:             6c1d3f7e-0000-4000-8000-000000000001
  Resource Version:  16
  UID:               f0612750-cb76-44b1-a8b8-ec3b127b826e
Spec:
  Holder Identity:         worker01
  Lease Duration Seconds:  40
  Renew Time:              2025-01-01T00:00:00.000000Z
Events:                    <none>
",
    );
    assert_text(
        &h.describe("controllerrevision web-5d4f8b7c9d"),
        "\
Name:         web-5d4f8b7c9d
Namespace:    default
Labels:       app=web
Annotations:  <none>
API Version:  apps/v1
Data:
  Spec:
    Template:
      $patch:  replace
      Spec:
        Containers:
          Image:  nginx
          Name:   web
Kind:             ControllerRevision
Metadata:
  Creation Timestamp:  2025-01-01T00:00:00Z
  Resource Version:    17
  UID:                 92a756e7-10d2-4afa-b0e7-41ec6fd0a772
Revision:              1
Events:                <none>
",
    );
    assert_text(
        &h.describe(&format!("event {event_name}")),
        "\
Name:             watched.1816687ec0570012
Namespace:        default
Labels:           <none>
Annotations:      <none>
API Version:      v1
Count:            1
Event Time:       <nil>
First Timestamp:  2025-01-01T00:00:00Z
Involved Object:
  API Version:       v1
  Kind:              ConfigMap
  Name:              watched
  Namespace:         default
  Resource Version:  18
  UID:               019d5ee2-b120-4aff-af6f-2ed7e1b5922a
Kind:                Event
Last Timestamp:      2025-01-01T00:00:00Z
Message:             ConfigMap synced
Metadata:
  Creation Timestamp:  2025-01-01T00:00:00Z
  Resource Version:    19
  UID:                 7cf416d0-64d5-4371-a1df-517be883b5b5
Reason:                Synced
Reporting Component:   syncer
Reporting Instance:    
Source:
  Component:  syncer
Type:         Normal
Events:       <none>
",
    );
}
