//! `kubectl apply` scenarios whose expected patches were recorded from real kubectl v1.32
//! (client-side apply against a fake API server serving `current`), plus checks of what the
//! API server makes of those patches.
//!
//! `<new>` in a recorded patch stands for the new last-applied annotation, which kubectl
//! writes as the manifest's compact JSON with `"annotations":{}` and a final newline.

use serde_json::{json, Value};

use super::{is_empty_patch, strategic_merge_patch, three_way_merge_patch};

const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// The annotation kubectl writes for `manifest` (`GetModifiedConfiguration`).
fn last_applied(manifest: &Value) -> String {
    let mut m = manifest.clone();
    m["metadata"]["annotations"] = json!({});
    format!("{m}\n")
}

fn deployment(image: &str) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web", "tier": "frontend"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [
                    {"name": "nginx", "image": image, "ports": [{"containerPort": 80}]},
                    {"name": "log", "image": "busybox", "env": [{"name": "A", "value": "1"}]}
                ]}
            }
        }
    })
}

/// The live object after the API server stored `manifest`: the annotation, server fields
/// and, for a Deployment, defaults and status.
fn live(manifest: &Value) -> Value {
    let mut o = manifest.clone();
    o["metadata"]["annotations"] = json!({ LAST_APPLIED: last_applied(manifest) });
    o["metadata"]["uid"] = json!("u-1");
    o["metadata"]["resourceVersion"] = json!("7");
    if o["kind"] != "Deployment" {
        return o;
    }
    let spec = &mut o["spec"];
    if spec["strategy"].is_null() {
        spec["strategy"] = json!({"type": "RollingUpdate"});
    }
    if spec["strategy"]["type"] == "RollingUpdate" && spec["strategy"]["rollingUpdate"].is_null() {
        spec["strategy"]["rollingUpdate"] = json!({"maxSurge": "25%", "maxUnavailable": "25%"});
    }
    if spec["replicas"].is_null() {
        spec["replicas"] = json!(1);
    }
    spec["template"]["spec"]["restartPolicy"] = json!("Always");
    for c in spec["template"]["spec"]["containers"]
        .as_array_mut()
        .into_iter()
        .flatten()
    {
        c["imagePullPolicy"] = json!("IfNotPresent");
        c["terminationMessagePath"] = json!("/dev/termination-log");
        for p in c["ports"].as_array_mut().into_iter().flatten() {
            p["protocol"] = json!("TCP");
        }
    }
    o["status"] = json!({"replicas": 3, "conditions": [{"type": "Available", "status": "True"}]});
    o
}

/// One client-side `kubectl apply` of `manifest` over `current`: the patch and the object
/// the API server makes of it.
fn apply(manifest: &Value, current: &Value) -> (Value, Value) {
    let original: Option<Value> = current["metadata"]["annotations"][LAST_APPLIED]
        .as_str()
        .and_then(|s| serde_json::from_str(s).ok());
    let mut modified = manifest.clone();
    modified["metadata"]["annotations"] = json!({ LAST_APPLIED: last_applied(manifest) });
    let kind = manifest["kind"].as_str().unwrap_or("");
    let patch = three_way_merge_patch(kind, original.as_ref(), &modified, current);
    let patch = patch.unwrap_or(Value::Null);
    let result = strategic_merge_patch(kind, current, &patch).unwrap_or(Value::Null);
    (patch, result)
}

fn edit(v: &Value, f: impl FnOnce(&mut Value)) -> Value {
    let mut v = v.clone();
    f(&mut v);
    v
}

/// Each scenario's patch is the one kubectl v1.32 sent, and `{}` exactly when kubectl
/// printed `unchanged`.
#[test]
fn apply_patches_match_recorded_kubectl() {
    let d16 = deployment("nginx:1.16");
    let no_replicas = edit(&d16, |m| {
        m["spec"].as_object_mut().map(|s| s.remove("replicas"));
    });
    let rolling = edit(&d16, |m| {
        m["spec"]["strategy"] = json!({"type": "RollingUpdate"})
    });
    let svc = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
        "spec": {"selector": {"app": "web"}, "ports": [
            {"name": "a", "port": 53, "protocol": "TCP"}, {"name": "b", "port": 53, "protocol": "UDP"}]}});
    let pdb = json!({"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": "p", "namespace": "default"},
        "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "web"}}}});
    let with_finalizers = edit(&d16, |m| m["metadata"]["finalizers"] = json!(["a", "b"]));
    let scenarios: Vec<(&str, Value, Value, &str)> = vec![
        (
            "image",
            live(&d16),
            deployment("nginx:1.17"),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"log"}],"containers":[{"image":"nginx:1.17","name":"nginx"}]}}}}"#,
        ),
        ("same", live(&d16), d16.clone(), "{}"),
        (
            "labels",
            edit(&live(&d16), |c| {
                c["metadata"]["labels"]["team"] = json!("blue")
            }),
            edit(&d16, |m| m["metadata"]["labels"] = json!({"app": "web"})),
            r#"{"metadata":{"annotations":{"L":"<new>"},"labels":{"tier":null}}}"#,
        ),
        (
            "scaled",
            edit(&live(&d16), |c| c["spec"]["replicas"] = json!(5)),
            d16.clone(),
            r#"{"spec":{"replicas":3}}"#,
        ),
        (
            "scaled, no replicas in manifest",
            edit(&live(&no_replicas), |c| c["spec"]["replicas"] = json!(5)),
            no_replicas.clone(),
            "{}",
        ),
        (
            "replicas dropped",
            live(&d16),
            no_replicas.clone(),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"replicas":null}}"#,
        ),
        (
            "containers",
            live(&d16),
            edit(&d16, |m| {
                m["spec"]["template"]["spec"]["containers"] = json!([
                {"name": "nginx", "image": "nginx:1.16", "ports": [{"containerPort": 80}]},
                {"name": "proxy", "image": "envoy"}])
            }),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"proxy"}],"containers":[{"image":"envoy","name":"proxy"},{"$patch":"delete","name":"log"}]}}}}"#,
        ),
        (
            "env",
            live(&d16),
            edit(&d16, |m| {
                m["spec"]["template"]["spec"]["containers"][1]["env"] =
                    json!([{"name": "B", "value": "2"}])
            }),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"log"}],"containers":[{"$setElementOrder/env":[{"name":"B"}],"env":[{"name":"B","value":"2"},{"$patch":"delete","name":"A"}],"name":"log"}]}}}}"#,
        ),
        (
            "recreate",
            live(&d16),
            edit(&d16, |m| {
                m["spec"]["strategy"] = json!({"type": "Recreate"})
            }),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"#,
        ),
        // retainKeys clears the defaulted rollingUpdate every time: never `unchanged`.
        (
            "strategy type given",
            live(&rolling),
            rolling.clone(),
            r#"{"spec":{"strategy":{"$retainKeys":["type"]}}}"#,
        ),
        (
            "reorder",
            live(&d16),
            edit(&d16, |m| {
                if let Some(c) = m["spec"]["template"]["spec"]["containers"].as_array_mut() {
                    c.reverse();
                }
            }),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"log"},{"name":"nginx"}]}}}}"#,
        ),
        (
            "finalizers reordered",
            live(&with_finalizers),
            edit(&d16, |m| m["metadata"]["finalizers"] = json!(["b", "a"])),
            r#"{"metadata":{"$setElementOrder/finalizers":["b","a"],"annotations":{"L":"<new>"}}}"#,
        ),
        // patchStrategy "replace" sends the selector whole: a PDB is never `unchanged`.
        (
            "pdb",
            live(&pdb),
            pdb.clone(),
            r#"{"spec":{"selector":{"matchLabels":{"app":"web"}}}}"#,
        ),
        // Two ports share the merge key 53: dropping one deletes by port number.
        (
            "service ports",
            live(&svc),
            edit(&svc, |m| {
                m["spec"]["ports"] = json!([{"name": "a", "port": 53, "protocol": "TCP"}])
            }),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"$setElementOrder/ports":[{"port":53}],"ports":[{"$patch":"delete","name":"a","port":53,"protocol":"TCP"}]}}"#,
        ),
        (
            "no annotation",
            edit(&live(&d16), |c| {
                c["metadata"]["annotations"] = json!({});
                c["metadata"]["labels"]["extra"] = json!("x");
            }),
            deployment("nginx:1.17"),
            r#"{"metadata":{"annotations":{"L":"<new>"}},"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"nginx"},{"name":"log"}],"containers":[{"image":"nginx:1.17","name":"nginx"}]}}}}"#,
        ),
    ];
    for (name, current, manifest, recorded) in scenarios {
        let recorded = recorded.replace("\"L\"", &format!("{LAST_APPLIED:?}"));
        let mut want: Value = serde_json::from_str(&recorded).unwrap_or(Value::Null);
        if want["metadata"]["annotations"][LAST_APPLIED] == "<new>" {
            want["metadata"]["annotations"][LAST_APPLIED] = json!(last_applied(&manifest));
        }
        let (patch, _) = apply(&manifest, &current);
        assert_eq!(patch, want, "{name}");
        assert_eq!(is_empty_patch(&patch), recorded == "{}", "{name}");
    }
}

/// The rolling update: the patched object has the new image and keeps defaults, status
/// and the other container as they were.
#[test]
fn an_image_change_keeps_everything_else() {
    let current = live(&deployment("nginx:1.16"));
    let manifest = deployment("nginx:1.17");
    let (_, result) = apply(&manifest, &current);
    let mut want = current.clone();
    want["metadata"]["annotations"][LAST_APPLIED] = json!(last_applied(&manifest));
    want["spec"]["template"]["spec"]["containers"][0]["image"] = json!("nginx:1.17");
    assert_eq!(result, want);
}

/// A label removed from the manifest is deleted; one added by `kubectl label` survives;
/// scaled replicas revert only when the manifest sets them.
#[test]
fn applied_results_keep_what_others_set() {
    let d16 = deployment("nginx:1.16");
    let current = edit(&live(&d16), |c| {
        c["metadata"]["labels"]["team"] = json!("blue")
    });
    let manifest = edit(&d16, |m| m["metadata"]["labels"] = json!({"app": "web"}));
    let (_, result) = apply(&manifest, &current);
    assert_eq!(
        result["metadata"]["labels"],
        json!({"app": "web", "team": "blue"})
    );

    let (_, result) = apply(
        &d16,
        &edit(&live(&d16), |c| c["spec"]["replicas"] = json!(5)),
    );
    assert_eq!(result["spec"]["replicas"], json!(3));
    let no_replicas = edit(&d16, |m| {
        m["spec"].as_object_mut().map(|s| s.remove("replicas"));
    });
    let scaled = edit(&live(&no_replicas), |c| c["spec"]["replicas"] = json!(5));
    let (_, result) = apply(&no_replicas, &scaled);
    assert_eq!(result["spec"]["replicas"], json!(5));
}

/// Containers merge by name on the server: a removed one goes, an added one is appended
/// after the kept one, and the kept one keeps its defaults; switching to `Recreate` drops
/// the defaulted `rollingUpdate` through `$retainKeys`.
#[test]
fn applied_results_merge_containers_and_retain_keys() {
    let d16 = deployment("nginx:1.16");
    let manifest = edit(&d16, |m| {
        m["spec"]["template"]["spec"]["containers"] = json!([
            {"name": "nginx", "image": "nginx:1.16", "ports": [{"containerPort": 80}]},
            {"name": "proxy", "image": "envoy"}
        ])
    });
    let (_, result) = apply(&manifest, &live(&d16));
    let containers = &result["spec"]["template"]["spec"]["containers"];
    assert_eq!(containers[0]["imagePullPolicy"], json!("IfNotPresent"));
    assert_eq!(containers[1], json!({"name": "proxy", "image": "envoy"}));
    assert_eq!(containers.as_array().map(Vec::len), Some(2));

    let manifest = edit(&d16, |m| {
        m["spec"]["strategy"] = json!({"type": "Recreate"})
    });
    let (_, result) = apply(&manifest, &live(&d16));
    assert_eq!(result["spec"]["strategy"], json!({"type": "Recreate"}));
}
