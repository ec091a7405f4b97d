//! `kubectl describe service` (upstream v1.32 `ServiceDescriber`, `describeService`,
//! `buildIngressString`, `formatEndpointSlices`).
//!
//! A Service's `Endpoints:` line per port comes from its EndpointSlices (those labelled
//! `kubernetes.io/service-name=<name>`): the ready endpoints' `ip:port` for the slice
//! ports named like the service port, at most three, then ` + N more...`. For the talk's
//! `svc-sample` (NodePort, port `http-port` 8080→80, three nginx pods) that reads
//! `Endpoints:                10.244.1.10:80,10.244.2.10:80,10.244.3.10:80`.

use std::rc::Rc;

use k8s_openapi::api::core::v1::Service;
use k8s_openapi::api::discovery::v1::EndpointSlice;

use super::containers::int_or_string;
use super::events;
use super::multiline::{print_annotations, print_labels};
use super::writer::{PrefixWriter, LEVEL_0};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::selector::{format_labels, LabelSelector};
use crate::model::{Kind, Object};

/// The label an EndpointSlice carries naming its Service.
const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";

/// `describeService`.
pub(super) fn describe_service(env: &Env, svc: &Service) -> String {
    let meta = &svc.metadata;
    let spec = svc.spec.clone().unwrap_or_default();
    let name = meta.name.as_deref().unwrap_or("");
    let namespace = meta.namespace.as_deref().unwrap_or("");
    let slices = slices_of(env, namespace, name);
    let events = events::about(env, Kind::Service, meta);
    let mut w = PrefixWriter::new();
    put!(w, LEVEL_0, "Name:\t{name}\n");
    put!(w, LEVEL_0, "Namespace:\t{namespace}\n");
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Selector:\t{}\n",
        format_labels(&spec.selector.clone().unwrap_or_default())
    );
    put!(
        w,
        LEVEL_0,
        "Type:\t{}\n",
        spec.type_.as_deref().unwrap_or("")
    );
    if let Some(policy) = &spec.ip_family_policy {
        put!(w, LEVEL_0, "IP Family Policy:\t{policy}\n");
    }
    let families = spec.ip_families.as_deref().unwrap_or_default();
    if families.is_empty() {
        w.write(LEVEL_0, "IP Families:\t<none>\n");
    } else {
        put!(w, LEVEL_0, "IP Families:\t{}\n", families.join(","));
    }
    put!(
        w,
        LEVEL_0,
        "IP:\t{}\n",
        spec.cluster_ip.as_deref().unwrap_or("")
    );
    let ips = spec.cluster_ips.as_deref().unwrap_or_default();
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        put!(w, LEVEL_0, "IPs:\t{}\n", ips.join(","));
    }
    let external = spec.external_ips.as_deref().unwrap_or_default();
    if !external.is_empty() {
        put!(w, LEVEL_0, "External IPs:\t{}\n", external.join(","));
    }
    if let Some(ip) = spec.load_balancer_ip.as_deref().filter(|s| !s.is_empty()) {
        put!(w, LEVEL_0, "Desired LoadBalancer IP:\t{ip}\n");
    }
    if let Some(external) = spec.external_name.as_deref().filter(|s| !s.is_empty()) {
        put!(w, LEVEL_0, "External Name:\t{external}\n");
    }
    let ingress = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|l| l.ingress.clone())
        .unwrap_or_default();
    if !ingress.is_empty() {
        let texts: Vec<String> = ingress
            .iter()
            .map(|i| match i.ip.as_deref().filter(|ip| !ip.is_empty()) {
                Some(ip) => match &i.ip_mode {
                    Some(mode) => format!("{ip} ({mode})"),
                    None => ip.to_string(),
                },
                None => i.hostname.clone().unwrap_or_default(),
            })
            .collect();
        put!(w, LEVEL_0, "LoadBalancer Ingress:\t{}\n", texts.join(", "));
    }
    for port in spec.ports.iter().flatten() {
        let port_name = port.name.as_deref().unwrap_or("");
        let shown = if port_name.is_empty() {
            "<unset>"
        } else {
            port_name
        };
        let protocol = port.protocol.as_deref().unwrap_or("");
        put!(w, LEVEL_0, "Port:\t{shown}\t{}/{protocol}\n", port.port);
        let target = port
            .target_port
            .as_ref()
            .map_or("0".to_string(), int_or_string);
        put!(w, LEVEL_0, "TargetPort:\t{target}/{protocol}\n");
        if let Some(node_port) = port.node_port.filter(|p| *p != 0) {
            put!(w, LEVEL_0, "NodePort:\t{shown}\t{node_port}/{protocol}\n");
        }
        put!(
            w,
            LEVEL_0,
            "Endpoints:\t{}\n",
            format_endpoint_slices(&slices, Some(port_name))
        );
    }
    put!(
        w,
        LEVEL_0,
        "Session Affinity:\t{}\n",
        spec.session_affinity.as_deref().unwrap_or("")
    );
    if let Some(policy) = spec
        .external_traffic_policy
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        put!(w, LEVEL_0, "External Traffic Policy:\t{policy}\n");
    }
    if let Some(policy) = &spec.internal_traffic_policy {
        put!(w, LEVEL_0, "Internal Traffic Policy:\t{policy}\n");
    }
    if let Some(port) = spec.health_check_node_port.filter(|p| *p != 0) {
        put!(w, LEVEL_0, "HealthCheck NodePort:\t{port}\n");
    }
    let ranges = spec
        .load_balancer_source_ranges
        .as_deref()
        .unwrap_or_default();
    if !ranges.is_empty() {
        put!(
            w,
            LEVEL_0,
            "LoadBalancer Source Ranges:\t{}\n",
            ranges.join(",")
        );
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// The EndpointSlices of a Service, in list order.
fn slices_of(env: &Env, namespace: &str, name: &str) -> Vec<EndpointSlice> {
    let opts = ListOptions {
        label_selector: LabelSelector::parse(&format!("{SERVICE_NAME_LABEL}={name}")).ok(),
        ..Default::default()
    };
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::EndpointSlice, Some(namespace), &opts)
        .unwrap_or_default();
    listed
        .iter()
        .filter_map(|o| match &**o {
            Object::EndpointSlice(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

/// `formatEndpointSlices`: ready endpoints as `ip:port` (just `ip` for a slice without
/// ports) for the slice ports named `port_name` (`None`: every port), at most three.
/// Worked example: slices holding five ready addresses print the first three and
/// ` + 2 more...`; an endpoint whose `ready` is unset counts as ready.
fn format_endpoint_slices(slices: &[EndpointSlice], port_name: Option<&str>) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count: usize = 0;
    let ready = |e: &k8s_openapi::api::discovery::v1::Endpoint| {
        e.conditions.as_ref().and_then(|c| c.ready).unwrap_or(true)
    };
    for slice in slices {
        let ports = slice.ports.as_deref().unwrap_or_default();
        if ports.is_empty() {
            for e in &slice.endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    list.push(e.addresses.first().cloned().unwrap_or_default());
                }
                count += 1;
            }
            continue;
        }
        for port in ports {
            let name = port.name.as_deref().unwrap_or("");
            if port_name.is_some_and(|wanted| wanted != name) {
                continue;
            }
            for e in &slice.endpoints {
                if list.len() == MAX {
                    more = true;
                }
                if !ready(e) {
                    continue;
                }
                if !more {
                    let addr = e.addresses.first().map(String::as_str).unwrap_or("");
                    let number = port.port.unwrap_or(0).to_string();
                    list.push(if addr.contains(':') {
                        format!("[{addr}]:{number}")
                    } else {
                        format!("{addr}:{number}")
                    });
                }
                count += 1;
            }
        }
    }
    let joined = list.join(",");
    if more {
        format!("{joined} + {} more...", count.saturating_sub(MAX))
    } else {
        joined
    }
}
