//! Rolling-update arithmetic restated from v1.32 `update_test.go`
//! (`TestGetUnavailableNumbers`, `TestDaemonSetUpdatesPods`,
//! `TestDaemonSetUpdatesWhenNewPosIsNotReady`, `TestDaemonSetUpdatesAllOldPodsNotReady`,
//! `TestDaemonSetUpdatesPodsWithMaxSurge`) and `daemonset_util_test.go` (`TestIsPodUpdated`).

use super::*;
use k8s_openapi::api::apps::v1::{DaemonSetSpec, DaemonSetUpdateStrategy, RollingUpdateDaemonSet};
use k8s_openapi::api::core::v1::{PodCondition, PodStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use std::collections::BTreeMap;

fn ds(max_unavailable: IntOrString, max_surge: IntOrString) -> DaemonSet {
    DaemonSet {
        spec: Some(DaemonSetSpec {
            update_strategy: Some(DaemonSetUpdateStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: Some(RollingUpdateDaemonSet {
                    max_unavailable: Some(max_unavailable),
                    max_surge: Some(max_surge),
                }),
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn nodes(n: usize) -> Vec<Node> {
    (0..n)
        .map(|i| Node {
            metadata: ObjectMeta {
                name: Some(format!("node-{i}")),
                ..Default::default()
            },
            ..Default::default()
        })
        .collect()
}

/// A daemon pod with the given hash, ready (available at once) or not.
fn pod(name: &str, hash: &str, ready: bool) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(BTreeMap::from([(
                CONTROLLER_REVISION_HASH_LABEL.to_string(),
                hash.to_string(),
            )])),
            ..Default::default()
        },
        spec: None,
        status: Some(PodStatus {
            phase: Some("Running".into()),
            conditions: Some(vec![PodCondition {
                type_: "Ready".into(),
                status: if ready { "True" } else { "False" }.into(),
                last_transition_time: Some(SimTime::START.to_k8s_time()),
                ..Default::default()
            }]),
            ..Default::default()
        }),
    }
}

fn int(n: i32) -> IntOrString {
    IntOrString::Int(n)
}

fn pct(s: &str) -> IntOrString {
    IntOrString::String(s.into())
}

#[test]
fn scaled_values_round_up_and_reject_bad_strings() {
    assert_eq!(scaled_value_round_up(Some(&pct("25%")), 4), Ok(1));
    assert_eq!(scaled_value_round_up(Some(&pct("30%")), 4), Ok(2));
    assert_eq!(scaled_value_round_up(Some(&pct("50%")), 3), Ok(2));
    assert_eq!(scaled_value_round_up(Some(&int(3)), 100), Ok(3));
    assert!(scaled_value_round_up(Some(&pct("abc")), 4).is_err());
    assert!(scaled_value_round_up(None, 4).is_err());
}

#[test]
fn get_unavailable_numbers_cases() {
    // (name, ds, nodes, pods on nodes, maxSurge, maxUnavailable, desired, empty nodes)
    let with_pods = |n: usize, have: usize| {
        let mut m = NodePods::new();
        for i in 0..have.min(n) {
            m.insert(format!("node-{i}"), vec![pod(&format!("p{i}"), "h", true)]);
        }
        m
    };
    let cases = [
        ("No nodes", ds(int(0), int(0)), 0, 0, (0, 0, 0), 0),
        (
            "Two nodes with ready pods",
            ds(int(1), int(0)),
            2,
            2,
            (0, 1, 2),
            0,
        ),
        (
            "Two nodes, one node without pods",
            ds(int(0), int(0)),
            2,
            1,
            (0, 1, 2),
            1,
        ),
        (
            "Two nodes, one node without pods, surge",
            ds(int(0), int(1)),
            2,
            1,
            (1, 0, 2),
            1,
        ),
        (
            "MaxUnavailable in percents",
            ds(pct("50%"), int(0)),
            2,
            2,
            (0, 1, 2),
            0,
        ),
        (
            "MaxSurge in percents",
            ds(int(0), pct("50%")),
            2,
            2,
            (1, 0, 2),
            0,
        ),
        (
            "MaxSurge is 100%",
            ds(int(0), pct("100%")),
            2,
            2,
            (2, 0, 2),
            0,
        ),
        (
            "Three nodes, 50%",
            ds(pct("50%"), int(0)),
            3,
            2,
            (0, 2, 3),
            1,
        ),
    ];
    for (name, d, n, have, want, empty) in cases {
        let mut np = with_pods(n, have);
        let got = desired_node_counts(&d, &nodes(n), &mut np);
        assert_eq!(got, Ok(want), "{name}");
        let empties = np.values().filter(|v| v.is_empty()).count();
        assert_eq!(empties, empty, "{name}");
    }
}

fn all_old(n: usize, ready: bool) -> NodePods {
    (0..n)
        .map(|i| {
            (
                format!("node-{i}"),
                vec![pod(&format!("old-{i}"), "old", ready)],
            )
        })
        .collect()
}

#[test]
fn without_surge_one_old_pod_goes_at_a_time() {
    // TestDaemonSetUpdatesPods: 5 nodes, maxUnavailable 1 → one deletion per pass.
    let d = ds(int(1), int(0));
    let now = SimTime::START.plus_secs(10);
    let plan = plan_without_surge(&d, &all_old(5, true), "new", 1, now);
    assert_eq!(plan.delete, ["old-0"]);
    // The replacement exists but is not ready yet: it counts as unavailable, so nothing.
    let mut np = all_old(5, true);
    np.insert("node-0".into(), vec![pod("new-0", "new", false)]);
    assert_eq!(
        plan_without_surge(&d, &np, "new", 1, now).delete,
        Vec::<String>::new()
    );
    // Once it is ready, the next old pod goes.
    np.insert("node-0".into(), vec![pod("new-0", "new", true)]);
    assert_eq!(plan_without_surge(&d, &np, "new", 1, now).delete, ["old-1"]);
    // A node without any pod counts as unavailable too.
    np.insert("node-0".into(), vec![]);
    assert!(plan_without_surge(&d, &np, "new", 1, now).delete.is_empty());
}

#[test]
fn without_surge_max_unavailable_three_and_not_ready_pods() {
    // TestDaemonSetUpdatesWhenNewPosIsNotReady: maxUnavailable 3 → three at once.
    let d = ds(int(3), int(0));
    let now = SimTime::START.plus_secs(10);
    assert_eq!(
        plan_without_surge(&d, &all_old(5, true), "new", 3, now)
            .delete
            .len(),
        3
    );
    // TestDaemonSetUpdatesAllOldPodsNotReady: unavailable old pods all go at once.
    assert_eq!(
        plan_without_surge(&d, &all_old(5, false), "new", 3, now)
            .delete
            .len(),
        5
    );
}

#[test]
fn with_surge_new_pods_first_then_old_ones() {
    // TestDaemonSetUpdatesPodsWithMaxSurge: maxSurge 2 → two nodes get a new pod.
    let d = ds(int(0), int(2));
    let now = SimTime::START.plus_secs(10);
    let yes = |_: &str| true;
    let plan = plan_with_surge(&d, &all_old(5, true), "new", 2, 5, now, &yes);
    assert_eq!(plan.create, ["node-0", "node-1"]);
    assert!(plan.delete.is_empty());
    // With the two surge pods not yet available, nothing more happens.
    let mut np = all_old(5, true);
    for i in 0..2 {
        if let Some(v) = np.get_mut(&format!("node-{i}")) {
            v.push(pod(&format!("new-{i}"), "new", false));
        }
    }
    let plan = plan_with_surge(&d, &np, "new", 2, 5, now, &yes);
    assert_eq!(plan, UpdatePlan::default());
    // Once available, their old pods go; the surge budget is free again.
    for i in 0..2 {
        np.insert(
            format!("node-{i}"),
            vec![
                pod(&format!("old-{i}"), "old", true),
                pod(&format!("new-{i}"), "new", true),
            ],
        );
    }
    let plan = plan_with_surge(&d, &np, "new", 2, 5, now, &yes);
    assert_eq!(plan.delete, ["old-0", "old-1"]);
    assert_eq!(plan.create, ["node-2", "node-3"]);
    // TestDaemonSetUpdatesAllOldPodsNotReadyMaxSurge: unavailable old pods are all
    // replaced at once, beyond maxSurge.
    let plan = plan_with_surge(&d, &all_old(5, false), "new", 2, 5, now, &yes);
    assert_eq!(plan.create.len(), 5);
}

#[test]
fn pod_updated_by_hash_or_template_generation() {
    // TestIsPodUpdated.
    let mut p = pod("a", "h1", true);
    assert!(is_pod_updated(&p, "h1", None));
    assert!(!is_pod_updated(&p, "h2", Some(2)));
    p.metadata
        .labels
        .get_or_insert_with(Default::default)
        .insert(TEMPLATE_GENERATION_LABEL.into(), "2".into());
    assert!(is_pod_updated(&p, "h2", Some(2)));
    assert!(!is_pod_updated(&p, "", Some(3)));
}
