//! The DaemonSet's status (upstream `updateDaemonSetStatus` and `storeDaemonSetStatus`):
//! per eligible node, whether it has a daemon pod, and whether the oldest one is ready,
//! available and of the current template; per ineligible node, whether it still has one
//! (misscheduled).

use k8s_openapi::api::apps::v1::{DaemonSet, DaemonSetStatus};
use k8s_openapi::api::core::v1::Node;

use super::{
    nodes_to_daemon_pods, predicates, sort_by_creation_and_phase, template_generation, update,
    NodePods, Wake,
};
use crate::apiserver::{ApiError, Subresource};
use crate::controllers::history::pods;
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// The status counters of `updateDaemonSetStatus`.
#[derive(Debug, Default, PartialEq)]
pub struct Counts {
    /// Eligible nodes.
    pub desired: i32,
    /// Eligible nodes with a daemon pod.
    pub current: i32,
    /// Ineligible nodes with a daemon pod.
    pub misscheduled: i32,
    /// Eligible nodes whose oldest daemon pod is ready.
    pub ready: i32,
    /// ... and available.
    pub available: i32,
    /// Eligible nodes whose oldest daemon pod is of the current template.
    pub updated: i32,
}

/// Counts the status of a DaemonSet over the nodes (the loop of `updateDaemonSetStatus`).
pub fn count(
    ds: &DaemonSet,
    nodes: &[Node],
    node_pods: &NodePods,
    hash: &str,
    now: SimTime,
) -> Counts {
    let min_ready = ds
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let generation = template_generation(ds);
    let mut c = Counts::default();
    for node in nodes {
        let (should_run, _) = predicates::node_should_run(node, ds);
        let name = node.metadata.name.clone().unwrap_or_default();
        let mut list = node_pods.get(&name).cloned().unwrap_or_default();
        if !should_run {
            if !list.is_empty() {
                c.misscheduled += 1;
            }
            continue;
        }
        c.desired += 1;
        if list.is_empty() {
            continue;
        }
        c.current += 1;
        sort_by_creation_and_phase(&mut list);
        let pod = &list[0];
        if pods::is_ready(pod) {
            c.ready += 1;
            if pods::is_available(pod, min_ready, now) {
                c.available += 1;
            }
        }
        if update::is_pod_updated(pod, hash, generation) {
            c.updated += 1;
        }
    }
    c
}

/// `updateDaemonSetStatus` and `storeDaemonSetStatus`: writes the counters and
/// `observedGeneration` when they changed; asks to look again when a ready pod has yet to
/// become available (upstream: `minReadySeconds` + 1 s after it turned ready).
pub fn update_status(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
    nodes: &[Node],
    hash: &str,
    wake: &mut Wake,
) -> Result<(), ApiError> {
    let node_pods = nodes_to_daemon_pods(rc, ds, selector, false)?;
    let c = count(ds, nodes, &node_pods, hash, rc.now);
    let min_ready = ds
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    if min_ready > 0 && c.ready != c.available {
        wake.after((i64::from(min_ready) + 1) * 1000);
    }
    let ns = ds.metadata.namespace.clone().unwrap_or_default();
    let name = ds.metadata.name.clone().unwrap_or_default();
    // Re-read: the sync may have raised collisionCount, and the write needs the newest version.
    let Some(Object::DaemonSet(mut fresh)) = rc
        .api
        .try_get(Kind::DaemonSet, &ns, &name)
        .as_deref()
        .cloned()
    else {
        return Ok(());
    };
    let generation = ds.metadata.generation.unwrap_or(0);
    let nonzero = |n: i32| (n != 0).then_some(n);
    let old = fresh.status.clone().unwrap_or_default();
    let want = DaemonSetStatus {
        desired_number_scheduled: c.desired,
        current_number_scheduled: c.current,
        number_misscheduled: c.misscheduled,
        number_ready: c.ready,
        number_available: nonzero(c.available),
        number_unavailable: nonzero(c.desired - c.available),
        updated_number_scheduled: nonzero(c.updated),
        observed_generation: Some(generation),
        ..old.clone()
    };
    if want == old {
        return Ok(());
    }
    fresh.status = Some(want);
    rc.update(Object::DaemonSet(fresh), Subresource::Status)?;
    Ok(())
}
