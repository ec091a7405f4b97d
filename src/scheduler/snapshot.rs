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

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Taint};

use crate::model::Object;
use crate::scheduler::podinfo::{has_pod_affinity, has_required_anti_affinity, HostPort, PodInfo};
use crate::scheduler::resources::Resource;

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// What a node's pods add up to (parts of upstream `framework.NodeInfo`).
#[derive(Debug, Default)]
pub struct NodePods {
    /// The pods bound (or assumed) to the node.
    pub pods: Vec<Rc<PodInfo>>,
    /// Sum of their effective requests.
    pub requested: Resource,
    /// Sum of their requests with missing cpu/memory counted as 100m/200Mi.
    pub non_zero_requested: Resource,
    /// Host ports in use.
    pub used_ports: Vec<HostPort>,
}

impl NodePods {
    fn add(&mut self, pod: Rc<PodInfo>) {
        self.requested.add(&pod.requests);
        self.non_zero_requested.milli_cpu += pod.non_zero.milli_cpu;
        self.non_zero_requested.memory += pod.non_zero.memory;
        self.used_ports.extend(pod.host_ports.iter().cloned());
        self.pods.push(pod);
    }
}

/// One node and its pods.
#[derive(Debug)]
pub struct NodeInfo {
    obj: Rc<Object>,
    /// The node's name.
    pub name: Rc<str>,
    /// `status.allocatable`.
    pub allocatable: Resource,
    /// Pods not yet folded into `agg`.
    raw: Vec<Rc<Object>>,
    agg: OnceCell<NodePods>,
    /// Whether any pod here has inter-pod affinity or anti-affinity.
    pub has_pods_with_affinity: bool,
    /// Whether any pod here has required anti-affinity.
    pub has_pods_with_required_anti_affinity: bool,
}

impl NodeInfo {
    fn new(obj: Rc<Object>) -> Option<NodeInfo> {
        let Object::Node(node) = &*obj else {
            return None;
        };
        let name: Rc<str> = Rc::from(node.metadata.name.as_deref().unwrap_or(""));
        let allocatable = Resource::allocatable(node);
        Some(NodeInfo {
            obj,
            name,
            allocatable,
            raw: Vec::new(),
            agg: OnceCell::new(),
            has_pods_with_affinity: false,
            has_pods_with_required_anti_affinity: false,
        })
    }

    /// The Node object.
    pub fn node(&self) -> &Node {
        match &*self.obj {
            Object::Node(n) => n,
            _ => {
                debug_assert!(false, "NodeInfo holds a non-Node");
                empty_node()
            }
        }
    }

    /// The node's labels.
    pub fn labels(&self) -> &BTreeMap<String, String> {
        self.node().metadata.labels.as_ref().unwrap_or(&NO_LABELS)
    }

    /// The node's taints.
    pub fn taints(&self) -> &[Taint] {
        self.node()
            .spec
            .as_ref()
            .and_then(|s| s.taints.as_deref())
            .unwrap_or_default()
    }

    /// The node's pods and what they add up to, computed on first use.
    pub fn pods(&self) -> &NodePods {
        self.agg.get_or_init(|| {
            let mut agg = NodePods::default();
            for obj in &self.raw {
                if let Some(info) = PodInfo::new(obj.clone()) {
                    agg.add(Rc::new(info));
                }
            }
            agg
        })
    }

    /// How many pods are bound here, without parsing them.
    pub fn pod_count(&self) -> usize {
        match self.agg.get() {
            Some(agg) => agg.pods.len(),
            None => self.raw.len(),
        }
    }

    /// A copy of this node holding exactly `pods` (preemption's "what if these victims
    /// were gone" view).
    pub fn with_pods(&self, pods: &[Rc<PodInfo>]) -> NodeInfo {
        let mut agg = NodePods::default();
        for p in pods {
            agg.add(p.clone());
        }
        let cell = OnceCell::new();
        let _ = cell.set(agg);
        NodeInfo {
            obj: self.obj.clone(),
            name: self.name.clone(),
            allocatable: self.allocatable.clone(),
            raw: Vec::new(),
            agg: cell,
            has_pods_with_affinity: pods.iter().any(|p| p.has_affinity()),
            has_pods_with_required_anti_affinity: pods
                .iter()
                .any(|p| has_required_anti_affinity(p.pod())),
        }
    }

    fn add_raw(&mut self, obj: Rc<Object>) {
        if let Object::Pod(p) = &*obj {
            self.has_pods_with_affinity |= has_pod_affinity(p);
            self.has_pods_with_required_anti_affinity |= has_required_anti_affinity(p);
        }
        match self.agg.get_mut() {
            Some(agg) => {
                if let Some(info) = PodInfo::new(obj) {
                    agg.add(Rc::new(info));
                }
            }
            None => self.raw.push(obj),
        }
    }

    fn assume(&mut self, pod: &Rc<PodInfo>) {
        self.has_pods_with_affinity |= has_pod_affinity(pod.pod());
        self.has_pods_with_required_anti_affinity |= has_required_anti_affinity(pod.pod());
        match self.agg.get_mut() {
            Some(agg) => agg.add(pod.clone()),
            None => self.raw.push(pod.object().clone()),
        }
    }
}

fn empty_node() -> &'static Node {
    static EMPTY: std::sync::OnceLock<Node> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Node::default)
}

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
        let nodes: Vec<NodeInfo> = nodes.into_iter().filter_map(NodeInfo::new).collect();
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
