//! NodeName (filter): a pod that names a node in `spec.nodeName` fits only there.
//! Pods the scheduler sees normally have no node name (those that do are not scheduled at
//! all), so this rarely rejects; it is in the default profile as upstream.

use k8s_openapi::api::core::v1::PodSpec;

use crate::scheduler::framework::{CycleState, FilterPlugin, Rejection};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::NodeInfo;

/// The plugin's name.
pub const NAME: &str = "NodeName";
/// Upstream `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't match the requested node name";

/// Upstream `Fits`: no node name, or this node's.
pub fn fits(spec: &PodSpec, node_name: &str) -> bool {
    spec.node_name
        .as_deref()
        .is_none_or(|n| n.is_empty() || n == node_name)
}

/// See the module documentation.
pub struct NodeName;

impl FilterPlugin for NodeName {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        if fits(pod.spec(), &node.name) {
            Ok(())
        } else {
            Err(Rejection::unresolvable(ERR_REASON))
        }
    }
}
