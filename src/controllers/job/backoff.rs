//! The delay before a Job re-creates pods after failures (`backoff_utils.go`): 10 s after
//! the first failure since the last success, doubling with each further failure, capped at
//! 10 minutes (v1.32's `DefaultJobPodFailureBackOff` and `MaxJobPodFailureBackOff`),
//! counted from the moment the last failed pod finished.
//!
//! Upstream keeps a per-Job record in memory, updated from pods as it counts them. Here
//! the record is recomputed from the Job's pods on every sync (controllers keep no state):
//! the failures are the failed pods that finished after the latest successful one. The two
//! agree while the pods exist; a failed pod that has been deleted is forgotten here.

use k8s_openapi::api::core::v1::Pod;

use super::pods::finished_time;
use crate::sim::SimTime;

/// `DefaultJobPodFailureBackOff`: the delay after the first failure.
pub const DEFAULT_POD_FAILURE_BACKOFF_MS: i64 = 10_000;
/// `MaxJobPodFailureBackOff`: the cap.
pub const MAX_POD_FAILURE_BACKOFF_MS: i64 = 600_000;

/// `backoffRecord`: failures since the last success, and when the latest one finished.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BackoffRecord {
    /// Failed pods that finished after the latest successful pod.
    pub failures_after_last_success: i32,
    /// When the latest of them finished.
    pub last_failure_time: Option<SimTime>,
}

impl BackoffRecord {
    /// The record from the Job's finished pods: `succeeded` and `failed` as the controller
    /// classifies them (a pod being deleted before it succeeded counts as failed).
    pub fn from_pods<'a>(
        succeeded: impl IntoIterator<Item = &'a Pod>,
        failed: impl IntoIterator<Item = &'a Pod>,
    ) -> BackoffRecord {
        let last_success = succeeded.into_iter().map(finished_time).max();
        let mut record = BackoffRecord::default();
        for t in failed.into_iter().map(finished_time) {
            if last_success.is_some_and(|s| t <= s) {
                continue;
            }
            record.failures_after_last_success += 1;
            record.last_failure_time = Some(record.last_failure_time.map_or(t, |l| l.max(t)));
        }
        record
    }

    /// `getRemainingTime`: milliseconds left before pods may be created again (0 = now).
    pub fn remaining_ms(&self, now: SimTime) -> i64 {
        match self.last_failure_time {
            Some(last) => remaining_for_failures(
                now,
                DEFAULT_POD_FAILURE_BACKOFF_MS,
                MAX_POD_FAILURE_BACKOFF_MS,
                self.failures_after_last_success,
                last,
            ),
            None => 0,
        }
    }
}

/// `getRemainingTimeForFailuresCount`: the back-off for `failures` (the default doubled
/// `failures - 1` times, capped) minus the time since the last failure, never negative.
///
/// Worked example with 10 s doubling capped at 10 min: 1 failure → 10 s, 2 → 20 s,
/// 3 → 40 s, 6 → 320 s, 7 → 640 s capped to 600 s. With 3 failures and the last one 15 s
/// ago, 25 s remain.
pub fn remaining_for_failures(
    now: SimTime,
    default_ms: i64,
    max_ms: i64,
    failures: i32,
    last_failure: SimTime,
) -> i64 {
    if failures == 0 {
        return 0;
    }
    let mut backoff = default_ms;
    for _ in 1..failures {
        backoff = backoff.saturating_mul(2);
        if backoff >= max_ms {
            backoff = max_ms;
            break;
        }
    }
    let elapsed = now.since(last_failure);
    if backoff < elapsed {
        0
    } else {
        backoff - elapsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{
        ContainerState, ContainerStateTerminated, ContainerStatus, PodStatus,
    };

    const T0: SimTime = SimTime::START;

    fn finished(phase: &str, at: SimTime) -> Pod {
        Pod {
            status: Some(PodStatus {
                phase: Some(phase.into()),
                container_statuses: Some(vec![ContainerStatus {
                    state: Some(ContainerState {
                        terminated: Some(ContainerStateTerminated {
                            finished_at: Some(at.to_k8s_time()),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn remaining_time_doubles_and_caps() {
        // Upstream TestGetRemainingBackoffTime: default 5 s, max 700 s.
        let cases = [
            // (failures, seconds since the last failure, want seconds)
            (0, 0, 0),
            (1, 0, 5),
            (1, 1, 4),
            (1, 5, 0),
            (1, 6, 0),
            (3, 0, 20),
            (8, 0, 640),
            (9, 0, 700),
        ];
        for (failures, ago, want) in cases {
            let now = T0.plus_secs(ago);
            assert_eq!(
                remaining_for_failures(now, 5_000, 700_000, failures, T0),
                want * 1000,
                "{failures} failures, {ago}s ago"
            );
        }
        // v1.32's own constants: 10 s doubling, 10 min cap.
        let r = BackoffRecord {
            failures_after_last_success: 7,
            last_failure_time: Some(T0),
        };
        assert_eq!(r.remaining_ms(T0), 600_000);
        let r = BackoffRecord {
            failures_after_last_success: 3,
            last_failure_time: Some(T0),
        };
        assert_eq!(r.remaining_ms(T0.plus_secs(15)), 25_000);
    }

    #[test]
    fn record_counts_failures_after_the_last_success() {
        // Upstream TestNewBackoffRecord (the cases without an earlier record).
        let at = |secs: i64| T0.plus_secs(secs);
        let failed = |ms: &[i64]| {
            ms.iter()
                .map(|m| finished("Failed", at(*m)))
                .collect::<Vec<_>>()
        };
        let ok = |ms: &[i64]| {
            ms.iter()
                .map(|m| finished("Succeeded", at(*m)))
                .collect::<Vec<_>>()
        };
        // (name, succeeded pods, failed pods, failures, last failure time)
        type Case = (&'static str, Vec<Pod>, Vec<Pod>, i32, Option<SimTime>);
        let cases: [Case; 7] = [
            ("one new failure", vec![], failed(&[0]), 1, Some(at(0))),
            ("two new failures", vec![], failed(&[0, -1]), 2, Some(at(0))),
            (
                "two failures followed by success",
                ok(&[0]),
                failed(&[-2, -1]),
                0,
                None,
            ),
            (
                "two failures, one success and two more failures",
                ok(&[-2]),
                failed(&[0, -4, -3, -1]),
                2,
                Some(at(0)),
            ),
            (
                "success and failure at same timestamp",
                ok(&[0]),
                failed(&[0]),
                0,
                None,
            ),
            ("no success/failure", vec![], vec![], 0, None),
            ("one success", ok(&[0]), vec![], 0, None),
        ];
        for (name, succeeded, failed, want, last) in cases {
            let r = BackoffRecord::from_pods(&succeeded, &failed);
            assert_eq!(r.failures_after_last_success, want, "{name}");
            assert_eq!(r.last_failure_time, last, "{name}");
        }
    }

    #[test]
    fn finished_time_falls_back_in_upstream_order() {
        // Upstream TestGetFinishedTime: all containers terminated → the latest; a running
        // container → the deletion time minus the grace period; then the creation time.
        let mut p = finished("Failed", T0);
        assert_eq!(finished_time(&p), T0);
        if let Some(s) = p.status.as_mut() {
            if let Some(cs) = s.container_statuses.as_mut() {
                cs.push(ContainerStatus::default());
            }
        }
        p.metadata.deletion_timestamp = Some(T0.plus_secs(60).to_k8s_time());
        p.metadata.deletion_grace_period_seconds = Some(30);
        assert_eq!(finished_time(&p), T0.plus_secs(30));
        p.metadata.deletion_timestamp = None;
        p.metadata.creation_timestamp = Some(T0.plus_secs(7).to_k8s_time());
        assert_eq!(finished_time(&p), T0.plus_secs(7));
    }
}
