//! Scaling, cleanup and status (upstream `sync.go`, v1.32): `sync` for paused Deployments
//! and scaling events, proportional `scale`, `scaleReplicaSet` with its
//! `ScalingReplicaSet` event, `cleanupDeployment` (revisionHistoryLimit),
//! `isScalingEvent`, `checkPausedConditions`, and `calculateStatus`.

use k8s_openapi::api::apps::v1::{Deployment, DeploymentStatus, ReplicaSet};

use super::client::{delete_rs, event, update_rs, update_status};
use super::conditions::{
    get_condition, has_progress_deadline, new_condition, revision_history_limit, set_condition,
    AVAILABLE, MINIMUM_REPLICAS_AVAILABLE, MINIMUM_REPLICAS_UNAVAILABLE, PAUSED_DEPLOY_REASON,
    PROGRESSING, RESUMED_DEPLOY_REASON, TIMED_OUT_REASON,
};
use super::find::{
    by_revision, by_size_newer, by_size_older, filter_active, find_active_or_latest,
};
use super::newrs::get_all_replica_sets_and_sync_revision;
use super::replicas::{
    actual_replica_count, available_replica_count, is_rolling_update, is_saturated, max_surge,
    max_unavailable, ready_replica_count, replica_count, replica_set_proportion,
};
use super::rollback::get_rollback_to;
use super::util::{
    d_replicas, desired_replicas_annotation, replicas_annotations_need_update, rs_actual,
    rs_replicas, set_replicas_annotations, set_rs_replicas,
};
use crate::apiserver::ApiError;
use crate::client::events::EventType;
use crate::controllers::{Action, ReconcileCtx, ReconcileError};

fn is_paused(d: &Deployment) -> bool {
    d.spec.as_ref().and_then(|s| s.paused).unwrap_or(false)
}

/// `newRS` and the old ones as one list (upstream `append(oldRSs, newRS)`, nil skipped).
pub fn all_rss(new_rs: Option<&ReplicaSet>, old_rss: &[ReplicaSet]) -> Vec<ReplicaSet> {
    let mut all = old_rss.to_vec();
    all.extend(new_rs.cloned());
    all
}

/// Upstream `syncStatusOnly`: a Deployment being deleted only has its status refreshed.
pub fn sync_status_only(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
) -> Result<Action, ReconcileError> {
    let (new_rs, old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, false)?;
    sync_deployment_status(rc, &all_rss(new_rs.as_ref(), &old_rss), new_rs.as_ref(), d)?;
    Ok(Action::Done)
}

/// Upstream `sync`: reconciles scaling events and paused Deployments — proportional
/// scaling, no rollout progress; a paused Deployment also cleans up old revisions.
pub fn sync(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
) -> Result<Action, ReconcileError> {
    let (new_rs, old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, false)?;
    scale(rc, d, new_rs.as_ref(), &old_rss)?;
    if is_paused(d) && get_rollback_to(d).is_none() {
        cleanup_deployment(rc, &old_rss, d)?;
    }
    sync_deployment_status(rc, &all_rss(new_rs.as_ref(), &old_rss), new_rs.as_ref(), d)?;
    Ok(Action::Done)
}

/// Upstream `checkPausedConditions`: Progressing becomes Unknown/`DeploymentPaused` when
/// paused and Unknown/`DeploymentResumed` when resumed (unless it already timed out), so
/// time spent paused never counts against progressDeadlineSeconds.
pub fn check_paused_conditions(rc: &mut ReconcileCtx, d: &mut Deployment) -> Result<(), ApiError> {
    if !has_progress_deadline(d) {
        return Ok(());
    }
    let paused = is_paused(d);
    let now = rc.now;
    let status = d.status.get_or_insert_with(Default::default);
    let reason = get_condition(status, PROGRESSING).and_then(|c| c.reason.clone());
    if reason.as_deref() == Some(TIMED_OUT_REASON) {
        return Ok(());
    }
    let paused_cond_exists = reason.as_deref() == Some(PAUSED_DEPLOY_REASON);
    let condition = if paused && !paused_cond_exists {
        new_condition(
            PROGRESSING,
            "Unknown",
            PAUSED_DEPLOY_REASON,
            "Deployment is paused",
            now,
        )
    } else if !paused && paused_cond_exists {
        new_condition(
            PROGRESSING,
            "Unknown",
            RESUMED_DEPLOY_REASON,
            "Deployment is resumed",
            now,
        )
    } else {
        return Ok(());
    };
    set_condition(status, condition);
    update_status(rc, d)
}

/// Upstream `isScalingEvent`: some active ReplicaSet was sized for a different
/// `spec.replicas` than the Deployment now has (its desired-replicas annotation).
pub fn is_scaling_event(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
) -> Result<bool, ReconcileError> {
    let (new_rs, old_rss) = get_all_replica_sets_and_sync_revision(rc, d, rs_list, false)?;
    let replicas = d_replicas(d);
    Ok(filter_active(&all_rss(new_rs.as_ref(), &old_rss))
        .iter()
        .filter_map(desired_replicas_annotation)
        .any(|desired| desired != replicas))
}

/// Upstream `scale`: after a change of `spec.replicas`.
///
/// - One active ReplicaSet (or none: the newest): it takes the whole count.
/// - A saturated new ReplicaSet: the old ones go to 0.
/// - Otherwise, rolling: the difference between `replicas + maxSurge` and the current total
///   is shared among the active ReplicaSets in proportion to their size
///   (`GetReplicaSetProportion`), larger ReplicaSets first (newer first on ties when
///   growing, older first when shrinking), and what rounding leaves over goes to the first.
///
/// Worked example (upstream's "proportional scaling: 5 -> 10", maxSurge 0): new 2 and
/// old 3, both sized for 5; 5 to add. Old: round(3 × 10 / 5) − 3 = 3 → 6. New: min(2, 5 −
/// 3) = 2 → 4.
pub fn scale(
    rc: &mut ReconcileCtx,
    d: &Deployment,
    new_rs: Option<&ReplicaSet>,
    old_rss: &[ReplicaSet],
) -> Result<(), ApiError> {
    let replicas = d_replicas(d);
    if let Some(active) = find_active_or_latest(new_rs, old_rss) {
        if rs_replicas(&active) == replicas {
            return Ok(());
        }
        scale_replica_set_and_record_event(rc, &active, replicas, d)?;
        return Ok(());
    }
    if is_saturated(d, new_rs) {
        for old in filter_active(old_rss) {
            scale_replica_set_and_record_event(rc, &old, 0, d)?;
        }
        return Ok(());
    }
    if !is_rolling_update(d) {
        return Ok(());
    }
    let mut all = filter_active(&all_rss(new_rs, old_rss));
    let current = replica_count(&all);
    let allowed = if replicas > 0 {
        replicas.saturating_add(max_surge(d))
    } else {
        0
    };
    let to_add = allowed - current;
    let operation = if to_add > 0 {
        all.sort_by(by_size_newer);
        "up"
    } else if to_add < 0 {
        all.sort_by(by_size_older);
        "down"
    } else {
        ""
    };
    let mut added = 0;
    let mut sizes: Vec<i32> = Vec::with_capacity(all.len());
    for rs in &all {
        if to_add != 0 {
            let proportion = replica_set_proportion(rs, d, to_add, added);
            sizes.push(rs_replicas(rs) + proportion);
            added += proportion;
        } else {
            sizes.push(rs_replicas(rs));
        }
    }
    for (i, rs) in all.iter().enumerate() {
        if i == 0 && to_add != 0 {
            // Leftovers go to the first (largest) ReplicaSet.
            sizes[0] = (sizes[0] + to_add - added).max(0);
        }
        scale_replica_set(rc, rs, sizes[i], d, operation)?;
    }
    Ok(())
}

/// Upstream `scaleReplicaSetAndRecordEvent`: `(scaled, the ReplicaSet as now stored)`.
pub fn scale_replica_set_and_record_event(
    rc: &mut ReconcileCtx,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
) -> Result<(bool, ReplicaSet), ApiError> {
    let current = rs_replicas(rs);
    if current == new_scale {
        return Ok((false, rs.clone()));
    }
    let operation = if current < new_scale { "up" } else { "down" };
    scale_replica_set(rc, rs, new_scale, d, operation)
}

/// Upstream `scaleReplicaSet`: writes the size and the desired/max-replicas annotations
/// when either differs; a size change records
/// `Scaled <up|down> replica set <name> from <old> to <new>`.
pub fn scale_replica_set(
    rc: &mut ReconcileCtx,
    rs: &ReplicaSet,
    new_scale: i32,
    d: &Deployment,
    operation: &str,
) -> Result<(bool, ReplicaSet), ApiError> {
    let old_scale = rs_replicas(rs);
    let size_needs_update = old_scale != new_scale;
    let desired = d_replicas(d);
    let max = desired.saturating_add(max_surge(d));
    if !size_needs_update && !replicas_annotations_need_update(rs, desired, max) {
        return Ok((false, rs.clone()));
    }
    let mut copy = rs.clone();
    set_rs_replicas(&mut copy, new_scale);
    set_replicas_annotations(&mut copy, desired, max);
    let stored = update_rs(rc, copy)?;
    if size_needs_update {
        let name = stored.metadata.name.clone().unwrap_or_default();
        let msg = format!("Scaled {operation} replica set {name} from {old_scale} to {new_scale}");
        event(rc, d, EventType::Normal, "ScalingReplicaSet", &msg);
    }
    Ok((size_needs_update, stored))
}

/// Upstream `cleanupDeployment`: keeps `revisionHistoryLimit` old ReplicaSets, deleting
/// the lowest revisions first, and only ones that are fully scaled down (no pods, size 0,
/// observed by the ReplicaSet controller) and not already being deleted.
pub fn cleanup_deployment(
    rc: &mut ReconcileCtx,
    old_rss: &[ReplicaSet],
    d: &Deployment,
) -> Result<(), ApiError> {
    let Some(limit) = revision_history_limit(d) else {
        return Ok(());
    };
    let mut cleanable: Vec<ReplicaSet> = old_rss
        .iter()
        .filter(|rs| rs.metadata.deletion_timestamp.is_none())
        .cloned()
        .collect();
    let diff = cleanable.len() as i64 - i64::from(limit);
    if diff <= 0 {
        return Ok(());
    }
    cleanable.sort_by(by_revision);
    for rs in cleanable.iter().take(diff as usize) {
        let observed = rs
            .status
            .as_ref()
            .and_then(|s| s.observed_generation)
            .unwrap_or(0);
        if rs_actual(rs) != 0
            || rs_replicas(rs) != 0
            || rs.metadata.generation.unwrap_or(0) > observed
            || rs.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        let namespace = rs.metadata.namespace.clone().unwrap_or_default();
        let name = rs.metadata.name.clone().unwrap_or_default();
        match delete_rs(rc, &namespace, &name) {
            Ok(()) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A count as the API prints it: `omitempty` drops zeros.
fn nonzero(n: i32) -> Option<i32> {
    (n != 0).then_some(n)
}

/// Upstream `calculateStatus`: counts summed over the ReplicaSets (updated = the new one's
/// pods), the current generation observed, and the Available condition: True
/// (`MinimumReplicasAvailable`) once available ≥ replicas − maxUnavailable.
///
/// Worked example: 10 replicas, maxUnavailable 25% (2): available 8 is enough, 7 is not.
pub fn calculate_status(
    all_rss: &[ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &Deployment,
    now: crate::sim::SimTime,
) -> DeploymentStatus {
    let available = available_replica_count(all_rss);
    let total = replica_count(all_rss);
    let unavailable = (total - available).max(0);
    let old = d.status.clone().unwrap_or_default();
    let mut status = DeploymentStatus {
        observed_generation: d.metadata.generation.filter(|g| *g != 0),
        replicas: nonzero(actual_replica_count(all_rss)),
        updated_replicas: nonzero(new_rs.map(rs_actual).unwrap_or(0)),
        ready_replicas: nonzero(ready_replica_count(all_rss)),
        available_replicas: nonzero(available),
        unavailable_replicas: nonzero(unavailable),
        collision_count: old.collision_count,
        conditions: old.conditions.clone().filter(|c| !c.is_empty()),
    };
    let condition = if available >= d_replicas(d) - max_unavailable(d) {
        new_condition(
            AVAILABLE,
            "True",
            MINIMUM_REPLICAS_AVAILABLE,
            "Deployment has minimum availability.",
            now,
        )
    } else {
        new_condition(
            AVAILABLE,
            "False",
            MINIMUM_REPLICAS_UNAVAILABLE,
            "Deployment does not have minimum availability.",
            now,
        )
    };
    set_condition(&mut status, condition);
    status
}

/// The stored status in the same normal form `calculate_status` produces (for the
/// "nothing changed" comparison).
pub fn normal_status(d: &Deployment) -> DeploymentStatus {
    let mut s = d.status.clone().unwrap_or_default();
    for field in [
        &mut s.replicas,
        &mut s.updated_replicas,
        &mut s.ready_replicas,
        &mut s.available_replicas,
        &mut s.unavailable_replicas,
    ] {
        *field = field.filter(|n| *n != 0);
    }
    s.observed_generation = s.observed_generation.filter(|g| *g != 0);
    s.conditions = s.conditions.filter(|c| !c.is_empty());
    s
}

/// Upstream `syncDeploymentStatus`: writes the calculated status when it differs.
pub fn sync_deployment_status(
    rc: &mut ReconcileCtx,
    all_rss: &[ReplicaSet],
    new_rs: Option<&ReplicaSet>,
    d: &mut Deployment,
) -> Result<(), ApiError> {
    let new_status = calculate_status(all_rss, new_rs, d, rc.now);
    if normal_status(d) == new_status {
        return Ok(());
    }
    d.status = Some(new_status);
    update_status(rc, d)
}
