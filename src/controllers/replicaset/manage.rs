//! `manageReplicas` (upstream v1.32 `replica_set.go`): creates missing pods from the
//! template in slow-start batches, or deletes surplus pods in `ActivePodsWithRanks` order,
//! at most `BURST_REPLICAS` (500) per sync, recording upstream's events.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::ReplicaSet;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::apiserver::{ApiError, Ctx, DeleteOptions, ListOptions};
use crate::client::events::{record_event, EventType};
use crate::controllers::keys::selector_of;
use crate::controllers::pod_util::{self, controller_ref, RankedPod};
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};

use super::{as_pod, CONTROLLER_NAME};

/// Upstream `BurstReplicas`: the most pods one sync creates or deletes.
pub const BURST_REPLICAS: usize = 500;

/// Upstream `SlowStartInitialBatchSize`.
pub const SLOW_START_INITIAL_BATCH_SIZE: usize = 1;

/// Upstream `slowStartBatch`: calls `f` `count` times in batches of 1, 2, 4, ... (each
/// batch at most what remains). Every call of a batch is made (upstream runs them in
/// parallel); after a batch with a failure no further batch starts. Returns the number of
/// successes and the first error.
///
/// Worked example: 10 calls where only the first 5 can succeed make batches 1, 2 and 4:
/// 7 calls, 5 successes, and the error; the last 3 are never tried.
pub fn slow_start_batch<E>(
    count: usize,
    initial_batch_size: usize,
    mut f: impl FnMut() -> Result<(), E>,
) -> (usize, Option<E>) {
    let mut remaining = count;
    let mut successes = 0;
    let mut batch = remaining.min(initial_batch_size);
    while batch > 0 {
        let mut first_error = None;
        for _ in 0..batch {
            match f() {
                Ok(()) => successes += 1,
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        if first_error.is_some() {
            return (successes, first_error);
        }
        remaining -= batch;
        batch = batch.saturating_mul(2).min(remaining);
    }
    (successes, None)
}

fn event(rc: &mut ReconcileCtx, rs: &Object, kind: EventType, reason: &str, message: &str) {
    let mut ctx = Ctx::new(rc.now, &mut *rc.rng, rc.meta.clone());
    // An event that cannot be recorded is dropped, as client-go's broadcaster does.
    let _ = record_event(
        rc.api,
        &mut ctx,
        rs,
        kind,
        reason,
        message,
        CONTROLLER_NAME,
        None,
    );
}

/// Upstream `GetPodFromTemplate` with `getPodsPrefix`: the template's labels, annotations,
/// finalizers and spec, `generateName: <rs-name>-`, and the controller reference.
pub fn pod_from_template(rs: &ReplicaSet) -> Pod {
    let template = rs
        .spec
        .as_ref()
        .and_then(|s| s.template.clone())
        .unwrap_or_default();
    let meta = template.metadata.unwrap_or_default();
    let name = rs.metadata.name.clone().unwrap_or_default();
    let owner = OwnerReference {
        api_version: "apps/v1".to_string(),
        kind: "ReplicaSet".to_string(),
        name: name.clone(),
        uid: rs.metadata.uid.clone().unwrap_or_default(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    };
    Pod {
        metadata: ObjectMeta {
            generate_name: Some(format!("{name}-")),
            namespace: rs.metadata.namespace.clone(),
            labels: meta.labels,
            annotations: meta.annotations,
            finalizers: meta.finalizers,
            owner_references: Some(vec![owner]),
            ..Default::default()
        },
        spec: template.spec,
        status: None,
    }
}

/// Whether a create failed only because the namespace is being torn down (upstream checks
/// the `NamespaceTerminating` status cause; our errors carry it in the message).
fn namespace_terminating(e: &ApiError) -> bool {
    matches!(e, ApiError::Forbidden { message } if message.ends_with("because it is being terminated"))
}

fn create_pod(rc: &mut ReconcileCtx, rs_obj: &Object, rs: &ReplicaSet) -> Result<(), ApiError> {
    let pod = pod_from_template(rs);
    if pod.metadata.labels.as_ref().is_none_or(BTreeMap::is_empty) {
        return Err(ApiError::Internal {
            message: "unable to create pods, no labels".to_string(),
        });
    }
    match rc.create(Object::Pod(pod)) {
        Ok(created) => {
            let message = format!("Created pod: {}", created.name());
            event(rc, rs_obj, EventType::Normal, "SuccessfulCreate", &message);
            Ok(())
        }
        // A terminating namespace refuses every create; there is nothing to report.
        Err(e) if namespace_terminating(&e) => Ok(()),
        Err(e) => {
            let message = format!("Error creating: {e}");
            event(rc, rs_obj, EventType::Warning, "FailedCreate", &message);
            Err(e)
        }
    }
}

fn delete_pod(rc: &mut ReconcileCtx, rs_obj: &Object, pod: &Object) -> Result<(), ApiError> {
    let opts = DeleteOptions::default();
    match rc.delete(Kind::Pod, pod.namespace(), pod.name(), &opts) {
        Ok(_) => {
            let message = format!("Deleted pod: {}", pod.name());
            event(rc, rs_obj, EventType::Normal, "SuccessfulDelete", &message);
            Ok(())
        }
        Err(e) if e.code() == 404 => Err(e),
        Err(e) => {
            let message = format!("Error deleting: {e}");
            event(rc, rs_obj, EventType::Warning, "FailedDelete", &message);
            Err(ApiError::Internal {
                message: format!("unable to delete pods: {e}"),
            })
        }
    }
}

/// Upstream `getIndirectlyRelatedPods`: the pods selected by every ReplicaSet that has the
/// same controller as `rs` (itself included), each pod once. A ReplicaSet without a
/// controller has no related pods, so all its pods rank equally.
pub fn related_pods(rc: &ReconcileCtx, rs: &Object) -> Vec<Rc<Object>> {
    let Some(owner) = controller_ref(rs.meta()) else {
        return Vec::new();
    };
    let Ok(sets) = rc.api.list(
        Kind::ReplicaSet,
        Some(rs.namespace()),
        &ListOptions::default(),
    ) else {
        return Vec::new();
    };
    let mut seen = BTreeMap::new();
    for set in sets
        .iter()
        .filter(|s| controller_ref(s.meta()).is_some_and(|r| r.uid == owner.uid))
    {
        let Some(selector) = selector_of(set) else {
            continue;
        };
        let opts = ListOptions {
            label_selector: Some(selector),
            field_selector: None,
        };
        for pod in rc
            .api
            .list(Kind::Pod, Some(set.namespace()), &opts)
            .unwrap_or_default()
        {
            let uid = pod.meta().uid.clone().unwrap_or_default();
            seen.entry(uid).or_insert(pod);
        }
    }
    seen.into_values().collect()
}

/// Upstream `getPodsToDelete`: the first `diff` pods after ranking each by the number of
/// active related pods on its node and sorting with `ActivePodsWithRanks`. When every pod
/// goes, no sorting is needed and the input order is kept.
pub fn pods_to_delete(
    pods: &[Rc<Object>],
    related: &[Rc<Object>],
    diff: usize,
    now: crate::sim::SimTime,
) -> Vec<Rc<Object>> {
    if diff >= pods.len() {
        return pods.to_vec();
    }
    let mut on_node: BTreeMap<&str, usize> = BTreeMap::new();
    for pod in related.iter().filter_map(|o| as_pod(o)) {
        if pod_util::is_active(pod) {
            *on_node.entry(pod_util::node_name(pod)).or_insert(0) += 1;
        }
    }
    let mut ranked: Vec<(RankedPod, &Rc<Object>)> = pods
        .iter()
        .filter_map(|o| {
            let pod = as_pod(o)?;
            let rank = on_node.get(pod_util::node_name(pod)).copied().unwrap_or(0);
            Some((RankedPod { pod, rank }, o))
        })
        .collect();
    pod_util::sort_for_deletion(&mut ranked, now);
    ranked
        .into_iter()
        .take(diff)
        .map(|(_, o)| o.clone())
        .collect()
}

/// Creates or deletes pods so that `pods` (the active pods the ReplicaSet owns) reaches
/// `spec.replicas`. Returns the first error, which becomes the ReplicaFailure condition.
pub fn manage_replicas(
    rc: &mut ReconcileCtx,
    rs_obj: &Object,
    rs: &ReplicaSet,
    pods: &[Rc<Object>],
) -> Result<(), ApiError> {
    let want = rs
        .spec
        .as_ref()
        .and_then(|s| s.replicas)
        .unwrap_or(1)
        .max(0) as usize;
    if pods.len() < want {
        let diff = (want - pods.len()).min(BURST_REPLICAS);
        let (_, err) = slow_start_batch(diff, SLOW_START_INITIAL_BATCH_SIZE, || {
            create_pod(rc, rs_obj, rs)
        });
        return err.map_or(Ok(()), Err);
    }
    if pods.len() > want {
        let diff = (pods.len() - want).min(BURST_REPLICAS);
        let related = related_pods(rc, rs_obj);
        let victims = pods_to_delete(pods, &related, diff, rc.now);
        let mut first_error = None;
        for pod in &victims {
            match delete_pod(rc, rs_obj, pod) {
                Ok(()) => {}
                Err(e) if e.code() == 404 => {}
                Err(e) => {
                    first_error.get_or_insert(e);
                }
            }
        }
        return first_error.map_or(Ok(()), Err);
    }
    Ok(())
}
