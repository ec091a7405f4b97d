//! kube-scheduler (v1.32's default profile): places pending pods on nodes.
//!
//! The shape is upstream's scheduling framework. A pass (`controller.rs`) takes the
//! pending pods in queue order (`queue.rs`: priority, then arrival) and, for each,
//! `schedule_one` (`algorithm.rs`) runs the plugins (`plugins/`, one file each) at their
//! extension points (`framework.rs`): PreFilter and Filter pick the nodes that fit,
//! PostFilter (`preemption.rs`) explains or arranges preemption when none does, Score
//! ranks the rest, and the best is bound through the API server's `pods/binding`
//! subresource. Every attempt yields a `Decision` (`decision.rs`): per node, which plugin
//! rejected it and why, each plugin's scores, and the chosen node, from which the
//! `FailedScheduling` message is built; `explain` (`explain.rs`) replays the attempt
//! that placed a pod from the store's history, so the UI can answer "why did it go
//! there?" without the scheduler keeping anything.
//!
//! The scheduler keeps no state between passes: each pass lists pods and nodes once and
//! builds a `Snapshot` (`snapshot.rs`) whose per-node accounting is computed lazily and
//! updated as the pass binds pods, so a pod costs about the nodes it considers
//! (`percentageOfNodesToScore`'s adaptive sampling caps those on big clusters).

pub mod algorithm;
mod controller;
pub mod decision;
mod explain;
pub mod framework;
pub mod plugins;
pub mod podinfo;
pub mod preemption;
pub mod queue;
pub mod resources;
pub mod snapshot;

#[cfg(test)]
pub(crate) mod tests;

pub use algorithm::schedule_one;
pub use controller::Scheduler;
pub use decision::Decision;
pub use explain::explain;
