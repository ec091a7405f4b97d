//! The Pod row: READY, STATUS, RESTARTS, AGE, IP, NODE, NOMINATED NODE and
//! READINESS GATES, ported from upstream's `printPod` (v1.32).
//!
//! STATUS is the subtle one. It starts as the pod's `status.reason` or phase
//! (or `SchedulingGated`), then the first init container that has not
//! finished overrides it (`Init:N/M`, `Init:<reason>`, `Init:ExitCode:N`,
//! `Init:Signal:N`), and once initialisation is over the container states,
//! scanned from last to first, override it (`ContainerCreating`,
//! `CrashLoopBackOff`, `Completed`, `Error`, `ExitCode:N`…). A `Completed`
//! pod with a running container reads `Running` or `NotReady`. Finally a
//! deletion timestamp turns it into `Terminating`, or `Unknown` when the
//! node was lost.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{Container, ContainerStatus, Pod, PodCondition};

use super::duration::{is_go_zero, since, translate_timestamp_since};

/// The `status.reason` the node lifecycle controller sets on pods of a lost
/// node (`node.NodeUnreachablePodReason`).
const NODE_UNREACHABLE_POD_REASON: &str = "NodeLost";

/// All cells of `pod`'s row, wide ones included (see `columns("Pod")`).
///
/// ```text
/// nginx-deployment-756bf884bf-gr6qt   2/2   Running   0   10s   10.244.1.2   worker01   <none>   <none>
/// ```
pub fn pod_row(pod: &Pod, now: DateTime<Utc>) -> Vec<String> {
    let spec = pod.spec.as_ref();
    let status = pod.status.as_ref();
    let no_statuses: Vec<ContainerStatus> = Vec::new();
    let init_statuses = status
        .and_then(|s| s.init_container_statuses.as_ref())
        .unwrap_or(&no_statuses);
    let container_statuses = status
        .and_then(|s| s.container_statuses.as_ref())
        .unwrap_or(&no_statuses);
    let no_conditions: Vec<PodCondition> = Vec::new();
    let conditions = status
        .and_then(|s| s.conditions.as_ref())
        .unwrap_or(&no_conditions);
    let init_containers: &[Container] = spec
        .and_then(|s| s.init_containers.as_deref())
        .unwrap_or(&[]);
    let containers: &[Container] = spec.map(|s| s.containers.as_slice()).unwrap_or(&[]);

    let phase = status.and_then(|s| s.phase.clone()).unwrap_or_default();
    let mut reason = match status.and_then(|s| s.reason.as_deref()) {
        Some(r) if !r.is_empty() => r.to_string(),
        _ => phase.clone(),
    };
    for condition in conditions {
        if condition.type_ == "PodScheduled"
            && condition.reason.as_deref() == Some("SchedulingGated")
        {
            reason = "SchedulingGated".to_string();
        }
    }

    // Sidecars (restartable init containers) count towards READY's total.
    let restartable: BTreeMap<&str, bool> = init_containers
        .iter()
        .map(|c| (c.name.as_str(), is_restartable(c)))
        .collect();
    let total = containers.len() + init_containers.iter().filter(|c| is_restartable(c)).count();
    let is_sidecar = |name: &str| restartable.get(name).copied().unwrap_or(false);

    let mut restarts: i64 = 0;
    let mut ready: usize = 0;
    let mut last_restart: Option<DateTime<Utc>> = None;
    let mut sidecar_restarts: i64 = 0;
    let mut last_sidecar_restart: Option<DateTime<Utc>> = None;

    let mut initializing = false;
    for (i, container) in init_statuses.iter().enumerate() {
        restarts += i64::from(container.restart_count);
        let finished = last_terminated_at(container);
        later(&mut last_restart, finished);
        let sidecar = is_sidecar(&container.name);
        if sidecar {
            sidecar_restarts += i64::from(container.restart_count);
            later(&mut last_sidecar_restart, finished);
        }
        let state = container.state.as_ref();
        let terminated = state.and_then(|s| s.terminated.as_ref());
        let waiting_reason = state
            .and_then(|s| s.waiting.as_ref())
            .and_then(|w| w.reason.as_deref())
            .filter(|r| !r.is_empty());
        if terminated.is_some_and(|t| t.exit_code == 0) {
            continue;
        }
        if sidecar && container.started == Some(true) {
            if container.ready {
                ready += 1;
            }
            continue;
        }
        if let Some(t) = terminated {
            // Initialisation failed.
            reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                Some(r) => format!("Init:{r}"),
                None => match t.signal.filter(|&s| s != 0) {
                    Some(signal) => format!("Init:Signal:{signal}"),
                    None => format!("Init:ExitCode:{}", t.exit_code),
                },
            };
        } else if let Some(r) = waiting_reason.filter(|&r| r != "PodInitializing") {
            reason = format!("Init:{r}");
        } else {
            reason = format!("Init:{i}/{}", init_containers.len());
        }
        initializing = true;
        break;
    }

    if !initializing || condition_true(conditions, "Initialized") {
        restarts = sidecar_restarts;
        last_restart = last_sidecar_restart;
        let mut has_running = false;
        for container in container_statuses.iter().rev() {
            restarts += i64::from(container.restart_count);
            later(&mut last_restart, last_terminated_at(container));
            let state = container.state.as_ref();
            let waiting = state.and_then(|s| s.waiting.as_ref());
            let terminated = state.and_then(|s| s.terminated.as_ref());
            if let Some(r) = waiting
                .and_then(|w| w.reason.as_deref())
                .filter(|r| !r.is_empty())
            {
                reason = r.to_string();
            } else if let Some(t) = terminated {
                reason = match t.reason.as_deref().filter(|r| !r.is_empty()) {
                    Some(r) => r.to_string(),
                    None => match t.signal.filter(|&s| s != 0) {
                        Some(signal) => format!("Signal:{signal}"),
                        None => format!("ExitCode:{}", t.exit_code),
                    },
                };
            } else if container.ready && state.is_some_and(|s| s.running.is_some()) {
                has_running = true;
                ready += 1;
            }
        }
        // A pod whose last-scanned container completed still counts as
        // running while another container runs.
        if reason == "Completed" && has_running {
            let pod_ready = conditions
                .iter()
                .any(|c| c.type_ == "Ready" && c.status == "True");
            reason = if pod_ready { "Running" } else { "NotReady" }.to_string();
        }
    }

    if pod.metadata.deletion_timestamp.is_some() {
        if status.and_then(|s| s.reason.as_deref()) == Some(NODE_UNREACHABLE_POD_REASON) {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts_cell = match last_restart {
        Some(at) if restarts != 0 => format!("{restarts} ({} ago)", since(Some(at), now)),
        _ => restarts.to_string(),
    };

    let or_none = |value: Option<&str>| match value {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "<none>".to_string(),
    };
    let pod_ip = status
        .and_then(|s| s.pod_ips.as_ref())
        .and_then(|ips| ips.first())
        .map(|ip| ip.ip.as_str());
    let node_name = spec.and_then(|s| s.node_name.as_deref());
    let nominated = status.and_then(|s| s.nominated_node_name.as_deref());

    vec![
        pod.metadata.name.clone().unwrap_or_default(),
        format!("{ready}/{total}"),
        reason,
        restarts_cell,
        translate_timestamp_since(pod.metadata.creation_timestamp.as_ref(), now),
        or_none(pod_ip),
        or_none(node_name),
        or_none(nominated),
        readiness_gates(pod, conditions),
    ]
}

/// `podutil.IsRestartableInitContainer`: an init container with
/// `restartPolicy: Always` is a sidecar.
fn is_restartable(container: &Container) -> bool {
    container.restart_policy.as_deref() == Some("Always")
}

/// When the container last terminated, from `lastState.terminated.finishedAt`.
fn last_terminated_at(container: &ContainerStatus) -> Option<DateTime<Utc>> {
    container
        .last_state
        .as_ref()
        .and_then(|s| s.terminated.as_ref())
        .and_then(|t| t.finished_at.as_ref())
        .map(|t| t.0)
        .filter(|&t| !is_go_zero(t))
}

/// Keeps the later of `latest` and `candidate` in `latest` (Go's `Before`).
fn later(latest: &mut Option<DateTime<Utc>>, candidate: Option<DateTime<Utc>>) {
    if let Some(c) = candidate {
        if latest.is_none_or(|l| l < c) {
            *latest = Some(c);
        }
    }
}

/// Whether the first condition of `type_` has status `True` (upstream's
/// `isPodInitializedConditionTrue`).
fn condition_true(conditions: &[PodCondition], type_: &str) -> bool {
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .is_some_and(|c| c.status == "True")
}

/// READINESS GATES: `<none>`, or how many gates have a `True` condition out of
/// how many gates there are, e.g. `1/2`.
fn readiness_gates(pod: &Pod, conditions: &[PodCondition]) -> String {
    let gates = pod.spec.as_ref().and_then(|s| s.readiness_gates.as_ref());
    let Some(gates) = gates.filter(|g| !g.is_empty()) else {
        return "<none>".to_string();
    };
    let true_count = gates
        .iter()
        .filter(|gate| {
            conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .is_some_and(|c| c.status == "True")
        })
        .count();
    format!("{true_count}/{}", gates.len())
}

#[cfg(test)]
#[path = "pod_tests.rs"]
mod tests;
