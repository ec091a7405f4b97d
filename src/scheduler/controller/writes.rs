//! What a scheduling pass writes through the API server: the binding and its
//! `Scheduled` event; for a pod that fits nowhere, `FailedScheduling`, the
//! `PodScheduled=False` condition and the nominated node (upstream
//! `handleSchedulingFailure`); and a preemption's evictions (upstream
//! `prepareCandidate`).

use k8s_openapi::api::core::v1::PodCondition;

use crate::apiserver::{ApiError, ApiServer, Ctx, DeleteOptions, Subresource};
use crate::client::events::{record_event, EventType};
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};
use crate::scheduler::algorithm::Attempt;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::preemption::Nomination;

/// Upstream `validation.NoteLengthLimit`: event messages are cut to 1 KiB.
const NOTE_LENGTH_LIMIT: usize = 1024;

fn ctx<'a>(rc: &'a mut ReconcileCtx) -> (Ctx<'a>, &'a mut ApiServer) {
    (Ctx::new(rc.now, rc.rng, rc.meta.clone()), rc.api)
}

/// Binds the pod (pods/binding) and records `Scheduled`.
pub(super) fn bind(rc: &mut ReconcileCtx, pod: &PodInfo, node: &str) -> Result<(), ApiError> {
    let (mut c, api) = ctx(rc);
    let bound = api.bind(&mut c, pod.namespace(), pod.name(), node)?;
    let msg = format!(
        "Successfully assigned {}/{} to {node}",
        pod.namespace(),
        pod.name()
    );
    record_event(
        api,
        &mut c,
        &bound,
        EventType::Normal,
        "Scheduled",
        &msg,
        "default-scheduler",
        None,
    )?;
    Ok(())
}

/// Records `FailedScheduling`, carries out a preemption, and updates the pod's
/// `PodScheduled` condition and `nominatedNodeName` (upstream `handleSchedulingFailure`).
pub(super) fn fail(
    rc: &mut ReconcileCtx,
    pod: &PodInfo,
    attempt: &Attempt,
) -> Result<(), ApiError> {
    let message = attempt.decision.failure_message().unwrap_or_default();
    // The nominated node: a preemption nominates one; a PostFilter verdict without a
    // candidate clears it; an ineligible pod keeps what it has.
    let mut nominated = pod
        .pod()
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.clone());
    if let Some(n) = &attempt.nomination {
        preempt(rc, pod, n)?;
        nominated = Some(n.node.to_string());
    } else if attempt
        .decision
        .post_filter
        .as_deref()
        .is_none_or(|m| !m.contains("not eligible"))
    {
        nominated = None;
    }
    let (mut c, api) = ctx(rc);
    let note = truncate(&message);
    record_event(
        api,
        &mut c,
        pod.object(),
        EventType::Warning,
        "FailedScheduling",
        &note,
        "default-scheduler",
        None,
    )?;
    let mut updated = pod.pod().clone();
    let status = updated.status.get_or_insert_with(Default::default);
    let changed = update_condition(
        status.conditions.get_or_insert_with(Vec::new),
        PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("Unschedulable".into()),
            message: Some(message),
            ..Default::default()
        },
        &c.now.to_k8s_time(),
    );
    let nominated = nominated.filter(|n| !n.is_empty());
    let nnn_changed = status
        .nominated_node_name
        .as_deref()
        .filter(|n| !n.is_empty())
        != nominated.as_deref();
    if !changed && !nnn_changed {
        return Ok(());
    }
    status.nominated_node_name = nominated;
    api.update(&mut c, Object::Pod(updated), Subresource::Status)?;
    Ok(())
}

/// Evicts the victims of a preemption (upstream `prepareCandidate`): each gets the
/// `DisruptionTarget` condition, is deleted, and gets a `Preempted` event.
fn preempt(rc: &mut ReconcileCtx, preemptor: &PodInfo, n: &Nomination) -> Result<(), ApiError> {
    let (mut c, api) = ctx(rc);
    let uid = preemptor.pod().metadata.uid.clone().unwrap_or_default();
    for victim in &n.victims {
        let Some(current) = api.try_get(Kind::Pod, victim.namespace(), victim.name()) else {
            continue;
        };
        let Object::Pod(mut p) = (*current).clone() else {
            continue;
        };
        let status = p.status.get_or_insert_with(Default::default);
        let changed = update_condition(
            status.conditions.get_or_insert_with(Vec::new),
            PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                reason: Some("PreemptionByScheduler".into()),
                message: Some(
                    "default-scheduler: preempting to accommodate a higher priority pod".into(),
                ),
                ..Default::default()
            },
            &c.now.to_k8s_time(),
        );
        if changed {
            api.update(&mut c, Object::Pod(p), Subresource::Status)?;
        }
        match api.delete(
            &mut c,
            Kind::Pod,
            victim.namespace(),
            victim.name(),
            &DeleteOptions::default(),
        ) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
        let msg = format!("Preempted by pod {uid} on node {}", n.node);
        record_event(
            api,
            &mut c,
            victim.object(),
            EventType::Normal,
            "Preempted",
            &msg,
            "default-scheduler",
            None,
        )?;
    }
    Ok(())
}

/// Upstream `podutil.UpdatePodCondition`: replaces the condition of the same type,
/// keeping `lastTransitionTime` when the status is unchanged. Returns whether anything
/// changed.
pub fn update_condition(
    conditions: &mut Vec<PodCondition>,
    mut new: PodCondition,
    now: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> bool {
    match conditions.iter_mut().find(|c| c.type_ == new.type_) {
        None => {
            new.last_transition_time = Some(now.clone());
            conditions.push(new);
            true
        }
        Some(old) => {
            new.last_transition_time = if old.status == new.status {
                old.last_transition_time.clone()
            } else {
                Some(now.clone())
            };
            let changed = *old != new;
            *old = new;
            changed
        }
    }
}

/// Upstream `truncateMessage`: messages longer than 1024 bytes end in ` ...`.
fn truncate(message: &str) -> String {
    if message.len() <= NOTE_LENGTH_LIMIT {
        return message.to_string();
    }
    let mut cut = NOTE_LENGTH_LIMIT - 4;
    while !message.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{} ...", &message[..cut])
}
