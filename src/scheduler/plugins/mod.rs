//! The plugins of the default profile (v1.32 `getDefaultPlugins`), one file each, and
//! the registry that puts them in upstream's order with upstream's score weights.
//!
//! Filters run in this order, and the first to reject a node names the reason:
//! NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts,
//! NodeResourcesFit, PodTopologySpread, InterPodAffinity. Scores (weight):
//! TaintToleration (3), NodeAffinity (2), NodeResourcesFit (1, LeastAllocated),
//! PodTopologySpread (2), InterPodAffinity (2), NodeResourcesBalancedAllocation (1),
//! ImageLocality (1). Volume plugins are not modelled.
//!
//! Adding a plugin: a file with a `NAME` constant, its predicate as a pure function, the
//! trait impls and a test file under `tests/`; then one line below.

pub mod balanced_allocation;
pub mod helpers;
pub mod image_locality;
pub mod inter_pod_affinity;
pub mod node_affinity;
pub mod node_name;
pub mod node_ports;
pub mod node_resources_fit;
pub mod node_unschedulable;
pub mod pod_topology_spread;
pub mod taint_toleration;

#[cfg(test)]
pub(crate) mod tests;

use crate::scheduler::framework::Profile;

/// The scheduler name of the default profile.
pub const DEFAULT_SCHEDULER: &str = "default-scheduler";

/// The default profile.
pub fn default_profile() -> Profile {
    Profile {
        scheduler_name: DEFAULT_SCHEDULER,
        filters: vec![
            Box::new(node_unschedulable::NodeUnschedulable),
            Box::new(node_name::NodeName),
            Box::new(taint_toleration::TaintToleration),
            Box::new(node_affinity::NodeAffinity),
            Box::new(node_ports::NodePorts),
            Box::new(node_resources_fit::NodeResourcesFit),
            Box::new(pod_topology_spread::PodTopologySpread),
            Box::new(inter_pod_affinity::InterPodAffinity),
        ],
        scores: vec![
            (Box::new(taint_toleration::TaintToleration), 3),
            (Box::new(node_affinity::NodeAffinity), 2),
            (Box::new(node_resources_fit::NodeResourcesFit), 1),
            (Box::new(pod_topology_spread::PodTopologySpread), 2),
            (Box::new(inter_pod_affinity::InterPodAffinity), 2),
            (Box::new(balanced_allocation::BalancedAllocation), 1),
            (Box::new(image_locality::ImageLocality), 1),
        ],
    }
}
