//! `NodeInfo`: one node of a snapshot with its pods and what they add up to (parts of
//! upstream `framework.NodeInfo`). The aggregate is computed on first use, so a pass
//! parses only the pods of the nodes it considers.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Taint};

use crate::model::Object;
use crate::scheduler::podinfo::{
    has_pod_affinity, has_required_anti_affinity, HostPort, PodInfo, LABEL_HOSTNAME, LABEL_ZONE,
};
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
    /// The node's position in the snapshot.
    pub index: usize,
    /// The node's name.
    pub name: Rc<str>,
    /// `status.allocatable`.
    pub allocatable: Resource,
    /// `spec.unschedulable` (cordoned).
    pub unschedulable: bool,
    /// `spec.taints`.
    pub taints: Vec<Taint>,
    /// The `kubernetes.io/hostname` label.
    hostname: Option<String>,
    /// The `topology.kubernetes.io/zone` label.
    zone: Option<String>,
    /// Whether the node reports any images (`status.images`).
    pub has_images: bool,
    /// Pods not yet folded into `agg`.
    raw: Vec<Rc<Object>>,
    agg: OnceCell<NodePods>,
    /// Whether any pod here has inter-pod affinity or anti-affinity.
    pub has_pods_with_affinity: bool,
    /// Whether any pod here has required anti-affinity.
    pub has_pods_with_required_anti_affinity: bool,
}

impl NodeInfo {
    pub(super) fn new(index: usize, obj: Rc<Object>) -> Option<NodeInfo> {
        let Object::Node(node) = &*obj else {
            return None;
        };
        let name: Rc<str> = Rc::from(node.metadata.name.as_deref().unwrap_or(""));
        let allocatable = Resource::allocatable(node);
        let spec = node.spec.as_ref();
        let label = |k: &str| {
            node.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get(k))
                .cloned()
        };
        Some(NodeInfo {
            unschedulable: spec.and_then(|s| s.unschedulable) == Some(true),
            taints: spec.and_then(|s| s.taints.clone()).unwrap_or_default(),
            hostname: label(LABEL_HOSTNAME),
            zone: label(LABEL_ZONE),
            has_images: node
                .status
                .as_ref()
                .and_then(|s| s.images.as_ref())
                .is_some_and(|i| !i.is_empty()),
            obj,
            index,
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
        &self.taints
    }

    /// One label's value (the hostname and zone labels are read without a map lookup).
    pub fn label(&self, key: &str) -> Option<&str> {
        match key {
            LABEL_HOSTNAME => self.hostname.as_deref(),
            LABEL_ZONE => self.zone.as_deref(),
            _ => self.labels().get(key).map(String::as_str),
        }
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
            index: self.index,
            name: self.name.clone(),
            allocatable: self.allocatable.clone(),
            unschedulable: self.unschedulable,
            taints: self.taints.clone(),
            hostname: self.hostname.clone(),
            zone: self.zone.clone(),
            has_images: self.has_images,
            raw: Vec::new(),
            agg: cell,
            has_pods_with_affinity: pods.iter().any(|p| p.has_affinity()),
            has_pods_with_required_anti_affinity: pods
                .iter()
                .any(|p| has_required_anti_affinity(p.pod())),
        }
    }

    pub(super) fn add_raw(&mut self, obj: Rc<Object>) {
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

    pub(super) fn assume(&mut self, pod: &Rc<PodInfo>) {
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
