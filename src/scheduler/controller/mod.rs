//! The scheduler as a controller of the Manager (`default-scheduler`, writing as
//! `Actor::Scheduler`). A reconcile is one scheduling pass: it lists pods and nodes once,
//! builds a `Snapshot`, and places every active pending pod in queue order, each against
//! the snapshot as the earlier ones left it. That is upstream's loop over `activeQ` with
//! its cache, rebuilt from the API on every pass, since controllers keep no state.
//!
//! Keys are pending pods, nodes that were added or changed, and the queue's two "move"
//! keys (see `queue.rs`). A pod key whose
//! pod was already handled (bound by an earlier pass, or failed after the event that
//! queued it) costs one GET; only keys that need a pass pay for the LISTs.

mod writes;

use writes::{bind, fail};

use std::rc::Rc;

use k8s_openapi::api::core::v1::Pod;

use crate::apiserver::{ApiError, ApiServer, ListOptions, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};
use crate::scheduler::algorithm::{
    chosen_index, num_feasible_nodes_to_find, run_filters, run_pre_filters, schedule_one,
};
use crate::scheduler::framework::{CycleState, Profile};
use crate::scheduler::plugins::default_profile;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::queue::{self, QueuedPod, MOVE_AFFINITY, UNSCHEDULABLE_FLUSH_MS};
use crate::scheduler::snapshot::{ClusterLists, Snapshot};
use crate::sim::Actor;

/// The scheduler controller.
pub struct Scheduler {
    profile: Profile,
}

impl Default for Scheduler {
    fn default() -> Self {
        Scheduler {
            profile: default_profile(),
        }
    }
}

/// Which pending pods a pass schedules.
enum Batch<'a> {
    /// Active pods plus this one.
    Pod(&'a str, &'a str),
    /// Active pods plus every unschedulable one.
    MoveAll,
    /// Active pods plus unschedulable ones waiting for other pods.
    MoveAffinity,
    /// Active pods plus unschedulable ones this node (added or changed) might take.
    Node(&'a str),
}

impl Controller for Scheduler {
    fn name(&self) -> &'static str {
        self.profile.scheduler_name
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Pod, Kind::Node]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        queue::keys_for(event, self.profile.scheduler_name)
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        rc.meta.actor = Actor::Scheduler;
        let batch = match (key.kind, key.namespace.as_str(), key.name.as_str()) {
            (Kind::Pod, "", MOVE_AFFINITY) => Batch::MoveAffinity,
            (Kind::Pod, "", _) => Batch::MoveAll,
            (Kind::Node, _, name) => Batch::Node(name),
            (Kind::Pod, ns, name) => Batch::Pod(ns, name),
            _ => return Ok(Action::Done),
        };
        if let Batch::Pod(ns, name) = batch {
            let Some(obj) = rc.api.try_get(Kind::Pod, ns, name) else {
                return Ok(Action::Done);
            };
            if !queue::is_pending(&obj, self.profile.scheduler_name) {
                return Ok(Action::Done);
            }
            if !self.needs_attempt(&obj, rc.meta.cause) {
                return Ok(Action::RequeueAfter(UNSCHEDULABLE_FLUSH_MS));
            }
        }
        self.pass(&batch, rc)?;
        if let Batch::Pod(ns, name) = batch {
            let still_pending = rc
                .api
                .try_get(Kind::Pod, ns, name)
                .is_some_and(|o| queue::is_pending(&o, self.profile.scheduler_name));
            if still_pending {
                return Ok(Action::RequeueAfter(UNSCHEDULABLE_FLUSH_MS));
            }
        }
        Ok(Action::Done)
    }
}

fn resource_version(obj: &Object) -> u64 {
    obj.meta()
        .resource_version
        .as_deref()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

fn as_pod(obj: &Object) -> Option<&Pod> {
    match obj {
        Object::Pod(p) => Some(p),
        _ => None,
    }
}

impl Scheduler {
    /// Whether a pending pod should be tried now: it is active, or the event that queued
    /// its key is newer than its last failure (or a timer fired: no cause).
    fn needs_attempt(&self, obj: &Object, cause: Option<u64>) -> bool {
        let unschedulable = as_pod(obj).is_some_and(queue::marked_unschedulable);
        !unschedulable || cause.is_none_or(|c| c >= resource_version(obj))
    }

    /// One scheduling pass.
    fn pass(&self, batch: &Batch, rc: &mut ReconcileCtx) -> Result<(), ReconcileError> {
        let name = self.profile.scheduler_name;
        let prefix = ApiServer::prefix(Kind::Pod, None);
        let mut all = Vec::new();
        let mut pending: Vec<QueuedPod> = Vec::new();
        // Unschedulable pods a changed node might take, checked once the snapshot exists.
        let mut maybe: Vec<QueuedPod> = Vec::new();
        for kv in rc.api.store().range(&prefix) {
            let obj = kv.value.clone();
            if queue::is_pending(&obj, name) {
                let pod = as_pod(&obj);
                let unschedulable = pod.is_some_and(queue::marked_unschedulable);
                let queued = QueuedPod {
                    created: kv.create_revision,
                    obj: obj.clone(),
                };
                let include = !unschedulable
                    || match batch {
                        Batch::Pod(ns, n) => obj.namespace() == *ns && obj.name() == *n,
                        Batch::MoveAll => true,
                        Batch::MoveAffinity => pod.is_some_and(queue::waits_for_other_pods),
                        Batch::Node(_) => {
                            maybe.push(queued.clone());
                            false
                        }
                    };
                if include {
                    pending.push(queued);
                }
            }
            all.push(obj);
        }
        if pending.is_empty() && maybe.is_empty() {
            return Ok(());
        }
        let nodes = rc.api.list(Kind::Node, None, &ListOptions::default())?;
        let mut snap = Snapshot::new(nodes, &all, cluster_lists(rc.api)?);
        if let Batch::Node(node) = batch {
            if let Some(idx) = snap.node_index(node) {
                let moved = maybe
                    .into_iter()
                    .filter(|q| node_may_take(&self.profile, &snap, q, idx));
                pending.extend(moved);
            }
        }
        if pending.is_empty() {
            return Ok(());
        }
        pending.sort_by(queue::queue_order);
        // Upstream's `nextStartNodeIndex` survives from one pod to the next; here it
        // rotates within the pass and starts each pass at a seeded random node (no state
        // survives between passes). Small clusters scan every node, so it stays 0.
        let n = snap.nodes.len();
        let mut next_start = if num_feasible_nodes_to_find(n) < n {
            rc.rng.below(n as u64) as usize
        } else {
            0
        };
        let mut first_error = None;
        for queued in pending {
            let Some(info) = PodInfo::new(queued.obj.clone()) else {
                continue;
            };
            let info = Rc::new(info);
            let attempt = schedule_one(&self.profile, &snap, &info, &mut next_start, rc.rng);
            let result = match chosen_index(&snap, &attempt.decision) {
                Some(idx) => {
                    bind(rc, &info, &snap.nodes[idx].name).map(|_| snap.assume(&info, idx))
                }
                None => fail(rc, &info, &attempt),
            };
            if let Err(e) = result {
                first_error.get_or_insert(e);
            }
        }
        match first_error {
            Some(e) => Err(ReconcileError(e)),
            None => Ok(()),
        }
    }
}

/// The queueing hint for a node that was added or changed: an unschedulable pod is
/// retried if it now passes every filter on that node (other nodes did not change), or
/// if its placement depends on topology (spreading, inter-pod affinity), which a node's
/// labels can shift elsewhere too.
fn node_may_take(profile: &Profile, snap: &Snapshot, queued: &QueuedPod, idx: usize) -> bool {
    let Some(pod) = PodInfo::new(queued.obj.clone()) else {
        return false;
    };
    let spec = pod.spec();
    let topology = spec
        .topology_spread_constraints
        .as_ref()
        .is_some_and(|c| !c.is_empty())
        || !pod.required_affinity.is_empty()
        || !pod.required_anti_affinity.is_empty();
    if topology {
        return true;
    }
    let mut state = CycleState::default();
    let pre = run_pre_filters(profile, &mut state, &pod, snap);
    if pre.rejected.is_some() {
        return false;
    }
    let node = &snap.nodes[idx];
    if pre
        .only
        .as_ref()
        .is_some_and(|(names, _)| !names.contains(&*node.name))
    {
        return false;
    }
    run_filters(profile, &pre.skip, &state, &pod, node).is_none()
}

fn cluster_lists(api: &ApiServer) -> Result<ClusterLists, ApiError> {
    let all = ListOptions::default();
    let mut lists = ClusterLists::default();
    for ns in api.list(Kind::Namespace, None, &all)? {
        let labels = ns.meta().labels.clone().unwrap_or_default();
        lists.namespaces.insert(ns.name().to_string(), labels);
    }
    lists.services = api.list(Kind::Service, None, &all)?;
    for rs in api.list(Kind::ReplicaSet, None, &all)? {
        let key = (rs.namespace().to_string(), rs.name().to_string());
        lists.replica_sets.insert(key, rs);
    }
    for ss in api.list(Kind::StatefulSet, None, &all)? {
        let key = (ss.namespace().to_string(), ss.name().to_string());
        lists.stateful_sets.insert(key, ss);
    }
    Ok(lists)
}
