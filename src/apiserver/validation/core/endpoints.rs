//! Endpoints validation (`ValidateEndpoints`): every subset has addresses, addresses are
//! valid, non-special IPs with DNS-label hostnames, and ports are named when there are
//! several.

use k8s_openapi::api::core::v1::{EndpointAddress, Endpoints};

use super::net::{is_valid_ip, validate_non_special_ip};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, not_supported, required, Path};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::validate_object_meta_core;
use crate::apiserver::validation::names::{
    is_dns1123_label, is_qualified_name, is_valid_port_num, name_is_dns_subdomain,
};

fn validate_endpoint_address(a: &EndpointAddress, p: &Path) -> Vec<FieldError> {
    let mut errs = is_valid_ip(&p.child("ip"), &a.ip);
    if let Some(h) = a.hostname.as_deref().filter(|h| !h.is_empty()) {
        errs.extend(
            is_dns1123_label(h)
                .into_iter()
                .map(|m| invalid(&p.child("hostname"), q(h), &m)),
        );
    }
    if let Some(n) = &a.node_name {
        errs.extend(
            name_is_dns_subdomain(n, false)
                .into_iter()
                .map(|m| invalid(&p.child("nodeName"), q(n), &m)),
        );
    }
    errs.extend(validate_non_special_ip(&a.ip, &p.child("ip")));
    errs
}

/// `ValidateEndpoints`.
pub fn validate_endpoints(ep: &Endpoints) -> Vec<FieldError> {
    let mut errs = validate_object_meta_core(
        &ep.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    for (i, ss) in ep.subsets.iter().flatten().enumerate() {
        let ip = Path::new("subsets").index(i);
        let (addrs, not_ready) = (
            ss.addresses.as_deref().unwrap_or_default(),
            ss.not_ready_addresses.as_deref().unwrap_or_default(),
        );
        if addrs.is_empty() && not_ready.is_empty() {
            errs.push(required(
                &ip,
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (j, a) in addrs.iter().enumerate() {
            errs.extend(validate_endpoint_address(
                a,
                &ip.child("addresses").index(j),
            ));
        }
        for (j, a) in not_ready.iter().enumerate() {
            errs.extend(validate_endpoint_address(
                a,
                &ip.child("notReadyAddresses").index(j),
            ));
        }
        let ports = ss.ports.as_deref().unwrap_or_default();
        for (j, port) in ports.iter().enumerate() {
            let pp = ip.child("ports").index(j);
            let name = port.name.as_deref().unwrap_or("");
            if ports.len() > 1 && name.is_empty() {
                errs.push(required(&pp.child("name"), ""));
            } else if !name.is_empty() {
                errs.extend(
                    is_dns1123_label(name)
                        .into_iter()
                        .map(|m| invalid(&pp.child("name"), q(name), &m)),
                );
            }
            errs.extend(
                is_valid_port_num(i64::from(port.port))
                    .into_iter()
                    .map(|m| invalid(&pp.child("port"), port.port.to_string(), &m)),
            );
            match port.protocol.as_deref().unwrap_or("") {
                "TCP" | "UDP" | "SCTP" => {}
                "" => errs.push(required(&pp.child("protocol"), "")),
                other => errs.push(not_supported(
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
    }
    errs
}
