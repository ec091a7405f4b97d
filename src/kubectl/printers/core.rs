//! Rows for core/v1 kinds other than Pod and the storage kinds: Service,
//! Endpoints, ConfigMap, Secret, Namespace, ServiceAccount and Node, ported
//! from upstream's `printService`, `printEndpoints`, `printConfigMap`,
//! `printSecret`, `printNamespace`, `printServiceAccount` and `printNode`.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{
    ConfigMap, Endpoints, Namespace, Node, Secret, Service, ServiceAccount, ServicePort,
};

use super::duration::translate_timestamp_since;
use super::format::format_labels;

/// All cells of a Service's row: NAME, TYPE, CLUSTER-IP, EXTERNAL-IP,
/// PORT(S), AGE and the wide SELECTOR.
///
/// The API server always builds tables with `GenerateOptions{Wide: true}`
/// (pkg/printers/storage), so the printer's clipping of long load balancer
/// lists to 16 characters never reaches `kubectl get`; it is not ported.
pub fn service_row(svc: &Service, now: DateTime<Utc>) -> Vec<String> {
    let spec = svc.spec.clone().unwrap_or_default();
    // The API server defaults the type to ClusterIP.
    let svc_type = spec
        .type_
        .clone()
        .unwrap_or_else(|| "ClusterIP".to_string());
    let cluster_ip = spec
        .cluster_ips
        .as_ref()
        .and_then(|ips| ips.first().cloned())
        .or_else(|| spec.cluster_ip.clone().filter(|ip| !ip.is_empty()))
        .unwrap_or_else(|| "<none>".to_string());
    let ports = make_port_string(spec.ports.as_deref().unwrap_or(&[]));
    vec![
        svc.metadata.name.clone().unwrap_or_default(),
        svc_type.clone(),
        cluster_ip,
        external_ip(svc, &svc_type),
        if ports.is_empty() {
            "<none>".to_string()
        } else {
            ports
        },
        translate_timestamp_since(svc.metadata.creation_timestamp.as_ref(), now),
        format_labels(spec.selector.as_ref()),
    ]
}

/// `getServiceExternalIP`.
fn external_ip(svc: &Service, svc_type: &str) -> String {
    let external_ips: Vec<String> = svc
        .spec
        .as_ref()
        .and_then(|s| s.external_ips.clone())
        .unwrap_or_default();
    match svc_type {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let lb_ips = load_balancer_status(svc);
            if !external_ips.is_empty() {
                let mut results: Vec<String> = Vec::new();
                if !lb_ips.is_empty() {
                    results.extend(lb_ips.split(',').map(str::to_string));
                }
                results.extend(external_ips);
                return results.join(",");
            }
            if lb_ips.is_empty() {
                "<pending>".to_string()
            } else {
                lb_ips
            }
        }
        "ExternalName" => svc
            .spec
            .as_ref()
            .and_then(|s| s.external_name.clone())
            .unwrap_or_default(),
        _ => "<unknown>".to_string(),
    }
}

/// `loadBalancerStatusStringer` in wide mode: the sorted, de-duplicated
/// ingress IPs (or hostnames) joined by commas.
fn load_balancer_status(svc: &Service) -> String {
    let ingress = svc
        .status
        .as_ref()
        .and_then(|s| s.load_balancer.as_ref())
        .and_then(|lb| lb.ingress.as_ref());
    let mut addresses: BTreeSet<String> = BTreeSet::new();
    for entry in ingress.into_iter().flatten() {
        match (entry.ip.as_deref(), entry.hostname.as_deref()) {
            (Some(ip), _) if !ip.is_empty() => addresses.insert(ip.to_string()),
            (_, Some(host)) if !host.is_empty() => addresses.insert(host.to_string()),
            _ => false,
        };
    }
    addresses.into_iter().collect::<Vec<_>>().join(",")
}

/// `makePortString`: `80/TCP`, or `8080:31706/TCP` with a node port.
fn make_port_string(ports: &[ServicePort]) -> String {
    let pieces: Vec<String> = ports
        .iter()
        .map(|p| {
            let protocol = p.protocol.as_deref().unwrap_or("TCP");
            match p.node_port {
                Some(node_port) if node_port > 0 => format!("{}:{node_port}/{protocol}", p.port),
                _ => format!("{}/{protocol}", p.port),
            }
        })
        .collect();
    pieces.join(",")
}

/// All cells of an Endpoints row: NAME, ENDPOINTS, AGE. ENDPOINTS lists up
/// to three ready `ip:port` pairs, then ` + N more...` (`formatEndpoints`).
pub fn endpoints_row(ep: &Endpoints, now: DateTime<Utc>) -> Vec<String> {
    vec![
        ep.metadata.name.clone().unwrap_or_default(),
        format_endpoints(ep),
        translate_timestamp_since(ep.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// `formatEndpoints` with no port filter, including its counting quirks:
/// every port of a subset adds all of the subset's addresses to the count.
fn format_endpoints(ep: &Endpoints) -> String {
    let subsets = ep.subsets.as_deref().unwrap_or(&[]);
    if subsets.is_empty() {
        return "<none>".to_string();
    }
    const MAX: usize = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for subset in subsets {
        let addresses = subset.addresses.as_deref().unwrap_or(&[]);
        let ports = subset.ports.as_deref().unwrap_or(&[]);
        if ports.is_empty() {
            // A headless service may have no ports.
            count += addresses.len();
            for address in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(address.ip.clone());
            }
            continue;
        }
        for port in ports {
            count += addresses.len();
            for address in addresses {
                if list.len() == MAX {
                    more = true;
                    break;
                }
                list.push(join_host_port(&address.ip, port.port));
            }
        }
    }
    let joined = list.join(",");
    if more {
        return format!("{joined} + {} more...", count.saturating_sub(MAX));
    }
    joined
}

/// Go's `net.JoinHostPort`: IPv6 hosts are bracketed.
fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// All cells of a ConfigMap's row: NAME, DATA (`data` plus `binaryData`
/// entries), AGE.
pub fn config_map_row(cm: &ConfigMap, now: DateTime<Utc>) -> Vec<String> {
    let data =
        cm.data.as_ref().map_or(0, |d| d.len()) + cm.binary_data.as_ref().map_or(0, |d| d.len());
    vec![
        cm.metadata.name.clone().unwrap_or_default(),
        data.to_string(),
        translate_timestamp_since(cm.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a Secret's row: NAME, TYPE, DATA, AGE.
pub fn secret_row(secret: &Secret, now: DateTime<Utc>) -> Vec<String> {
    vec![
        secret.metadata.name.clone().unwrap_or_default(),
        secret.type_.clone().unwrap_or_default(),
        secret.data.as_ref().map_or(0, |d| d.len()).to_string(),
        translate_timestamp_since(secret.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a Namespace's row: NAME, STATUS (the phase), AGE.
pub fn namespace_row(ns: &Namespace, now: DateTime<Utc>) -> Vec<String> {
    vec![
        ns.metadata.name.clone().unwrap_or_default(),
        ns.status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default(),
        translate_timestamp_since(ns.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a ServiceAccount's row: NAME, SECRETS (a count), AGE.
pub fn service_account_row(sa: &ServiceAccount, now: DateTime<Utc>) -> Vec<String> {
    vec![
        sa.metadata.name.clone().unwrap_or_default(),
        sa.secrets.as_ref().map_or(0, |s| s.len()).to_string(),
        translate_timestamp_since(sa.metadata.creation_timestamp.as_ref(), now),
    ]
}

/// All cells of a Node's row: NAME, STATUS, ROLES, AGE, VERSION and the wide
/// INTERNAL-IP, EXTERNAL-IP, OS-IMAGE, KERNEL-VERSION, CONTAINER-RUNTIME.
///
/// STATUS is `Ready` or `NotReady` from the (last) Ready condition, `Unknown`
/// without one, plus `,SchedulingDisabled` when cordoned. ROLES come from
/// `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`.
pub fn node_row(node: &Node, now: DateTime<Utc>) -> Vec<String> {
    let status = node.status.as_ref();
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|conds| conds.iter().rev().find(|c| c.type_ == "Ready"));
    let mut state = vec![match ready {
        Some(c) if c.status == "True" => "Ready".to_string(),
        Some(_) => "NotReady".to_string(),
        None => "Unknown".to_string(),
    }];
    if node.spec.as_ref().and_then(|s| s.unschedulable) == Some(true) {
        state.push("SchedulingDisabled".to_string());
    }

    let mut roles: BTreeSet<String> = BTreeSet::new();
    for (key, value) in node.metadata.labels.iter().flatten() {
        if let Some(role) = key.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.insert(role.to_string());
            }
        } else if key == "kubernetes.io/role" && !value.is_empty() {
            roles.insert(value.clone());
        }
    }
    let roles = roles.into_iter().collect::<Vec<_>>().join(",");

    let info = status.and_then(|s| s.node_info.clone()).unwrap_or_default();
    let address = |kind: &str| {
        status
            .and_then(|s| s.addresses.as_ref())
            .and_then(|addrs| addrs.iter().find(|a| a.type_ == kind))
            .map_or_else(|| "<none>".to_string(), |a| a.address.clone())
    };
    let or_unknown = |v: String| {
        if v.is_empty() {
            "<unknown>".to_string()
        } else {
            v
        }
    };
    vec![
        node.metadata.name.clone().unwrap_or_default(),
        state.join(","),
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles
        },
        translate_timestamp_since(node.metadata.creation_timestamp.as_ref(), now),
        info.kubelet_version,
        address("InternalIP"),
        address("ExternalIP"),
        or_unknown(info.os_image),
        or_unknown(info.kernel_version),
        or_unknown(info.container_runtime_version),
    ]
}

#[cfg(test)]
#[path = "core_tests.rs"]
mod tests;
