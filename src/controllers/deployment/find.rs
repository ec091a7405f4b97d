//! Which ReplicaSets are which (upstream `deployment_util.go` and `controller_utils.go`,
//! v1.32): the sort orders the controller uses, the active ones, the new one (the oldest
//! whose template is the Deployment's), the old ones, and the one that takes a whole
//! scaling event when only one is active.

use std::cmp::Ordering;

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use super::util::{equal_ignore_hash, revision, rs_replicas, rs_template, uid};

/// Upstream `ReplicaSetsByCreationTimestamp`: oldest first, ties by name.
pub fn by_creation_timestamp(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    let ts = |rs: &ReplicaSet| rs.metadata.creation_timestamp.as_ref().map(|t| t.0);
    ts(a)
        .cmp(&ts(b))
        .then_with(|| a.metadata.name.cmp(&b.metadata.name))
}

/// Upstream `ReplicaSetsBySizeOlder`: larger first; for equal sizes, older first.
pub fn by_size_older(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    rs_replicas(b)
        .cmp(&rs_replicas(a))
        .then_with(|| by_creation_timestamp(a, b))
}

/// Upstream `ReplicaSetsBySizeNewer`: larger first; for equal sizes, newer first.
pub fn by_size_newer(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    rs_replicas(b)
        .cmp(&rs_replicas(a))
        .then_with(|| by_creation_timestamp(b, a))
}

/// Upstream `ReplicaSetsByRevision`: lowest revision first; unparsable or equal revisions
/// fall back to creation time.
pub fn by_revision(a: &ReplicaSet, b: &ReplicaSet) -> Ordering {
    match (revision(&a.metadata), revision(&b.metadata)) {
        (Some(x), Some(y)) if x != y => x.cmp(&y),
        _ => by_creation_timestamp(a, b),
    }
}

/// Upstream `controller.FilterActiveReplicaSets`: those with `spec.replicas > 0`.
pub fn filter_active(rss: &[ReplicaSet]) -> Vec<ReplicaSet> {
    rss.iter()
        .filter(|rs| rs_replicas(rs) > 0)
        .cloned()
        .collect()
}

/// Upstream `FindNewReplicaSet`: the oldest ReplicaSet whose template equals the
/// Deployment's (ignoring the hash label).
pub fn find_new_replica_set(d: &Deployment, rs_list: &[ReplicaSet]) -> Option<ReplicaSet> {
    let template = d
        .spec
        .as_ref()
        .map(|s| s.template.clone())
        .unwrap_or_default();
    let mut sorted = rs_list.to_vec();
    sorted.sort_by(by_creation_timestamp);
    sorted
        .into_iter()
        .find(|rs| equal_ignore_hash(&rs_template(rs), &template))
}

/// Upstream `FindOldReplicaSets`: every ReplicaSet but the new one, in `rs_list`'s order.
pub fn find_old_replica_sets(d: &Deployment, rs_list: &[ReplicaSet]) -> Vec<ReplicaSet> {
    let new_uid = find_new_replica_set(d, rs_list).map(|rs| uid(&rs.metadata).to_string());
    rs_list
        .iter()
        .filter(|rs| new_uid.as_deref() != Some(uid(&rs.metadata)))
        .cloned()
        .collect()
}

/// Upstream `FindActiveOrLatest`: the only active ReplicaSet, or the newest when none is
/// active; `None` when several are active (then scaling is proportional).
pub fn find_active_or_latest(
    new_rs: Option<&ReplicaSet>,
    old_rss: &[ReplicaSet],
) -> Option<ReplicaSet> {
    if new_rs.is_none() && old_rss.is_empty() {
        return None;
    }
    let mut olds = old_rss.to_vec();
    olds.sort_by(|a, b| by_creation_timestamp(b, a));
    let mut all = olds.clone();
    all.extend(new_rs.cloned());
    let active = filter_active(&all);
    match active.len() {
        0 => new_rs.cloned().or_else(|| olds.into_iter().next()),
        1 => active.into_iter().next(),
        _ => None,
    }
}
