//! The Indexed-completion rows of `TestControllerSyncJob`.

use super::{base, run, Row};

#[test]
fn controller_sync_indexed_job_rows() {
    let indexed = |name, p, c| Row {
        indexed: true,
        ..base(name, p, c)
    };
    let rows = vec![
        Row {
            creations: 2,
            exp_active: 2,
            created_indexes: vec!["0", "1"],
            ..indexed("indexed job start", 2, 5)
        },
        Row {
            replacement: Some("Failed"),
            terminating: 1,
            creations: 1,
            exp_active: 1,
            exp_terminating: 1,
            created_indexes: vec!["0"],
            ..indexed(
                "indexed job with some pods deleted, podReplacementPolicy Failed",
                2,
                5,
            )
        },
        Row {
            replacement: Some("TerminatingOrFailed"),
            terminating: 1,
            creations: 2,
            exp_active: 2,
            exp_terminating: 1,
            created_indexes: vec!["0", "1"],
            ..indexed(
                "indexed job with some pods deleted, podReplacementPolicy TerminatingOrFailed",
                2,
                5,
            )
        },
        Row {
            indexes: vec![
                ("0", "Succeeded"),
                ("1", "Failed"),
                ("1", "Succeeded"),
                ("2", "Succeeded"),
            ],
            exp_succeeded: 3,
            exp_failed: 1,
            completed_indexes: Some("0-2"),
            conditions: vec!["SuccessCriteriaMet", "Complete"],
            ..indexed("indexed job completed", 2, 3)
        },
        Row {
            backoff_limit: 0,
            indexes: vec![("0", "Succeeded"), ("1", "Failed"), ("2", "Running")],
            deletions: 1,
            exp_succeeded: 1,
            exp_failed: 2,
            exp_terminating: 1,
            completed_indexes: Some("0"),
            conditions: vec!["FailureTarget"],
            ..indexed("indexed job failed", 2, 3)
        },
        Row {
            indexes: vec![("0", "Succeeded"), ("1", "Succeeded"), ("1", "Succeeded")],
            creations: 1,
            exp_active: 1,
            exp_succeeded: 2,
            completed_indexes: Some("0,1"),
            created_indexes: vec!["2"],
            ..indexed("indexed job repeated completed index", 2, 3)
        },
        Row {
            indexes: vec![
                ("0", "Running"),
                ("2", "Succeeded"),
                ("3", "Pending"),
                ("4", "Succeeded"),
                ("5", "Succeeded"),
                ("7", "Succeeded"),
                ("8", "Succeeded"),
                ("9", "Succeeded"),
            ],
            creations: 6,
            exp_active: 8,
            exp_succeeded: 6,
            completed_indexes: Some("2,4,5,7-9"),
            created_indexes: vec!["1", "6", "10", "11", "12", "13"],
            ..indexed("indexed job some running and completed pods", 8, 20)
        },
        Row {
            indexes: vec![("0", "Failed"), ("1", "Pending"), ("2", "Failed")],
            creations: 2,
            exp_active: 3,
            exp_failed: 2,
            created_indexes: vec!["0", "2"],
            ..indexed("indexed job some failed pods", 3, 4)
        },
        Row {
            active: 1,
            succeeded: 1,
            failed: 1,
            indexes: vec![
                ("invalid", "Running"),
                ("invalid", "Succeeded"),
                ("invalid", "Failed"),
                ("invalid", "Pending"),
                ("0", "Succeeded"),
                ("1", "Running"),
                ("2", "Running"),
            ],
            deletions: 3,
            exp_active: 2,
            exp_succeeded: 1,
            exp_terminating: 3,
            completed_indexes: Some("0"),
            ..indexed("indexed job some pods without index", 2, 5)
        },
        Row {
            succeeded: 1,
            failed: 1,
            indexes: vec![
                ("invalid", "Running"),
                ("0", "Succeeded"),
                ("1", "Running"),
                ("2", "Running"),
                ("2", "Pending"),
            ],
            deletions: 2,
            exp_active: 2,
            exp_succeeded: 1,
            exp_terminating: 2,
            completed_indexes: Some("0"),
            ..indexed("indexed job repeated indexes", 5, 5)
        },
        Row {
            indexes: vec![
                ("0", "Succeeded"),
                ("5", "Running"),
                ("6", "Succeeded"),
                ("7", "Pending"),
                ("8", "Failed"),
            ],
            deletions: 2,
            exp_succeeded: 1,
            exp_terminating: 2,
            completed_indexes: Some("0"),
            ..indexed("indexed job with indexes outside of range", 2, 5)
        },
    ];
    for r in &rows {
        run(r);
    }
}
