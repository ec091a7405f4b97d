//! NodeAffinity: `nodeSelector` and required node affinity decide which nodes a pod may
//! use (filter); preferred node affinity adds each matching term's weight (score,
//! normalised so the best node scores 100). A required term that pins `metadata.name`
//! (how DaemonSet pods target their node) narrows the node set in PreFilter, so the other
//! nodes are reported as `node(s) didn't satisfy plugin(s) [NodeAffinity]`.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{PodSpec, PreferredSchedulingTerm};

use crate::scheduler::framework::{
    default_normalize, CycleState, FilterPlugin, PreFilter, PreScore, Rejection, ScorePlugin,
};
use crate::scheduler::plugins::helpers::{preferred_score, RequiredNodeAffinity};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "NodeAffinity";
/// Upstream `ErrReasonPod`.
pub const ERR_REASON_POD: &str = "node(s) didn't match Pod's node affinity/selector";
/// Upstream `errReasonConflict`: required terms pin disjoint node names.
pub const ERR_REASON_CONFLICT: &str = "pod affinity terms conflict";

const PRE_FILTER_KEY: &str = "PreFilterNodeAffinity";
const PRE_SCORE_KEY: &str = "PreScoreNodeAffinity";

/// The node names required terms pin (upstream's PreFilter): `None` when some term does
/// not pin names (terms are ORed, so every node stays eligible); within a term,
/// `metadata.name In` requirements intersect; across terms they unite.
pub fn pinned_node_names(spec: &PodSpec) -> Option<BTreeSet<String>> {
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    if terms.is_empty() {
        return None;
    }
    let mut all = BTreeSet::new();
    for t in terms {
        let mut term_names: Option<BTreeSet<String>> = None;
        for r in t.match_fields.iter().flatten() {
            if r.key == "metadata.name" && r.operator == "In" {
                let s: BTreeSet<String> = r.values.iter().flatten().cloned().collect();
                term_names = Some(match term_names {
                    None => s,
                    Some(prev) => prev.intersection(&s).cloned().collect(),
                });
            }
        }
        all.extend(term_names?);
    }
    Some(all)
}

fn preferred_terms(spec: &PodSpec) -> Option<&Vec<PreferredSchedulingTerm>> {
    spec.affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .preferred_during_scheduling_ignored_during_execution
        .as_ref()
}

/// See the module documentation.
pub struct NodeAffinity;

impl FilterPlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, state: &mut CycleState, pod: &PodInfo, _: &Snapshot) -> PreFilter {
        let spec = pod.spec();
        let has_required = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .is_some_and(|na| {
                na.required_during_scheduling_ignored_during_execution
                    .is_some()
            });
        if !has_required && spec.node_selector.is_none() {
            return PreFilter::Skip;
        }
        state.write(PRE_FILTER_KEY, RequiredNodeAffinity::of(spec));
        match pinned_node_names(spec) {
            None => PreFilter::Proceed,
            Some(names) if names.is_empty() => {
                PreFilter::Reject(Rejection::unresolvable(ERR_REASON_CONFLICT))
            }
            Some(names) => PreFilter::OnlyNodes(names),
        }
    }

    fn filter(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        let matches = match state.read::<RequiredNodeAffinity>(PRE_FILTER_KEY) {
            Some(req) => req.matches(node.node()),
            None => RequiredNodeAffinity::of(pod.spec()).matches(node.node()),
        };
        if matches {
            Ok(())
        } else {
            Err(Rejection::unresolvable(ERR_REASON_POD))
        }
    }
}

impl ScorePlugin for NodeAffinity {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _: &[&NodeInfo],
        _: &Snapshot,
    ) -> PreScore {
        match preferred_terms(pod.spec()) {
            None => PreScore::Skip,
            Some(terms) => {
                state.write(PRE_SCORE_KEY, terms.clone());
                PreScore::Proceed
            }
        }
    }

    fn score(&self, state: &CycleState, _: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        state
            .read::<Vec<PreferredSchedulingTerm>>(PRE_SCORE_KEY)
            .map(|terms| preferred_score(terms, node.node()))
            .unwrap_or(0)
    }

    fn normalize(&self, _: &CycleState, _: &[&NodeInfo], scores: &mut [i64]) {
        default_normalize(scores, false);
    }
}
