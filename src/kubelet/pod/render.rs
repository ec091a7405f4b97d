//! Writes a pod's runtime state back as the v1.32 `PodStatus` the kubelet reports:
//! the phase (`getPhase`), the kubelet-owned conditions in the kubelet's order
//! (PodReadyToStartContainers, Initialized, Ready, ContainersReady, PodScheduled, after
//! any condition other components own), container statuses with their states, and the
//! addresses. A condition keeps its `lastTransitionTime` while its status stays the same.

use k8s_openapi::api::core::v1::{
    ContainerState as K8sState, ContainerStateRunning, ContainerStateTerminated,
    ContainerStateWaiting, ContainerStatus, HostIP, PodCondition, PodIP, PodStatus,
};

use crate::kubelet::pod::view::{ContainerView, ImagePlan, NodeView, PodView, RestartPolicy, Role};
use crate::kubelet::pod::{ContainerState, Exit, PodState, Slot};
use crate::sim::{format_go_duration, SimTime};

/// The kubelet-owned condition types.
const KUBELET_CONDITIONS: [&str; 5] = [
    "PodReadyToStartContainers",
    "Initialized",
    "Ready",
    "ContainersReady",
    "PodScheduled",
];

fn terminated(e: &Exit) -> K8sState {
    K8sState {
        terminated: Some(ContainerStateTerminated {
            container_id: Some(e.id.clone()),
            exit_code: e.code,
            finished_at: Some(e.finished.to_k8s_time()),
            reason: Some(e.reason.clone()),
            started_at: Some(e.started.to_k8s_time()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn waiting(reason: &str, message: Option<String>) -> K8sState {
    K8sState {
        waiting: Some(ContainerStateWaiting {
            reason: Some(reason.to_string()),
            message,
        }),
        ..Default::default()
    }
}

/// Whether a regular container has ever started (`HasAnyRegularContainerStarted`).
fn any_regular_started(st: &PodState) -> bool {
    st.containers.iter().any(|cs| cs.latest_id().is_some())
}

/// upstream `getPhase`. `terminal` is set once a pod being deleted has stopped.
pub fn phase(pod: &PodView, st: &PodState, terminal: bool) -> &'static str {
    let (mut pending_init, mut failed_init) = (0, 0);
    for (c, cs) in pod.init_containers.iter().zip(&st.init) {
        if c.role == Role::Sidecar {
            continue;
        }
        match &cs.slot {
            Slot::Exited(e) if e.code == 0 => {}
            Slot::Exited(_) => failed_init += 1,
            Slot::Running { .. } => pending_init += 1,
            _ if cs.last.as_ref().is_some_and(|l| l.code != 0) => failed_init += 1,
            _ => pending_init += 1,
        }
    }
    if failed_init > 0 && pod.restart == RestartPolicy::Never {
        return "Failed";
    }
    if pending_init > 0 && !any_regular_started(st) {
        return "Pending";
    }
    let (mut waiting_n, mut running, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for cs in &st.containers {
        match &cs.slot {
            Slot::Running { .. } => running += 1,
            Slot::Exited(e) => {
                stopped += 1;
                if e.code == 0 {
                    succeeded += 1;
                }
            }
            _ if cs.last.is_some() => stopped += 1,
            _ => waiting_n += 1,
        }
    }
    if waiting_n > 0 {
        return "Pending";
    }
    if running > 0 {
        return "Running";
    }
    if stopped == 0 {
        return "Pending";
    }
    if terminal && !pod.mirror {
        return if stopped == succeeded {
            "Succeeded"
        } else {
            "Failed"
        };
    }
    match pod.restart {
        RestartPolicy::Always => "Running",
        _ if stopped == succeeded => "Succeeded",
        RestartPolicy::Never => "Failed",
        RestartPolicy::OnFailure => "Running",
    }
}

fn container_status(pod: &PodView, c: &ContainerView, cs: &ContainerState) -> ContainerStatus {
    let ran = cs.latest_id().is_some();
    // A container that ran shows the image its instance was made from.
    let (image, image_id) = match (&c.plan, &cs.image) {
        (
            ImagePlan::Known {
                runtime_name,
                image_id,
                ..
            },
            Some(img),
        ) if img == runtime_name => (runtime_name.clone(), image_id.clone()),
        (_, Some(img)) if ran => (img.clone(), String::new()),
        _ => (c.image.clone(), String::new()),
    };
    let state = match &cs.slot {
        // With init containers every container waits as `PodInitializing` first.
        Slot::Creating if !pod.init_containers.is_empty() => waiting("PodInitializing", None),
        Slot::Creating => waiting("ContainerCreating", None),
        Slot::ImageError { reason, message } => waiting(reason, Some(message.clone())),
        Slot::Running { started, .. } => K8sState {
            running: Some(ContainerStateRunning {
                started_at: Some(started.to_k8s_time()),
            }),
            ..Default::default()
        },
        Slot::Exited(e) => terminated(e),
        Slot::BackOff { delay_ms } => waiting(
            "CrashLoopBackOff",
            Some(format!(
                "back-off {} restarting failed container={} pod={}",
                format_go_duration(*delay_ms),
                c.name,
                pod.format
            )),
        ),
    };
    let running = cs.is_running();
    // A regular init container is ready once it completed; the others while they run.
    let ready = match (c.role, &cs.slot) {
        (Role::Init, Slot::Exited(e)) => e.code == 0,
        (Role::Init, _) => false,
        _ => running,
    };
    ContainerStatus {
        container_id: cs.latest_id().map(String::from),
        image,
        image_id,
        last_state: Some(cs.last.as_ref().map(terminated).unwrap_or_default()),
        name: c.name.clone(),
        ready,
        restart_count: cs.restarts,
        started: Some(running),
        state: Some(state),
        volume_mounts: (ran && !c.mounts.is_empty()).then(|| c.mounts.clone()),
        ..Default::default()
    }
}

fn condition(type_: &str, ok: bool, reason: Option<&str>, message: Option<String>) -> PodCondition {
    PodCondition {
        type_: type_.to_string(),
        status: if ok { "True" } else { "False" }.to_string(),
        reason: reason.map(String::from),
        message,
        ..Default::default()
    }
}

/// The kubelet-owned conditions (without transition times).
fn kubelet_conditions(
    pod: &PodView,
    st: &PodState,
    phase: &str,
    sandbox_up: bool,
) -> Vec<PodCondition> {
    let sidecars = pod
        .init_containers
        .iter()
        .zip(&st.init)
        .filter(|(c, _)| c.role == Role::Sidecar);
    let unready: Vec<&str> = sidecars
        .chain(pod.containers.iter().zip(&st.containers))
        .filter(|(_, cs)| !cs.is_running())
        .map(|(c, _)| c.name.as_str())
        .collect();
    let incomplete: Vec<&str> = pod
        .init_containers
        .iter()
        .zip(&st.init)
        .filter(|(c, cs)| match (c.role, &cs.slot) {
            (Role::Sidecar, _) => !cs.is_running(),
            (_, Slot::Exited(e)) => e.code != 0,
            _ => true,
        })
        .map(|(c, _)| c.name.as_str())
        .collect();
    let initialized = if phase == "Succeeded" {
        condition("Initialized", true, Some("PodCompleted"), None)
    } else if any_regular_started(st) || incomplete.is_empty() {
        condition("Initialized", true, None, None)
    } else {
        condition(
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                incomplete.join(" ")
            )),
        )
    };
    let ready = match phase {
        "Succeeded" => condition("ContainersReady", false, Some("PodCompleted"), None),
        "Failed" => condition("ContainersReady", false, Some("PodFailed"), None),
        _ if !unready.is_empty() => condition(
            "ContainersReady",
            false,
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        ),
        _ => condition("ContainersReady", true, None, None),
    };
    let mut pod_ready = ready.clone();
    pod_ready.type_ = "Ready".to_string();
    vec![
        condition("PodReadyToStartContainers", sandbox_up, None, None),
        initialized,
        pod_ready,
        ready,
        condition("PodScheduled", true, None, None),
    ]
}

/// The status to write for state `st` at `now`. `finished` marks a deleted pod whose
/// containers have all stopped (its last status before the kubelet deletes it).
pub fn render(
    pod: &PodView,
    node: &NodeView,
    st: &PodState,
    old: Option<&PodStatus>,
    finished: bool,
    now: SimTime,
) -> PodStatus {
    let mut status = old.cloned().unwrap_or_default();
    let phase = phase(pod, st, finished);
    let sandbox_up = st.sandbox.is_some() && !finished && phase != "Succeeded" && phase != "Failed";
    let old_conditions = status.conditions.take().unwrap_or_default();
    let mut conditions: Vec<PodCondition> = old_conditions
        .iter()
        .filter(|c| !KUBELET_CONDITIONS.contains(&c.type_.as_str()))
        .cloned()
        .collect();
    for mut c in kubelet_conditions(pod, st, phase, sandbox_up) {
        let previous = old_conditions.iter().find(|o| o.type_ == c.type_);
        c.last_transition_time = match previous {
            Some(p) if p.status == c.status => p.last_transition_time.clone(),
            _ if c.type_ == "PodReadyToStartContainers" && c.status == "True" => {
                st.sandbox.map(SimTime::to_k8s_time)
            }
            _ => Some(now.to_k8s_time()),
        };
        conditions.push(c);
    }
    status.conditions = Some(conditions);
    status.phase = Some(phase.to_string());
    status.host_ip = Some(node.ip.clone());
    status.host_ips = Some(vec![HostIP {
        ip: node.ip.clone(),
    }]);
    status.pod_ip = st.pod_ip.clone();
    status.pod_ips = st.pod_ip.as_ref().map(|ip| vec![PodIP { ip: ip.clone() }]);
    status.start_time = st.accepted.map(SimTime::to_k8s_time);
    status.init_container_statuses = (!pod.init_containers.is_empty()).then(|| {
        pod.init_containers
            .iter()
            .zip(&st.init)
            .map(|(c, cs)| container_status(pod, c, cs))
            .collect()
    });
    status.container_statuses = Some(
        pod.containers
            .iter()
            .zip(&st.containers)
            .map(|(c, cs)| container_status(pod, c, cs))
            .collect(),
    );
    status
}
