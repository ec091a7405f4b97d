//! PodTopologySpread: spreads matching pods across topology domains (nodes, zones).
//! `whenUnsatisfiable: DoNotSchedule` constraints filter (the skew after placement may not
//! exceed `maxSkew`); `ScheduleAnyway` constraints score (fewer matching pods in the
//! node's domains is better). A pod without constraints of its own gets the cluster's
//! default ones, `kubernetes.io/hostname` with maxSkew 3 and
//! `topology.kubernetes.io/zone` with maxSkew 5, both `ScheduleAnyway`, selecting the pods
//! of the same Services, ReplicaSet or StatefulSet: this is what spreads a ReplicaSet's
//! replicas one per node.
//!
//! `filtering.rs` holds the filter, `scoring.rs` the score; this file the constraint
//! model, the default selector and pod counting.

mod filtering;
mod scoring;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, TopologySpreadConstraint};
use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use crate::model::selector::LabelSelector;
use crate::model::Object;
use crate::scheduler::plugins::helpers::{first_untolerated, RequiredNodeAffinity};
use crate::scheduler::podinfo::{PodInfo, LABEL_HOSTNAME, LABEL_ZONE};
use crate::scheduler::snapshot::Snapshot;

/// The plugin's name.
pub const NAME: &str = "PodTopologySpread";
/// Upstream `ErrReasonConstraintsNotMatch`.
pub const ERR_REASON_CONSTRAINTS_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints";
/// Upstream `ErrReasonNodeLabelNotMatch`.
pub const ERR_REASON_NODE_LABEL_NOT_MATCH: &str =
    "node(s) didn't match pod topology spread constraints (missing required label)";

/// One constraint, parsed (upstream `topologySpreadConstraint`).
#[derive(Clone, Debug)]
pub struct Constraint {
    /// `maxSkew`.
    pub max_skew: i32,
    /// `topologyKey`.
    pub topology_key: String,
    /// The pods that count (the label selector plus `matchLabelKeys`).
    pub selector: LabelSelector,
    /// `minDomains` (1 when unset).
    pub min_domains: i32,
    /// `nodeAffinityPolicy: Honor` (the default): only nodes matching the pod's node
    /// affinity count as domains.
    pub honor_node_affinity: bool,
    /// `nodeTaintsPolicy: Honor` (default `Ignore`): only nodes whose taints the pod
    /// tolerates count.
    pub honor_node_taints: bool,
}

impl Constraint {
    /// Upstream `matchNodeInclusionPolicies`.
    pub fn includes(&self, pod: &PodInfo, node: &Node, affinity: &RequiredNodeAffinity) -> bool {
        if self.honor_node_affinity && !affinity.matches(node) {
            return false;
        }
        if self.honor_node_taints {
            let taints = node
                .spec
                .as_ref()
                .and_then(|s| s.taints.as_deref())
                .unwrap_or_default();
            let tolerations = pod.spec().tolerations.as_deref().unwrap_or_default();
            if first_untolerated(taints, tolerations).is_some() {
                return false;
            }
        }
        true
    }
}

/// Upstream `filterTopologySpreadConstraints`: the constraints with the given
/// `whenUnsatisfiable`, with `matchLabelKeys` values taken from the pod's labels.
pub fn parse_constraints(
    constraints: &[TopologySpreadConstraint],
    pod_labels: &BTreeMap<String, String>,
    action: &str,
) -> Result<Vec<Constraint>, String> {
    let mut out = Vec::new();
    for c in constraints
        .iter()
        .filter(|c| c.when_unsatisfiable == action)
    {
        let mut sel = c.label_selector.clone();
        if let Some(s) = sel.as_mut() {
            for key in c.match_label_keys.iter().flatten() {
                if let Some(v) = pod_labels.get(key) {
                    s.match_labels
                        .get_or_insert_with(BTreeMap::new)
                        .insert(key.clone(), v.clone());
                }
            }
        }
        out.push(Constraint {
            max_skew: c.max_skew,
            topology_key: c.topology_key.clone(),
            selector: LabelSelector::from_optional_label_selector(sel.as_ref())?,
            min_domains: c.min_domains.unwrap_or(1),
            honor_node_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
            honor_node_taints: c.node_taints_policy.as_deref() == Some("Honor"),
        });
    }
    Ok(out)
}

/// The cluster-level default constraints (`defaultingType: System`).
fn system_default_constraints() -> Vec<TopologySpreadConstraint> {
    let c = |key: &str, skew| TopologySpreadConstraint {
        topology_key: key.to_string(),
        max_skew: skew,
        when_unsatisfiable: "ScheduleAnyway".to_string(),
        ..Default::default()
    };
    vec![c(LABEL_HOSTNAME, 3), c(LABEL_ZONE, 5)]
}

/// The constraints for `action`: the pod's own, or (when it has none) the defaults with
/// the default selector. Errors are selector parse errors.
pub fn constraints_for(
    pod: &PodInfo,
    snap: &Snapshot,
    action: &str,
) -> Result<Vec<Constraint>, String> {
    let own = pod
        .spec()
        .topology_spread_constraints
        .as_deref()
        .unwrap_or_default();
    if !own.is_empty() {
        return parse_constraints(own, pod.labels(), action);
    }
    let mut constraints = parse_constraints(&system_default_constraints(), pod.labels(), action)?;
    if constraints.is_empty() {
        return Ok(constraints);
    }
    let selector = default_selector(pod, snap);
    if selector.is_empty() {
        return Ok(Vec::new());
    }
    for c in &mut constraints {
        c.selector = selector.clone();
    }
    Ok(constraints)
}

/// Upstream `helper.DefaultSelector`: the selectors of the Services that select the pod,
/// plus the selector of the ReplicaSet or StatefulSet that controls it.
pub fn default_selector(pod: &PodInfo, snap: &Snapshot) -> LabelSelector {
    let mut merged = metav1::LabelSelector::default();
    let mut labels = BTreeMap::new();
    for svc in &snap.lists.services {
        let Object::Service(s) = &**svc else { continue };
        if s.metadata.namespace.as_deref() != Some(pod.namespace()) {
            continue;
        }
        let Some(sel) = s.spec.as_ref().and_then(|sp| sp.selector.as_ref()) else {
            continue;
        };
        if sel.iter().all(|(k, v)| pod.labels().get(k) == Some(v)) {
            labels.extend(sel.clone());
        }
    }
    let owner = pod
        .pod()
        .metadata
        .owner_references
        .iter()
        .flatten()
        .find(|o| o.controller == Some(true));
    let key = |name: &str| (pod.namespace().to_string(), name.to_string());
    let owner_selector = owner.and_then(|o| match (o.api_version.as_str(), o.kind.as_str()) {
        ("apps/v1", "ReplicaSet") => match snap.lists.replica_sets.get(&key(&o.name)).map(|r| &**r)
        {
            Some(Object::ReplicaSet(rs)) => rs.spec.as_ref().map(|s| s.selector.clone()),
            _ => None,
        },
        ("apps/v1", "StatefulSet") => {
            match snap.lists.stateful_sets.get(&key(&o.name)).map(|r| &**r) {
                Some(Object::StatefulSet(ss)) => ss.spec.as_ref().map(|s| s.selector.clone()),
                _ => None,
            }
        }
        _ => None,
    });
    if let Some(sel) = owner_selector {
        labels.extend(sel.match_labels.clone().unwrap_or_default());
        merged.match_expressions = sel.match_expressions.clone();
    }
    if !labels.is_empty() {
        merged.match_labels = Some(labels);
    }
    LabelSelector::from_label_selector(&merged).unwrap_or_else(|_| LabelSelector::everything())
}

/// See the module documentation.
pub struct PodTopologySpread;
