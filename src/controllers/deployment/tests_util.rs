//! Unit tests of the replica and progress arithmetic of `deployment_util.go`, restating
//! upstream's `deployment_util_test.go` (v1.32) `TestResolveFenceposts`,
//! `TestMaxUnavailable`, `TestNewRSNewReplicas`, `TestDeploymentComplete`,
//! `TestDeploymentProgressing` and `TestDeploymentTimedOut`.

use k8s_openapi::api::apps::v1::{DeploymentCondition, DeploymentStatus, ReplicaSet};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::conditions::{
    deployment_complete, deployment_progressing, deployment_timed_out, NEW_RS_AVAILABLE_REASON,
};
use super::replicas::{max_unavailable, new_rs_new_replicas, resolve_fenceposts};
use super::tests::new_deployment;
use super::util::set_rs_replicas;
use crate::sim::SimTime;

fn s(v: &str) -> IntOrString {
    IntOrString::String(v.into())
}

#[test]
fn resolve_fenceposts_table() {
    // TestResolveFenceposts: (maxSurge, maxUnavailable, desired) → (surge, unavailable) or
    // an error for a string that is not a percentage.
    type Case<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        i32,
        Result<(i32, i32), ()>,
    );
    let cases: [Case; 7] = [
        (Some("0%"), Some("0%"), 0, Ok((0, 1))),
        (Some("39%"), Some("39%"), 10, Ok((4, 3))),
        (Some("oops"), Some("39%"), 10, Err(())),
        (Some("55%"), Some("urg"), 10, Err(())),
        (None, Some("39%"), 10, Ok((0, 3))),
        (Some("39%"), None, 10, Ok((4, 0))),
        (None, None, 10, Ok((0, 1))),
    ];
    for (surge, unavailable, desired, expected) in cases {
        let got = resolve_fenceposts(surge.map(s).as_ref(), unavailable.map(s).as_ref(), desired);
        assert_eq!(
            got.map_err(|_| ()),
            expected,
            "{surge:?} {unavailable:?} {desired}"
        );
    }
    // The talk's case and the defaults: 10 replicas at 25%/25% → surge 3 (up), 2 (down).
    assert_eq!(
        resolve_fenceposts(Some(&s("25%")), Some(&s("25%")), 10),
        Ok((3, 2))
    );
    assert_eq!(
        resolve_fenceposts(Some(&s("25%")), Some(&s("25%")), 3),
        Ok((1, 0))
    );
}

#[test]
fn max_unavailable_table() {
    // TestMaxUnavailable (maxSurge 0).
    let cases = [
        (10, IntOrString::Int(5), 5),
        (10, IntOrString::Int(10), 10),
        (5, IntOrString::Int(10), 5),
        (0, IntOrString::Int(10), 0),
        (10, s("50%"), 5),
        (10, s("100%"), 10),
        (5, s("100%"), 5),
    ];
    for (replicas, unavailable, expected) in cases {
        let d = new_deployment(
            replicas,
            None,
            Some(IntOrString::Int(0)),
            Some(unavailable.clone()),
        );
        assert_eq!(max_unavailable(&d), expected, "{replicas} {unavailable:?}");
    }
    // "maxUnavailable with Recreate deployment strategy".
    let mut d = new_deployment(10, None, None, None);
    d.spec.as_mut().unwrap().strategy.as_mut().unwrap().type_ = Some("Recreate".into());
    assert_eq!(max_unavailable(&d), 0);
}

pub(super) fn rs_of_size(name: &str, replicas: i32) -> ReplicaSet {
    let mut rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name.into()),
            uid: Some(format!("{name}-uid")),
            ..Default::default()
        },
        ..Default::default()
    };
    set_rs_replicas(&mut rs, replicas);
    rs
}

#[test]
fn new_rs_new_replicas_table() {
    // TestNewRSNewReplicas: (strategy, replicas, new RS size, maxSurge) → new size, with
    // one other ReplicaSet of 5 in the list.
    let cases = [
        ("RollingUpdate", 1, 5, 1, 5),  // can not scale up - to newRSReplicas
        ("RollingUpdate", 6, 2, 10, 6), // scale up - to depReplicas
        ("Recreate", 3, 1, 1, 3),       // recreate - to depReplicas
    ];
    for (strategy, replicas, new_size, surge, expected) in cases {
        let mut d = new_deployment(
            replicas,
            None,
            Some(IntOrString::Int(surge)),
            Some(IntOrString::Int(1)),
        );
        d.spec.as_mut().unwrap().strategy.as_mut().unwrap().type_ = Some(strategy.into());
        let got = new_rs_new_replicas(&d, &[rs_of_size("rs5", 5)], &rs_of_size("new", new_size));
        assert_eq!(
            got,
            Ok(expected),
            "{strategy} {replicas} {new_size} {surge}"
        );
    }
}

fn status(replicas: i32, updated: i32, ready: i32, available: i32) -> DeploymentStatus {
    DeploymentStatus {
        replicas: Some(replicas),
        updated_replicas: Some(updated),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        ..Default::default()
    }
}

#[test]
fn deployment_complete_table() {
    // TestDeploymentComplete: (desired, current, updated, available, maxUnavailable,
    // maxSurge) → complete.
    let cases = [
        (5, 5, 5, 4, 1, 0, false), // min but not all pods become available
        (5, 5, 5, 3, 1, 0, false), // min availability is not honored
        (5, 5, 5, 5, 0, 0, true),
        (5, 5, 4, 5, 0, 0, false), // all pods are available but not updated
        (1, 2, 1, 1, 0, 1, false), // still running old pods
        (1, 1, 1, 0, 1, 1, false), // one replica deployment never comes up
    ];
    for (desired, current, updated, available, unavailable, surge, expected) in cases {
        let mut d = new_deployment(
            desired,
            None,
            Some(IntOrString::Int(surge)),
            Some(IntOrString::Int(unavailable)),
        );
        d.metadata.generation = None;
        let st = status(current, updated, 0, available);
        d.status = Some(st.clone());
        assert_eq!(
            deployment_complete(&d, &st),
            expected,
            "{desired} {current} {updated} {available}"
        );
    }
}

#[test]
fn deployment_progressing_table() {
    // TestDeploymentProgressing: stored (current, updated, ready, available) → new → progress?
    let cases = [
        ((10, 4, 4, 4), (10, 6, 4, 4), true),      // updated pods
        ((10, 4, 4, 4), (10, 4, 4, 4), false),     // not progressing
        ((10, 4, 6, 6), (8, 4, 6, 6), true),       // old pods removed
        ((10, 7, 3, 3), (10, 6, 3, 3), false),     // less new pods
        ((10, 4, 7, 7), (8, 8, 5, 5), true),       // less overall but more new pods
        ((10, 10, 9, 8), (10, 10, 10, 8), true),   // more ready pods
        ((10, 10, 10, 9), (10, 10, 10, 10), true), // more available pods
    ];
    for (old, new, expected) in cases {
        let mut d = new_deployment(10, None, None, None);
        d.status = Some(status(old.0, old.1, old.2, old.3));
        let got = deployment_progressing(&d, &status(new.0, new.1, new.2, new.3));
        assert_eq!(got, expected, "{old:?} -> {new:?}");
    }
}

#[test]
fn deployment_timed_out_table() {
    // TestDeploymentTimedOut: the Progressing condition last updated at 00:01:09 or
    // 00:01:11, now 00:01:20, with deadlines nil, infinite and 10 s.
    let at = |min: i64, sec: i64| SimTime::START.plus_ms((min * 60 + sec) * 1000);
    let with = |pds: Option<i32>, reason: &str, from: SimTime| {
        let mut d = new_deployment(1, None, None, None);
        d.spec.as_mut().unwrap().progress_deadline_seconds = pds;
        let st = DeploymentStatus {
            conditions: Some(vec![DeploymentCondition {
                type_: "Progressing".into(),
                status: "True".into(),
                reason: Some(reason.into()),
                last_update_time: Some(from.to_k8s_time()),
                ..Default::default()
            }]),
            ..Default::default()
        };
        (d, st)
    };
    let cases = [
        (with(None, "", at(1, 9)), false),
        (with(Some(i32::MAX), "", at(1, 9)), false),
        (with(Some(10), "", at(1, 9)), true),   // 11 s since
        (with(Some(10), "", at(1, 11)), false), // 9 s since
        (with(Some(10), NEW_RS_AVAILABLE_REASON, at(0, 0)), false), // previous rollout complete
    ];
    for (i, ((d, st), expected)) in cases.into_iter().enumerate() {
        assert_eq!(
            deployment_timed_out(&d, &st, at(1, 20)),
            expected,
            "case {i}"
        );
    }
}
