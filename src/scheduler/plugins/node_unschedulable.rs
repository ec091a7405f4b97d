//! NodeUnschedulable (filter): a cordoned node (`spec.unschedulable: true`, what
//! `kubectl cordon` sets) takes no new pods, unless the pod tolerates the
//! `node.kubernetes.io/unschedulable:NoSchedule` taint (DaemonSet pods do).

use k8s_openapi::api::core::v1::Taint;

use crate::scheduler::framework::{CycleState, FilterPlugin, Rejection};
use crate::scheduler::plugins::helpers::tolerations_tolerate;
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::NodeInfo;

/// The plugin's name.
pub const NAME: &str = "NodeUnschedulable";
/// Upstream `ErrReasonUnschedulable`.
pub const ERR_REASON: &str = "node(s) were unschedulable";

/// Whether the pod may go to the node: the node is not cordoned, or the pod tolerates
/// the unschedulable taint.
pub fn fits(unschedulable: bool, pod: &PodInfo) -> bool {
    if !unschedulable {
        return true;
    }
    let taint = Taint {
        key: "node.kubernetes.io/unschedulable".into(),
        effect: "NoSchedule".into(),
        value: None,
        time_added: None,
    };
    tolerations_tolerate(
        pod.spec().tolerations.as_deref().unwrap_or_default(),
        &taint,
    )
}

/// See the module documentation.
pub struct NodeUnschedulable;

impl FilterPlugin for NodeUnschedulable {
    fn name(&self) -> &'static str {
        NAME
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        if fits(node.unschedulable, pod) {
            Ok(())
        } else {
            Err(Rejection::unresolvable(ERR_REASON))
        }
    }
}
