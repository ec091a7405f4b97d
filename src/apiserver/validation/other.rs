//! Validation of the remaining kinds: Lease (`coordination.k8s.io`), EndpointSlice
//! (`discovery.k8s.io`), PodDisruptionBudget (`policy`), core/v1 Event (the legacy
//! checks the v1 API applies) and Binding (`ValidatePodBinding`).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Binding, Event};
use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::apps::{not_more_than_100_percent, validate_positive_int_or_percent};
use super::core::{is_valid_ipv4, is_valid_ipv6, validate_non_special_ip};
use super::field::{duplicate, forbidden, invalid, not_supported, required, too_many, Path};
use super::gofmt::{self, q};
use super::meta::{
    validate_label_selector, validate_labels, validate_object_meta, validate_object_meta_core,
    validate_object_meta_update,
};
use super::names::{
    is_dns1123_label, is_dns1123_subdomain, is_qualified_name, is_valid_label_value,
    name_is_dns_subdomain,
};
use crate::apiserver::errors::FieldError;
use crate::model::Object;

/// `ValidateLeaseSpec`.
fn validate_lease_spec(
    spec: Option<&k8s_openapi::api::coordination::v1::LeaseSpec>,
) -> Vec<FieldError> {
    let Some(spec) = spec else { return Vec::new() };
    let p = Path::new("spec");
    let mut errs = Vec::new();
    if let Some(d) = spec.lease_duration_seconds.filter(|d| *d <= 0) {
        errs.push(invalid(
            &p.child("leaseDurationSeconds"),
            d.to_string(),
            "must be greater than 0",
        ));
    }
    if let Some(t) = spec.lease_transitions.filter(|t| *t < 0) {
        errs.push(invalid(
            &p.child("leaseTransitions"),
            t.to_string(),
            "must be greater than or equal to 0",
        ));
    }
    if let Some(s) = spec.strategy.as_deref() {
        if s != "OldestEmulationVersion" {
            errs.push(not_supported(
                &p.child("strategy"),
                q(s),
                &["OldestEmulationVersion"],
            ));
        }
    }
    if spec
        .preferred_holder
        .as_deref()
        .is_some_and(|h| !h.is_empty())
        && spec.strategy.as_deref().unwrap_or("").is_empty()
    {
        errs.push(forbidden(
            &p.child("preferredHolder"),
            "may only be specified if `strategy` is defined",
        ));
    }
    errs
}

/// `ValidateEndpointSlice`.
fn validate_endpoint_slice(es: &EndpointSlice) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &es.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    let types = ["FQDN", "IPv4", "IPv6"];
    if es.address_type.is_empty() {
        errs.push(required(&Path::new("addressType"), ""));
    } else if !types.contains(&es.address_type.as_str()) {
        errs.push(not_supported(
            &Path::new("addressType"),
            q(&es.address_type),
            &types,
        ));
    }
    let ep_path = Path::new("endpoints");
    if es.endpoints.len() > 1000 {
        errs.push(too_many(&ep_path, es.endpoints.len(), 1000));
        return errs;
    }
    for (i, ep) in es.endpoints.iter().enumerate() {
        let ip = ep_path.index(i);
        let ap = ip.child("addresses");
        if ep.addresses.is_empty() {
            errs.push(required(&ap, "must contain at least 1 address"));
        } else if ep.addresses.len() > 100 {
            errs.push(too_many(&ap, ep.addresses.len(), 100));
        }
        for (j, a) in ep.addresses.iter().enumerate() {
            let aj = ap.index(j);
            match es.address_type.as_str() {
                "IPv4" => {
                    errs.extend(is_valid_ipv4(&aj, a));
                    errs.extend(validate_non_special_ip(a, &aj));
                }
                "IPv6" => {
                    errs.extend(is_valid_ipv6(&aj, a));
                    errs.extend(validate_non_special_ip(a, &aj));
                }
                "FQDN" => {
                    let host = a.strip_suffix('.').unwrap_or(a);
                    let msgs = is_dns1123_subdomain(host);
                    if !msgs.is_empty() {
                        errs.push(invalid(&aj, q(host), &msgs.join(",")));
                    }
                }
                _ => {}
            }
        }
        if let Some(n) = &ep.node_name {
            errs.extend(
                name_is_dns_subdomain(n, false)
                    .into_iter()
                    .map(|m| invalid(&ip.child("nodeName"), q(n), &m)),
            );
        }
        errs.extend(validate_labels(
            ep.deprecated_topology.as_ref(),
            &ip.child("deprecatedTopology"),
        ));
        if let Some(h) = &ep.hostname {
            errs.extend(
                is_dns1123_label(h)
                    .into_iter()
                    .map(|m| invalid(&ip.child("hostname"), q(h), &m)),
            );
        }
        let mut zones = BTreeSet::new();
        for (j, z) in ep
            .hints
            .iter()
            .flat_map(|h| h.for_zones.iter().flatten())
            .enumerate()
        {
            let zp = ip.child("hints").child("forZones").index(j).child("name");
            if !zones.insert(z.name.clone()) {
                errs.push(duplicate(&zp, q(&z.name)));
            }
            errs.extend(
                is_valid_label_value(&z.name)
                    .into_iter()
                    .map(|m| invalid(&zp, q(&z.name), &m)),
            );
        }
    }
    let mut names = BTreeSet::new();
    for (i, port) in es.ports.iter().flatten().enumerate() {
        let pp = Path::new("ports").index(i);
        let name = port.name.clone().unwrap_or_default();
        if !name.is_empty() {
            errs.extend(
                is_dns1123_label(&name)
                    .into_iter()
                    .map(|m| invalid(&pp.child("name"), q(&name), &m)),
            );
        }
        if !names.insert(name.clone()) {
            errs.push(duplicate(&pp.child("name"), q(&name)));
        }
        match port.protocol.as_deref() {
            None => errs.push(required(&pp.child("protocol"), "")),
            Some("TCP" | "UDP" | "SCTP") => {}
            Some(other) => errs.push(not_supported(
                &pp.child("protocol"),
                q(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
        if let Some(ap) = &port.app_protocol {
            errs.extend(
                is_qualified_name(ap)
                    .into_iter()
                    .map(|m| invalid(&pp.child("appProtocol"), q(ap), &m)),
            );
        }
    }
    errs
}

/// `ValidatePodDisruptionBudgetSpec` (upstream validates no metadata here; the generic
/// registry checks it afterwards).
fn validate_pdb(pdb: &PodDisruptionBudget) -> Vec<FieldError> {
    let spec = pdb.spec.clone().unwrap_or_default();
    let p = Path::new("spec");
    let mut errs = Vec::new();
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        let value = format!(
            "policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:{}, MaxUnavailable:{}, UnhealthyPodEvictionPolicy:{}}}",
            gofmt::ptr("intstr.IntOrString", spec.min_available.as_ref()),
            gofmt::ptr("v1.LabelSelector", spec.selector.as_ref()),
            gofmt::ptr("intstr.IntOrString", spec.max_unavailable.as_ref()),
            gofmt::ptr("policy.UnhealthyPodEvictionPolicyType", spec.unhealthy_pod_eviction_policy.as_ref())
        );
        errs.push(invalid(
            &p,
            value,
            "minAvailable and maxUnavailable cannot be both set",
        ));
    }
    for (v, child) in [
        (&spec.min_available, "minAvailable"),
        (&spec.max_unavailable, "maxUnavailable"),
    ] {
        if let Some(v) = v {
            errs.extend(validate_positive_int_or_percent(v, &p.child(child)));
            errs.extend(not_more_than_100_percent(v, &p.child(child)));
        }
    }
    errs.extend(validate_label_selector(
        spec.selector.as_ref(),
        &p.child("selector"),
    ));
    if let Some(u) = spec.unhealthy_pod_eviction_policy.as_deref() {
        if u != "AlwaysAllow" && u != "IfHealthyBudget" {
            errs.push(not_supported(
                &p.child("unhealthyPodEvictionPolicy"),
                q(u),
                &["AlwaysAllow", "IfHealthyBudget"],
            ));
        }
    }
    errs
}

/// `legacyValidateEvent`: what the core/v1 events API checks.
fn validate_event(ev: &Event) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let ns = ev.metadata.namespace.clone().unwrap_or_default();
    let involved_ns = ev.involved_object.namespace.clone().unwrap_or_default();
    let ip = Path::new("involvedObject").child("namespace");
    let mismatch = || invalid(&ip, q(&involved_ns), "does not match event.namespace");
    if ev.event_time.is_none() {
        if involved_ns.is_empty() {
            if !ns.is_empty() && ns != "default" {
                errs.push(mismatch());
            }
        } else if ns != involved_ns {
            errs.push(mismatch());
        }
    } else {
        if involved_ns.is_empty() && ns != "default" && ns != "kube-system" {
            errs.push(mismatch());
        }
        let controller = ev.reporting_component.clone().unwrap_or_default();
        if controller.is_empty() {
            errs.push(required(&Path::new("reportingController"), ""));
        }
        errs.extend(
            is_qualified_name(&controller)
                .into_iter()
                .map(|m| invalid(&Path::new("reportingController"), q(&controller), &m)),
        );
        for (value, field, limit) in [
            (ev.reporting_instance.clone(), "reportingInstance", 128),
            (ev.action.clone(), "action", 128),
            (ev.reason.clone(), "reason", 128),
        ] {
            let v = value.unwrap_or_default();
            if v.is_empty() {
                errs.push(required(&Path::new(field), ""));
            }
            if v.len() > limit {
                errs.push(invalid(
                    &Path::new(field),
                    q(""),
                    &format!("can have at most {limit} characters"),
                ));
            }
        }
        if ev.message.as_deref().unwrap_or("").len() > 1024 {
            errs.push(invalid(
                &Path::new("message"),
                q(""),
                "can have at most 1024 characters",
            ));
        }
    }
    errs.extend(
        is_dns1123_subdomain(&ns)
            .into_iter()
            .map(|m| invalid(&Path::new("namespace"), q(&ns), &m)),
    );
    errs
}

/// `ValidatePodBinding`.
fn validate_binding(b: &Binding) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let kind = b.target.kind.clone().unwrap_or_default();
    if !kind.is_empty() && kind != "Node" {
        errs.push(not_supported(
            &Path::new("target").child("kind"),
            q(&kind),
            &["Node", "<empty>"],
        ));
    }
    if b.target.name.as_deref().unwrap_or("").is_empty() {
        errs.push(required(&Path::new("target").child("name"), ""));
    }
    errs
}

/// Create-time validation of the remaining kinds; `None` for kinds handled elsewhere.
pub fn validate_create(obj: &Object) -> Option<Vec<FieldError>> {
    Some(match obj {
        Object::Lease(l) => {
            let mut errs = validate_object_meta(
                &l.metadata,
                true,
                name_is_dns_subdomain,
                &Path::new("metadata"),
            );
            errs.extend(validate_lease_spec(l.spec.as_ref()));
            errs
        }
        Object::EndpointSlice(es) => validate_endpoint_slice(es),
        Object::PodDisruptionBudget(p) => validate_pdb(p),
        Object::Event(e) => validate_event(e),
        Object::Binding(b) => validate_binding(b),
        _ => return None,
    })
}

/// Update-time validation of the remaining kinds; `None` for kinds handled elsewhere.
pub fn validate_update(new: &Object, old: &Object) -> Option<Vec<FieldError>> {
    Some(match (new, old) {
        (Object::Lease(n), Object::Lease(o)) => {
            let mut errs =
                validate_object_meta_update(&n.metadata, &o.metadata, &Path::new("metadata"));
            errs.extend(validate_lease_spec(n.spec.as_ref()));
            errs
        }
        (Object::EndpointSlice(n), Object::EndpointSlice(o)) => {
            let mut errs = validate_endpoint_slice(n);
            if n.address_type != o.address_type {
                errs.push(invalid(
                    &Path::new("addressType"),
                    q(&n.address_type),
                    super::names::FIELD_IMMUTABLE_ERROR_MSG,
                ));
            }
            errs
        }
        (Object::PodDisruptionBudget(n), Object::PodDisruptionBudget(_)) => validate_pdb(n),
        (Object::Event(n), Object::Event(_)) => validate_event(n),
        (Object::Binding(n), Object::Binding(_)) => validate_binding(n),
        _ => return None,
    })
}
