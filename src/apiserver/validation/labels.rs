//! Labels and label selectors (apimachinery's `ValidateLabels`, `ValidateLabelName`,
//! `ValidateLabelSelector`) and the selector semantics validation needs: whether a
//! selector is missing, empty (selects everything) or matches a label set, as
//! `metav1.LabelSelectorAsSelector` decides.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::field::{forbidden, invalid, required, Path};
use super::gofmt;
use super::names::{is_qualified_name, is_valid_label_value};
use crate::apiserver::errors::FieldError;

/// `ValidateLabels`: each key a qualified name, each value a label value, all reported at
/// the map's own path (upstream does not key label errors).
pub fn validate_labels(labels: Option<&BTreeMap<String, String>>, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (k, v) in labels.into_iter().flatten() {
        errs.extend(validate_label_name(k, p));
        for msg in is_valid_label_value(v) {
            errs.push(invalid(p, gofmt::q(v), &msg));
        }
    }
    errs
}

/// `ValidateLabelName`.
pub fn validate_label_name(name: &str, p: &Path) -> Vec<FieldError> {
    is_qualified_name(name)
        .into_iter()
        .map(|m| invalid(p, gofmt::q(name), &m))
        .collect()
}

/// `ValidateLabelSelector` (strict: label values in `matchExpressions` are checked).
pub fn validate_label_selector(sel: Option<&LabelSelector>, p: &Path) -> Vec<FieldError> {
    let Some(sel) = sel else { return Vec::new() };
    let mut errs = validate_labels(sel.match_labels.as_ref(), &p.child("matchLabels"));
    for (i, req) in sel.match_expressions.iter().flatten().enumerate() {
        let rp = p.child("matchExpressions").index(i);
        let values = req.values.as_deref().unwrap_or_default();
        match req.operator.as_str() {
            "In" | "NotIn" => {
                if values.is_empty() {
                    errs.push(required(
                        &rp.child("values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !values.is_empty() {
                    errs.push(forbidden(
                        &rp.child("values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            other => errs.push(invalid(
                &rp.child("operator"),
                gofmt::q(other),
                "not a valid selector operator",
            )),
        }
        errs.extend(validate_label_name(&req.key, &rp.child("key")));
        for (j, v) in values.iter().enumerate() {
            for msg in is_valid_label_value(v) {
                errs.push(invalid(&rp.child("values").index(j), gofmt::q(v), &msg));
            }
        }
    }
    errs
}

/// Whether a selector was left out of the manifest. `k8s-openapi` decodes a missing
/// required selector as an empty one, so "no matchLabels and no matchExpressions at all"
/// stands for upstream's nil selector.
pub fn selector_is_nil(sel: &LabelSelector) -> bool {
    sel.match_labels.is_none() && sel.match_expressions.is_none()
}

/// Whether a selector matches a label set (`metav1.LabelSelectorAsSelector(...).Matches`).
/// A nil selector matches nothing; an empty one matches everything.
pub fn selector_matches(
    sel: Option<&LabelSelector>,
    labels: Option<&BTreeMap<String, String>>,
) -> bool {
    let Some(sel) = sel else { return false };
    let empty = BTreeMap::new();
    let labels = labels.unwrap_or(&empty);
    let labels_ok = sel
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let exprs_ok = sel.match_expressions.iter().flatten().all(|r| {
        let values = r.values.as_deref().unwrap_or_default();
        match r.operator.as_str() {
            "In" => labels.get(&r.key).is_some_and(|v| values.contains(v)),
            "NotIn" => labels.get(&r.key).is_none_or(|v| !values.contains(v)),
            "Exists" => labels.contains_key(&r.key),
            "DoesNotExist" => !labels.contains_key(&r.key),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// Whether a selector selects everything (`Selector.Empty()`).
pub fn selector_is_empty(sel: &LabelSelector) -> bool {
    sel.match_labels.as_ref().is_none_or(|m| m.is_empty())
        && sel.match_expressions.as_ref().is_none_or(|e| e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_like_label_selector_as_selector() {
        let labels = BTreeMap::from([("app".to_string(), "web".to_string())]);
        let sel = LabelSelector {
            match_labels: Some(labels.clone()),
            match_expressions: None,
        };
        assert!(selector_matches(Some(&sel), Some(&labels)));
        assert!(!selector_matches(None, Some(&labels)));
        assert!(selector_matches(Some(&LabelSelector::default()), None));
    }

    #[test]
    fn selector_requirements_follow_operators() {
        // Upstream TestValidateLabelSelector: `In` needs values, `Exists` must not have any.
        let sel = LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement {
                    key: "a".into(),
                    operator: "In".into(),
                    values: None,
                },
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement {
                    key: "b".into(),
                    operator: "Exists".into(),
                    values: Some(vec!["x".into()]),
                },
                k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement {
                    key: "c".into(),
                    operator: "Near".into(),
                    values: None,
                },
            ]),
        };
        let errs: Vec<String> = validate_label_selector(Some(&sel), &Path::new("s"))
            .iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(
            errs,
            vec![
                "s.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
                "s.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                "s.matchExpressions[2].operator: Invalid value: \"Near\": not a valid selector operator",
            ]
        );
    }
}
