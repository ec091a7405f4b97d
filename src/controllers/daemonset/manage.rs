//! The core loop of the DaemonSet controller (upstream `manage`, `podsShouldBeOnNode`,
//! `syncNodes`, `getUnscheduledPodsWithoutNode`): which nodes need a daemon pod and
//! which daemon pods must go, then the creates and deletes themselves.
//!
//! Failed daemon pods are deleted (and so recreated) with a per-node exponential back-off
//! of 1 s doubling to 15 min, as upstream's `failedPodsBackoff`. Upstream keeps it in
//! memory; here it is rebuilt from the `FailedDaemonPod` events the controller records
//! each time, which are in the API like everything else a controller may know.

use std::collections::BTreeSet;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};

use super::{predicates, sort_by_creation_and_phase, DaemonSetController, NodePods, Wake, NAME};
use crate::apiserver::{ApiError, DeleteOptions, ListOptions};
use crate::client::events::EventType;
use crate::controllers::history::{pods, refs};
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// Upstream's `BurstReplicas`: at most this many creates (and deletes) per sync.
pub const BURST_REPLICAS: usize = 250;
/// `controller.SlowStartInitialBatchSize`.
const SLOW_START_INITIAL_BATCH: usize = 1;
/// The failed-pod back-off: `flowcontrol.NewBackOff(1*time.Second, 15*time.Minute)`.
const BACKOFF_INITIAL_MS: i64 = 1_000;
const BACKOFF_MAX_MS: i64 = 15 * 60 * 1_000;

/// What `podsShouldBeOnNode` decides for one node.
#[derive(Debug, Default, PartialEq)]
pub struct NodeDecision {
    /// The node needs a new daemon pod.
    pub needs_pod: bool,
    /// Names of daemon pods on the node to delete.
    pub delete: Vec<String>,
}

/// The failed-pod back-off of a (DaemonSet, node) pair, rebuilt from the times of the
/// `FailedDaemonPod` events: `Some(delay)` while in back-off. Worked example: deletions
/// at 0 s and 1 s give back-offs 1 s then 2 s, so at 2 s the node is still in back-off
/// (2 − 1 < 2) and the next deletion waits; 30 min of quiet resets it to 1 s.
pub fn failed_backoff(event_times: &[SimTime], now: SimTime) -> Option<i64> {
    let mut entry: Option<(SimTime, i64)> = None;
    for &t in event_times {
        entry = Some(match entry {
            Some((last, backoff)) if t.since(last) <= 2 * BACKOFF_MAX_MS => {
                (t, (backoff * 2).min(BACKOFF_MAX_MS))
            }
            _ => (t, BACKOFF_INITIAL_MS),
        });
    }
    let (last, backoff) = entry?;
    let since = now.since(last);
    (since <= 2 * BACKOFF_MAX_MS && since < backoff).then_some(backoff)
}

fn failed_message(pod: &Pod, node: &str) -> String {
    format!(
        "Found failed daemon pod {}/{} on node {node}, will try to kill it",
        pod.metadata.namespace.as_deref().unwrap_or(""),
        pod.metadata.name.as_deref().unwrap_or("")
    )
}

/// The times the controller killed a failed pod of this DaemonSet on this node.
fn failed_event_times(rc: &ReconcileCtx, ds: &DaemonSet, node: &str) -> Vec<SimTime> {
    let ns = ds.metadata.namespace.as_deref().unwrap_or("");
    let suffix = format!(" on node {node}, will try to kill it");
    let mut times: Vec<SimTime> = rc
        .api
        .list(Kind::Event, Some(ns), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) => Some(e.clone()),
            _ => None,
        })
        .filter(|e| {
            e.reason.as_deref() == Some("FailedDaemonPod")
                && e.involved_object.uid == ds.metadata.uid
                && e.message.as_deref().is_some_and(|m| m.ends_with(&suffix))
        })
        .filter_map(|e| e.first_timestamp.as_ref().map(SimTime::from_k8s_time))
        .collect();
    times.sort();
    times
}

/// `podsShouldBeOnNode`.
pub fn pods_should_be_on_node(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    node: &Node,
    node_pods: &NodePods,
    hash: &str,
    wake: &mut Wake,
) -> NodeDecision {
    let name = node.metadata.name.clone().unwrap_or_default();
    let (should_run, should_continue) = predicates::node_should_run(node, ds);
    let daemon_pods = node_pods.get(&name);
    let mut d = NodeDecision::default();
    match daemon_pods {
        None if should_run => d.needs_pod = true,
        Some(list) if should_continue => {
            let mut running = Vec::new();
            for pod in list {
                if pod.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                match pods::phase(pod) {
                    "Failed" => {
                        let times = failed_event_times(rc, ds, &name);
                        if let Some(delay) = failed_backoff(&times, rc.now) {
                            wake.after(delay);
                            continue;
                        }
                        let msg = failed_message(pod, &name);
                        let obj = Object::DaemonSet(ds.clone());
                        pods::record(rc, &obj, EventType::Warning, "FailedDaemonPod", &msg, NAME);
                        d.delete.push(pod.metadata.name.clone().unwrap_or_default());
                    }
                    "Succeeded" => {
                        let msg = format!(
                            "Found succeeded daemon pod {}/{} on node {name}, will try to delete it",
                            pod.metadata.namespace.as_deref().unwrap_or(""),
                            pod.metadata.name.as_deref().unwrap_or("")
                        );
                        let obj = Object::DaemonSet(ds.clone());
                        pods::record(
                            rc,
                            &obj,
                            EventType::Normal,
                            "SucceededDaemonPod",
                            &msg,
                            NAME,
                        );
                        d.delete.push(pod.metadata.name.clone().unwrap_or_default());
                    }
                    _ => running.push(pod.clone()),
                }
            }
            excess_pods(ds, running, should_run, hash, rc.now, &mut d);
        }
        Some(list) if !should_continue => {
            for pod in list {
                if pod.metadata.deletion_timestamp.is_none() {
                    d.delete.push(pod.metadata.name.clone().unwrap_or_default());
                }
            }
        }
        _ => {}
    }
    d
}

/// The part of `podsShouldBeOnNode` that prunes extra running pods: without surge, all
/// but the oldest go; with surge, the oldest new pod and the oldest old pod may coexist
/// until the new one is available (or the old one is no longer ready).
fn excess_pods(
    ds: &DaemonSet,
    mut running: Vec<Pod>,
    should_run: bool,
    hash: &str,
    now: SimTime,
    d: &mut NodeDecision,
) {
    sort_by_creation_and_phase(&mut running);
    let name = |p: &Pod| p.metadata.name.clone().unwrap_or_default();
    if !super::update::allows_surge(ds) {
        for p in running.iter().skip(1) {
            d.delete.push(name(p));
        }
        return;
    }
    if running.len() <= 1 {
        if running.is_empty() && should_run {
            d.needs_pod = true;
        }
        return;
    }
    let mut oldest_new: Option<&Pod> = None;
    let mut oldest_old: Option<&Pod> = None;
    for p in &running {
        let is_new = p
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(crate::controllers::history::CONTROLLER_REVISION_HASH_LABEL))
            .is_some_and(|h| h == hash);
        let slot = if is_new {
            &mut oldest_new
        } else {
            &mut oldest_old
        };
        if slot.is_none() {
            *slot = Some(p);
        } else {
            d.delete.push(name(p));
        }
    }
    if let (Some(new), Some(old)) = (oldest_new, oldest_old) {
        let min_ready = ds
            .spec
            .as_ref()
            .and_then(|s| s.min_ready_seconds)
            .unwrap_or(0);
        if !pods::is_ready(old) || pods::is_available(new, min_ready, now) {
            d.delete.push(name(old));
        }
    }
}

/// `getUnscheduledPodsWithoutNode`: unbound pods meant for nodes that no longer exist
/// (the pod GC only removes bound ones).
pub fn unscheduled_without_node(nodes: &[Node], node_pods: &NodePods) -> Vec<String> {
    let existing: BTreeSet<&str> = nodes
        .iter()
        .filter_map(|n| n.metadata.name.as_deref())
        .collect();
    node_pods
        .iter()
        .filter(|(n, _)| !existing.contains(n.as_str()))
        .flat_map(|(_, pods)| pods.iter())
        .filter(|p| {
            p.spec
                .as_ref()
                .and_then(|s| s.node_name.as_deref())
                .is_none_or(str::is_empty)
        })
        .filter_map(|p| p.metadata.name.clone())
        .collect()
}

/// `syncNodes`: deletes `to_delete` and creates one pod for each node of `nodes_needing`
/// (each capped at [`BURST_REPLICAS`]), creating in slow-start batches of 1, 2, 4, ...
/// that stop after a batch with a failure. Returns whether anything was written, and the
/// first error.
pub fn sync_nodes(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    to_delete: &[String],
    nodes_needing: &[String],
    hash: &str,
) -> (bool, Result<(), ApiError>) {
    let obj = Object::DaemonSet(ds.clone());
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let template = super::create_pod_template(ds, hash);
    let controller_ref = refs::new_controller_ref(&ds.metadata, "apps/v1", "DaemonSet");
    let creates = &nodes_needing[..nodes_needing.len().min(BURST_REPLICAS)];
    let mut first_err: Option<ApiError> = None;
    let mut wrote = false;
    let mut pos = 0;
    let mut batch = creates.len().min(SLOW_START_INITIAL_BATCH);
    while pos < creates.len() && batch > 0 {
        let mut failed = false;
        for node in &creates[pos..pos + batch] {
            let mut t = template.clone();
            if let Some(spec) = t.spec.as_mut() {
                spec.affinity = Some(predicates::pin_to_node(spec.affinity.take(), node));
            }
            let pod = pods::pod_from_template(&t, &ds.metadata, Some(controller_ref.clone()));
            match rc.create(Object::Pod(pod)) {
                Ok(created) => {
                    wrote = true;
                    let msg = format!("Created pod: {}", created.name());
                    pods::record(rc, &obj, EventType::Normal, "SuccessfulCreate", &msg, NAME);
                }
                Err(e) => {
                    failed = true;
                    if !is_namespace_terminating(&e) {
                        let msg = format!("Error creating: {e}");
                        pods::record(rc, &obj, EventType::Warning, "FailedCreate", &msg, NAME);
                        first_err.get_or_insert(e);
                    }
                }
            }
        }
        pos += batch;
        if failed {
            break;
        }
        batch = (2 * batch).min(creates.len() - pos);
    }
    for name in to_delete.iter().take(BURST_REPLICAS) {
        match rc.delete(Kind::Pod, &ns, name, &DeleteOptions::default()) {
            Ok(_) => {
                wrote = true;
                let msg = format!("Deleted pod: {name}");
                pods::record(rc, &obj, EventType::Normal, "SuccessfulDelete", &msg, NAME);
            }
            Err(ApiError::NotFound { .. }) => {}
            Err(e) => {
                let msg = format!("Error deleting: {e}");
                pods::record(rc, &obj, EventType::Warning, "FailedDelete", &msg, NAME);
                first_err.get_or_insert(e);
            }
        }
    }
    (wrote, first_err.map_or(Ok(()), Err))
}

/// Whether a create failed because the namespace is being torn down (upstream checks the
/// `NamespaceTerminating` status cause and stays quiet).
fn is_namespace_terminating(e: &ApiError) -> bool {
    matches!(e, ApiError::Forbidden { message } if message.contains("because it is being terminated"))
}

impl DaemonSetController {
    /// `manage`: every node's decision plus the orphaned unscheduled pods, then
    /// `syncNodes`. Returns whether it wrote anything (upstream's unsatisfied
    /// expectations, which hold the rolling update back until the next sync).
    pub(super) fn manage(
        rc: &mut ReconcileCtx,
        ds: &DaemonSet,
        nodes: &[Node],
        node_pods: &NodePods,
        hash: &str,
        wake: &mut Wake,
    ) -> (bool, Result<(), ApiError>) {
        let mut needing = Vec::new();
        let mut delete = Vec::new();
        for node in nodes {
            let d = pods_should_be_on_node(rc, ds, node, node_pods, hash, wake);
            if d.needs_pod {
                needing.push(node.metadata.name.clone().unwrap_or_default());
            }
            delete.extend(d.delete);
        }
        delete.extend(unscheduled_without_node(nodes, node_pods));
        sync_nodes(rc, ds, &delete, &needing, hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_pod_backoff_doubles_and_resets() {
        // flowcontrol.Backoff(1s, 15m): after kills at 0 s and 1 s the back-off is 2 s.
        let t0 = SimTime::START;
        assert_eq!(failed_backoff(&[], t0), None);
        assert_eq!(failed_backoff(&[t0], t0.plus_ms(500)), Some(1_000));
        assert_eq!(failed_backoff(&[t0], t0.plus_ms(1_000)), None);
        let two = [t0, t0.plus_secs(1)];
        assert_eq!(failed_backoff(&two, t0.plus_secs(2)), Some(2_000));
        assert_eq!(failed_backoff(&two, t0.plus_secs(3)), None);
        // Capped at 15 minutes.
        let many: Vec<SimTime> = (0..20).map(|i| t0.plus_secs(i)).collect();
        assert_eq!(
            failed_backoff(&many, t0.plus_secs(20)),
            Some(BACKOFF_MAX_MS)
        );
        // More than 2 × 15 min after the last kill the entry has expired.
        assert_eq!(failed_backoff(&many, t0.plus_secs(19 + 1801)), None);
    }
}
