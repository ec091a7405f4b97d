//! Compute-resource validation (`validateResourceRequirements` for containers,
//! `ValidateResourceQuantityValue`, resource-name rules): standard or extended names,
//! non-negative quantities, integers for extended resources, requests not above limits,
//! hugepages needing cpu or memory, and claims naming `spec.resourceClaims` entries.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_found, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::{
    is_dns1123_label, is_qualified_name, IS_NEGATIVE_ERROR_MSG,
};
use crate::apiserver::validation::quantity::{self, Format, Qty};

const STANDARD_RESOURCES: &[&str] = &[
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "services.nodeports",
    "services.loadbalancers",
];

const INTEGER_RESOURCES: &[&str] = &[
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
];

fn is_hugepages(name: &str) -> bool {
    name.starts_with("hugepages-")
}

/// `IsNativeResource`: unprefixed or in the `kubernetes.io/` domain.
fn is_native(name: &str) -> bool {
    !name.contains('/') || name.contains("kubernetes.io/")
}

/// `IsExtendedResourceName`.
fn is_extended(name: &str) -> bool {
    !is_native(name)
        && !name.starts_with("requests.")
        && is_qualified_name(&format!("requests.{name}")).is_empty()
}

/// `IsOvercommitAllowed`.
fn overcommit_allowed(name: &str) -> bool {
    is_native(name) && !is_hugepages(name)
}

fn is_standard_resource(name: &str) -> bool {
    STANDARD_RESOURCES.contains(&name)
        || is_hugepages(name)
        || name.starts_with("requests.hugepages-")
}

/// `validateResourceName`: a qualified name, standard unless domain-prefixed.
/// `core.ResourceName` has a `String()` method, so upstream prints it unquoted.
pub fn validate_resource_name(name: &str, p: &Path) -> Vec<FieldError> {
    let errs: Vec<FieldError> = is_qualified_name(name)
        .into_iter()
        .map(|m| invalid(p, name, &m))
        .collect();
    if !errs.is_empty() {
        return errs;
    }
    if !name.contains('/') && !is_standard_resource(name) {
        return vec![invalid(
            p,
            name,
            "must be a standard resource type or fully qualified",
        )];
    }
    errs
}

/// `validateContainerResourceName`.
fn validate_container_resource_name(name: &str, p: &Path) -> Vec<FieldError> {
    let mut errs = validate_resource_name(name, p);
    if !name.contains('/') {
        if !["cpu", "memory", "ephemeral-storage"].contains(&name) && !is_hugepages(name) {
            errs.push(invalid(
                p,
                name,
                "must be a standard resource for containers",
            ));
        }
    } else if !is_native(name) && !is_extended(name) {
        errs.push(invalid(
            p,
            name,
            "doesn't follow extended resource name standard",
        ));
    }
    errs
}

/// Go's `%#v` of a `resource.Quantity`, which upstream prints for "must be an integer".
fn quantity_go_value(qty: &Qty) -> String {
    let (mut value, mut scale) = (qty.nano, -9i32);
    while value != 0 && value % 10 == 0 && scale < 0 {
        value /= 10;
        scale += 1;
    }
    let format = match qty.format {
        Format::BinarySI => "BinarySI",
        Format::DecimalSI => "DecimalSI",
        Format::DecimalExponent => "DecimalExponent",
    };
    format!(
        "resource.Quantity{{i:resource.int64Amount{{value:{value}, scale:{scale}}}, d:resource.infDecAmount{{Dec:(*inf.Dec)(nil)}}, s:\"\", Format:\"{format}\"}}"
    )
}

/// `ValidateResourceQuantityValue`: non-negative, and whole for integer resources.
pub fn validate_quantity_value(name: &str, value: &Quantity, p: &Path) -> Vec<FieldError> {
    let Some(qty) = quantity::parse(&value.0) else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    if qty.is_negative() {
        errs.push(invalid(p, q(&qty.canonical()), IS_NEGATIVE_ERROR_MSG));
    }
    if (INTEGER_RESOURCES.contains(&name) || is_extended(name)) && qty.milli() % 1000 != 0 {
        errs.push(invalid(p, quantity_go_value(&qty), "must be an integer"));
    }
    errs
}

/// `validateResourceQuantityHugePageValue`: a whole multiple of the page size.
fn hugepage_error(name: &str, qty: &Qty) -> Option<String> {
    let size = quantity::parse(name.strip_prefix("hugepages-")?)?;
    if size.nano <= 0 || qty.nano <= 0 || qty.nano % size.nano != 0 {
        Some(format!(
            "{} is not positive integer multiple of {}",
            qty.canonical(),
            name
        ))
    } else {
        None
    }
}

/// `ValidateContainerResourceRequirements`.
pub fn validate_container_resources(
    req: Option<&ResourceRequirements>,
    pod_claims: &BTreeSet<String>,
    p: &Path,
) -> Vec<FieldError> {
    let Some(req) = req else { return Vec::new() };
    let empty = BTreeMap::new();
    let limits = req.limits.as_ref().unwrap_or(&empty);
    let requests = req.requests.as_ref().unwrap_or(&empty);
    let (lim_path, req_path) = (p.child("limits"), p.child("requests"));
    let mut errs = Vec::new();
    let (mut cpu_mem, mut hugepages) = (false, false);
    for (name, value) in limits {
        let fp = lim_path.key(name);
        errs.extend(validate_container_resource_name(name, &fp));
        errs.extend(validate_quantity_value(name, value, &fp));
        if is_hugepages(name) {
            hugepages = true;
            if let Some(msg) = quantity::parse(&value.0).and_then(|qty| hugepage_error(name, &qty))
            {
                errs.push(invalid(&fp, q(&quantity::canonical(&value.0)), &msg));
            }
        }
        cpu_mem |= name == "cpu" || name == "memory";
    }
    for (name, value) in requests {
        let fp = req_path.key(name);
        errs.extend(validate_container_resource_name(name, &fp));
        errs.extend(validate_quantity_value(name, value, &fp));
        let request = quantity::parse(&value.0);
        match (limits.get(name), request) {
            (Some(limit), Some(request)) => {
                if let Some(limit) = quantity::parse(&limit.0) {
                    let order = request.cmp_value(&limit);
                    if order != Ordering::Equal && !overcommit_allowed(name) {
                        errs.push(invalid(
                            &req_path,
                            q(&request.canonical()),
                            &format!("must be equal to {name} limit of {}", limit.canonical()),
                        ));
                    } else if order == Ordering::Greater {
                        errs.push(invalid(
                            &req_path,
                            q(&request.canonical()),
                            &format!(
                                "must be less than or equal to {name} limit of {}",
                                limit.canonical()
                            ),
                        ));
                    }
                }
            }
            (None, _) if !overcommit_allowed(name) => {
                errs.push(required(
                    &lim_path,
                    "Limit must be set for non overcommitable resources",
                ));
            }
            _ => {}
        }
        if is_hugepages(name) {
            hugepages = true;
            if let Some(msg) = request.and_then(|qty| hugepage_error(name, &qty)) {
                errs.push(invalid(&fp, q(&quantity::canonical(&value.0)), &msg));
            }
        }
        cpu_mem |= name == "cpu" || name == "memory";
    }
    if !cpu_mem && hugepages {
        errs.push(forbidden(p, "HugePages require cpu or memory"));
    }
    errs.extend(validate_claim_names(req, pod_claims, &p.child("claims")));
    errs
}

/// `validateResourceClaimNames`: container claims must name `spec.resourceClaims`.
fn validate_claim_names(
    req: &ResourceRequirements,
    pod_claims: &BTreeSet<String>,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, claim) in req.claims.iter().flatten().enumerate() {
        let ip = p.index(i);
        if claim.name.is_empty() {
            errs.push(required(&ip, ""));
            continue;
        }
        let request = claim.request.as_deref().unwrap_or("");
        if seen.contains(&claim.name) {
            errs.push(duplicate(&ip, q(&claim.name)));
        } else {
            let mut key = claim.name.clone();
            if !request.is_empty() {
                errs.extend(
                    is_dns1123_label(request)
                        .into_iter()
                        .map(|m| invalid(&ip.child("request"), q(request), &m)),
                );
                key = format!("{key}/{request}");
            }
            if seen.contains(&key) {
                errs.push(duplicate(&ip, q(&key)));
            } else if request.is_empty()
                && seen
                    .iter()
                    .any(|k| k.split_once('/').is_some_and(|(c, _)| c == claim.name))
            {
                errs.push(duplicate(&ip, q(&claim.name)));
            }
            seen.insert(key);
        }
        if !pod_claims.contains(&claim.name) {
            let mut e = not_found(&ip, q(&claim.name));
            e.detail = if pod_claims.is_empty() {
                "must be one of the names in pod.spec.resourceClaims which is empty".to_string()
            } else {
                let names: Vec<&str> = pod_claims.iter().map(String::as_str).collect();
                format!(
                    "must be one of the names in pod.spec.resourceClaims: {}",
                    names.join(", ")
                )
            };
            errs.push(e);
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reqs(limits: &[(&str, &str)], requests: &[(&str, &str)]) -> ResourceRequirements {
        let m = |v: &[(&str, &str)]| {
            Some(
                v.iter()
                    .map(|(k, v)| (k.to_string(), Quantity(v.to_string())))
                    .collect(),
            )
        };
        ResourceRequirements {
            limits: m(limits),
            requests: m(requests),
            claims: None,
        }
    }

    fn render(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn request_above_limit_quotes_canonical_quantities() {
        // Upstream TestValidateResourceRequirements: requests.memory > limits.memory.
        let r = reqs(&[("memory", "512Mi")], &[("memory", "1Gi")]);
        assert_eq!(
            render(&validate_container_resources(Some(&r), &BTreeSet::new(), &Path::new("resources"))),
            vec!["resources.requests: Invalid value: \"1Gi\": must be less than or equal to memory limit of 512Mi"]
        );
    }

    #[test]
    fn unknown_unqualified_names_are_rejected_twice() {
        let r = reqs(&[("foo", "1")], &[]);
        assert_eq!(
            render(&validate_container_resources(Some(&r), &BTreeSet::new(), &Path::new("resources"))),
            vec![
                "resources.limits[foo]: Invalid value: foo: must be a standard resource type or fully qualified",
                "resources.limits[foo]: Invalid value: foo: must be a standard resource for containers",
            ]
        );
    }

    #[test]
    fn negative_quantities_and_extended_requests_need_limits() {
        let r = reqs(&[("cpu", "-1")], &[("example.com/gpu", "1")]);
        assert_eq!(
            render(&validate_container_resources(Some(&r), &BTreeSet::new(), &Path::new("resources"))),
            vec![
                "resources.limits[cpu]: Invalid value: \"-1\": must be greater than or equal to 0",
                "resources.limits: Required value: Limit must be set for non overcommitable resources",
            ]
        );
    }
}
