//! The Job rows of `TestControllerSyncJob` (NonIndexed completion).

use super::{base, run, Row};

#[test]
fn controller_sync_job_rows() {
    let rows = vec![
        Row {
            creations: 2,
            exp_active: 2,
            ..base("job start", 2, 5)
        },
        Row {
            creations: 2,
            exp_active: 2,
            ..base("WQ job start", 2, -1)
        },
        Row {
            pending: 2,
            exp_active: 2,
            ..base("pending pods", 2, 5)
        },
        Row {
            active: 3,
            ready: 2,
            exp_active: 3,
            exp_ready: 2,
            ..base("correct # of pods", 3, 5)
        },
        Row {
            active: 2,
            exp_active: 2,
            ..base("WQ job: correct # of pods", 2, -1)
        },
        Row {
            active: 1,
            succeeded: 1,
            creations: 1,
            exp_active: 2,
            exp_succeeded: 1,
            ..base("too few active pods", 2, 5)
        },
        Row {
            active: 1,
            creations: 1,
            exp_active: 2,
            ..base("too few active pods with a dynamic job", 2, -1)
        },
        Row {
            active: 1,
            failed: 1,
            terminating: 1,
            replacement: Some("Failed"),
            exp_active: 1,
            exp_failed: 1,
            exp_terminating: 1,
            ..base("WQ job: recreate pods when failed", 1, -1)
        },
        Row {
            active: 1,
            failed: 1,
            terminating: 1,
            exp_active: 1,
            exp_failed: 2,
            exp_terminating: 1,
            ..base(
                "WQ job: turn on PodReplacementPolicy but not set PodReplacementPolicy",
                1,
                1,
            )
        },
        Row {
            active: 2,
            terminating: 4,
            replacement: Some("Failed"),
            deletions: 1,
            exp_active: 1,
            exp_terminating: 5,
            ..base("more terminating pods than parallelism", 1, 1)
        },
        Row {
            active: 3,
            deletions: 1,
            exp_active: 2,
            exp_terminating: 1,
            ..base("too many active pods", 2, 5)
        },
        Row {
            active: 3,
            ready: 3,
            deletions: 1,
            exp_active: 2,
            exp_ready: 2,
            exp_terminating: 1,
            ..base("count ready pods when too many active pods", 2, 5)
        },
        Row {
            active: 1,
            succeeded: 1,
            failed: 1,
            creations: 1,
            exp_active: 2,
            exp_succeeded: 1,
            exp_failed: 1,
            ..base("failed + succeed pods: reset backoff delay", 2, 5)
        },
        Row {
            active: 1,
            failed: 1,
            creations: 1,
            exp_active: 2,
            exp_failed: 1,
            ..base("new failed pod", 2, 5)
        },
        Row {
            initial: Some((1, 0, 1)),
            active: 1,
            exp_active: 1,
            exp_failed: 1,
            ..base("no new pod; possible finalizer update of failed pod", 1, 1)
        },
        Row {
            succeeded: 5,
            exp_succeeded: 5,
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("job finish", 2, 5)
        },
        Row {
            active: 1,
            succeeded: 1,
            exp_active: 1,
            exp_succeeded: 1,
            ..base("WQ job finishing", 2, -1)
        },
        Row {
            succeeded: 2,
            exp_succeeded: 2,
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("WQ job all finished", 2, -1)
        },
        Row {
            succeeded: 1,
            failed: 1,
            exp_succeeded: 1,
            exp_failed: 1,
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..base("WQ job all finished despite one failure", 2, -1)
        },
        Row {
            active: 10,
            deletions: 8,
            exp_active: 2,
            exp_terminating: 8,
            ..base("more active pods than parallelism", 2, 5)
        },
        Row {
            active: 3,
            succeeded: 2,
            deletions: 1,
            exp_active: 2,
            exp_succeeded: 2,
            exp_terminating: 1,
            ..base("more active pods than remaining completions", 3, 4)
        },
        Row {
            active: 2,
            succeeded: 2,
            exp_active: 2,
            exp_succeeded: 2,
            ..base("status change", 2, 5)
        },
        Row {
            deleting: true,
            pending: 1,
            active: 1,
            succeeded: 1,
            exp_active: 2,
            exp_succeeded: 1,
            ..base("deleting job", 2, 5)
        },
        Row {
            deleting: true,
            backoff_limit: 0,
            failed: 1,
            exp_failed: 1,
            conditions: vec!["FailureTarget", "Failed"],
            ..base("too many job failures", 2, 5)
        },
        Row {
            backoff_limit: 0,
            active: 2,
            ready: 2,
            failed: 1,
            deletions: 2,
            exp_failed: 3,
            exp_terminating: 2,
            conditions: vec!["FailureTarget"],
            ..base("count ready pods when job fails", 2, 3)
        },
        Row {
            suspend: true,
            active: 2,
            deletions: 2,
            exp_terminating: 2,
            conditions: vec!["Suspended"],
            ..base("suspending a job with satisfied expectations", 2, 4)
        },
        Row {
            suspend: true,
            active: 2,
            ready: 2,
            deletions: 2,
            exp_terminating: 2,
            conditions: vec!["Suspended"],
            ..base(
                "count ready pods when suspending a job with satisfied expectations",
                2,
                4,
            )
        },
    ];
    for r in &rows {
        run(r);
    }
}
