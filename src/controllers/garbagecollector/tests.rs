//! Garbage collector tests through `Cluster`, restating the behaviour upstream's
//! `garbagecollector_test.go` and the e2e "Garbage collector" tests check: background,
//! orphan and foreground propagation, dangling and replaced owners, solid owners keeping a
//! dependent alive, and a foreground cascade through two levels.
//!
//! Pods created with `spec.nodeName` are "on a node": their deletion is graceful and, with
//! no kubelet on this branch, stays pending until the test force-deletes them.

use super::refs::{candidate_kinds_for_test, owner_refs};
use super::*;
use crate::apiserver::ListOptions;
use crate::cluster::Cluster;
use crate::model::{Kind, Object};

fn apply(c: &mut Cluster, yaml: &str) {
    let out = c.apply_yaml(yaml);
    assert_eq!(out.exit_code, 0, "{}", out.combined());
}

fn run(c: &mut Cluster, cmd: &str) -> String {
    let out = c.run_script(cmd);
    assert_eq!(out.exit_code, 0, "{cmd}: {}", out.combined());
    out.stdout
}

fn get(c: &Cluster, kind: Kind, name: &str) -> Option<Rc<Object>> {
    c.api().try_get(kind, "default", name)
}

fn uid_of(c: &Cluster, kind: Kind, name: &str) -> String {
    get(c, kind, name).unwrap().meta().uid.clone().unwrap()
}

fn names(c: &Cluster, kind: Kind) -> Vec<String> {
    c.api()
        .list(kind, Some("default"), &ListOptions::default())
        .unwrap()
        .iter()
        .map(|o| o.name().to_string())
        .filter(|n| n != "kube-root-ca.crt" && n != "kubernetes")
        .collect()
}

const RS: &str = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: nginx
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
";

/// A pod bound to `node` whose process ignores SIGTERM (`sleep`), so its kubelet takes
/// the whole grace period to remove it: deletions stay observable for a while.
fn pod_on(name: &str, node: &str) -> String {
    format!(
        "apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: nginx
spec:
  nodeName: {node}
  containers:
  - name: nginx
    image: busybox
    command: [\"sleep\", \"3600\"]
"
    )
}

fn cm(name: &str, owners: &[(&str, &str, &str, &str, bool)]) -> String {
    let mut refs = String::new();
    for (api_version, kind, owner, uid, block) in owners {
        refs.push_str(&format!(
            "  - apiVersion: {api_version}\n    kind: {kind}\n    name: {owner}\n    uid: \"{uid}\"\n    blockOwnerDeletion: {block}\n"
        ));
    }
    let refs = if refs.is_empty() {
        String::new()
    } else {
        format!("  ownerReferences:\n{refs}")
    };
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{refs}data:\n  k: v\n")
}

#[test]
fn background_deletion_removes_dependents() {
    // kubectl's default: the ReplicaSet goes at once, then the collector deletes its pods.
    let mut c = Cluster::builder().build();
    apply(&mut c, RS);
    assert_eq!(names(&c, Kind::Pod).len(), 3);
    run(&mut c, "kubectl delete rs nginx");
    assert!(get(&c, Kind::ReplicaSet, "nginx").is_none());
    assert!(names(&c, Kind::Pod).is_empty());
}

#[test]
fn orphan_deletion_keeps_dependents_without_references() {
    // --cascade=orphan: the `orphan` finalizer holds the owner until every dependent has
    // lost its reference, then the owner goes and the pods stay.
    let mut c = Cluster::builder().build();
    apply(&mut c, RS);
    run(&mut c, "kubectl delete rs nginx --cascade=orphan");
    assert!(get(&c, Kind::ReplicaSet, "nginx").is_none());
    let pods = names(&c, Kind::Pod);
    assert_eq!(pods.len(), 3);
    for p in pods {
        assert!(
            owner_refs(&get(&c, Kind::Pod, &p).unwrap()).is_empty(),
            "{p}"
        );
    }
}

#[test]
fn foreground_deletion_waits_for_blocking_dependents() {
    // --cascade=foreground: the owner keeps a deletionTimestamp and the foregroundDeletion
    // finalizer while a dependent with blockOwnerDeletion exists.
    let mut c = Cluster::builder().build();
    apply(&mut c, &pod_on("a", "worker01"));
    apply(&mut c, &pod_on("b", "worker02"));
    apply(&mut c, &RS.replace("replicas: 3", "replicas: 2"));
    assert_eq!(names(&c, Kind::Pod), ["a", "b"]);
    // Let the kubelets start the containers, so that deleting them takes their grace period.
    c.advance_ms(60_000);
    run(
        &mut c,
        "kubectl delete rs nginx --cascade=foreground --wait=false",
    );
    let rs = get(&c, Kind::ReplicaSet, "nginx").unwrap();
    assert!(rs.meta().deletion_timestamp.is_some());
    assert_eq!(
        rs.meta().finalizers.as_deref(),
        Some(&["foregroundDeletion".to_string()][..])
    );
    // Both pods were asked to go; being on nodes they terminate gracefully.
    for p in ["a", "b"] {
        assert!(get(&c, Kind::Pod, p)
            .unwrap()
            .meta()
            .deletion_timestamp
            .is_some());
    }
    run(&mut c, "kubectl delete pod a --grace-period=0 --force");
    assert!(
        get(&c, Kind::ReplicaSet, "nginx").is_some(),
        "b still blocks"
    );
    run(&mut c, "kubectl delete pod b --grace-period=0 --force");
    assert!(get(&c, Kind::ReplicaSet, "nginx").is_none());
}

#[test]
fn foreground_cascades_through_a_dependent_with_dependents() {
    // attemptToDeleteItem: a dependent of a foreground-deleting owner that has dependents
    // of its own is deleted in the foreground too (Deployment → ReplicaSet → Pod).
    let mut c = Cluster::builder()
        .without_controllers(&["deployment-controller"])
        .build();
    apply(
        &mut c,
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
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
",
    );
    let deploy_uid = uid_of(&c, Kind::Deployment, "web");
    apply(&mut c, &pod_on("a", "worker01"));
    let owned = RS.replace("replicas: 3", "replicas: 1").replace(
        "  name: nginx\nspec:",
        &format!("  name: nginx\n  ownerReferences:\n  - apiVersion: apps/v1\n    kind: Deployment\n    name: web\n    uid: {deploy_uid}\n    controller: true\n    blockOwnerDeletion: true\nspec:"),
    );
    apply(&mut c, &owned);
    assert_eq!(names(&c, Kind::Pod), ["a"]);
    c.advance_ms(60_000);
    run(
        &mut c,
        "kubectl delete deployment web --cascade=foreground --wait=false",
    );
    let rs = get(&c, Kind::ReplicaSet, "nginx").unwrap();
    assert!(
        is_deleting_dependents(&rs),
        "the ReplicaSet waits for its pod"
    );
    assert!(is_deleting_dependents(
        &get(&c, Kind::Deployment, "web").unwrap()
    ));
    run(&mut c, "kubectl delete pod a --grace-period=0 --force");
    assert!(get(&c, Kind::ReplicaSet, "nginx").is_none());
    assert!(get(&c, Kind::Deployment, "web").is_none());
}

#[test]
fn dangling_and_replaced_owners_mean_deletion() {
    // A dependent whose owner does not exist, or exists under the name with another UID,
    // is garbage (upstream's virtual owner nodes).
    let mut c = Cluster::builder().build();
    apply(&mut c, &cm("parent", &[]));
    apply(
        &mut c,
        &cm(
            "ghost-child",
            &[("v1", "ConfigMap", "nobody", "0000", false)],
        ),
    );
    apply(
        &mut c,
        &cm(
            "stale-child",
            &[("v1", "ConfigMap", "parent", "1111", false)],
        ),
    );
    let uid = uid_of(&c, Kind::ConfigMap, "parent");
    apply(
        &mut c,
        &cm("child", &[("v1", "ConfigMap", "parent", &uid, false)]),
    );
    assert_eq!(names(&c, Kind::ConfigMap), ["child", "parent"]);
    run(&mut c, "kubectl delete cm parent");
    assert!(names(&c, Kind::ConfigMap).is_empty());
}

#[test]
fn a_solid_owner_keeps_the_dependent_and_drops_dangling_references() {
    // attemptToDeleteItem with solid and dangling owners: only the references change.
    let mut c = Cluster::builder().build();
    apply(&mut c, &cm("parent", &[]));
    let uid = uid_of(&c, Kind::ConfigMap, "parent");
    apply(
        &mut c,
        &cm(
            "child",
            &[
                ("v1", "ConfigMap", "parent", &uid, false),
                ("v1", "ConfigMap", "gone", "2222", false),
            ],
        ),
    );
    let child = get(&c, Kind::ConfigMap, "child").unwrap();
    let refs: Vec<&str> = owner_refs(&child).iter().map(|r| r.name.as_str()).collect();
    assert_eq!(refs, ["parent"]);
}

#[test]
fn unresolvable_references_are_left_alone() {
    // An owner of a kind the server does not serve cannot be looked up; upstream retries
    // and never deletes the dependent.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &cm("child", &[("example.com/v1", "Gadget", "g", "3333", false)]),
    );
    c.advance_ms(10_000);
    assert_eq!(names(&c, Kind::ConfigMap), ["child"]);
}

#[test]
fn cluster_scoped_owners_reach_every_namespace() {
    // A mirror pod is owned by its Node: deleting the Node collects the pod.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: edge\n",
    );
    let uid = c
        .api()
        .get(Kind::Node, "", "edge")
        .unwrap()
        .meta()
        .uid
        .clone()
        .unwrap();
    run(&mut c, "kubectl create namespace ops");
    apply(
        &mut c,
        &format!(
            "apiVersion: v1
kind: Pod
metadata:
  name: mirror
  namespace: ops
  ownerReferences:
  - apiVersion: v1
    kind: Node
    name: edge
    uid: {uid}
    controller: true
spec:
  containers:
  - name: c
    image: nginx
"
        ),
    );
    assert!(c.api().try_get(Kind::Pod, "ops", "mirror").is_some());
    run(&mut c, "kubectl delete node edge");
    assert!(c.api().try_get(Kind::Pod, "ops", "mirror").is_none());
}

#[test]
fn dependent_scans_skip_pods_unless_the_owner_owns_pods() {
    // The cost bound: deleting a ConfigMap or a Pod never reads the namespace's pods.
    let kinds = |k: Kind| candidate_kinds_for_test(k);
    assert!(!kinds(Kind::ConfigMap).contains(&Kind::Pod));
    assert!(!kinds(Kind::Pod).contains(&Kind::Pod));
    assert!(kinds(Kind::ReplicaSet).contains(&Kind::Pod));
    assert!(kinds(Kind::Node).contains(&Kind::Pod));
    assert!(!kinds(Kind::ReplicaSet).contains(&Kind::Event));
    assert!(
        !kinds(Kind::ReplicaSet).contains(&Kind::Node),
        "namespaced owners own namespaced objects"
    );
}

#[test]
fn watches_every_stored_kind_but_events() {
    let want: Vec<Kind> = Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.info().stored() && *k != Kind::Event)
        .collect();
    assert_eq!(WATCHED, &want[..]);
}
