//! End-to-end tests of the CronJob controller through a `Cluster` on the simulated clock,
//! which starts at 2025-01-01T00:00:00Z (minute 28,928,160 since the epoch). The Jobs'
//! pods are kept off every node and finished by writing their status, as in the Job tests.

use k8s_openapi::api::batch::v1::{CronJob, Job};

use crate::apiserver::ListOptions;
use crate::controllers::job::e2e_tests::{pods, set_pod};
use crate::controllers::job::is_finished;
use crate::model::{Kind, Object};
use crate::Cluster;

/// Minutes since the epoch at the cluster's start.
const M0: i64 = 28_928_160;

fn cronjob_yaml(extra_spec: &str) -> String {
    format!(
        "cat <<EOF | kubectl apply -f -
apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: \"*/1 * * * *\"
{extra_spec}  jobTemplate:
    spec:
      template:
        spec:
          nodeSelector:
            kubeniwa.test/no-such-node: \"true\"
          containers:
          - name: hello
            image: busybox:1.28
            command: [\"/bin/sh\", \"-c\", \"date; echo Hello from the Kubernetes cluster\"]
          restartPolicy: OnFailure
EOF"
    )
}

fn apply(c: &mut Cluster, script: &str) {
    let out = c.run_script(script);
    assert_eq!(out.exit_code, 0, "{out:?}");
}

fn cronjob(c: &Cluster) -> CronJob {
    match c.api.try_get(Kind::CronJob, "default", "hello").as_deref() {
        Some(Object::CronJob(cj)) => cj.clone(),
        other => panic!("cronjob: {other:?}"),
    }
}

fn jobs(c: &Cluster) -> Vec<Job> {
    c.api
        .list(Kind::Job, Some("default"), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Job(j) => Some(j.clone()),
            _ => None,
        })
        .collect()
}

fn job_names(c: &Cluster) -> Vec<String> {
    jobs(c)
        .iter()
        .map(|j| j.metadata.name.clone().unwrap_or_default())
        .collect()
}

fn names(minutes: &[i64]) -> Vec<String> {
    minutes
        .iter()
        .map(|m| format!("hello-{}", M0 + m))
        .collect()
}

fn active(c: &Cluster) -> Vec<String> {
    cronjob(c)
        .status
        .and_then(|s| s.active)
        .unwrap_or_default()
        .into_iter()
        .map(|r| r.name.unwrap_or_default())
        .collect()
}

fn events(c: &Cluster) -> Vec<(String, String)> {
    c.api
        .list(Kind::Event, Some("default"), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) if e.involved_object.kind.as_deref() == Some("CronJob") => Some((
                e.reason.clone().unwrap_or_default(),
                e.message.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}

/// Lets every pod of the Job succeed.
fn complete(c: &mut Cluster, job: &str) {
    for p in pods(c, job) {
        set_pod(c, &p.metadata.name.unwrap_or_default(), Some(0), 0);
    }
    assert!(jobs(c)
        .iter()
        .any(|j| j.metadata.name.as_deref() == Some(job) && is_finished(j)));
}

#[test]
fn every_minute_creates_a_job_named_by_its_minute() {
    // v1.32: Jobs `<cronjob>-<minutes since the epoch>`, 100 ms after each schedule time,
    // with the scheduled-timestamp annotation, the CronJob as controller, status.active and
    // lastScheduleTime.
    let mut c = Cluster::builder().build();
    apply(&mut c, &cronjob_yaml(""));
    assert!(jobs(&c).is_empty());
    c.advance_ms(60_000);
    assert!(
        jobs(&c).is_empty(),
        "the first run is 100 ms after 00:01:00"
    );
    c.advance_ms(100);
    assert_eq!(job_names(&c), names(&[1]));
    c.advance_ms(120_000);
    assert_eq!(job_names(&c), names(&[1, 2, 3]));
    let job = jobs(&c).remove(0);
    let annotations = job.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2025-01-01T00:01:00Z"
    );
    let owner = job
        .metadata
        .owner_references
        .clone()
        .unwrap_or_default()
        .remove(0);
    assert_eq!(
        (owner.kind.as_str(), owner.name.as_str()),
        ("CronJob", "hello")
    );
    assert_eq!(owner.controller, Some(true));
    // The job controller picked them up.
    assert_eq!(pods(&c, &names(&[1])[0]).len(), 1);
    assert_eq!(active(&c), names(&[1, 2, 3]));
    let status = cronjob(&c).status.unwrap_or_default();
    assert_eq!(
        status.last_schedule_time,
        Some(crate::sim::SimTime::START.plus_secs(180).to_k8s_time())
    );
    assert!(events(&c).contains(&(
        "SuccessfulCreate".into(),
        format!("Created job hello-{}", M0 + 1)
    )));
    let out = c.run_script("kubectl get cj");
    assert_eq!(
        out.stdout,
        "NAME    SCHEDULE      TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\nhello   */1 * * * *   <none>     False     3        0s              3m\n"
    );
}

#[test]
fn history_limits_trim_finished_jobs() {
    // v1.32 cleanupFinishedJobs: at most successfulJobsHistoryLimit (3) completed and
    // failedJobsHistoryLimit (1) failed Jobs are kept, oldest deleted first.
    let mut c = Cluster::builder().build();
    apply(&mut c, &cronjob_yaml(""));
    for minute in 1..=5 {
        c.advance_ms(60_000 + if minute == 1 { 100 } else { 0 });
        let name = format!("hello-{}", M0 + minute);
        c.advance_ms(5_000);
        complete(&mut c, &name);
    }
    // The fifth completion is seen at the next sync (a Job event), which trims the oldest.
    assert_eq!(job_names(&c), names(&[3, 4, 5]));
    assert!(active(&c).is_empty());
    let ev = events(&c);
    assert!(ev.contains(&(
        "SawCompletedJob".into(),
        format!("Saw completed job: hello-{}, condition: Complete", M0 + 1)
    )));
    assert!(ev.contains(&(
        "SuccessfulDelete".into(),
        format!("Deleted job hello-{}", M0 + 1)
    )));
    assert!(ev.contains(&(
        "SuccessfulDelete".into(),
        format!("Deleted job hello-{}", M0 + 2)
    )));
    let fifth = jobs(&c)
        .into_iter()
        .find(|j| j.metadata.name == Some(names(&[5])[0].clone()));
    let completed = fifth.and_then(|j| j.status).and_then(|s| s.completion_time);
    assert!(completed.is_some());
    assert_eq!(
        cronjob(&c).status.unwrap_or_default().last_successful_time,
        completed
    );
}

#[test]
fn forbid_skips_while_a_job_is_active() {
    // v1.32 concurrencyPolicy Forbid: a schedule time passes with JobAlreadyActive while
    // the previous Job runs; the next one after it finishes starts normally.
    let mut c = Cluster::builder().build();
    apply(&mut c, &cronjob_yaml("  concurrencyPolicy: Forbid\n"));
    c.advance_ms(60_100);
    assert_eq!(job_names(&c), names(&[1]));
    c.advance_ms(120_000);
    assert_eq!(job_names(&c), names(&[1]));
    assert!(events(&c).contains(&(
        "JobAlreadyActive".into(),
        "Not starting job because prior execution is running and concurrency policy is Forbid"
            .into()
    )));
    // Once it finishes, the most recent missed time (03:00) starts at once, late.
    complete(&mut c, &names(&[1])[0]);
    assert_eq!(job_names(&c), names(&[1, 3]));
    assert_eq!(active(&c), names(&[3]));
    c.advance_ms(60_000);
    assert_eq!(job_names(&c), names(&[1, 3]));
}

#[test]
fn replace_deletes_the_running_job() {
    // v1.32 concurrencyPolicy Replace: the active Job is deleted before the next starts.
    let mut c = Cluster::builder().build();
    apply(&mut c, &cronjob_yaml("  concurrencyPolicy: Replace\n"));
    c.advance_ms(60_100);
    c.advance_ms(60_000);
    assert_eq!(job_names(&c), names(&[2]));
    assert_eq!(active(&c), names(&[2]));
    assert!(events(&c).contains(&(
        "SuccessfulDelete".into(),
        format!("Deleted job hello-{}", M0 + 1)
    )));
}

#[test]
fn suspend_and_starting_deadline() {
    // v1.32: nothing starts while suspended; on resume the most recent missed time starts
    // late unless it is older than startingDeadlineSeconds. More than 100 missed times
    // warn with TooManyMissedTimes.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &cronjob_yaml("  suspend: true\n  startingDeadlineSeconds: 20\n"),
    );
    c.advance_ms(150_000);
    assert!(jobs(&c).is_empty());
    apply(
        &mut c,
        &cronjob_yaml("  suspend: false\n  startingDeadlineSeconds: 20\n"),
    );
    assert!(
        jobs(&c).is_empty(),
        "02:00 is 30 s ago, beyond the 20 s deadline"
    );
    c.advance_ms(30_100);
    assert_eq!(job_names(&c), names(&[3]));
    // Without a deadline, a resume starts the most recent missed time at once.
    apply(&mut c, &cronjob_yaml("  suspend: true\n"));
    c.advance_ms(150 * 60_000);
    apply(&mut c, &cronjob_yaml("  suspend: false\n"));
    let minute = (c.now.0 / 60_000) - M0;
    assert_eq!(job_names(&c), names(&[3, minute]));
    assert!(events(&c).contains(&(
        "TooManyMissedTimes".into(),
        "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew".into()
    )));
}

#[test]
fn time_zone_schedules_in_local_time() {
    // v1.32 spec.timeZone: 09:00 in Tokyo is 00:00 UTC; the annotation is in Tokyo time.
    let mut c = Cluster::builder().build();
    let yaml = cronjob_yaml("  timeZone: Asia/Tokyo\n").replace("*/1 * * * *", "0 9 * * *");
    apply(&mut c, &yaml);
    c.advance_ms(24 * 3_600_000 + 100);
    let js = jobs(&c);
    assert_eq!(js.len(), 1);
    let annotations = js[0].metadata.annotations.clone().unwrap_or_default();
    assert_eq!(
        annotations["batch.kubernetes.io/cronjob-scheduled-timestamp"],
        "2025-01-02T09:00:00+09:00"
    );
    assert_eq!(
        js[0].metadata.name.as_deref(),
        Some(format!("hello-{}", M0 + 24 * 60).as_str())
    );
}
