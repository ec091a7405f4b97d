//! The RollingUpdate strategy (upstream `rolling.go`, v1.32). One sync does at most one of:
//! scale the new ReplicaSet up (within maxSurge), or scale old ones down (within
//! maxUnavailable) — then it updates the status and waits for the next event. Cleanup of old
//! revisions happens only once the rollout is complete.
//!
//! Worked example, 10 replicas, maxSurge 25% (3), maxUnavailable 25% (2), new template,
//! no pod available yet on the new side:
//!
//! | sync | action | new | old |
//! | --- | --- | --- | --- |
//! | 1 | create new at min(10+3−10, 10) = 3; old: 13 − 8 − 3 = 2 may go | 3 | 8 |
//! | 2 | new grows to 13 − 8 = 5; old: 13 − 8 − 5 = 0, nothing | 5 | 8 |
//!
//! and then each new pod that becomes available lets one more old pod go, and each old pod
//! gone lets the new ReplicaSet grow by one — upstream's own comment in
//! `reconcileOldReplicaSets` walks the same 3 → 8 → 5 steps.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::conditions::deployment_complete;
use super::find::{by_creation_timestamp, filter_active};
use super::newrs::get_all_replica_sets_and_sync_revision;
use super::progress::sync_rollout_status;
use super::replicas::{
    available_replica_count, max_unavailable, new_rs_new_replicas, replica_count,
};
use super::sync::{all_rss, cleanup_deployment, scale_replica_set_and_record_event};
use super::util::{d_replicas, rs_available, rs_replicas};
use crate::apiserver::ApiError;
use crate::controllers::{Action, ReconcileCtx, ReconcileError};

/// Upstream `rolloutRolling`.
pub fn rollout_rolling(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
) -> Result<Action, ReconcileError> {
    let (new_rs, old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, true)?;
    let all = all_rss(new_rs.as_ref(), &old_rss);
    let Some(new) = new_rs.as_ref() else {
        // Creation is always attempted above; without a new ReplicaSet there is nothing
        // to roll to (upstream would dereference nil here).
        return sync_rollout_status(rc, &all, None, d);
    };
    if reconcile_new_replica_set(rc, &all, new, d)? {
        return sync_rollout_status(rc, &all, Some(new), d);
    }
    let active_old = filter_active(&old_rss);
    if reconcile_old_replica_sets(rc, &all, &active_old, new, d)? {
        return sync_rollout_status(rc, &all, Some(new), d);
    }
    let stored = d.status.clone().unwrap_or_default();
    if deployment_complete(d, &stored) {
        cleanup_deployment(rc, &old_rss, d)?;
    }
    sync_rollout_status(rc, &all, Some(new), d)
}

/// Upstream `reconcileNewReplicaSet`: shrink a new ReplicaSet above `spec.replicas`, or
/// grow it as far as `NewRSNewReplicas` allows. Returns whether it scaled.
pub fn reconcile_new_replica_set(
    rc: &mut ReconcileCtx,
    all_rss: &[ReplicaSet],
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Result<bool, ApiError> {
    let replicas = d_replicas(d);
    let current = rs_replicas(new_rs);
    if current == replicas {
        return Ok(false);
    }
    let target = if current > replicas {
        replicas
    } else {
        new_rs_new_replicas(d, all_rss, new_rs).map_err(|message| ApiError::Internal { message })?
    };
    Ok(scale_replica_set_and_record_event(rc, new_rs, target, d)?.0)
}

/// Upstream `reconcileOldReplicaSets`: how many old replicas may go is
/// `maxScaledDown = allPods − minAvailable − newRSUnavailable` (pods counted by
/// `spec.replicas`), so unavailable new pods never let the old side shrink further. First
/// unhealthy old replicas are cleaned up, then healthy ones scaled down while more than
/// `minAvailable` pods are available. Returns whether anything scaled.
///
/// Worked example: 10 replicas, maxUnavailable 2, new at 3 (none available), old at 10:
/// 13 − 8 − 3 = 2, so the old ReplicaSet goes to 8.
pub fn reconcile_old_replica_sets(
    rc: &mut ReconcileCtx,
    all_rss: &[ReplicaSet],
    old_rss: &[ReplicaSet],
    new_rs: &ReplicaSet,
    d: &Deployment,
) -> Result<bool, ApiError> {
    if replica_count(old_rss) == 0 {
        return Ok(false);
    }
    let all_pods = replica_count(all_rss);
    let min_available = d_replicas(d) - max_unavailable(d);
    let new_unavailable = rs_replicas(new_rs) - rs_available(new_rs);
    let max_scaled_down = all_pods - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return Ok(false);
    }
    // Upstream returns (false, nil) when either step fails; the next sync tries again.
    let Ok((old_rss, cleaned)) = cleanup_unhealthy_replicas(rc, old_rss, d, max_scaled_down) else {
        return Ok(false);
    };
    let mut all = old_rss.clone();
    all.push(new_rs.clone());
    let Ok(scaled_down) = scale_down_old_replica_sets_for_rolling_update(rc, &all, &old_rss, d)
    else {
        return Ok(false);
    };
    Ok(cleaned + scaled_down > 0)
}

/// Upstream `cleanupUnhealthyReplicas`: oldest first, scale each old ReplicaSet down by
/// its unavailable replicas, at most `max_cleanup` in total. Returns the old ReplicaSets as
/// now stored and the number removed.
pub fn cleanup_unhealthy_replicas(
    rc: &mut ReconcileCtx,
    old_rss: &[ReplicaSet],
    d: &Deployment,
    max_cleanup: i32,
) -> Result<(Vec<ReplicaSet>, i32), ApiError> {
    let mut olds = old_rss.to_vec();
    olds.sort_by(by_creation_timestamp);
    let mut total = 0;
    for slot in olds.iter_mut() {
        if total >= max_cleanup {
            break;
        }
        let target = &*slot;
        let replicas = rs_replicas(target);
        if replicas == 0 || replicas == rs_available(target) {
            continue;
        }
        let count = (max_cleanup - total).min(replicas - rs_available(target));
        let new_count = replicas - count;
        if new_count > replicas {
            return Err(ApiError::Internal {
                message: format!(
                    "when cleaning up unhealthy replicas, got invalid request to scale down {}/{} {} -> {}",
                    target.metadata.namespace.as_deref().unwrap_or(""),
                    target.metadata.name.as_deref().unwrap_or(""),
                    replicas,
                    new_count
                ),
            });
        }
        let (_, updated) = scale_replica_set_and_record_event(rc, target, new_count, d)?;
        total += count;
        *slot = updated;
    }
    Ok((olds, total))
}

/// Upstream `scaleDownOldReplicaSetsForRollingUpdate`: while more than `minAvailable`
/// pods are available, scale old ReplicaSets down, oldest first. Returns the number removed.
pub fn scale_down_old_replica_sets_for_rolling_update(
    rc: &mut ReconcileCtx,
    all_rss: &[ReplicaSet],
    old_rss: &[ReplicaSet],
    d: &Deployment,
) -> Result<i32, ApiError> {
    let min_available = d_replicas(d) - max_unavailable(d);
    let available = available_replica_count(all_rss);
    if available <= min_available {
        return Ok(0);
    }
    let mut olds = old_rss.to_vec();
    olds.sort_by(by_creation_timestamp);
    let to_scale_down = available - min_available;
    let mut total = 0;
    for target in &olds {
        if total >= to_scale_down {
            break;
        }
        let replicas = rs_replicas(target);
        if replicas == 0 {
            continue;
        }
        let count = replicas.min(to_scale_down - total);
        scale_replica_set_and_record_event(rc, target, replicas - count, d)?;
        total += count;
    }
    Ok(total)
}
