//! Rows for batch/v1 kinds: Job and CronJob, ported from upstream's
//! `printJob` and `printCronJob`.

use chrono::{DateTime, Utc};
use k8s_openapi::api::batch::v1::{CronJob, Job, JobCondition};

use super::duration::{human_duration, translate_timestamp_since};
use super::format::{bool_ptr, container_cells, format_label_selector, template_containers};

/// All cells of a Job's row: NAME, STATUS, COMPLETIONS, DURATION, AGE and the
/// wide CONTAINERS, IMAGES, SELECTOR.
///
/// STATUS is the first of `Complete`, `Failed`, `Terminating` (deleted),
/// `Suspended`, `FailureTarget` that applies, else `Running`. COMPLETIONS is
/// `succeeded/completions`, or for a job without `completions`
/// `succeeded/1`, written `succeeded/1 of P` when parallelism P > 1.
/// DURATION runs from `startTime` to `completionTime`, or to now while the
/// job has not completed, and is empty before the job starts.
pub fn job_row(job: &Job, now: DateTime<Utc>) -> Vec<String> {
    let spec = job.spec.as_ref();
    let status = job.status.clone().unwrap_or_default();
    let succeeded = status.succeeded.unwrap_or(0);
    let completions = match spec.and_then(|s| s.completions) {
        Some(completions) => format!("{succeeded}/{completions}"),
        None => match spec.and_then(|s| s.parallelism).unwrap_or(0) {
            parallelism if parallelism > 1 => format!("{succeeded}/1 of {parallelism}"),
            _ => format!("{succeeded}/1"),
        },
    };
    let duration = match (&status.start_time, &status.completion_time) {
        (None, _) => String::new(),
        (Some(start), None) => human_duration(now.signed_duration_since(start.0)),
        (Some(start), Some(done)) => human_duration(done.0.signed_duration_since(start.0)),
    };
    let conditions = status.conditions.as_deref().unwrap_or(&[]);
    let state = if has_condition(conditions, "Complete") {
        "Complete"
    } else if has_condition(conditions, "Failed") {
        "Failed"
    } else if job.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else if has_condition(conditions, "Suspended") {
        "Suspended"
    } else if has_condition(conditions, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = container_cells(template_containers(spec.map(|s| &s.template)));
    vec![
        job.metadata.name.clone().unwrap_or_default(),
        state.to_string(),
        completions,
        duration,
        translate_timestamp_since(job.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
        format_label_selector(spec.and_then(|s| s.selector.as_ref())),
    ]
}

/// `hasJobCondition`: whether the first condition of `type_` is `True`.
fn has_condition(conditions: &[JobCondition], type_: &str) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

/// All cells of a CronJob's row: NAME, SCHEDULE, TIMEZONE, SUSPEND, ACTIVE,
/// LAST SCHEDULE, AGE and the wide CONTAINERS, IMAGES, SELECTOR.
pub fn cron_job_row(cj: &CronJob, now: DateTime<Utc>) -> Vec<String> {
    let spec = cj.spec.as_ref();
    let status = cj.status.as_ref();
    let last_schedule = match status.and_then(|s| s.last_schedule_time.as_ref()) {
        Some(t) => translate_timestamp_since(Some(t), now),
        None => "<none>".to_string(),
    };
    let job_spec = spec.and_then(|s| s.job_template.spec.as_ref());
    let (names, images) = container_cells(template_containers(job_spec.map(|s| &s.template)));
    vec![
        cj.metadata.name.clone().unwrap_or_default(),
        spec.map(|s| s.schedule.clone()).unwrap_or_default(),
        spec.and_then(|s| s.time_zone.clone())
            .unwrap_or_else(|| "<none>".to_string()),
        bool_ptr(spec.and_then(|s| s.suspend)),
        status
            .and_then(|s| s.active.as_ref())
            .map_or(0, |a| a.len())
            .to_string(),
        last_schedule,
        translate_timestamp_since(cj.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
        format_label_selector(job_spec.and_then(|s| s.selector.as_ref())),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;
    use serde::de::DeserializeOwned;
    use serde_json::{json, Value};

    fn now() -> DateTime<Utc> {
        match DateTime::parse_from_rfc3339("2025-01-01T12:00:00Z") {
            Ok(t) => t.with_timezone(&Utc),
            Err(e) => panic!("bad test time: {e}"),
        }
    }

    fn obj<T: DeserializeOwned>(value: Value) -> T {
        match serde_json::from_value(value) {
            Ok(o) => o,
            Err(e) => panic!("bad test object: {e}"),
        }
    }

    fn ago(d: Duration) -> String {
        (now() - d).to_rfc3339()
    }

    /// Mirrors upstream `TestPrintJob`: completions forms, duration from
    /// start to completion (or now), and the status column.
    #[test]
    fn job_completions_duration_status() {
        let template = json!({"spec": {"containers": [{"name": "fake-job-container1", "image": "fake-job-image1"}]}});
        let job: Job = obj(json!({"metadata": {"name": "job1"},
            "spec": {"completions": 2, "template": template, "selector": {"matchLabels": {"job-name": "job1"}}},
            "status": {"succeeded": 1}}));
        let want = [
            "job1",
            "Running",
            "1/2",
            "",
            "<unknown>",
            "fake-job-container1",
            "fake-job-image1",
            "job-name=job1",
        ];
        assert_eq!(job_row(&job, now()), want.map(String::from).to_vec());
        let job: Job = obj(
            json!({"metadata": {"name": "job2"}, "spec": {"template": {}},
            "status": {"succeeded": 0, "startTime": ago(Duration::minutes(10))}}),
        );
        assert_eq!(
            job_row(&job, now())[2..4],
            ["0/1".to_string(), "10m".to_string()]
        );
        let job: Job = obj(
            json!({"metadata": {"name": "job3"}, "spec": {"parallelism": 2, "template": {}},
            "status": {"succeeded": 0, "startTime": ago(Duration::minutes(10)), "completionTime": ago(Duration::minutes(7)),
                "conditions": [{"type": "Complete", "status": "True"}]}}),
        );
        assert_eq!(
            job_row(&job, now())[1..4],
            [
                "Complete".to_string(),
                "0/1 of 2".to_string(),
                "3m".to_string()
            ]
        );
        let job: Job = obj(
            json!({"metadata": {"name": "job4"}, "spec": {"template": {}},
            "status": {"conditions": [{"type": "Suspended", "status": "True"}]}}),
        );
        assert_eq!(job_row(&job, now())[1], "Suspended");
        let job: Job = obj(
            json!({"metadata": {"name": "job5", "deletionTimestamp": ago(Duration::seconds(1))}, "spec": {"template": {}},
            "status": {"conditions": [{"type": "FailureTarget", "status": "True"}]}}),
        );
        assert_eq!(job_row(&job, now())[1], "Terminating");
        let job: Job = obj(
            json!({"metadata": {"name": "job6"}, "spec": {"template": {}},
            "status": {"conditions": [{"type": "Failed", "status": "True"}]}}),
        );
        assert_eq!(job_row(&job, now())[1], "Failed");
    }

    /// Mirrors upstream `TestPrintCronJob`: schedule, `<none>` time zone,
    /// `False`/`<unset>` suspend, active count and last schedule.
    #[test]
    fn cron_job_cells() {
        let cj: CronJob = obj(
            json!({"metadata": {"name": "cronjob1", "creationTimestamp": now().to_rfc3339()},
            "spec": {"schedule": "0/5 * * * ?", "suspend": false, "jobTemplate": {"spec": {"template": {}}}},
            "status": {"lastScheduleTime": ago(Duration::seconds(10))}}),
        );
        let want = [
            "cronjob1",
            "0/5 * * * ?",
            "<none>",
            "False",
            "0",
            "10s",
            "0s",
            "",
            "",
            "<none>",
        ];
        assert_eq!(cron_job_row(&cj, now()), want.map(String::from).to_vec());
        let cj: CronJob = obj(json!({"metadata": {"name": "cronjob2"},
            "spec": {"schedule": "*/1 * * * *", "timeZone": "Asia/Tokyo", "jobTemplate": {}},
            "status": {"active": [{"name": "j1"}, {"name": "j2"}]}}));
        assert_eq!(
            cron_job_row(&cj, now())[2..6],
            ["Asia/Tokyo", "<unset>", "2", "<none>"].map(String::from)
        );
    }
}
