//! End-to-end tests of how Jobs fail: the back-off between re-creations, backoffLimit
//! (also through container restarts with `restartPolicy: OnFailure`) and
//! activeDeadlineSeconds.

use super::{apply, cond, conditions, counts, events, job, job_yaml, name, pods, set_pod};
use crate::Cluster;

#[test]
fn backoff_limit_1_fails_after_the_second_failure_with_back_off() {
    // v1.32: failed pods are replaced after 10 s, then 20 s; failures beyond backoffLimit
    // fail the Job with BackoffLimitExceeded (FailureTarget first, then Failed).
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml("pi", "  backoffLimit: 1\n", "      restartPolicy: Never\n"),
    );
    let first = name(&pods(&c, "pi")[0]);
    set_pod(&mut c, &first, Some(1), 0);
    let j = job(&c, "pi");
    assert_eq!(counts(&j), (0, 0, 1, Some(0)));
    assert_eq!(
        pods(&c, "pi").len(),
        1,
        "the replacement waits for the back-off"
    );
    c.advance_ms(9_000);
    assert_eq!(pods(&c, "pi").len(), 1);
    c.advance_ms(1_000);
    assert_eq!(pods(&c, "pi").len(), 2, "replaced 10 s after the failure");
    assert_eq!(counts(&job(&c, "pi")), (1, 0, 1, Some(0)));
    let second = pods(&c, "pi")
        .into_iter()
        .map(|p| name(&p))
        .find(|n| *n != first)
        .unwrap_or_default();
    set_pod(&mut c, &second, Some(1), 0);
    let j = job(&c, "pi");
    assert_eq!(counts(&j), (0, 0, 2, Some(0)));
    assert_eq!(
        conditions(&j),
        vec![
            cond("FailureTarget", "BackoffLimitExceeded"),
            cond("Failed", "BackoffLimitExceeded")
        ]
    );
    assert!(events(&c, "pi").contains(&(
        "BackoffLimitExceeded".into(),
        "Job has reached the specified backoff limit".into()
    )));
    assert!(j.status.unwrap_or_default().completion_time.is_none());
    let out = c.run_script("kubectl get job pi");
    assert!(out.stdout.contains("pi     Failed   0/1"), "{}", out.stdout);
    // Nothing more happens to a failed Job.
    c.advance_ms(60_000);
    assert_eq!(pods(&c, "pi").len(), 2);
}

#[test]
fn back_off_doubles_between_recreations() {
    // v1.32's backoff: 10 s after one failure, 20 s after two (counted from the last).
    let mut c = Cluster::builder().build();
    apply(&mut c, &job_yaml("pi", "", ""));
    let first = name(&pods(&c, "pi")[0]);
    set_pod(&mut c, &first, Some(1), 0);
    c.advance_ms(10_000);
    let second = pods(&c, "pi")
        .into_iter()
        .map(|p| name(&p))
        .find(|n| *n != first)
        .unwrap_or_default();
    set_pod(&mut c, &second, Some(1), 0);
    c.advance_ms(19_000);
    assert_eq!(pods(&c, "pi").len(), 2);
    c.advance_ms(1_000);
    assert_eq!(pods(&c, "pi").len(), 3);
    assert_eq!(counts(&job(&c, "pi")), (1, 0, 2, Some(0)));
}

#[test]
fn active_deadline_fails_the_job_and_deletes_its_pods() {
    // v1.32: past activeDeadlineSeconds the active pods are deleted and counted as failed;
    // Failed (DeadlineExceeded) follows once they are gone.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml(
            "pi",
            "  activeDeadlineSeconds: 30\n  parallelism: 2\n  completions: 4\n",
            "",
        ),
    );
    assert_eq!(pods(&c, "pi").len(), 2);
    c.advance_ms(29_000);
    assert!(conditions(&job(&c, "pi")).is_empty());
    c.advance_ms(1_000);
    // The pods are on no node, so deleting them has no grace period: once the Job
    // controller drops their tracking finalizers they are gone, and the interim
    // FailureTarget is followed by Failed at the same instant.
    assert!(pods(&c, "pi").is_empty());
    let j = job(&c, "pi");
    assert_eq!(
        conditions(&j),
        vec![
            cond("FailureTarget", "DeadlineExceeded"),
            cond("Failed", "DeadlineExceeded")
        ]
    );
    assert!(events(&c, "pi").contains(&(
        "DeadlineExceeded".into(),
        "Job was active longer than specified deadline".into()
    )));
    assert_eq!(counts(&j), (0, 0, 2, Some(0)));
}

#[test]
fn on_failure_restarts_count_against_the_backoff_limit() {
    // v1.32 pastBackoffLimitOnFailure: with restartPolicy OnFailure the restarts of running
    // pods count; reaching backoffLimit fails the Job.
    let mut c = Cluster::builder().build();
    apply(
        &mut c,
        &job_yaml(
            "pi",
            "  backoffLimit: 3\n",
            "      restartPolicy: OnFailure\n",
        ),
    );
    let p = name(&pods(&c, "pi")[0]);
    set_pod(&mut c, &p, None, 2);
    assert!(conditions(&job(&c, "pi")).is_empty());
    set_pod(&mut c, &p, None, 3);
    // The failed pod is on no node: deleted with no grace period, it is gone at once,
    // so Failed follows FailureTarget at the same instant.
    let j = job(&c, "pi");
    assert_eq!(
        conditions(&j),
        vec![
            cond("FailureTarget", "BackoffLimitExceeded"),
            cond("Failed", "BackoffLimitExceeded")
        ]
    );
    assert_eq!(counts(&j), (0, 0, 1, Some(0)));
}
