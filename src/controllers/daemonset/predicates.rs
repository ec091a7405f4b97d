//! Which nodes a DaemonSet runs on (upstream `NodeShouldRunDaemonPod` and `predicates` in
//! `daemon_controller.go`, `pkg/controller/daemon/util/daemonset_util.go`, the taint and
//! toleration helpers of `component-helpers/scheduling/corev1` and its `nodeaffinity`).
//!
//! A DaemonSet pod "fits" a node when the template's `nodeName` (if any) is the node, the
//! node matches the template's `nodeSelector` and required node affinity, and every
//! `NoSchedule`/`NoExecute` taint of the node is tolerated by the template's tolerations
//! plus the ones every daemon pod gets ([`add_daemon_tolerations`]). A node that only
//! fails on an untolerated `NoSchedule` taint keeps a pod that is already there
//! (`shouldContinueRunning`), so tainting a node does not evict its daemons.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{
    Affinity, Node, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod,
    PodSpec, Taint, Toleration,
};

/// The field key of node affinity's `matchFields` that names a node.
pub const OBJECT_NAME_FIELD: &str = "metadata.name";

/// `toleration.ToleratesTaint`: an empty effect or key matches any; operator `Exists`
/// matches any value, `Equal` (or empty) needs the same value.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect = t.effect.as_deref().unwrap_or("");
    if !effect.is_empty() && effect != taint.effect {
        return false;
    }
    let key = t.key.as_deref().unwrap_or("");
    if !key.is_empty() && key != taint.key {
        return false;
    }
    match t.operator.as_deref().unwrap_or("") {
        "" | "Equal" => t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
        "Exists" => true,
        _ => false,
    }
}

/// `FindMatchingUntoleratedTaint`: the first taint passing `filter` that no toleration
/// tolerates.
pub fn untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    filter: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|t| filter(t))
        .find(|taint| !tolerations.iter().any(|t| tolerates(t, taint)))
}

/// `v1helper.AddOrUpdateTolerationInPodSpec`: replaces a toleration with the same key,
/// effect, operator and value, or appends it.
fn add_or_update_toleration(spec: &mut PodSpec, toleration: Toleration) {
    let list = spec.tolerations.get_or_insert_with(Vec::new);
    let same = |t: &Toleration| {
        t.key == toleration.key
            && t.effect == toleration.effect
            && t.operator == toleration.operator
            && t.value == toleration.value
    };
    match list.iter_mut().find(|t| same(t)) {
        Some(existing) => *existing = toleration,
        None => list.push(toleration),
    }
}

/// `util.AddOrUpdateDaemonPodTolerations`: every daemon pod tolerates the node-problem
/// taints without time limit — `not-ready` and `unreachable` (NoExecute), the
/// `disk-pressure`, `memory-pressure`, `pid-pressure` and `unschedulable` conditions
/// (NoSchedule), and `network-unavailable` (NoSchedule) for host-network pods.
pub fn add_daemon_tolerations(spec: &mut PodSpec) {
    let exists = |key: &str, effect: &str| Toleration {
        key: Some(key.to_string()),
        operator: Some("Exists".to_string()),
        effect: Some(effect.to_string()),
        ..Default::default()
    };
    let mut wanted = vec![
        exists("node.kubernetes.io/not-ready", "NoExecute"),
        exists("node.kubernetes.io/unreachable", "NoExecute"),
        exists("node.kubernetes.io/disk-pressure", "NoSchedule"),
        exists("node.kubernetes.io/memory-pressure", "NoSchedule"),
        exists("node.kubernetes.io/pid-pressure", "NoSchedule"),
        exists("node.kubernetes.io/unschedulable", "NoSchedule"),
    ];
    if spec.host_network == Some(true) {
        wanted.push(exists(
            "node.kubernetes.io/network-unavailable",
            "NoSchedule",
        ));
    }
    for t in wanted {
        add_or_update_toleration(spec, t);
    }
}

/// `util.ReplaceDaemonSetPodNodeNameNodeAffinity`: the pod's required node affinity
/// becomes the single term `metadata.name In [node]` (other required terms are replaced;
/// the controller has already checked them), so the scheduler binds it to that node.
pub fn pin_to_node(affinity: Option<Affinity>, node: &str) -> Affinity {
    let term = NodeSelectorTerm {
        match_fields: Some(vec![NodeSelectorRequirement {
            key: OBJECT_NAME_FIELD.to_string(),
            operator: "In".to_string(),
            values: Some(vec![node.to_string()]),
        }]),
        match_expressions: None,
    };
    let mut affinity = affinity.unwrap_or_default();
    let na = affinity
        .node_affinity
        .get_or_insert_with(NodeAffinity::default);
    match na
        .required_during_scheduling_ignored_during_execution
        .as_mut()
    {
        Some(sel) => sel.node_selector_terms = vec![term],
        None => {
            na.required_during_scheduling_ignored_during_execution = Some(NodeSelector {
                node_selector_terms: vec![term],
            })
        }
    }
    affinity
}

/// `util.GetTargetNodeName`: the node a daemon pod is for — its `nodeName` once bound,
/// otherwise the one `metadata.name In [node]` requirement of its required affinity.
pub fn target_node(pod: &Pod) -> Option<String> {
    let spec = pod.spec.as_ref()?;
    if let Some(n) = spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        return Some(n.to_string());
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    for term in terms {
        for req in term.match_fields.iter().flatten() {
            if req.key == OBJECT_NAME_FIELD && req.operator == "In" {
                let values = req.values.as_deref().unwrap_or_default();
                return (values.len() == 1).then(|| values[0].clone());
            }
        }
    }
    None
}

/// One node-selector requirement against a value (`None` when the label is absent).
fn requirement_matches(req: &NodeSelectorRequirement, value: Option<&str>) -> bool {
    let values = req.values.as_deref().unwrap_or_default();
    let int = |s: &str| s.parse::<i64>().ok();
    match req.operator.as_str() {
        "In" => value.is_some_and(|v| values.iter().any(|x| x == v)),
        "NotIn" => !value.is_some_and(|v| values.iter().any(|x| x == v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), [bound]) = (value.and_then(int), values) else {
                return false;
            };
            let Some(b) = int(bound) else {
                return false;
            };
            if req.operator == "Gt" {
                v > b
            } else {
                v < b
            }
        }
        _ => false,
    }
}

/// One term: all its expressions (on labels) and fields (`metadata.name`) hold. A term
/// with neither matches nothing.
fn term_matches(term: &NodeSelectorTerm, node: &Node) -> bool {
    let exprs = term.match_expressions.as_deref().unwrap_or_default();
    let fields = term.match_fields.as_deref().unwrap_or_default();
    if exprs.is_empty() && fields.is_empty() {
        return false;
    }
    let labels = node.metadata.labels.clone().unwrap_or_default();
    exprs
        .iter()
        .all(|r| requirement_matches(r, labels.get(&r.key).map(String::as_str)))
        && fields.iter().all(|r| {
            r.key == OBJECT_NAME_FIELD && requirement_matches(r, node.metadata.name.as_deref())
        })
}

/// `nodeaffinity.GetRequiredNodeAffinity(pod).Match(node)`: the `nodeSelector` labels
/// and, if set, at least one required node-affinity term.
pub fn matches_required_affinity(spec: &PodSpec, node: &Node) -> bool {
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let selector_ok = spec
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| {
            n.required_during_scheduling_ignored_during_execution
                .as_ref()
        });
    selector_ok
        && required.is_none_or(|sel| {
            sel.node_selector_terms
                .iter()
                .any(|t| term_matches(t, node))
        })
}

/// `NodeShouldRunDaemonPod`: `(shouldRun, shouldContinueRunning)` for a DaemonSet on a
/// node. See the module documentation.
pub fn node_should_run(node: &Node, ds: &DaemonSet) -> (bool, bool) {
    let node_name = node.metadata.name.as_deref().unwrap_or("");
    let mut spec = ds
        .spec
        .as_ref()
        .and_then(|s| s.template.spec.clone())
        .unwrap_or_default();
    if spec
        .node_name
        .as_deref()
        .is_some_and(|n| !n.is_empty() && n != node_name)
    {
        return (false, false);
    }
    add_daemon_tolerations(&mut spec);
    if !matches_required_affinity(&spec, node) {
        return (false, false);
    }
    let taints = node
        .spec
        .as_ref()
        .and_then(|s| s.taints.clone())
        .unwrap_or_default();
    let tolerations = spec.tolerations.clone().unwrap_or_default();
    let blocks = |t: &Taint| t.effect == "NoSchedule" || t.effect == "NoExecute";
    if untolerated_taint(&taints, &tolerations, blocks).is_none() {
        return (true, true);
    }
    let evicts = |t: &Taint| t.effect == "NoExecute";
    (
        false,
        untolerated_taint(&taints, &tolerations, evicts).is_none(),
    )
}

#[cfg(test)]
#[path = "predicates_tests.rs"]
mod tests;
