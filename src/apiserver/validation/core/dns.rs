//! Pod DNS configuration (`validatePodDNSConfig`): a `None` policy needs nameservers,
//! at most 3 nameservers and 32 search domains (2048 characters), valid IPs and DNS
//! subdomains, named options.

use k8s_openapi::api::core::v1::PodSpec;

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::names::is_dns1123_subdomain;

/// `validatePodDNSConfig`.
pub fn validate_dns_config(spec: &PodSpec, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let cfg = spec.dns_config.as_ref();
    if spec.dns_policy.as_deref() == Some("None") {
        match cfg {
            None => {
                return vec![required(
                    p,
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                )]
            }
            Some(c) if c.nameservers.as_ref().is_none_or(|n| n.is_empty()) => {
                return vec![required(
                    &p.child("nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )]
            }
            _ => {}
        }
    }
    let Some(cfg) = cfg else { return errs };
    let ns = cfg.nameservers.as_deref().unwrap_or_default();
    if ns.len() > 3 {
        errs.push(invalid(
            &p.child("nameservers"),
            gofmt::strings(cfg.nameservers.as_ref()),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, n) in ns.iter().enumerate() {
        errs.extend(super::net::is_valid_ip(&p.child("nameservers").index(i), n));
    }
    let searches = cfg.searches.as_deref().unwrap_or_default();
    if searches.len() > 32 {
        errs.push(invalid(
            &p.child("searches"),
            gofmt::strings(cfg.searches.as_ref()),
            "must not have more than 32 search paths",
        ));
    }
    if searches.join(" ").len() > 2048 {
        errs.push(invalid(
            &p.child("searches"),
            gofmt::strings(cfg.searches.as_ref()),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, s) in searches.iter().enumerate() {
        let s = s.strip_suffix('.').unwrap_or(s);
        errs.extend(
            is_dns1123_subdomain(s)
                .into_iter()
                .map(|m| invalid(&p.child("searches").index(i), q(s), &m)),
        );
    }
    for (i, o) in cfg.options.iter().flatten().enumerate() {
        if o.name.as_deref().unwrap_or("").is_empty() {
            errs.push(required(&p.child("options").index(i), "must not be empty"));
        }
    }
    errs
}
