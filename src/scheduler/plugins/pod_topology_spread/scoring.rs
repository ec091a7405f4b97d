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

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use super::{constraints_for, count_matching, has_all_keys, Constraint, PodTopologySpread, NAME};
use crate::scheduler::framework::{CycleState, PreScore, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::plugins::helpers::RequiredNodeAffinity;
use crate::scheduler::podinfo::{PodInfo, LABEL_HOSTNAME};
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

const PRE_SCORE_KEY: &str = "PreScorePodTopologySpread";

/// Counts and weights for scoring.
pub struct ScoreState {
    constraints: Vec<Constraint>,
    /// Feasible nodes missing a required topology key: they score 0.
    ignored: BTreeSet<Rc<str>>,
    /// Per constraint (hostname ones stay empty: counted per node): value → pods.
    counts: Vec<BTreeMap<String, i64>>,
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
    let own = pod
        .spec()
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|c| !c.is_empty());
    let require_all = own;
    let n = constraints.len();
    let mut ignored = BTreeSet::new();
    let mut counts = vec![BTreeMap::new(); n];
    // Values some feasible node really carries: only those counts are ever read.
    let mut present = vec![BTreeSet::new(); n];
    let mut sizes = vec![0usize; n];
    for node in nodes {
        let labels = node.labels();
        if require_all && !has_all_keys(labels, &constraints) {
            ignored.insert(node.name.clone());
            continue;
        }
        for (i, c) in constraints.iter().enumerate() {
            if c.topology_key == LABEL_HOSTNAME {
                continue;
            }
            let value = labels.get(&c.topology_key);
            let key = value.cloned().unwrap_or_default();
            if value.is_some() {
                present[i].insert(key.clone());
            }
            if !counts[i].contains_key(&key) {
                counts[i].insert(key, 0);
                sizes[i] += 1;
            }
        }
    }
    let weights = constraints
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let size = if c.topology_key == LABEL_HOSTNAME {
                nodes.len() - ignored.len()
            } else {
                sizes[i]
            };
            ((size + 2) as f64).ln()
        })
        .collect();
    let affinity = RequiredNodeAffinity::of(pod.spec());
    if present.iter().any(|p| !p.is_empty()) {
        for node in &snap.nodes {
            let labels = node.labels();
            if require_all && !has_all_keys(labels, &constraints) {
                continue;
            }
            for (i, c) in constraints.iter().enumerate() {
                let value = labels.get(&c.topology_key).cloned().unwrap_or_default();
                if !present[i].contains(&value) || !c.includes(pod, node.node(), &affinity) {
                    continue;
                }
                let add = count_matching(node.pods(), &c.selector, pod.namespace());
                if let Some(v) = counts[i].get_mut(&value) {
                    *v += add;
                }
            }
        }
    }
    ScoreState {
        constraints,
        ignored,
        counts,
        weights,
    }
}

/// Upstream `Score` for one node.
pub fn score(state: &ScoreState, pod: &PodInfo, node: &NodeInfo) -> i64 {
    if state.ignored.contains(&node.name) {
        return 0;
    }
    let labels = node.labels();
    let mut total = 0.0;
    for (i, c) in state.constraints.iter().enumerate() {
        let Some(value) = labels.get(&c.topology_key) else {
            continue;
        };
        let cnt = if c.topology_key == LABEL_HOSTNAME {
            count_matching(node.pods(), &c.selector, pod.namespace())
        } else {
            state.counts[i].get(value).copied().unwrap_or(0)
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
        if state.ignored.contains(&n.name) {
            continue;
        }
        min = min.min(*s);
        max = max.max(*s);
    }
    for (n, s) in nodes.iter().zip(scores.iter_mut()) {
        if state.ignored.contains(&n.name) {
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

    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        state
            .read::<ScoreState>(PRE_SCORE_KEY)
            .map(|s| score(s, pod, node))
            .unwrap_or(0)
    }

    fn normalize(&self, state: &CycleState, nodes: &[&NodeInfo], scores: &mut [i64]) {
        if let Some(s) = state.read::<ScoreState>(PRE_SCORE_KEY) {
            normalize(s, nodes, scores);
        }
    }
}
