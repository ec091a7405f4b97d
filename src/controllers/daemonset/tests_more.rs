//! More end-to-end DaemonSet cases from v1.32 `daemon_controller_test.go`:
//! `TestDealsWithExistingPods` (adoption, extra pods pruned to the oldest),
//! `TestSurgePreservesReadyOldPods` / `TestSurgeDeletesUnreadyOldPods` (maxSurge),
//! `TestNumberReadyStatus` with `minReadySeconds`, and `TestDontDoAnythingIfBeingDeleted`.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::Pod;

use super::predicates::target_node;
use crate::controllers::history::testkit::*;
use crate::controllers::history::CONTROLLER_REVISION_HASH_LABEL;
use crate::model::{Kind, Object};
use crate::Cluster;

// These cases restate upstream's controller tests, which run with exactly the nodes they
// add and no kubelet: the cluster here has only the control plane and its pods' status is
// written by the tests (`make_ready`).

fn apply(c: &mut Cluster, body: &str) {
    let out = c.run_script(&format!("cat <<EOF | kubectl apply -f -\n{body}\nEOF"));
    assert_eq!(out.exit_code, 0, "{out:?}");
}

fn ds_yaml(image: &str, strategy: &str, min_ready: u32) -> String {
    format!(
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: agent\nspec:\n  minReadySeconds: {min_ready}\n  updateStrategy:\n{strategy}  selector:\n    matchLabels:\n      app: agent\n  template:\n    metadata:\n      labels:\n        app: agent\n    spec:\n      containers:\n      - name: agent\n        image: {image}"
    )
}

const SURGE: &str =
    "    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n";
const DEFAULT: &str = "    type: RollingUpdate\n";

fn live(c: &Cluster) -> Vec<Pod> {
    pods(c, "default", "")
        .into_iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .collect()
}

fn ds(c: &Cluster) -> DaemonSet {
    match get(c, Kind::DaemonSet, "default", "agent") {
        Object::DaemonSet(d) => d,
        _ => unreachable!(),
    }
}

fn hash(p: &Pod) -> String {
    p.metadata.labels.clone().unwrap_or_default()[CONTROLLER_REVISION_HASH_LABEL].clone()
}

#[test]
fn orphans_are_adopted_and_extra_pods_pruned_to_the_oldest() {
    let mut c = Cluster::builder()
        .workers(0)
        .without_controllers(&["kubelet"])
        .build();
    add_node(&mut c, "worker01", false);
    for (i, name) in ["first", "second"].iter().enumerate() {
        apply(&mut c, &format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: agent\n    pod-template-generation: \"1\"\nspec:\n  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n        - matchFields:\n          - key: metadata.name\n            operator: In\n            values: [worker01]\n  containers:\n  - name: agent\n    image: busybox"));
        if i == 0 {
            c.advance_ms(5_000);
        }
    }
    apply(&mut c, &ds_yaml("busybox", DEFAULT, 0));
    // Made from the DaemonSet's first template (upstream's test pods carry its template
    // generation), both are adopted; the younger is deleted, the older kept, none created.
    assert!(wait_until(&mut c, 60, |c| live(c).len() == 1));
    let kept = &live(&c)[0];
    assert_eq!(kept.metadata.name.as_deref(), Some("first"));
    let owner = &kept.metadata.owner_references.clone().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("DaemonSet", "agent")
    );
}

#[test]
fn surge_starts_a_new_pod_beside_the_old_one() {
    let mut c = Cluster::builder()
        .workers(0)
        .without_controllers(&["kubelet"])
        .build();
    add_node(&mut c, "worker01", false);
    add_node(&mut c, "worker02", false);
    apply(&mut c, &ds_yaml("busybox:1", SURGE, 0));
    make_ready(&mut c, "default", "agent-");
    let old = hash(&live(&c)[0]);
    apply(&mut c, &ds_yaml("busybox:2", SURGE, 0));
    // maxSurge 1: one node gets a second (new) pod; both old pods stay.
    let list = live(&c);
    assert_eq!(list.len(), 3);
    let new: Vec<&Pod> = list.iter().filter(|p| hash(p) != old).collect();
    assert_eq!(new.len(), 1);
    let node = target_node(new[0]).unwrap();
    // Once the new pod is available its old neighbour goes, and the next node surges.
    make_ready(&mut c, "default", "agent-");
    assert!(wait_until(&mut c, 60, |c| live(c)
        .iter()
        .filter(|p| target_node(p).as_deref() == Some(node.as_str()))
        .count()
        == 1));
    for _ in 0..5 {
        make_ready(&mut c, "default", "agent-");
        c.advance_ms(1_000);
    }
    assert!(wait_until(&mut c, 60, |c| {
        let l = live(c);
        l.len() == 2 && l.iter().all(|p| hash(p) != old)
    }));
}

#[test]
fn min_ready_seconds_delays_availability() {
    let mut c = Cluster::builder()
        .workers(0)
        .without_controllers(&["kubelet"])
        .build();
    add_node(&mut c, "worker01", false);
    apply(&mut c, &ds_yaml("busybox", DEFAULT, 10));
    make_ready(&mut c, "default", "agent-");
    let st = ds(&c).status.unwrap();
    assert_eq!((st.number_ready, st.number_available), (1, None));
    // Upstream looks again minReadySeconds + 1 s after the pod turned ready.
    c.advance_ms(11_000);
    let st = ds(&c).status.unwrap();
    assert_eq!(
        (st.number_available, st.number_unavailable),
        (Some(1), None)
    );
}

#[test]
fn a_daemonset_being_deleted_creates_nothing() {
    let mut c = Cluster::builder()
        .workers(0)
        .without_controllers(&["kubelet"])
        .build();
    add_node(&mut c, "worker01", false);
    let mut body = ds_yaml("busybox", DEFAULT, 0);
    body = body.replace(
        "  name: agent\n",
        "  name: agent\n  finalizers: [example.com/hold]\n",
    );
    apply(&mut c, &body);
    assert_eq!(live(&c).len(), 1);
    let victim = live(&c)[0].metadata.name.clone().unwrap();
    assert_eq!(
        c.run_script("kubectl delete ds agent --wait=false")
            .exit_code,
        0
    );
    assert_eq!(
        c.run_script(&format!("kubectl delete pod {victim}"))
            .exit_code,
        0
    );
    c.advance_ms(60_000);
    assert!(ds(&c).metadata.deletion_timestamp.is_some());
    assert!(live(&c)
        .iter()
        .all(|p| p.metadata.name.as_deref() != Some(&victim)));
    assert!(live(&c).is_empty());
}
