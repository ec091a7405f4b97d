//! TaintToleration: a node's `NoSchedule`/`NoExecute` taints keep off pods that do not
//! tolerate them (filter, naming the first untolerated taint), and untolerated
//! `PreferNoSchedule` taints make a node less attractive (score: their count, normalised
//! in reverse so the node with the fewest scores 100).

use crate::scheduler::framework::{
    default_normalize, CycleState, FilterPlugin, Rejection, ScorePlugin,
};
use k8s_openapi::api::core::v1::{Taint, Toleration};

use crate::scheduler::plugins::helpers::{first_untolerated, tolerates};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "TaintToleration";

/// The filter's reason: `node(s) had untolerated taint {key: value}`.
pub fn reason(key: &str, value: &str) -> String {
    format!("node(s) had untolerated taint {{{key}: {value}}}")
}

/// How many `PreferNoSchedule` taints of the node the pod does not tolerate; only
/// tolerations with no effect or `PreferNoSchedule` count.
pub fn intolerable_prefer_no_schedule(taints: &[Taint], tolerations: &[Toleration]) -> i64 {
    let counts = |t: &Toleration| {
        matches!(
            t.effect.as_deref(),
            None | Some("") | Some("PreferNoSchedule")
        )
    };
    taints
        .iter()
        .filter(|t| t.effect == "PreferNoSchedule")
        .filter(|t| {
            !tolerations
                .iter()
                .any(|tol| counts(tol) && tolerates(tol, t))
        })
        .count() as i64
}

/// See the module documentation.
pub struct TaintToleration;

impl FilterPlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        let tolerations = pod.spec().tolerations.as_deref().unwrap_or_default();
        match first_untolerated(node.taints(), tolerations) {
            None => Ok(()),
            Some(t) => Err(Rejection::unresolvable(reason(
                &t.key,
                t.value.as_deref().unwrap_or(""),
            ))),
        }
    }
}

impl ScorePlugin for TaintToleration {
    fn name(&self) -> &'static str {
        NAME
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        let taints = node.taints();
        if taints.is_empty() {
            return 0;
        }
        intolerable_prefer_no_schedule(
            taints,
            pod.spec().tolerations.as_deref().unwrap_or_default(),
        )
    }

    fn normalize(&self, _: &CycleState, _: &[&NodeInfo], scores: &mut [i64]) {
        default_normalize(scores, true);
    }
}
