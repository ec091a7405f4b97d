//! End-to-end tests of the Job and TTL-after-finished controllers through a `Cluster`.
//!
//! Pods are kept off every node (a `nodeSelector` no node has), so neither a scheduler nor
//! a kubelet touches them; the tests move them through their phases by writing the status
//! subresource as a kubelet would (Running, then Succeeded with exit code 0 or Failed with
//! exit code 1). The tests therefore hold with or without those components.

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::{
    ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStatus, Pod,
    PodCondition, PodStatus,
};

use crate::apiserver::{Ctx, ListOptions, Subresource};
use crate::model::{Kind, Object};
use crate::sim::{Actor, WriteMeta};
use crate::Cluster;

mod failures;

/// A Job manifest whose pods never get a node.
pub(crate) fn job_yaml(name: &str, extra_spec: &str, pod_spec_extra: &str) -> String {
    let pod_spec_extra = if pod_spec_extra.contains("restartPolicy") {
        pod_spec_extra.to_string()
    } else {
        format!("      restartPolicy: Never\n{pod_spec_extra}")
    };
    format!(
        "cat <<EOF | kubectl apply -f -
apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
{extra_spec}  template:
    spec:
      nodeSelector:
        kubeniwa.test/no-such-node: \"true\"
{pod_spec_extra}      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
EOF"
    )
}

pub(crate) fn apply(c: &mut Cluster, script: &str) {
    let out = c.run_script(script);
    assert_eq!(out.exit_code, 0, "{out:?}");
}

pub(crate) fn job(c: &Cluster, name: &str) -> Job {
    match c.api.try_get(Kind::Job, "default", name).as_deref() {
        Some(Object::Job(j)) => j.clone(),
        other => panic!("job {name}: {other:?}"),
    }
}

/// The Job's pods (by the `job-name` label), sorted by name.
pub(crate) fn pods(c: &Cluster, job_name: &str) -> Vec<Pod> {
    c.api
        .list(Kind::Pod, Some("default"), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p.clone()),
            _ => None,
        })
        .filter(|p| {
            p.metadata
                .labels
                .as_ref()
                .and_then(|l| l.get("job-name"))
                .is_some_and(|n| n == job_name)
        })
        .collect()
}

pub(crate) fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// What a kubelet would write for a pod that runs, then ends with `exit` (or keeps running
/// with `None`), after `restarts` container restarts.
pub(crate) fn set_pod(c: &mut Cluster, pod: &str, exit: Option<i32>, restarts: i32) {
    let Some(Object::Pod(mut p)) = c
        .api
        .try_get(Kind::Pod, "default", pod)
        .map(|o| (*o).clone())
    else {
        panic!("pod {pod} exists")
    };
    let now = c.now.to_k8s_time();
    let (phase, state, ready) = match exit {
        None => (
            "Running",
            ContainerState {
                running: Some(ContainerStateRunning {
                    started_at: Some(now.clone()),
                }),
                ..Default::default()
            },
            "True",
        ),
        Some(code) => (
            if code == 0 { "Succeeded" } else { "Failed" },
            ContainerState {
                terminated: Some(ContainerStateTerminated {
                    exit_code: code,
                    reason: Some(if code == 0 { "Completed" } else { "Error" }.into()),
                    finished_at: Some(now.clone()),
                    ..Default::default()
                }),
                ..Default::default()
            },
            "False",
        ),
    };
    p.status = Some(PodStatus {
        phase: Some(phase.into()),
        conditions: Some(vec![PodCondition {
            type_: "Ready".into(),
            status: ready.into(),
            last_transition_time: Some(now),
            ..Default::default()
        }]),
        container_statuses: Some(vec![ContainerStatus {
            name: "pi".into(),
            image: "perl:5.34.0".into(),
            ready: ready == "True",
            restart_count: restarts,
            state: Some(state),
            ..Default::default()
        }]),
        ..Default::default()
    });
    let mut ctx = Ctx::new(
        c.now,
        &mut c.rng,
        WriteMeta::by(Actor::Kubelet("test".into()), None),
    );
    c.api
        .update(&mut ctx, Object::Pod(p), Subresource::Status)
        .expect("status update");
    c.settle();
}

pub(crate) fn conditions(j: &Job) -> Vec<(String, String, String)> {
    j.status
        .as_ref()
        .and_then(|s| s.conditions.clone())
        .unwrap_or_default()
        .into_iter()
        .map(|c| (c.type_, c.status, c.reason.unwrap_or_default()))
        .collect()
}

pub(crate) fn cond(type_: &str, reason: &str) -> (String, String, String) {
    (type_.into(), "True".into(), reason.into())
}

pub(crate) fn events(c: &Cluster, object: &str) -> Vec<(String, String)> {
    c.api
        .list(Kind::Event, Some("default"), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) if e.involved_object.name.as_deref() == Some(object) => Some((
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

pub(crate) fn counts(j: &Job) -> (i32, i32, i32, Option<i32>) {
    let s = j.status.clone().unwrap_or_default();
    (
        s.active.unwrap_or(0),
        s.succeeded.unwrap_or(0),
        s.failed.unwrap_or(0),
        s.ready,
    )
}

#[test]
fn completions_3_parallelism_2_runs_to_complete() {
    // v1.32: at most `parallelism` pods at a time, never more than the completions left;
    // each pod counted once through uncountedTerminatedPods; SuccessCriteriaMet, then
    // Complete with reason CompletionsReached and a completionTime.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml("pi", "  completions: 3\n  parallelism: 2\n", ""),
    );
    let p = pods(&c, "pi");
    assert_eq!(p.len(), 2);
    for pod in &p {
        assert!(
            name(pod).starts_with("pi-") && name(pod).len() == 8,
            "{}",
            name(pod)
        );
        let fin = pod.metadata.finalizers.clone().unwrap_or_default();
        assert_eq!(fin, vec!["batch.kubernetes.io/job-tracking".to_string()]);
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        for key in [
            "batch.kubernetes.io/controller-uid",
            "batch.kubernetes.io/job-name",
            "controller-uid",
            "job-name",
        ] {
            assert!(labels.contains_key(key), "{key}");
        }
        let owner = &pod.metadata.owner_references.clone().unwrap_or_default()[0];
        assert_eq!((owner.kind.as_str(), owner.controller), ("Job", Some(true)));
    }
    let j = job(&c, "pi");
    assert_eq!(counts(&j), (2, 0, 0, Some(0)));
    let status = j.status.clone().unwrap_or_default();
    assert_eq!(
        status.start_time,
        Some(crate::sim::SimTime::START.to_k8s_time())
    );
    assert_eq!(status.terminating, Some(0));
    assert!(status.uncounted_terminated_pods.is_some());
    let created: Vec<_> = events(&c, "pi")
        .into_iter()
        .filter(|(r, _)| r == "SuccessfulCreate")
        .collect();
    let mut messages: Vec<String> = created.into_iter().map(|(_, m)| m).collect();
    messages.sort();
    let want: Vec<String> = p
        .iter()
        .map(|x| format!("Created pod: {}", name(x)))
        .collect();
    assert_eq!(messages, want);

    c.advance_ms(5_000);
    set_pod(&mut c, &name(&p[0]), None, 0);
    assert_eq!(counts(&job(&c, "pi")), (2, 0, 0, Some(1)));
    c.advance_ms(5_000);
    set_pod(&mut c, &name(&p[0]), Some(0), 0);
    // One succeeded, so one more pod keeps two running; the counted pod lost its finalizer.
    assert_eq!(counts(&job(&c, "pi")), (2, 1, 0, Some(0)));
    let now = pods(&c, "pi");
    assert_eq!(now.len(), 3);
    let first = now
        .iter()
        .find(|x| name(x) == name(&p[0]))
        .cloned()
        .unwrap_or_default();
    assert!(first.metadata.finalizers.unwrap_or_default().is_empty());
    set_pod(&mut c, &name(&p[1]), Some(0), 0);
    // Two succeeded: one left to do, and one pod is already on it.
    assert_eq!(counts(&job(&c, "pi")), (1, 2, 0, Some(0)));
    assert_eq!(pods(&c, "pi").len(), 3);
    let last = pods(&c, "pi")
        .into_iter()
        .find(|x| name(x) != name(&p[0]) && name(x) != name(&p[1]))
        .map(|x| name(&x))
        .unwrap_or_default();
    c.advance_ms(10_000);
    set_pod(&mut c, &last, Some(0), 0);
    let j = job(&c, "pi");
    assert_eq!(counts(&j), (0, 3, 0, Some(0)));
    assert_eq!(
        conditions(&j),
        vec![
            cond("SuccessCriteriaMet", "CompletionsReached"),
            cond("Complete", "CompletionsReached")
        ]
    );
    let status = j.status.clone().unwrap_or_default();
    assert_eq!(status.completion_time, Some(c.now.to_k8s_time()));
    assert!(events(&c, "pi").contains(&("Completed".into(), "Job completed".into())));
    let out = c.run_script("kubectl get jobs");
    assert_eq!(
        out.stdout,
        "NAME   STATUS     COMPLETIONS   DURATION   AGE\npi     Complete   3/3           20s        20s\n"
    );
}

#[test]
fn suspend_and_resume() {
    // v1.32: a suspended Job starts no pods and has no startTime; resuming sets
    // Suspended=False (JobResumed), the startTime, and creates the pods.
    let mut c = Cluster::builder().build();
    apply(&mut c, &job_yaml("pi", "  suspend: true\n", ""));
    assert!(pods(&c, "pi").is_empty());
    let j = job(&c, "pi");
    assert_eq!(conditions(&j), vec![cond("Suspended", "JobSuspended")]);
    assert!(j.status.clone().unwrap_or_default().start_time.is_none());
    assert!(events(&c, "pi").contains(&("Suspended".into(), "Job suspended".into())));
    c.advance_ms(60_000);
    apply(&mut c, &job_yaml("pi", "  suspend: false\n", ""));
    let j = job(&c, "pi");
    assert_eq!(pods(&c, "pi").len(), 1);
    let s = j.status.clone().unwrap_or_default();
    assert_eq!(s.start_time, Some(c.now.to_k8s_time()));
    let suspended = s.conditions.unwrap_or_default();
    assert_eq!(
        (suspended[0].status.as_str(), suspended[0].reason.as_deref()),
        ("False", Some("JobResumed"))
    );
    assert!(events(&c, "pi").contains(&("Resumed".into(), "Job resumed".into())));
    // Suspending again deletes the running pod (without counting it as failed).
    apply(&mut c, &job_yaml("pi", "  suspend: true\n", ""));
    let j = job(&c, "pi");
    assert_eq!(counts(&j).0, 0);
    assert_eq!(counts(&j).2, 0);
    assert!(pods(&c, "pi")
        .iter()
        .all(|p| p.metadata.deletion_timestamp.is_some()));
}

#[test]
fn ttl_after_finished_deletes_the_job() {
    // v1.32 TTL-after-finished: the Job is deleted ttlSecondsAfterFinished after it
    // finished (foreground propagation), not before.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml("pi", "  ttlSecondsAfterFinished: 100\n", ""),
    );
    let p = name(&pods(&c, "pi")[0]);
    c.advance_ms(5_000);
    set_pod(&mut c, &p, Some(0), 0);
    assert!(crate::controllers::job::is_finished(&job(&c, "pi")));
    c.advance_ms(99_000);
    assert!(job(&c, "pi").metadata.deletion_timestamp.is_none());
    c.advance_ms(1_000);
    let gone = c.api.try_get(Kind::Job, "default", "pi");
    assert!(gone.is_none_or(|j| j.meta().deletion_timestamp.is_some()));
}

#[test]
fn indexed_job_gives_each_pod_an_index() {
    // v1.32 Indexed completion: pods <job>-<index>-<suffix> with the completion-index
    // annotation and label, hostname and JOB_COMPLETION_INDEX; completedIndexes intervals.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml(
            "idx",
            "  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n",
            "",
        ),
    );
    let p = pods(&c, "idx");
    assert_eq!(p.len(), 2);
    let mut indexes: Vec<String> = p
        .iter()
        .map(|x| {
            x.metadata.annotations.clone().unwrap_or_default()[super::COMPLETION_INDEX].clone()
        })
        .collect();
    indexes.sort();
    assert_eq!(indexes, vec!["0", "1"]);
    let zero = p
        .iter()
        .find(|x| name(x).starts_with("idx-0-"))
        .cloned()
        .unwrap_or_default();
    let spec = zero.spec.clone().unwrap_or_default();
    assert_eq!(spec.hostname.as_deref(), Some("idx-0"));
    let env = spec.containers[0].env.clone().unwrap_or_default();
    assert_eq!(env[0].name, "JOB_COMPLETION_INDEX");
    set_pod(&mut c, &name(&zero), Some(0), 0);
    let j = job(&c, "idx");
    assert_eq!(
        j.status
            .clone()
            .unwrap_or_default()
            .completed_indexes
            .as_deref(),
        Some("0")
    );
    let two = pods(&c, "idx")
        .into_iter()
        .find(|x| name(x).starts_with("idx-2-"));
    assert!(two.is_some(), "index 2 started after index 0 succeeded");
    for x in pods(&c, "idx") {
        if name(&x) != name(&zero) {
            set_pod(&mut c, &name(&x), Some(0), 0);
        }
    }
    let j = job(&c, "idx");
    let s = j.status.clone().unwrap_or_default();
    assert_eq!(s.completed_indexes.as_deref(), Some("0-2"));
    assert_eq!(s.succeeded, Some(3));
    assert!(crate::controllers::job::is_finished(&j));
}

#[test]
fn deleting_a_job_releases_its_pods_finalizers() {
    // v1.32 orphan pods: once their Job is gone, the tracking finalizer is removed.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml("pi", "  parallelism: 2\n  completions: 2\n", ""),
    );
    assert_eq!(pods(&c, "pi").len(), 2);
    let out = c.run_script("kubectl delete job pi");
    assert_eq!(out.stdout, "job.batch \"pi\" deleted\n");
    for p in pods(&c, "pi") {
        assert!(
            p.metadata.finalizers.unwrap_or_default().is_empty(),
            "{:?}",
            p.metadata.name
        );
    }
}

#[test]
fn success_policy_ends_an_indexed_job_early() {
    // v1.32 JobSuccessPolicy: once index 0 succeeds the rule matches; the other pods are
    // deleted without counting as failures, and Complete follows when they are gone.
    let mut c = Cluster::builder().build();
    let spec = "  completions: 3\n  parallelism: 3\n  completionMode: Indexed\n  successPolicy:\n    rules:\n    - succeededIndexes: \"0\"\n";
    apply(&mut c, &job_yaml("leader", spec, ""));
    let all = pods(&c, "leader");
    assert_eq!(all.len(), 3);
    let leader = all
        .iter()
        .map(name)
        .find(|n| n.starts_with("leader-0-"))
        .unwrap_or_default();
    set_pod(&mut c, &leader, Some(0), 0);
    // The other pods are on no node, so they go at once (no grace period) and Complete
    // follows SuccessCriteriaMet at the same instant.
    let j = job(&c, "leader");
    assert_eq!(
        conditions(&j),
        vec![
            cond("SuccessCriteriaMet", "SuccessPolicy"),
            cond("Complete", "SuccessPolicy")
        ]
    );
    assert_eq!(counts(&j), (0, 1, 0, Some(0)));
}
