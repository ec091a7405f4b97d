//! The event recorder: components report what they did as core/v1 Events, and a repeat of
//! the same event (same source, object, type, reason and message) bumps `count` and
//! `lastTimestamp` of the existing one instead of creating another, as client-go's
//! `EventCorrelator` does.
//!
//! Event names are `<object name>.<hex of the event time in nanoseconds>`, as upstream's
//! `makeEvent`, so listing events (in name order, as etcd returns them) shows each
//! object's events in time order. Simulated time has millisecond resolution, so the last
//! six decimal digits of the nanoseconds carry the store revision the event is created
//! at, which keeps names unique and deterministic. Worked example: a Pod `web` at
//! simulated time 1735689600000 ms with store revision 42 gives nanoseconds
//! 1735689600000000042 = 0x1816687ec057002a, so `web.1816687ec057002a`.
//!
//! Finding the event to bump reads the object's newest events only (a reverse prefix
//! range over `<object name>.`, at most `LOOKBACK` of them), not the whole namespace.

use std::rc::Rc;

use k8s_openapi::api::core::v1::{Event, EventSource, ObjectReference};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::apiserver::{ApiError, ApiServer, Ctx, Subresource};
use crate::model::{Kind, Object};

/// `Normal` or `Warning`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// Routine.
    Normal,
    /// Something went wrong.
    Warning,
}

impl EventType {
    fn as_str(self) -> &'static str {
        match self {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}

/// How many of an object's newest events are checked for a repeat (client-go's correlator
/// keeps a bounded cache too).
pub const LOOKBACK: usize = 32;

/// A reference to `obj` as Events carry it.
pub fn object_reference(obj: &Object) -> ObjectReference {
    let info = obj.kind().info();
    let meta = obj.meta();
    ObjectReference {
        api_version: Some(info.api_version()),
        kind: Some(info.kind.to_string()),
        name: meta.name.clone(),
        namespace: meta.namespace.clone(),
        uid: meta.uid.clone(),
        resource_version: meta.resource_version.clone(),
        field_path: None,
    }
}

/// Records an event about `involved` from `component` (`deployment-controller`,
/// `default-scheduler`, `kubelet`), optionally on `host` (the kubelet's node).
#[allow(clippy::too_many_arguments)]
pub fn record_event(
    api: &mut ApiServer,
    ctx: &mut Ctx,
    involved: &Object,
    event_type: EventType,
    reason: &str,
    message: &str,
    component: &str,
    host: Option<&str>,
) -> Result<Rc<Object>, ApiError> {
    let reference = object_reference(involved);
    let namespace = reference
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "default".to_string());
    let now = ctx.now.to_k8s_time();
    let same = |e: &Event| {
        e.involved_object.uid == reference.uid
            && e.involved_object.kind == reference.kind
            && e.involved_object.name == reference.name
            && e.reason.as_deref() == Some(reason)
            && e.message.as_deref() == Some(message)
            && e.type_.as_deref() == Some(event_type.as_str())
            && e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(component)
            && e.source.as_ref().and_then(|s| s.host.as_deref()) == host
    };
    let object_name = reference.name.clone().unwrap_or_default();
    let existing = api
        .newest_with_prefix(Kind::Event, &namespace, &format!("{object_name}."))
        .take(LOOKBACK)
        .find(|o| matches!(&**o, Object::Event(e) if same(e)));
    if let Some(existing) = existing {
        if let Object::Event(e) = &*existing {
            let mut e = e.clone();
            e.count = Some(e.count.unwrap_or(1).saturating_add(1));
            e.last_timestamp = Some(now);
            return api.update(ctx, Object::Event(e), Subresource::Main);
        }
    }
    let nanos = ctx
        .now
        .0
        .saturating_mul(1_000_000)
        .saturating_add((api.revision() % 1_000_000) as i64);
    let name = format!("{object_name}.{nanos:x}");
    let event = Event {
        metadata: ObjectMeta {
            name: Some(name),
            namespace: Some(namespace),
            ..Default::default()
        },
        involved_object: reference,
        reason: Some(reason.to_string()),
        message: Some(message.to_string()),
        source: Some(EventSource {
            component: Some(component.to_string()),
            host: host.map(String::from),
        }),
        first_timestamp: Some(now.clone()),
        last_timestamp: Some(now),
        count: Some(1),
        type_: Some(event_type.as_str().to_string()),
        reporting_component: Some(component.to_string()),
        reporting_instance: Some(host.unwrap_or("").to_string()),
        ..Default::default()
    };
    api.create(ctx, Object::Event(event))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::{SimRng, SimTime, WriteMeta};
    use k8s_openapi::api::core::v1::{ConfigMap, Namespace};

    #[test]
    fn repeats_aggregate_into_count_and_last_timestamp() {
        // client-go's EventCorrelator: an identical event increments count.
        let mut api = ApiServer::new(100);
        let mut rng = SimRng::new(0);
        let mut ctx = Ctx::new(SimTime::START, &mut rng, WriteMeta::user());
        let ns = Namespace {
            metadata: ObjectMeta {
                name: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        api.create(&mut ctx, Object::Namespace(ns)).unwrap();
        let cm = ConfigMap {
            metadata: ObjectMeta {
                name: Some("web".into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let cm = api.create(&mut ctx, Object::ConfigMap(cm)).unwrap();
        let first = record_event(
            &mut api,
            &mut ctx,
            &cm,
            EventType::Normal,
            "Synced",
            "ok",
            "tester",
            None,
        )
        .unwrap();
        // `<name>.<16 hex digits>`, like upstream's names.
        assert!(
            first.name().starts_with("web.") && first.name().len() == 4 + 16,
            "{}",
            first.name()
        );
        let mut later = Ctx::new(SimTime::START.plus_secs(5), ctx.rng, WriteMeta::user());
        let second = record_event(
            &mut api,
            &mut later,
            &cm,
            EventType::Normal,
            "Synced",
            "ok",
            "tester",
            None,
        )
        .unwrap();
        assert_eq!(first.name(), second.name());
        let Object::Event(e) = &*second else { panic!() };
        assert_eq!(e.count, Some(2));
        assert_eq!(e.first_timestamp, Some(SimTime::START.to_k8s_time()));
        assert_eq!(
            e.last_timestamp,
            Some(SimTime::START.plus_secs(5).to_k8s_time())
        );
        // A different reason is a different event.
        let other = record_event(
            &mut api,
            &mut later,
            &cm,
            EventType::Warning,
            "Failed",
            "no",
            "tester",
            None,
        )
        .unwrap();
        assert_ne!(other.name(), first.name());
        assert_eq!(api.count(Kind::Event), 2);
    }
}
