//! Service defaulting: `SetDefaults_Service` and, on create, what the Service strategy and
//! REST storage add before allocation (`status: {loadBalancer: {}}`, `clusterIPs` from
//! `clusterIP`, and `ipFamilyPolicy`/`ipFamilies` from `initIPFamilyFields` in
//! `pkg/registry/core/service/storage/alloc.go`). kubeniwa's service network is
//! single-stack IPv4 (`10.96.0.0/12`), which fixes the default family. Allocating the
//! cluster IP and node ports is not done here.

use super::super::{set_str, str_is};
use k8s_openapi::api::core::v1::{LoadBalancerStatus, Service, ServiceStatus};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `SetDefaults_Service` plus the generated `protocol: TCP` on ports.
pub(in super::super) fn default_service(svc: &mut Service) {
    let spec = svc.spec.get_or_insert_with(Default::default);
    set_str(&mut spec.session_affinity, "None");
    if str_is(&spec.session_affinity, "None") {
        spec.session_affinity_config = None;
    }
    if str_is(&spec.session_affinity, "ClientIP") {
        let timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds);
        if timeout.is_none() {
            // DefaultClientIPServiceAffinitySeconds: three hours. The whole config is
            // replaced, as upstream does.
            spec.session_affinity_config =
                Some(k8s_openapi::api::core::v1::SessionAffinityConfig {
                    client_ip: Some(k8s_openapi::api::core::v1::ClientIPConfig {
                        timeout_seconds: Some(10800),
                    }),
                });
        }
    }
    set_str(&mut spec.type_, "ClusterIP");
    for port in spec.ports.iter_mut().flatten() {
        set_str(&mut port.protocol, "TCP");
        let unset = match &port.target_port {
            None => true,
            Some(IntOrString::Int(n)) => *n == 0,
            Some(IntOrString::String(s)) => s.is_empty(),
        };
        if unset {
            port.target_port = Some(IntOrString::Int(port.port));
        }
    }
    // service.ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with externalIPs.
    let external_ips = spec
        .external_ips
        .as_ref()
        .is_some_and(|ips| !ips.is_empty());
    let externally_accessible = str_is(&spec.type_, "NodePort")
        || str_is(&spec.type_, "LoadBalancer")
        || (str_is(&spec.type_, "ClusterIP") && external_ips);
    if externally_accessible {
        set_str(&mut spec.external_traffic_policy, "Cluster");
    }
    let internal_types = ["NodePort", "LoadBalancer", "ClusterIP"];
    if spec.internal_traffic_policy.is_none()
        && internal_types.iter().any(|t| str_is(&spec.type_, t))
    {
        spec.internal_traffic_policy = Some("Cluster".into());
    }
    if str_is(&spec.type_, "LoadBalancer") {
        spec.allocate_load_balancer_node_ports.get_or_insert(true);
        // LoadBalancerIPMode (beta, on in v1.32): an ingress IP without a mode is a VIP.
        let ingress = svc
            .status
            .as_mut()
            .and_then(|s| s.load_balancer.as_mut())
            .and_then(|lb| lb.ingress.as_mut());
        for ing in ingress.into_iter().flatten() {
            if ing.ip.as_deref().is_some_and(|ip| !ip.is_empty()) && ing.ip_mode.is_none() {
                ing.ip_mode = Some("VIP".into());
            }
        }
    }
}

/// The create-time Service mutations: the strategy clears `status` (v1.32 prints
/// `status: {loadBalancer: {}}`), then `normalizeClusterIPs` and `initIPFamilyFields`.
pub(in super::super) fn prepare_service(svc: &mut Service) {
    svc.status = Some(ServiceStatus {
        load_balancer: Some(LoadBalancerStatus::default()),
        ..Default::default()
    });
    let Some(spec) = svc.spec.as_mut() else {
        return;
    };

    // normalizeClusterIPs on create: a client that set only `clusterIP` gets `clusterIPs`.
    let cluster_ip = spec.cluster_ip.clone().unwrap_or_default();
    if !cluster_ip.is_empty() && spec.cluster_ips.as_ref().is_none_or(|ips| ips.is_empty()) {
        spec.cluster_ips = Some(vec![cluster_ip.clone()]);
    }

    // initIPFamilyFields. ExternalName services have no IPs.
    if str_is(&spec.type_, "ExternalName") {
        return;
    }
    let headless_selectorless =
        cluster_ip == "None" && spec.selector.as_ref().is_none_or(|s| s.is_empty());
    if spec.ip_family_policy.is_none() {
        // Headless services without a selector default to dual-stack; all others to
        // single-stack.
        let policy = if headless_selectorless {
            "RequireDualStack"
        } else {
            "SingleStack"
        };
        spec.ip_family_policy = Some(policy.into());
    }
    // Families the client left out are inferred from the cluster IPs it chose.
    let families = spec.ip_families.get_or_insert_with(Vec::new);
    for (i, ip) in spec.cluster_ips.iter().flatten().enumerate() {
        if ip == "None" {
            break;
        }
        if i >= families.len() {
            families.push(if ip.contains(':') { "IPv6" } else { "IPv4" }.into());
        }
    }
    if families.is_empty() {
        families.push("IPv4".into());
    }
    // Headless, selectorless services may list both families even on a single-stack
    // cluster; any policy but SingleStack adds the other one. (Other services asking for
    // dual-stack here fail validation, which is not this module's job.)
    if headless_selectorless && families.len() < 2 && !str_is(&spec.ip_family_policy, "SingleStack")
    {
        let other = if families[0] == "IPv4" {
            "IPv6"
        } else {
            "IPv4"
        };
        families.push(other.into());
    }
}
