//! Scheduling at scale: a ReplicaSet's pods on many nodes. The default size runs in the
//! test suite; `KUBENIWA_SCALE_NODES` and `KUBENIWA_SCALE_PODS` turn it into a workload
//! to time from outside (the engine reads no clock), e.g. 1,000 nodes and 10,000 pods:
//! `time target/release/deps/kubeniwa-* --exact scheduler::tests::scale::replica_set_pods_on_many_nodes`.

use super::*;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Pods are created in batches of 500 between settles, as the ReplicaSet controller's
/// `burstReplicas` does; every pod gets bound and the replicas spread evenly (the default
/// hostname spreading keeps any two nodes within the constraint's skew).
#[test]
fn replica_set_pods_on_many_nodes() {
    let nodes = env("KUBENIWA_SCALE_NODES", 150);
    let pods = env("KUBENIWA_SCALE_PODS", 600);
    let mut c = Cluster::builder()
        .without_nodes()
        .without_controllers(&["kubelet"])
        .build();
    for i in 0..nodes {
        let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::by(Actor::Bootstrap, None));
        let created = c.api.create(
            &mut ctx,
            Object::Node(node(&format!("node{i:04}"), "32", "128Gi", false)),
        );
        let Ok(created) = created else {
            panic!("{created:?}")
        };
        let Object::Node(mut n) = (*created).clone() else {
            panic!("not a node")
        };
        if let Some(t) = n.spec.as_mut().and_then(|s| s.taints.as_mut()) {
            t.clear();
        }
        assert!(c
            .api
            .update(&mut ctx, Object::Node(n), Subresource::Main)
            .is_ok());
    }
    c.settle();
    apply(&mut c, "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n");
    let uid = c
        .api
        .get(Kind::ReplicaSet, "default", "web")
        .map(|rs| rs.meta().uid.clone().unwrap_or_default());
    let uid = uid.unwrap_or_default();
    let mut made = 0;
    while made < pods {
        for _ in 0..500.min(pods - made) {
            let p: Pod = serde_json::from_value(serde_json::json!({
                "metadata": {"name": format!("web-{made}"), "namespace": "default", "labels": {"app": "web"},
                  "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web", "uid": uid, "controller": true}]},
                "spec": {"containers": [{"name": "c", "image": "nginx", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}}}]}}))
            .unwrap_or_default();
            let mut ctx = Ctx::new(
                c.now,
                &mut c.rng,
                WriteMeta::by(Actor::Controller("replicaset-controller"), None),
            );
            assert!(c.api.create(&mut ctx, Object::Pod(p)).is_ok());
            made += 1;
        }
        c.settle();
    }
    let mut per_node = std::collections::BTreeMap::new();
    for p in c
        .api
        .list(Kind::Pod, Some("default"), &ListOptions::default())
        .unwrap_or_default()
    {
        let Object::Pod(p) = &*p else { continue };
        let n = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.clone())
            .unwrap_or_default();
        assert!(!n.is_empty(), "every pod is bound");
        *per_node.entry(n).or_insert(0usize) += 1;
    }
    let most = per_node.values().max().copied().unwrap_or(0);
    let least = if per_node.len() < nodes {
        0
    } else {
        per_node.values().min().copied().unwrap_or(0)
    };
    assert!(
        most - least <= 3,
        "replicas spread evenly: {least}..{most} per node"
    );
}
