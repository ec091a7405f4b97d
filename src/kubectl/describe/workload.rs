//! `kubectl describe` for ReplicaSets, DaemonSets and StatefulSets (upstream v1.32
//! `describeReplicaSet`, `describeDaemonSet`, `describeStatefulSet`,
//! `describeVolumeClaimTemplates`), and the pod counts and conditions table they share
//! with Deployments. Each ends with its pod template and Events.

use k8s_openapi::api::apps::v1::{DaemonSet, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::PersistentVolumeClaim;

use super::containers::int_or_string;
use super::events;
use super::multiline::{print_annotations, print_labels, print_labels_with_indent};
use super::storage::access_modes_go;
use super::template::{describe_pod_template, pod_status_counts, print_controller, selector_text};
use super::writer::{quantity, rfc1123z, PrefixWriter, LEVEL_0, LEVEL_1};
use super::Env;
use crate::model::selector::{format_label_selector, format_labels};
use crate::model::Kind;

/// `Pods Status:\t1 Running / 0 Waiting / 0 Succeeded / 0 Failed`.
fn pods_status(w: &mut PrefixWriter, c: [usize; 4]) {
    put!(
        w,
        LEVEL_0,
        "Pods Status:\t{} Running / {} Waiting / {} Succeeded / {} Failed\n",
        c[0],
        c[1],
        c[2],
        c[3]
    );
}

/// The `Type Status Reason` conditions table of Deployments and ReplicaSets.
pub(super) fn conditions(w: &mut PrefixWriter, rows: Vec<(String, String, String)>) {
    if rows.is_empty() {
        return;
    }
    w.write(LEVEL_0, "Conditions:\n  Type\tStatus\tReason\n");
    w.write(LEVEL_1, "----\t------\t------\n");
    for (kind, status, reason) in rows {
        put!(w, LEVEL_1, "{kind} \t{status}\t{reason}\n");
    }
}

/// `describeReplicaSet`.
pub(super) fn describe_replica_set(env: &Env, rs: &ReplicaSet) -> String {
    let meta = &rs.metadata;
    let spec = rs.spec.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::ReplicaSet, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        format_label_selector(&spec.selector)
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    if let Some(controller) = print_controller(meta) {
        put!(w, LEVEL_0, "Controlled By:\t{controller}\n");
    }
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} current / {} desired\n",
        rs.status.as_ref().map_or(0, |s| s.replicas),
        spec.replicas.unwrap_or(1)
    );
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template.clone().unwrap_or_default());
    conditions(
        &mut w,
        rs.status
            .iter()
            .flat_map(|s| s.conditions.iter().flatten())
            .map(|c| {
                (
                    c.type_.clone(),
                    c.status.clone(),
                    c.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
    );
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeDaemonSet` (which, unlike the others, prints no Namespace line).
pub(super) fn describe_daemon_set(env: &Env, ds: &DaemonSet) -> String {
    let meta = &ds.metadata;
    let spec = ds.spec.clone().unwrap_or_default();
    let status = ds.status.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::DaemonSet, meta);
    let node_selector = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.node_selector.clone())
        .unwrap_or_default();
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
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    put!(
        w,
        LEVEL_0,
        "Node-Selector:\t{}\n",
        format_labels(&node_selector)
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Desired Number of Nodes Scheduled: {}\n",
        status.desired_number_scheduled
    );
    put!(
        w,
        LEVEL_0,
        "Current Number of Nodes Scheduled: {}\n",
        status.current_number_scheduled
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Scheduled with Up-to-date Pods: {}\n",
        status.updated_number_scheduled.unwrap_or(0)
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Scheduled with Available Pods: {}\n",
        status.number_available.unwrap_or(0)
    );
    put!(
        w,
        LEVEL_0,
        "Number of Nodes Misscheduled: {}\n",
        status.number_misscheduled
    );
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeStatefulSet`, with its volume claim templates.
pub(super) fn describe_stateful_set(env: &Env, sts: &StatefulSet) -> String {
    let meta = &sts.metadata;
    let spec = sts.spec.clone().unwrap_or_default();
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let counts = pod_status_counts(env, namespace, Some(&spec.selector), meta.uid.as_deref());
    let events = events::about(env, Kind::StatefulSet, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    put!(
        w,
        LEVEL_0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(meta.creation_timestamp.as_ref())
    );
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        selector_text(Some(&spec.selector))
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Replicas:\t{} desired | {} total\n",
        spec.replicas.unwrap_or(1),
        sts.status.as_ref().map_or(0, |s| s.replicas)
    );
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    put!(
        w,
        LEVEL_0,
        "Update Strategy:\t{}\n",
        strategy.type_.as_deref().unwrap_or("")
    );
    if let Some(partition) = strategy
        .rolling_update
        .as_ref()
        .and_then(|r| r.partition.map(|p| (p, r)))
    {
        put!(w, LEVEL_1, "Partition:\t{}\n", partition.0);
        if let Some(max) = &partition.1.max_unavailable {
            put!(w, LEVEL_1, "MaxUnavailable:\t{}\n", int_or_string(max));
        }
    }
    pods_status(&mut w, counts);
    describe_pod_template(&mut w, &spec.template);
    describe_claim_templates(
        &mut w,
        spec.volume_claim_templates.as_deref().unwrap_or_default(),
    );
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeVolumeClaimTemplates`.
fn describe_claim_templates(w: &mut PrefixWriter, templates: &[PersistentVolumeClaim]) {
    if templates.is_empty() {
        w.write(LEVEL_0, "Volume Claims:\t<none>\n");
        return;
    }
    w.write(LEVEL_0, "Volume Claims:\n");
    for pvc in templates {
        let spec = pvc.spec.clone().unwrap_or_default();
        put!(
            w,
            LEVEL_1,
            "Name:\t{}\n",
            pvc.metadata.name.as_deref().unwrap_or("")
        );
        put!(
            w,
            LEVEL_1,
            "StorageClass:\t{}\n",
            super::storage::claim_class(pvc)
        );
        print_labels_with_indent(w, "  ", "Labels", "\t", pvc.metadata.labels.as_ref());
        print_labels_with_indent(
            w,
            "  ",
            "Annotations",
            "\t",
            pvc.metadata.annotations.as_ref(),
        );
        let capacity = spec
            .resources
            .as_ref()
            .and_then(|r| r.requests.as_ref())
            .and_then(|r| r.get("storage"))
            .map_or("<default>".to_string(), quantity);
        put!(w, LEVEL_1, "Capacity:\t{capacity}\n");
        put!(
            w,
            LEVEL_1,
            "Access Modes:\t{}\n",
            access_modes_go(spec.access_modes.as_deref())
        );
    }
}
