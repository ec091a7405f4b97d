//! What a pass computes once and many pods reuse: per-node counts of the pods a selector
//! matches (a ReplicaSet's replicas all spread by the same selector), and each topology
//! key's domains as small integers. Both live only as long as the snapshot; `assume`
//! keeps the counts current as the pass binds pods.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::model::selector::LabelSelector;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, NodePods};

/// Per-node counts of the pods one selector matches in one namespace.
#[derive(Debug)]
struct MatchCounts {
    namespace: String,
    selector: LabelSelector,
    per_node: Vec<Option<i64>>,
}

/// A handle on one `(namespace, selector)` pair's counts (see `Snapshot::counter`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter(usize);

/// A topology key's domains: each node's domain as an index into `values`. A node
/// without the label falls in the domain of the empty value, as upstream reads a missing
/// label as "".
#[derive(Debug)]
pub struct Domains {
    /// Per node: its domain.
    pub of_node: Vec<usize>,
    /// Per node: whether it has the label.
    pub has_label: Vec<bool>,
    /// Domain → label value.
    pub values: Vec<String>,
}

/// The memo of a snapshot.
#[derive(Debug, Default)]
pub(super) struct Memo {
    counts: Vec<MatchCounts>,
    domains: Vec<(String, Rc<Domains>)>,
}

/// Upstream `countPodsMatchSelector`: pods in the namespace, not terminating, whose
/// labels the selector matches. An empty selector counts nothing.
pub fn count_matching(pods: &NodePods, selector: &LabelSelector, ns: &str) -> i64 {
    if selector.is_empty() {
        return 0;
    }
    pods.pods
        .iter()
        .filter(|p| !p.terminating() && p.namespace() == ns && selector.matches(p.labels()))
        .count() as i64
}

impl Memo {
    pub(super) fn counter(
        &mut self,
        namespace: &str,
        selector: &LabelSelector,
        nodes: usize,
    ) -> Counter {
        if let Some(i) = self
            .counts
            .iter()
            .position(|c| c.namespace == namespace && c.selector == *selector)
        {
            return Counter(i);
        }
        self.counts.push(MatchCounts {
            namespace: namespace.to_string(),
            selector: selector.clone(),
            per_node: vec![None; nodes],
        });
        Counter(self.counts.len() - 1)
    }

    pub(super) fn cached(&self, counter: Counter, idx: usize) -> Option<i64> {
        self.counts
            .get(counter.0)?
            .per_node
            .get(idx)
            .copied()
            .flatten()
    }

    pub(super) fn fill(&mut self, counter: Counter, node: &NodeInfo) -> i64 {
        let Some(c) = self.counts.get_mut(counter.0) else {
            return 0;
        };
        let n = count_matching(node.pods(), &c.selector, &c.namespace);
        if let Some(slot) = c.per_node.get_mut(node.index) {
            *slot = Some(n);
        }
        n
    }

    pub(super) fn assume(&mut self, pod: &PodInfo, idx: usize) {
        if pod.terminating() {
            return;
        }
        for c in &mut self.counts {
            if let Some(Some(n)) = c.per_node.get_mut(idx) {
                if c.namespace == pod.namespace() && c.selector.matches(pod.labels()) {
                    *n += 1;
                }
            }
        }
    }

    pub(super) fn domains(&mut self, key: &str, nodes: &[NodeInfo]) -> Rc<Domains> {
        if let Some((_, d)) = self.domains.iter().find(|(k, _)| k == key) {
            return d.clone();
        }
        let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
        let mut values = Vec::new();
        let mut of_node = Vec::with_capacity(nodes.len());
        let mut has_label = Vec::with_capacity(nodes.len());
        for n in nodes {
            let value = n.label(key);
            has_label.push(value.is_some());
            let value = value.unwrap_or("");
            let id = *ids.entry(value).or_insert_with(|| {
                values.push(value.to_string());
                values.len() - 1
            });
            of_node.push(id);
        }
        let d = Rc::new(Domains {
            of_node,
            has_label,
            values,
        });
        self.domains.push((key.to_string(), d.clone()));
        d
    }
}
