//! Rows for apps/v1 kinds: ReplicaSet, Deployment, DaemonSet, StatefulSet and
//! ControllerRevision, ported from upstream's `printReplicaSet`,
//! `printDeployment`, `printDaemonSet`, `printStatefulSet` and
//! `printControllerRevision`.
//!
//! Desired replica counts fall back to 1, the value the API server defaults
//! `spec.replicas` to.

use chrono::{DateTime, Utc};
use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};

use super::duration::translate_timestamp_since;
use super::format::{
    container_cells, format_label_selector, format_labels, selector_string, template_containers,
};

/// All cells of a ReplicaSet's row: NAME, DESIRED, CURRENT, READY, AGE and
/// the wide CONTAINERS, IMAGES, SELECTOR.
pub fn replica_set_row(rs: &ReplicaSet, now: DateTime<Utc>) -> Vec<String> {
    let spec = rs.spec.as_ref();
    let status = rs.status.as_ref();
    let (names, images) =
        container_cells(template_containers(spec.and_then(|s| s.template.as_ref())));
    vec![
        rs.metadata.name.clone().unwrap_or_default(),
        spec.and_then(|s| s.replicas).unwrap_or(1).to_string(),
        status.map_or(0, |s| s.replicas).to_string(),
        status
            .and_then(|s| s.ready_replicas)
            .unwrap_or(0)
            .to_string(),
        translate_timestamp_since(rs.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
        format_label_selector(spec.map(|s| &s.selector)),
    ]
}

/// All cells of a Deployment's row: NAME, READY (`ready/desired`),
/// UP-TO-DATE, AVAILABLE, AGE and the wide CONTAINERS, IMAGES, SELECTOR.
///
/// Unlike the other kinds, SELECTOR is the bare selector string: empty for an
/// empty selector and `<invalid>` for an invalid one.
pub fn deployment_row(deploy: &Deployment, now: DateTime<Utc>) -> Vec<String> {
    let spec = deploy.spec.as_ref();
    let status = deploy.status.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let ready = status.and_then(|s| s.ready_replicas).unwrap_or(0);
    let (names, images) = container_cells(
        spec.and_then(|s| s.template.spec.as_ref())
            .map_or(&[], |s| &s.containers),
    );
    let selector =
        selector_string(spec.map(|s| &s.selector)).unwrap_or_else(|_| "<invalid>".to_string());
    vec![
        deploy.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{desired}"),
        status
            .and_then(|s| s.updated_replicas)
            .unwrap_or(0)
            .to_string(),
        status
            .and_then(|s| s.available_replicas)
            .unwrap_or(0)
            .to_string(),
        translate_timestamp_since(deploy.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
        selector,
    ]
}

/// All cells of a DaemonSet's row: NAME, DESIRED, CURRENT, READY,
/// UP-TO-DATE, AVAILABLE, NODE SELECTOR, AGE and the wide CONTAINERS,
/// IMAGES, SELECTOR.
pub fn daemon_set_row(ds: &DaemonSet, now: DateTime<Utc>) -> Vec<String> {
    let spec = ds.spec.as_ref();
    let status = ds.status.clone().unwrap_or_default();
    let pod_spec = spec.and_then(|s| s.template.spec.as_ref());
    let (names, images) = container_cells(pod_spec.map_or(&[], |s| &s.containers));
    vec![
        ds.metadata.name.clone().unwrap_or_default(),
        status.desired_number_scheduled.to_string(),
        status.current_number_scheduled.to_string(),
        status.number_ready.to_string(),
        status.updated_number_scheduled.unwrap_or(0).to_string(),
        status.number_available.unwrap_or(0).to_string(),
        format_labels(pod_spec.and_then(|s| s.node_selector.as_ref())),
        translate_timestamp_since(ds.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
        format_label_selector(spec.map(|s| &s.selector)),
    ]
}

/// All cells of a StatefulSet's row: NAME, READY (`ready/desired`), AGE and
/// the wide CONTAINERS, IMAGES.
pub fn stateful_set_row(sts: &StatefulSet, now: DateTime<Utc>) -> Vec<String> {
    let spec = sts.spec.as_ref();
    let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
    let ready = sts
        .status
        .as_ref()
        .and_then(|s| s.ready_replicas)
        .unwrap_or(0);
    let (names, images) = container_cells(
        spec.and_then(|s| s.template.spec.as_ref())
            .map_or(&[], |s| &s.containers),
    );
    vec![
        sts.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{desired}"),
        translate_timestamp_since(sts.metadata.creation_timestamp.as_ref(), now),
        names,
        images,
    ]
}

/// All cells of a ControllerRevision's row: NAME, CONTROLLER (the
/// controlling owner as `kind.group/name`, e.g. `daemonset.apps/fluentd`, or
/// `<none>`), REVISION, AGE.
pub fn controller_revision_row(rev: &ControllerRevision, now: DateTime<Utc>) -> Vec<String> {
    let owner = rev
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|r| r.controller == Some(true));
    let controller = match owner {
        None => "<none>".to_string(),
        Some(r) => {
            // schema.ParseGroupVersion: "v1" has no group, "apps/v1" has one.
            let group = match r.api_version.split_once('/') {
                Some((group, _)) => group,
                None => "",
            };
            match (group.is_empty(), r.kind.is_empty()) {
                (true, true) => r.name.clone(),
                (true, false) => format!("{}/{}", r.kind.to_lowercase(), r.name),
                (false, _) => format!(
                    "{}.{}/{}",
                    r.kind.to_lowercase(),
                    group.to_lowercase(),
                    r.name
                ),
            }
        }
    };
    vec![
        rev.metadata.name.clone().unwrap_or_default(),
        controller,
        rev.revision.to_string(),
        translate_timestamp_since(rev.metadata.creation_timestamp.as_ref(), now),
    ]
}

#[cfg(test)]
#[path = "apps_tests.rs"]
mod tests;
