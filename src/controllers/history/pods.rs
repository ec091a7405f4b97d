//! Pod helpers the workload controllers share (upstream `pkg/api/v1/pod` and
//! `controller.GetPodFromTemplate`): readiness and availability (with `minReadySeconds`),
//! terminal phases, building a pod from a template, and recording an event.

use k8s_openapi::api::core::v1::{Pod, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::apiserver::Ctx;
use crate::client::events::{record_event, EventType};
use crate::controllers::ReconcileCtx;
use crate::model::Object;
use crate::sim::SimTime;

/// The pod's phase (`""` when it has none, i.e. it was never created).
pub fn phase(pod: &Pod) -> &str {
    pod.status
        .as_ref()
        .and_then(|s| s.phase.as_deref())
        .unwrap_or("")
}

/// `podutil.IsPodTerminal`: phase Succeeded or Failed.
pub fn is_terminal(pod: &Pod) -> bool {
    matches!(phase(pod), "Succeeded" | "Failed")
}

/// `podutil.IsPodReady`: the Ready condition is True.
pub fn is_ready(pod: &Pod) -> bool {
    ready_since(pod).is_some()
}

/// When the Ready condition last turned True (`None` when not ready). A Ready condition
/// without a transition time counts as ready since the beginning of time.
pub fn ready_since(pod: &Pod) -> Option<SimTime> {
    let c = pod
        .status
        .as_ref()?
        .conditions
        .as_ref()?
        .iter()
        .find(|c| c.type_ == "Ready")?;
    if c.status != "True" {
        return None;
    }
    Some(
        c.last_transition_time
            .as_ref()
            .map(SimTime::from_k8s_time)
            .unwrap_or(SimTime(i64::MIN / 2)),
    )
}

/// `podutil.IsPodAvailable`: ready, and either `minReadySeconds` is 0 or the Ready
/// condition turned True strictly more than `minReadySeconds` ago.
/// Worked example: ready at 10:00:00 with minReadySeconds 5 is available from 10:00:05.001.
pub fn is_available(pod: &Pod, min_ready_seconds: i32, now: SimTime) -> bool {
    match ready_since(pod) {
        None => false,
        Some(_) if min_ready_seconds <= 0 => true,
        Some(t) => t.plus_secs(i64::from(min_ready_seconds)) < now,
    }
}

/// `controller.GetPodFromTemplate`: a pod in the parent's namespace with the template's
/// labels, annotations, finalizers and spec, `generateName: <parent>-`, and the
/// controller reference.
pub fn pod_from_template(
    template: &PodTemplateSpec,
    parent: &ObjectMeta,
    controller_ref: Option<OwnerReference>,
) -> Pod {
    let parent_name = parent.name.as_deref().unwrap_or("");
    let tmeta = template.metadata.clone().unwrap_or_default();
    Pod {
        metadata: ObjectMeta {
            labels: tmeta.labels,
            annotations: tmeta.annotations,
            finalizers: tmeta.finalizers,
            generate_name: Some(format!("{parent_name}-")),
            namespace: parent.namespace.clone(),
            owner_references: controller_ref.map(|r| vec![r]),
            ..Default::default()
        },
        spec: template.spec.clone(),
        status: None,
    }
}

/// Records an event about `involved` as `component` (best effort, as client-go's
/// broadcaster: a failure to record never fails the reconcile).
pub fn record(
    rc: &mut ReconcileCtx,
    involved: &Object,
    event_type: EventType,
    reason: &str,
    message: &str,
    component: &str,
) {
    let mut ctx = Ctx::new(rc.now, rc.rng, rc.meta.clone());
    let _ = record_event(
        rc.api, &mut ctx, involved, event_type, reason, message, component, None,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{PodCondition, PodStatus};

    fn ready_pod(at: SimTime) -> Pod {
        Pod {
            status: Some(PodStatus {
                phase: Some("Running".into()),
                conditions: Some(vec![PodCondition {
                    type_: "Ready".into(),
                    status: "True".into(),
                    last_transition_time: Some(at.to_k8s_time()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn availability_waits_strictly_past_min_ready_seconds() {
        // podutil.IsPodAvailable uses Before(now): exactly minReadySeconds is not enough.
        let t = SimTime::START;
        let p = ready_pod(t);
        assert!(is_available(&p, 0, t));
        assert!(!is_available(&p, 5, t.plus_secs(5)));
        assert!(is_available(&p, 5, t.plus_ms(5_001)));
        assert!(!is_available(&Pod::default(), 0, t));
    }
}
