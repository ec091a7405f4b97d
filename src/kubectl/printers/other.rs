//! Rows for the remaining kinds: Event, EndpointSlice, Lease,
//! PodDisruptionBudget, and the NAME/AGE default of kinds without a printer
//! (ported from `printEvent`, `printEndpointSlice`, `printLease`,
//! `printPodDisruptionBudget` and cli-runtime's `printObjectMeta`).

use chrono::{DateTime, Utc};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::Event;
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::duration::{is_go_zero, translate_micro_timestamp_since, translate_timestamp_since};
use super::format::{int_or_string, list_with_more};

/// All cells of an Event's row, in column order: LAST SEEN, TYPE, REASON,
/// OBJECT, SUBOBJECT, SOURCE, MESSAGE, FIRST SEEN, COUNT, NAME (the fifth,
/// sixth and last three are wide-only).
///
/// FIRST SEEN falls back to `eventTime` and LAST SEEN to FIRST SEEN; an
/// event series reports its own last observation and count; OBJECT is
/// `kind/name` with the kind lower-cased; SOURCE is `component, host`.
pub fn event_row(event: &Event, now: DateTime<Utc>) -> Vec<String> {
    let set = |t: &Option<Time>| t.as_ref().filter(|t| !is_go_zero(t.0)).cloned();
    let first_seen = match set(&event.first_timestamp) {
        Some(t) => translate_timestamp_since(Some(&t), now),
        None => translate_micro_timestamp_since(event.event_time.as_ref(), now),
    };
    let mut last_seen = match set(&event.last_timestamp) {
        Some(t) => translate_timestamp_since(Some(&t), now),
        None => first_seen.clone(),
    };
    let mut count = event.count.unwrap_or(0);
    if let Some(series) = &event.series {
        last_seen = translate_micro_timestamp_since(series.last_observed_time.as_ref(), now);
        count = series.count.unwrap_or(0);
    } else if count == 0 {
        // Singleton events of the events.k8s.io API carry no count.
        count = 1;
    }
    let involved = &event.involved_object;
    let kind = involved.kind.as_deref().unwrap_or("").to_lowercase();
    let target = match involved.name.as_deref() {
        Some(name) if !name.is_empty() => format!("{kind}/{name}"),
        _ => kind,
    };
    let source = event.source.as_ref();
    let component = first_non_empty(
        source.and_then(|s| s.component.as_deref()),
        event.reporting_component.as_deref(),
    );
    let instance = first_non_empty(
        source.and_then(|s| s.host.as_deref()),
        event.reporting_instance.as_deref(),
    );
    let source = if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    };
    vec![
        last_seen,
        event.type_.clone().unwrap_or_default(),
        event.reason.clone().unwrap_or_default(),
        target,
        involved.field_path.clone().unwrap_or_default(),
        source,
        event.message.as_deref().unwrap_or("").trim().to_string(),
        first_seen,
        count.to_string(),
        event.metadata.name.clone().unwrap_or_default(),
    ]
}

fn first_non_empty<'a>(first: Option<&'a str>, second: Option<&'a str>) -> &'a str {
    match (first, second) {
        (Some(a), _) if !a.is_empty() => a,
        (_, Some(b)) => b,
        _ => "",
    }
}

/// All cells of an EndpointSlice's row: NAME, ADDRESSTYPE, PORTS, ENDPOINTS
/// (up to three of each, then ` + N more...`; `<unset>` when empty), AGE.
pub fn endpoint_slice_row(slice: &EndpointSlice, now: DateTime<Utc>) -> Vec<String> {
    const MAX: usize = 3;
    let ports: Vec<String> = slice
        .ports
        .iter()
        .flatten()
        .map(|p| match (p.port, p.name.as_ref()) {
            (Some(port), _) => port.to_string(),
            (None, Some(name)) => name.clone(),
            (None, None) => "*".to_string(),
        })
        .collect();
    let addresses: Vec<String> = slice
        .endpoints
        .iter()
        .flat_map(|e| e.addresses.iter().cloned())
        .collect();
    let shown = |items: &[String]| {
        let list: Vec<String> = items.iter().take(MAX).cloned().collect();
        list_with_more(&list, items.len() > MAX, items.len(), MAX)
    };
    vec![
        slice.metadata.name.clone().unwrap_or_default(),
        slice.address_type.clone(),
        shown(&ports),
        shown(&addresses),
        translate_timestamp_since(slice.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a Lease's row: NAME, HOLDER, AGE.
pub fn lease_row(lease: &Lease, now: DateTime<Utc>) -> Vec<String> {
    vec![
        lease.metadata.name.clone().unwrap_or_default(),
        lease
            .spec
            .as_ref()
            .and_then(|s| s.holder_identity.clone())
            .unwrap_or_default(),
        translate_timestamp_since(lease.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a PodDisruptionBudget's row: NAME, MIN AVAILABLE,
/// MAX UNAVAILABLE (each `N/A` when unset), ALLOWED DISRUPTIONS, AGE.
pub fn pod_disruption_budget_row(pdb: &PodDisruptionBudget, now: DateTime<Utc>) -> Vec<String> {
    let spec = pdb.spec.as_ref();
    let or_na = |v: Option<String>| v.unwrap_or_else(|| "N/A".to_string());
    vec![
        pdb.metadata.name.clone().unwrap_or_default(),
        or_na(
            spec.and_then(|s| s.min_available.as_ref())
                .map(int_or_string),
        ),
        or_na(
            spec.and_then(|s| s.max_unavailable.as_ref())
                .map(int_or_string),
        ),
        pdb.status
            .as_ref()
            .map_or(0, |s| s.disruptions_allowed)
            .to_string(),
        translate_timestamp_since(pdb.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// NAME and AGE, for kinds whose `columns` are NAME / AGE.
pub fn default_row(metadata: &ObjectMeta, now: DateTime<Utc>) -> Vec<String> {
    vec![
        metadata.name.clone().unwrap_or_default(),
        translate_timestamp_since(metadata.creation_timestamp.as_ref(), now),
    ]
}

/// NAME and CREATED AT (`2006-01-02T15:04:05Z`, UTC), the API server's
/// default table for built-in kinds without a printer (Role, ClusterRole…).
/// A missing timestamp prints as Go's zero time.
pub fn created_at_row(metadata: &ObjectMeta) -> Vec<String> {
    let created = metadata.creation_timestamp.as_ref().map_or_else(
        || "0001-01-01T00:00:00Z".to_string(),
        |t| t.0.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    vec![metadata.name.clone().unwrap_or_default(), created]
}

#[cfg(test)]
#[path = "other_tests.rs"]
mod tests;
