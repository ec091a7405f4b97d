//! NodePorts (filter): a pod that asks for host ports fits only where none of them is
//! taken. `0.0.0.0` conflicts with the same protocol and port on any IP; a specific IP
//! conflicts with itself and with `0.0.0.0` (upstream `HostPortInfo.CheckConflict`).

use crate::scheduler::framework::{CycleState, FilterPlugin, PreFilter, Rejection};
use crate::scheduler::podinfo::{HostPort, PodInfo};
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "NodePorts";
/// Upstream `ErrReason`.
pub const ERR_REASON: &str = "node(s) didn't have free ports for the requested pod ports";

const ANY_IP: &str = "0.0.0.0";

/// Whether `want` conflicts with any port in use.
pub fn conflicts(used: &[HostPort], want: &HostPort) -> bool {
    if want.port <= 0 {
        return false;
    }
    used.iter().any(|u| {
        u.protocol == want.protocol
            && u.port == want.port
            && (want.ip == ANY_IP || u.ip == ANY_IP || u.ip == want.ip)
    })
}

/// See the module documentation.
pub struct NodePorts;

impl FilterPlugin for NodePorts {
    fn name(&self) -> &'static str {
        NAME
    }

    fn pre_filter(&self, _: &mut CycleState, pod: &PodInfo, _: &Snapshot) -> PreFilter {
        if pod.host_ports.is_empty() {
            PreFilter::Skip
        } else {
            PreFilter::Proceed
        }
    }

    fn filter(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<(), Rejection> {
        let used = &node.pods().used_ports;
        if pod.host_ports.iter().any(|w| conflicts(used, w)) {
            Err(Rejection::unschedulable(ERR_REASON))
        } else {
            Ok(())
        }
    }
}
