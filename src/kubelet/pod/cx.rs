//! The context one `step` works in (`Cx`): the pod, the node, the instant, the output
//! being built, and the helpers that turn a container's start or restart into its
//! events (`Pulling`, `Pulled`, `Created`, `Started`) and its new state.

use crate::kubelet::events::KubeletEvent;
use crate::kubelet::pod::step::StepOutput;
use crate::kubelet::pod::view::{self, ContainerView, ImagePlan, NodeView, PodView, PullPolicy};
use crate::kubelet::pod::{ContainerState, Exit, Slot};
use crate::sim::{format_go_duration, SimRng, SimTime};

/// A fresh `containerd://` container ID.
pub(super) fn new_id(rng: &mut SimRng) -> String {
    format!(
        "containerd://{:016x}{:016x}{:016x}{:016x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64()
    )
}

/// Shared inputs of one step.
pub(super) struct Cx<'a> {
    pub(super) pod: &'a PodView,
    pub(super) node: &'a NodeView,
    pub(super) now: SimTime,
    /// When the container at hand could first start: the sandbox's creation, or the
    /// completion of the init container before it.
    pub(super) anchor: SimTime,
    pub(super) out: &'a mut StepOutput,
    pub(super) rng: &'a mut SimRng,
}

impl Cx<'_> {
    pub(super) fn deleting(&self) -> Option<(SimTime, SimTime)> {
        self.pod.deletion.filter(|(k, _)| *k <= self.now)
    }

    /// Whether the node holds an image under `name`, counting pulls finished in this step.
    pub(super) fn in_cache(&self, name: &str) -> bool {
        self.node.cache.contains(name)
            || self
                .out
                .pulled
                .iter()
                .any(|(names, _)| names.iter().any(|n| n == name))
    }

    pub(super) fn emit(&mut self, at: SimTime, e: KubeletEvent) {
        if at == self.now {
            self.out.events.push(e);
        }
    }

    /// The events of an image that is on the node (or only needs a registry check),
    /// and the cache names it adds.
    pub(super) fn present_image_events(&mut self, c: &ContainerView, salt: &str, at: SimTime) {
        let ImagePlan::Known {
            runtime_name,
            size,
            cache_names,
            ..
        } = &c.plan
        else {
            return;
        };
        let tagged = cache_names.iter().all(|n| self.in_cache(n));
        if c.policy != PullPolicy::Always && tagged {
            let m = format!("Container image \"{}\" already present on machine", c.image);
            self.emit(at, KubeletEvent::normal(&c.field_path, "Pulled", m));
            return;
        }
        let q = format_go_duration(view::quick_pull_ms(&self.node.name, runtime_name, salt));
        self.emit(
            at,
            KubeletEvent::normal(
                &c.field_path,
                "Pulling",
                format!("Pulling image \"{}\"", c.image),
            ),
        );
        let m = format!(
            "Successfully pulled image \"{}\" in {q} ({q} including waiting). Image size: {size} bytes.",
            c.image
        );
        self.emit(at, KubeletEvent::normal(&c.field_path, "Pulled", m));
        if !tagged {
            self.out.pulled.push((cache_names.clone(), *size));
        }
    }

    /// Starts container `c` at `at` (after its image events).
    pub(super) fn start(&mut self, c: &ContainerView, cs: &mut ContainerState, at: SimTime) {
        let id = new_id(self.rng);
        self.emit(
            at,
            KubeletEvent::normal(
                &c.field_path,
                "Created",
                format!("Created container {}", c.name),
            ),
        );
        self.emit(
            at,
            KubeletEvent::normal(
                &c.field_path,
                "Started",
                format!("Started container {}", c.name),
            ),
        );
        cs.slot = Slot::Running { id, started: at };
        if let ImagePlan::Known { runtime_name, .. } = &c.plan {
            cs.image = Some(runtime_name.clone());
        }
    }

    /// Restarts container `c` at `at` after `exit`.
    pub(super) fn restart(
        &mut self,
        c: &ContainerView,
        cs: &mut ContainerState,
        exit: Exit,
        at: SimTime,
    ) {
        cs.last = Some(exit);
        cs.restarts = cs.restarts.saturating_add(1);
        let salt = format!("{}/{}/{}", self.pod.uid, c.name, cs.restarts);
        self.present_image_events(c, &salt, at);
        self.start(c, cs, at);
    }

    pub(super) fn pod_tick(&self, every_ms: i64) -> (bool, SimTime) {
        let since = self.now.since(self.anchor).max(0);
        let tick = since % every_ms == 0;
        (tick, self.now.plus_ms(every_ms - since % every_ms))
    }
}
