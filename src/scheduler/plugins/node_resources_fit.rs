//! NodeResourcesFit: the pod's requests must fit in the node's allocatable minus what the
//! node's pods already request, and the node must have room for one more pod (filter;
//! every shortfall is a reason: `Too many pods`, `Insufficient cpu`, `Insufficient
//! memory`, …). Scoring uses the default `LeastAllocated` strategy over cpu and memory
//! (weight 1 each): the emptier the node after placing the pod, the higher the score.
//!
//! Worked example (LeastAllocated): a node with 2 cpu and 4Gi where pods already count
//! 100m / 200Mi (a container without requests counts as that), placing another such pod:
//! cpu (2000 - 200) × 100 / 2000 = 90, memory (4096Mi - 400Mi) × 100 / 4096Mi = 90 (90.2
//! truncated), score (90 + 90) / 2 = 90.

use crate::scheduler::framework::{
    Code, CycleState, FilterPlugin, Rejection, ScorePlugin, MAX_NODE_SCORE,
};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::resources::Resource;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "NodeResourcesFit";

/// What a node lacks for a pod (upstream `InsufficientResource`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Insufficient {
    /// `cpu`, `memory`, `pods`, …
    pub resource: String,
    /// `Insufficient cpu`, `Too many pods`.
    pub reason: String,
    /// What the pod asks for.
    pub requested: i64,
    /// What the node's pods already use.
    pub used: i64,
    /// The node's allocatable.
    pub capacity: i64,
}

fn short(resource: &str, requested: i64, used: i64, capacity: i64) -> Insufficient {
    Insufficient {
        resource: resource.to_string(),
        reason: format!("Insufficient {resource}"),
        requested,
        used,
        capacity,
    }
}

/// Upstream `fitsRequest`: every way `request` does not fit on a node with `allocatable`
/// whose `pods` pods already request `requested`.
pub fn fits_request(
    request: &Resource,
    allocatable: &Resource,
    requested: &Resource,
    pods: usize,
) -> Vec<Insufficient> {
    let mut out = Vec::new();
    let pods = pods as i64;
    if pods + 1 > allocatable.allowed_pods {
        out.push(Insufficient {
            resource: "pods".into(),
            reason: "Too many pods".into(),
            requested: 1,
            used: pods,
            capacity: allocatable.allowed_pods,
        });
    }
    if request.is_zero() {
        return out;
    }
    let checks = [
        (
            "cpu",
            request.milli_cpu,
            requested.milli_cpu,
            allocatable.milli_cpu,
        ),
        (
            "memory",
            request.memory,
            requested.memory,
            allocatable.memory,
        ),
        (
            "ephemeral-storage",
            request.ephemeral_storage,
            requested.ephemeral_storage,
            allocatable.ephemeral_storage,
        ),
    ];
    for (name, want, used, cap) in checks {
        if want > 0 && want > cap - used {
            out.push(short(name, want, used, cap));
        }
    }
    for (name, want) in &request.scalars {
        let cap = allocatable.scalars.get(name).copied().unwrap_or(0);
        let used = requested.scalars.get(name).copied().unwrap_or(0);
        if *want > 0 && *want > cap - used {
            out.push(short(name, *want, used, cap));
        }
    }
    out
}

/// Upstream `leastRequestedScore`: the free share of a resource after placement, 0..=100.
pub fn least_requested_score(requested: i64, capacity: i64) -> i64 {
    if capacity == 0 || requested > capacity {
        return 0;
    }
    (capacity - requested) * MAX_NODE_SCORE / capacity
}

/// The LeastAllocated score: the average of cpu's and memory's least-requested scores
/// (resources the node has none of are left out).
pub fn least_allocated(pod: &PodInfo, node: &NodeInfo) -> i64 {
    let used = &node.pods().non_zero_requested;
    let pairs = [
        (
            used.milli_cpu + pod.non_zero.milli_cpu,
            node.allocatable.milli_cpu,
        ),
        (used.memory + pod.non_zero.memory, node.allocatable.memory),
    ];
    let (mut sum, mut weights) = (0, 0);
    for (req, cap) in pairs {
        if cap == 0 {
            continue;
        }
        sum += least_requested_score(req, cap);
        weights += 1;
    }
    if weights == 0 {
        0
    } else {
        sum / weights
    }
}

/// See the module documentation.
pub struct NodeResourcesFit;

impl FilterPlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        let agg = node.pods();
        let (want, free, used) = (&pod.requests, &node.allocatable, &agg.requested);
        // The common case in one comparison per resource; `fits_request` names the
        // shortfalls when there are any.
        let roomy = (agg.pods.len() as i64) < free.allowed_pods
            && want.milli_cpu <= free.milli_cpu - used.milli_cpu
            && want.memory <= free.memory - used.memory
            && want.ephemeral_storage <= free.ephemeral_storage - used.ephemeral_storage
            && want.scalars.is_empty();
        if roomy {
            return Ok(());
        }
        let short = fits_request(want, free, used, agg.pods.len());
        if short.is_empty() {
            return Ok(());
        }
        Err(Rejection {
            code: Code::Unschedulable,
            reasons: short.into_iter().map(|s| s.reason).collect(),
        })
    }
}

impl ScorePlugin for NodeResourcesFit {
    fn name(&self) -> &'static str {
        NAME
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, _: &Snapshot) -> i64 {
        least_allocated(pod, node)
    }
}
