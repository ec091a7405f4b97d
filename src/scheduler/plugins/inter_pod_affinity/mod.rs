//! InterPodAffinity: pods that must (or would like to) run near, or away from, other pods.
//! Required terms filter: the node's topology domain must hold a pod matching every
//! affinity term, no pod matching an anti-affinity term, and no existing pod whose own
//! required anti-affinity matches the incoming pod. Preferred terms (the incoming pod's
//! and the existing pods') score, as do existing pods' required affinity terms with the
//! hard-affinity weight 1.
//!
//! `filtering.rs` holds the filter, `scoring.rs` the score; this file the topology
//! counting both share.

mod filtering;
mod scoring;

use std::collections::BTreeMap;

use crate::model::selector::LabelSelector;
use crate::scheduler::podinfo::{AffinityTerm, PodInfo};
use crate::scheduler::snapshot::Snapshot;

/// The plugin's name.
pub const NAME: &str = "InterPodAffinity";
/// Upstream `ErrReasonAffinityRulesNotMatch`.
pub const ERR_REASON_AFFINITY: &str = "node(s) didn't match pod affinity rules";
/// Upstream `ErrReasonAntiAffinityRulesNotMatch`.
pub const ERR_REASON_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
/// Upstream `ErrReasonExistingAntiAffinityRulesNotMatch`.
pub const ERR_REASON_EXISTING_ANTI_AFFINITY: &str =
    "node(s) didn't satisfy existing pods anti-affinity rules";

/// `(topology key, value)` → count (upstream `topologyToMatchedTermCount`).
pub type TopologyCounts = BTreeMap<(String, String), i64>;

/// Adds `value` to the node's domain for `key`, if the node has the label; entries that
/// drop to zero are removed.
pub fn update(
    counts: &mut TopologyCounts,
    labels: &BTreeMap<String, String>,
    key: &str,
    value: i64,
) {
    if let Some(v) = labels.get(key) {
        let pair = (key.to_string(), v.clone());
        let entry = counts.entry(pair.clone()).or_insert(0);
        *entry += value;
        if *entry == 0 {
            counts.remove(&pair);
        }
    }
}

/// Upstream `mergeAffinityTermNamespacesIfNotEmpty`: a term's namespace selector is
/// resolved into namespace names once per pod; an empty selector (all namespaces) stays.
pub fn merge_namespaces(term: &AffinityTerm, snap: &Snapshot) -> AffinityTerm {
    let mut t = term.clone();
    if t.namespace_selector.is_empty() {
        return t;
    }
    for (ns, labels) in &snap.lists.namespaces {
        if t.namespace_selector.matches(labels) {
            t.namespaces.insert(ns.clone());
        }
    }
    t.namespace_selector = LabelSelector::nothing();
    t
}

/// Upstream `podMatchesAllAffinityTerms`: `pod` matches every term (and there is one).
pub fn matches_all(terms: &[AffinityTerm], pod: &PodInfo) -> bool {
    !terms.is_empty() && terms.iter().all(|t| t.matches(pod, None))
}

/// See the module documentation.
pub struct InterPodAffinity;
