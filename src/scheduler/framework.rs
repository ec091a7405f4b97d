//! The scheduling framework's extension points (upstream `framework/interface.go`, v1.32),
//! reduced to what kubeniwa's plugins use: `PreFilter` and `Filter` in one trait;
//! `PreScore`, `Score` and `NormalizeScore` in another; and `CycleState` for what a
//! plugin computes once per pod and reads per node.
//!
//! A rejection is a normal outcome with a reason, not an error: `Filter` returns
//! `Err(Rejection)` and the framework records which plugin said it. The algorithm that
//! drives the plugins (`schedule_one`) lives in `algorithm.rs`.

use std::any::Any;
use std::collections::BTreeSet;

use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// `framework.MaxNodeScore`: normalised scores are in `0..=100`.
pub const MAX_NODE_SCORE: i64 = 100;

/// How hopeless a rejection is (upstream status codes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Code {
    /// The node might fit after preemption removes lower-priority pods.
    Unschedulable,
    /// Preemption cannot help on this node (a taint, a selector, a node name).
    UnschedulableAndUnresolvable,
}

/// Why a plugin rejected a node: a code and the reasons shown in `FailedScheduling`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rejection {
    /// Whether preemption could help.
    pub code: Code,
    /// Reasons, e.g. `Insufficient cpu`, `Insufficient memory`.
    pub reasons: Vec<String>,
}

impl Rejection {
    /// An `Unschedulable` rejection with one reason.
    pub fn unschedulable(reason: impl Into<String>) -> Rejection {
        Rejection {
            code: Code::Unschedulable,
            reasons: vec![reason.into()],
        }
    }

    /// An `UnschedulableAndUnresolvable` rejection with one reason.
    pub fn unresolvable(reason: impl Into<String>) -> Rejection {
        Rejection {
            code: Code::UnschedulableAndUnresolvable,
            reasons: vec![reason.into()],
        }
    }

    /// Upstream `Status.Message()`: the reasons joined by `, `.
    pub fn message(&self) -> String {
        self.reasons.join(", ")
    }
}

/// What a plugin's `PreFilter` decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PreFilter {
    /// Run `Filter` on the nodes.
    Proceed,
    /// Nothing to check for this pod: `Filter` is skipped (upstream `Skip`).
    Skip,
    /// Only these nodes can fit (upstream `PreFilterResult.NodeNames`).
    OnlyNodes(BTreeSet<String>),
    /// No node can fit.
    Reject(Rejection),
}

/// What a plugin's `PreScore` decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PreScore {
    /// Score the nodes.
    Proceed,
    /// Nothing to score for this pod: the plugin is left out (upstream `Skip`).
    Skip,
}

/// Per-pod state plugins compute in `PreFilter`/`PreScore` and read per node
/// (upstream `CycleState`), keyed by plugin name.
#[derive(Default)]
pub struct CycleState {
    entries: Vec<(&'static str, Box<dyn Any>)>,
}

impl CycleState {
    /// Stores a plugin's state, replacing any earlier one under the same key.
    pub fn write<T: Any>(&mut self, key: &'static str, value: T) {
        self.entries.retain(|(k, _)| *k != key);
        self.entries.push((key, Box::new(value)));
    }

    /// Reads a plugin's state.
    pub fn read<T: Any>(&self, key: &'static str) -> Option<&T> {
        self.entries
            .iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, v)| v.downcast_ref::<T>())
    }
}

/// A plugin at the `PreFilter` and `Filter` extension points.
pub trait FilterPlugin {
    /// The upstream plugin name (`NodeResourcesFit`).
    fn name(&self) -> &'static str;

    /// Runs once per pod before any `Filter`.
    fn pre_filter(&self, _state: &mut CycleState, _pod: &PodInfo, _snap: &Snapshot) -> PreFilter {
        PreFilter::Proceed
    }

    /// Whether the pod fits on the node.
    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection>;
}

/// A plugin at the `PreScore`, `Score` and `NormalizeScore` extension points.
pub trait ScorePlugin {
    /// The upstream plugin name.
    fn name(&self) -> &'static str;

    /// Runs once per pod over the feasible nodes before any `Score`.
    fn pre_score(
        &self,
        _state: &mut CycleState,
        _pod: &PodInfo,
        _nodes: &[&NodeInfo],
        _snap: &Snapshot,
    ) -> PreScore {
        PreScore::Proceed
    }

    /// The node's raw score.
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, snap: &Snapshot) -> i64;

    /// Rescales raw scores to `0..=MAX_NODE_SCORE` in place (plugins whose raw score is
    /// already in range keep the default, which does nothing).
    fn normalize(&self, _state: &CycleState, _nodes: &[&NodeInfo], _scores: &mut [i64]) {}
}

/// A scheduling profile: the plugins of each extension point, in order, and the score
/// weights (upstream `KubeSchedulerProfile`).
pub struct Profile {
    /// The profile's scheduler name (`default-scheduler`).
    pub scheduler_name: &'static str,
    /// Filter plugins, in the order they run.
    pub filters: Vec<Box<dyn FilterPlugin>>,
    /// Score plugins with their weights.
    pub scores: Vec<(Box<dyn ScorePlugin>, i64)>,
}

/// Upstream `helper.DefaultNormalizeScore`: scales scores so the largest becomes 100;
/// with `reverse`, larger raw scores become smaller ones. All-zero scores stay 0, or all
/// become 100 when reversed.
///
/// Worked example: raw `[2, 4, 0]` gives `[50, 100, 0]`, reversed `[50, 0, 100]`.
pub fn default_normalize(scores: &mut [i64], reverse: bool) {
    let max = scores.iter().copied().max().unwrap_or(0).max(0);
    if max == 0 {
        if reverse {
            scores.iter_mut().for_each(|s| *s = MAX_NODE_SCORE);
        }
        return;
    }
    for s in scores.iter_mut() {
        let v = MAX_NODE_SCORE * *s / max;
        *s = if reverse { MAX_NODE_SCORE - v } else { v };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Upstream `TestDefaultNormalizeScore` cases.
    #[test]
    fn default_normalize_matches_upstream() {
        let mut s = vec![10, 20, 30, 40, 50];
        default_normalize(&mut s, false);
        assert_eq!(s, [20, 40, 60, 80, 100]);
        let mut s = vec![10, 20, 30, 40, 50];
        default_normalize(&mut s, true);
        assert_eq!(s, [80, 60, 40, 20, 0]);
        let mut s = vec![0, 0, 0];
        default_normalize(&mut s, true);
        assert_eq!(s, [100, 100, 100]);
        let mut s = vec![0, 0, 0];
        default_normalize(&mut s, false);
        assert_eq!(s, [0, 0, 0]);
        let mut s = vec![1000, 1, 1, 1];
        default_normalize(&mut s, false);
        assert_eq!(s, [100, 0, 0, 0]);
    }

    #[test]
    fn cycle_state_reads_back_by_key_and_type() {
        let mut st = CycleState::default();
        st.write("A", 5_i64);
        st.write("B", "x".to_string());
        st.write("A", 7_i64);
        assert_eq!(st.read::<i64>("A"), Some(&7));
        assert_eq!(st.read::<String>("B").map(String::as_str), Some("x"));
        assert_eq!(st.read::<i64>("B"), None);
    }
}
