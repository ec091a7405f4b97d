//! InterPodAffinity's filter (upstream `filtering.go`, v1.32). PreFilter counts, per
//! topology domain: existing pods whose required anti-affinity matches the incoming pod,
//! pods matching all of the incoming pod's affinity terms, and pods matching each of its
//! anti-affinity terms. Filter then checks the node's domains.
//!
//! The first pod of a group with affinity to itself may go anywhere its topology keys
//! exist when no pod in the cluster matches its terms yet; otherwise it would wait
//! forever.

use super::{matches_all, merge_namespaces, update, InterPodAffinity, TopologyCounts, NAME};
use super::{ERR_REASON_AFFINITY, ERR_REASON_ANTI_AFFINITY, ERR_REASON_EXISTING_ANTI_AFFINITY};
use crate::scheduler::framework::{CycleState, FilterPlugin, PreFilter, Rejection};
use crate::scheduler::podinfo::{AffinityTerm, PodInfo};
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

const PRE_FILTER_KEY: &str = "PreFilterInterPodAffinity";

/// What PreFilter computes.
pub struct FilterState {
    affinity_terms: Vec<AffinityTerm>,
    anti_affinity_terms: Vec<AffinityTerm>,
    /// The incoming pod matches the term: it matches all of its own affinity terms.
    self_matches: bool,
    existing_anti: TopologyCounts,
    affinity: TopologyCounts,
    anti: TopologyCounts,
}

/// Builds the counts; `None` when there is nothing to check (upstream's Skip).
pub fn pre_filter_state(pod: &PodInfo, snap: &Snapshot) -> Option<FilterState> {
    let ns_labels = snap.namespace_labels(pod.namespace());
    let affinity_terms: Vec<AffinityTerm> = pod
        .required_affinity
        .iter()
        .map(|t| merge_namespaces(t, snap))
        .collect();
    let anti_affinity_terms: Vec<AffinityTerm> = pod
        .required_anti_affinity
        .iter()
        .map(|t| merge_namespaces(t, snap))
        .collect();
    let mut existing_anti = TopologyCounts::new();
    for node in snap
        .nodes
        .iter()
        .filter(|n| n.has_pods_with_required_anti_affinity)
    {
        for existing in &node.pods().pods {
            for t in &existing.required_anti_affinity {
                if t.matches(pod, Some(ns_labels)) {
                    update(&mut existing_anti, node.labels(), &t.topology_key, 1);
                }
            }
        }
    }
    let mut affinity = TopologyCounts::new();
    let mut anti = TopologyCounts::new();
    if !affinity_terms.is_empty() || !anti_affinity_terms.is_empty() {
        for node in &snap.nodes {
            for existing in &node.pods().pods {
                if matches_all(&affinity_terms, existing) {
                    for t in &affinity_terms {
                        update(&mut affinity, node.labels(), &t.topology_key, 1);
                    }
                }
                for t in &anti_affinity_terms {
                    if t.matches(existing, None) {
                        update(&mut anti, node.labels(), &t.topology_key, 1);
                    }
                }
            }
        }
    }
    if existing_anti.is_empty() && affinity_terms.is_empty() && anti_affinity_terms.is_empty() {
        return None;
    }
    let self_matches = matches_all(&affinity_terms, pod);
    Some(FilterState {
        affinity_terms,
        anti_affinity_terms,
        self_matches,
        existing_anti,
        affinity,
        anti,
    })
}

/// Upstream `satisfyPodAffinity`.
fn satisfies_affinity(s: &FilterState, node: &NodeInfo) -> bool {
    let labels = node.labels();
    let mut pods_exist = true;
    for t in &s.affinity_terms {
        let Some(v) = labels.get(&t.topology_key) else {
            return false;
        };
        if s.affinity
            .get(&(t.topology_key.clone(), v.clone()))
            .copied()
            .unwrap_or(0)
            <= 0
        {
            pods_exist = false;
        }
    }
    pods_exist || (s.affinity.is_empty() && s.self_matches)
}

/// Upstream `satisfyPodAntiAffinity`.
fn satisfies_anti_affinity(s: &FilterState, node: &NodeInfo) -> bool {
    let labels = node.labels();
    !s.anti_affinity_terms.iter().any(|t| {
        labels.get(&t.topology_key).is_some_and(|v| {
            s.anti
                .get(&(t.topology_key.clone(), v.clone()))
                .copied()
                .unwrap_or(0)
                > 0
        })
    })
}

/// Upstream `satisfyExistingPodsAntiAffinity`.
fn satisfies_existing_anti_affinity(s: &FilterState, node: &NodeInfo) -> bool {
    let labels = node.labels();
    !s.existing_anti
        .iter()
        .any(|((k, v), n)| *n > 0 && labels.get(k) == Some(v))
}

/// Upstream `Filter`'s checks for one node.
pub fn fits(s: &FilterState, node: &NodeInfo) -> Result<(), Rejection> {
    if !satisfies_affinity(s, node) {
        return Err(Rejection::unresolvable(ERR_REASON_AFFINITY));
    }
    if !satisfies_anti_affinity(s, node) {
        return Err(Rejection::unschedulable(ERR_REASON_ANTI_AFFINITY));
    }
    if !satisfies_existing_anti_affinity(s, node) {
        return Err(Rejection::unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY));
    }
    Ok(())
}

impl FilterPlugin for InterPodAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, snap: &Snapshot) -> PreFilter {
        if let Some(e) = &pod.parse_error {
            return PreFilter::Reject(Rejection::unresolvable(format!("parsing pod: {e}")));
        }
        match pre_filter_state(pod, snap) {
            None => PreFilter::Skip,
            Some(s) => {
                state.write(PRE_FILTER_KEY, s);
                PreFilter::Proceed
            }
        }
    }

    fn filter(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        match state.read::<FilterState>(PRE_FILTER_KEY) {
            Some(s) => fits(s, node),
            None => Ok(()),
        }
    }
}
