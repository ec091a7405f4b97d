//! Unit tests for the pod predicates and the deletion orderings, restating upstream v1.32
//! `controller_utils_test.go` (`TestSortingActivePods`, `TestSortingActivePodsWithRanks`)
//! and `pkg/api/v1/pod/util_test.go` (`TestIsPodAvailable`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ContainerStatus, Pod, PodCondition, PodSpec, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::order::merge_sort;
use super::*;
use crate::sim::SimTime;

const HOUR_MS: i64 = 3_600_000;

fn now() -> SimTime {
    SimTime::START.plus_secs(90 * 24 * 3600)
}

fn at(ms_before_now: i64) -> Option<i64> {
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
fn pod(
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
fn active_pods_sorts_as_upstream() {
    // TestSortingActivePods "Sorts by active pod": every shuffle sorts to the same order.
    let month = 30 * 24 * HOUR_MS;
    let restarts = |mut p: Pod, counts: &[i32]| {
        p.status.as_mut().unwrap().container_statuses = Some(
            counts
                .iter()
                .map(|&c| ContainerStatus {
                    restart_count: c,
                    ..Default::default()
                })
                .collect(),
        );
        p
    };
    let want = [
        pod("unscheduled", "", "Pending", false, 0, None, None, None),
        pod(
            "scheduledButPending",
            "bar",
            "Pending",
            false,
            0,
            None,
            None,
            None,
        ),
        pod("unknownPhase", "foo", "Unknown", false, 0, None, None, None),
        pod(
            "runningButNotReady",
            "foo",
            "Running",
            false,
            0,
            None,
            None,
            None,
        ),
        restarts(
            pod(
                "runningNoLastTransitionTime",
                "foo",
                "Running",
                true,
                0,
                None,
                None,
                None,
            ),
            &[3, 0],
        ),
        restarts(
            pod(
                "runningWithLastTransitionTime",
                "foo",
                "Running",
                true,
                0,
                at(0),
                None,
                None,
            ),
            &[3, 0],
        ),
        restarts(
            pod(
                "runningLongerTime",
                "foo",
                "Running",
                true,
                0,
                at(month),
                None,
                None,
            ),
            &[3, 0],
        ),
        restarts(
            pod(
                "lowerContainerRestartCount",
                "foo",
                "Running",
                true,
                0,
                at(month),
                at(0),
                None,
            ),
            &[2, 1],
        ),
        restarts(
            pod(
                "oldest",
                "foo",
                "Running",
                true,
                0,
                at(month),
                at(month),
                None,
            ),
            &[2, 1],
        ),
    ];
    let names: Vec<&str> = want
        .iter()
        .map(|p| p.metadata.name.as_deref().unwrap())
        .collect();
    // A fixed set of shuffles stands in for upstream's 20 random permutations.
    let mut rng = crate::sim::SimRng::new(7);
    for _ in 0..20 {
        let mut shuffled: Vec<&Pod> = want.iter().collect();
        for i in (1..shuffled.len()).rev() {
            let j = (rng.next_u64() % (i as u64 + 1)) as usize;
            shuffled.swap(i, j);
        }
        merge_sort(&mut shuffled, &|a, b| active_pods_less(a, b));
        let got: Vec<&str> = shuffled
            .iter()
            .map(|p| p.metadata.name.as_deref().unwrap())
            .collect();
        assert_eq!(got, names);
    }
}

fn r(pod: &Pod, rank: usize) -> RankedPod<'_> {
    RankedPod { pod, rank }
}

#[test]
fn ranked_equalities_and_inequalities_match_upstream() {
    // TestSortingActivePodsWithRanks with LogarithmicScaleDown and PodDeletionCost on.
    let month = 30 * 24 * HOUR_MS;
    let unscheduled = pod("unscheduled", "", "Pending", false, 0, None, None, None);
    let scheduled_pending = pod("pending", "node", "Pending", false, 0, None, None, None);
    let unknown = pod(
        "unknown-phase",
        "node",
        "Unknown",
        false,
        0,
        None,
        None,
        None,
    );
    let not_ready = pod("not-ready", "node", "Running", false, 0, None, None, None);
    let ready_no_ltt = pod("ready-no-ltt", "node", "Running", true, 0, None, None, None);
    let ready_now = pod("ready-now", "node", "Running", true, 0, at(0), at(0), None);
    let ready_then = pod(
        "ready-then",
        "node",
        "Running",
        true,
        0,
        at(month),
        at(month),
        None,
    );
    let high_restarts = pod(
        "ready-high-restarts",
        "node",
        "Running",
        true,
        9001,
        at(0),
        at(0),
        None,
    );
    let now_created_then = pod(
        "ready-now-created-then",
        "node",
        "Running",
        true,
        0,
        at(0),
        at(month),
        None,
    );
    let low_cost = pod(
        "low-cost",
        "node",
        "Running",
        true,
        0,
        at(0),
        at(month),
        Some("10"),
    );
    let high_cost = pod(
        "high-cost",
        "node",
        "Running",
        true,
        0,
        at(0),
        at(month),
        Some("100"),
    );
    let unscheduled_5h = pod(
        "u-5h",
        "",
        "Pending",
        false,
        0,
        at(5 * HOUR_MS),
        at(5 * HOUR_MS),
        None,
    );
    let unscheduled_8h = pod(
        "u-8h",
        "",
        "Pending",
        false,
        0,
        at(8 * HOUR_MS),
        at(8 * HOUR_MS),
        None,
    );
    let ready_2h = pod(
        "r-2h",
        "",
        "Running",
        true,
        0,
        at(2 * HOUR_MS),
        at(month),
        None,
    );
    let ready_5h = pod(
        "r-5h",
        "",
        "Running",
        true,
        0,
        at(5 * HOUR_MS),
        at(month),
        None,
    );
    let ready_8h = pod(
        "r-8h",
        "",
        "Running",
        true,
        0,
        at(8 * HOUR_MS),
        at(month),
        None,
    );

    let equal = [
        (&unscheduled, &unscheduled),
        (&scheduled_pending, &scheduled_pending),
        (&unknown, &unknown),
        (&not_ready, &not_ready),
        (&now_created_then, &now_created_then),
        (&ready_now, &ready_now),
        (&ready_then, &ready_then),
        (&high_restarts, &high_restarts),
        (&unscheduled_5h, &unscheduled_8h),
        (&ready_5h, &ready_8h),
    ];
    for (a, b) in equal {
        assert!(
            !ranked_less(r(a, 1), r(b, 1), now()),
            "{:?}",
            a.metadata.name
        );
        assert!(
            !ranked_less(r(b, 1), r(a, 1), now()),
            "{:?}",
            a.metadata.name
        );
    }

    let less = [
        ((&unscheduled, 1), (&scheduled_pending, 2)),
        ((&unscheduled, 2), (&scheduled_pending, 1)),
        ((&scheduled_pending, 1), (&unknown, 2)),
        ((&unknown, 1), (&not_ready, 2)),
        ((&not_ready, 1), (&ready_no_ltt, 1)),
        ((&ready_no_ltt, 1), (&ready_now, 1)),
        ((&ready_now, 2), (&ready_no_ltt, 1)),
        ((&ready_now, 1), (&ready_then, 1)),
        ((&ready_now, 2), (&ready_then, 1)),
        ((&high_restarts, 1), (&ready_now, 1)),
        ((&ready_now, 2), (&high_restarts, 1)),
        ((&ready_now, 1), (&now_created_then, 1)),
        ((&now_created_then, 2), (&ready_now, 1)),
        ((&low_cost, 2), (&high_cost, 1)),
        ((&ready_2h, 1), (&ready_5h, 1)),
    ];
    for ((a, ra), (b, rb)) in less {
        let name = a.metadata.name.clone();
        assert!(
            ranked_less(r(a, ra), r(b, rb), now()),
            "{name:?} < {:?}",
            b.metadata.name
        );
        assert!(
            !ranked_less(r(b, rb), r(a, ra), now()),
            "not {:?} < {name:?}",
            b.metadata.name
        );
    }
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
