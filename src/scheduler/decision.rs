//! What one scheduling attempt decided, and why: which plugin rejected each node, each
//! plugin's scores, and the chosen node. The UI renders "why did it go there?" from a
//! `Decision`; the scheduler turns an unschedulable one into the `FailedScheduling`
//! message (upstream `FitError.Error()`, v1.32).
//!
//! The message counts reasons over nodes, sorts the `"<count> <reason>"` strings
//! byte-wise (Go's `sort.Strings`, so `"1 node(s)…"` comes before `"3 Insufficient cpu"`,
//! and `"10 …"` before `"2 …"`), and appends the preemption verdict:
//!
//! ```text
//! 0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: },
//! 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for
//! scheduling, 3 No preemption victims found for incoming pod.
//! ```

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::scheduler::framework::Rejection;

/// `ErrNoNodesAvailable`: the message when the cluster has no nodes at all.
pub const NO_NODES_AVAILABLE: &str = "no nodes available to schedule pods";

/// A plugin's rejection of a node.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginRejection {
    /// The plugin (`TaintToleration`).
    pub plugin: &'static str,
    /// Its verdict.
    pub rejection: Rejection,
}

/// One node the filters ran on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFilter {
    /// The node.
    pub node: Rc<str>,
    /// The first plugin that rejected it, or `None` when the pod fits.
    pub rejected: Option<PluginRejection>,
}

/// One score plugin's scores over the feasible nodes (same order as `Decision::feasible`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginScores {
    /// The plugin.
    pub plugin: &'static str,
    /// Its weight in the profile.
    pub weight: i64,
    /// `Score` results.
    pub raw: Vec<i64>,
    /// After `NormalizeScore` (0..=100); the total adds `normalized × weight`.
    pub normalized: Vec<i64>,
}

/// Upstream `framework.Diagnosis`: per-node rejections plus a status for nodes that were
/// not examined one by one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnosis {
    /// How many nodes the cluster has.
    pub num_all_nodes: usize,
    /// Nodes with their own rejection.
    pub explicit: Vec<(Rc<str>, Rejection)>,
    /// The rejection of every node not in `explicit` (a PreFilter that narrowed the node
    /// set, or that rejected the pod outright).
    pub absent: Option<Rejection>,
    /// The PreFilter rejection's message, when a PreFilter rejected the pod.
    pub pre_filter_msg: Option<String>,
}

impl Diagnosis {
    /// Upstream `FitError.Error()`, with the PostFilter (preemption) message appended.
    ///
    /// Worked example: 4 nodes, `controlplane` tainted and three workers short of cpu, no
    /// PostFilter message: `0/4 nodes are available: 1 node(s) had untolerated taint
    /// {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu.`
    pub fn message(&self, post_filter: Option<&str>) -> String {
        let mut msg = format!("0/{} nodes are available:", self.num_all_nodes);
        if let Some(pre) = self.pre_filter_msg.as_deref().filter(|m| !m.is_empty()) {
            msg.push_str(&format!(" {pre}."));
        } else {
            let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
            for (_, r) in &self.explicit {
                for reason in &r.reasons {
                    *counts.entry(reason).or_insert(0) += 1;
                }
            }
            let absent = self.num_all_nodes.saturating_sub(self.explicit.len());
            if absent > 0 {
                for reason in self.absent.iter().flat_map(|r| r.reasons.iter()) {
                    *counts.entry(reason).or_insert(0) += absent;
                }
            }
            let mut parts: Vec<String> = counts
                .into_iter()
                .map(|(reason, n)| format!("{n} {reason}"))
                .collect();
            parts.sort();
            if !parts.is_empty() {
                msg.push_str(&format!(" {}.", parts.join(", ")));
            }
        }
        if let Some(post) = post_filter.filter(|m| !m.is_empty()) {
            msg.push_str(&format!(" {post}"));
        }
        msg
    }
}

/// What one scheduling attempt decided.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decision {
    /// `namespace/name` of the pod.
    pub pod: String,
    /// Why nodes were rejected (empty rejections when the pod was scheduled).
    pub diagnosis: Diagnosis,
    /// The nodes the filters ran on, in the order examined (the scan starts at a rotating
    /// index and stops once enough feasible nodes are found).
    pub filtered: Vec<NodeFilter>,
    /// The feasible nodes that were scored.
    pub feasible: Vec<Rc<str>>,
    /// Each score plugin's scores (plugins that skipped the pod are absent). Empty when
    /// only one node was feasible: upstream then binds without scoring.
    pub scores: Vec<PluginScores>,
    /// Weighted totals per feasible node.
    pub totals: Vec<i64>,
    /// The node chosen, or `None` when the pod is unschedulable.
    pub chosen: Option<Rc<str>>,
    /// The preemption verdict (`preemption: 0/4 nodes are available: …`), when the pod was
    /// unschedulable.
    pub post_filter: Option<String>,
    /// Whether the cluster had no nodes at all.
    pub no_nodes: bool,
}

impl Decision {
    /// The `FailedScheduling` message (and the `PodScheduled=False` condition's), or
    /// `None` when a node was chosen.
    pub fn failure_message(&self) -> Option<String> {
        if self.chosen.is_some() {
            return None;
        }
        if self.no_nodes {
            return Some(NO_NODES_AVAILABLE.to_string());
        }
        Some(self.diagnosis.message(self.post_filter.as_deref()))
    }

    /// The total score of a feasible node.
    pub fn total_of(&self, node: &str) -> Option<i64> {
        let i = self.feasible.iter().position(|n| &**n == node)?;
        self.totals.get(i).copied()
    }

    /// The plugin that rejected a node, if the node was examined and rejected.
    pub fn rejection_of(&self, node: &str) -> Option<&PluginRejection> {
        self.filtered
            .iter()
            .find(|f| &*f.node == node)
            .and_then(|f| f.rejected.as_ref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheduler::framework::Code;

    fn node(n: &str, r: Rejection) -> (Rc<str>, Rejection) {
        (Rc::from(n), r)
    }

    const TAINT: &str = "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }";

    /// The talk's message: one tainted control plane, three workers short of cpu.
    #[test]
    fn taint_and_insufficient_cpu() {
        let d = Diagnosis {
            num_all_nodes: 4,
            explicit: vec![
                node("controlplane", Rejection::unresolvable(TAINT)),
                node("worker01", Rejection::unschedulable("Insufficient cpu")),
                node("worker02", Rejection::unschedulable("Insufficient cpu")),
                node("worker03", Rejection::unschedulable("Insufficient cpu")),
            ],
            ..Default::default()
        };
        assert_eq!(
            d.message(Some("preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")),
            format!("0/4 nodes are available: 1 {TAINT}, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.")
        );
    }

    /// Every reason of a node counts (NodeResourcesFit reports cpu and memory together),
    /// and strings sort byte-wise, so a count of 10 sorts before 2.
    #[test]
    fn reasons_are_counted_per_node_and_sorted_as_strings() {
        let mut explicit = Vec::new();
        for i in 0..10 {
            explicit.push(node(
                &format!("a{i}"),
                Rejection::unresolvable("node(s) didn't match Pod's node affinity/selector"),
            ));
        }
        for i in 0..2 {
            explicit.push(node(
                &format!("b{i}"),
                Rejection {
                    code: Code::Unschedulable,
                    reasons: vec!["Insufficient cpu".into(), "Insufficient memory".into()],
                },
            ));
        }
        let d = Diagnosis {
            num_all_nodes: 12,
            explicit,
            ..Default::default()
        };
        assert_eq!(
            d.message(None),
            "0/12 nodes are available: 10 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu, 2 Insufficient memory."
        );
    }

    /// Nodes a PreFilter ruled out count with the absent status's reasons.
    #[test]
    fn absent_nodes_count_with_the_absent_status() {
        let d = Diagnosis {
            num_all_nodes: 4,
            explicit: vec![node(
                "worker01",
                Rejection::unschedulable("Insufficient cpu"),
            )],
            absent: Some(Rejection::unresolvable(
                "node(s) didn't satisfy plugin(s) [NodeAffinity]",
            )),
            pre_filter_msg: None,
        };
        assert_eq!(
            d.message(None),
            "0/4 nodes are available: 1 Insufficient cpu, 3 node(s) didn't satisfy plugin(s) [NodeAffinity]."
        );
    }

    /// A PreFilter rejection replaces the per-node histogram.
    #[test]
    fn pre_filter_message_replaces_the_histogram() {
        let d = Diagnosis {
            num_all_nodes: 3,
            absent: Some(Rejection::unresolvable("pod affinity terms conflict")),
            pre_filter_msg: Some("pod affinity terms conflict".into()),
            ..Default::default()
        };
        assert_eq!(
            d.message(Some("preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.")),
            "0/3 nodes are available: pod affinity terms conflict. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn no_nodes_message() {
        let d = Decision {
            no_nodes: true,
            ..Default::default()
        };
        assert_eq!(d.failure_message().as_deref(), Some(NO_NODES_AVAILABLE));
    }
}
