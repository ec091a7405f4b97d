//! More end-to-end tests through `Cluster`: proportional scaling mid-rollout,
//! pause/resume, undo and restart (template changes), revision history cleanup, the
//! progress deadline, and adoption, release and hash collisions.

use std::collections::BTreeMap;

use super::tests_e2e::*;
use super::util::{annotation, rs_replicas, REVISION_ANNOTATION, REVISION_HISTORY_ANNOTATION};
use crate::apiserver::Ctx;
use crate::model::Object;
use crate::sim::WriteMeta;
use crate::Cluster;

#[test]
fn scaling_mid_rollout_is_proportional() {
    // 10 replicas mid-rollout (new 5 unavailable, old 8), scaled to 20: 12 more replicas
    // (20 + 5 surge − 13) shared by size — old round(8 × 25 / 13) − 8 = 7, new the other 5.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(10, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(10, "nginx:1.12", ""));
    assert_eq!(sizes(&c), vec![(1, 8), (2, 5)]);
    let (old, new) = (name(&rss(&c)[0]), name(&rss(&c)[1]));
    apply(&mut c, &nginx(20, "nginx:1.12", ""));
    assert_eq!(sizes(&c), vec![(1, 15), (2, 10)]);
    let events = scaling_events(&c);
    assert_eq!(
        events[events.len() - 2..],
        [
            format!("Scaled up replica set {old} from 8 to 15"),
            format!("Scaled up replica set {new} from 5 to 10"),
        ]
    );
    for rs in rss(&c) {
        assert_eq!(
            annotation(&rs.metadata, "deployment.kubernetes.io/desired-replicas"),
            Some("20")
        );
        assert_eq!(
            annotation(&rs.metadata, "deployment.kubernetes.io/max-replicas"),
            Some("25")
        );
    }
}

#[test]
fn paused_deployment_scales_but_does_not_roll_out() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    all_available(&mut c);
    let paused = "  paused: true\n";
    apply(&mut c, &nginx(3, "nginx:1.12", paused));
    let d = deployment(&c);
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "Unknown".into(),
            "DeploymentPaused".into(),
            "Deployment is paused".into()
        )
    );
    assert_eq!(rss(&c).len(), 1, "no rollout while paused");
    apply(&mut c, &nginx(5, "nginx:1.12", paused));
    assert_eq!(sizes(&c), vec![(1, 5)], "scaling still applies");
    apply(&mut c, &nginx(5, "nginx:1.12", ""));
    let d = deployment(&c);
    assert_eq!(rss(&c).len(), 2, "resumed: the rollout starts");
    // Resume wrote Unknown/DeploymentResumed. The same sync then created the new
    // ReplicaSet, but its NewReplicaSetCreated status write came from the same stale copy
    // of the Deployment and got a Conflict, as upstream's does; the condition stays until
    // the rollout makes progress.
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "Unknown".into(),
            "DeploymentResumed".into(),
            "Deployment is resumed".into()
        )
    );
    // 5 replicas: surge 2, maxUnavailable 1. New at 2; the old ReplicaSet has only 3 of
    // its 5 pods available, so cleanupUnhealthyReplicas takes 1 (7 − 4 − 2); the new one
    // then grows into the freed slot.
    assert_eq!(sizes(&c), vec![(1, 4), (2, 3)]);
    all_available(&mut c);
    assert_eq!(
        condition(&deployment(&c), "Progressing").1,
        "ReplicaSetUpdated"
    );
}

#[test]
fn undo_reuses_the_old_replica_set_as_the_newest_revision() {
    // kubectl v1.32's `rollout undo` writes the old template back: the old ReplicaSet
    // becomes the new one, revision 3, remembering revision 1.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(3, "nginx:1.12", ""));
    for _ in 0..4 {
        all_available(&mut c);
    }
    assert_eq!(sizes(&c), vec![(1, 0), (2, 3)]);
    let first = name(&rss(&c)[0]);
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    assert_eq!(rss(&c).len(), 2, "no new ReplicaSet");
    let reused = rss(&c).into_iter().find(|rs| name(rs) == first).unwrap();
    assert_eq!(annotation(&reused.metadata, REVISION_ANNOTATION), Some("3"));
    assert_eq!(
        annotation(&reused.metadata, REVISION_HISTORY_ANNOTATION),
        Some("1")
    );
    assert_eq!(
        annotation(&deployment(&c).metadata, REVISION_ANNOTATION),
        Some("3")
    );
    for _ in 0..4 {
        all_available(&mut c);
    }
    assert_eq!(sizes(&c), vec![(2, 0), (3, 3)]);
}

#[test]
fn restart_annotation_is_a_template_change() {
    // `kubectl rollout restart` sets kubectl.kubernetes.io/restartedAt in the template.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    all_available(&mut c);
    let restarted = nginx(3, "nginx:1.7.9", "").replace(
        "    metadata:\n      labels:",
        "    metadata:\n      annotations:\n        kubectl.kubernetes.io/restartedAt: \"2025-01-01T00:00:00Z\"\n      labels:",
    );
    apply(&mut c, &restarted);
    assert_eq!(sizes(&c), vec![(1, 3), (2, 1)]);
}

#[test]
fn revision_history_limit_deletes_the_oldest_scaled_down_replica_sets() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    let limit = "  revisionHistoryLimit: 1\n";
    for image in ["nginx:1.7.9", "nginx:1.8", "nginx:1.9", "nginx:1.12"] {
        apply(&mut c, &nginx(2, image, limit));
        for _ in 0..4 {
            all_available(&mut c);
        }
    }
    // The newest (revision 4) and one old (revision 3) remain.
    assert_eq!(sizes(&c), vec![(3, 0), (4, 2)]);
}

#[test]
fn progress_deadline_exceeded_after_the_deadline() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    let pds = "  progressDeadlineSeconds: 30\n";
    apply(&mut c, &nginx(3, "nginx:1.7.9", pds));
    all_available(&mut c);
    apply(&mut c, &nginx(3, "nginx:1.12", pds));
    let new = name(&rss(&c)[1]);
    c.advance_ms(30_000);
    assert_eq!(
        condition(&deployment(&c), "Progressing").1,
        "NewReplicaSetCreated"
    );
    c.advance_ms(1_000);
    let d = deployment(&c);
    assert_eq!(
        condition(&d, "Progressing"),
        (
            "False".into(),
            "ProgressDeadlineExceeded".into(),
            format!("ReplicaSet \"{new}\" has timed out progressing.")
        )
    );
    // Progress afterwards still moves the rollout, and a complete rollout says so.
    for _ in 0..4 {
        all_available(&mut c);
    }
    assert_eq!(
        condition(&deployment(&c), "Progressing").1,
        "NewReplicaSetAvailable"
    );
}

#[test]
fn progressing_condition_keeps_transition_time_and_refreshes_update_time() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(3, "nginx:1.12", ""));
    let t0 = c.now();
    c.advance_ms(5_000);
    all_available(&mut c);
    let d = deployment(&c);
    let cond = d
        .status
        .unwrap()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_ == "Progressing")
        .unwrap();
    assert_eq!(cond.reason.as_deref(), Some("ReplicaSetUpdated"));
    assert_eq!(cond.last_transition_time, Some(t0.to_k8s_time()));
    assert_eq!(cond.last_update_time, Some(t0.plus_ms(5_000).to_k8s_time()));
}

#[test]
fn adopts_matching_orphans_and_releases_relabelled_replica_sets() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    // An orphan ReplicaSet with the Deployment's template, created first.
    let orphan = "apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-orphan
  labels:
    app: nginx
spec:
  replicas: 2
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
    apply(&mut c, orphan);
    apply(&mut c, &nginx(3, "nginx:1.7.9", ""));
    let all = rss(&c);
    assert_eq!(
        all.len(),
        1,
        "adopted as the new ReplicaSet: {:?}",
        sizes(&c)
    );
    let owner = &all[0].metadata.owner_references.as_ref().unwrap()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("Deployment", "nginx-deployment")
    );
    assert_eq!(sizes(&c), vec![(1, 3)]);
    assert_eq!(
        condition(&deployment(&c), "Progressing").1,
        "FoundNewReplicaSet"
    );

    // Relabelled away from the selector, it is released; the Deployment makes a new one.
    let out = c.run_script("kubectl label rs web-orphan app=other --overwrite");
    assert_eq!(out.exit_code, 0, "{}", out.combined());
    let orphaned = rss(&c)
        .into_iter()
        .find(|rs| name(rs) == "web-orphan")
        .unwrap();
    assert_eq!(
        orphaned
            .metadata
            .owner_references
            .as_deref()
            .unwrap_or_default(),
        &[]
    );
    let owned: Vec<_> = rss(&c)
        .into_iter()
        .filter(|rs| name(rs) != "web-orphan")
        .collect();
    assert_eq!(owned.len(), 1);
    assert_eq!(rs_replicas(&owned[0]), 3);
}

#[test]
fn hash_collision_bumps_collision_count() {
    // A foreign ReplicaSet squatting on the name the Deployment's template hashes to.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller", "garbage-collector-controller"])
        .build();
    apply(&mut c, &nginx(1, "nginx:1.7.9", ""));
    let taken = name(&rss(&c)[0]);
    let out = c.run_script("kubectl delete deployment nginx-deployment");
    assert_eq!(out.exit_code, 0, "{}", out.combined());
    // Without a garbage collector the ReplicaSet stays; strip its owner so it is foreign,
    // and relabel it so the selector does not adopt it.
    let mut rs = rss(&c).into_iter().next().unwrap();
    rs.metadata.owner_references = None;
    rs.metadata.labels = Some(BTreeMap::from([(
        "app".to_string(),
        "squatter".to_string(),
    )]));
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    c.api
        .update(
            &mut ctx,
            Object::ReplicaSet(rs),
            crate::apiserver::Subresource::Main,
        )
        .unwrap();
    apply(&mut c, &nginx(1, "nginx:1.7.9", ""));
    let d = deployment(&c);
    assert_eq!(d.status.as_ref().unwrap().collision_count, Some(1));
    let mine: Vec<_> = rss(&c).into_iter().filter(|rs| name(rs) != taken).collect();
    assert_eq!(mine.len(), 1);
    assert!(name(&mine[0]).starts_with("nginx-deployment-"));
    assert_eq!(annotation(&d.metadata, REVISION_ANNOTATION), Some("1"));
}
