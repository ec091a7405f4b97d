//! The DaemonSet rolling update (upstream `rollingUpdate`, `findUpdatedPodsOnNode`,
//! `updatedDesiredNodeCounts` in `pkg/controller/daemon/update.go`, and `SurgeCount`,
//! `UnavailableCount`, `IsPodUpdated` in `util/daemonset_util.go`).
//!
//! Without surge (the default, `maxUnavailable: 1`, `maxSurge: 0`), old pods are deleted
//! while fewer than `maxUnavailable` daemon pods are unavailable, and the core loop
//! creates their replacements; with surge, a new pod is created beside an old one and the
//! old one is deleted once the new one is available.
//!
//! Worked example of the arithmetic: 4 eligible nodes, `maxUnavailable: 25%` rounds *up*
//! to 1 (⌈25 × 4 / 100⌉); `maxUnavailable: 30%` of 4 is ⌈1.2⌉ = 2. Both 0 is impossible
//! through validation, but upstream still falls back to `maxUnavailable = 1`.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{manage, predicates, template_generation, NodePods};
use crate::apiserver::ApiError;
use crate::controllers::history::{pods, CONTROLLER_REVISION_HASH_LABEL};
use crate::controllers::ReconcileCtx;
use crate::sim::SimTime;

/// The pod label carrying the DaemonSet's `templateGeneration`.
pub const TEMPLATE_GENERATION_LABEL: &str = "pod-template-generation";

/// `intstr.GetScaledValueFromIntOrPercent(v, total, roundUp=true)`.
pub fn scaled_value_round_up(v: Option<&IntOrString>, total: i64) -> Result<i64, String> {
    match v {
        None => Err("nil value for IntOrString".to_string()),
        Some(IntOrString::Int(n)) => Ok(i64::from(*n)),
        Some(IntOrString::String(s)) => {
            let Some(num) = s.strip_suffix('%') else {
                return Err(
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .to_string(),
                );
            };
            let p: i64 = num.parse().map_err(|_| {
                format!("invalid value for IntOrString: invalid value {s:?}: strconv.Atoi: parsing {num:?}: invalid syntax")
            })?;
            let product = p.saturating_mul(total);
            Ok(if product >= 0 {
                product.saturating_add(99) / 100
            } else {
                product / 100
            })
        }
    }
}

fn rolling(ds: &DaemonSet) -> Option<&k8s_openapi::api::apps::v1::RollingUpdateDaemonSet> {
    let strategy = ds.spec.as_ref()?.update_strategy.as_ref()?;
    if strategy.type_.as_deref() != Some("RollingUpdate") {
        return None;
    }
    strategy.rolling_update.as_ref()
}

/// `util.SurgeCount`: 0 unless a rolling update asks for surge.
pub fn surge_count(ds: &DaemonSet, total: i64) -> Result<i64, String> {
    match rolling(ds).and_then(|r| r.max_surge.as_ref()) {
        None => Ok(0),
        some => scaled_value_round_up(some, total),
    }
}

/// `util.UnavailableCount`: 0 unless a rolling update.
pub fn unavailable_count(ds: &DaemonSet, total: i64) -> Result<i64, String> {
    match rolling(ds) {
        None => Ok(0),
        Some(r) => scaled_value_round_up(r.max_unavailable.as_ref(), total),
    }
}

/// `util.AllowsSurge`.
pub fn allows_surge(ds: &DaemonSet) -> bool {
    surge_count(ds, 1).is_ok_and(|n| n != 0)
}

/// `util.IsPodUpdated`: the pod carries the current hash, or the current template
/// generation (kept for pods made before hashes existed).
pub fn is_pod_updated(pod: &Pod, hash: &str, generation: Option<i64>) -> bool {
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    let template_matches = generation.is_some_and(|g| {
        labels.get(TEMPLATE_GENERATION_LABEL).map(String::as_str) == Some(g.to_string().as_str())
    });
    let hash_matches = !hash.is_empty()
        && labels
            .get(CONTROLLER_REVISION_HASH_LABEL)
            .map(String::as_str)
            == Some(hash);
    hash_matches || template_matches
}

/// `findUpdatedPodsOnNode`: the node's one new and one old live pod, or `None` when it
/// has more than one of either (the core loop prunes those first).
pub fn find_updated_pods_on_node<'a>(
    ds: &DaemonSet,
    pods_on_node: &'a [Pod],
    hash: &str,
) -> Option<(Option<&'a Pod>, Option<&'a Pod>)> {
    let generation = template_generation(ds);
    let (mut new, mut old) = (None, None);
    for pod in pods_on_node {
        if pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let slot = if is_pod_updated(pod, hash, generation) {
            &mut new
        } else {
            &mut old
        };
        if slot.is_some() {
            return None;
        }
        *slot = Some(pod);
    }
    Some((new, old))
}

/// `updatedDesiredNodeCounts`: `(maxSurge, maxUnavailable, desiredNumberScheduled)`, and
/// an empty entry in `node_pods` for every eligible node without pods.
pub fn desired_node_counts(
    ds: &DaemonSet,
    nodes: &[Node],
    node_pods: &mut NodePods,
) -> Result<(i64, i64, i64), ApiError> {
    let mut desired = 0;
    for node in nodes {
        if !predicates::node_should_run(node, ds).0 {
            continue;
        }
        desired += 1;
        let name = node.metadata.name.clone().unwrap_or_default();
        node_pods.entry(name).or_default();
    }
    let bad = |what: &str, e: String| ApiError::BadRequest {
        message: format!("invalid value for {what}: {e}"),
    };
    let mut max_unavailable =
        unavailable_count(ds, desired).map_err(|e| bad("MaxUnavailable", e))?;
    let max_surge = surge_count(ds, desired).map_err(|e| bad("MaxSurge", e))?;
    if desired > 0 && max_unavailable == 0 && max_surge == 0 {
        max_unavailable = 1;
    }
    Ok((max_surge, max_unavailable, desired))
}

/// What a rolling-update pass decides: pods to delete and nodes to create a pod on.
#[derive(Debug, Default, PartialEq)]
pub struct UpdatePlan {
    /// Old pods to delete.
    pub delete: Vec<String>,
    /// Nodes that get a new (surge) pod.
    pub create: Vec<String>,
}

fn name(p: &Pod) -> String {
    p.metadata.name.clone().unwrap_or_default()
}

/// The pure part of `rollingUpdate` when `maxSurge` is 0: delete old pods that are
/// unavailable anyway, then old available ones while the unavailable count stays under
/// `maxUnavailable`. Nodes are visited in name order (upstream: map order).
pub fn plan_without_surge(
    ds: &DaemonSet,
    node_pods: &NodePods,
    hash: &str,
    max_unavailable: i64,
    now: SimTime,
) -> UpdatePlan {
    let min_ready = ds
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let mut unavailable = 0;
    let mut allowed = Vec::new();
    let mut candidates = Vec::new();
    for pods_on_node in node_pods.values() {
        let Some((new, old)) = find_updated_pods_on_node(ds, pods_on_node, hash) else {
            unavailable += 1;
            continue;
        };
        match (new, old) {
            (None, None) | (Some(_), Some(_)) => unavailable += 1,
            (Some(new), None) => {
                if !pods::is_available(new, min_ready, now) {
                    unavailable += 1;
                }
            }
            (None, Some(old)) => {
                if !pods::is_available(old, min_ready, now) {
                    allowed.push(name(old));
                    unavailable += 1;
                } else if unavailable < max_unavailable {
                    candidates.push(name(old));
                }
            }
        }
    }
    let remaining = (max_unavailable - unavailable).clamp(0, candidates.len() as i64) as usize;
    allowed.extend(candidates.into_iter().take(remaining));
    UpdatePlan {
        delete: allowed,
        create: Vec::new(),
    }
}

/// The pure part of `rollingUpdate` with surge: a new pod beside each unavailable old one,
/// and beside up to `maxSurge` available old ones; an old pod goes once its node's new pod
/// is available. `should_run(node)` says whether the node still suits the DaemonSet.
pub fn plan_with_surge(
    ds: &DaemonSet,
    node_pods: &NodePods,
    hash: &str,
    max_surge: i64,
    desired: i64,
    now: SimTime,
    should_run: &dyn Fn(&str) -> bool,
) -> UpdatePlan {
    let min_ready = ds
        .spec
        .as_ref()
        .and_then(|s| s.min_ready_seconds)
        .unwrap_or(0);
    let avail = |p: &Pod| pods::is_available(p, min_ready, now);
    let mut plan = UpdatePlan::default();
    let mut should_not_run = Vec::new();
    let mut candidates = Vec::new();
    let (mut surge, mut available) = (0, 0);
    for (node, pods_on_node) in node_pods {
        let Some((new, old)) = find_updated_pods_on_node(ds, pods_on_node, hash) else {
            surge += 1;
            continue;
        };
        if old.or(new).is_some_and(avail) {
            available += 1;
        }
        match (new, old) {
            (_, None) => {}
            (None, Some(old)) if !avail(old) => {
                if should_run(node) {
                    plan.create.push(node.clone());
                } else {
                    plan.delete.push(name(old));
                }
            }
            (None, Some(old)) => {
                if !should_run(node) {
                    should_not_run.push(name(old));
                } else if surge < max_surge {
                    candidates.push(node.clone());
                }
            }
            (Some(new), Some(old)) => {
                if avail(new) {
                    plan.delete.push(name(old));
                } else {
                    surge += 1;
                }
            }
        }
    }
    let deletable = (available - desired).clamp(0, should_not_run.len() as i64) as usize;
    plan.delete
        .extend(should_not_run.into_iter().take(deletable));
    let remaining = (max_surge - surge).clamp(0, candidates.len() as i64) as usize;
    plan.create.extend(candidates.into_iter().take(remaining));
    plan
}

/// `rollingUpdate`: plans and carries out one pass.
pub fn rolling_update(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    nodes: &[Node],
    mut node_pods: NodePods,
    hash: &str,
) -> Result<(), ApiError> {
    let (max_surge, max_unavailable, desired) = desired_node_counts(ds, nodes, &mut node_pods)?;
    let plan = if max_surge == 0 {
        plan_without_surge(ds, &node_pods, hash, max_unavailable, rc.now)
    } else {
        let should_run = |n: &str| {
            nodes
                .iter()
                .find(|x| x.metadata.name.as_deref() == Some(n))
                .is_some_and(|x| predicates::node_should_run(x, ds).0)
        };
        plan_with_surge(
            ds,
            &node_pods,
            hash,
            max_surge,
            desired,
            rc.now,
            &should_run,
        )
    };
    manage::sync_nodes(rc, ds, &plan.delete, &plan.create, hash).1
}

#[cfg(test)]
#[path = "update_tests.rs"]
mod tests;
