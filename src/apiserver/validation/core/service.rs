//! Service validation (`ValidateService`): ports, type-specific rules (ExternalName,
//! NodePort, LoadBalancer), selector labels, session affinity, external IPs, source
//! ranges and traffic policies. Cluster IPs and update rules live in `service_ips`.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Service, ServicePort, ServiceSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::net::{is_valid_cidr, is_valid_ip, validate_non_special_ip};
use super::probe::validate_port_num_or_name;
use super::service_ips::validate_cluster_ips;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::{validate_labels, validate_object_meta_core};
use crate::apiserver::validation::names::{
    is_dns1123_label, is_dns1123_subdomain, is_qualified_name, is_valid_port_num,
    name_is_dns1035_label,
};

/// Whether the service is headless (`clusterIPs: [None]`).
pub fn is_headless(spec: &ServiceSpec) -> bool {
    spec.cluster_ips
        .as_ref()
        .is_some_and(|ips| ips.len() == 1 && ips[0] == "None")
}

fn qualified(value: &str, p: &Path) -> Vec<FieldError> {
    is_qualified_name(value)
        .into_iter()
        .map(|m| invalid(p, q(value), &m))
        .collect()
}

fn validate_service_port(
    sp: &ServicePort,
    require_name: bool,
    names: &mut BTreeSet<String>,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = sp.name.as_deref().unwrap_or("");
    if require_name && name.is_empty() {
        errs.push(required(&p.child("name"), ""));
    } else if !name.is_empty() {
        errs.extend(
            is_dns1123_label(name)
                .into_iter()
                .map(|m| invalid(&p.child("name"), q(name), &m)),
        );
        if !names.insert(name.to_string()) {
            errs.push(duplicate(&p.child("name"), q(name)));
        }
    }
    errs.extend(
        is_valid_port_num(i64::from(sp.port))
            .into_iter()
            .map(|m| invalid(&p.child("port"), sp.port.to_string(), &m)),
    );
    match sp.protocol.as_deref().unwrap_or("") {
        "TCP" | "UDP" | "SCTP" => {}
        "" => errs.push(required(&p.child("protocol"), "")),
        other => errs.push(not_supported(
            &p.child("protocol"),
            q(other),
            &["SCTP", "TCP", "UDP"],
        )),
    }
    // An unset targetPort decodes as the int 0, which is what upstream sees too.
    errs.extend(validate_port_num_or_name(
        sp.target_port.as_ref().unwrap_or(&IntOrString::Int(0)),
        &p.child("targetPort"),
    ));
    if let Some(ap) = &sp.app_protocol {
        errs.extend(qualified(ap, &p.child("appProtocol")));
    }
    errs
}

/// `ValidateService`.
pub fn validate_service(svc: &Service) -> Vec<FieldError> {
    let meta_path = Path::new("metadata");
    let mut errs =
        validate_object_meta_core(&svc.metadata, true, name_is_dns1035_label, &meta_path);
    let ann = svc.metadata.annotations.clone().unwrap_or_default();
    let hints = "service.kubernetes.io/topology-aware-hints";
    let mode = "service.kubernetes.io/topology-mode";
    if let (Some(m), Some(h)) = (ann.get(mode), ann.get(hints)) {
        if m != h {
            errs.push(invalid(
                &meta_path.child("annotations").key(mode),
                q(m),
                &format!("must match annotations[{hints}] when both are specified"),
            ));
        }
    }
    let sp = Path::new("spec");
    let spec = svc.spec.clone().unwrap_or_default();
    let type_ = spec.type_.as_deref().unwrap_or("");
    let ports = spec.ports.as_deref().unwrap_or_default();
    let cluster_ips = spec.cluster_ips.as_deref().unwrap_or_default();
    if ports.is_empty() && !is_headless(&spec) && type_ != "ExternalName" {
        errs.push(required(&sp.child("ports"), ""));
    }
    match type_ {
        "LoadBalancer" => {
            for (i, port) in ports.iter().enumerate() {
                if port.port == 10250 {
                    errs.push(invalid(
                        &sp.child("ports").index(i),
                        port.port.to_string(),
                        "may not expose port 10250 externally since it is used by kubelet",
                    ));
                }
            }
            if is_headless(&spec) {
                errs.push(invalid(
                    &sp.child("clusterIPs").index(0),
                    q("None"),
                    "may not be set to 'None' for LoadBalancer services",
                ));
            }
        }
        "NodePort" if is_headless(&spec) => {
            errs.push(invalid(
                &sp.child("clusterIPs").index(0),
                q("None"),
                "may not be set to 'None' for NodePort services",
            ));
        }
        "ExternalName" => {
            let msg = "may not be set for ExternalName services";
            if !cluster_ips.is_empty() {
                errs.push(forbidden(&sp.child("clusterIPs"), msg));
            }
            if spec.ip_families.as_ref().is_some_and(|f| !f.is_empty()) {
                errs.push(forbidden(&sp.child("ipFamilies"), msg));
            }
            if spec.ip_family_policy.is_some() {
                errs.push(forbidden(&sp.child("ipFamilyPolicy"), msg));
            }
            let name = spec.external_name.as_deref().unwrap_or("");
            let cname = name.strip_suffix('.').unwrap_or(name);
            if cname.is_empty() {
                errs.push(required(&sp.child("externalName"), ""));
            } else {
                errs.extend(
                    is_dns1123_subdomain(cname)
                        .into_iter()
                        .map(|m| invalid(&sp.child("externalName"), q(cname), &m)),
                );
            }
        }
        _ => {}
    }
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        errs.extend(validate_service_port(
            port,
            ports.len() > 1,
            &mut names,
            &sp.child("ports").index(i),
        ));
    }
    if spec.selector.is_some() {
        errs.extend(validate_labels(
            spec.selector.as_ref(),
            &sp.child("selector"),
        ));
    }
    let affinity = spec.session_affinity.as_deref().unwrap_or("");
    match affinity {
        "" => errs.push(required(&sp.child("sessionAffinity"), "")),
        "ClientIP" => {
            let cp = sp.child("sessionAffinityConfig");
            let msg = "when session affinity type is ClientIP";
            match spec.session_affinity_config.as_ref() {
                None => errs.push(required(&cp, msg)),
                Some(c) => match c.client_ip.as_ref() {
                    None => errs.push(required(&cp.child("clientIP"), msg)),
                    Some(ip) => match ip.timeout_seconds {
                        None => {
                            errs.push(required(&cp.child("clientIP").child("timeoutSeconds"), msg))
                        }
                        Some(t) if t <= 0 || t > 86400 => errs.push(invalid(
                            &cp.child("clientIP").child("timeoutSeconds"),
                            t.to_string(),
                            "must be greater than 0 and less than 86400",
                        )),
                        Some(_) => {}
                    },
                },
            }
        }
        "None" => {
            if spec.session_affinity_config.is_some() {
                errs.push(forbidden(
                    &sp.child("sessionAffinityConfig"),
                    "must not be set when session affinity is None",
                ));
            }
        }
        other => errs.push(not_supported(
            &sp.child("sessionAffinity"),
            q(other),
            &["ClientIP", "None"],
        )),
    }
    errs.extend(validate_cluster_ips(&spec));
    for (i, ip) in spec.external_ips.iter().flatten().enumerate() {
        let ip_path = sp.child("externalIPs").index(i);
        let e = is_valid_ip(&ip_path, ip);
        if e.is_empty() {
            errs.extend(validate_non_special_ip(ip, &ip_path));
        } else {
            errs.extend(e);
        }
    }
    match type_ {
        "" => errs.push(required(&sp.child("type"), "")),
        "ClusterIP" | "NodePort" | "LoadBalancer" | "ExternalName" => {}
        other => errs.push(not_supported(
            &sp.child("type"),
            q(other),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        )),
    }
    if type_ == "ClusterIP" {
        for (i, port) in ports.iter().enumerate() {
            if port.node_port.unwrap_or(0) != 0 {
                errs.push(forbidden(
                    &sp.child("ports").index(i).child("nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }
    let mut node_ports = BTreeSet::new();
    let mut port_keys = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let proto = port.protocol.clone().unwrap_or_default();
        let np = port.node_port.unwrap_or(0);
        if np != 0 && !node_ports.insert((proto.clone(), np)) {
            errs.push(duplicate(
                &sp.child("ports").index(i).child("nodePort"),
                np.to_string(),
            ));
        }
        if !port_keys.insert((proto.clone(), port.port)) {
            let key = format!("core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}", q(&proto), port.port);
            errs.push(duplicate(&sp.child("ports").index(i), key));
        }
    }
    let lb = type_ == "LoadBalancer";
    let ranges = spec
        .load_balancer_source_ranges
        .as_deref()
        .unwrap_or_default();
    if !ranges.is_empty() {
        let fp = sp.child("LoadBalancerSourceRanges");
        if !lb {
            errs.push(forbidden(
                &fp,
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
        for (i, r) in ranges.iter().enumerate() {
            errs.extend(is_valid_cidr(&fp.index(i), r.trim()));
        }
    }
    if spec.allocate_load_balancer_node_ports.is_some() && !lb {
        errs.push(forbidden(
            &sp.child("allocateLoadBalancerNodePorts"),
            "may only be used when `type` is 'LoadBalancer'",
        ));
    }
    if lb && spec.allocate_load_balancer_node_ports.is_none() {
        errs.push(required(&Path::new("allocateLoadBalancerNodePorts"), ""));
    }
    if let Some(class) = &spec.load_balancer_class {
        if lb {
            errs.extend(qualified(class, &sp.child("loadBalancerClass")));
        } else {
            errs.push(forbidden(
                &sp.child("loadBalancerClass"),
                "may only be used when `type` is 'LoadBalancer'",
            ));
        }
    }
    errs.extend(validate_traffic_policies(&spec, type_));
    errs
}

fn validate_traffic_policies(spec: &ServiceSpec, type_: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let sp = Path::new("spec");
    let externally_accessible = type_ == "LoadBalancer"
        || type_ == "NodePort"
        || (type_ == "ClusterIP" && spec.external_ips.as_ref().is_some_and(|e| !e.is_empty()));
    let etp = spec.external_traffic_policy.as_deref().unwrap_or("");
    if !externally_accessible {
        if !etp.is_empty() {
            errs.push(invalid(
                &sp.child("externalTrafficPolicy"),
                q(etp),
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        errs.push(required(&sp.child("externalTrafficPolicy"), ""));
    } else if etp != "Cluster" && etp != "Local" {
        errs.push(not_supported(
            &sp.child("externalTrafficPolicy"),
            q(etp),
            &["Cluster", "Local"],
        ));
    }
    let hc = spec.health_check_node_port.unwrap_or(0);
    let needs_health_check = type_ == "LoadBalancer" && etp == "Local";
    if !needs_health_check {
        if hc != 0 {
            errs.push(invalid(&sp.child("healthCheckNodePort"), hc.to_string(), "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
        }
    } else if hc == 0 {
        errs.push(required(&sp.child("healthCheckNodePort"), ""));
    } else {
        errs.extend(
            is_valid_port_num(i64::from(hc))
                .into_iter()
                .map(|m| invalid(&sp.child("healthCheckNodePort"), hc.to_string(), &m)),
        );
    }
    match spec.internal_traffic_policy.as_deref() {
        None if ["NodePort", "LoadBalancer", "ClusterIP"].contains(&type_) => {
            errs.push(required(&sp.child("internalTrafficPolicy"), ""))
        }
        Some(p) if p != "Cluster" && p != "Local" => errs.push(not_supported(
            &sp.child("internalTrafficPolicy"),
            q(p),
            &["Cluster", "Local"],
        )),
        _ => {}
    }
    if let Some(td) = spec
        .traffic_distribution
        .as_deref()
        .filter(|t| *t != "PreferClose")
    {
        errs.push(not_supported(
            &sp.child("trafficDistribution"),
            q(td),
            &["PreferClose"],
        ));
    }
    errs
}
