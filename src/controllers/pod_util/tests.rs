//! Unit tests for the pod predicates, restating upstream v1.32
//! `pkg/api/v1/pod/util_test.go` (`TestIsPodAvailable`) and `controller_utils_test.go`
//! (`TestActivePodFiltering`); the deletion orderings are tested in `order_cases`.

mod order_cases;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodCondition, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::*;
use crate::sim::SimTime;

pub(super) const HOUR_MS: i64 = 3_600_000;

pub(super) fn now() -> SimTime {
    SimTime::START.plus_secs(90 * 24 * 3600)
}

pub(super) fn at(ms_before_now: i64) -> Option<i64> {
    Some(now().0 - ms_before_now)
}

struct P<'a> {
    name: &'a str,
    node: &'a str,
    phase: &'a str,
    ready: bool,
    restarts: i32,
    ready_since: Option<i64>,
    created: Option<i64>,
    cost: Option<&'a str>,
}

impl P<'_> {
    fn build(&self) -> Pod {
        let t = |ms: Option<i64>| ms.map(|m| SimTime(m).to_k8s_time_precise());
        let conditions = self.ready.then(|| {
            vec![PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                last_transition_time: t(self.ready_since),
                ..Default::default()
            }]
        });
        Pod {
            metadata: ObjectMeta {
                name: Some(self.name.into()),
                uid: Some(String::new()),
                creation_timestamp: t(self.created),
                annotations: self
                    .cost
                    .map(|c| BTreeMap::from([(POD_DELETION_COST.to_string(), c.to_string())])),
                ..Default::default()
            },
            spec: Some(PodSpec {
                node_name: Some(self.node.into()).filter(|n: &String| !n.is_empty()),
                ..Default::default()
            }),
            status: Some(PodStatus {
                phase: Some(self.phase.into()),
                conditions,
                container_statuses: self.ready.then(|| {
                    vec![ContainerStatus {
                        restart_count: self.restarts,
                        ..Default::default()
                    }]
                }),
                ..Default::default()
            }),
        }
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn pod(
    name: &str,
    node: &str,
    phase: &str,
    ready: bool,
    restarts: i32,
    ready_since: Option<i64>,
    created: Option<i64>,
    cost: Option<&str>,
) -> Pod {
    P {
        name,
        node,
        phase,
        ready,
        restarts,
        ready_since,
        created,
        cost,
    }
    .build()
}

#[test]
fn availability_needs_strictly_more_than_min_ready_seconds() {
    // podutil.IsPodAvailable: minReadySeconds 0 means ready is available; otherwise the
    // Ready condition must be older than minReadySeconds, and a missing time never is.
    let since = now().0 - 10_000;
    let ready = pod("p", "n", "Running", true, 0, Some(since), None, None);
    assert!(is_available(&ready, 0, now()));
    assert!(is_available(&ready, 9, now()));
    assert!(!is_available(&ready, 10, now()));
    assert!(is_available(&ready, 10, now().plus_ms(1)));
    let no_time = pod("p", "n", "Running", true, 0, None, None, None);
    assert!(is_available(&no_time, 0, now()));
    assert!(!is_available(&no_time, 1, now()));
    let not_ready = pod("p", "n", "Running", false, 0, None, None, None);
    assert!(!is_available(&not_ready, 0, now()));
}

#[test]
fn active_means_not_finished_and_not_deleting() {
    // controller.IsPodActive, as TestActivePodFiltering states it.
    for (phase, active) in [
        ("Pending", true),
        ("Running", true),
        ("Unknown", true),
        ("Succeeded", false),
        ("Failed", false),
    ] {
        let p = pod("p", "", phase, false, 0, None, None, None);
        assert_eq!(is_active(&p), active, "{phase}");
    }
    let mut deleting = pod("p", "", "Running", false, 0, None, None, None);
    deleting.metadata.deletion_timestamp = Some(now().to_k8s_time());
    assert!(!is_active(&deleting));
}

#[test]
fn deletion_cost_parses_like_upstream() {
    // helper.GetDeletionCostFromPodAnnotations: canonical int32 only, else 0.
    for (value, cost) in [
        ("10", 10),
        ("-5", -5),
        ("0", 0),
        ("+10", 0),
        ("007", 0),
        ("", 0),
        ("abc", 0),
        ("2147483648", 0),
    ] {
        let p = pod("p", "", "Running", false, 0, None, None, Some(value));
        assert_eq!(deletion_cost(&p), cost, "{value:?}");
    }
}

#[test]
fn controller_ref_is_the_first_controlling_owner() {
    // metav1.GetControllerOf ignores owners without controller: true.
    let owner = |name: &str, controller: Option<bool>| OwnerReference {
        api_version: "apps/v1".into(),
        kind: "ReplicaSet".into(),
        name: name.into(),
        uid: name.into(),
        controller,
        block_owner_deletion: None,
    };
    let meta = ObjectMeta {
        owner_references: Some(vec![
            owner("a", None),
            owner("b", Some(false)),
            owner("c", Some(true)),
        ]),
        ..Default::default()
    };
    assert_eq!(controller_ref(&meta).map(|r| r.name.as_str()), Some("c"));
    assert!(controller_ref(&ObjectMeta::default()).is_none());
}
