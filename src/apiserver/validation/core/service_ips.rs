//! Service IP validation: `ValidateServiceClusterIPsRelatedFields` (clusterIP against
//! clusterIPs, IP families and policies, dual-stack shape) and `ValidateServiceUpdate`
//! (cluster IPs, families, load-balancer class and health-check port may not change).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Service, ServiceSpec};

use super::net::{is_ipv6, is_valid_ip};
use super::service::{is_headless, validate_service};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::{self, q};

/// `ValidateServiceClusterIPsRelatedFields`.
pub fn validate_cluster_ips(spec: &ServiceSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.type_.as_deref() == Some("ExternalName") {
        return errs;
    }
    let sp = Path::new("spec");
    let ips_path = sp.child("clusterIPs");
    let ips = spec.cluster_ips.as_deref().unwrap_or_default();
    let rendered_ips = || gofmt::strings(spec.cluster_ips.as_ref());
    let cluster_ip = spec.cluster_ip.as_deref().unwrap_or("");
    if !cluster_ip.is_empty() {
        if ips.is_empty() {
            errs.push(required(&ips_path, ""));
        } else if ips[0] != cluster_ip {
            errs.push(invalid(
                &ips_path,
                rendered_ips(),
                "first value must match `clusterIP`",
            ));
        }
    } else if !ips.is_empty() {
        errs.push(invalid(
            &ips_path,
            rendered_ips(),
            "must be empty when `clusterIP` is not specified",
        ));
    }
    let families = spec.ip_families.as_deref().unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (i, f) in families.iter().enumerate() {
        if f != "IPv4" && f != "IPv6" {
            errs.push(not_supported(
                &sp.child("ipFamilies").index(i),
                q(f),
                &["IPv4", "IPv6"],
            ));
        }
        if !seen.insert(f.clone()) {
            errs.push(duplicate(&sp.child("ipFamilies").index(i), q(f)));
        }
    }
    if let Some(policy) = spec.ip_family_policy.as_deref() {
        if !["PreferDualStack", "RequireDualStack", "SingleStack"].contains(&policy) {
            errs.push(not_supported(
                &sp.child("ipFamilyPolicy"),
                q(policy),
                &["PreferDualStack", "RequireDualStack", "SingleStack"],
            ));
        }
    }
    let mut bad_ips = false;
    for (i, ip) in ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if ips.len() > 1 {
                bad_ips = true;
                errs.push(invalid(
                    &ips_path,
                    rendered_ips(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        let e = is_valid_ip(&ips_path.index(i), ip);
        bad_ips |= !e.is_empty();
        errs.extend(e);
    }
    if ips.len() > 2 {
        errs.push(invalid(
            &ips_path,
            rendered_ips(),
            "may only hold up to 2 values",
        ));
    }
    if bad_ips {
        return errs;
    }
    if ips.len() > 1 {
        let v6 = ips.iter().filter(|ip| is_ipv6(ip)).count();
        if v6 != 1 || ips.len() != 2 {
            errs.push(invalid(
                &ips_path,
                rendered_ips(),
                "may specify no more than one IP for each IP family",
            ));
        }
    }
    if !is_headless(spec) {
        for (i, (ip, family)) in ips.iter().zip(families).enumerate() {
            if family == "IPv4" && is_ipv6(ip) {
                errs.push(invalid(
                    &ips_path.index(i),
                    q(ip),
                    &format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
            if family == "IPv6" && !is_ipv6(ip) {
                errs.push(invalid(
                    &ips_path.index(i),
                    q(ip),
                    &format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
        }
    }
    errs
}

/// `ValidateServiceUpdate` (without the metadata update, which the caller adds).
pub fn validate_service_update(new: &Service, old: &Service) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (ns, os) = (
        new.spec.clone().unwrap_or_default(),
        old.spec.clone().unwrap_or_default(),
    );
    let external = |s: &ServiceSpec| s.type_.as_deref() == Some("ExternalName");
    let sp = Path::new("spec");
    // ExternalName services and headless-to-headless updates keep no cluster IPs.
    let no_ips = external(&ns) || external(&os) || (is_headless(&ns) && is_headless(&os));
    if !no_ips {
        let (n_ips, o_ips) = (
            ns.cluster_ips.clone().unwrap_or_default(),
            os.cluster_ips.clone().unwrap_or_default(),
        );
        let rendered = || gofmt::strings(ns.cluster_ips.as_ref());
        let changed_primary = !o_ips.is_empty() && !n_ips.is_empty() && n_ips[0] != o_ips[0];
        if n_ips.len() == o_ips.len() {
            for (i, ip) in o_ips.iter().enumerate() {
                if ip != &n_ips[i] {
                    errs.push(invalid(
                        &sp.child("clusterIPs").index(i),
                        rendered(),
                        "may not change once set",
                    ));
                }
            }
        } else if o_ips.len() > n_ips.len() {
            if n_ips.is_empty() {
                errs.push(invalid(
                    &sp.child("clusterIPs").index(0),
                    rendered(),
                    "primary clusterIP can not be unset",
                ));
            }
            if changed_primary {
                errs.push(invalid(
                    &sp.child("clusterIPs").index(0),
                    rendered(),
                    "may not change once set",
                ));
            }
            if n_ips.len() == 1 && ns.ip_family_policy.as_deref() != Some("SingleStack") {
                errs.push(invalid(
                    &sp.child("ipFamilyPolicy"),
                    gofmt::opt_str(ns.ip_family_policy.as_ref()),
                    "must be set to 'SingleStack' when releasing the secondary clusterIP",
                ));
            }
        } else if changed_primary {
            errs.push(invalid(
                &sp.child("clusterIPs").index(0),
                rendered(),
                "may not change once set",
            ));
        }
    }
    if !external(&ns) && !external(&os) && is_headless(&ns) == is_headless(&os) && !is_headless(&ns)
    {
        let (nf, of) = (
            ns.ip_families.clone().unwrap_or_default(),
            os.ip_families.clone().unwrap_or_default(),
        );
        let rendered = || gofmt::typed_strings("core.IPFamily", ns.ip_families.as_ref());
        if nf.len() == of.len() && nf != of {
            errs.push(invalid(
                &sp.child("ipFamilies").index(0),
                rendered(),
                "may not change once set",
            ));
        } else if of.len() > nf.len() && !nf.is_empty() && nf[0] != of[0] {
            errs.push(invalid(
                &sp.child("ipFamilies").index(0),
                gofmt::strings(ns.cluster_ips.as_ref()),
                "may not change once set",
            ));
        }
    }
    let lb = |s: &ServiceSpec| s.type_.as_deref() == Some("LoadBalancer");
    if lb(&os) && lb(&ns) && os.load_balancer_class != ns.load_balancer_class {
        errs.push(invalid(
            &sp.child("loadBalancerClass"),
            gofmt::opt_str(ns.load_balancer_class.as_ref()),
            "may not change once set",
        ));
    }
    let needs_hc = |s: &ServiceSpec| lb(s) && s.external_traffic_policy.as_deref() == Some("Local");
    if needs_hc(&os) && needs_hc(&ns) && os.health_check_node_port != ns.health_check_node_port {
        errs.push(forbidden(
            &sp.child("healthCheckNodePort"),
            "field is immutable",
        ));
    }
    errs.extend(validate_service(new));
    errs
}
