//! End-to-end tests through `Cluster`: manifests applied as a user would, the deployment
//! controller running in the manager, and the ReplicaSet controller's part (pods existing
//! and becoming available) simulated by writing ReplicaSet status, so the assertions are
//! on ReplicaSet sizes, annotations and events and hold with or without a ReplicaSet
//! controller creating pods.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, ReplicaSetStatus};

use super::util::{annotation, rs_replicas, REVISION_ANNOTATION};
use crate::apiserver::{Ctx, ListOptions, Subresource};
use crate::model::{Kind, Object};
use crate::sim::{Actor, WriteMeta};
use crate::Cluster;

/// The talk's slide 32 Deployment with `replicas`, `image` and extra spec lines.
pub(super) fn nginx(replicas: i32, image: &str, extra_spec: &str) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: nginx
{extra_spec}  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: {image}
        ports:
        - containerPort: 80
"
    )
}

pub(super) fn apply(c: &mut Cluster, yaml: &str) {
    let out = c.apply_yaml(yaml);
    assert_eq!(out.exit_code, 0, "{}", out.combined());
}

/// The ReplicaSets in `default`, oldest revision first.
pub(super) fn rss(c: &Cluster) -> Vec<ReplicaSet> {
    let mut v: Vec<ReplicaSet> = c
        .api
        .list(Kind::ReplicaSet, Some("default"), &ListOptions::default())
        .unwrap()
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs) => Some(rs.clone()),
            _ => None,
        })
        .collect();
    v.sort_by_key(|rs| super::util::revision(&rs.metadata).unwrap_or(0));
    v
}

/// Sizes by revision: `[(revision, spec.replicas)]`.
pub(super) fn sizes(c: &Cluster) -> Vec<(i64, i32)> {
    rss(c)
        .iter()
        .map(|rs| {
            (
                super::util::revision(&rs.metadata).unwrap_or(0),
                rs_replicas(rs),
            )
        })
        .collect()
}

pub(super) fn deployment(c: &Cluster) -> Deployment {
    match &*c
        .api
        .get(Kind::Deployment, "default", "nginx-deployment")
        .unwrap()
    {
        Object::Deployment(d) => d.clone(),
        _ => unreachable!(),
    }
}

/// Plays the ReplicaSet controller: every ReplicaSet has exactly `spec.replicas` pods,
/// and `available(rs, previously_available)` of them are ready and available. Then the
/// cluster settles.
pub(super) fn simulate(c: &mut Cluster, available: impl Fn(&ReplicaSet, i32) -> i32) {
    for rs in rss(c) {
        let replicas = rs_replicas(&rs);
        let before = super::util::rs_available(&rs);
        let avail = available(&rs, before).min(replicas);
        let mut rs = rs.clone();
        rs.status = Some(ReplicaSetStatus {
            replicas,
            fully_labeled_replicas: Some(replicas),
            ready_replicas: Some(avail),
            available_replicas: Some(avail),
            observed_generation: rs.metadata.generation,
            ..Default::default()
        });
        let meta = WriteMeta::by(Actor::Controller("replicaset-controller"), None);
        let mut ctx = Ctx::new(c.now, &mut c.rng, meta);
        c.api
            .update(&mut ctx, Object::ReplicaSet(rs), Subresource::Status)
            .unwrap();
    }
    c.settle();
}

/// Every pod of every ReplicaSet is available.
pub(super) fn all_available(c: &mut Cluster) {
    simulate(c, |rs, _| rs_replicas(rs));
}

/// ScalingReplicaSet messages in the order recorded.
pub(super) fn scaling_events(c: &Cluster) -> Vec<String> {
    let mut v: Vec<(u64, String)> = c
        .api
        .list(Kind::Event, Some("default"), &ListOptions::default())
        .unwrap()
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) if e.reason.as_deref() == Some("ScalingReplicaSet") => Some((
                e.metadata
                    .resource_version
                    .as_deref()
                    .and_then(|r| r.parse().ok())
                    .unwrap_or(0),
                e.message.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, m)| m).collect()
}

pub(super) fn condition(d: &Deployment, type_: &str) -> (String, String, String) {
    let c = d
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == type_))
        .unwrap_or_else(|| panic!("no {type_} condition"));
    (
        c.status.clone(),
        c.reason.clone().unwrap_or_default(),
        c.message.clone().unwrap_or_default(),
    )
}

pub(super) fn name(rs: &ReplicaSet) -> String {
    rs.metadata.name.clone().unwrap_or_default()
}

#[test]
fn slide_32_creates_the_replica_set_with_hash_owner_and_annotations() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    let all = rss(&c);
    assert_eq!(all.len(), 1);
    let rs = &all[0];
    let hash = rs.metadata.labels.as_ref().unwrap()["pod-template-hash"].clone();
    assert_eq!(name(rs), format!("nginx-deployment-{hash}"));
    assert!(
        !hash.is_empty() && hash.len() <= 10 && hash.bytes().all(|b| b"456789bcdf".contains(&b))
    );
    let spec = rs.spec.as_ref().unwrap();
    assert_eq!(spec.replicas, Some(3));
    assert_eq!(
        spec.selector.match_labels.as_ref().unwrap()["pod-template-hash"],
        hash
    );
    assert_eq!(spec.selector.match_labels.as_ref().unwrap()["app"], "nginx");
    let tmpl_labels = spec
        .template
        .as_ref()
        .unwrap()
        .metadata
        .as_ref()
        .unwrap()
        .labels
        .clone()
        .unwrap();
    assert_eq!(tmpl_labels["pod-template-hash"], hash);
    let owner = &rs.metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (
            owner.kind.as_str(),
            owner.name.as_str(),
            owner.controller,
            owner.block_owner_deletion
        ),
        ("Deployment", "nginx-deployment", Some(true), Some(true))
    );
    for (k, v) in [
        ("deployment.kubernetes.io/revision", "1"),
        ("deployment.kubernetes.io/desired-replicas", "3"),
        ("deployment.kubernetes.io/max-replicas", "4"),
    ] {
        assert_eq!(annotation(&rs.metadata, k), Some(v), "{k}");
    }
    let d = deployment(&c);
    assert_eq!(annotation(&d.metadata, REVISION_ANNOTATION), Some("1"));
    assert_eq!(
        scaling_events(&c),
        vec![format!(
            "Scaled up replica set nginx-deployment-{hash} from 0 to 3"
        )]
    );
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetCreated".into(),
            format!("Created new replica set \"nginx-deployment-{hash}\"")
        )
    );
    assert_eq!(
        condition(&d, "Available"),
        (
            "False".into(),
            "MinimumReplicasUnavailable".into(),
            "Deployment does not have minimum availability.".into()
        )
    );
    // The same manifest again changes nothing and keeps the hash.
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    assert_eq!(rss(&c).len(), 1);

    all_available(&mut c);
    let d = deployment(&c);
    let st = d.status.clone().unwrap();
    assert_eq!(
        (
            st.observed_generation,
            st.replicas,
            st.updated_replicas,
            st.ready_replicas,
            st.available_replicas,
            st.unavailable_replicas
        ),
        (Some(1), Some(3), Some(3), Some(3), Some(3), None)
    );
    assert_eq!(condition(&d, "Available").1, "MinimumReplicasAvailable");
    assert_eq!(
        condition(&d, "Available").2,
        "Deployment has minimum availability."
    );
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "True".into(),
            "NewReplicaSetAvailable".into(),
            format!("ReplicaSet \"nginx-deployment-{hash}\" has successfully progressed.")
        )
    );
}

#[test]
fn slide_32_image_change_rolls_one_pod_at_a_time() {
    // 3 replicas, maxSurge 25% → 1, maxUnavailable 25% → 0: one new pod, then one old
    // pod goes as each new one becomes available.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(3, "nginx:1.12", ""));
    assert_eq!(sizes(&c), vec![(1, 3), (2, 1)]);
    let d = deployment(&c);
    assert_eq!(annotation(&d.metadata, REVISION_ANNOTATION), Some("2"));
    let (old, new) = (name(&rss(&c)[0]), name(&rss(&c)[1]));
    let mut seen = Vec::new();
    for _ in 0..4 {
        all_available(&mut c);
        seen.push(sizes(&c));
    }
    assert_eq!(
        seen,
        vec![
            vec![(1, 2), (2, 2)],
            vec![(1, 1), (2, 3)],
            vec![(1, 0), (2, 3)],
            vec![(1, 0), (2, 3)],
        ]
    );
    assert_eq!(
        scaling_events(&c),
        vec![
            format!("Scaled up replica set {old} from 0 to 3"),
            format!("Scaled up replica set {new} from 0 to 1"),
            format!("Scaled down replica set {old} from 3 to 2"),
            format!("Scaled up replica set {new} from 1 to 2"),
            format!("Scaled down replica set {old} from 2 to 1"),
            format!("Scaled up replica set {new} from 2 to 3"),
            format!("Scaled down replica set {old} from 1 to 0"),
        ]
    );
    let d = deployment(&c);
    assert_eq!(condition(&d, "Progressing").1, "NewReplicaSetAvailable");
    let st = d.status.unwrap();
    assert_eq!(
        (st.replicas, st.updated_replicas, st.available_replicas),
        (Some(3), Some(3), Some(3))
    );
}

#[test]
fn ten_replicas_image_change_gives_new_3_old_8_then_5() {
    // 10 replicas with the defaults: maxSurge 3, maxUnavailable 2. The first sync after the
    // image change creates the new ReplicaSet at 3 and scales the old one to 8; the next
    // sync (same instant, woken by those writes) grows the new one to 13 − 8 = 5, as
    // upstream's comment in reconcileOldReplicaSets describes.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(10, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(10, "nginx:1.12", ""));
    let (old, new) = (name(&rss(&c)[0]), name(&rss(&c)[1]));
    let events = scaling_events(&c);
    assert_eq!(
        events[1..],
        [
            format!("Scaled up replica set {new} from 0 to 3"),
            format!("Scaled down replica set {old} from 10 to 8"),
            format!("Scaled up replica set {new} from 3 to 5"),
        ]
    );
    // Time travel to the write that scaled the old ReplicaSet to 8: new 3, old 8.
    let first_sync = revision_where(&c, &old, 8);
    let snapshot: Vec<(String, i32)> = c
        .api
        .list_at(Kind::ReplicaSet, Some("default"), first_sync)
        .unwrap()
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs) => Some((name(rs), rs_replicas(rs))),
            _ => None,
        })
        .collect();
    let mut expected = vec![(old.clone(), 8), (new.clone(), 3)];
    expected.sort();
    let mut snapshot = snapshot;
    snapshot.sort();
    assert_eq!(snapshot, expected);
    assert_eq!(sizes(&c), vec![(1, 8), (2, 5)]);

    // Then all pods become available at each step.
    let mut seen = Vec::new();
    for _ in 0..3 {
        all_available(&mut c);
        seen.push(sizes(&c));
    }
    assert_eq!(
        seen,
        vec![
            vec![(1, 3), (2, 10)],
            vec![(1, 0), (2, 10)],
            vec![(1, 0), (2, 10)]
        ]
    );
}

/// The store revision at which the named ReplicaSet was written with this size.
fn revision_where(c: &Cluster, rs_name: &str, size: i32) -> u64 {
    (1..=c.api.revision())
        .find(|&rev| {
            c.api
                .list_at(Kind::ReplicaSet, Some("default"), rev)
                .map(|l| {
                    l.iter().any(|o| {
                        o.name() == rs_name
                            && matches!(&**o, Object::ReplicaSet(rs) if rs_replicas(rs) == size)
                    })
                })
                .unwrap_or(false)
        })
        .unwrap_or_else(|| panic!("{rs_name} never had {size} replicas"))
}
