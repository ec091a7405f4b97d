//! Small cell formatters shared by the per-kind row functions.
//!
//! Each function here ports one helper of upstream's printers or
//! apimachinery (`labels.FormatLabels`, `metav1.FormatLabelSelector`,
//! `layoutContainerCells`, `printBoolPtr`, `IntOrString.String`), so that row
//! functions read like their Go originals.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// `labels.FormatLabels`: `k=v` pairs sorted as whole strings and joined by
/// commas, or `<none>` when there are none.
pub(super) fn format_labels(labels: Option<&BTreeMap<String, String>>) -> String {
    let mut pairs: Vec<String> = labels
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    // Go sorts the joined "k=v" strings, not the keys: "a.b=1" sorts before "a=2".
    pairs.sort();
    if pairs.is_empty() {
        return "<none>".to_string();
    }
    pairs.join(",")
}

/// Why a label selector cannot be turned into a `labels.Selector`.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct InvalidSelector;

/// `metav1.LabelSelectorAsSelector(s).String()`: requirements sorted by key,
/// rendered as `k=v`, `k in (a,b)`, `k notin (a,b)`, `k` or `!k`. A missing
/// selector selects nothing and an empty one everything; both render as "".
///
/// Label key and value syntax is not re-validated here: the API server has
/// already validated stored selectors.
// TODO(lead): use model::selector::format_label_selector
pub(super) fn selector_string(selector: Option<&LabelSelector>) -> Result<String, InvalidSelector> {
    let Some(selector) = selector else {
        return Ok(String::new());
    };
    let mut requirements: Vec<(String, String)> = Vec::new();
    for (key, value) in selector.match_labels.iter().flatten() {
        requirements.push((key.clone(), format!("{key}={value}")));
    }
    for expr in selector.match_expressions.iter().flatten() {
        let mut values: Vec<String> = expr.values.clone().unwrap_or_default();
        values.sort();
        let key = &expr.key;
        let text = match expr.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => return Err(InvalidSelector),
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" | "DoesNotExist" if !values.is_empty() => return Err(InvalidSelector),
            "Exists" => key.clone(),
            "DoesNotExist" => format!("!{key}"),
            _ => return Err(InvalidSelector),
        };
        requirements.push((key.clone(), text));
    }
    requirements.sort_by(|a, b| a.0.cmp(&b.0));
    let texts: Vec<String> = requirements.into_iter().map(|(_, text)| text).collect();
    Ok(texts.join(","))
}

/// `metav1.FormatLabelSelector`: like [`selector_string`] but `<none>` when
/// empty and `<error>` when invalid.
pub(super) fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    match selector_string(selector) {
        Ok(text) if text.is_empty() => "<none>".to_string(),
        Ok(text) => text,
        Err(InvalidSelector) => "<error>".to_string(),
    }
}

/// `layoutContainerCells`: container names and images, each comma-joined.
pub(super) fn container_cells(containers: &[Container]) -> (String, String) {
    let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
    let images: Vec<&str> = containers
        .iter()
        .map(|c| c.image.as_deref().unwrap_or(""))
        .collect();
    (names.join(","), images.join(","))
}

/// The containers of an optional pod template.
pub(super) fn template_containers(template: Option<&PodTemplateSpec>) -> &[Container] {
    template
        .and_then(|t| t.spec.as_ref())
        .map(|spec| spec.containers.as_slice())
        .unwrap_or(&[])
}

/// `printBoolPtr`: `True`, `False` or `<unset>`.
pub(super) fn bool_ptr(value: Option<bool>) -> String {
    match value {
        Some(true) => "True".to_string(),
        Some(false) => "False".to_string(),
        None => "<unset>".to_string(),
    }
}

/// `intstr.IntOrString.String()`.
pub(super) fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// Go's `strings.Join(list, ",")` followed by `listWithMoreString`: up to
/// three items, then ` + N more...`; `<unset>` when the list is empty.
pub(super) fn list_with_more(list: &[String], more: bool, count: usize, max: usize) -> String {
    let joined = list.join(",");
    if more {
        return format!("{joined} + {} more...", count.saturating_sub(max));
    }
    if joined.is_empty() {
        return "<unset>".to_string();
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// `labels.FormatLabels` sorts whole `k=v` strings and prints `<none>`.
    #[test]
    fn format_labels_sorts_pairs() {
        assert_eq!(format_labels(None), "<none>");
        let l = labels(&[("a", "2"), ("a.b", "1"), ("app", "nginx")]);
        assert_eq!(format_labels(Some(&l)), "a.b=1,a=2,app=nginx");
    }

    /// `metav1.FormatLabelSelector` as used by `kubectl get rs -o wide`:
    /// `app=nginx,pod-template-hash=76fbb7bd7b`, sets, existence, `<none>`
    /// and `<error>`.
    #[test]
    fn format_label_selector_forms() {
        let s = LabelSelector {
            match_labels: Some(labels(&[
                ("pod-template-hash", "76fbb7bd7b"),
                ("app", "nginx"),
            ])),
            match_expressions: None,
        };
        assert_eq!(
            format_label_selector(Some(&s)),
            "app=nginx,pod-template-hash=76fbb7bd7b"
        );
        let req = |key: &str, op: &str, values: &[&str]| LabelSelectorRequirement {
            key: key.to_string(),
            operator: op.to_string(),
            values: if values.is_empty() {
                None
            } else {
                Some(values.iter().map(|v| v.to_string()).collect())
            },
        };
        let s = LabelSelector {
            match_labels: Some(labels(&[("tier", "web")])),
            match_expressions: Some(vec![
                req("env", "In", &["prod", "dev"]),
                req("zone", "NotIn", &["b"]),
                req("canary", "DoesNotExist", &[]),
                req("gpu", "Exists", &[]),
            ]),
        };
        assert_eq!(
            format_label_selector(Some(&s)),
            "!canary,env in (dev,prod),gpu,tier=web,zone notin (b)"
        );
        assert_eq!(format_label_selector(None), "<none>");
        assert_eq!(
            format_label_selector(Some(&LabelSelector::default())),
            "<none>"
        );
        let bad = LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![req("a", "In", &[])]),
        };
        assert_eq!(format_label_selector(Some(&bad)), "<error>");
    }
}
