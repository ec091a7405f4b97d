//! The kubelet's event recorder: core/v1 Events about a pod or one of its containers
//! (`involvedObject.fieldPath: spec.containers{nginx}`), from `source: {component:
//! kubelet, host: <node>}`. Repeats aggregate into `count` as client-go's
//! `EventCorrelator` does, keyed on everything including the field path, so the two
//! containers of a pod pulling the same image get an event each.
//!
//! This mirrors `client::events::record_event`, which has no field path yet. One more
//! rule makes the level-triggered kubelet safe: an event identical to one already
//! recorded at this very instant is not counted again, because a second reconcile at the
//! same instant re-derives the same happenings.

use std::rc::Rc;

use k8s_openapi::api::core::v1::{Event, EventSource};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::apiserver::{ApiError, ApiServer, Subresource};
use crate::client::events::object_reference;
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// One event to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KubeletEvent {
    /// `Normal` or `Warning`.
    pub warning: bool,
    /// The reason (`Pulling`, `BackOff`, ...).
    pub reason: String,
    /// The message.
    pub message: String,
    /// The container it is about, as `involvedObject.fieldPath`
    /// (`spec.containers{nginx}`, `spec.initContainers{init}`), if any.
    pub field_path: Option<String>,
}

impl KubeletEvent {
    /// A Normal event about the container at `field_path`.
    pub fn normal(field_path: &str, reason: &str, message: String) -> Self {
        KubeletEvent {
            warning: false,
            reason: reason.to_string(),
            message,
            field_path: Some(field_path.to_string()),
        }
    }

    /// A Warning event about the container at `field_path`.
    pub fn warning(field_path: &str, reason: &str, message: String) -> Self {
        KubeletEvent {
            warning: true,
            reason: reason.to_string(),
            message,
            field_path: Some(field_path.to_string()),
        }
    }
}

fn type_str(warning: bool) -> &'static str {
    if warning {
        "Warning"
    } else {
        "Normal"
    }
}

/// Records `e` about `pod` from the kubelet of `node`, at the reconcile's instant.
pub fn record(
    rc: &mut ReconcileCtx,
    pod: &Object,
    node: &str,
    e: &KubeletEvent,
) -> Result<Rc<Object>, ApiError> {
    let mut reference = object_reference(pod);
    reference.field_path = e.field_path.clone();
    let namespace = reference.namespace.clone().unwrap_or_default();
    // Events have second resolution, like the kubelet's whole-second timeline.
    let now = crate::kubelet::pod::step::floor_second(rc.now);
    let type_ = type_str(e.warning);
    let same = |ev: &Event| {
        ev.involved_object.uid == reference.uid
            && ev.involved_object.field_path == reference.field_path
            && ev.reason.as_deref() == Some(e.reason.as_str())
            && ev.message.as_deref() == Some(e.message.as_str())
            && ev.type_.as_deref() == Some(type_)
            && ev.source.as_ref().and_then(|s| s.host.as_deref()) == Some(node)
            && ev.source.as_ref().and_then(|s| s.component.as_deref()) == Some("kubelet")
    };
    // Events about a pod are named `<pod>.<hex>`, so only that key range can hold a
    // repeat: a read-only range over the registry instead of listing the namespace.
    let prefix = format!(
        "{}{}.",
        ApiServer::prefix(Kind::Event, Some(&namespace)),
        pod.name()
    );
    let existing = rc
        .api
        .store()
        .range(&prefix)
        .map(|kv| kv.value.clone())
        .find(|o| matches!(&**o, Object::Event(ev) if same(ev)));
    if let Some(existing) = existing {
        if let Object::Event(ev) = &*existing {
            let last = ev.last_timestamp.as_ref().map(SimTime::from_k8s_time);
            if last == Some(now) {
                return Ok(existing.clone());
            }
            let mut ev = ev.clone();
            ev.count = Some(ev.count.unwrap_or(1).saturating_add(1));
            ev.last_timestamp = Some(now.to_k8s_time());
            return rc.update(Object::Event(ev), Subresource::Main);
        }
    }
    // Upstream names events `<object>.<hex nanoseconds>`; the store revision fills the
    // nanoseconds, as `client::events` does, to keep names unique and reproducible.
    let nanos = now
        .0
        .saturating_mul(1_000_000)
        .saturating_add((rc.api.revision() % 1_000_000) as i64);
    let event = Event {
        metadata: ObjectMeta {
            name: Some(format!("{}.{:x}", pod.name(), nanos)),
            namespace: Some(namespace),
            ..Default::default()
        },
        involved_object: reference,
        reason: Some(e.reason.clone()),
        message: Some(e.message.clone()),
        source: Some(EventSource {
            component: Some("kubelet".to_string()),
            host: Some(node.to_string()),
        }),
        first_timestamp: Some(now.to_k8s_time()),
        last_timestamp: Some(now.to_k8s_time()),
        count: Some(1),
        type_: Some(type_.to_string()),
        reporting_component: Some("kubelet".to_string()),
        reporting_instance: Some(node.to_string()),
        ..Default::default()
    };
    rc.create(Object::Event(event))
}
