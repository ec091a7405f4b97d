//! "Why did it go there?" for the UI: re-runs the scheduling attempt that placed a pod,
//! against the cluster as it was just before the binding (the store keeps history for
//! time travel), or, for a pending pod, against the cluster now. Nothing is stored for
//! this: controllers keep no state, and the store's history already holds the inputs.
//!
//! The replay is exact except for what upstream leaves to chance: on clusters of 100
//! nodes or more the real attempt sampled nodes from a random start, and ties between
//! equal totals were broken at random. The replay scans from the first node and reports
//! the node the pod really went to as `chosen`, so tied nodes show up with equal totals.

use std::rc::Rc;

use crate::apiserver::ApiServer;
use crate::model::{Kind, Object};
use crate::scheduler::algorithm::schedule_one;
use crate::scheduler::decision::Decision;
use crate::scheduler::plugins::default_profile;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{ClusterLists, Snapshot};
use crate::sim::SimRng;
use crate::store::Revision;

fn node_name(obj: &Object) -> &str {
    match obj {
        Object::Pod(p) => p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .unwrap_or(""),
        _ => "",
    }
}

/// The decision for pod `namespace/name`: `None` when the pod does not exist, was created
/// with its node already set, or was bound longer ago than the store's history reaches.
pub fn explain(api: &ApiServer, namespace: &str, name: &str) -> Option<Decision> {
    let key = ApiServer::key(Kind::Pod, namespace, name);
    let current = api.store().get(&key)?;
    let bound_to = node_name(&current.value).to_string();
    let at = if bound_to.is_empty() {
        api.revision()
    } else {
        binding_revision(api, &key, current.create_revision, current.mod_revision)? - 1
    };
    let pod = api.store().get_at(&key, at).ok()??.value;
    let lists = lists_at(api, at)?;
    let pods = api.list_at(Kind::Pod, None, at).ok()?;
    let nodes = api.list_at(Kind::Node, None, at).ok()?;
    let snap = Snapshot::new(nodes, &pods, lists);
    let info = PodInfo::new(pod)?;
    let mut start = 0;
    let mut rng = SimRng::new(0);
    let mut decision =
        schedule_one(&default_profile(), &snap, &info, &mut start, &mut rng).decision;
    if !bound_to.is_empty() {
        decision.chosen = Some(Rc::from(bound_to.as_str()));
    }
    Some(decision)
}

/// The revision of the write that set the pod's node: the first revision in
/// `created..=last` at which the pod has one (binary search over the key's history).
fn binding_revision(
    api: &ApiServer,
    key: &str,
    created: Revision,
    last: Revision,
) -> Option<Revision> {
    let bound_at = |rev: Revision| -> Option<bool> {
        let kv = api.store().get_at(key, rev).ok()?;
        Some(kv.is_some_and(|kv| !node_name(&kv.value).is_empty()))
    };
    if bound_at(created)? {
        return None;
    }
    let (mut lo, mut hi) = (created, last);
    while lo + 1 < hi {
        let mid = lo + (hi - lo) / 2;
        if bound_at(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

fn lists_at(api: &ApiServer, at: Revision) -> Option<ClusterLists> {
    let mut lists = ClusterLists::default();
    for ns in api.list_at(Kind::Namespace, None, at).ok()? {
        let labels = ns.meta().labels.clone().unwrap_or_default();
        lists.namespaces.insert(ns.name().to_string(), labels);
    }
    lists.services = api.list_at(Kind::Service, None, at).ok()?;
    for rs in api.list_at(Kind::ReplicaSet, None, at).ok()? {
        lists
            .replica_sets
            .insert((rs.namespace().to_string(), rs.name().to_string()), rs);
    }
    for ss in api.list_at(Kind::StatefulSet, None, at).ok()? {
        lists
            .stateful_sets
            .insert((ss.namespace().to_string(), ss.name().to_string()), ss);
    }
    Some(lists)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::tests::{apply, cluster_with_nodes, node_of, pod_yaml};

    /// A bound pod's decision is replayed as of just before its binding: the control
    /// plane's taint, and the workers' scores, with the real node as `chosen`.
    #[test]
    fn explains_a_placement() {
        let mut c = cluster_with_nodes(3);
        apply(&mut c, &pod_yaml("first", "app: a", ""));
        apply(&mut c, &pod_yaml("second", "app: a", ""));
        let d = explain(c.api(), "default", "second").expect("decision");
        let node = node_of(&c, "second");
        assert_eq!(d.chosen.as_deref(), Some(node.as_str()));
        assert_eq!(
            d.rejection_of("controlplane").map(|r| r.plugin),
            Some("TaintToleration")
        );
        let first_node = node_of(&c, "first");
        // The node holding `first` scored lower: it already had a pod.
        let (busy, free) = (d.total_of(&first_node), d.total_of(&node));
        assert!(busy < free, "{busy:?} < {free:?}");
    }

    /// A pending pod's decision explains why it is pending.
    #[test]
    fn explains_a_pending_pod() {
        let mut c = cluster_with_nodes(3);
        apply(
            &mut c,
            &pod_yaml("picky", "app: a", "  nodeSelector:\n    disktype: ssd\n"),
        );
        let d = explain(c.api(), "default", "picky").expect("decision");
        assert!(d.chosen.is_none());
        assert_eq!(
            d.rejection_of("worker01").map(|r| r.plugin),
            Some("NodeAffinity")
        );
        assert!(explain(c.api(), "default", "ghost").is_none());
    }
}
