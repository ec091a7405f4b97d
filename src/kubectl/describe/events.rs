//! The Events section at the bottom of a description: finding the events about an object
//! (upstream `searchEvents`) and printing them (upstream `DescribeEvents`).
//!
//! kubectl asks the server for core/v1 Events in the object's namespace (every namespace
//! for a cluster-scoped object) with the field selector `involvedObject.name=...,
//! involvedObject.namespace=...` plus `involvedObject.kind` and `involvedObject.uid` when
//! known; this module applies the same filter to a list. The table is sorted by
//! `lastTimestamp` and shows each event's age, or for a repeated one
//! `<last seen> (x<count> over <first seen>)`, e.g. `3m (x2 over 5m)`.

use std::rc::Rc;

use k8s_openapi::api::core::v1::Event;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1};
use super::Env;
use crate::apiserver::ListOptions;
use crate::kubectl::printers::{translate_micro_timestamp_since, translate_timestamp_since};
use crate::model::{Kind, Object};

/// The field selector of one event search.
pub(super) struct EventQuery<'a> {
    /// `involvedObject.name`.
    pub name: &'a str,
    /// `involvedObject.namespace` (empty for cluster-scoped objects).
    pub namespace: &'a str,
    /// `involvedObject.kind`, when the search filters on it.
    pub kind: Option<&'a str>,
    /// `involvedObject.uid`, when the search filters on it.
    pub uid: Option<&'a str>,
}

impl<'a> EventQuery<'a> {
    /// The search `searchEvents` makes for an object: its name, namespace, kind and uid.
    pub(super) fn of(kind: Kind, meta: &'a ObjectMeta) -> EventQuery<'a> {
        EventQuery {
            name: meta.name.as_deref().unwrap_or(""),
            namespace: meta.namespace.as_deref().unwrap_or(""),
            kind: Some(kind.info().kind),
            uid: meta.uid.as_deref().filter(|u| !u.is_empty()),
        }
    }
}

/// `searchEvents`: the events matching `query`, in list order (namespace, then name).
pub(super) fn search(env: &Env, query: &EventQuery) -> Vec<Event> {
    let scope = (!query.namespace.is_empty()).then_some(query.namespace);
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::Event, scope, &ListOptions::default())
        .unwrap_or_default();
    listed
        .iter()
        .filter_map(|o| match &**o {
            Object::Event(e) => Some(e),
            _ => None,
        })
        .filter(|e| {
            let r = &e.involved_object;
            r.name.as_deref().unwrap_or("") == query.name
                && r.namespace.as_deref().unwrap_or("") == query.namespace
                && query
                    .kind
                    .is_none_or(|k| r.kind.as_deref().unwrap_or("") == k)
                && query
                    .uid
                    .is_none_or(|u| r.uid.as_deref().unwrap_or("") == u)
        })
        .cloned()
        .collect()
}

/// The events of an object when `--show-events` is on (the default), else `None`, in
/// which case the description has no Events section at all.
pub(super) fn about(env: &Env, kind: Kind, meta: &ObjectMeta) -> Option<Vec<Event>> {
    env.show_events
        .then(|| search(env, &EventQuery::of(kind, meta)))
}

/// The Events section, when there is one.
pub(super) fn describe_if(w: &mut PrefixWriter, events: Option<&[Event]>, env: &Env) {
    if let Some(events) = events {
        describe(w, events, env);
    }
}

/// `DescribeEvents`: `Events:  <none>`, or a table of Type, Reason, Age, From and Message
/// aligned on its own (the writer is flushed first).
pub(super) fn describe(w: &mut PrefixWriter, events: &[Event], env: &Env) {
    if events.is_empty() {
        w.write(LEVEL_0, "Events:\t<none>\n");
        return;
    }
    w.flush();
    let mut sorted: Vec<&Event> = events.iter().collect();
    // `SortableEvents` orders by lastTimestamp; a missing one is Go's zero time, the
    // earliest. The sort is stable, as Go's is for the short lists describe shows.
    sorted.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    w.write(LEVEL_0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n");
    w.write(LEVEL_1, "----\t------\t----\t----\t-------\n");
    for e in sorted {
        let first_seen = match &e.event_time {
            Some(t) => translate_micro_timestamp_since(Some(t), env.now),
            None => translate_timestamp_since(e.first_timestamp.as_ref(), env.now),
        };
        let count = e.count.unwrap_or(0);
        let interval = match &e.series {
            Some(series) => format!(
                "{} (x{} over {first_seen})",
                translate_micro_timestamp_since(series.last_observed_time.as_ref(), env.now),
                series.count.unwrap_or(0)
            ),
            None if count > 1 => format!(
                "{} (x{count} over {first_seen})",
                translate_timestamp_since(e.last_timestamp.as_ref(), env.now)
            ),
            None => first_seen,
        };
        let source = e
            .source
            .as_ref()
            .and_then(|s| s.component.as_deref())
            .filter(|c| !c.is_empty())
            .or(e.reporting_component.as_deref())
            .unwrap_or("");
        put!(
            w,
            LEVEL_1,
            "{}\t{}\t{}\t{}\t{}\n",
            e.type_.as_deref().unwrap_or(""),
            e.reason.as_deref().unwrap_or(""),
            interval,
            source,
            e.message.as_deref().unwrap_or("").trim()
        );
    }
}
