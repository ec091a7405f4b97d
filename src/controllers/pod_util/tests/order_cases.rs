//! The deletion orderings against upstream v1.32 `controller_utils_test.go`:
//! `TestSortingActivePods` and `TestSortingActivePodsWithRanks` (LogarithmicScaleDown and
//! PodDeletionCost on, as v1.32 ships them).

use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

use super::{at, now, pod, HOUR_MS};
use crate::controllers::pod_util::order::{logarithmic_rank_diff, merge_sort};
use crate::controllers::pod_util::{active_pods_less, ranked_less, RankedPod};

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
fn logarithmic_buckets_are_powers_of_two_of_nanoseconds() {
    // 5 h and 8 h ago share bucket 44; 2 h ago is bucket 42; the future is bucket -1.
    let t = |ms_ago: i64| now().0 - ms_ago;
    assert_eq!(
        logarithmic_rank_diff(t(5 * HOUR_MS), t(8 * HOUR_MS), now()),
        0
    );
    assert_eq!(
        logarithmic_rank_diff(t(2 * HOUR_MS), t(5 * HOUR_MS), now()),
        -2
    );
    assert_eq!(logarithmic_rank_diff(t(-1), t(1), now()), -1 - 19);
}
