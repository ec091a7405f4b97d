//! InterPodAffinity's score (upstream `scoring.go`, v1.32). PreScore walks existing pods
//! and adds weights to topology domains: the incoming pod's preferred affinity (+) and
//! anti-affinity (-) terms matched by existing pods, and existing pods' required affinity
//! (+1, the hard-affinity weight), preferred affinity (+) and anti-affinity (-) terms
//! matched by the incoming pod. A node scores the sum over its domains; normalisation
//! maps the lowest to 0 and the highest to 100.
//!
//! Worked example: preferred affinity weight 50 to `app=cache` on hostname, one cache pod
//! on `worker02`: raw scores `0, 50, 0`, normalised `0, 100, 0`.

use std::collections::BTreeMap;

use super::{merge_namespaces, InterPodAffinity, NAME};
use crate::scheduler::framework::{CycleState, PreScore, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::podinfo::{AffinityTerm, PodInfo, WeightedAffinityTerm};
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

const PRE_SCORE_KEY: &str = "PreScoreInterPodAffinity";
/// `HardPodAffinityWeight`'s default.
const HARD_POD_AFFINITY_WEIGHT: i64 = 1;

/// topology key → value → score.
pub type TopologyScore = BTreeMap<String, BTreeMap<String, i64>>;

fn add(
    score: &mut TopologyScore,
    term: &AffinityTerm,
    labels: &BTreeMap<String, String>,
    weight: i64,
) {
    if let Some(v) = labels.get(&term.topology_key) {
        *score
            .entry(term.topology_key.clone())
            .or_default()
            .entry(v.clone())
            .or_insert(0) += weight;
    }
}

/// Upstream PreScore: `None` when no term applies anywhere (Skip).
pub fn topology_score(pod: &PodInfo, snap: &Snapshot) -> Option<TopologyScore> {
    let has_constraints =
        !pod.preferred_affinity.is_empty() || !pod.preferred_anti_affinity.is_empty();
    let merge = |ts: &[WeightedAffinityTerm]| -> Vec<WeightedAffinityTerm> {
        ts.iter()
            .map(|t| WeightedAffinityTerm {
                term: merge_namespaces(&t.term, snap),
                weight: t.weight,
            })
            .collect()
    };
    let preferred = merge(&pod.preferred_affinity);
    let preferred_anti = merge(&pod.preferred_anti_affinity);
    let ns_labels = snap.namespace_labels(pod.namespace());
    let mut score = TopologyScore::new();
    let mut any = false;
    for node in &snap.nodes {
        if !has_constraints && !node.has_pods_with_affinity {
            continue;
        }
        let labels = node.labels();
        if labels.is_empty() {
            continue;
        }
        for existing in &node.pods().pods {
            if !has_constraints && !existing.has_affinity() {
                continue;
            }
            let mut touched = false;
            let mut apply = |term: &AffinityTerm, matched: bool, weight: i64| {
                if matched && labels.contains_key(&term.topology_key) {
                    add(&mut score, term, labels, weight);
                    touched = true;
                }
            };
            for t in &preferred {
                apply(&t.term, t.term.matches(existing, None), t.weight);
            }
            for t in &preferred_anti {
                apply(&t.term, t.term.matches(existing, None), -t.weight);
            }
            for t in &existing.required_affinity {
                apply(t, t.matches(pod, Some(ns_labels)), HARD_POD_AFFINITY_WEIGHT);
            }
            for t in &existing.preferred_affinity {
                apply(&t.term, t.term.matches(pod, Some(ns_labels)), t.weight);
            }
            for t in &existing.preferred_anti_affinity {
                apply(&t.term, t.term.matches(pod, Some(ns_labels)), -t.weight);
            }
            any |= touched;
        }
    }
    any.then_some(score)
}

/// A node's raw score: the sum of its domains' scores.
pub fn node_score(score: &TopologyScore, node: &NodeInfo) -> i64 {
    let labels = node.labels();
    score
        .iter()
        .filter_map(|(key, values)| labels.get(key).and_then(|v| values.get(v)))
        .sum()
}

/// Upstream NormalizeScore: `100 × (score - min) / (max - min)`, all 0 when equal.
pub fn normalize(scores: &mut [i64]) {
    let (Some(min), Some(max)) = (scores.iter().copied().min(), scores.iter().copied().max())
    else {
        return;
    };
    let diff = max - min;
    for s in scores.iter_mut() {
        *s = if diff > 0 {
            (MAX_NODE_SCORE as f64 * ((*s - min) as f64 / diff as f64)) as i64
        } else {
            0
        };
    }
}

impl ScorePlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _: &[&NodeInfo],
        snap: &Snapshot,
    ) -> PreScore {
        match topology_score(pod, snap) {
            None => PreScore::Skip,
            Some(s) => {
                state.write(PRE_SCORE_KEY, s);
                PreScore::Proceed
            }
        }
    }

    fn score(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        state
            .read::<TopologyScore>(PRE_SCORE_KEY)
            .map(|s| node_score(s, node))
            .unwrap_or(0)
    }

    fn normalize(&self, state: &CycleState, _: &[&NodeInfo], scores: &mut [i64]) {
        if state.read::<TopologyScore>(PRE_SCORE_KEY).is_some() {
            normalize(scores);
        }
    }
}
