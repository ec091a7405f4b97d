//! Describers of the workload controllers (upstream v1.32 `describeDeployment`,
//! `describeReplicaSet`, `describeDaemonSet`, `describeStatefulSet`, `describeJob`,
//! `describeCronJob`), each ending with its pod template and Events.
//!
//! A Deployment also names its ReplicaSets the way kubectl's `deploymentutil` finds them:
//! the ReplicaSets matching its selector and controlled by it, sorted by creation; the new
//! one is the oldest whose template equals the Deployment's once the `pod-template-hash`
//! label is set aside, and the old ones are the others that still want replicas.

use std::rc::Rc;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobTemplateSpec};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

use super::containers::int_or_string;
use super::events;
use super::storage::access_modes_go;
use super::template::{describe_pod_template, pod_status_counts, print_controller, selector_text};
use super::writer::{
    print_annotations, print_bool_ptr, print_labels, print_labels_with_indent, quantity, rfc1123z,
    PrefixWriter, LEVEL_0, LEVEL_1,
};
use super::Env;
use crate::apiserver::ListOptions;
use crate::kubectl::printers::human_duration;
use crate::model::selector::{format_label_selector, format_labels, LabelSelector};
use crate::model::{Kind, Object};

/// `Pods Status:\t1 Running / 0 Waiting / 0 Succeeded / 0 Failed`.
fn pods_status(w: &mut PrefixWriter, c: [usize; 4]) {
    put!(
        w,
        LEVEL_0,
        "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n",
        c[0],
        c[1],
        c[2],
        c[3]
    );
}

/// The `Type Status Reason` conditions table of Deployments and ReplicaSets.
fn conditions(w: &mut PrefixWriter, rows: Vec<(String, String, String)>) {
    if rows.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(LEVEL_1, "----\t------\t------\n");
    for (kind, status, reason) in rows {
        put!(w, LEVEL_1, "{kind} \t{status}\t{reason}\n");
    }
}

/// `describeDeployment`.
pub(super) fn describe_deployment(env: &Env, d: &Deployment) -> String {
    let meta = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::Deployment, meta);
    let (old, new) = replica_sets_of(env, d);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(meta.creation_timestamp.as_ref())
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        spec.replicas.unwrap_or(1),
        status.updated_replicas.unwrap_or(0),
        status.replicas.unwrap_or(0),
        status.available_replicas.unwrap_or(0),
        status.unavailable_replicas.unwrap_or(0)
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    put!(
        w,
        LEVEL_0,
        "StrategyType:\t{}\n",
        strategy.type_.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "MinReadySeconds:\t{}\n",
        spec.min_ready_seconds.unwrap_or(0)
    );
    if let Some(ru) = &strategy.rolling_update {
        let text = |v: &Option<_>| v.as_ref().map_or("<nil>".to_string(), int_or_string);
        put!(
            w,
            LEVEL_0,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            text(&ru.max_unavailable),
            text(&ru.max_surge)
        );
    }
    describe_pod_template(&mut w, &spec.template);
    conditions(
        &mut w,
        status
            .conditions
            .iter()
            .flatten()
            .map(|c| {
                (
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
    );
    if !old.is_empty() || !new.is_empty() {
        put!(w, LEVEL_0, "OldReplicaSets:\t{}\n", replica_sets_text(&old));
        put!(w, LEVEL_0, "NewReplicaSet:\t{}\n", replica_sets_text(&new));
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `printReplicaSetsByLabels`: `web-5d4f8 (3/3 replicas created), ...` or `<none>`.
fn replica_sets_text(sets: &[ReplicaSet]) -> String {
    let texts: Vec<String> = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.as_deref().unwrap_or(""),
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
            )
        })
        .collect();
    if texts.is_empty() {
        "<none>".to_string()
    } else {
        texts.join(", ")
    }
}

/// `deploymentutil.GetAllReplicaSets`: (old ReplicaSets that still want replicas, the new
/// one if any).
fn replica_sets_of(env: &Env, d: &Deployment) -> (Vec<ReplicaSet>, Vec<ReplicaSet>) {
    let namespace = d.metadata.namespace.as_deref().unwrap_or("");
    let Some(spec) = &d.spec else {
        return (Vec::new(), Vec::new());
    };
    let Ok(selector) = LabelSelector::from_label_selector(&spec.selector) else {
        return (Vec::new(), Vec::new());
    };
    let opts = ListOptions {
        label_selector: Some(selector),
        ..Default::default()
    };
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::ReplicaSet, Some(namespace), &opts)
        .unwrap_or_default();
    let mut owned: Vec<ReplicaSet> = listed
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs) => Some(rs.clone()),
            _ => None,
        })
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.controller == Some(true) && Some(&r.uid) == d.metadata.uid.as_ref())
        })
        .collect();
    owned.sort_by(|a, b| {
        let key = |rs: &ReplicaSet| {
            (
                rs.metadata.creation_timestamp.as_ref().map(|t| t.0),
                rs.metadata.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let new_index = owned.iter().position(|rs| {
        rs.spec
            .as_ref()
            .is_some_and(|s| templates_equal(s.template.as_ref(), Some(&spec.template)))
    });
    let mut new = Vec::new();
    if let Some(i) = new_index {
        new.push(owned.remove(i));
    }
    let old = owned
        .into_iter()
        .filter(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) != 0)
        .collect();
    (old, new)
}

/// `equalIgnoreHash`: templates semantically equal once the `pod-template-hash` label is
/// removed (absent, null, empty lists and empty maps count as the same).
fn templates_equal(a: Option<&PodTemplateSpec>, b: Option<&PodTemplateSpec>) -> bool {
    let norm = |t: Option<&PodTemplateSpec>| {
        let mut v = serde_json::to_value(t.cloned().unwrap_or_default()).unwrap_or(Value::Null);
        if let Some(labels) = v
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
        }
        prune(v)
    };
    norm(a) == norm(b)
}

/// Drops nulls, empty objects and empty arrays, recursively.
fn prune(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(prune).collect()),
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// `describeReplicaSet`.
pub(super) fn describe_replica_set(env: &Env, rs: &ReplicaSet) -> String {
    let meta = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::ReplicaSet, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        format_label_selector(&spec.selector)
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    if let Some(controller) = print_controller(meta) {
        put!(w, LEVEL_0, "Controlled By:\t{controller}\n");
    }
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} current / {} desired\n",
        rs.status.as_ref().map_or(0, |s| s.replicas),
        spec.replicas.unwrap_or(1)
    );
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template.clone().unwrap_or_default());
    conditions(
        &mut w,
        rs.status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .map(|c| {
                (
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
    );
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeDaemonSet` (which, unlike the others, prints no Namespace line).
pub(super) fn describe_daemon_set(env: &Env, ds: &DaemonSet) -> String {
    let meta = &ds.metadata;
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::DaemonSet, meta);
    let node_selector = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.clone())
        .unwrap_or_default();
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    put!(
        w,
        LEVEL_0,
        "Node-Selector:\t{}\n",
        format_labels(&node_selector)
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Desired Number of Nodes Scheduled: {}\n",
        status.desired_number_scheduled
    );
    put!(
        w,
        LEVEL_0,
        "Current Number of Nodes Scheduled: {}\n",
        status.current_number_scheduled
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
        status.updated_number_scheduled.unwrap_or(0)
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Scheduled with Available Pods: {}\n",
        status.number_available.unwrap_or(0)
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Misscheduled: {}\n",
        status.number_misscheduled
    );
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeStatefulSet`, with its volume claim templates.
pub(super) fn describe_stateful_set(env: &Env, sts: &StatefulSet) -> String {
    let meta = &sts.metadata;
    let spec = sts.spec.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::StatefulSet, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    put!(
        w,
        LEVEL_0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(meta.creation_timestamp.as_ref())
    );
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} desired | {} total\n",
        spec.replicas.unwrap_or(1),
        sts.status.as_ref().map_or(0, |s| s.replicas)
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    put!(
        w,
        LEVEL_0,
        "Update Strategy:\t{}\n",
        strategy.type_.as_deref().unwrap_or("")
    );
    if let Some(partition) = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| r.partition.map(|p| (p, r)))
    {
        put!(w, LEVEL_1, "Partition:\t{}\n", partition.0);
        if let Some(max) = &partition.1.max_unavailable {
            put!(w, LEVEL_1, "MaxUnavailable:\t{}\n", int_or_string(max));
        }
    }
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template);
    describe_claim_templates(
        &mut w,
        spec.volume_claim_templates.as_deref().unwrap_or_default(),
    );
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeVolumeClaimTemplates`.
fn describe_claim_templates(w: &mut PrefixWriter, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        let spec = pvc.spec.clone().unwrap_or_default();
        put!(
            w,
            LEVEL_1,
            "Name:\t{}\n",
            pvc.metadata.name.as_deref().unwrap_or("")
        );
        put!(
            w,
            LEVEL_1,
            "StorageClass:\t{}\n",
            super::storage::claim_class(pvc)
        );
        print_labels_with_indent(w, "  ", "Labels", "\t", pvc.metadata.labels.as_ref());
        print_labels_with_indent(
            w,
            "  ",
            "Annotations",
            "\t",
            pvc.metadata.annotations.as_ref(),
        );
        let capacity = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map_or("<default>".to_string(), quantity);
        put!(w, LEVEL_1, "Capacity:\t{capacity}\n");
        put!(
            w,
            LEVEL_1,
            "Access Modes:\t{}\n",
            access_modes_go(spec.access_modes.as_deref())
        );
    }
}

/// `describeJob`.
pub(super) fn describe_job(env: &Env, job: &Job) -> String {
    let meta = &job.metadata;
    let spec = job.spec.clone().unwrap_or_default();
    let status = job.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::Job, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(spec.selector.as_ref())
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    if let Some(controller) = print_controller(meta) {
        put!(w, LEVEL_0, "Controlled By:\t{controller}\n");
    }
    if let Some(p) = spec.parallelism {
        put!(w, LEVEL_0, "Parallelism:\t{p}\n");
    }
    match spec.completions {
        Some(c) => put!(w, LEVEL_0, "Completions:\t{c}\n"),
        None => w.write(LEVEL_0, "Completions:\t<unset>\n"),
    }
    if let Some(mode) = &spec.completion_mode {
        put!(w, LEVEL_0, "Completion Mode:\t{mode}\n");
    }
    if let Some(suspend) = spec.suspend {
        put!(w, LEVEL_0, "Suspend:\t{suspend}\n");
    }
    if let Some(limit) = spec.backoff_limit {
        put!(w, LEVEL_0, "Backoff Limit:\t{limit}\n");
    }
    if let Some(ttl) = spec.ttl_seconds_after_finished {
        put!(w, LEVEL_0, "TTL Seconds After Finished:\t{ttl}\n");
    }
    if let Some(start) = &status.start_time {
        put!(w, LEVEL_0, "Start Time:\t{}\n", rfc1123z(Some(start)));
    }
    if let Some(done) = &status.completion_time {
        put!(w, LEVEL_0, "Completed At:\t{}\n", rfc1123z(Some(done)));
    }
    if let (Some(start), Some(done)) = (&status.start_time, &status.completion_time) {
        put!(
            w,
            LEVEL_0,
            "Duration:\t{}\n",
            human_duration(done.0 - start.0)
        );
    }
    if let Some(deadline) = spec.active_deadline_seconds {
        put!(w, LEVEL_0, "Active Deadline Seconds:\t{deadline}s\n");
    }
    let (active, succeeded, failed) = (
        status.active.unwrap_or(0),
        status.succeeded.unwrap_or(0),
        status.failed.unwrap_or(0),
    );
    match status.ready {
        None => put!(w, LEVEL_0, "Pods Statuses:\t{active} Active / {succeeded} Succeeded / {failed} Failed\n"),
        Some(ready) => put!(w, LEVEL_0, "Pods Statuses:\t{active} Active ({ready} Ready) / {succeeded} Succeeded / {failed} Failed\n"),
    }
    if spec.completion_mode.as_deref() == Some("Indexed") {
        let indexes = status.completed_indexes.as_deref().unwrap_or("");
        put!(
            w,
            LEVEL_0,
            "Completed Indexes:\t{}\n",
            cap_indexes(indexes, 50)
        );
    }
    describe_pod_template(&mut w, &spec.template);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `capIndexesListOrNone`: the list up to the first comma at or after byte 50, then `...`.
fn cap_indexes(indexes: &str, soft_limit: usize) -> String {
    if indexes.is_empty() {
        return "<none>".to_string();
    }
    match indexes
        .as_bytes()
        .iter()
        .skip(soft_limit)
        .position(|b| *b == b',')
    {
        Some(offset) => format!("{}...", &indexes[..soft_limit + offset + 1]),
        None => indexes.to_string(),
    }
}

/// `describeCronJob`.
pub(super) fn describe_cron_job(env: &Env, cj: &CronJob) -> String {
    let meta = &cj.metadata;
    let spec = cj.spec.clone().unwrap_or_default();
    let status = cj.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::CronJob, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(w, LEVEL_0, "Schedule:\t{}\n", spec.schedule);
    put!(
        w,
        LEVEL_0,
        "Concurrency Policy:\t{}\n",
        spec.concurrency_policy.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Suspend:\t{}\n", print_bool_ptr(spec.suspend));
    let or_unset =
        |v: Option<i32>, unit: &str| v.map_or("<unset>".to_string(), |v| format!("{v}{unit}"));
    put!(
        w,
        LEVEL_0,
        "Successful Job History Limit:\t{}\n",
        or_unset(spec.successful_jobs_history_limit, "")
    );
    put!(
        w,
        LEVEL_0,
        "Failed Job History Limit:\t{}\n",
        or_unset(spec.failed_jobs_history_limit, "")
    );
    let deadline = spec
        .starting_deadline_seconds
        .map_or("<unset>".to_string(), |v| format!("{v}s"));
    put!(w, LEVEL_0, "Starting Deadline Seconds:\t{deadline}\n");
    describe_job_template(&mut w, &spec.job_template);
    match &status.last_schedule_time {
        Some(t) => put!(w, LEVEL_0, "Last Schedule Time:\t{}\n", rfc1123z(Some(t))),
        None => w.write(LEVEL_0, "Last Schedule Time:\t<unset>\n"),
    }
    w.write(LEVEL_0, "Active Jobs:\t");
    let active: Vec<&str> = status
        .active
        .iter()
        .flatten()
        .map(|r| r.name.as_deref().unwrap_or(""))
        .collect();
    if active.is_empty() {
        w.write_line("<none>");
    } else {
        w.write(LEVEL_0, &active.join(", "));
        w.write_line("");
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeJobTemplate`.
fn describe_job_template(w: &mut PrefixWriter, template: &JobTemplateSpec) {
    let spec = template.spec.clone().unwrap_or_default();
    match &spec.selector {
        Some(s) => put!(w, LEVEL_0, "Selector:\t{}\n", selector_text(Some(s))),
        None => w.write(LEVEL_0, "Selector:\t<unset>\n"),
    }
    let or_unset = |v: Option<i32>| v.map_or("<unset>".to_string(), |v| v.to_string());
    put!(w, LEVEL_0, "Parallelism:\t{}\n", or_unset(spec.parallelism));
    put!(w, LEVEL_0, "Completions:\t{}\n", or_unset(spec.completions));
    if let Some(deadline) = spec.active_deadline_seconds {
        put!(w, LEVEL_0, "Active Deadline Seconds:\t{deadline}s\n");
    }
    describe_pod_template(w, &spec.template);
}
