//! Renders bad values the way upstream's `field.Error` prints them: strings quoted with
//! `%q`, numbers bare, and everything else with Go's `%#v` (`map[string]string{"a":"b"}`,
//! `v1.LabelSelector{...}`, `intstr.IntOrString{...}`). Users see these strings verbatim
//! in `kubectl` errors, so the shapes follow Go's formatter exactly where it is
//! deterministic. Go prints non-nil pointers inside structs as memory addresses; those
//! are rendered as a fixed `0xc000000000` here.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{
    LabelSelector, LabelSelectorRequirement, OwnerReference, Time,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

/// The address Go would print for a non-nil pointer; fixed so output is deterministic.
const FAKE_ADDR: &str = "0xc000000000";

/// `%q` of a string.
pub fn q(s: &str) -> String {
    crate::apiserver::errors::quoted(s)
}

/// `%#v` of a `map[string]string`: `map[string]string{"a":"b", "c":"d"}`, keys sorted;
/// `None` is Go's nil map.
pub fn map(m: Option<&BTreeMap<String, String>>) -> String {
    match m {
        None => "map[string]string(nil)".to_string(),
        Some(m) => {
            let items: Vec<String> = m
                .iter()
                .map(|(k, v)| format!("{}:{}", q(k), q(v)))
                .collect();
            format!("map[string]string{{{}}}", items.join(", "))
        }
    }
}

/// `%#v` of a `[]string`: `[]string{"a", "b"}`; `None` is Go's nil slice.
pub fn strings(v: Option<&Vec<String>>) -> String {
    match v {
        None => "[]string(nil)".to_string(),
        Some(v) => {
            let items: Vec<String> = v.iter().map(|s| q(s)).collect();
            format!("[]string{{{}}}", items.join(", "))
        }
    }
}

/// `%#v` of a slice of a named string type: `[]core.IPFamily{"IPv4"}`.
pub fn typed_strings(type_name: &str, v: Option<&Vec<String>>) -> String {
    match v {
        None => format!("[]{type_name}(nil)"),
        Some(v) => {
            let items: Vec<String> = v.iter().map(|s| q(s)).collect();
            format!("[]{type_name}{{{}}}", items.join(", "))
        }
    }
}

/// `%#v` of a `[]int32`: `[]int32{1, 2}`.
pub fn int32s(v: &[i32]) -> String {
    let items: Vec<String> = v.iter().map(|n| n.to_string()).collect();
    format!("[]int32{{{}}}", items.join(", "))
}

/// `%#v` of a pointer field inside a struct: `(*bool)(nil)` or a fixed fake address.
pub fn ptr<T>(type_name: &str, v: Option<&T>) -> String {
    match v {
        None => format!("(*{type_name})(nil)"),
        Some(_) => format!("(*{type_name})({FAKE_ADDR})"),
    }
}

/// `%#v` of an `intstr.IntOrString` value.
pub fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => format!("intstr.IntOrString{{Type:0, IntVal:{n}, StrVal:\"\"}}"),
        IntOrString::String(s) => {
            format!("intstr.IntOrString{{Type:1, IntVal:0, StrVal:{}}}", q(s))
        }
    }
}

/// `%#v` of a `v1.LabelSelectorRequirement`.
pub fn selector_requirement(r: &LabelSelectorRequirement) -> String {
    format!(
        "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
        q(&r.key),
        q(&r.operator),
        strings(r.values.as_ref())
    )
}

/// `%#v` of a `v1.LabelSelector` value (what upstream prints for `spec.selector` errors,
/// e.g. `field is immutable`).
pub fn label_selector(s: &LabelSelector) -> String {
    let exprs = match &s.match_expressions {
        None => "[]v1.LabelSelectorRequirement(nil)".to_string(),
        Some(list) => {
            let items: Vec<String> = list.iter().map(selector_requirement).collect();
            format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
        }
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        map(s.match_labels.as_ref()),
        exprs
    )
}

/// `%#v` of a `v1.OwnerReference` value.
pub fn owner_reference(r: &OwnerReference) -> String {
    format!(
        "v1.OwnerReference{{APIVersion:{}, Kind:{}, Name:{}, UID:{}, Controller:{}, BlockOwnerDeletion:{}}}",
        q(&r.api_version),
        q(&r.kind),
        q(&r.name),
        q(&r.uid),
        ptr("bool", r.controller.as_ref()),
        ptr("bool", r.block_owner_deletion.as_ref())
    )
}

/// `%v` of a `metav1.Time` (Go's `time.Time.String()` in UTC).
pub fn time(t: &Time) -> String {
    t.0.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string()
}

/// `%#v` of a `*int32`/`*int64` passed straight to `field.Invalid`: the number, or `null`.
pub fn opt_num<T: ToString>(v: Option<T>) -> String {
    v.map(|n| n.to_string())
        .unwrap_or_else(|| "null".to_string())
}

/// `%q` of a `*string` passed straight to `field.Invalid`: the quoted string, or `null`.
pub fn opt_str(v: Option<&String>) -> String {
    v.map(|s| q(s)).unwrap_or_else(|| "null".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_and_selectors_render_like_go_percent_hash_v() {
        // `kubectl apply` of a Deployment whose selector does not match its template prints
        // `Invalid value: map[string]string{"app":"nginx"}` on v1.32.
        let mut m = BTreeMap::new();
        m.insert("app".to_string(), "nginx".to_string());
        assert_eq!(map(Some(&m)), "map[string]string{\"app\":\"nginx\"}");
        assert_eq!(map(None), "map[string]string(nil)");
        let sel = LabelSelector {
            match_labels: Some(m),
            match_expressions: None,
        };
        assert_eq!(
            label_selector(&sel),
            "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"nginx\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}"
        );
        assert_eq!(
            int_or_string(&IntOrString::Int(0)),
            "intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}"
        );
    }
}
