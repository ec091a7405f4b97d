//! Finding or creating the new ReplicaSet (upstream `sync.go`'s
//! `getAllReplicaSetsAndSyncRevision` and `getNewReplicaSet`, v1.32).
//!
//! The new ReplicaSet is the oldest one whose template equals the Deployment's. Its
//! revision is one more than the highest old revision: a brand-new template gets
//! `max + 1`, and an old ReplicaSet that becomes new again (a rollback, or a template
//! changed back) is raised to `max + 1` and remembers its earlier revisions in
//! `deployment.kubernetes.io/revision-history`. When none exists and the caller may create
//! one, it is created as `<deployment>-<pod-template-hash>` with the hash label in its
//! template, labels and selector, a controller owner reference, and the annotations; a name
//! taken by a different template is a hash collision, which bumps `status.collisionCount`
//! and fails the sync so the next one tries another name.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet, ReplicaSetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta, OwnerReference};

use super::client::{create_rs, event, update_rs, update_status};
use super::conditions::{
    get_condition, has_progress_deadline, new_condition, set_condition, FAILED_RS_CREATE_REASON,
    FOUND_NEW_RS_REASON, NEW_REPLICA_SET_REASON, PROGRESSING,
};
use super::find::{find_new_replica_set, find_old_replica_sets};
use super::hash::compute_hash;
use super::replicas::new_rs_new_replicas;
use super::util::{
    controller_of, equal_ignore_hash, max_revision, rs_template, set_deployment_revision,
    set_new_replica_set_annotations, uid, MAX_REV_HISTORY_LENGTH_IN_CHARS, POD_TEMPLATE_HASH_LABEL,
    REVISION_ANNOTATION,
};
use crate::apiserver::ApiError;
use crate::client::events::EventType;
use crate::controllers::{ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// Upstream `getAllReplicaSetsAndSyncRevision`: `(new, all old)`, with the new
/// ReplicaSet's revision (and the Deployment's) brought up to date.
pub fn get_all_replica_sets_and_sync_revision(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
    create_if_not_existed: bool,
) -> Result<(Option<ReplicaSet>, Vec<ReplicaSet>), ReconcileError> {
    let old = find_old_replica_sets(d, rs_list);
    let new_rs = get_new_replica_set(rc, d, rs_list, &old, create_if_not_existed)?;
    Ok((new_rs, old))
}

/// Upstream `NewControllerRef(d, apps/v1 Deployment)`.
pub fn controller_ref(d: &Deployment) -> OwnerReference {
    OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: "Deployment".to_string(),
        name: d.metadata.name.clone().unwrap_or_default(),
        uid: uid(&d.metadata).to_string(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn min_ready_seconds(d: &Deployment) -> Option<i32> {
    d.spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .filter(|n| *n != 0)
}

/// Upstream `getNewReplicaSet`. See the module documentation.
pub fn get_new_replica_set(
    rc: &mut ReconcileCtx,
    d: &mut Deployment,
    rs_list: &[ReplicaSet],
    old_rss: &[ReplicaSet],
    create_if_not_existed: bool,
) -> Result<Option<ReplicaSet>, ReconcileError> {
    let existing = find_new_replica_set(d, rs_list);
    let new_revision = max_revision(old_rss).saturating_add(1).to_string();

    if let Some(existing) = existing {
        let mut rs = existing;
        let annotations_updated = set_new_replica_set_annotations(
            d,
            &mut rs,
            &new_revision,
            true,
            MAX_REV_HISTORY_LENGTH_IN_CHARS,
        );
        let spec = rs.spec.get_or_insert_with(Default::default);
        let min_ready_changed =
            spec.min_ready_seconds.unwrap_or(0) != min_ready_seconds(d).unwrap_or(0);
        if annotations_updated || min_ready_changed {
            spec.min_ready_seconds = min_ready_seconds(d);
            return Ok(Some(update_rs(rc, rs)?));
        }
        // The Deployment's revision follows the one already on the new ReplicaSet.
        let rs_revision = rs
            .metadata
            .annotations
            .as_ref()
            .and_then(|a| a.get(REVISION_ANNOTATION))
            .cloned()
            .unwrap_or_default();
        let mut needs_update = set_deployment_revision(d, &rs_revision);
        let deadline = has_progress_deadline(d);
        let status = d.status.get_or_insert_with(Default::default);
        if deadline && get_condition(status, PROGRESSING).is_none() {
            let name = rs.metadata.name.clone().unwrap_or_default();
            let msg = format!("Found new replica set {}", go_quote(&name));
            let condition = new_condition(PROGRESSING, "True", FOUND_NEW_RS_REASON, &msg, rc.now);
            set_condition(status, condition);
            needs_update = true;
        }
        if needs_update {
            update_status(rc, d)?;
        }
        return Ok(Some(rs));
    }

    if !create_if_not_existed {
        return Ok(None);
    }

    let new_rs = build_new_replica_set(d, &new_revision, old_rss)?;
    let new_replicas = new_rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0);
    let name = new_rs.metadata.name.clone().unwrap_or_default();
    let namespace = d.metadata.namespace.clone().unwrap_or_default();
    let mut already_exists = false;
    let created = match create_rs(rc, new_rs) {
        Ok(rs) => rs,
        Err(ApiError::AlreadyExists { .. }) => {
            already_exists = true;
            let current = match rc
                .api
                .try_get(Kind::ReplicaSet, &namespace, &name)
                .as_deref()
            {
                Some(Object::ReplicaSet(rs)) => rs.clone(),
                _ => {
                    return Err(ApiError::NotFound {
                        resource: "replicasets.apps".to_string(),
                        name,
                    }
                    .into())
                }
            };
            let template = d
                .spec
                .as_ref()
                .map(|s| s.template.clone())
                .unwrap_or_default();
            let ours = controller_of(&current.metadata).is_some_and(|o| o.uid == uid(&d.metadata));
            if ours && equal_ignore_hash(&template, &rs_template(&current)) {
                current
            } else {
                // A hash collision: bump collisionCount and let the sync fail, so the
                // next one hashes with the new count.
                let status = d.status.get_or_insert_with(Default::default);
                status.collision_count =
                    Some(status.collision_count.unwrap_or(0).saturating_add(1));
                let _ = update_status(rc, d);
                return Err(ApiError::AlreadyExists {
                    resource: "replicasets.apps".to_string(),
                    name,
                }
                .into());
            }
        }
        Err(e @ ApiError::Forbidden { .. }) if is_namespace_terminating(&e) => {
            return Err(e.into());
        }
        Err(e) => {
            let msg = format!(
                "Failed to create new replica set {}: {}",
                go_quote(&name),
                e
            );
            if has_progress_deadline(d) {
                let status = d.status.get_or_insert_with(Default::default);
                set_condition(
                    status,
                    new_condition(PROGRESSING, "False", FAILED_RS_CREATE_REASON, &msg, rc.now),
                );
                let _ = update_status(rc, d);
            }
            event(rc, d, EventType::Warning, FAILED_RS_CREATE_REASON, &msg);
            return Err(e.into());
        }
    };
    let created_name = created.metadata.name.clone().unwrap_or_default();
    if !already_exists && new_replicas > 0 {
        let msg = format!("Scaled up replica set {created_name} from 0 to {new_replicas}");
        event(rc, d, EventType::Normal, "ScalingReplicaSet", &msg);
    }
    let mut needs_update = set_deployment_revision(d, &new_revision);
    if !already_exists && has_progress_deadline(d) {
        let msg = format!("Created new replica set {}", go_quote(&created_name));
        let status = d.status.get_or_insert_with(Default::default);
        set_condition(
            status,
            new_condition(PROGRESSING, "True", NEW_REPLICA_SET_REASON, &msg, rc.now),
        );
        needs_update = true;
    }
    if needs_update {
        update_status(rc, d)?;
    }
    Ok(Some(created))
}

/// The ReplicaSet `getNewReplicaSet` creates: named by the template hash (salted with
/// `collisionCount`), sized by `NewRSNewReplicas`, annotated as revision `new_revision`.
fn build_new_replica_set(
    d: &Deployment,
    new_revision: &str,
    old_rss: &[ReplicaSet],
) -> Result<ReplicaSet, ApiError> {
    let spec = d.spec.clone().unwrap_or_default();
    let collision_count = d.status.as_ref().and_then(|s| s.collision_count);
    let hash = compute_hash(&spec.template, collision_count);
    let mut template = spec.template.clone();
    let mut labels = template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone())
        .unwrap_or_default();
    labels.insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
    template
        .metadata
        .get_or_insert_with(Default::default)
        .labels = Some(labels.clone());
    let mut selector: LabelSelector = spec.selector.clone();
    let mut match_labels = selector.match_labels.take().unwrap_or_default();
    match_labels.insert(POD_TEMPLATE_HASH_LABEL.to_string(), hash.clone());
    selector.match_labels = Some(match_labels);
    let name = format!("{}-{}", d.metadata.name.as_deref().unwrap_or(""), hash);
    let mut rs = ReplicaSet {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: d.metadata.namespace.clone(),
            owner_references: Some(vec![controller_ref(d)]),
            labels: Some(labels),
            ..Default::default()
        },
        spec: Some(ReplicaSetSpec {
            replicas: Some(0),
            min_ready_seconds: min_ready_seconds(d),
            selector,
            template: Some(template),
        }),
        status: None,
    };
    let mut all = old_rss.to_vec();
    all.push(rs.clone());
    let count =
        new_rs_new_replicas(d, &all, &rs).map_err(|message| ApiError::Internal { message })?;
    if let Some(s) = rs.spec.as_mut() {
        s.replicas = Some(count);
    }
    set_new_replica_set_annotations(
        d,
        &mut rs,
        new_revision,
        false,
        MAX_REV_HISTORY_LENGTH_IN_CHARS,
    );
    Ok(rs)
}

/// Whether a create failed because the namespace is terminating (upstream
/// `HasStatusCause(err, NamespaceTerminatingCause)`).
pub fn is_namespace_terminating(e: &ApiError) -> bool {
    matches!(e, ApiError::Forbidden { message } if message.contains("because it is being terminated"))
}

/// Go's `%q` for the plain names the controller quotes.
pub fn go_quote(s: &str) -> String {
    format!("{s:?}")
}
