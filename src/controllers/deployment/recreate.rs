//! The Recreate strategy (upstream `recreate.go`, v1.32): scale every old ReplicaSet to 0,
//! wait until no old pod is left (neither by the ReplicaSets' `status.replicas` nor by a
//! non-terminal pod still controlled by one), and only then create (or reuse) the new
//! ReplicaSet and scale it to `spec.replicas`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::Pod;

use super::conditions::deployment_complete;
use super::find::filter_active;
use super::newrs::get_all_replica_sets_and_sync_revision;
use super::progress::sync_rollout_status;
use super::replicas::actual_replica_count;
use super::sync::{all_rss, cleanup_deployment, scale_replica_set_and_record_event};
use super::util::{d_replicas, rs_replicas, uid};
use crate::apiserver::ApiError;
use crate::controllers::{Action, ReconcileCtx, ReconcileError};

/// Upstream `rolloutRecreate`.
pub fn rollout_recreate(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
    pod_map: &BTreeMap<String, Vec<Pod>>,
) -> Result<Action, ReconcileError> {
    // Do not create the new ReplicaSet yet: scaling up must wait for scaling down.
    let (mut new_rs, mut old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, false)?;
    let mut all = all_rss(new_rs.as_ref(), &old_rss);
    let active_old = filter_active(&old_rss);

    if scale_down_old_replica_sets_for_recreate(rc, &active_old, d)? {
        return sync_rollout_status(rc, &all, new_rs.as_ref(), d);
    }
    if old_pods_running(new_rs.as_ref(), &old_rss, pod_map) {
        return sync_rollout_status(rc, &all, new_rs.as_ref(), d);
    }
    if new_rs.is_none() {
        let (n, o) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, true)?;
        new_rs = n;
        old_rss = o;
        all = all_rss(new_rs.as_ref(), &old_rss);
    }
    if let Some(new) = new_rs.as_ref() {
        scale_replica_set_and_record_event(rc, new, d_replicas(d), d)?;
    }
    let stored = d.status.clone().unwrap_or_default();
    if deployment_complete(d, &stored) {
        cleanup_deployment(rc, &old_rss, d)?;
    }
    sync_rollout_status(rc, &all, new_rs.as_ref(), d)
}

/// Upstream `scaleDownOldReplicaSetsForRecreate`: every active old ReplicaSet to 0.
fn scale_down_old_replica_sets_for_recreate(
    rc: &mut ReconcileCtx,
    old_rss: &[ReplicaSet],
    d: &Deployment,
) -> Result<bool, ApiError> {
    let mut scaled = false;
    for rs in old_rss {
        if rs_replicas(rs) == 0 {
            continue;
        }
        let (did, _) = scale_replica_set_and_record_event(rc, rs, 0, d)?;
        scaled |= did;
    }
    Ok(scaled)
}

/// Upstream `oldPodsRunning`: an old ReplicaSet still reports pods, or a pod controlled by
/// one is not Succeeded or Failed (a pod in phase Unknown counts as running).
pub fn old_pods_running(
    new_rs: Option<&ReplicaSet>,
    old_rss: &[ReplicaSet],
    pod_map: &BTreeMap<String, Vec<Pod>>,
) -> bool {
    if actual_replica_count(old_rss) > 0 {
        return true;
    }
    let new_uid = new_rs.map(|rs| uid(&rs.metadata));
    pod_map
        .iter()
        .filter(|(rs_uid, _)| Some(rs_uid.as_str()) != new_uid)
        .flat_map(|(_, pods)| pods)
        .any(|pod| {
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            !matches!(phase, Some("Failed") | Some("Succeeded"))
        })
}
