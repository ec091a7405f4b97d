//! PostFilter: the `DefaultPreemption` plugin (upstream `defaultpreemption` and
//! `framework/preemption`, v1.32). When a pod fits nowhere, it asks, node by node, whether
//! evicting pods of lower priority would make room:
//!
//! - nodes rejected as `UnschedulableAndUnresolvable` (a taint, a selector) cannot be
//!   helped: "Preemption is not helpful for scheduling";
//! - a node without lower-priority pods: "No preemption victims found for incoming pod";
//! - a node that still rejects the pod with all lower-priority pods gone: that rejection;
//! - otherwise the node is a candidate, with the fewest victims that make room (victims
//!   are re-admitted, most important first, while the pod still fits).
//!
//! With no candidate, the verdict is a second `FitError` message prefixed `preemption: `.
//! With candidates, one node is picked (lowest highest-victim priority, then lowest sum of
//! priorities, fewest victims, latest start) and returned as a `Nomination`; the scheduler
//! evicts the victims and sets the pod's `nominatedNodeName`.
//!
//! Simplifications: every potential node is examined (upstream samples at least 100 or
//! 10% of them from a random offset, the same set below 100 nodes); PodDisruptionBudgets
//! are not consulted; and the spreading and inter-pod affinity PreFilter counts are not
//! recomputed without the victims.

use std::rc::Rc;

use crate::scheduler::algorithm::run_filters;
use crate::scheduler::decision::Diagnosis;
use crate::scheduler::framework::{Code, CycleState, Profile, Rejection};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};
use crate::sim::SimTime;

/// Upstream's message for nodes preemption cannot help.
pub const NOT_HELPFUL: &str = "Preemption is not helpful for scheduling";
/// Upstream's message for nodes without lower-priority pods.
pub const NO_VICTIMS: &str = "No preemption victims found for incoming pod";

/// A preemption to carry out.
#[derive(Clone, Debug)]
pub struct Nomination {
    /// The node the pod will wait for.
    pub node: Rc<str>,
    /// The pods to evict, most important first.
    pub victims: Vec<Rc<PodInfo>>,
}

/// The PostFilter verdict.
pub struct PostFilterResult {
    /// The message appended to `FailedScheduling` (empty when preemption will happen).
    pub message: String,
    /// The preemption, when there is a candidate.
    pub nomination: Option<Nomination>,
}

fn verdict(message: String) -> PostFilterResult {
    PostFilterResult {
        message,
        nomination: None,
    }
}

/// Upstream `podTerminatingByPreemption`: a pod being deleted because the scheduler
/// preempted it.
fn terminating_by_preemption(pod: &PodInfo) -> bool {
    pod.terminating()
        && pod
            .pod()
            .status
            .as_ref()
            .and_then(|s| s.conditions.as_ref())
            .and_then(|cs| cs.iter().find(|c| c.type_ == "DisruptionTarget"))
            .is_some_and(|c| {
                c.status == "True" && c.reason.as_deref() == Some("PreemptionByScheduler")
            })
}

/// Upstream `PodEligibleToPreemptOthers`: `None` when eligible, else the reason.
fn not_eligible(snap: &Snapshot, pod: &PodInfo, diagnosis: &Diagnosis) -> Option<&'static str> {
    if pod.spec().preemption_policy.as_deref() == Some("Never") {
        return Some("not eligible due to preemptionPolicy=Never.");
    }
    let nominated = pod
        .pod()
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.as_deref())
        .filter(|n| !n.is_empty())?;
    let unresolvable = diagnosis
        .explicit
        .iter()
        .find(|(n, _)| &**n == nominated)
        .is_some_and(|(_, r)| r.code == Code::UnschedulableAndUnresolvable);
    if unresolvable {
        return None;
    }
    let node = &snap.nodes[snap.node_index(nominated)?];
    node.pods()
        .pods
        .iter()
        .any(|p| p.priority < pod.priority && terminating_by_preemption(p))
        .then_some("not eligible due to a terminating pod on the nominated node.")
}

/// Runs DefaultPreemption's PostFilter for an unschedulable pod.
pub fn post_filter(
    profile: &Profile,
    snap: &Snapshot,
    pod: &PodInfo,
    state: &CycleState,
    skip: &[bool],
    diagnosis: &Diagnosis,
) -> PostFilterResult {
    if let Some(reason) = not_eligible(snap, pod, diagnosis) {
        return verdict(format!("preemption: {reason}"));
    }
    let mut explicit = Vec::new();
    let mut candidates: Vec<(usize, Vec<Rc<PodInfo>>)> = Vec::new();
    for (name, rejection) in &diagnosis.explicit {
        if rejection.code != Code::Unschedulable {
            continue;
        }
        let Some(idx) = snap.node_index(name) else {
            continue;
        };
        match select_victims(profile, skip, state, pod, &snap.nodes[idx]) {
            Ok(victims) => candidates.push((idx, victims)),
            Err(r) => explicit.push((name.clone(), r)),
        }
    }
    if candidates.is_empty() {
        let d = Diagnosis {
            num_all_nodes: snap.nodes.len(),
            explicit,
            absent: Some(Rejection::unresolvable(NOT_HELPFUL)),
            pre_filter_msg: None,
        };
        return verdict(format!("preemption: {}", d.message(None)));
    }
    let (idx, victims) = pick_one_node(candidates);
    PostFilterResult {
        message: String::new(),
        nomination: Some(Nomination {
            node: snap.nodes[idx].name.clone(),
            victims,
        }),
    }
}

/// Upstream `util.MoreImportantPod`: higher priority first, then the one that started
/// earlier.
fn more_important_first(a: &Rc<PodInfo>, b: &Rc<PodInfo>) -> std::cmp::Ordering {
    b.priority
        .cmp(&a.priority)
        .then_with(|| start_time(a).cmp(&start_time(b)))
}

/// `status.startTime`, with pods not yet started counting as starting last.
fn start_time(p: &PodInfo) -> SimTime {
    p.pod()
        .status
        .as_ref()
        .and_then(|s| s.start_time.as_ref())
        .map(SimTime::from_k8s_time)
        .unwrap_or(SimTime(i64::MAX))
}

/// Upstream `SelectVictimsOnNode`: the fewest lower-priority pods whose removal lets the
/// pod fit, or why there are none.
fn select_victims(
    profile: &Profile,
    skip: &[bool],
    state: &CycleState,
    pod: &PodInfo,
    node: &NodeInfo,
) -> Result<Vec<Rc<PodInfo>>, Rejection> {
    let all = &node.pods().pods;
    let (mut lower, keep): (Vec<Rc<PodInfo>>, Vec<Rc<PodInfo>>) =
        all.iter().cloned().partition(|p| p.priority < pod.priority);
    if lower.is_empty() {
        return Err(Rejection::unresolvable(NO_VICTIMS));
    }
    let mut remaining = keep;
    let without = node.with_pods(&remaining);
    if let Some(r) = run_filters(profile, skip, state, pod, &without) {
        return Err(r.rejection);
    }
    lower.sort_by(more_important_first);
    let mut victims = Vec::new();
    for p in lower {
        remaining.push(p.clone());
        let trial = node.with_pods(&remaining);
        if run_filters(profile, skip, state, pod, &trial).is_some() {
            remaining.pop();
            victims.push(p);
        }
    }
    Ok(victims)
}

/// Upstream `pickOneNodeForPreemption` (without PodDisruptionBudgets): the lowest
/// highest-priority victim, then the lowest sum of priorities, then the fewest victims,
/// then the latest start of the highest-priority victims, then the first.
fn pick_one_node(candidates: Vec<(usize, Vec<Rc<PodInfo>>)>) -> (usize, Vec<Rc<PodInfo>>) {
    let key = |victims: &Vec<Rc<PodInfo>>| {
        let highest = victims.first().map(|p| p.priority).unwrap_or(i32::MIN);
        let sum: i64 = victims
            .iter()
            .map(|p| i64::from(p.priority) + i64::from(i32::MAX) + 1)
            .sum();
        let earliest = victims
            .iter()
            .filter(|p| p.priority == highest)
            .map(|p| start_time(p))
            .min()
            .unwrap_or(SimTime(i64::MAX));
        (highest, sum, victims.len(), std::cmp::Reverse(earliest))
    };
    let mut best: Option<(usize, Vec<Rc<PodInfo>>)> = None;
    for c in candidates {
        let better = match &best {
            None => true,
            Some(b) => key(&c.1) < key(&b.1),
        };
        if better {
            best = Some(c);
        }
    }
    best.unwrap_or_default()
}
