//! batch/v1 kinds: Job and CronJob.

use serde_json::{json, Value};

use super::super::generate_job_selector;
use super::{container, create, pod_spec, set, update};
use crate::model::Object;

fn job() -> Value {
    let mut spec = pod_spec(json!([container("pi", "perl")]));
    spec["restartPolicy"] = json!("Never");
    json!({"apiVersion": "batch/v1", "kind": "Job",
           "metadata": {"name": "pi", "namespace": "default", "uid": "0b3c4d5e-1111-2222-3333-444455556666"},
           "spec": {"backoffLimit": 4, "completions": 1, "parallelism": 1, "completionMode": "NonIndexed",
                    "suspend": false, "podReplacementPolicy": "TerminatingOrFailed", "manualSelector": null,
                    "template": {"spec": spec}}})
}

#[test]
fn job_with_generated_selector_passes() {
    assert_eq!(create(job()), Vec::<String>::new());
}

#[test]
fn generate_job_selector_labels_the_template() {
    let mut j = match super::obj(job()) {
        Object::Job(j) => j,
        other => panic!("{other:?}"),
    };
    generate_job_selector(&mut j);
    let spec = j.spec.unwrap_or_default();
    let labels = spec
        .template
        .metadata
        .and_then(|m| m.labels)
        .unwrap_or_default();
    assert_eq!(
        labels
            .get("batch.kubernetes.io/job-name")
            .map(String::as_str),
        Some("pi")
    );
    assert_eq!(
        labels.get("controller-uid").map(String::as_str),
        Some("0b3c4d5e-1111-2222-3333-444455556666")
    );
    let sel = spec
        .selector
        .and_then(|s| s.match_labels)
        .unwrap_or_default();
    assert_eq!(sel.len(), 1);
}

#[test]
fn job_restart_policy_must_be_on_failure_or_never() {
    let j = set(job(), "/spec/template/spec/restartPolicy", json!("Always"));
    assert_eq!(create(j), vec!["spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""]);
}

#[test]
fn job_counts_are_non_negative() {
    let j = set(
        set(job(), "/spec/parallelism", json!(-1)),
        "/spec/backoffLimit",
        json!(-2),
    );
    assert_eq!(
        create(j),
        vec![
            "spec.parallelism: Invalid value: -1: must be greater than or equal to 0",
            "spec.backoffLimit: Invalid value: -2: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn job_without_uid_cannot_get_a_selector() {
    let j = set(job(), "/metadata/uid", Value::Null);
    let errs = create(j);
    assert_eq!(errs[0], "metadata.uid: Required value");
}

/// The job as the API server stores it: with its generated selector and labels.
fn stored_job() -> Value {
    match super::obj(job()) {
        Object::Job(mut j) => {
            generate_job_selector(&mut j);
            Object::Job(j).to_value()
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn job_template_and_selector_are_immutable() {
    let old = stored_job();
    assert_eq!(update(old.clone(), old.clone()), Vec::<String>::new());
    let new = set(
        old.clone(),
        "/spec/template/spec/containers/0/image",
        json!("perl:5.40"),
    );
    assert_eq!(
        update(new, old.clone()),
        vec!["spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable"]
    );
    let new = set(old.clone(), "/spec/completions", json!(3));
    assert_eq!(
        update(new, old),
        vec!["spec.completions: Invalid value: 3: field is immutable"]
    );
}

fn cron_job(name: &str, schedule: &str) -> Value {
    let mut spec = pod_spec(json!([container("hello", "busybox")]));
    spec["restartPolicy"] = json!("OnFailure");
    json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": name, "namespace": "default"},
           "spec": {"schedule": schedule, "concurrencyPolicy": "Allow", "suspend": false,
                    "successfulJobsHistoryLimit": 3, "failedJobsHistoryLimit": 1,
                    "jobTemplate": {"spec": {"backoffLimit": 6, "template": {"spec": spec}}}}})
}

#[test]
fn cron_schedule_must_parse() {
    assert_eq!(
        create(cron_job("hello", "*/1 * * * *")),
        Vec::<String>::new()
    );
    assert_eq!(create(cron_job("hello", "@hourly")), Vec::<String>::new());
    assert_eq!(
        create(cron_job("hello", "* * * *")),
        vec!["spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]"]
    );
    assert_eq!(
        create(cron_job("hello", "TZ=UTC 0 0 * * *")),
        vec!["spec.schedule: Invalid value: \"TZ=UTC 0 0 * * *\": cannot use TZ or CRON_TZ in schedule, use timeZone field instead"]
    );
}

#[test]
fn cron_names_leave_room_for_job_suffixes() {
    let name = "a".repeat(53);
    assert_eq!(
        create(cron_job(&name, "@daily")),
        vec![format!(
            "metadata.name: Invalid value: \"{name}\": must be no more than 52 characters"
        )]
    );
}

#[test]
fn cron_time_zone_and_concurrency_policy() {
    let c = set(
        cron_job("hello", "@daily"),
        "/spec/timeZone",
        json!("Mars/Olympus"),
    );
    assert_eq!(
        create(c),
        vec!["spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus"]
    );
    let c = set(
        cron_job("hello", "@daily"),
        "/spec/timeZone",
        json!("Asia/Tokyo"),
    );
    assert_eq!(create(c), Vec::<String>::new());
    let c = set(
        cron_job("hello", "@daily"),
        "/spec/concurrencyPolicy",
        json!("Sometimes"),
    );
    assert_eq!(
        create(c),
        vec!["spec.concurrencyPolicy: Unsupported value: \"Sometimes\": supported values: \"Allow\", \"Forbid\", \"Replace\""]
    );
}

#[test]
fn cron_job_template_may_not_carry_a_selector() {
    let c = set(
        cron_job("hello", "@daily"),
        "/spec/jobTemplate/spec/selector",
        json!({"matchLabels": {"a": "b"}}),
    );
    assert_eq!(
        create(c),
        vec!["spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated"]
    );
}
