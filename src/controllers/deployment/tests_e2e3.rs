//! End-to-end tests through `Cluster`, continued: the Recreate strategy, and a rolling
//! update where new pods become available one at a time.

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::tests_e2e::*;
use super::util::rs_replicas;
use crate::apiserver::{Ctx, DeleteOptions};
use crate::model::{Kind, Object};
use crate::sim::WriteMeta;
use crate::Cluster;

#[test]
fn recreate_scales_old_to_zero_waits_for_pods_then_creates_new() {
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    let strategy = "  strategy:\n    type: Recreate\n";
    apply(&mut c, &nginx(3, "nginx:1.7.9", strategy));
    all_available(&mut c);
    let old = rss(&c)[0].clone();
    // A pod of the old ReplicaSet, still running.
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some("old-pod".into()),
            namespace: Some("default".into()),
            labels: old
                .spec
                .as_ref()
                .unwrap()
                .template
                .as_ref()
                .unwrap()
                .metadata
                .as_ref()
                .unwrap()
                .labels
                .clone(),
            owner_references: Some(vec![OwnerReference {
                api_version: "apps/v1".into(),
                kind: "ReplicaSet".into(),
                name: name(&old),
                uid: old.metadata.uid.clone().unwrap(),
                controller: Some(true),
                block_owner_deletion: Some(true),
            }]),
            ..Default::default()
        },
        spec: Some(PodSpec {
            containers: vec![Container {
                name: "nginx".into(),
                image: Some("nginx:1.7.9".into()),
                ..Default::default()
            }],
            ..Default::default()
        }),
        status: None,
    };
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    c.api.create(&mut ctx, Object::Pod(pod)).unwrap();

    apply(&mut c, &nginx(3, "nginx:1.12", strategy));
    // Old scaled to 0, no new ReplicaSet while old pods remain.
    assert_eq!(sizes(&c), vec![(1, 0)]);
    all_available(&mut c); // The old ReplicaSet reports 0 pods, but the pod is still there.
    assert_eq!(rss(&c).len(), 1);
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    c.api
        .delete(
            &mut ctx,
            Kind::Pod,
            "default",
            "old-pod",
            &DeleteOptions::default(),
        )
        .unwrap();
    c.settle();
    assert_eq!(sizes(&c), vec![(1, 0), (2, 3)]);
    let new = name(&rss(&c)[1]);
    assert_eq!(
        scaling_events(&c)[1..],
        [
            format!("Scaled down replica set {} from 3 to 0", name(&old)),
            format!("Scaled up replica set {new} from 0 to 3"),
        ]
    );
}

#[test]
fn ten_replicas_one_new_pod_available_per_step() {
    // Each step one more new pod becomes available (old pods go at once): one old pod
    // leaves per new available pod, and the new ReplicaSet grows into the freed surge.
    let mut c = Cluster::builder()
        .without_controllers(&["replicaset-controller"])
        .build();
    apply(&mut c, &nginx(10, "nginx:1.7.9", ""));
    all_available(&mut c);
    apply(&mut c, &nginx(10, "nginx:1.12", ""));
    let new = name(&rss(&c)[1]);
    let mut seen = vec![sizes(&c)];
    for _ in 0..10 {
        simulate(&mut c, |rs, before| {
            if name(rs) == new {
                before + 1
            } else {
                rs_replicas(rs)
            }
        });
        seen.push(sizes(&c));
    }
    let pairs: Vec<(i32, i32)> = seen.iter().map(|s| (s[1].1, s[0].1)).collect();
    assert_eq!(
        pairs,
        vec![
            (5, 8),
            (6, 7),
            (7, 6),
            (8, 5),
            (9, 4),
            (10, 3),
            (10, 2),
            (10, 1),
            (10, 0),
            (10, 0),
            (10, 0),
        ]
    );
    assert_eq!(
        condition(&deployment(&c), "Progressing").1,
        "NewReplicaSetAvailable"
    );
}
