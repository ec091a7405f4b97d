//! `kubectl describe` for Endpoints and EndpointSlices (upstream v1.32
//! `describeEndpoints`, `describeEndpointSliceV1`): each subset's addresses and ports, or
//! each slice endpoint's addresses, readiness, hostname, target, node and zone.

use k8s_openapi::api::core::v1::Endpoints;
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::events;
use super::multiline::print_object_header;
use super::writer::{PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3};
use super::Env;
use crate::model::Kind;

/// `describeEndpoints`: each subset's ready and not-ready addresses and its ports, each
/// subset followed by a blank line.
pub(super) fn describe_endpoints(env: &Env, ep: &Endpoints) -> String {
    let meta = &ep.metadata;
    let events = events::about(env, Kind::Endpoints, meta);
    let mut w = PrefixWriter::new();
    print_object_header(&mut w, meta);
    w.write(LEVEL_0, "Subsets:\n");
    for subset in ep.subsets.iter().flatten() {
        let ips = |list: &Option<Vec<k8s_openapi::api::core::v1::EndpointAddress>>| {
            let joined = list
                .iter()
                .flatten()
                .map(|a| a.ip.as_str())
                .collect::<Vec<_>>()
                .join(",");
            if joined.is_empty() {
                "<none>".to_string()
            } else {
                joined
            }
        };
        put!(w, LEVEL_1, "Addresses:\t{}\n", ips(&subset.addresses));
        put!(
            w,
            LEVEL_1,
            "NotReadyAddresses:\t{}\n",
            ips(&subset.not_ready_addresses)
        );
        let ports = subset.ports.as_deref().unwrap_or_default();
        if !ports.is_empty() {
            w.write(LEVEL_1, "Ports:\n");
            w.write(LEVEL_2, "Name\tPort\tProtocol\n");
            w.write(LEVEL_2, "----\t----\t--------\n");
            for port in ports {
                let name = port
                    .name
                    .as_deref()
                    .filter(|n| !n.is_empty())
                    .unwrap_or("<unset>");
                put!(
                    w,
                    LEVEL_2,
                    "{name}\t{}\t{}\n",
                    port.port,
                    port.protocol.as_deref().unwrap_or("")
                );
            }
        }
        w.write(LEVEL_0, "\n");
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeEndpointSliceV1`.
pub(super) fn describe_endpoint_slice(env: &Env, eps: &EndpointSlice) -> String {
    let meta = &eps.metadata;
    let events = events::about(env, Kind::EndpointSlice, meta);
    let mut w = PrefixWriter::new();
    print_object_header(&mut w, meta);
    put!(w, LEVEL_0, "AddressType:\t{}\n", eps.address_type);
    let ports = eps.ports.as_deref().unwrap_or_default();
    if ports.is_empty() {
        w.write(LEVEL_0, "Ports: <unset>\n");
    } else {
        w.write(LEVEL_0, "Ports:\n");
        w.write(LEVEL_1, "Name\tPort\tProtocol\n");
        w.write(LEVEL_1, "----\t----\t--------\n");
        for port in ports {
            let name = port
                .name
                .as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or("<unset>");
            let number = port.port.map_or("<unset>".to_string(), |p| p.to_string());
            put!(
                w,
                LEVEL_1,
                "{name}\t{number}\t{}\n",
                port.protocol.as_deref().unwrap_or("")
            );
        }
    }
    if eps.endpoints.is_empty() {
        w.write(LEVEL_0, "Endpoints: <none>\n");
    } else {
        w.write(LEVEL_0, "Endpoints:\n");
        for e in &eps.endpoints {
            let addresses = e.addresses.join(", ");
            let addresses = if addresses.is_empty() {
                "<none>".to_string()
            } else {
                addresses
            };
            put!(w, LEVEL_1, "- Addresses:\t{addresses}\n");
            w.write(LEVEL_2, "Conditions:\n");
            let ready = e
                .conditions
                .as_ref()
                .and_then(|c| c.ready)
                .map_or("<unset>".to_string(), |r| r.to_string());
            put!(w, LEVEL_3, "Ready:\t{ready}\n");
            put!(
                w,
                LEVEL_2,
                "Hostname:\t{}\n",
                e.hostname.as_deref().unwrap_or("<unset>")
            );
            if let Some(target) = &e.target_ref {
                put!(
                    w,
                    LEVEL_2,
                    "TargetRef:\t{}/{}\n",
                    target.kind.as_deref().unwrap_or(""),
                    target.name.as_deref().unwrap_or("")
                );
            }
            put!(
                w,
                LEVEL_2,
                "NodeName:\t{}\n",
                e.node_name.as_deref().unwrap_or("<unset>")
            );
            put!(
                w,
                LEVEL_2,
                "Zone:\t{}\n",
                e.zone.as_deref().unwrap_or("<unset>")
            );
        }
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}
