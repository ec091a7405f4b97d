//! Defaulting for the `apps/v1` group, after `pkg/apis/apps/v1/defaults.go` and its
//! generated `zz_generated.defaults.go` (every template gets the core pod-spec defaults;
//! StatefulSet claim templates get the PersistentVolumeClaim defaults), and the
//! create-time mutations of the apps registry strategies.

use super::core::{default_pod_template, default_pvc};
use super::set_str;
use k8s_openapi::api::apps::v1::{
    DaemonSet, DaemonSetStatus, Deployment, DeploymentStatus, ReplicaSet, ReplicaSetStatus,
    RollingUpdateDaemonSet, RollingUpdateDeployment, RollingUpdateStatefulSetStrategy, StatefulSet,
    StatefulSetPersistentVolumeClaimRetentionPolicy, StatefulSetStatus,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The annotation through which `apps/v1` carries a DaemonSet's internal
/// `spec.templateGeneration`.
const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// `SetDefaults_Deployment`: `replicas: 1`, `strategy.type: RollingUpdate` with
/// `maxUnavailable: 25%` and `maxSurge: 25%`, `revisionHistoryLimit: 10`,
/// `progressDeadlineSeconds: 600`; then the template.
pub(super) fn default_deployment(d: &mut Deployment) {
    let spec = d.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    let strategy = spec.strategy.get_or_insert_with(Default::default);
    set_str(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDeployment::default);
        ru.max_unavailable
            .get_or_insert_with(|| IntOrString::String("25%".into()));
        ru.max_surge
            .get_or_insert_with(|| IntOrString::String("25%".into()));
    }
    spec.revision_history_limit.get_or_insert(10);
    spec.progress_deadline_seconds.get_or_insert(600);
    default_pod_template(&mut spec.template);
}

/// `SetDefaults_ReplicaSet`: `replicas: 1`; then the template.
pub(super) fn default_replica_set(rs: &mut ReplicaSet) {
    let spec = rs.spec.get_or_insert_with(Default::default);
    spec.replicas.get_or_insert(1);
    default_pod_template(spec.template.get_or_insert_with(Default::default));
}

/// `SetDefaults_DaemonSet`: `updateStrategy.type: RollingUpdate` with
/// `maxUnavailable: 1` and `maxSurge: 0`, `revisionHistoryLimit: 10`; then the template.
pub(super) fn default_daemon_set(ds: &mut DaemonSet) {
    let spec = ds.spec.get_or_insert_with(Default::default);
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    set_str(&mut strategy.type_, "RollingUpdate");
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        let ru = strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateDaemonSet::default);
        ru.max_unavailable.get_or_insert(IntOrString::Int(1));
        ru.max_surge.get_or_insert(IntOrString::Int(0));
    }
    spec.revision_history_limit.get_or_insert(10);
    default_pod_template(&mut spec.template);
}

/// `SetDefaults_StatefulSet`: `podManagementPolicy: OrderedReady`, `updateStrategy`
/// `RollingUpdate` with `partition: 0`, `persistentVolumeClaimRetentionPolicy`
/// `Retain`/`Retain` (StatefulSetAutoDeletePVC is on in v1.32), `replicas: 1`,
/// `revisionHistoryLimit: 10`; then the template and each claim template.
pub(super) fn default_stateful_set(sts: &mut StatefulSet) {
    let spec = sts.spec.get_or_insert_with(Default::default);
    set_str(&mut spec.pod_management_policy, "OrderedReady");
    let strategy = spec.update_strategy.get_or_insert_with(Default::default);
    if strategy.type_.as_deref().is_none_or(str::is_empty) {
        strategy.type_ = Some("RollingUpdate".into());
        // Only an unset type brings an empty rollingUpdate; an explicit
        // `type: RollingUpdate` without one stays without one.
        strategy
            .rolling_update
            .get_or_insert_with(RollingUpdateStatefulSetStrategy::default);
    }
    if strategy.type_.as_deref() == Some("RollingUpdate") {
        if let Some(ru) = strategy.rolling_update.as_mut() {
            ru.partition.get_or_insert(0);
        }
    }
    let retention = spec
        .persistent_volume_claim_retention_policy
        .get_or_insert_with(StatefulSetPersistentVolumeClaimRetentionPolicy::default);
    set_str(&mut retention.when_deleted, "Retain");
    set_str(&mut retention.when_scaled, "Retain");
    spec.replicas.get_or_insert(1);
    spec.revision_history_limit.get_or_insert(10);
    default_pod_template(&mut spec.template);
    for claim in spec.volume_claim_templates.iter_mut().flatten() {
        default_pvc(claim);
    }
}

/// The Deployment strategy's `PrepareForCreate`: `status: {}`, `metadata.generation: 1`.
pub(super) fn prepare_deployment(d: &mut Deployment) {
    d.status = Some(DeploymentStatus::default());
    d.metadata.generation = Some(1);
}

/// The ReplicaSet strategy's `PrepareForCreate`: `status: {replicas: 0}`,
/// `metadata.generation: 1`.
pub(super) fn prepare_replica_set(rs: &mut ReplicaSet) {
    rs.status = Some(ReplicaSetStatus::default());
    rs.metadata.generation = Some(1);
}

/// The StatefulSet strategy's `PrepareForCreate`: status reset (v1.32 prints
/// `availableReplicas: 0` and `replicas: 0`, neither being `omitempty`),
/// `metadata.generation: 1`.
pub(super) fn prepare_stateful_set(sts: &mut StatefulSet) {
    sts.status = Some(StatefulSetStatus {
        available_replicas: Some(0),
        ..Default::default()
    });
    sts.metadata.generation = Some(1);
}

/// The DaemonSet strategy's `PrepareForCreate`: status reset (the four counters print as
/// 0), `metadata.generation: 1`, and `templateGeneration` raised to at least 1, which
/// `apps/v1` shows as the `deprecated.daemonset.template.generation` annotation.
pub(super) fn prepare_daemon_set(ds: &mut DaemonSet) {
    ds.status = Some(DaemonSetStatus::default());
    ds.metadata.generation = Some(1);
    set_template_generation_floor(&mut ds.metadata);
}

/// Sets the template-generation annotation to `"1"` unless it already holds a number of
/// at least 1. (Upstream rejects an unparsable value when converting; here it is
/// replaced.)
fn set_template_generation_floor(meta: &mut ObjectMeta) {
    let annotations = meta.annotations.get_or_insert_with(Default::default);
    let current = annotations
        .get(TEMPLATE_GENERATION_ANNOTATION)
        .and_then(|v| v.parse::<i64>().ok());
    if current.is_none_or(|g| g < 1) {
        annotations.insert(TEMPLATE_GENERATION_ANNOTATION.into(), "1".into());
    }
}

#[cfg(test)]
mod tests;
