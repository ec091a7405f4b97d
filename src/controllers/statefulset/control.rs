//! The StatefulSet update algorithm (upstream `stateful_set_control.go`, v1.32, with
//! `MaxUnavailableStatefulSet` off as by default): `updateStatefulSet` with
//! `processReplica`, `processCondemned` and the rolling update, and the status it computes.
//!
//! Pods are split into *replicas* (ordinals `start..=end`, missing ones filled with new
//! pods at the right revision) and *condemned* ones (higher ordinals, highest first).
//! With `OrderedReady` ("monotonic") each replica, in ordinal order, must be created,
//! Running, Ready and available before the next is looked at, and one condemned pod is
//! deleted at a time once every replica is healthy; with `Parallel` all of it happens at
//! once. Then a rolling update deletes the highest-ordinal pod not at the update revision
//! (down to the partition), waiting for each replacement to be healthy.

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetStatus};
use k8s_openapi::api::core::v1::Pod;

use super::podcontrol;
use super::utils::{
    self, is_created, is_healthy, is_running_and_available, is_running_and_ready, is_terminating,
};
use crate::apiserver::ApiError;
use crate::controllers::history::pods;
use crate::controllers::ReconcileCtx;
use crate::sim::SimTime;

/// `MaxBatchSize` of upstream's `slowStartBatch`.
const MAX_BATCH: usize = 500;

/// The revisions a sync works with: names, and the set as of each (`ApplyRevision`).
pub struct Revisions {
    /// The set with the current revision's template.
    pub current_set: StatefulSet,
    /// The set with the update revision's template.
    pub update_set: StatefulSet,
    /// The current revision's name.
    pub current: String,
    /// The update revision's name.
    pub update: String,
    /// The collision count to record.
    pub collision_count: i32,
}

/// `computeReplicaStatus` summed over lists (`updateStatus`).
pub fn replica_status(
    status: &mut StatefulSetStatus,
    min_ready: i32,
    revs: &Revisions,
    now: SimTime,
    lists: &[&[Pod]],
) {
    let (mut replicas, mut ready, mut available, mut current, mut updated) = (0, 0, 0, 0, 0);
    for pod in lists.iter().flat_map(|l| l.iter()) {
        if is_created(pod) {
            replicas += 1;
        }
        if is_running_and_ready(pod) {
            ready += 1;
            if is_running_and_available(pod, min_ready, now) {
                available += 1;
            }
        }
        if is_created(pod) && !is_terminating(pod) {
            let r = utils::pod_revision(pod);
            if r == revs.current {
                current += 1;
            }
            if r == revs.update {
                updated += 1;
            }
        }
    }
    status.replicas = replicas;
    status.ready_replicas = Some(ready);
    status.available_replicas = Some(available);
    status.current_replicas = Some(current);
    status.updated_replicas = Some(updated);
}

/// The replicas of a pass by index (ordinal − start): the existing pods, and the new
/// ones built as the pass reaches their index (upstream fills every index up front;
/// building them lazily keeps a huge `replicas` cheap).
#[derive(Default)]
pub struct Replicas {
    map: std::collections::BTreeMap<usize, Pod>,
}

/// What a pass over one pod says: go on, or stop this sync here.
type Step = Result<bool, ApiError>;

/// `runForAll`: in order, stopping at the first pod that blocks (monotonic); or in
/// slow-start batches of 1, 2, 4, ... stopping after a batch with an error (parallel).
fn run_for_all(n: usize, monotonic: bool, mut f: impl FnMut(usize) -> Step) -> Step {
    if monotonic {
        for i in 0..n {
            if f(i)? {
                return Ok(true);
            }
        }
        return Ok(false);
    }
    let (mut pos, mut batch) = (0, n.min(1));
    while batch > 0 {
        let mut first_err = None;
        for i in pos..pos + batch {
            if let Err(e) = f(i) {
                first_err.get_or_insert(e);
            }
        }
        if let Some(e) = first_err {
            return Err(e);
        }
        pos += batch;
        batch = (2 * batch).min(n - pos).min(MAX_BATCH);
    }
    Ok(false)
}

/// `processReplica`.
fn process_replica(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    revs: &Revisions,
    monotonic: bool,
    replicas: &mut Replicas,
    i: usize,
) -> Step {
    let map = &mut replicas.map;
    let min_ready = utils::spec(set).min_ready_seconds.unwrap_or(0);
    let set_name = set.metadata.name.clone().unwrap_or_default();
    let ns = set.metadata.namespace.clone().unwrap_or_default();
    let start = utils::start_ordinal(set);
    let new_pod = |ord: i64| {
        utils::new_versioned_pod(
            &revs.current_set,
            &revs.update_set,
            &revs.current,
            &revs.update,
            ord,
        )
    };
    let pod = map.entry(i).or_insert_with(|| new_pod(start + i as i64));
    let phase = pods::phase(pod).to_string();
    if phase == "Failed" || phase == "Succeeded" {
        let pod_name = pod.metadata.name.clone().unwrap_or_default();
        let (event_type, reason, what) = if phase == "Failed" {
            (
                crate::client::events::EventType::Warning,
                "RecreatingFailedPod",
                "failed",
            )
        } else {
            (
                crate::client::events::EventType::Normal,
                "RecreatingTerminatedPod",
                "terminated",
            )
        };
        let msg = format!("StatefulSet {ns}/{set_name} is recreating {what} Pod {pod_name}");
        let obj = crate::model::Object::StatefulSet(set.clone());
        pods::record(rc, &obj, event_type, reason, &msg, podcontrol::NAME);
        podcontrol::delete_pod(rc, set, pod)?;
        *pod = new_pod(start + i as i64);
    }
    if !is_created(&*pod) {
        if podcontrol::pod_claim_is_stale(rc, set, &*pod) {
            return Ok(true);
        }
        podcontrol::create_pod(rc, set, &*pod)?;
        if monotonic {
            return Ok(true);
        }
    }
    if pods::phase(&*pod) == "Pending" {
        podcontrol::create_claims(rc, set, &*pod)?;
        podcontrol::update_claims_for_retention(rc, set, &*pod)?;
    }
    if is_terminating(&*pod) && monotonic {
        return Ok(true);
    }
    if !is_running_and_ready(&*pod) && monotonic {
        return Ok(true);
    }
    if !is_running_and_available(&*pod, min_ready, rc.now) && monotonic {
        return Ok(true);
    }
    let retention_ok = podcontrol::claims_match_retention(rc, &revs.update_set, &*pod);
    if utils::identity_matches(set, &*pod) && utils::storage_matches(set, &*pod) && retention_ok {
        return Ok(false);
    }
    podcontrol::update_pod(rc, &revs.update_set, &*pod)?;
    Ok(false)
}

/// `processCondemned`.
fn process_condemned(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    first_unhealthy: Option<&str>,
    monotonic: bool,
    pod: &Pod,
) -> Step {
    let min_ready = utils::spec(set).min_ready_seconds.unwrap_or(0);
    if is_terminating(pod) {
        return Ok(monotonic);
    }
    let is_first_unhealthy =
        first_unhealthy.is_some() && pod.metadata.name.as_deref() == first_unhealthy;
    let unhealthy = !is_running_and_ready(pod) || !is_running_and_available(pod, min_ready, rc.now);
    if monotonic && !is_first_unhealthy && unhealthy {
        return Ok(true);
    }
    podcontrol::delete_pod(rc, set, pod)?;
    Ok(true)
}

/// `updateStatefulSet`: one pass; returns the status to record and the pass's error.
pub fn update_pods(
    rc: &mut ReconcileCtx,
    set: &StatefulSet,
    revs: &Revisions,
    pods_in: &[Pod],
) -> (StatefulSetStatus, Result<(), ApiError>) {
    let spec = utils::spec(set);
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    let mut status = StatefulSetStatus {
        observed_generation: set.metadata.generation,
        current_revision: Some(revs.current.clone()),
        update_revision: Some(revs.update.clone()),
        collision_count: Some(revs.collision_count),
        ..Default::default()
    };
    replica_status(&mut status, min_ready, revs, rc.now, &[pods_in]);

    let start = utils::start_ordinal(set);
    let count = usize::try_from(spec.replicas.unwrap_or(1)).unwrap_or(0);
    let mut replicas = Replicas::default();
    let mut condemned: Vec<Pod> = Vec::new();
    for pod in pods_in {
        if utils::in_ordinal_range(pod, set) {
            let idx = (utils::ordinal(pod) - start) as usize;
            replicas.map.insert(idx, pod.clone());
        } else if utils::ordinal(pod) >= 0 {
            condemned.push(pod.clone());
        }
    }
    condemned.sort_by_key(|p| std::cmp::Reverse(utils::ordinal(p)));
    // The first unhealthy pod: a missing replica counts (its new pod is not healthy).
    let first_unhealthy: Option<String> = (0..count)
        .find_map(|i| match replicas.map.get(&i) {
            Some(p) if is_healthy(p) => None,
            Some(p) => Some(p.metadata.name.clone().unwrap_or_default()),
            None => Some(utils::pod_name(set, start + i as i64)),
        })
        .or_else(|| {
            condemned
                .iter()
                .rev()
                .find(|p| !is_healthy(p))
                .and_then(|p| p.metadata.name.clone())
        });

    if set.metadata.deletion_timestamp.is_some() {
        return (status, Ok(()));
    }
    let monotonic = spec.pod_management_policy.as_deref() != Some("Parallel");
    let finish = |rc: &ReconcileCtx, status: &mut StatefulSetStatus, r: &Replicas, c: &[Pod]| {
        let materialized: Vec<Pod> = r.map.values().cloned().collect();
        replica_status(status, min_ready, revs, rc.now, &[&materialized, c]);
    };

    // In parallel, one pass handles at most the existing pods plus MAX_BATCH more (the
    // rest follow in the passes their creations trigger, at the same instant), so that a
    // huge `replicas` cannot stall the engine in one reconcile.
    let n = if monotonic {
        count
    } else {
        count.min(pods_in.len().saturating_add(MAX_BATCH))
    };
    let step = run_for_all(n, monotonic, |i| {
        process_replica(rc, set, revs, monotonic, &mut replicas, i)
    });
    if !matches!(step, Ok(false)) || n < count {
        finish(rc, &mut status, &replicas, &condemned);
        return (status, step.map(|_| ()));
    }
    let step = run_for_all(condemned.len(), monotonic, |i| {
        if podcontrol::claims_match_retention(rc, &revs.update_set, &condemned[i]) {
            return Ok(false);
        }
        podcontrol::update_claims_for_retention(rc, &revs.update_set, &condemned[i]).map(|_| false)
    });
    if !matches!(step, Ok(false)) {
        finish(rc, &mut status, &replicas, &condemned);
        return (status, step.map(|_| ()));
    }
    let step = run_for_all(condemned.len(), monotonic, |i| {
        process_condemned(
            rc,
            set,
            first_unhealthy.as_deref(),
            monotonic,
            &condemned[i],
        )
    });
    if !matches!(step, Ok(false)) {
        finish(rc, &mut status, &replicas, &condemned);
        return (status, step.map(|_| ()));
    }
    finish(rc, &mut status, &replicas, &condemned);

    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref() == Some("OnDelete") {
        return (status, Ok(()));
    }
    let partition = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| r.partition)
        .unwrap_or(0)
        .max(0) as usize;
    for target in (partition..count).rev() {
        let pod = replicas.map.entry(target).or_insert_with(|| {
            utils::new_versioned_pod(
                &revs.current_set,
                &revs.update_set,
                &revs.current,
                &revs.update,
                start + target as i64,
            )
        });
        if utils::pod_revision(pod) != revs.update && !is_terminating(pod) {
            let result = match podcontrol::delete_pod(rc, set, pod) {
                Err(ApiError::NotFound { .. }) => Ok(()),
                r => r,
            };
            status.current_replicas = Some(status.current_replicas.unwrap_or(0) - 1);
            return (status, result);
        }
        if !is_healthy(pod) {
            return (status, Ok(()));
        }
    }
    (status, Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_for_all_stops_at_the_first_blocked_pod_when_monotonic() {
        let mut seen = Vec::new();
        let r = run_for_all(5, true, |i| {
            seen.push(i);
            Ok(i == 2)
        });
        assert_eq!((r, seen), (Ok(true), vec![0, 1, 2]));
    }

    #[test]
    fn run_for_all_goes_through_everything_in_slow_start_batches_when_parallel() {
        let mut seen = Vec::new();
        let r = run_for_all(5, false, |i| {
            seen.push(i);
            Ok(true)
        });
        assert_eq!((r, seen), (Ok(false), vec![0, 1, 2, 3, 4]));
        // An error ends the batch it happens in: batches are [0], [1, 2], [3, 4].
        let mut seen = Vec::new();
        let r = run_for_all(5, false, |i| {
            seen.push(i);
            if i == 1 {
                Err(ApiError::Internal {
                    message: "x".into(),
                })
            } else {
                Ok(false)
            }
        });
        assert!(r.is_err());
        assert_eq!(seen, vec![0, 1, 2]);
    }
}
