//! Rows of upstream's `TestControllerSyncJob`, restated for one `syncJob` against a real
//! API server: the pods present (pending, running, ready, succeeded, failed, terminating,
//! or with completion indexes), then the pods created and deleted and the status written.
//! Expectations are v1.32's with its default feature gates (JobPodReplacementPolicy,
//! JobManagedBy and JobSuccessPolicy on): `terminating` is counted, and a finishing Job
//! gets `SuccessCriteriaMet`/`FailureTarget` first. Finished pods ended long ago, so no
//! back-off applies unless a row says so.

use std::collections::BTreeSet;

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateTerminated, ContainerStatus, Namespace, Pod, PodCondition,
    PodStatus, ServiceAccount,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::indexed::COMPLETION_INDEX;
use super::pods::{job_controller_ref, TRACKING_FINALIZER};
use crate::apiserver::{ApiServer, Ctx, DeleteOptions, ListOptions, Subresource};
use crate::controllers::{ObjectRef, ReconcileCtx};
use crate::model::{Kind, Object};
use crate::sim::{Actor, SimRng, SimTime, WriteMeta};

#[derive(Clone, Default)]
struct Row {
    name: &'static str,
    parallelism: i32,
    /// -1 for none.
    completions: i32,
    backoff_limit: i32,
    deleting: bool,
    suspend: bool,
    indexed: bool,
    replacement: Option<&'static str>,
    initial: Option<(i32, i32, i32)>,
    pending: usize,
    active: usize,
    ready: usize,
    succeeded: usize,
    failed: usize,
    terminating: usize,
    /// (index annotation, phase) pods of an Indexed Job.
    indexes: Vec<(&'static str, &'static str)>,
    // Expectations.
    creations: usize,
    deletions: usize,
    exp_active: i32,
    exp_ready: i32,
    exp_succeeded: i32,
    exp_failed: i32,
    exp_terminating: i32,
    completed_indexes: Option<&'static str>,
    conditions: Vec<&'static str>,
    created_indexes: Vec<&'static str>,
}

fn ctx(rng: &mut SimRng) -> Ctx<'_> {
    Ctx::new(SimTime::START, rng, WriteMeta::by(Actor::Kubectl, None))
}

fn job_manifest(r: &Row) -> Job {
    let value = serde_json::json!({
        "metadata": {"name": "foobar", "namespace": "default",
            "finalizers": if r.deleting { vec!["test/hold"] } else { vec![] }},
        "spec": {
            "parallelism": r.parallelism,
            "completions": if r.completions >= 0 { Some(r.completions) } else { None },
            "backoffLimit": r.backoff_limit,
            "suspend": r.suspend,
            "completionMode": if r.indexed { "Indexed" } else { "NonIndexed" },
            "podReplacementPolicy": r.replacement,
            "template": {"spec": {"restartPolicy": "Never",
                "containers": [{"name": "c", "image": "foo/bar"}]}}
        }
    });
    serde_json::from_value(value).unwrap_or_default()
}

/// A pod of the Job in `phase`, optionally ready, with an index annotation.
fn add_pod(api: &mut ApiServer, rng: &mut SimRng, job: &Job, n: usize, phase: &str, ready: bool, index: Option<&str>) -> String {
    let name = format!("pod-{n:02}");
    let labels = job.spec.as_ref().and_then(|s| s.template.metadata.as_ref()).and_then(|m| m.labels.clone());
    let pod = Pod {
        metadata: ObjectMeta {
            name: Some(name.clone()),
            namespace: Some("default".into()),
            labels,
            annotations: index.map(|ix| [(COMPLETION_INDEX.to_string(), ix.to_string())].into()),
            owner_references: Some(vec![job_controller_ref(job)]),
            finalizers: Some(vec![TRACKING_FINALIZER.to_string()]),
            ..Default::default()
        },
        spec: job.spec.as_ref().and_then(|s| s.template.spec.clone()),
        status: None,
    };
    let created = api.create(&mut ctx(rng), Object::Pod(pod));
    let Ok(created) = created else { panic!("{name}: {created:?}") };
    let Object::Pod(mut pod) = (*created).clone() else { return name };
    let finished = matches!(phase, "Succeeded" | "Failed");
    pod.status = Some(PodStatus {
        phase: Some(phase.into()),
        conditions: ready.then(|| {
            vec![PodCondition {
                type_: "Ready".into(),
                status: "True".into(),
                ..Default::default()
            }]
        }),
        container_statuses: finished.then(|| {
            vec![ContainerStatus {
                name: "c".into(),
                state: Some(ContainerState {
                    terminated: Some(ContainerStateTerminated {
                        exit_code: if phase == "Failed" { 1 } else { 0 },
                        finished_at: Some(SimTime(1_000).to_k8s_time()),
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }]
        }),
        ..Default::default()
    });
    let updated = api.update(&mut ctx(rng), Object::Pod(pod), Subresource::Status);
    assert!(updated.is_ok(), "{name}: {updated:?}");
    name
}

/// The `default` namespace and its `default` ServiceAccount (pods need one).
fn setup(api: &mut ApiServer, rng: &mut SimRng) {
    let meta = |name: &str, ns: Option<&str>| ObjectMeta {
        name: Some(name.into()),
        namespace: ns.map(String::from),
        ..Default::default()
    };
    let ns = Namespace {
        metadata: meta("default", None),
        ..Default::default()
    };
    assert!(api.create(&mut ctx(rng), Object::Namespace(ns)).is_ok());
    let sa = ServiceAccount {
        metadata: meta("default", Some("default")),
        ..Default::default()
    };
    assert!(api.create(&mut ctx(rng), Object::ServiceAccount(sa)).is_ok());
}

fn all_pods(api: &ApiServer) -> Vec<Pod> {
    api.list(Kind::Pod, Some("default"), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

fn run(r: &Row) {
    let mut api = ApiServer::new(10_000);
    let mut rng = SimRng::new(7);
    setup(&mut api, &mut rng);
    let created = api.create(&mut ctx(&mut rng), Object::Job(job_manifest(r)));
    let Ok(Object::Job(mut job)) = created.as_deref().cloned() else {
        panic!("{}: {created:?}", r.name)
    };
    if let Some((active, succeeded, failed)) = r.initial {
        let status = job.status.get_or_insert_with(Default::default);
        status.active = Some(active);
        status.succeeded = Some(succeeded);
        status.failed = Some(failed);
        let stored = api.update(&mut ctx(&mut rng), Object::Job(job.clone()), Subresource::Status);
        assert!(stored.is_ok(), "{}: {stored:?}", r.name);
    }
    if r.deleting {
        let marked = api.delete(&mut ctx(&mut rng), Kind::Job, "default", "foobar", &DeleteOptions::default());
        assert!(marked.is_ok(), "{}: {marked:?}", r.name);
    }
    let mut n = 0;
    let mut next = || {
        n += 1;
        n
    };
    for _ in 0..r.pending {
        add_pod(&mut api, &mut rng, &job, next(), "Pending", false, None);
    }
    for i in 0..r.active {
        add_pod(&mut api, &mut rng, &job, next(), "Running", i < r.ready, None);
    }
    for _ in 0..r.succeeded {
        add_pod(&mut api, &mut rng, &job, next(), "Succeeded", false, None);
    }
    for _ in 0..r.failed {
        add_pod(&mut api, &mut rng, &job, next(), "Failed", false, None);
    }
    for _ in 0..r.terminating {
        let name = add_pod(&mut api, &mut rng, &job, next(), "Running", false, None);
        let marked = api.delete(&mut ctx(&mut rng), Kind::Pod, "default", &name, &DeleteOptions::default());
        assert!(marked.is_ok(), "{}: {marked:?}", r.name);
    }
    for (ix, phase) in &r.indexes {
        add_pod(&mut api, &mut rng, &job, next(), phase, false, Some(ix));
    }
    let before: Vec<Pod> = all_pods(&api);
    let key = ObjectRef {
        kind: Kind::Job,
        namespace: "default".into(),
        name: "foobar".into(),
    };
    let mut rc = ReconcileCtx {
        api: &mut api,
        rng: &mut rng,
        now: SimTime::START,
        meta: WriteMeta::by(Actor::Controller(super::NAME), None),
    };
    let result = super::sync::sync_job(&key, &mut rc);
    assert!(result.is_ok(), "{}: {result:?}", r.name);
    let after = all_pods(&api);
    let before_names: BTreeSet<_> = before.iter().map(|p| p.metadata.name.clone()).collect();
    let new: Vec<&Pod> = after.iter().filter(|p| !before_names.contains(&p.metadata.name)).collect();
    assert_eq!(new.len(), r.creations, "{}: creations", r.name);
    let mut created_indexes: Vec<String> = new
        .iter()
        .filter_map(|p| p.metadata.annotations.as_ref().and_then(|a| a.get(COMPLETION_INDEX).cloned()))
        .collect();
    created_indexes.sort_by_key(|s| s.parse::<i64>().unwrap_or(-1));
    assert_eq!(created_indexes, r.created_indexes, "{}: created indexes", r.name);
    let deletions = before
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| {
            after
                .iter()
                .find(|a| a.metadata.name == p.metadata.name)
                .is_none_or(|a| a.metadata.deletion_timestamp.is_some())
        })
        .count();
    assert_eq!(deletions, r.deletions, "{}: deletions", r.name);
    let Some(Object::Job(job)) = api.try_get(Kind::Job, "default", "foobar").as_deref().cloned() else {
        panic!("{}: job gone", r.name)
    };
    let s = job.status.clone().unwrap_or_default();
    let got = (
        s.active.unwrap_or(0),
        s.ready,
        s.succeeded.unwrap_or(0),
        s.failed.unwrap_or(0),
        s.terminating,
    );
    let want = (r.exp_active, Some(r.exp_ready), r.exp_succeeded, r.exp_failed, Some(r.exp_terminating));
    assert_eq!(got, want, "{}: (active, ready, succeeded, failed, terminating)", r.name);
    assert_eq!(s.completed_indexes.as_deref(), r.completed_indexes, "{}: completedIndexes", r.name);
    let conditions: Vec<String> = s
        .conditions
        .unwrap_or_default()
        .into_iter()
        .map(|c| c.type_)
        .collect();
    assert_eq!(conditions, r.conditions, "{}: conditions", r.name);
}

fn base(name: &'static str, parallelism: i32, completions: i32) -> Row {
    Row {
        name,
        parallelism,
        completions,
        backoff_limit: 6,
        ..Default::default()
    }
}

#[test]
fn controller_sync_job_rows() {
    let rows = vec![
        Row { creations: 2, exp_active: 2, ..base("job start", 2, 5) },
        Row { creations: 2, exp_active: 2, ..base("WQ job start", 2, -1) },
        Row { pending: 2, exp_active: 2, ..base("pending pods", 2, 5) },
        Row { active: 3, ready: 2, exp_active: 3, exp_ready: 2, ..base("correct # of pods", 3, 5) },
        Row { active: 2, exp_active: 2, ..base("WQ job: correct # of pods", 2, -1) },
        Row { active: 1, succeeded: 1, creations: 1, exp_active: 2, exp_succeeded: 1, ..base("too few active pods", 2, 5) },
        Row { active: 1, creations: 1, exp_active: 2, ..base("too few active pods with a dynamic job", 2, -1) },
        Row {
            active: 1, failed: 1, terminating: 1, replacement: Some("Failed"),
            exp_active: 1, exp_failed: 1, exp_terminating: 1,
            ..base("WQ job: recreate pods when failed", 1, -1)
        },
        Row {
            active: 1, failed: 1, terminating: 1,
            exp_active: 1, exp_failed: 2, exp_terminating: 1,
            ..base("WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy", 1, 1)
        },
        Row {
            active: 2, terminating: 4, replacement: Some("Failed"),
            deletions: 1, exp_active: 1, exp_terminating: 5,
            ..base("more terminating pods than parallelism", 1, 1)
        },
        Row { active: 3, deletions: 1, exp_active: 2, exp_terminating: 1, ..base("too many active pods", 2, 5) },
        Row {
            active: 3, ready: 3, deletions: 1, exp_active: 2, exp_ready: 2, exp_terminating: 1,
            ..base("count ready pods when too many active pods", 2, 5)
        },
        Row {
            active: 1, succeeded: 1, failed: 1, creations: 1,
            exp_active: 2, exp_succeeded: 1, exp_failed: 1,
            ..base("failed + succeed pods: reset backoff delay", 2, 5)
        },
        Row { active: 1, failed: 1, creations: 1, exp_active: 2, exp_failed: 1, ..base("new failed pod", 2, 5) },
        Row {
            initial: Some((1, 0, 1)), active: 1, exp_active: 1, exp_failed: 1,
            ..base("no new pod; possible finalizer update of failed pod", 1, 1)
        },
        Row {
            succeeded: 5, exp_succeeded: 5, conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("job finish", 2, 5)
        },
        Row { active: 1, succeeded: 1, exp_active: 1, exp_succeeded: 1, ..base("WQ job finishing", 2, -1) },
        Row {
            succeeded: 2, exp_succeeded: 2, conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("WQ job all finished", 2, -1)
        },
        Row {
            succeeded: 1, failed: 1, exp_succeeded: 1, exp_failed: 1,
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("WQ job all finished despite one failure", 2, -1)
        },
        Row { active: 10, deletions: 8, exp_active: 2, exp_terminating: 8, ..base("more active pods than parallelism", 2, 5) },
        Row {
            active: 3, succeeded: 2, deletions: 1, exp_active: 2, exp_succeeded: 2, exp_terminating: 1,
            ..base("more active pods than remaining completions", 3, 4)
        },
        Row { active: 2, succeeded: 2, exp_active: 2, exp_succeeded: 2, ..base("status change", 2, 5) },
        Row {
            deleting: true, pending: 1, active: 1, succeeded: 1, exp_active: 2, exp_succeeded: 1,
            ..base("deleting job", 2, 5)
        },
        Row {
            deleting: true, backoff_limit: 0, failed: 1, exp_failed: 1,
            conditions: vec!["FailureTarget", "Failed"],
            ..base("too many job failures", 2, 5)
        },
        Row {
            backoff_limit: 0, active: 2, ready: 2, failed: 1,
            deletions: 2, exp_failed: 3, exp_terminating: 2, conditions: vec!["FailureTarget"],
            ..base("count ready pods when job fails", 2, 3)
        },
        Row {
            suspend: true, active: 2, deletions: 2, exp_terminating: 2, conditions: vec!["Suspended"],
            ..base("suspending a job with satisfied expectations", 2, 4)
        },
        Row {
            suspend: true, active: 2, ready: 2, deletions: 2, exp_terminating: 2, conditions: vec!["Suspended"],
            ..base("count ready pods when suspending a job with satisfied expectations", 2, 4)
        },
    ];
    for r in &rows {
        run(r);
    }
}

#[test]
fn controller_sync_indexed_job_rows() {
    let indexed = |name, p, c| Row { indexed: true, ..base(name, p, c) };
    let rows = vec![
        Row { creations: 2, exp_active: 2, created_indexes: vec!["0", "1"], ..indexed("indexed job start", 2, 5) },
        Row {
            replacement: Some("Failed"), terminating: 1,
            creations: 1, exp_active: 1, exp_terminating: 1, created_indexes: vec!["0"],
            ..indexed("indexed job with some pods deleted, podReplacementPolicy Failed", 2, 5)
        },
        Row {
            replacement: Some("TerminatingOrFailed"), terminating: 1,
            creations: 2, exp_active: 2, exp_terminating: 1, created_indexes: vec!["0", "1"],
            ..indexed("indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed", 2, 5)
        },
        Row {
            indexes: vec![("0", "Succeeded"), ("1", "Failed"), ("1", "Succeeded"), ("2", "Succeeded")],
            exp_succeeded: 3, exp_failed: 1, completed_indexes: Some("0-2"),
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..indexed("indexed job completed", 2, 3)
        },
        Row {
            backoff_limit: 0,
            indexes: vec![("0", "Succeeded"), ("1", "Failed"), ("2", "Running")],
            deletions: 1, exp_succeeded: 1, exp_failed: 2, exp_terminating: 1,
            completed_indexes: Some("0"), conditions: vec!["FailureTarget"],
            ..indexed("indexed job failed", 2, 3)
        },
        Row {
            indexes: vec![("0", "Succeeded"), ("1", "Succeeded"), ("1", "Succeeded")],
            creations: 1, exp_active: 1, exp_succeeded: 2, completed_indexes: Some("0,1"),
            created_indexes: vec!["2"],
            ..indexed("indexed job repeated completed index", 2, 3)
        },
        Row {
            indexes: vec![
                ("0", "Running"), ("2", "Succeeded"), ("3", "Pending"), ("4", "Succeeded"),
                ("5", "Succeeded"), ("7", "Succeeded"), ("8", "Succeeded"), ("9", "Succeeded"),
            ],
            creations: 6, exp_active: 8, exp_succeeded: 6, completed_indexes: Some("2,4,5,7-9"),
            created_indexes: vec!["1", "6", "10", "11", "12", "13"],
            ..indexed("indexed job some running and completed pods", 8, 20)
        },
        Row {
            indexes: vec![("0", "Failed"), ("1", "Pending"), ("2", "Failed")],
            creations: 2, exp_active: 3, exp_failed: 2, created_indexes: vec!["0", "2"],
            ..indexed("indexed job some failed pods", 3, 4)
        },
        Row {
            active: 1, succeeded: 1, failed: 1,
            indexes: vec![
                ("invalid", "Running"), ("invalid", "Succeeded"), ("invalid", "Failed"),
                ("invalid", "Pending"), ("0", "Succeeded"), ("1", "Running"), ("2", "Running"),
            ],
            deletions: 3, exp_active: 2, exp_succeeded: 1, exp_terminating: 3, completed_indexes: Some("0"),
            ..indexed("indexed job some pods without index", 2, 5)
        },
        Row {
            succeeded: 1, failed: 1,
            indexes: vec![("invalid", "Running"), ("0", "Succeeded"), ("1", "Running"), ("2", "Running"), ("2", "Pending")],
            deletions: 2, exp_active: 2, exp_succeeded: 1, exp_terminating: 2, completed_indexes: Some("0"),
            ..indexed("indexed job repeated indexes", 5, 5)
        },
        Row {
            indexes: vec![("0", "Succeeded"), ("5", "Running"), ("6", "Succeeded"), ("7", "Pending"), ("8", "Failed")],
            deletions: 2, exp_succeeded: 1, exp_terminating: 2, completed_indexes: Some("0"),
            ..indexed("indexed job with indexes outside of range", 2, 5)
        },
    ];
    for r in &rows {
        run(r);
    }
}

#[test]
fn active_back_off_delays_creation() {
    // "too few active pods and active back-off": a failure just now holds creations for
    // 10 s and the sync asks to be requeued then; "no back-offs" creates at once.
    let r = base("back-off", 1, 1);
    let mut api = ApiServer::new(10_000);
    let mut rng = SimRng::new(3);
    setup(&mut api, &mut rng);
    let Ok(Object::Job(job)) = api.create(&mut ctx(&mut rng), Object::Job(job_manifest(&r))).as_deref().cloned() else {
        panic!("job")
    };
    let name = add_pod(&mut api, &mut rng, &job, 1, "Failed", false, None);
    // The failure happened at the start of the clock, not long ago.
    let Some(Object::Pod(mut p)) = api.try_get(Kind::Pod, "default", &name).as_deref().cloned() else {
        panic!("pod")
    };
    if let Some(cs) = p.status.as_mut().and_then(|s| s.container_statuses.as_mut()) {
        if let Some(t) = cs[0].state.as_mut().and_then(|s| s.terminated.as_mut()) {
            t.finished_at = Some(SimTime::START.to_k8s_time());
        }
    }
    assert!(api.update(&mut ctx(&mut rng), Object::Pod(p), Subresource::Status).is_ok());
    let key = ObjectRef {
        kind: Kind::Job,
        namespace: "default".into(),
        name: "foobar".into(),
    };
    let mut rc = ReconcileCtx {
        api: &mut api,
        rng: &mut rng,
        now: SimTime::START.plus_secs(4),
        meta: WriteMeta::by(Actor::Controller(super::NAME), None),
    };
    let action = super::sync::sync_job(&key, &mut rc);
    assert_eq!(action, Ok(crate::controllers::Action::RequeueAfter(6_000)));
    assert_eq!(all_pods(&api).len(), 1);
}
