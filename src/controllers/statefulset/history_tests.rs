//! StatefulSet revision history and claiming, restated from v1.32
//! `stateful_set_control_test.go` (`TestStatefulSetControlLimitsHistory`,
//! `TestStatefulSetControlRollback`) and `stateful_set_test.go` (`TestStatefulSetControllerAdopt...`).

use crate::controllers::history::testkit::*;
use crate::controllers::history::CONTROLLER_REVISION_HASH_LABEL;
use crate::model::{Kind, Object};
use crate::Cluster;
use k8s_openapi::api::apps::v1::ControllerRevision;

fn apply_set(c: &mut Cluster, image: &str, limit: u32) {
    let out = c.run_script(&format!(
        "cat <<EOF | kubectl apply -f -\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  podManagementPolicy: Parallel\n  revisionHistoryLimit: {limit}\n  serviceName: nginx\n  replicas: 1\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: {image}\nEOF"
    ));
    assert_eq!(out.exit_code, 0, "{out:?}");
}

fn revisions(c: &Cluster) -> Vec<ControllerRevision> {
    c.api
        .list(
            Kind::ControllerRevision,
            Some("default"),
            &Default::default(),
        )
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::ControllerRevision(r) => Some(r.clone()),
            _ => None,
        })
        .collect()
}

fn pod_revision(c: &Cluster) -> String {
    match get(c, Kind::Pod, "default", "web-0") {
        Object::Pod(p) => {
            p.metadata.labels.unwrap_or_default()[CONTROLLER_REVISION_HASH_LABEL].clone()
        }
        _ => unreachable!(),
    }
}

/// Applies an image and lets the pod be replaced and become ready.
fn roll(c: &mut Cluster, image: &str, limit: u32) {
    apply_set(c, image, limit);
    for _ in 0..5 {
        make_ready(c, "default", "web-");
        c.advance_ms(1_000);
    }
}

#[test]
fn history_is_limited_to_revision_history_limit() {
    let mut c = Cluster::builder().build();
    for tag in ["1", "2", "3", "4", "5"] {
        roll(&mut c, &format!("nginx:{tag}"), 2);
    }
    // The live revision plus at most two old ones; the oldest went first.
    let revs = revisions(&c);
    assert_eq!(
        revs.len(),
        3,
        "{:?}",
        revs.iter().map(|r| r.revision).collect::<Vec<_>>()
    );
    let mut numbers: Vec<i64> = revs.iter().map(|r| r.revision).collect();
    numbers.sort();
    assert_eq!(numbers, [3, 4, 5]);
    // Revisions carry the template labels, the hash label and the controller reference.
    let r = &revs[0];
    let labels = r.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels["app"], "nginx");
    assert!(labels.contains_key("controller.kubernetes.io/hash"));
    assert_eq!(
        r.metadata.owner_references.clone().unwrap()[0].kind,
        "StatefulSet"
    );
}

#[test]
fn rolling_back_renumbers_the_old_revision() {
    let mut c = Cluster::builder().build();
    roll(&mut c, "nginx:1", 10);
    let first = pod_revision(&c);
    roll(&mut c, "nginx:2", 10);
    assert_ne!(pod_revision(&c), first);
    roll(&mut c, "nginx:1", 10);
    // No third revision: the first one is reused with revision number 3.
    assert_eq!(pod_revision(&c), first);
    let revs = revisions(&c);
    assert_eq!(revs.len(), 2);
    let back = revs
        .iter()
        .find(|r| r.metadata.name.as_deref() == Some(first.as_str()))
        .unwrap();
    assert_eq!(back.revision, 3);
}

#[test]
fn an_orphan_pod_with_a_member_name_is_adopted() {
    let mut c = Cluster::builder().build();
    let out = c.run_script("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n  labels:\n    app: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1\nEOF");
    assert_eq!(out.exit_code, 0, "{out:?}");
    let stray = c.run_script("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: other-0\n  labels:\n    app: nginx\nspec:\n  containers:\n  - name: nginx\n    image: nginx:1\nEOF");
    assert_eq!(stray.exit_code, 0);
    apply_set(&mut c, "nginx:1", 10);
    let Object::Pod(p) = get(&c, Kind::Pod, "default", "web-0") else {
        unreachable!()
    };
    let owner = &p.metadata.owner_references.unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("StatefulSet", "web")
    );
    // A pod whose name is not `web-<n>` is not a member, whatever its labels.
    let Object::Pod(o) = get(&c, Kind::Pod, "default", "other-0") else {
        unreachable!()
    };
    assert!(o.metadata.owner_references.is_none());
}
