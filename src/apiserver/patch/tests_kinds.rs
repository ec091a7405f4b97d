//! Per-kind behaviour: the schema table against v1.32's struct tags, and strategic, JSON and
//! merge patches of real kinds against results recorded from kubectl v1.32 (`kubectl patch
//! --local` runs the API server's patch code), in `testdata/kubectl_patch_local.yaml`.

use serde_json::{json, Value};

use super::schema::{list_strategy, ListStrategy, PatchStrategy, Schema};
use super::{json_merge_patch, json_patch, strategic_merge_patch};

/// Every recorded `kubectl patch --local` case gives kubectl's object or error message.
#[test]
fn patches_match_recorded_kubectl() {
    let text = include_str!("testdata/kubectl_patch_local.yaml");
    let data: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
    let cases = data["cases"].as_array().map(Vec::as_slice).unwrap_or(&[]);
    assert!(cases.len() > 20, "the fixture did not load");
    for case in cases {
        let target = &data["targets"][case["target"].as_str().unwrap_or("")];
        let kind = target["kind"].as_str().unwrap_or("");
        let patch = &case["patch"];
        let got = match case["type"].as_str() {
            Some("strategic") => strategic_merge_patch(kind, target, patch),
            Some("json") => json_patch(target, patch),
            _ => Ok(json_merge_patch(target, patch)),
        };
        let got = got.map_err(|e| e.trim_end().to_string());
        let want = match case["error"].as_str() {
            Some(e) => Err(e.trim_end().to_string()),
            None => Ok(case["result"].clone()),
        };
        assert_eq!(got, want, "{} {}", case["type"], patch);
    }
}

/// The API server decodes a strategic patch into a map first, so a list is rejected with
/// Go's decode message (a 400).
#[test]
fn a_strategic_patch_must_be_an_object() {
    let pod = json!({"kind": "Pod", "metadata": {"name": "p"}});
    let err = "json: cannot unmarshal array into Go value of type map[string]interface {}";
    assert_eq!(
        strategic_merge_patch("Pod", &pod, &json!([1])),
        Err(err.to_string())
    );
    assert_eq!(strategic_merge_patch("Pod", &pod, &Value::Null), Ok(pod));
}

/// The merge keys of v1.32's struct tags, one row per tagged list of each served kind.
#[test]
fn merge_keys_follow_the_v1_32_struct_tags() {
    let by_key = |key| ListStrategy::MergeByKey {
        key,
        retain_keys: false,
    };
    let rows: &[(&str, &[&str], ListStrategy)] = &[
        ("Pod", &["spec", "containers"], by_key("name")),
        ("Pod", &["spec", "initContainers", "env"], by_key("name")),
        (
            "Pod",
            &["spec", "ephemeralContainers", "volumeMounts"],
            by_key("mountPath"),
        ),
        (
            "Pod",
            &["spec", "containers", "ports"],
            by_key("containerPort"),
        ),
        (
            "Pod",
            &["spec", "containers", "volumeDevices"],
            by_key("devicePath"),
        ),
        (
            "Pod",
            &["spec", "containers", "envFrom"],
            ListStrategy::Replace,
        ),
        (
            "Pod",
            &["spec", "volumes"],
            ListStrategy::MergeByKey {
                key: "name",
                retain_keys: true,
            },
        ),
        ("Pod", &["spec", "tolerations"], ListStrategy::Replace),
        ("Pod", &["spec", "hostAliases"], by_key("ip")),
        (
            "Pod",
            &["spec", "topologySpreadConstraints"],
            by_key("topologyKey"),
        ),
        ("Pod", &["spec", "imagePullSecrets"], by_key("name")),
        ("Pod", &["status", "conditions"], by_key("type")),
        ("Pod", &["status", "podIPs"], by_key("ip")),
        (
            "Pod",
            &["status", "containerStatuses"],
            ListStrategy::Replace,
        ),
        (
            "Pod",
            &["metadata", "finalizers"],
            ListStrategy::MergePrimitives,
        ),
        ("Pod", &["metadata", "ownerReferences"], by_key("uid")),
        (
            "Deployment",
            &["spec", "template", "spec", "containers"],
            by_key("name"),
        ),
        (
            "Deployment",
            &["spec", "template", "metadata", "finalizers"],
            ListStrategy::MergePrimitives,
        ),
        ("Deployment", &["status", "conditions"], by_key("type")),
        (
            "StatefulSet",
            &["spec", "volumeClaimTemplates"],
            ListStrategy::Replace,
        ),
        (
            "StatefulSet",
            &["spec", "volumeClaimTemplates", "status", "conditions"],
            by_key("type"),
        ),
        (
            "CronJob",
            &[
                "spec",
                "jobTemplate",
                "spec",
                "template",
                "spec",
                "containers",
                "env",
            ],
            by_key("name"),
        ),
        ("Job", &["status", "conditions"], by_key("type")),
        ("Service", &["spec", "ports"], by_key("port")),
        ("Node", &["spec", "taints"], ListStrategy::Replace),
        ("Node", &["spec", "podCIDRs"], ListStrategy::MergePrimitives),
        ("Node", &["status", "addresses"], by_key("type")),
        ("ServiceAccount", &["secrets"], by_key("name")),
        (
            "ServiceAccount",
            &["imagePullSecrets"],
            ListStrategy::Replace,
        ),
        ("Endpoints", &["subsets"], ListStrategy::Replace),
        ("EndpointSlice", &["endpoints"], ListStrategy::Replace),
        (
            "PersistentVolumeClaim",
            &["status", "conditions"],
            by_key("type"),
        ),
        ("Namespace", &["spec", "finalizers"], ListStrategy::Replace),
        (
            "ConfigMap",
            &["metadata", "finalizers"],
            ListStrategy::MergePrimitives,
        ),
    ];
    for (kind, path, want) in rows {
        assert_eq!(list_strategy(kind, path), *want, "{kind} {path:?}");
    }
}

/// Deployment `spec.strategy` is `retainKeys`; PodDisruptionBudget `spec.selector` is
/// `replace`.
#[test]
fn map_strategies_follow_the_struct_tags() {
    let deploy = Schema::for_kind("Deployment").lookup(&["spec", "strategy"]);
    assert_eq!(deploy.map(|m| m.retain_keys), Some(true));
    let pdb = Schema::for_kind("PodDisruptionBudget").lookup(&["spec", "selector"]);
    assert_eq!(pdb.map(|m| m.strategy), Some(PatchStrategy::Replace));
}
