//! Unit tests restating upstream v1.32 `replica_set_test.go` and
//! `replica_set_utils_test.go`: slow-start batches, the 500-per-sync burst, which pods go
//! first on scale-down, and the status arithmetic with its ReplicaFailure condition.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::{
    ReplicaSet, ReplicaSetCondition, ReplicaSetSpec, ReplicaSetStatus,
};
use k8s_openapi::api::core::v1::{Pod, PodCondition, PodSpec, PodStatus, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::status::{remove_condition, set_condition};
use super::*;
use crate::apiserver::ApiError;
use crate::model::Object;
use crate::sim::SimTime;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Upstream's `newReplicaSet`: template labels name=foo,type=production.
fn new_rs(replicas: i32, selector: &[(&str, &str)]) -> ReplicaSet {
    ReplicaSet {
        metadata: ObjectMeta {
            name: Some("foobar".into()),
            namespace: Some("default".into()),
            uid: Some("rs-uid".into()),
            ..Default::default()
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(replicas),
            selector: LabelSelector {
                match_labels: Some(labels(selector)),
                match_expressions: None,
            },
            template: Some(PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels(&[("name", "foo"), ("type", "production")])),
                    ..Default::default()
                }),
                spec: Some(PodSpec::default()),
            }),
            min_ready_seconds: None,
        }),
        status: None,
    }
}

/// Upstream's `newPod`: Running pods get a Ready condition (no transition time).
fn new_pod(name: &str, rs: &ReplicaSet, phase: &str) -> Pod {
    let conditions = (phase == "Running").then(|| {
        vec![PodCondition {
            type_: "Ready".into(),
            status: "True".into(),
            ..Default::default()
        }]
    });
    Pod {
        metadata: ObjectMeta {
            name: Some(name.into()),
            uid: Some(format!("uid-{name}")),
            labels: rs.spec.as_ref().unwrap().selector.match_labels.clone(),
            ..Default::default()
        },
        spec: Some(PodSpec::default()),
        status: Some(PodStatus {
            phase: Some(phase.into()),
            conditions,
            ..Default::default()
        }),
    }
}

#[test]
fn slow_start_batch_stops_after_a_failing_batch() {
    // TestSlowStartBatch: (count, callLimit) → (successes, error?, calls).
    for (count, limit, successes, failed, calls) in [
        (10, 0, 0, true, 1),
        (10, 10, 10, false, 10),
        (10, 5, 5, true, 7),
    ] {
        let mut made = 0;
        let (ok, err) = slow_start_batch(count, SLOW_START_INITIAL_BATCH_SIZE, || {
            made += 1;
            if made > limit {
                Err("fake error")
            } else {
                Ok(())
            }
        });
        assert_eq!(
            (ok, err.is_some(), made),
            (successes, failed, calls),
            "limit {limit}"
        );
    }
}

#[test]
fn create_failures_limit_the_calls_per_sync() {
    // TestSyncReplicaSetCreateFailures: 100 wanted, a quota of 10. Batches 1, 2, 4 succeed
    // and the batch of 8 hits the limit, so 15 calls make 10 pods and the rest wait.
    let mut made = 0;
    let (ok, err) = slow_start_batch(100, SLOW_START_INITIAL_BATCH_SIZE, || {
        made += 1;
        if made > 10 {
            Err("quota")
        } else {
            Ok(())
        }
    });
    assert_eq!(ok, 10);
    assert!(err.is_some());
    assert_eq!(made, 15);
}

fn names(pods: &[Rc<Object>]) -> Vec<String> {
    pods.iter().map(|p| p.name().to_string()).collect()
}

#[test]
fn pods_to_delete_follow_upstream_order() {
    // TestGetPodsToDelete: unscheduled < scheduled pending < running not ready < ready on a
    // node crowded with related pods < ready elsewhere.
    let rs = new_rs(1, &[("name", "foo")]);
    let with = |name: &str, node: &str, phase: &str, ready: Option<bool>| {
        let mut p = new_pod(name, &rs, phase);
        if !node.is_empty() {
            p.spec.as_mut().unwrap().node_name = Some(node.into());
        }
        if let Some(r) = ready {
            p.status.as_mut().unwrap().conditions = Some(vec![PodCondition {
                type_: "Ready".into(),
                status: if r { "True" } else { "False" }.into(),
                ..Default::default()
            }]);
        }
        Rc::new(Object::Pod(p))
    };
    let unscheduled = with("unscheduled-pending", "", "Pending", None);
    let scheduled = with("scheduled-pending", "fake-node", "Pending", None);
    let not_ready = with("running-not-ready", "fake-node", "Running", Some(false));
    let ready1 = with("ready-on-node-1", "fake-node-1", "Running", Some(true));
    let ready2 = with("ready-on-node-2", "fake-node-2", "Running", Some(true));
    let now = SimTime::START;
    let case = |pods: &[&Rc<Object>], related: Option<&[&Rc<Object>]>, diff: usize| {
        let pods: Vec<Rc<Object>> = pods.iter().map(|p| (*p).clone()).collect();
        let related: Vec<Rc<Object>> = match related {
            Some(r) => r.iter().map(|p| (*p).clone()).collect(),
            None => pods.clone(),
        };
        names(&pods_to_delete(&pods, &related, diff, now))
    };
    assert!(case(&[], None, 0).is_empty());
    // diff = len(pods): everything, in input order.
    assert_eq!(
        case(&[&not_ready, &ready1], None, 2),
        ["running-not-ready", "ready-on-node-1"]
    );
    assert_eq!(case(&[&ready1, &not_ready], None, 1), ["running-not-ready"]);
    let all = [
        &ready1,
        &ready1,
        &ready2,
        &not_ready,
        &scheduled,
        &unscheduled,
    ];
    assert_eq!(case(&all, None, 6).len(), 6);
    assert_eq!(case(&all, Some(&[]), 6).len(), 6);
    assert_eq!(
        case(&[&scheduled, &unscheduled], None, 1),
        ["unscheduled-pending"]
    );
    assert_eq!(
        case(&[&ready1, &not_ready, &not_ready], None, 2),
        ["running-not-ready", "running-not-ready"]
    );
    assert_eq!(
        case(&[&ready1, &ready2], Some(&[&ready1, &ready2, &ready2]), 1),
        ["ready-on-node-2"]
    );
    assert_eq!(
        case(&[&scheduled, &not_ready], None, 1),
        ["scheduled-pending"]
    );
    assert_eq!(
        case(
            &[&ready1, &ready2, &not_ready, &scheduled, &unscheduled],
            None,
            3
        ),
        [
            "unscheduled-pending",
            "scheduled-pending",
            "running-not-ready"
        ]
    );
}

fn status_of(rs: &ReplicaSet, pods: &[Pod], err: Option<&ApiError>) -> ReplicaSetStatus {
    let refs: Vec<&Pod> = pods.iter().collect();
    calculate_status(rs, &refs, err, SimTime::START)
}

#[test]
fn status_counts_match_upstream() {
    // TestCalculateStatus (the v1.32 cases, without terminating replicas).
    let not_fully = new_rs(1, &[("name", "foo")]);
    let fully = new_rs(2, &[("name", "foo"), ("type", "production")]);
    let mut long_min_ready = new_rs(1, &[("name", "foo"), ("type", "production")]);
    long_min_ready.spec.as_mut().unwrap().min_ready_seconds = Some(3600);
    let cases: Vec<(&str, &ReplicaSet, Vec<Pod>, [i32; 4])> = vec![
        (
            "1 fully labelled pod",
            &fully,
            vec![new_pod("pod1", &fully, "Running")],
            [1, 1, 1, 1],
        ),
        (
            "1 not fully labelled pod",
            &not_fully,
            vec![new_pod("pod1", &not_fully, "Running")],
            [1, 0, 1, 1],
        ),
        (
            "2 fully labelled pods",
            &fully,
            vec![
                new_pod("pod1", &fully, "Running"),
                new_pod("pod2", &fully, "Running"),
            ],
            [2, 2, 2, 2],
        ),
        (
            "2 not fully labelled pods",
            &not_fully,
            vec![
                new_pod("pod1", &not_fully, "Running"),
                new_pod("pod2", &not_fully, "Running"),
            ],
            [2, 0, 2, 2],
        ),
        (
            "1 fully labelled pod, 1 not fully labelled pod",
            &not_fully,
            vec![
                new_pod("pod1", &not_fully, "Running"),
                new_pod("pod2", &fully, "Running"),
            ],
            [2, 1, 2, 2],
        ),
        (
            "1 non-ready pod",
            &fully,
            vec![new_pod("pod1", &fully, "Pending")],
            [1, 1, 0, 0],
        ),
        (
            "1 ready but non-available pod",
            &long_min_ready,
            vec![new_pod("pod1", &long_min_ready, "Running")],
            [1, 1, 1, 0],
        ),
    ];
    for (name, rs, pods, [replicas, fully_labeled, ready, available]) in cases {
        let s = status_of(rs, &pods, None);
        let got = [
            s.replicas,
            s.fully_labeled_replicas.unwrap_or(0),
            s.ready_replicas.unwrap_or(0),
            s.available_replicas.unwrap_or(0),
        ];
        assert_eq!(got, [replicas, fully_labeled, ready, available], "{name}");
        assert!(s.conditions.is_none(), "{name}");
    }
}

fn failure(reason: Option<&str>, message: Option<&str>) -> ReplicaSetCondition {
    ReplicaSetCondition {
        type_: REPLICA_FAILURE.into(),
        status: "True".into(),
        reason: reason.map(String::from),
        message: message.map(String::from),
        last_transition_time: None,
    }
}

#[test]
fn replica_failure_condition_follows_manage_errors() {
    // TestCalculateStatusConditions.
    let rs = new_rs(2, &[("name", "foo")]);
    let mut failing = new_rs(10, &[("name", "foo")]);
    failing.status = Some(ReplicaSetStatus {
        conditions: Some(vec![failure(None, None)]),
        ..Default::default()
    });
    let err = ApiError::Internal {
        message: "fake manageReplicasErr".into(),
    };
    let conds = |s: ReplicaSetStatus| {
        s.conditions.map(|cs| {
            cs.into_iter()
                .map(|mut c| {
                    c.last_transition_time = None;
                    c
                })
                .collect::<Vec<_>>()
        })
    };
    let one = vec![new_pod("pod1", &rs, "Running")];
    let three = vec![
        new_pod("pod1", &rs, "Running"),
        new_pod("pod2", &rs, "Running"),
        new_pod("pod3", &rs, "Running"),
    ];
    assert_eq!(
        conds(status_of(&rs, &one, Some(&err))),
        Some(vec![failure(
            Some("FailedCreate"),
            Some("fake manageReplicasErr")
        )])
    );
    assert_eq!(
        conds(status_of(&rs, &three, Some(&err))),
        Some(vec![failure(
            Some("FailedDelete"),
            Some("fake manageReplicasErr")
        )])
    );
    assert_eq!(conds(status_of(&failing, &one, None)), None);
    assert_eq!(
        conds(status_of(&failing, &one, Some(&err))),
        Some(vec![failure(None, None)])
    );
    assert_eq!(conds(status_of(&rs, &one, None)), None);
}

#[test]
fn set_and_remove_condition_as_upstream() {
    // TestSetCondition / TestRemoveCondition.
    let other = ReplicaSetCondition {
        type_: "ImagePullBackOff".into(),
        status: "True".into(),
        reason: Some("NonExistentImage".into()),
        ..Default::default()
    };
    let c1 = failure(Some("OtherFailure"), None);
    let c2 = failure(Some("AnotherFailure"), None);
    let mut s = ReplicaSetStatus::default();
    set_condition(&mut s, c1.clone());
    assert_eq!(s.conditions, Some(vec![c1.clone()]));
    let mut s = ReplicaSetStatus {
        conditions: Some(vec![other.clone()]),
        ..Default::default()
    };
    set_condition(&mut s, c1.clone());
    assert_eq!(s.conditions, Some(vec![other.clone(), c1.clone()]));
    let mut s = ReplicaSetStatus {
        conditions: Some(vec![c1.clone()]),
        ..Default::default()
    };
    set_condition(&mut s, c2.clone());
    assert_eq!(s.conditions, Some(vec![c2]));
    remove_condition(&mut s, REPLICA_FAILURE);
    assert_eq!(s.conditions, None);
    let mut s = ReplicaSetStatus {
        conditions: Some(vec![c1.clone()]),
        ..Default::default()
    };
    remove_condition(&mut s, "ImagePullBackOff");
    assert_eq!(s.conditions, Some(vec![c1]));
}

#[test]
fn pod_template_carries_labels_and_controller_ref() {
    // GetPodFromTemplate: generateName <rs>-, template labels, controller reference.
    let rs = new_rs(1, &[("name", "foo")]);
    let pod = pod_from_template(&rs);
    assert_eq!(pod.metadata.generate_name.as_deref(), Some("foobar-"));
    assert_eq!(
        pod.metadata.labels,
        Some(labels(&[("name", "foo"), ("type", "production")]))
    );
    let refs = pod.metadata.owner_references.unwrap();
    assert_eq!(refs.len(), 1);
    assert_eq!(
        (
            refs[0].api_version.as_str(),
            refs[0].kind.as_str(),
            refs[0].name.as_str(),
            refs[0].uid.as_str()
        ),
        ("apps/v1", "ReplicaSet", "foobar", "rs-uid")
    );
    assert_eq!(
        (refs[0].controller, refs[0].block_owner_deletion),
        (Some(true), Some(true))
    );
}
