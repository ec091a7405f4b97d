//! Manifest-in, defaulted-JSON-out tests for `apps/v1`. Each expected value names the
//! upstream function that sets it.

use super::super::test_support::{assert_json, created, defaulted};
use serde_json::{json, Value};

/// The pod template every apps test uses, and what `SetDefaults_PodSpec` and
/// `SetDefaults_Container` make of it.
fn template() -> Value {
    json!({"metadata": {"labels": {"app": "nginx"}},
           "spec": {"containers": [{"name": "nginx", "image": "nginx:1.7.9", "resources": {}}]}})
}

fn defaulted_template() -> Value {
    json!({"metadata": {"labels": {"app": "nginx"}},
        "spec": {
            "containers": [{"name": "nginx", "image": "nginx:1.7.9",
                "imagePullPolicy": "IfNotPresent",                // SetDefaults_Container: tag is not latest
                "resources": {},
                "terminationMessagePath": "/dev/termination-log", // SetDefaults_Container
                "terminationMessagePolicy": "File"}],             // SetDefaults_Container
            "dnsPolicy": "ClusterFirst",                          // SetDefaults_PodSpec
            "restartPolicy": "Always",                            // SetDefaults_PodSpec
            "schedulerName": "default-scheduler",                 // SetDefaults_PodSpec
            "securityContext": {},                                // SetDefaults_PodSpec
            "terminationGracePeriodSeconds": 30}}) // SetDefaults_PodSpec
}

#[test]
fn kubectl_create_deployment_nginx() {
    // `kubectl create deployment nginx --image=nginx:1.7.9` sends this (its dry-run
    // output); `kubectl get deploy nginx -o yaml` on v1.32 shows the spec below.
    let got = created(json!({"kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "nginx", "creationTimestamp": null, "labels": {"app": "nginx"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "nginx"}}, "template": template(), "strategy": {}},
        "status": {}}));
    assert_json(
        &got,
        &json!({"kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": "nginx", "labels": {"app": "nginx"}, "generation": 1}, // deploymentStrategy.PrepareForCreate
        "spec": {
            "progressDeadlineSeconds": 600,                      // SetDefaults_Deployment
            "replicas": 1,
            "revisionHistoryLimit": 10,                          // SetDefaults_Deployment
            "selector": {"matchLabels": {"app": "nginx"}},
            "strategy": {"type": "RollingUpdate",                // SetDefaults_Deployment
                "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": defaulted_template()},
        "status": {}}),
    );
}

#[test]
fn deployment_replicas_and_recreate_strategy() {
    // SetDefaults_Deployment: replicas 1 when unset; Recreate gets no rollingUpdate.
    let got = defaulted(
        json!({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "d"},
        "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "template": template(), "strategy": {"type": "Recreate"}}}),
    );
    assert_eq!(got["spec"]["replicas"], 1);
    assert_json(&got["spec"]["strategy"], &json!({"type": "Recreate"}));
    // Explicit rolling-update values are kept; only the missing one is defaulted.
    let got = defaulted(
        json!({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "d"},
        "spec": {"replicas": 3, "selector": {}, "template": template(),
                 "strategy": {"rollingUpdate": {"maxSurge": 1}}}}),
    );
    assert_eq!(got["spec"]["replicas"], 3);
    assert_json(
        &got["spec"]["strategy"],
        &json!({"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}}),
    );
}

#[test]
fn replica_set_defaults_and_create() {
    let got = created(
        json!({"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": {"name": "rs"},
        "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "template": template()}}),
    );
    assert_json(
        &got["spec"],
        &json!({"replicas": 1,             // SetDefaults_ReplicaSet
        "selector": {"matchLabels": {"app": "nginx"}}, "template": defaulted_template()}),
    );
    assert_json(&got["status"], &json!({"replicas": 0})); // replicas is not omitempty
    assert_eq!(got["metadata"]["generation"], 1);
}

#[test]
fn daemon_set_defaults_and_create() {
    let got = created(
        json!({"kind": "DaemonSet", "apiVersion": "apps/v1", "metadata": {"name": "ds"},
        "spec": {"selector": {"matchLabels": {"app": "nginx"}}, "template": template()}}),
    );
    assert_json(
        &got["spec"],
        &json!({
        "revisionHistoryLimit": 10,                               // SetDefaults_DaemonSet
        "selector": {"matchLabels": {"app": "nginx"}}, "template": defaulted_template(),
        "updateStrategy": {"type": "RollingUpdate",               // SetDefaults_DaemonSet
            "rollingUpdate": {"maxSurge": 0, "maxUnavailable": 1}}}),
    );
    // daemonSetStrategy.PrepareForCreate: templateGeneration 1, shown as an annotation.
    assert_json(
        &got["metadata"],
        &json!({"name": "ds", "generation": 1,
        "annotations": {"deprecated.daemonset.template.generation": "1"}}),
    );
    assert_json(
        &got["status"],
        &json!({"currentNumberScheduled": 0, "desiredNumberScheduled": 0,
        "numberMisscheduled": 0, "numberReady": 0}),
    );
}

#[test]
fn stateful_set_defaults_claim_templates() {
    let got = created(
        json!({"kind": "StatefulSet", "apiVersion": "apps/v1", "metadata": {"name": "web"},
        "spec": {"serviceName": "nginx", "selector": {"matchLabels": {"app": "nginx"}}, "template": template(),
            "volumeClaimTemplates": [{"metadata": {"name": "www"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}]}}),
    );
    assert_json(
        &got["spec"],
        &json!({
        "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}, // SetDefaults_StatefulSet
        "podManagementPolicy": "OrderedReady",                    // SetDefaults_StatefulSet
        "replicas": 1,                                            // SetDefaults_StatefulSet
        "revisionHistoryLimit": 10,                               // SetDefaults_StatefulSet
        "selector": {"matchLabels": {"app": "nginx"}},
        "serviceName": "nginx",
        "template": defaulted_template(),
        "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}, // SetDefaults_StatefulSet
        "volumeClaimTemplates": [{"apiVersion": "v1", "kind": "PersistentVolumeClaim", // apps/v1 conversion
            "metadata": {"name": "www"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}},
                     "volumeMode": "Filesystem"},                 // SetDefaults_PersistentVolumeClaimSpec
            "status": {"phase": "Pending"}}]}),
    ); // SetDefaults_PersistentVolumeClaim
    assert_json(
        &got["status"],
        &json!({"availableReplicas": 0, "replicas": 0}),
    );
}

#[test]
fn stateful_set_explicit_rolling_update_type_gets_no_partition() {
    // SetDefaults_StatefulSet creates rollingUpdate only when the type was unset.
    let got = defaulted(
        json!({"kind": "StatefulSet", "apiVersion": "apps/v1", "metadata": {"name": "s"},
        "spec": {"selector": {}, "template": template(), "updateStrategy": {"type": "RollingUpdate"}}}),
    );
    assert_json(
        &got["spec"]["updateStrategy"],
        &json!({"type": "RollingUpdate"}),
    );
    let got = defaulted(
        json!({"kind": "StatefulSet", "apiVersion": "apps/v1", "metadata": {"name": "s"},
        "spec": {"selector": {}, "template": template(), "updateStrategy": {"type": "OnDelete"}}}),
    );
    assert_json(&got["spec"]["updateStrategy"], &json!({"type": "OnDelete"}));
}
