//! Tests of the pure pod `step`, run as the kubelet runs it: at every instant `step`
//! asks for, with the status written and read back in between (so what the kubelet
//! would have to remember really is in the status). Each test names the v1.32
//! behaviour it checks.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

use super::*;
use crate::kubelet::pod::render::render;
use crate::kubelet::pod::view::{NodeView, PodView};
use crate::kubelet::pod::PodState;

/// A pod from the `spec` JSON.
pub(super) fn pod(spec: serde_json::Value) -> Pod {
    let mut p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
        "spec": spec
    }))
    .unwrap_or_default();
    // The API server's defaults that matter here.
    for c in p
        .spec
        .as_mut()
        .map(|s| s.containers.iter_mut())
        .into_iter()
        .flatten()
    {
        if c.image_pull_policy.is_none() {
            let latest = c
                .image
                .as_deref()
                .is_some_and(|i| !i.contains(':') || i.ends_with(":latest"));
            c.image_pull_policy = Some(if latest { "Always" } else { "IfNotPresent" }.to_string());
        }
    }
    p
}

pub(super) fn node(cache: &[&str]) -> NodeView {
    NodeView {
        name: "worker01".into(),
        ip: "192.168.10.11".into(),
        cache: cache.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
    }
}

pub(super) fn at(ms: i64) -> SimTime {
    SimTime::START.plus_ms(ms)
}

/// The kubelet's loop over one pod: step at each instant it asks for (and at `extra`
/// instants), write the status back, until `until`. Returns (instant, reason, message).
pub(super) struct Run {
    pub(super) pod: Pod,
    pub(super) node: NodeView,
    pub(super) rng: SimRng,
    pub(super) events: Vec<(i64, String, String)>,
    pub(super) finished: bool,
    pub(super) now: SimTime,
    pub(super) next: Option<SimTime>,
    pub(super) ip: u32,
}

impl Run {
    pub(super) fn new(pod: Pod, node: NodeView) -> Run {
        Run {
            pod,
            node,
            rng: SimRng::new(1),
            events: Vec::new(),
            finished: false,
            now: at(0),
            next: Some(at(0)),
            ip: 2,
        }
    }

    pub(super) fn state(&self) -> PodState {
        let view = PodView::of(&self.pod);
        let names: Vec<String> = view.containers.iter().map(|c| c.name.clone()).collect();
        let init: Vec<String> = view
            .init_containers
            .iter()
            .map(|c| c.name.clone())
            .collect();
        PodState::from_status(self.pod.status.as_ref(), &names, &init)
    }

    /// One reconcile at `now`; returns the next wake-up.
    pub(super) fn tick(&mut self, now: SimTime) -> Option<SimTime> {
        self.now = now;
        let view = PodView::of(&self.pod);
        let prev = self.state();
        let ip = format!("10.244.1.{}", self.ip);
        let out = step(&view, &self.node, &prev, now, Some(&ip), &mut self.rng);
        if out.state.pod_ip.as_deref() == Some(ip.as_str()) && prev.pod_ip.is_none() {
            self.ip += 1;
        }
        for (names, _) in &out.pulled {
            self.node.cache.extend(names.iter().cloned());
        }
        if out.state.accepted.is_some() {
            let status = render(
                &view,
                &self.node,
                &out.state,
                self.pod.status.as_ref(),
                out.finished,
                now,
            );
            self.pod.status = Some(status);
        }
        for e in &out.events {
            self.events.push((
                now.since(SimTime::START),
                e.reason.clone(),
                e.message.clone(),
            ));
        }
        self.finished |= out.finished;
        self.next = out.next;
        out.next
    }

    /// Runs until `until`, reconciling at every requested instant.
    pub(super) fn until(&mut self, until_ms: i64) {
        while let Some(t) = self.next {
            if t > at(until_ms) || self.finished {
                break;
            }
            self.tick(t);
        }
        self.now = at(until_ms);
    }

    pub(super) fn reasons(&self) -> Vec<(i64, &str)> {
        self.events
            .iter()
            .map(|(t, r, _)| (*t, r.as_str()))
            .collect()
    }

    pub(super) fn waiting(&self, i: usize) -> String {
        let cs = &self
            .pod
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[i];
        let s = cs.state.as_ref().unwrap();
        if let Some(w) = &s.waiting {
            return w.reason.clone().unwrap_or_default();
        }
        if s.running.is_some() {
            return "Running".into();
        }
        s.terminated
            .as_ref()
            .and_then(|t| t.reason.clone())
            .unwrap_or_default()
    }

    pub(super) fn phase(&self) -> String {
        self.pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    }
}

mod images;
mod lifecycle;
