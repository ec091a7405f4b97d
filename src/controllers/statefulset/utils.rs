//! StatefulSet identities and storage (upstream `stateful_set_utils.go`, v1.32): ordinal
//! names, the identity labels, the claims made from `volumeClaimTemplates`, the pods built
//! at a revision, and the claim ownership the retention policy asks for.
//!
//! Pod `web-2` of StatefulSet `web` has ordinal 2, `hostname: web-2`, `subdomain:` the
//! governing service, labels `statefulset.kubernetes.io/pod-name: web-2`,
//! `apps.kubernetes.io/pod-index: "2"` and `controller-revision-hash: <revision name>`,
//! and for template `www` a volume `www` bound to the claim `www-web-2`.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{StatefulSet, StatefulSetSpec};
use k8s_openapi::api::core::v1::{
    PersistentVolumeClaim, PersistentVolumeClaimVolumeSource, Pod, Volume,
};

use crate::controllers::history::{pods, refs, CONTROLLER_REVISION_HASH_LABEL};

pub use super::retention::{
    claim_owner_up_to_date, has_stale_owner_ref, retention, update_claim_owner_refs,
};
use crate::sim::SimTime;

/// The label naming a StatefulSet pod.
pub const POD_NAME_LABEL: &str = "statefulset.kubernetes.io/pod-name";
/// The label carrying a StatefulSet pod's ordinal (PodIndexLabel, on by default in v1.32).
pub const POD_INDEX_LABEL: &str = "apps.kubernetes.io/pod-index";

/// The set's spec (defaulted by the API server, so never really absent).
pub fn spec(set: &StatefulSet) -> StatefulSetSpec {
    set.spec.clone().unwrap_or_default()
}

/// `getParentNameAndOrdinal`: `web-12` → (`web`, 12); names that do not end in `-<n>`
/// give `None`.
pub fn parent_and_ordinal(name: &str) -> Option<(&str, i64)> {
    let (parent, digits) = name.rsplit_once('-')?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    (n <= i64::from(i32::MAX)).then_some((parent, n))
}

/// `getOrdinal`: the pod's ordinal, -1 when its name has none.
pub fn ordinal(pod: &Pod) -> i64 {
    parent_and_ordinal(pod.metadata.name.as_deref().unwrap_or("")).map_or(-1, |(_, n)| n)
}

/// `getStartOrdinal`: `spec.ordinals.start`, or 0.
pub fn start_ordinal(set: &StatefulSet) -> i64 {
    spec(set)
        .ordinals
        .and_then(|o| o.start)
        .map_or(0, i64::from)
}

/// `getEndOrdinal`: the last ordinal (inclusive).
pub fn end_ordinal(set: &StatefulSet) -> i64 {
    start_ordinal(set) + i64::from(spec(set).replicas.unwrap_or(1)) - 1
}

/// `podInOrdinalRange`.
pub fn in_ordinal_range(pod: &Pod, set: &StatefulSet) -> bool {
    let o = ordinal(pod);
    o >= start_ordinal(set) && o <= end_ordinal(set)
}

fn set_name(set: &StatefulSet) -> &str {
    set.metadata.name.as_deref().unwrap_or("")
}

/// `getPodName`: `<set>-<ordinal>`.
pub fn pod_name(set: &StatefulSet, ordinal: i64) -> String {
    format!("{}-{ordinal}", set_name(set))
}

/// `getPersistentVolumeClaimName`: `<template>-<set>-<ordinal>`.
pub fn claim_name(set: &StatefulSet, template: &PersistentVolumeClaim, ordinal: i64) -> String {
    format!(
        "{}-{}-{ordinal}",
        template.metadata.name.as_deref().unwrap_or(""),
        set_name(set)
    )
}

/// `isMemberOf`: the pod's name is `<set>-<n>`.
pub fn is_member_of(set: &StatefulSet, pod: &Pod) -> bool {
    parent_and_ordinal(pod.metadata.name.as_deref().unwrap_or(""))
        .is_some_and(|(p, _)| p == set_name(set))
}

fn label<'a>(pod: &'a Pod, key: &str) -> Option<&'a str> {
    pod.metadata.labels.as_ref()?.get(key).map(String::as_str)
}

/// `identityMatches`: name, namespace and the pod-name label fit the set.
pub fn identity_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let name = pod.metadata.name.as_deref().unwrap_or("");
    let o = ordinal(pod);
    o >= 0
        && parent_and_ordinal(name).is_some_and(|(p, _)| p == set_name(set))
        && name == pod_name(set, o)
        && pod.metadata.namespace == set.metadata.namespace
        && label(pod, POD_NAME_LABEL) == Some(name)
}

/// `storageMatches`: every claim template has a volume of its name using the pod's claim.
pub fn storage_matches(set: &StatefulSet, pod: &Pod) -> bool {
    let o = ordinal(pod);
    if o < 0 {
        return false;
    }
    let volumes = pod
        .spec
        .as_ref()
        .and_then(|s| s.volumes.clone())
        .unwrap_or_default();
    spec(set).volume_claim_templates.iter().flatten().all(|t| {
        volumes
            .iter()
            .find(|v| Some(&v.name) == t.metadata.name.as_ref())
            .and_then(|v| v.persistent_volume_claim.as_ref())
            .is_some_and(|c| c.claim_name == claim_name(set, t, o))
    })
}

/// `getPersistentVolumeClaims`: the claims a pod needs, by template name, each named for
/// the pod and labelled with the template's labels plus the selector's `matchLabels`.
pub fn claims_for(set: &StatefulSet, ordinal: i64) -> Vec<(String, PersistentVolumeClaim)> {
    let s = spec(set);
    let match_labels = s.selector.match_labels.clone().unwrap_or_default();
    s.volume_claim_templates
        .iter()
        .flatten()
        .map(|t| {
            let mut claim = t.clone();
            claim.metadata.name = Some(claim_name(set, t, ordinal));
            claim.metadata.namespace = set.metadata.namespace.clone();
            let mut labels = claim.metadata.labels.take().unwrap_or_default();
            labels.extend(match_labels.clone());
            claim.metadata.labels = (!labels.is_empty()).then_some(labels);
            claim.status = None;
            (t.metadata.name.clone().unwrap_or_default(), claim)
        })
        .collect()
}

/// `updateStorage`: the claim volumes first (replacing same-named ones), then the pod's
/// other volumes.
pub fn update_storage(set: &StatefulSet, pod: &mut Pod) {
    let o = ordinal(pod);
    let claims = claims_for(set, o);
    let spec = pod.spec.get_or_insert_with(Default::default);
    let current = spec.volumes.take().unwrap_or_default();
    let mut volumes: Vec<Volume> = claims
        .iter()
        .map(|(name, claim)| Volume {
            name: name.clone(),
            persistent_volume_claim: Some(PersistentVolumeClaimVolumeSource {
                claim_name: claim.metadata.name.clone().unwrap_or_default(),
                read_only: None,
            }),
            ..Default::default()
        })
        .collect();
    volumes.extend(
        current
            .into_iter()
            .filter(|v| !claims.iter().any(|(n, _)| *n == v.name)),
    );
    spec.volumes = (!volumes.is_empty()).then_some(volumes);
}

/// `updateIdentity`: name, namespace, and the pod-name and pod-index labels.
pub fn update_identity(set: &StatefulSet, pod: &mut Pod) {
    let o = ordinal(pod);
    let name = pod_name(set, o);
    pod.metadata.name = Some(name.clone());
    pod.metadata.namespace = set.metadata.namespace.clone();
    let labels = pod.metadata.labels.get_or_insert_with(BTreeMap::new);
    labels.insert(POD_NAME_LABEL.to_string(), name);
    labels.insert(POD_INDEX_LABEL.to_string(), o.to_string());
}

/// `newStatefulSetPod`: the template as a pod with the set's identity and storage, and
/// `hostname`/`subdomain` (set only at creation).
pub fn new_pod(set: &StatefulSet, ordinal: i64) -> Pod {
    let s = spec(set);
    let owner = refs::new_controller_ref(&set.metadata, "apps/v1", "StatefulSet");
    let mut pod = pods::pod_from_template(&s.template, &set.metadata, Some(owner));
    pod.metadata.generate_name = None;
    pod.metadata.name = Some(pod_name(set, ordinal));
    update_identity(set, &mut pod);
    let name = pod.metadata.name.clone();
    let spec = pod.spec.get_or_insert_with(Default::default);
    spec.hostname = name;
    spec.subdomain = s.service_name.clone().filter(|n| !n.is_empty());
    update_storage(set, &mut pod);
    pod
}

/// `getPodRevision`.
pub fn pod_revision(pod: &Pod) -> &str {
    label(pod, CONTROLLER_REVISION_HASH_LABEL).unwrap_or("")
}

/// `newVersionedStatefulSetPod`: a new pod at the current revision when its ordinal is
/// below the partition (or, with no rolling-update parameters, below the current
/// replicas), else at the update revision. The condition keeps upstream's operator
/// precedence: `(RollingUpdate && no params && ord < current) || (params && ord < partition)`.
pub fn new_versioned_pod(
    current_set: &StatefulSet,
    update_set: &StatefulSet,
    current_revision: &str,
    update_revision: &str,
    ordinal: i64,
) -> Pod {
    let s = spec(current_set);
    let strategy = s.update_strategy.clone().unwrap_or_default();
    let start = start_ordinal(current_set);
    let current_replicas = current_set
        .status
        .as_ref()
        .and_then(|st| st.current_replicas)
        .unwrap_or(0);
    let rolling = strategy.type_.as_deref() == Some("RollingUpdate");
    let use_current = match &strategy.rolling_update {
        None => rolling && ordinal < start + i64::from(current_replicas),
        Some(ru) => ordinal < start + i64::from(ru.partition.unwrap_or(0)),
    };
    let (set, revision) = if use_current {
        (current_set, current_revision)
    } else {
        (update_set, update_revision)
    };
    let mut pod = new_pod(set, ordinal);
    pod.metadata
        .labels
        .get_or_insert_with(BTreeMap::new)
        .insert(
            CONTROLLER_REVISION_HASH_LABEL.to_string(),
            revision.to_string(),
        );
    pod
}

/// `isRunningAndReady`.
pub fn is_running_and_ready(pod: &Pod) -> bool {
    pods::phase(pod) == "Running" && pods::is_ready(pod)
}

/// `isRunningAndAvailable` (only availability is checked, as upstream).
pub fn is_running_and_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    pods::is_available(pod, min_ready_seconds, now)
}

/// `isCreated`: the API server gave it a phase.
pub fn is_created(pod: &Pod) -> bool {
    !pods::phase(pod).is_empty()
}

/// `isTerminating`.
pub fn is_terminating(pod: &Pod) -> bool {
    pod.metadata.deletion_timestamp.is_some()
}

/// `isHealthy`: running, ready and not terminating.
pub fn is_healthy(pod: &Pod) -> bool {
    is_running_and_ready(pod) && !is_terminating(pod)
}

#[cfg(test)]
#[path = "utils_tests.rs"]
mod tests;
