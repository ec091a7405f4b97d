//! NodeResourcesBalancedAllocation (score): prefers nodes whose cpu and memory would be
//! used in similar proportions after placing the pod. It uses the pods' actual requests
//! (not the 100m/200Mi defaults), so in v1.32 a best-effort pod scores 100 on a node whose
//! pods request nothing (v1.33 skips best-effort pods here).
//!
//! Worked example: a node with 2 cpu and 4Gi, pods requesting 1 cpu and 1Gi, the new pod
//! nothing: fractions 0.5 and 0.25, std = |0.5 - 0.25| / 2 = 0.125, score
//! (1 - 0.125) × 100 = 87.

use crate::scheduler::framework::{CycleState, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "NodeResourcesBalancedAllocation";

/// Upstream `balancedResourceScorer`: 100 × (1 - standard deviation of the requested
/// fractions), each fraction capped at 1; resources the node has none of are left out.
pub fn balanced_score(requested: &[i64], allocatable: &[i64]) -> i64 {
    let mut fractions = [0f64; 8];
    let mut n = 0;
    for (r, a) in requested.iter().zip(allocatable) {
        if *a == 0 || n == fractions.len() {
            continue;
        }
        fractions[n] = (*r as f64 / *a as f64).min(1.0);
        n += 1;
    }
    let fractions = &fractions[..n];
    let std = match n {
        2 => ((fractions[0] - fractions[1]) / 2.0).abs(),
        n if n > 2 => {
            let mean = fractions.iter().sum::<f64>() / n as f64;
            let var = fractions
                .iter()
                .map(|f| (f - mean) * (f - mean))
                .sum::<f64>()
                / n as f64;
            var.sqrt()
        }
        _ => 0.0,
    };
    ((1.0 - std) * MAX_NODE_SCORE as f64) as i64
}

/// See the module documentation.
pub struct BalancedAllocation;

impl ScorePlugin for BalancedAllocation {
    fn name(&self) -> &'static str {
        NAME
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        let used = &node.pods().requested;
        let requested = [
            used.milli_cpu + pod.requests.milli_cpu,
            used.memory + pod.requests.memory,
        ];
        let allocatable = [node.allocatable.milli_cpu, node.allocatable.memory];
        balanced_score(&requested, &allocatable)
    }
}
