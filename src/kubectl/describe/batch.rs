//! `kubectl describe job` and `kubectl describe cronjob` (upstream v1.32 `describeJob`,
//! `capIndexesListOrNone`, `describeCronJob`, `describeJobTemplate`, `printActiveJobs`).

use k8s_openapi::api::batch::v1::{CronJob, Job, JobTemplateSpec};

use super::events;
use super::multiline::{print_annotations, print_labels, print_object_header};
use super::template::{describe_pod_template, print_controller, selector_text};
use super::writer::{print_bool_ptr, rfc1123z, PrefixWriter, LEVEL_0};
use super::Env;
use crate::kubectl::printers::human_duration;
use crate::model::Kind;

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
    print_object_header(&mut w, meta);
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
