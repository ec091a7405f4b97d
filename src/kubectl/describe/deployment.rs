//! `kubectl describe deployment` (upstream v1.32 `DeploymentDescriber`,
//! `describeDeployment`, `printReplicaSetsByLabels`), and the ReplicaSets it names, found
//! the way kubectl's `deploymentutil.GetAllReplicaSets` does: the ReplicaSets matching its
//! selector and controlled by it, sorted by creation; the new one is the oldest whose
//! template equals the Deployment's once the `pod-template-hash` label is set aside, and
//! the old ones are the others that still want replicas.

use std::rc::Rc;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::Value;

use super::containers::int_or_string;
use super::events;
use super::multiline::{print_annotations, print_labels};
use super::template::{describe_pod_template, selector_text};
use super::workload::conditions;
use super::writer::{rfc1123z, PrefixWriter, LEVEL_0};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// `describeDeployment`.
pub(super) fn describe_deployment(env: &Env, d: &Deployment) -> String {
    let meta = &d.metadata;
    let spec = d.spec.clone().unwrap_or_default();
    let status = d.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::Deployment, meta);
    let (old, new) = replica_sets_of(env, d);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(meta.creation_timestamp.as_ref())
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} desired | {} updated | {} total | {} available | {} unavailable\n",
        spec.replicas.unwrap_or(1),
        status.updated_replicas.unwrap_or(0),
        status.replicas.unwrap_or(0),
        status.available_replicas.unwrap_or(0),
        status.unavailable_replicas.unwrap_or(0)
    );
    let strategy = spec.strategy.clone().unwrap_or_default();
    put!(
        w,
        LEVEL_0,
        "StrategyType:\t{}\n",
        strategy.type_.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "MinReadySeconds:\t{}\n",
        spec.min_ready_seconds.unwrap_or(0)
    );
    if let Some(ru) = &strategy.rolling_update {
        let text = |v: &Option<_>| v.as_ref().map_or("<nil>".to_string(), int_or_string);
        put!(
            w,
            LEVEL_0,
            "RollingUpdateStrategy:\t{} max unavailable, {} max surge\n",
            text(&ru.max_unavailable),
            text(&ru.max_surge)
        );
    }
    describe_pod_template(&mut w, &spec.template);
    conditions(
        &mut w,
        status
            .conditions
            .iter()
            .flatten()
            .map(|c| {
                (
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
    );
    if !old.is_empty() || !new.is_empty() {
        put!(w, LEVEL_0, "OldReplicaSets:\t{}\n", replica_sets_text(&old));
        put!(w, LEVEL_0, "NewReplicaSet:\t{}\n", replica_sets_text(&new));
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `printReplicaSetsByLabels`: `web-5d4f8 (3/3 replicas created), ...` or `<none>`.
fn replica_sets_text(sets: &[ReplicaSet]) -> String {
    let texts: Vec<String> = sets
        .iter()
        .map(|rs| {
            format!(
                "{} ({}/{} replicas created)",
                rs.metadata.name.as_deref().unwrap_or(""),
                rs.status.as_ref().map_or(0, |s| s.replicas),
                rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1)
            )
        })
        .collect();
    if texts.is_empty() {
        "<none>".to_string()
    } else {
        texts.join(", ")
    }
}

/// `deploymentutil.GetAllReplicaSets`: (old ReplicaSets that still want replicas, the new
/// one if any).
fn replica_sets_of(env: &Env, d: &Deployment) -> (Vec<ReplicaSet>, Vec<ReplicaSet>) {
    let namespace = d.metadata.namespace.as_deref().unwrap_or("");
    let Some(spec) = &d.spec else {
        return (Vec::new(), Vec::new());
    };
    let Ok(selector) = LabelSelector::from_label_selector(&spec.selector) else {
        return (Vec::new(), Vec::new());
    };
    let opts = ListOptions {
        label_selector: Some(selector),
        ..Default::default()
    };
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::ReplicaSet, Some(namespace), &opts)
        .unwrap_or_default();
    let mut owned: Vec<ReplicaSet> = listed
        .iter()
        .filter_map(|o| match &**o {
            Object::ReplicaSet(rs) => Some(rs.clone()),
            _ => None,
        })
        .filter(|rs| {
            rs.metadata
                .owner_references
                .iter()
                .flatten()
                .any(|r| r.controller == Some(true) && Some(&r.uid) == d.metadata.uid.as_ref())
        })
        .collect();
    owned.sort_by(|a, b| {
        let key = |rs: &ReplicaSet| {
            (
                rs.metadata.creation_timestamp.as_ref().map(|t| t.0),
                rs.metadata.name.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let new_index = owned.iter().position(|rs| {
        rs.spec
            .as_ref()
            .is_some_and(|s| templates_equal(s.template.as_ref(), Some(&spec.template)))
    });
    let mut new = Vec::new();
    if let Some(i) = new_index {
        new.push(owned.remove(i));
    }
    let old = owned
        .into_iter()
        .filter(|rs| rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) != 0)
        .collect();
    (old, new)
}

/// `equalIgnoreHash`: templates semantically equal once the `pod-template-hash` label is
/// removed (absent, null, empty lists and empty maps count as the same).
fn templates_equal(a: Option<&PodTemplateSpec>, b: Option<&PodTemplateSpec>) -> bool {
    let norm = |t: Option<&PodTemplateSpec>| {
        let mut v = serde_json::to_value(t.cloned().unwrap_or_default()).unwrap_or(Value::Null);
        if let Some(labels) = v
            .pointer_mut("/metadata/labels")
            .and_then(Value::as_object_mut)
        {
            labels.remove("pod-template-hash");
        }
        prune(v)
    };
    norm(a) == norm(b)
}

/// Drops nulls, empty objects and empty arrays, recursively.
fn prune(v: Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, prune(v)))
                .filter(|(_, v)| !is_empty(v))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(prune).collect()),
        other => other,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Object(m) => m.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}
