//! Manifest-in, defaulted-JSON-out tests for `batch/v1`. Each expected value names the
//! upstream function that sets it.

use super::super::test_support::{assert_json, created, defaulted};
use serde_json::json;

#[test]
fn kubectl_create_job_pi() {
    // `kubectl create job pi --image=perl:5.34 -- perl -e 1`, with the uid the API server
    // assigned; `kubectl get job pi -o json` on v1.32.
    let got = created(
        json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "pi", "uid": "u-1"},
        "spec": {"template": {"metadata": {"creationTimestamp": null}, "spec": {
            "containers": [{"name": "pi", "image": "perl:5.34", "command": ["perl", "-e", "1"], "resources": {}}],
            "restartPolicy": "Never"}}}, "status": {}}),
    );
    let labels = json!({"batch.kubernetes.io/controller-uid": "u-1", "batch.kubernetes.io/job-name": "pi",
                        "controller-uid": "u-1", "job-name": "pi"}); // jobStrategy generateSelector
    assert_json(
        &got,
        &json!({"kind": "Job", "apiVersion": "batch/v1",
        // SetDefaults_Job copies the template labels when reading the stored Job back.
        "metadata": {"name": "pi", "uid": "u-1", "generation": 1, "labels": labels},
        "spec": {
            "backoffLimit": 6,                                   // SetDefaults_Job
            "completionMode": "NonIndexed",                      // SetDefaults_Job
            "completions": 1,                                    // SetDefaults_Job: both unset
            "manualSelector": false,                             // SetDefaults_Job
            "parallelism": 1,                                    // SetDefaults_Job
            "podReplacementPolicy": "TerminatingOrFailed",       // SetDefaults_Job (JobPodReplacementPolicy on)
            "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u-1"}},
            "suspend": false,                                    // SetDefaults_Job
            "template": {"metadata": {"labels": labels}, "spec": {
                "containers": [{"name": "pi", "image": "perl:5.34", "command": ["perl", "-e", "1"],
                    "imagePullPolicy": "IfNotPresent", "resources": {},
                    "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File"}],
                "dnsPolicy": "ClusterFirst", "restartPolicy": "Never", "schedulerName": "default-scheduler",
                "securityContext": {}, "terminationGracePeriodSeconds": 30}}},
        "status": {}}),
    );
}

#[test]
fn job_parallelism_backoff_and_failure_policy() {
    // SetDefaults_Job: completions stays unset when parallelism is given; backoffLimit is
    // MaxInt32 with backoffLimitPerIndex; a pod failure policy selects Failed; condition
    // patterns default to status True.
    let got = defaulted(
        json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j"},
        "spec": {"parallelism": 3, "completionMode": "Indexed", "completions": 5, "backoffLimitPerIndex": 1,
            "podFailurePolicy": {"rules": [{"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": ""}]}]},
            "template": {"spec": {"containers": [{"name": "c", "image": "busybox"}], "restartPolicy": "Never"}}}}),
    );
    let spec = &got["spec"];
    assert_eq!(
        (&spec["parallelism"], &spec["completions"]),
        (&json!(3), &json!(5))
    );
    assert_eq!(spec["backoffLimit"], 2147483647);
    assert_eq!(spec["podReplacementPolicy"], "Failed");
    assert_eq!(
        spec["podFailurePolicy"]["rules"][0]["onPodConditions"][0]["status"],
        "True"
    );
    let got = defaulted(
        json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j"},
        "spec": {"parallelism": 2, "template": {"spec": {"containers": []}}}}),
    );
    assert_eq!(got["spec"].get("completions"), None);
    assert_eq!(got["spec"]["template"]["spec"]["restartPolicy"], "Always"); // SetDefaults_PodSpec; validation rejects it
}

#[test]
fn job_with_template_labels_and_manual_selector() {
    // Template labels reach metadata.labels together with the generated ones (the Go
    // defaulter shares the map with the template).
    let got = created(
        json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j", "uid": "u-2"},
        "spec": {"template": {"metadata": {"labels": {"app": "batch"}}, "spec": {"containers": [], "restartPolicy": "Never"}}}}),
    );
    assert_json(
        &got["metadata"]["labels"],
        &json!({"app": "batch", "batch.kubernetes.io/controller-uid": "u-2",
        "batch.kubernetes.io/job-name": "j", "controller-uid": "u-2", "job-name": "j"}),
    );
    // manualSelector: true keeps the client's selector and labels.
    let got = created(
        json!({"kind": "Job", "apiVersion": "batch/v1", "metadata": {"name": "j", "uid": "u-3"},
        "spec": {"manualSelector": true, "selector": {"matchLabels": {"app": "batch"}},
                 "template": {"metadata": {"labels": {"app": "batch"}}, "spec": {"containers": [], "restartPolicy": "Never"}}}}),
    );
    assert_json(
        &got["spec"]["selector"],
        &json!({"matchLabels": {"app": "batch"}}),
    );
    assert_json(&got["metadata"]["labels"], &json!({"app": "batch"}));
}

#[test]
fn kubectl_create_cronjob_hello() {
    // `kubectl create cronjob hello --image=busybox:1.28 --schedule="*/1 * * * *"`. The
    // job template gets only nested defaults, not SetDefaults_Job.
    let got = created(
        json!({"kind": "CronJob", "apiVersion": "batch/v1", "metadata": {"name": "hello"},
        "spec": {"schedule": "*/1 * * * *", "jobTemplate": {"metadata": {"name": "hello"}, "spec": {"template": {
            "metadata": {}, "spec": {"containers": [{"name": "hello", "image": "busybox:1.28", "resources": {}}],
            "restartPolicy": "OnFailure"}}}}}, "status": {}}),
    );
    assert_json(
        &got,
        &json!({"kind": "CronJob", "apiVersion": "batch/v1",
        "metadata": {"name": "hello", "generation": 1},              // cronJobStrategy.PrepareForCreate
        "spec": {
            "concurrencyPolicy": "Allow",                            // SetDefaults_CronJob
            "failedJobsHistoryLimit": 1,                             // SetDefaults_CronJob
            "jobTemplate": {"metadata": {"name": "hello"}, "spec": {"template": {"metadata": {}, "spec": {
                "containers": [{"name": "hello", "image": "busybox:1.28", "imagePullPolicy": "IfNotPresent",
                    "resources": {}, "terminationMessagePath": "/dev/termination-log",
                    "terminationMessagePolicy": "File"}],
                "dnsPolicy": "ClusterFirst", "restartPolicy": "OnFailure", "schedulerName": "default-scheduler",
                "securityContext": {}, "terminationGracePeriodSeconds": 30}}}},
            "schedule": "*/1 * * * *",
            "successfulJobsHistoryLimit": 3,                         // SetDefaults_CronJob
            "suspend": false},                                       // SetDefaults_CronJob
        "status": {}}),
    );
}
