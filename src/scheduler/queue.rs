//! The scheduling queue, modelled without state (upstream `internal/queue`, v1.32).
//!
//! Upstream keeps pods in three queues: `activeQ` (to schedule, by priority then arrival),
//! `backoffQ`, and `unschedulablePods` (failed; waiting for a cluster event that might
//! help, or for the 5-minute flush). kubeniwa reads the same facts from the API:
//!
//! - a pending pod (no `spec.nodeName`, this scheduler's `schedulerName`, no scheduling
//!   gates, not finished, not being deleted) is *active* unless its `PodScheduled`
//!   condition says `Unschedulable` — then it is in the *unschedulable pool*;
//! - an event about the pod itself (created, or its spec or labels changed) makes it
//!   active again; status-only updates (including the scheduler's own) do not;
//! - cluster events move the pool back, as upstream's queueing hints do: a node added or
//!   changed in a way that matters (the node's own key) moves the pods that now fit on it,
//!   and those whose placement depends on topology; an assigned pod deleted, finished or
//!   relabelled moves every unschedulable pod (the `MOVE_ALL` key); a pod being bound
//!   moves those whose required pod affinity or `DoNotSchedule` spreading it might
//!   satisfy (the `MOVE_AFFINITY` key);
//! - a pod that fails is reconciled again after 5 minutes (`RequeueAfter`, upstream's
//!   `podMaxInUnschedulablePodsDuration`), so nothing is stuck for good, and nothing
//!   spins: a failed pod waits for one of these.
//!
//! Differences: a moved pod is retried at once, where upstream first waits out its
//! backoff (1 s doubling to 10 s per attempt) if its last attempt was that recent; a pod
//! retried early by a cluster event keeps its original 5-minute timer; and the hints are
//! coarser than upstream's per-plugin ones (a pod deletion moves every unschedulable pod).

use std::cmp::Ordering;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Pod};

use crate::apiserver::WatchEvent;
use crate::controllers::ObjectRef;
use crate::model::{Kind, Object};
use crate::scheduler::snapshot::is_assigned_and_active;

/// Upstream `podMaxInUnschedulablePodsDuration`: an unschedulable pod is retried at the
/// latest after 5 minutes.
pub const UNSCHEDULABLE_FLUSH_MS: i64 = 5 * 60 * 1000;

/// The key that moves every unschedulable pod back to active.
pub const MOVE_ALL: &str = "*move-all";
/// The key that moves unschedulable pods with required pod affinity or `DoNotSchedule`
/// spreading back to active.
pub const MOVE_AFFINITY: &str = "*move-affinity";

/// A queue key that is not a pod: namespace "" never names a pod.
pub fn sentinel(name: &str) -> ObjectRef {
    ObjectRef {
        kind: Kind::Pod,
        namespace: String::new(),
        name: name.to_string(),
    }
}

/// Whether this scheduler should place the pod.
pub fn is_pending(obj: &Object, scheduler_name: &str) -> bool {
    let Object::Pod(p) = obj else {
        return false;
    };
    let spec = p.spec.as_ref();
    let unbound = spec
        .and_then(|s| s.node_name.as_deref())
        .is_none_or(str::is_empty);
    let ours = spec
        .and_then(|s| s.scheduler_name.as_deref())
        .unwrap_or(scheduler_name)
        == scheduler_name;
    let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
    // Upstream's SchedulingGates PreEnqueue plugin keeps gated pods out of the queue
    // until their last gate is removed (an update, which queues them).
    let gated = spec
        .and_then(|s| s.scheduling_gates.as_ref())
        .is_some_and(|g| !g.is_empty());
    unbound
        && ours
        && !gated
        && p.metadata.deletion_timestamp.is_none()
        && !matches!(phase, Some("Succeeded") | Some("Failed"))
}

/// Whether the pod's last attempt found it unschedulable.
pub fn marked_unschedulable(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == "PodScheduled"))
        .is_some_and(|c| c.status == "False" && c.reason.as_deref() == Some("Unschedulable"))
}

/// Whether binding another pod could make this one schedulable: it has required pod
/// affinity or a `DoNotSchedule` spread constraint.
pub fn waits_for_other_pods(pod: &Pod) -> bool {
    let Some(spec) = pod.spec.as_ref() else {
        return false;
    };
    let affinity = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_some_and(|t| !t.is_empty());
    let spread = spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .any(|c| c.when_unsatisfiable == "DoNotSchedule");
    affinity || spread
}

/// Upstream `isPodUpdated`: a change outside status, resourceVersion, generation,
/// managedFields and finalizers.
fn pod_updated(old: &Pod, new: &Pod) -> bool {
    let strip = |p: &Pod| {
        let mut m = p.metadata.clone();
        m.resource_version = None;
        m.generation = None;
        m.managed_fields = None;
        m.finalizers = None;
        m
    };
    old.spec != new.spec || strip(old) != strip(new)
}

/// Whether a node update can change a scheduling decision: labels, annotations, spec
/// (taints, unschedulable), allocatable, or conditions other than their heartbeat.
fn node_changed(old: &Node, new: &Node) -> bool {
    let conditions = |n: &Node| {
        let mut cs = n
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        cs.iter_mut().for_each(|c| c.last_heartbeat_time = None);
        cs
    };
    let allocatable = |n: &Node| n.status.as_ref().and_then(|s| s.allocatable.clone());
    old.metadata.labels != new.metadata.labels
        || old.metadata.annotations != new.metadata.annotations
        || old.spec != new.spec
        || allocatable(old) != allocatable(new)
        || conditions(old) != conditions(new)
}

/// The keys a watch event enqueues (upstream's event handlers and queueing hints,
/// simplified as the module documentation describes).
pub fn keys_for(event: &WatchEvent, scheduler_name: &str) -> Vec<ObjectRef> {
    let obj = event.object();
    let key = |name: &str| vec![sentinel(name)];
    match (obj.kind(), event) {
        (Kind::Node, WatchEvent::Added { .. }) => vec![ObjectRef::of(event)],
        (Kind::Node, WatchEvent::Modified { old, .. }) => match (&**old, &**obj) {
            (Object::Node(o), Object::Node(n)) if node_changed(o, n) => vec![ObjectRef::of(event)],
            _ => Vec::new(),
        },
        (Kind::Pod, WatchEvent::Added { .. }) => {
            if is_pending(obj, scheduler_name) {
                vec![ObjectRef::of(event)]
            } else if is_assigned_and_active(obj) {
                key(MOVE_AFFINITY)
            } else {
                Vec::new()
            }
        }
        (Kind::Pod, WatchEvent::Modified { old, .. }) => {
            let (Object::Pod(o), Object::Pod(n)) = (&**old, &**obj) else {
                return Vec::new();
            };
            if is_pending(obj, scheduler_name) {
                if pod_updated(o, n) {
                    return vec![ObjectRef::of(event)];
                }
                return Vec::new();
            }
            match (is_assigned_and_active(old), is_assigned_and_active(obj)) {
                (false, true) => key(MOVE_AFFINITY),
                (true, false) => key(MOVE_ALL),
                (true, true) if o.metadata.labels != n.metadata.labels => key(MOVE_ALL),
                _ => Vec::new(),
            }
        }
        (Kind::Pod, WatchEvent::Deleted { .. }) if is_assigned_and_active(obj) => key(MOVE_ALL),
        _ => Vec::new(),
    }
}

/// A pending pod with its store creation revision (its arrival order).
#[derive(Clone, Debug)]
pub struct QueuedPod {
    /// The store revision that created it.
    pub created: u64,
    /// The pod.
    pub obj: Rc<Object>,
}

impl QueuedPod {
    fn priority(&self) -> i32 {
        match &*self.obj {
            Object::Pod(p) => p.spec.as_ref().and_then(|s| s.priority).unwrap_or(0),
            _ => 0,
        }
    }
}

/// Upstream `PrioritySort`: higher priority first, then earlier arrival.
pub fn queue_order(a: &QueuedPod, b: &QueuedPod) -> Ordering {
    b.priority()
        .cmp(&a.priority())
        .then(a.created.cmp(&b.created))
}
