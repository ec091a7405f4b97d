//! The cluster as one scheduling pass sees it (upstream's cache snapshot): every node with
//! the pods bound to it, plus the few other objects plugins consult (namespaces for
//! affinity namespace selectors; Services, ReplicaSets and StatefulSets for the default
//! topology spreading selector).
//!
//! A snapshot is built from two LISTs at the start of a pass and lives only for that pass
//! (controllers keep no state between reconciles). Building it groups pods by
//! `spec.nodeName` without parsing them; a node's aggregate (requested resources, used
//! host ports, parsed pods) is computed the first time a plugin asks for it, so a pass
//! parses only the pods of nodes it actually considers. When the pass binds a pod it
//! `assume`s it onto its node, so later pods of the same pass see it, as upstream's
//! scheduler cache does between binding and the informer catching up.
//!
//! Pods in phase `Succeeded` or `Failed` hold no resources: upstream's scheduler watches
//! pods with `status.phase!=Succeeded,status.phase!=Failed`.

use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

mod memo;
mod node;

pub use memo::{count_matching, Counter, Domains};
pub use node::{NodeInfo, NodePods};

use memo::Memo;

use crate::model::selector::LabelSelector;
use crate::model::Object;
use crate::scheduler::podinfo::PodInfo;

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// The other objects plugins read, listed once per pass.
#[derive(Debug, Default)]
pub struct ClusterLists {
    /// Namespace name → labels.
    pub namespaces: BTreeMap<String, BTreeMap<String, String>>,
    /// Services, ReplicaSets and StatefulSets (for the default spreading selector).
    pub services: Vec<Rc<Object>>,
    /// ReplicaSets by (namespace, name).
    pub replica_sets: BTreeMap<(String, String), Rc<Object>>,
    /// StatefulSets by (namespace, name).
    pub stateful_sets: BTreeMap<(String, String), Rc<Object>>,
}

/// The cluster as one scheduling pass sees it.
#[derive(Debug)]
pub struct Snapshot {
    /// All nodes, in name order.
    pub nodes: Vec<NodeInfo>,
    index: BTreeMap<Rc<str>, usize>,
    /// Other objects.
    pub lists: ClusterLists,
    images: OnceCell<BTreeMap<String, (i64, usize)>>,
    memo: RefCell<Memo>,
}

/// Whether a pod holds node resources: bound and not finished.
pub fn is_assigned_and_active(obj: &Object) -> bool {
    let Object::Pod(p) = obj else {
        return false;
    };
    let bound = p
        .spec
        .as_ref()
        .and_then(|s| s.node_name.as_deref())
        .is_some_and(|n| !n.is_empty());
    let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
    bound && !matches!(phase, Some("Succeeded") | Some("Failed"))
}

impl Snapshot {
    /// A snapshot of `nodes` with the bound, unfinished pods among `pods`.
    pub fn new(nodes: Vec<Rc<Object>>, pods: &[Rc<Object>], lists: ClusterLists) -> Snapshot {
        let nodes: Vec<NodeInfo> = nodes
            .into_iter()
            .filter(|o| matches!(**o, Object::Node(_)))
            .enumerate()
            .filter_map(|(i, o)| NodeInfo::new(i, o))
            .collect();
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.clone(), i))
            .collect();
        let mut snap = Snapshot {
            nodes,
            index,
            lists,
            images: OnceCell::new(),
            memo: RefCell::new(Memo::default()),
        };
        for obj in pods {
            if !is_assigned_and_active(obj) {
                continue;
            }
            let Object::Pod(p) = &**obj else { continue };
            let node = p.spec.as_ref().and_then(|s| s.node_name.as_deref());
            if let Some(i) = node.and_then(|n| snap.index.get(n)).copied() {
                snap.nodes[i].add_raw(obj.clone());
            }
        }
        snap
    }

    /// The index of a node by name.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Records that `pod` now runs on node `idx` (upstream's `AssumePod`).
    pub fn assume(&mut self, pod: &Rc<PodInfo>, idx: usize) {
        if let Some(n) = self.nodes.get_mut(idx) {
            n.assume(pod);
        }
        self.memo.get_mut().assume(pod, idx);
    }

    /// A handle on the counts of pods in `namespace` that `selector` matches, so that
    /// pods sharing a selector (a ReplicaSet's replicas) count each node's pods once per
    /// pass rather than once per pod.
    pub fn counter(&self, namespace: &str, selector: &LabelSelector) -> Counter {
        self.memo
            .borrow_mut()
            .counter(namespace, selector, self.nodes.len())
    }

    /// How many pods on node `idx` the counter's selector matches in its namespace, not
    /// counting terminating pods (upstream `countPodsMatchSelector`).
    pub fn count(&self, counter: Counter, idx: usize) -> i64 {
        if let Some(n) = self.memo.borrow().cached(counter, idx) {
            return n;
        }
        match self.nodes.get(idx) {
            Some(node) => self.memo.borrow_mut().fill(counter, node),
            None => 0,
        }
    }

    /// The domains of a topology key over the snapshot's nodes.
    pub fn domains(&self, key: &str) -> Rc<Domains> {
        self.memo.borrow_mut().domains(key, &self.nodes)
    }

    /// The labels of a namespace (empty when unknown).
    pub fn namespace_labels(&self, ns: &str) -> &BTreeMap<String, String> {
        self.lists.namespaces.get(ns).unwrap_or(&NO_LABELS)
    }

    /// For each image name nodes report: its size and on how many nodes it is present
    /// (upstream's `ImageStateSummary`), computed on first use.
    pub fn image_states(&self) -> &BTreeMap<String, (i64, usize)> {
        self.images.get_or_init(|| {
            let mut states: BTreeMap<String, (i64, usize)> = BTreeMap::new();
            for n in &self.nodes {
                let images = n.node().status.as_ref().and_then(|s| s.images.as_ref());
                for image in images.into_iter().flatten() {
                    for name in image.names.iter().flatten() {
                        let e = states.entry(name.clone()).or_insert((0, 0));
                        e.0 = image.size_bytes.unwrap_or(0);
                        e.1 += 1;
                    }
                }
            }
            states
        })
    }
}
