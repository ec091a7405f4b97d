//! Shared predicates of the plugins, ported from component-helpers (v1.32):
//! toleration matching (`scheduling/corev1` `TolerationsTolerateTaint`,
//! `FindMatchingUntoleratedTaint`) and node selectors (`nodeaffinity`:
//! `RequiredNodeAffinity`, `NodeSelector`, `PreferredSchedulingTerms`).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Node, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm, Taint, Toleration,
};

use crate::model::selector::{Operator, Requirement};

/// Upstream `Toleration.ToleratesTaint`: the effect matches (or the toleration has none),
/// the key matches (or the toleration has none), and `Exists` or an equal value.
pub fn tolerates(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = toleration.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = toleration.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match toleration.operator.as_deref().unwrap_or("") {
        "" | "Equal" => {
            toleration.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or("")
        }
        "Exists" => true,
        _ => false,
    }
}

/// Whether any toleration tolerates the taint.
pub fn tolerations_tolerate(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| tolerates(t, taint))
}

/// Upstream `DoNotScheduleTaintsFilterFunc`: the taint effects that keep pods off.
pub fn is_do_not_schedule(taint: &Taint) -> bool {
    taint.effect == "NoSchedule" || taint.effect == "NoExecute"
}

/// Upstream `FindMatchingUntoleratedTaint` with the DoNotSchedule filter: the first
/// `NoSchedule`/`NoExecute` taint, in the node's order, that no toleration tolerates.
pub fn first_untolerated<'a>(taints: &'a [Taint], tolerations: &[Toleration]) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| is_do_not_schedule(t))
        .find(|t| !tolerations_tolerate(tolerations, t))
}

/// Matches one node selector requirement against labels (upstream
/// `nodeSelectorRequirementsAsSelector`); `None` when the requirement is malformed (an
/// unknown operator, a bad key, `Gt`/`Lt` without one integer).
fn label_requirement(req: &NodeSelectorRequirement) -> Option<Requirement> {
    let op = match req.operator.as_str() {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        "Gt" => Operator::GreaterThan,
        "Lt" => Operator::LessThan,
        _ => return None,
    };
    Requirement::new(&req.key, op, req.values.clone().unwrap_or_default()).ok()
}

/// Matches one `matchFields` requirement: only `metadata.name` is a node field, with
/// `In`/`NotIn` and exactly one value (upstream `nodeSelectorRequirementsAsFieldSelector`).
fn field_matches(req: &NodeSelectorRequirement, node_name: &str) -> Option<bool> {
    let values = req.values.as_deref().unwrap_or_default();
    if values.len() != 1 {
        return None;
    }
    let actual = if req.key == "metadata.name" {
        node_name
    } else {
        ""
    };
    match req.operator.as_str() {
        "In" => Some(actual == values[0]),
        "NotIn" => Some(actual != values[0]),
        _ => None,
    }
}

/// Whether a node selector term matches: all its expressions and fields hold. An empty
/// term matches nothing; a malformed term matches nothing (upstream ignores parse errors
/// "for backwards compatibility").
pub fn term_matches(
    term: &NodeSelectorTerm,
    labels: &BTreeMap<String, String>,
    node_name: &str,
) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    for e in exprs {
        match label_requirement(e) {
            Some(r) if r.matches(labels) => {}
            _ => return false,
        }
    }
    fields
        .iter()
        .all(|f| field_matches(f, node_name).unwrap_or(false))
}

/// Whether any of the terms matches (terms are ORed).
pub fn terms_match(
    terms: &[NodeSelectorTerm],
    labels: &BTreeMap<String, String>,
    node_name: &str,
) -> bool {
    terms.iter().any(|t| term_matches(t, labels, node_name))
}

/// Upstream `nodeaffinity.RequiredNodeAffinity`: the pod's `nodeSelector` and its
/// `requiredDuringSchedulingIgnoredDuringExecution` node affinity, both of which must hold.
#[derive(Clone, Debug, Default)]
pub struct RequiredNodeAffinity {
    node_selector: BTreeMap<String, String>,
    terms: Option<Vec<NodeSelectorTerm>>,
}

impl RequiredNodeAffinity {
    /// The pod's required node affinity (upstream `GetRequiredNodeAffinity`).
    pub fn of(spec: &k8s_openapi::api::core::v1::PodSpec) -> RequiredNodeAffinity {
        let terms = spec
            .affinity
            .as_ref()
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|na| {
                na.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(|ns| ns.node_selector_terms.clone());
        RequiredNodeAffinity {
            node_selector: spec.node_selector.clone().unwrap_or_default(),
            terms,
        }
    }

    /// Whether the node satisfies both.
    pub fn matches(&self, node: &Node) -> bool {
        static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
        let labels = node.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
        let name = node.metadata.name.as_deref().unwrap_or("");
        let selector_ok = self
            .node_selector
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v));
        selector_ok
            && self
                .terms
                .as_ref()
                .is_none_or(|terms| terms_match(terms, labels, name))
    }
}

/// Upstream `PreferredSchedulingTerms.Score`: the sum of the weights of the terms that
/// match (terms with weight 0 or no requirements count for nothing).
pub fn preferred_score(terms: &[PreferredSchedulingTerm], node: &Node) -> i64 {
    static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();
    let labels = node.metadata.labels.as_ref().unwrap_or(&NO_LABELS);
    let name = node.metadata.name.as_deref().unwrap_or("");
    terms
        .iter()
        .filter(|t| t.weight != 0)
        .filter(|t| term_matches(&t.preference, labels, name))
        .map(|t| i64::from(t.weight))
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tol(v: serde_json::Value) -> Toleration {
        serde_json::from_value(v).expect("toleration")
    }

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: key.into(),
            value: (!value.is_empty()).then(|| value.into()),
            effect: effect.into(),
            time_added: None,
        }
    }

    /// Upstream `TestTolerationToleratesTaint` cases.
    #[test]
    fn toleration_matching() {
        let t = taint("foo", "bar", "NoSchedule");
        assert!(tolerates(
            &tol(json!({"key": "foo", "operator": "Exists", "effect": "NoSchedule"})),
            &t
        ));
        assert!(tolerates(
            &tol(
                json!({"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"})
            ),
            &t
        ));
        assert!(!tolerates(
            &tol(
                json!({"key": "foo", "operator": "Equal", "value": "baz", "effect": "NoSchedule"})
            ),
            &t
        ));
        assert!(!tolerates(
            &tol(json!({"key": "foo", "operator": "Exists", "effect": "NoExecute"})),
            &t
        ));
        assert!(
            tolerates(&tol(json!({"operator": "Exists"})), &t),
            "empty key with Exists tolerates everything"
        );
        assert!(
            tolerates(&tol(json!({"key": "foo", "value": "bar"})), &t),
            "empty operator means Equal"
        );
        assert!(!tolerates(
            &tol(json!({"key": "foo", "operator": "Bogus"})),
            &t
        ));
    }

    #[test]
    fn first_untolerated_ignores_prefer_no_schedule() {
        let taints = vec![
            taint("soft", "", "PreferNoSchedule"),
            taint("a", "", "NoSchedule"),
            taint("b", "", "NoExecute"),
        ];
        let tols = vec![tol(json!({"key": "a", "operator": "Exists"}))];
        assert_eq!(
            first_untolerated(&taints, &tols).map(|t| t.key.as_str()),
            Some("b")
        );
        assert_eq!(
            first_untolerated(&taints, &[]).map(|t| t.key.as_str()),
            Some("a")
        );
    }

    fn node(name: &str, labels: serde_json::Value) -> Node {
        serde_json::from_value(json!({"metadata": {"name": name, "labels": labels}})).expect("node")
    }

    fn terms(v: serde_json::Value) -> Vec<NodeSelectorTerm> {
        serde_json::from_value(v).expect("terms")
    }

    /// Cases from upstream `TestNodeSelectorMatch` / `nodeaffinity_test.go`.
    #[test]
    fn node_selector_terms() {
        let n = node("n1", json!({"zone": "a", "gpu": "4"}));
        let labels = n.metadata.labels.clone().unwrap_or_default();
        let m = |t: serde_json::Value| terms_match(&terms(t), &labels, "n1");
        assert!(m(
            json!([{"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}])
        ));
        assert!(!m(
            json!([{"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}])
        ));
        assert!(m(
            json!([{"matchExpressions": [{"key": "gpu", "operator": "Gt", "values": ["3"]}]}])
        ));
        assert!(!m(
            json!([{"matchExpressions": [{"key": "gpu", "operator": "Lt", "values": ["3"]}]}])
        ));
        assert!(m(
            json!([{"matchExpressions": [{"key": "ssd", "operator": "DoesNotExist"}]}])
        ));
        assert!(!m(json!([{}])), "an empty term matches nothing");
        assert!(
            m(
                json!([{}, {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1"]}]}])
            ),
            "terms are ORed"
        );
        assert!(
            !m(
                json!([{"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n1", "n2"]}]}])
            ),
            "a field requirement takes one value"
        );
        assert!(!m(
            json!([{"matchExpressions": [{"key": "zone", "operator": "Bogus", "values": ["a"]}]}])
        ));
    }

    #[test]
    fn required_node_affinity_needs_selector_and_terms() {
        let spec: k8s_openapi::api::core::v1::PodSpec = serde_json::from_value(json!({
            "containers": [],
            "nodeSelector": {"disk": "ssd"},
            "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}}}))
        .expect("spec");
        let req = RequiredNodeAffinity::of(&spec);
        assert!(req.matches(&node("n", json!({"disk": "ssd", "zone": "a"}))));
        assert!(!req.matches(&node("n", json!({"disk": "ssd", "zone": "b"}))));
        assert!(!req.matches(&node("n", json!({"zone": "a"}))));
    }
}
