//! End-to-end validation tests: manifests as a v1.32 API server would hold them after
//! defaulting, and the exact messages `kubectl` would print for them. One submodule per
//! API group; the helpers here build defaulted objects.

mod apps_kinds;
mod batch_kinds;
mod core_kinds;
mod other_kinds;

use serde_json::{json, Value};

use super::{validate_create, validate_update};
use crate::apiserver::errors::ApiError;
use crate::model::Object;

/// Decodes a manifest; test manifests are always well-formed.
fn obj(v: Value) -> Object {
    match Object::from_manifest(v) {
        Ok(o) => o,
        Err(e) => panic!("bad test manifest: {e:?}"),
    }
}

/// The create-time messages for a manifest.
fn create(v: Value) -> Vec<String> {
    validate_create(&obj(v))
        .iter()
        .map(|e| e.to_string())
        .collect()
}

/// The update-time messages for a change from `old` to `new`.
fn update(new: Value, old: Value) -> Vec<String> {
    validate_update(&obj(new), &obj(old))
        .iter()
        .map(|e| e.to_string())
        .collect()
}

/// The full `kubectl` error line for a rejected create.
fn invalid_message(v: Value) -> String {
    let o = obj(v);
    let info = o.kind().info();
    let kind = if info.group.is_empty() {
        info.kind.to_string()
    } else {
        format!("{}.{}", info.kind, info.group)
    };
    ApiError::Invalid {
        kind,
        name: o.name().to_string(),
        errors: validate_create(&o),
    }
    .to_string()
}

/// A container as defaulting leaves it.
fn container(name: &str, image: &str) -> Value {
    json!({"name": name, "image": image, "imagePullPolicy": "IfNotPresent",
           "terminationMessagePath": "/dev/termination-log", "terminationMessagePolicy": "File",
           "resources": {}})
}

/// A pod spec as defaulting leaves it, with the given containers.
fn pod_spec(containers: Value) -> Value {
    json!({"containers": containers, "restartPolicy": "Always", "dnsPolicy": "ClusterFirst",
           "terminationGracePeriodSeconds": 30, "schedulerName": "default-scheduler",
           "securityContext": {}, "serviceAccountName": "default", "enableServiceLinks": true})
}

/// A defaulted pod template labelled `app: <app>`.
fn template(app: &str) -> Value {
    json!({"metadata": {"labels": {"app": app}}, "spec": pod_spec(json!([container("web", "nginx:1.27")]))})
}

/// A defaulted pod in `default`.
fn pod(name: &str, containers: Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"}, "spec": pod_spec(containers)})
}

/// A defaulted Deployment `name` selecting `app: <app>`.
fn deployment(name: &str, app: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": app}}, "template": template(app),
                    "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                    "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600}})
}

/// Sets a JSON pointer path in a value (test manifests are edited in place).
fn set(mut v: Value, pointer: &str, new: Value) -> Value {
    if let Some(slot) = v.pointer_mut(pointer) {
        *slot = new;
    } else {
        let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::Object(m)) = v.pointer_mut(parent) {
            m.insert(key.to_string(), new);
        }
    }
    v
}

/// Removes a JSON pointer path.
fn unset(mut v: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    if let Some(Value::Object(m)) = v.pointer_mut(parent) {
        m.remove(key);
    }
    v
}
