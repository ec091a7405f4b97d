//! PodTopologySpread's score (upstream `scoring.go`, v1.32). For each `ScheduleAnyway`
//! constraint a node earns `matching pods in its domain × ln(domains + 2) + (maxSkew - 1)`;
//! normalisation flips it so the emptiest domain scores 100:
//! `100 × (max + min - score) / max`.
//!
//! Worked example (the default hostname constraint, maxSkew 3, three feasible workers,
//! one replica already on `worker01`): weight ln(3 + 2) = 1.609; raw scores
//! `round(1 × 1.609 + 2) = 4`, `2`, `2`; normalised `100 × (4 + 2 - 4) / 4 = 50`, `100`,
//! `100`. With weight 2 in the profile, `worker01` loses 100 points.
//!
//! With the cluster's default constraints a node needs only the labels it has: a node
//! without a zone label still takes part in hostname spreading.

use std::rc::Rc;

use super::{constraints_for, Constraint, PodTopologySpread, NAME};
use crate::scheduler::framework::{CycleState, PreScore, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::plugins::helpers::RequiredNodeAffinity;
use crate::scheduler::podinfo::{PodInfo, LABEL_HOSTNAME};
use crate::scheduler::snapshot::{Counter, Domains, NodeInfo, Snapshot};

const PRE_SCORE_KEY: &str = "PreScorePodTopologySpread";

/// Counts and weights for scoring.
pub struct ScoreState {
    constraints: Vec<Constraint>,
    /// Per constraint: the snapshot's counts for its selector.
    counters: Vec<Counter>,
    /// Per constraint: its topology key's domains.
    domains: Vec<Rc<Domains>>,
    /// Per node index: a feasible node missing a required topology key (scores 0).
    ignored: Vec<bool>,
    /// Per constraint and domain (hostname constraints are counted per node instead):
    /// matching pods, `None` for domains no feasible node is in.
    counts: Vec<Vec<Option<i64>>>,
    /// Per constraint: `ln(domains + 2)`.
    weights: Vec<f64>,
}

/// Upstream `initPreScoreState` plus PreScore's counting over all nodes.
pub fn pre_score_state(
    pod: &PodInfo,
    nodes: &[&NodeInfo],
    snap: &Snapshot,
    constraints: Vec<Constraint>,
) -> ScoreState {
    // A pod's own constraints need nodes with every key; the cluster defaults do not,
    // so nodes without a zone label still take part in hostname spreading.
    let require_all = pod
        .spec()
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|c| !c.is_empty());
    let domains: Vec<Rc<Domains>> = constraints
        .iter()
        .map(|c| snap.domains(&c.topology_key))
        .collect();
    let hostname: Vec<bool> = constraints
        .iter()
        .map(|c| c.topology_key == LABEL_HOSTNAME)
        .collect();
    let mut ignored = vec![false; snap.nodes.len()];
    let mut ignored_count = 0;
    let mut counts: Vec<Vec<Option<i64>>> =
        domains.iter().map(|d| vec![None; d.values.len()]).collect();
    // Domains some feasible node really carries the label of: only those counts are read.
    let mut read: Vec<Vec<bool>> = domains
        .iter()
        .map(|d| vec![false; d.values.len()])
        .collect();
    let mut sizes = vec![0usize; constraints.len()];
    for node in nodes {
        let idx = node.index;
        if require_all && !domains.iter().all(|d| d.has_label[idx]) {
            ignored[idx] = true;
            ignored_count += 1;
            continue;
        }
        for (i, d) in domains.iter().enumerate() {
            if hostname[i] {
                continue;
            }
            let dom = d.of_node[idx];
            if counts[i][dom].is_none() {
                counts[i][dom] = Some(0);
                sizes[i] += 1;
            }
            read[i][dom] |= d.has_label[idx];
        }
    }
    let weights = (0..constraints.len())
        .map(|i| {
            let size = if hostname[i] {
                nodes.len() - ignored_count
            } else {
                sizes[i]
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    let counters: Vec<Counter> = constraints
        .iter()
        .map(|c| snap.counter(pod.namespace(), &c.selector))
        .collect();
    if read.iter().flatten().any(|r| *r) {
        let affinity = RequiredNodeAffinity::of(pod.spec());
        for node in &snap.nodes {
            let idx = node.index;
            if require_all && !domains.iter().all(|d| d.has_label[idx]) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                let dom = domains[i].of_node[idx];
                if !read[i][dom] || !c.includes(pod, node.node(), &affinity) {
                    continue;
                }
                let add = snap.count(counters[i], idx);
                if let Some(v) = counts[i][dom].as_mut() {
                    *v += add;
                }
            }
        }
    }
    ScoreState {
        constraints,
        counters,
        domains,
        ignored,
        counts,
        weights,
    }
}

/// Upstream `Score` for one node.
pub fn score(state: &ScoreState, node: &NodeInfo, snap: &Snapshot) -> i64 {
    let idx = node.index;
    if state.ignored[idx] {
        return 0;
    }
    let mut total = 0.0;
    for (i, c) in state.constraints.iter().enumerate() {
        let d = &state.domains[i];
        if !d.has_label[idx] {
            continue;
        }
        let cnt = if c.topology_key == LABEL_HOSTNAME {
            snap.count(state.counters[i], idx)
        } else {
            state.counts[i][d.of_node[idx]].unwrap_or(0)
        };
        total += cnt as f64 * state.weights[i] + f64::from(c.max_skew - 1);
    }
    total.round() as i64
}

/// Upstream `NormalizeScore`: ignored nodes score 0; the rest
/// `100 × (max + min - score) / max`, or 100 when every score is 0.
pub fn normalize(state: &ScoreState, nodes: &[&NodeInfo], scores: &mut [i64]) {
    let mut min = i64::MAX;
    let mut max = 0;
    for (n, s) in nodes.iter().zip(scores.iter()) {
        if state.ignored[n.index] {
            continue;
        }
        min = min.min(*s);
        max = max.max(*s);
    }
    for (n, s) in nodes.iter().zip(scores.iter_mut()) {
        if state.ignored[n.index] {
            *s = 0;
        } else if max == 0 {
            *s = MAX_NODE_SCORE;
        } else {
            *s = MAX_NODE_SCORE * (max + min - *s) / max;
        }
    }
}

impl ScorePlugin for PodTopologySpread {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        nodes: &[&NodeInfo],
        snap: &Snapshot,
    ) -> PreScore {
        if snap.nodes.is_empty() {
            return PreScore::Skip;
        }
        match constraints_for(pod, snap, "ScheduleAnyway") {
            Ok(c) if !c.is_empty() => {
                state.write(PRE_SCORE_KEY, pre_score_state(pod, nodes, snap, c));
                PreScore::Proceed
            }
            _ => PreScore::Skip,
        }
    }

    fn score(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo, snap: &Snapshot) -> i64 {
        state
            .read::<ScoreState>(PRE_SCORE_KEY)
            .map(|s| score(s, node, snap))
            .unwrap_or(0)
    }

    fn normalize(&self, state: &CycleState, nodes: &[&NodeInfo], scores: &mut [i64]) {
        if let Some(s) = state.read::<ScoreState>(PRE_SCORE_KEY) {
            normalize(s, nodes, scores);
        }
    }
}
