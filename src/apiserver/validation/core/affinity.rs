//! Node and pod (anti-)affinity (`validateAffinity`, `ValidateNodeSelector`): selector
//! terms and requirements, field selectors on `metadata.name`, weights of preferred
//! terms, label selectors and keys of pod affinity terms, required topology keys.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    Affinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, PodAffinityTerm,
};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{forbidden, invalid, required, Path};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::{validate_label_name, validate_label_selector};
use crate::apiserver::validation::names::{is_dns1123_label, name_is_dns_subdomain};

/// `ValidateNodeSelectorRequirement`.
fn validate_node_selector_requirement(r: &NodeSelectorRequirement, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let values = r.values.as_deref().unwrap_or_default();
    match r.operator.as_str() {
        "In" | "NotIn" => {
            if values.is_empty() {
                errs.push(required(
                    &p.child("values"),
                    "must be specified when `operator` is 'In' or 'NotIn'",
                ));
            }
        }
        "Exists" | "DoesNotExist" => {
            if !values.is_empty() {
                errs.push(forbidden(
                    &p.child("values"),
                    "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                ));
            }
        }
        "Gt" | "Lt" => {
            if values.len() != 1 {
                errs.push(required(
                    &p.child("values"),
                    "must be specified single value when `operator` is 'Lt' or 'Gt'",
                ));
            }
        }
        other => errs.push(invalid(
            &p.child("operator"),
            q(other),
            "not a valid selector operator",
        )),
    }
    errs.extend(validate_label_name(&r.key, &p.child("key")));
    errs
}

/// `ValidateNodeSelector`.
pub fn validate_node_selector(ns: &NodeSelector, p: &Path) -> Vec<FieldError> {
    let tp = p.child("nodeSelectorTerms");
    if ns.node_selector_terms.is_empty() {
        return vec![required(&tp, "must have at least one node selector term")];
    }
    ns.node_selector_terms
        .iter()
        .enumerate()
        .flat_map(|(i, term)| validate_node_selector_term(term, &tp.index(i)))
        .collect()
}

/// `ValidateNodeSelectorTerm`.
fn validate_node_selector_term(term: &NodeSelectorTerm, ip: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (j, r) in term.match_expressions.iter().flatten().enumerate() {
        errs.extend(validate_node_selector_requirement(
            r,
            &ip.child("matchExpressions").index(j),
        ));
    }
    for (j, r) in term.match_fields.iter().flatten().enumerate() {
        let rp = ip.child("matchFields").index(j);
        let values = r.values.as_deref().unwrap_or_default();
        if r.operator == "In" || r.operator == "NotIn" {
            if values.len() != 1 {
                errs.push(required(&rp.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
            }
        } else {
            errs.push(invalid(
                &rp.child("operator"),
                q(&r.operator),
                "not a valid selector operator",
            ));
        }
        if r.key != "metadata.name" {
            errs.push(invalid(
                &rp.child("key"),
                q(&r.key),
                "not a valid field selector key",
            ));
        } else {
            for (k, v) in values.iter().enumerate() {
                errs.extend(
                    name_is_dns_subdomain(v, false)
                        .into_iter()
                        .map(|m| invalid(&rp.child("values").index(k), q(v), &m)),
                );
            }
        }
    }
    errs
}

fn validate_pod_affinity_term(t: &PodAffinityTerm, p: &Path) -> Vec<FieldError> {
    let mut errs = validate_label_selector(t.label_selector.as_ref(), &p.child("labelSelector"));
    errs.extend(validate_label_selector(
        t.namespace_selector.as_ref(),
        &p.child("namespaceSelector"),
    ));
    for ns in t.namespaces.iter().flatten() {
        errs.extend(
            is_dns1123_label(ns)
                .into_iter()
                .map(|m| invalid(&p.child("namespace"), q(ns), &m)),
        );
    }
    for (child, keys) in [
        ("matchLabelKeys", &t.match_label_keys),
        ("mismatchLabelKeys", &t.mismatch_label_keys),
    ] {
        let keys = keys.as_deref().unwrap_or_default();
        if keys.is_empty() {
            continue;
        }
        if t.label_selector.is_none() {
            errs.push(forbidden(
                &p.child(child),
                "must not be specified when labelSelector is not set",
            ));
            continue;
        }
        for (i, k) in keys.iter().enumerate() {
            errs.extend(validate_label_name(k, &p.child(child).index(i)));
        }
    }
    let mismatch: BTreeSet<&String> = t.mismatch_label_keys.iter().flatten().collect();
    for (i, k) in t.match_label_keys.iter().flatten().enumerate() {
        if mismatch.contains(k) {
            errs.push(invalid(
                &p.child("matchLabelKeys").index(i),
                q(k),
                "exists in both matchLabelKeys and mismatchLabelKeys",
            ));
        }
    }
    if t.topology_key.is_empty() {
        errs.push(required(&p.child("topologyKey"), "can not be empty"));
    }
    errs.extend(validate_label_name(
        &t.topology_key,
        &p.child("topologyKey"),
    ));
    errs
}

/// `validateAffinity`.
pub fn validate_affinity(a: &Affinity, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(na) = &a.node_affinity {
        let np = p.child("nodeAffinity");
        if let Some(req) = &na.required_during_scheduling_ignored_during_execution {
            errs.extend(validate_node_selector(
                req,
                &np.child("requiredDuringSchedulingIgnoredDuringExecution"),
            ));
        }
        for (i, t) in na
            .preferred_during_scheduling_ignored_during_execution
            .iter()
            .flatten()
            .enumerate()
        {
            let ip = np
                .child("preferredDuringSchedulingIgnoredDuringExecution")
                .index(i);
            if t.weight <= 0 || t.weight > 100 {
                errs.push(invalid(
                    &ip.child("weight"),
                    t.weight.to_string(),
                    "must be in the range 1-100",
                ));
            }
            errs.extend(validate_node_selector_term(
                &t.preference,
                &ip.child("preference"),
            ));
        }
    }
    let pod_terms = [
        (
            a.pod_affinity.as_ref().map(|x| {
                (
                    &x.required_during_scheduling_ignored_during_execution,
                    &x.preferred_during_scheduling_ignored_during_execution,
                )
            }),
            "podAffinity",
        ),
        (
            a.pod_anti_affinity.as_ref().map(|x| {
                (
                    &x.required_during_scheduling_ignored_during_execution,
                    &x.preferred_during_scheduling_ignored_during_execution,
                )
            }),
            "podAntiAffinity",
        ),
    ];
    for (terms, child) in pod_terms {
        let Some((required_terms, preferred)) = terms else {
            continue;
        };
        let pp = p.child(child);
        for (i, t) in required_terms.iter().flatten().enumerate() {
            errs.extend(validate_pod_affinity_term(
                t,
                &pp.child("requiredDuringSchedulingIgnoredDuringExecution")
                    .index(i),
            ));
        }
        for (i, w) in preferred.iter().flatten().enumerate() {
            let ip = pp
                .child("preferredDuringSchedulingIgnoredDuringExecution")
                .index(i);
            if w.weight <= 0 || w.weight > 100 {
                errs.push(invalid(
                    &ip.child("weight"),
                    w.weight.to_string(),
                    "must be in the range 1-100",
                ));
            }
            errs.extend(validate_pod_affinity_term(
                &w.pod_affinity_term,
                &ip.child("podAffinityTerm"),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_selector_needs_a_term() {
        let errs = validate_node_selector(
            &NodeSelector {
                node_selector_terms: vec![],
            },
            &Path::new("r"),
        );
        assert_eq!(
            errs[0].to_string(),
            "r.nodeSelectorTerms: Required value: must have at least one node selector term"
        );
    }
}
