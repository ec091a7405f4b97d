//! PodTopologySpread's filter (upstream `filtering.go`, v1.32): for each
//! `DoNotSchedule` constraint, PreFilter counts matching pods per domain over every
//! eligible node; Filter rejects a node whose domain would exceed `maxSkew` above the
//! least-populated domain.
//!
//! Worked example: maxSkew 1 on hostname, matching pods per node `a:2 b:1 c:1`: the
//! minimum is 1; placing a matching pod on `a` gives skew 2 + 1 - 1 = 2 > 1 (rejected),
//! on `b` 1 + 1 - 1 = 1 (fits).

use std::rc::Rc;

use super::{constraints_for, Constraint, PodTopologySpread, NAME};
use super::{ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH};
use crate::scheduler::framework::{CycleState, FilterPlugin, PreFilter, Rejection};
use crate::scheduler::plugins::helpers::RequiredNodeAffinity;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{Domains, NodeInfo, Snapshot};

const PRE_FILTER_KEY: &str = "PreFilterPodTopologySpread";

/// Matching-pod counts per constraint and domain.
pub struct FilterState {
    constraints: Vec<Constraint>,
    domains: Vec<Rc<Domains>>,
    /// Per constraint and domain: matching pods, or `None` when no eligible node is in
    /// the domain.
    counts: Vec<Vec<Option<i64>>>,
}

impl FilterState {
    /// Upstream `minMatchNum`: the least-populated domain's count, or 0 while there are
    /// fewer domains than `minDomains`.
    fn min_match(&self, i: usize) -> i64 {
        let counts = &self.counts[i];
        let domains = counts.iter().flatten().count() as i64;
        if domains < i64::from(self.constraints[i].min_domains) {
            return 0;
        }
        counts
            .iter()
            .flatten()
            .copied()
            .min()
            .unwrap_or(i64::from(i32::MAX))
    }
}

/// Builds the counts (upstream `calPreFilterState`): over every node that has all the
/// topology keys and passes each constraint's node inclusion policies.
pub fn pre_filter_state(
    pod: &PodInfo,
    snap: &Snapshot,
    constraints: Vec<Constraint>,
) -> FilterState {
    let affinity = RequiredNodeAffinity::of(pod.spec());
    let counters: Vec<_> = constraints
        .iter()
        .map(|c| snap.counter(pod.namespace(), &c.selector))
        .collect();
    let domains: Vec<Rc<Domains>> = constraints
        .iter()
        .map(|c| snap.domains(&c.topology_key))
        .collect();
    let mut counts: Vec<Vec<Option<i64>>> =
        domains.iter().map(|d| vec![None; d.values.len()]).collect();
    for node in &snap.nodes {
        let idx = node.index;
        if !domains.iter().all(|d| d.has_label[idx]) {
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if !c.includes(pod, node.node(), &affinity) {
                continue;
            }
            let n = snap.count(counters[i], idx);
            let slot = &mut counts[i][domains[i].of_node[idx]];
            *slot = Some(slot.unwrap_or(0) + n);
        }
    }
    FilterState {
        constraints,
        domains,
        counts,
    }
}

/// Upstream `Filter`'s check for one node.
pub fn fits(state: &FilterState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
    for (i, c) in state.constraints.iter().enumerate() {
        let d = &state.domains[i];
        if !d.has_label.get(node.index).copied().unwrap_or(false) {
            return Err(Rejection::unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH));
        }
        let self_match = i64::from(c.selector.matches(pod.labels()));
        let match_num = state.counts[i][d.of_node[node.index]].unwrap_or(0);
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
