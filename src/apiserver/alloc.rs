//! Service IP and NodePort allocation, as the Service REST storage does it on create.
//!
//! ClusterIPs come from the service CIDR (10.96.0.0/12) and NodePorts from 30000-32767.
//! Like upstream's bitmap allocators, a dynamic allocation prefers the upper part of the
//! range and leaves a lower band for addresses users ask for by hand (`kube-dns` asks for
//! 10.96.0.10): the band is `min(max(16, size/16), 256)` addresses for IPs and
//! `min(max(16, size/16), 128)` ports. A dynamic choice starts at a random offset in the
//! upper part and takes the first free one from there, wrapping around.
//!
//! Worked example: 10.96.0.0/12 holds 2^20 addresses; offsets 1..=2^20-2 are usable
//! (network and broadcast excluded); the static band is offsets 1..=256 (256 = min(max(16,
//! 65536), 256)), so a dynamic ClusterIP is at least 10.96.1.1, like the talk's 10.110.100.22.

use std::collections::BTreeSet;

use crate::apiserver::requests::Ctx;
use crate::apiserver::{ApiError, ApiServer, FieldError};
use crate::model::{Kind, Object};

/// The service CIDR's network address (10.96.0.0).
pub const SERVICE_CIDR_BASE: u32 = u32::from_be_bytes([10, 96, 0, 0]);
/// The service CIDR's prefix length (/12).
pub const SERVICE_CIDR_BITS: u32 = 12;
/// The NodePort range, inclusive.
pub const NODE_PORT_RANGE: (i32, i32) = (30000, 32767);

fn ip_to_string(ip: u32) -> String {
    let b = ip.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

fn parse_ip(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut out = 0u32;
    for p in parts {
        out = (out << 8) | p.parse::<u8>().ok()? as u32;
    }
    Some(out)
}

/// Picks a free value among `lo..=hi` preferring `band_end+1..=hi`: a random start, then the
/// first free one from there.
fn pick(ctx: &mut Ctx, lo: u64, band_end: u64, hi: u64, used: &BTreeSet<u64>) -> Option<u64> {
    let scan = |ctx: &mut Ctx, from: u64, to: u64| -> Option<u64> {
        if from > to {
            return None;
        }
        let span = to - from + 1;
        let start = ctx.rng.below(span);
        (0..span)
            .map(|i| from + (start + i) % span)
            .find(|v| !used.contains(v))
    };
    scan(ctx, band_end + 1, hi).or_else(|| scan(ctx, lo, band_end.min(hi)))
}

/// Allocates the ClusterIP and NodePorts of a new Service, or checks the ones asked for.
pub(crate) fn allocate_service(
    api: &ApiServer,
    ctx: &mut Ctx,
    obj: &mut Object,
) -> Result<(), ApiError> {
    let Object::Service(svc) = obj else {
        return Ok(());
    };
    let name = svc.metadata.name.clone().unwrap_or_default();
    let Some(spec) = svc.spec.as_mut() else {
        return Ok(());
    };
    let svc_type = spec
        .type_
        .clone()
        .unwrap_or_else(|| "ClusterIP".to_string());
    let mut used_ips = BTreeSet::new();
    let mut used_ports = BTreeSet::new();
    for other in api.store().range(Kind::Service.info().registry_prefix) {
        if let Object::Service(o) = &*other.value {
            if let Some(s) = o.spec.as_ref() {
                if let Some(ip) = s.cluster_ip.as_deref().and_then(parse_ip) {
                    used_ips.insert(ip as u64);
                }
                for p in s.ports.iter().flatten() {
                    if let Some(np) = p.node_port {
                        used_ports.insert(np as u64);
                    }
                }
            }
        }
    }
    let invalid = |errors: Vec<FieldError>| ApiError::Invalid {
        kind: "Service".to_string(),
        name: name.clone(),
        errors,
    };
    if svc_type != "ExternalName" {
        let size: u64 = 1 << (32 - SERVICE_CIDR_BITS);
        let band = (size / 16).clamp(16, 256);
        match spec.cluster_ip.as_deref() {
            Some("None") => {
                spec.cluster_ips = Some(vec!["None".to_string()]);
            }
            Some(ip) if !ip.is_empty() => {
                let ips = format!("[]string{{\"{ip}\"}}");
                let Some(addr) = parse_ip(ip) else {
                    return Err(invalid(vec![FieldError::invalid(
                        "spec.clusterIPs[0]",
                        format!("\"{ip}\""),
                        "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    )]));
                };
                let offset = addr.wrapping_sub(SERVICE_CIDR_BASE) as u64;
                if addr < SERVICE_CIDR_BASE || offset >= size {
                    return Err(invalid(vec![FieldError::invalid(
                        "spec.clusterIPs",
                        ips,
                        format!("failed to allocate IP {ip}: the provided IP ({ip}) is not in the valid range. The range of valid IPs is 10.96.0.0/12"),
                    )]));
                }
                if used_ips.contains(&(addr as u64)) {
                    return Err(invalid(vec![FieldError::invalid(
                        "spec.clusterIPs",
                        ips,
                        format!("failed to allocate IP {ip}: provided IP is already allocated"),
                    )]));
                }
                spec.cluster_ips = Some(vec![ip.to_string()]);
            }
            _ => {
                let used: BTreeSet<u64> = used_ips
                    .iter()
                    .map(|ip| ip.wrapping_sub(SERVICE_CIDR_BASE as u64))
                    .collect();
                let offset =
                    pick(ctx, 1, band, size - 2, &used).ok_or_else(|| ApiError::Internal {
                        message: "failed to allocate a serviceIP: range is full".to_string(),
                    })?;
                let ip = ip_to_string(SERVICE_CIDR_BASE + offset as u32);
                spec.cluster_ip = Some(ip.clone());
                spec.cluster_ips = Some(vec![ip]);
            }
        }
    }
    if svc_type == "NodePort" || svc_type == "LoadBalancer" {
        let (lo, hi) = NODE_PORT_RANGE;
        let size = (hi - lo + 1) as u64;
        let band = (size / 16).clamp(16, 128);
        let mut errors = Vec::new();
        for (i, p) in spec.ports.iter_mut().flatten().enumerate() {
            match p.node_port {
                Some(np) if np != 0 => {
                    let field = format!("spec.ports[{i}].nodePort");
                    if np < lo || np > hi {
                        errors.push(FieldError::invalid(
                            field,
                            np.to_string(),
                            format!("provided port is not in the valid range. The range of valid ports is {lo}-{hi}"),
                        ));
                    } else if !used_ports.insert(np as u64) {
                        errors.push(FieldError::invalid(
                            field,
                            np.to_string(),
                            "provided port is already allocated",
                        ));
                    }
                }
                _ => {
                    let used: BTreeSet<u64> = used_ports.iter().map(|p| p - lo as u64).collect();
                    let off = pick(ctx, 0, band - 1, size - 1, &used).ok_or_else(|| {
                        ApiError::Internal {
                            message: "failed to allocate a nodePort: range is full".to_string(),
                        }
                    })?;
                    let port = lo as u64 + off;
                    used_ports.insert(port);
                    p.node_port = Some(port as i32);
                }
            }
        }
        if !errors.is_empty() {
            return Err(invalid(errors));
        }
    }
    Ok(())
}
