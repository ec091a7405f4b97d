//! `schedule_one`: one scheduling attempt for one pod (upstream `schedulePod`,
//! `findNodesThatFitPod`, `prioritizeNodes` and `selectHost` in `schedule_one.go`, v1.32).
//!
//! 1. PreFilter: each filter plugin looks at the pod once; it may skip, narrow the node
//!    set, or reject the pod outright.
//! 2. Filter: nodes are examined starting at a rotating index, and the scan stops once
//!    `num_feasible_nodes_to_find` feasible nodes are found, so big clusters do not check
//!    every node for every pod. The first plugin to reject a node decides its verdict.
//! 3. If nothing fits, PostFilter (preemption) explains whether removing lower-priority
//!    pods would help.
//! 4. One feasible node is chosen at once; otherwise Score: each score plugin scores the
//!    feasible nodes, normalises to 0..=100, and the total adds `score × weight`.
//! 5. The node with the highest total wins; ties are broken uniformly at random by
//!    reservoir sampling with the cluster's seeded random source.

use std::collections::BTreeSet;
use std::rc::Rc;

use crate::scheduler::decision::{Decision, NodeFilter, PluginRejection, PluginScores};
use crate::scheduler::framework::{Code, CycleState, PreFilter, PreScore, Profile, Rejection};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::preemption::{self, Nomination};
use crate::scheduler::snapshot::{NodeInfo, Snapshot};
use crate::sim::SimRng;

/// `minFeasibleNodesToFind`: clusters smaller than this are always scanned completely.
pub const MIN_FEASIBLE_NODES_TO_FIND: usize = 100;
/// `minFeasibleNodesPercentageToFind`: the adaptive percentage never drops below 5%.
pub const MIN_FEASIBLE_NODES_PERCENTAGE: usize = 5;

/// How many feasible nodes to find before scoring (upstream `numFeasibleNodesToFind` with
/// `percentageOfNodesToScore` unset, i.e. adaptive): all nodes below 100; otherwise
/// `50 - nodes/125` percent (at least 5%) of them, and at least 100.
///
/// Worked example: 1,000 nodes → 50 - 8 = 42% → 420; 5,000 nodes → 50 - 40 = 10% → 500;
/// 150 nodes → 49% → 73, raised to 100.
pub fn num_feasible_nodes_to_find(num_all: usize) -> usize {
    if num_all < MIN_FEASIBLE_NODES_TO_FIND {
        return num_all;
    }
    let percentage = 50usize
        .saturating_sub(num_all / 125)
        .max(MIN_FEASIBLE_NODES_PERCENTAGE);
    (num_all * percentage / 100).max(MIN_FEASIBLE_NODES_TO_FIND)
}

/// What `schedule_one` returns: the decision, and a preemption to carry out when the pod
/// fits nowhere but would fit once lower-priority pods are removed.
pub struct Attempt {
    /// The decision.
    pub decision: Decision,
    /// The node to nominate and the victims to evict.
    pub nomination: Option<Nomination>,
}

/// Runs the filters on one node; the first rejection wins.
pub(crate) fn run_filters(
    profile: &Profile,
    skip: &[bool],
    state: &CycleState,
    pod: &PodInfo,
    node: &NodeInfo,
) -> Option<PluginRejection> {
    for (i, plugin) in profile.filters.iter().enumerate() {
        if skip.get(i).copied().unwrap_or(false) {
            continue;
        }
        if let Err(rejection) = plugin.filter(state, pod, node) {
            return Some(PluginRejection {
                plugin: plugin.name(),
                rejection,
            });
        }
    }
    None
}

/// The result of the PreFilter plugins.
pub(crate) struct PreFiltered {
    /// Plugins whose Filter is skipped for this pod (by index).
    pub skip: Vec<bool>,
    /// Nodes allowed, when a plugin narrowed the set (with the plugins that did).
    pub only: Option<(BTreeSet<String>, Vec<&'static str>)>,
    /// A rejection of the whole pod.
    pub rejected: Option<Rejection>,
}

/// Runs every PreFilter (upstream `RunPreFilterPlugins`).
pub(crate) fn run_pre_filters(
    profile: &Profile,
    state: &mut CycleState,
    pod: &PodInfo,
    snap: &Snapshot,
) -> PreFiltered {
    let mut out = PreFiltered {
        skip: vec![false; profile.filters.len()],
        only: None,
        rejected: None,
    };
    for (i, plugin) in profile.filters.iter().enumerate() {
        match plugin.pre_filter(state, pod, snap) {
            PreFilter::Proceed => {}
            PreFilter::Skip => out.skip[i] = true,
            PreFilter::Reject(r) => {
                let stop = r.code == Code::UnschedulableAndUnresolvable;
                out.rejected = Some(r);
                if stop {
                    return out;
                }
            }
            PreFilter::OnlyNodes(names) => {
                let (set, plugins) = match out.only.take() {
                    None => (names, vec![plugin.name()]),
                    Some((prev, mut plugins)) => {
                        plugins.push(plugin.name());
                        (prev.intersection(&names).cloned().collect(), plugins)
                    }
                };
                if set.is_empty() {
                    let msg = if plugins.len() == 1 {
                        format!("node(s) didn't satisfy plugin {}", plugins[0])
                    } else {
                        let mut sorted = plugins.clone();
                        sorted.sort();
                        format!(
                            "node(s) didn't satisfy plugin(s) [{}] simultaneously",
                            sorted.join(" ")
                        )
                    };
                    out.rejected = Some(Rejection::unresolvable(msg));
                    return out;
                }
                out.only = Some((set, plugins));
            }
        }
    }
    out
}

/// One scheduling attempt. `next_start` is the rotating index where the node scan starts
/// (upstream `nextStartNodeIndex`); it advances by the number of nodes examined.
pub fn schedule_one(
    profile: &Profile,
    snap: &Snapshot,
    pod: &PodInfo,
    next_start: &mut usize,
    rng: &mut SimRng,
) -> Attempt {
    let mut decision = Decision {
        pod: format!("{}/{}", pod.namespace(), pod.name()),
        ..Default::default()
    };
    let num_all = snap.nodes.len();
    decision.diagnosis.num_all_nodes = num_all;
    if num_all == 0 {
        decision.no_nodes = true;
        return Attempt {
            decision,
            nomination: None,
        };
    }
    let mut state = CycleState::default();
    let pre = run_pre_filters(profile, &mut state, pod, snap);
    if let Some(rejection) = pre.rejected {
        decision.diagnosis.pre_filter_msg = Some(rejection.message());
        decision.diagnosis.absent = Some(rejection);
        return unschedulable(profile, snap, pod, &state, &pre.skip, decision);
    }
    // A pod nominated by an earlier preemption tries its nominated node first: once the
    // victims are gone it is likely the only node that fits (upstream
    // `evaluateNominatedNode`).
    let nominated = pod
        .pod()
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.as_deref())
        .and_then(|n| snap.node_index(n));
    if let Some(idx) = nominated {
        let node = &snap.nodes[idx];
        if run_filters(profile, &pre.skip, &state, pod, node).is_none() {
            decision.filtered.push(NodeFilter {
                node: node.name.clone(),
                rejected: None,
            });
            decision.feasible = vec![node.name.clone()];
            decision.chosen = Some(node.name.clone());
            return Attempt {
                decision,
                nomination: None,
            };
        }
    }
    let nodes: Vec<usize> = match &pre.only {
        None => (0..num_all).collect(),
        Some((names, plugins)) => {
            let mut sorted = plugins.clone();
            sorted.sort();
            decision.diagnosis.absent = Some(Rejection::unresolvable(format!(
                "node(s) didn't satisfy plugin(s) [{}]",
                sorted.join(" ")
            )));
            (0..num_all)
                .filter(|i| names.contains(&*snap.nodes[*i].name))
                .collect()
        }
    };
    let feasible = find_feasible(
        profile,
        &pre.skip,
        &state,
        pod,
        snap,
        &nodes,
        next_start,
        &mut decision,
    );
    if feasible.is_empty() {
        return unschedulable(profile, snap, pod, &state, &pre.skip, decision);
    }
    decision.feasible = feasible
        .iter()
        .map(|i| snap.nodes[*i].name.clone())
        .collect();
    if feasible.len() == 1 {
        decision.chosen = Some(snap.nodes[feasible[0]].name.clone());
        return Attempt {
            decision,
            nomination: None,
        };
    }
    let infos: Vec<&NodeInfo> = feasible.iter().map(|i| &snap.nodes[*i]).collect();
    prioritize(profile, &mut state, pod, snap, &infos, &mut decision);
    let chosen = select_host(&decision.totals, rng);
    decision.chosen = Some(decision.feasible[chosen].clone());
    Attempt {
        decision,
        nomination: None,
    }
}

/// The Filter scan (upstream `findNodesThatPassFilters`), recording each examined node.
#[allow(clippy::too_many_arguments)]
fn find_feasible(
    profile: &Profile,
    skip: &[bool],
    state: &CycleState,
    pod: &PodInfo,
    snap: &Snapshot,
    nodes: &[usize],
    next_start: &mut usize,
    decision: &mut Decision,
) -> Vec<usize> {
    let len = nodes.len();
    let want = num_feasible_nodes_to_find(len);
    let mut feasible = Vec::with_capacity(want.min(len));
    decision.filtered.reserve(want.min(len));
    let mut processed = 0;
    if len > 0 {
        for i in 0..len {
            if feasible.len() >= want {
                break;
            }
            let idx = nodes[(*next_start + i) % len];
            let node = &snap.nodes[idx];
            processed += 1;
            let rejected = run_filters(profile, skip, state, pod, node);
            if let Some(r) = &rejected {
                decision
                    .diagnosis
                    .explicit
                    .push((node.name.clone(), r.rejection.clone()));
            } else {
                feasible.push(idx);
            }
            decision.filtered.push(NodeFilter {
                node: node.name.clone(),
                rejected,
            });
        }
    }
    let all = snap.nodes.len().max(1);
    *next_start = (*next_start + processed) % all;
    feasible
}

/// Runs PreScore, Score and NormalizeScore and fills in the decision's scores and totals
/// (upstream `prioritizeNodes`).
fn prioritize(
    profile: &Profile,
    state: &mut CycleState,
    pod: &PodInfo,
    snap: &Snapshot,
    nodes: &[&NodeInfo],
    decision: &mut Decision,
) {
    let mut totals = vec![0i64; nodes.len()];
    for (plugin, weight) in &profile.scores {
        if plugin.pre_score(state, pod, nodes, snap) == PreScore::Skip {
            continue;
        }
        let raw: Vec<i64> = nodes
            .iter()
            .map(|n| plugin.score(state, pod, n, snap))
            .collect();
        let mut normalized = raw.clone();
        plugin.normalize(state, nodes, &mut normalized);
        for (t, s) in totals.iter_mut().zip(&normalized) {
            *t += s * weight;
        }
        decision.scores.push(PluginScores {
            plugin: plugin.name(),
            weight: *weight,
            raw,
            normalized,
        });
    }
    decision.totals = totals;
}

/// Picks the highest total; among equal totals each is equally likely (upstream
/// `selectHost`'s reservoir sampling: the k-th tied node replaces the pick with
/// probability 1/k).
pub fn select_host(totals: &[i64], rng: &mut SimRng) -> usize {
    let Some(max) = totals.iter().copied().max() else {
        return 0;
    };
    let mut selected = 0;
    let mut count = 0u64;
    for (i, t) in totals.iter().enumerate() {
        if *t != max {
            continue;
        }
        count += 1;
        if count == 1 || rng.below(count) == 0 {
            selected = i;
        }
    }
    selected
}

/// Finishes an unschedulable attempt: runs PostFilter (preemption).
fn unschedulable(
    profile: &Profile,
    snap: &Snapshot,
    pod: &PodInfo,
    state: &CycleState,
    skip: &[bool],
    mut decision: Decision,
) -> Attempt {
    let post = preemption::post_filter(profile, snap, pod, state, skip, &decision.diagnosis);
    decision.post_filter = Some(post.message);
    Attempt {
        decision,
        nomination: post.nomination,
    }
}

/// The node index of a decision's chosen node.
pub fn chosen_index(snap: &Snapshot, decision: &Decision) -> Option<usize> {
    decision
        .chosen
        .as_ref()
        .and_then(|n: &Rc<str>| snap.node_index(n))
}

#[cfg(test)]
#[path = "algorithm_tests.rs"]
mod tests;
