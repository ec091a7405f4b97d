//! PodTopologySpread's filter (upstream `filtering.go`, v1.32): for each
//! `DoNotSchedule` constraint, PreFilter counts matching pods per domain over every
//! eligible node; Filter rejects a node whose domain would exceed `maxSkew` above the
//! least-populated domain.
//!
//! Worked example: maxSkew 1 on hostname, matching pods per node `a:2 b:1 c:1`: the
//! minimum is 1; placing a matching pod on `a` gives skew 2 + 1 - 1 = 2 > 1 (rejected),
//! on `b` 1 + 1 - 1 = 1 (fits).

use std::collections::BTreeMap;

use super::{constraints_for, count_matching, has_all_keys, Constraint, PodTopologySpread, NAME};
use super::{ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH};
use crate::scheduler::framework::{CycleState, FilterPlugin, PreFilter, Rejection};
use crate::scheduler::plugins::helpers::RequiredNodeAffinity;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

const PRE_FILTER_KEY: &str = "PreFilterPodTopologySpread";

/// Matching-pod counts per constraint and domain.
pub struct FilterState {
    constraints: Vec<Constraint>,
    /// Per constraint: topology value → matching pods.
    counts: Vec<BTreeMap<String, i64>>,
}

impl FilterState {
    /// Upstream `minMatchNum`: the least-populated domain's count, or 0 while there are
    /// fewer domains than `minDomains`.
    fn min_match(&self, i: usize) -> i64 {
        let counts = &self.counts[i];
        if (counts.len() as i64) < i64::from(self.constraints[i].min_domains) {
            return 0;
        }
        counts
            .values()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX))
    }
}

/// Builds the counts (upstream `calPreFilterState`).
pub fn pre_filter_state(
    pod: &PodInfo,
    snap: &Snapshot,
    constraints: Vec<Constraint>,
) -> FilterState {
    let affinity = RequiredNodeAffinity::of(pod.spec());
    let mut counts = vec![BTreeMap::new(); constraints.len()];
    for node in &snap.nodes {
        let labels = node.labels();
        if !has_all_keys(labels, &constraints) {
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if !c.includes(pod, node.node(), &affinity) {
                continue;
            }
            let value = labels.get(&c.topology_key).cloned().unwrap_or_default();
            let n = count_matching(node.pods(), &c.selector, pod.namespace());
            *counts[i].entry(value).or_insert(0) += n;
        }
    }
    FilterState {
        constraints,
        counts,
    }
}

/// Upstream `Filter`'s check for one node.
pub fn fits(state: &FilterState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
    let labels = node.labels();
    for (i, c) in state.constraints.iter().enumerate() {
        let Some(value) = labels.get(&c.topology_key) else {
            return Err(Rejection::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH));
        };
        let self_match = i64::from(c.selector.matches(pod.labels()));
        let match_num = state.counts[i].get(value).copied().unwrap_or(0);
        let skew = match_num + self_match - state.min_match(i);
        if skew > i64::from(c.max_skew) {
            return Err(Rejection::unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH));
        }
    }
    Ok(())
}

impl FilterPlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snap: &Snapshot) -> PreFilter {
        match constraints_for(pod, snap, "DoNotSchedule") {
            Ok(c) if c.is_empty() => PreFilter::Skip,
            Ok(c) => {
                state.write(PRE_FILTER_KEY, pre_filter_state(pod, snap, c));
                PreFilter::Proceed
            }
            Err(e) => PreFilter::Reject(Rejection::unresolvable(format!(
                "obtaining pod's hard topology spread constraints: {e}"
            ))),
        }
    }

    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        match state.read::<FilterState>(PRE_FILTER_KEY) {
            Some(s) => fits(s, pod, node),
            None => Ok(()),
        }
    }
}
