//! apps/v1 kinds: Deployment, ReplicaSet, DaemonSet, StatefulSet.

use serde_json::json;

use super::{create, deployment, invalid_message, set, template, unset, update};

#[test]
fn valid_deployment_passes() {
    assert_eq!(create(deployment("web", "web")), Vec::<String>::new());
}

#[test]
fn deployment_named_web_capitalised_is_rejected() {
    // `kubectl create deployment Web --image=nginx` on v1.32.
    assert_eq!(
        invalid_message(deployment("Web", "web")),
        "Deployment.apps \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
}

#[test]
fn selector_must_match_template_labels() {
    let d = set(
        deployment("web", "web"),
        "/spec/template/metadata/labels",
        json!({"app": "nginx"}),
    );
    assert_eq!(
        invalid_message(d),
        "Deployment.apps \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"
    );
}

#[test]
fn missing_selector_is_required_and_matches_nothing() {
    let d = unset(deployment("web", "web"), "/spec/selector");
    assert_eq!(
        create(d),
        vec![
            "spec.selector: Required value",
            "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`",
        ]
    );
}

#[test]
fn empty_selector_is_invalid() {
    let d = set(
        deployment("web", "web"),
        "/spec/selector",
        json!({"matchLabels": {}}),
    );
    assert_eq!(
        create(d),
        vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]
    );
}

#[test]
fn replicas_and_history_are_non_negative() {
    let d = set(
        set(deployment("web", "web"), "/spec/replicas", json!(-1)),
        "/spec/revisionHistoryLimit",
        json!(-2),
    );
    assert_eq!(
        create(d),
        vec![
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
            "spec.revisionHistoryLimit: Invalid value: -2: must be greater than or equal to 0",
        ]
    );
}

#[test]
fn rolling_update_needs_surge_or_unavailability() {
    let d = set(
        deployment("web", "web"),
        "/spec/strategy/rollingUpdate",
        json!({"maxUnavailable": 0, "maxSurge": 0}),
    );
    assert_eq!(
        create(d),
        vec!["spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0"]
    );
    let d = set(
        deployment("web", "web"),
        "/spec/strategy/rollingUpdate",
        json!({"maxUnavailable": "150%", "maxSurge": "x"}),
    );
    assert_eq!(
        create(d),
        vec![
            "spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"x\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%",
        ]
    );
}

#[test]
fn recreate_forbids_rolling_update_and_unknown_types_are_unsupported() {
    let d = set(
        deployment("web", "web"),
        "/spec/strategy/type",
        json!("Recreate"),
    );
    assert_eq!(create(d), vec!["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"]);
    let d = set(
        deployment("web", "web"),
        "/spec/strategy",
        json!({"type": "BlueGreen"}),
    );
    assert_eq!(
        create(d),
        vec!["spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"BlueGreen\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""]
    );
}

#[test]
fn progress_deadline_must_exceed_min_ready() {
    let d = set(
        set(
            deployment("web", "web"),
            "/spec/minReadySeconds",
            json!(600),
        ),
        "/spec/progressDeadlineSeconds",
        json!(600),
    );
    assert_eq!(create(d), vec!["spec.progressDeadlineSeconds: Invalid value: 600: must be greater than minReadySeconds"]);
}

#[test]
fn workload_templates_must_restart_always() {
    let d = set(
        deployment("web", "web"),
        "/spec/template/spec/restartPolicy",
        json!("Never"),
    );
    assert_eq!(create(d), vec!["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""]);
    let d = set(
        deployment("web", "web"),
        "/spec/template/spec/activeDeadlineSeconds",
        json!(10),
    );
    assert_eq!(create(d), vec!["spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"]);
}

#[test]
fn template_errors_use_template_paths() {
    let d = set(
        deployment("web", "web"),
        "/spec/template/spec/containers/0/image",
        json!(""),
    );
    assert_eq!(
        create(d),
        vec!["spec.template.spec.containers[0].image: Required value"]
    );
}

#[test]
fn deployment_selector_is_immutable() {
    let old = deployment("web", "web");
    let new = deployment("web", "web2");
    assert_eq!(
        update(new, old),
        vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"]
    );
    let scaled = set(deployment("web", "web"), "/spec/replicas", json!(5));
    assert_eq!(
        update(scaled, deployment("web", "web")),
        Vec::<String>::new()
    );
}

fn replica_set() -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "web-abc", "namespace": "default"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}}, "template": template("web")}})
}

#[test]
fn replica_set_rules_mirror_deployments() {
    assert_eq!(create(replica_set()), Vec::<String>::new());
    let rs = set(replica_set(), "/spec/selector", json!({"matchLabels": {}}));
    assert_eq!(
        create(rs),
        vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"]
    );
}

fn daemon_set() -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "agent", "namespace": "kube-system"},
           "spec": {"selector": {"matchLabels": {"app": "agent"}}, "template": template("agent"), "revisionHistoryLimit": 10,
                    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}}}})
}

#[test]
fn daemon_set_update_strategy_rules() {
    assert_eq!(create(daemon_set()), Vec::<String>::new());
    let ds = set(
        daemon_set(),
        "/spec/updateStrategy/rollingUpdate",
        json!({"maxUnavailable": 1, "maxSurge": 1}),
    );
    assert_eq!(
        create(ds),
        vec!["spec.updateStrategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when maxUnavailable is non-zero"]
    );
    // Upstream reports only the mismatch for a DaemonSet without a selector.
    let ds = unset(daemon_set(), "/spec/selector");
    assert_eq!(
        create(ds),
        vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"agent\"}: `selector` does not match template `labels`"]
    );
}

fn stateful_set(name: &str) -> serde_json::Value {
    json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": name, "namespace": "default"},
           "spec": {"replicas": 3, "serviceName": "db", "selector": {"matchLabels": {"app": "db"}}, "template": template("db"),
                    "podManagementPolicy": "OrderedReady", "revisionHistoryLimit": 10,
                    "updateStrategy": {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}},
                    "persistentVolumeClaimRetentionPolicy": {"whenDeleted": "Retain", "whenScaled": "Retain"}}})
}

#[test]
fn stateful_set_names_are_dns_labels() {
    assert_eq!(create(stateful_set("db")), Vec::<String>::new());
    assert_eq!(
        create(stateful_set("db.v1")),
        vec!["metadata.name: Invalid value: \"db.v1\": must not contain dots"]
    );
}

#[test]
fn stateful_set_update_may_only_touch_some_fields() {
    let old = stateful_set("db");
    let scaled = set(old.clone(), "/spec/replicas", json!(5));
    assert_eq!(update(scaled, old.clone()), Vec::<String>::new());
    let renamed = set(old.clone(), "/spec/serviceName", json!("db2"));
    assert_eq!(
        update(renamed, old),
        vec!["spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"]
    );
}

#[test]
fn stateful_set_policies_are_enums() {
    let s = set(
        stateful_set("db"),
        "/spec/podManagementPolicy",
        json!("Random"),
    );
    assert_eq!(create(s), vec!["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"]);
}
