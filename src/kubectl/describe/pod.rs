//! `kubectl describe pod` (upstream `PodDescriber` and `describePod`, v1.32), and the QoS
//! class it prints (kubectl's `qos.GetPodQOS`).
//!
//! Field order: Name, Namespace, Priority, Priority Class Name, Runtime Class Name, Service
//! Account, Node (`node/hostIP` or `<none>`), Start Time, Labels, Annotations, Status (or
//! `Terminating (lasts 5s)` with the grace period), Reason, Message, SeccompProfile, IP,
//! IPs, Controlled By, NominatedNodeName, Resources, Init Containers, Containers,
//! Ephemeral Containers, Readiness Gates, Conditions, Volumes, QoS Class, Node-Selectors,
//! Tolerations, Topology Spread Constraints, Events. Events are found by the pod's name,
//! namespace and uid (the mirror pod's source uid for a static pod), any kind.

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};

use super::containers::describe_containers;
use super::events::{self, EventQuery};
use super::multiline::{print_annotations, print_labels, print_tolerations};
use super::template::{describe_topology_spread, print_controller};
use super::volumes::describe_volumes;
use super::writer::{rfc1123z, since, PrefixWriter, LEVEL_0, LEVEL_1};
use super::Env;
use crate::model::quantity::Quantity;

/// The annotation a static pod's mirror carries: the uid of the pod in the kubelet.
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// `describePod`.
pub(super) fn describe(env: &Env, pod: &Pod) -> String {
    let meta = &pod.metadata;
    let spec = pod.spec.clone().unwrap_or_default();
    let status = pod.status.clone().unwrap_or_default();
    let events = env.show_events.then(|| {
        // The pod's reference with its kind cleared, and a mirror pod's source uid.
        let mirror = meta
            .annotations
            .as_ref()
            .and_then(|a| a.get(MIRROR_POD_ANNOTATION));
        let uid = mirror.or(meta.uid.as_ref()).map(String::as_str);
        events::search(
            env,
            &EventQuery {
                name: meta.name.as_deref().unwrap_or(""),
                namespace: meta.namespace.as_deref().unwrap_or(""),
                kind: None,
                uid: uid.filter(|u| !u.is_empty()),
            },
        )
    });
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Namespace:\t{}\n",
        meta.namespace.as_deref().unwrap_or("")
    );
    if let Some(priority) = spec.priority {
        put!(w, LEVEL_0, "Priority:\t{priority}\n");
    }
    if let Some(class) = spec
        .priority_class_name
        .as_deref()
        .filter(|c| !c.is_empty())
    {
        put!(w, LEVEL_0, "Priority Class Name:\t{class}\n");
    }
    if let Some(class) = spec.runtime_class_name.as_deref().filter(|c| !c.is_empty()) {
        put!(w, LEVEL_0, "Runtime Class Name:\t{class}\n");
    }
    if let Some(sa) = spec
        .service_account_name
        .as_deref()
        .filter(|s| !s.is_empty())
    {
        put!(w, LEVEL_0, "Service Account:\t{sa}\n");
    }
    match spec.node_name.as_deref().filter(|n| !n.is_empty()) {
        None => w.write(LEVEL_0, "Node:\t<none>\n"),
        Some(node) => put!(
            w,
            LEVEL_0,
            "Node:\t{node}/{}\n",
            status.host_ip.as_deref().unwrap_or("")
        ),
    }
    if let Some(start) = &status.start_time {
        put!(w, LEVEL_0, "Start Time:\t{}\n", rfc1123z(Some(start)));
    }
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    let phase = status.phase.as_deref().unwrap_or("");
    match &meta.deletion_timestamp {
        Some(deleted) if phase != "Failed" && phase != "Succeeded" => {
            put!(
                w,
                LEVEL_0,
                "Status:\tTerminating (lasts {})\n",
                since(Some(deleted), env.now)
            );
            put!(
                w,
                LEVEL_0,
                "Termination Grace Period:\t{}s\n",
                meta.deletion_grace_period_seconds.unwrap_or(0)
            );
        }
        _ => put!(w, LEVEL_0, "Status:\t{phase}\n"),
    }
    if let Some(reason) = status.reason.as_deref().filter(|r| !r.is_empty()) {
        put!(w, LEVEL_0, "Reason:\t{reason}\n");
    }
    if let Some(message) = status.message.as_deref().filter(|m| !m.is_empty()) {
        put!(w, LEVEL_0, "Message:\t{message}\n");
    }
    if let Some(profile) = spec
        .security_context
        .as_ref()
        .and_then(|s| s.seccomp_profile.as_ref())
    {
        put!(w, LEVEL_0, "SeccompProfile:\t{}\n", profile.type_);
        if profile.type_ == "Localhost" {
            put!(
                w,
                LEVEL_0,
                "LocalhostProfile:\t{}\n",
                profile.localhost_profile.as_deref().unwrap_or("")
            );
        }
    }
    put!(
        w,
        LEVEL_0,
        "IP:\t{}\n",
        status.pod_ip.as_deref().unwrap_or("")
    );
    let ips = status.pod_ips.as_deref().unwrap_or_default();
    if ips.is_empty() {
        w.write(LEVEL_0, "IPs:\t<none>\n");
    } else {
        w.write(LEVEL_0, "IPs:\n");
        for ip in ips {
            put!(w, LEVEL_1, "IP:\t{}\n", ip.ip);
        }
    }
    if let Some(controller) = print_controller(meta) {
        put!(w, LEVEL_0, "Controlled By:\t{controller}\n");
    }
    if let Some(node) = status
        .nominated_node_name
        .as_deref()
        .filter(|n| !n.is_empty())
    {
        put!(w, LEVEL_0, "NominatedNodeName:\t{node}\n");
    }
    if let Some(resources) = &spec.resources {
        w.write(LEVEL_0, "Resources:\n");
        super::containers::describe_resources(&mut w, resources, LEVEL_1);
    }
    let init = spec.init_containers.as_deref().unwrap_or_default();
    if !init.is_empty() {
        let statuses = status
            .init_container_statuses
            .as_deref()
            .unwrap_or_default();
        describe_containers(&mut w, "Init Containers", init, statuses, Some(pod), "");
    }
    let statuses = status.container_statuses.as_deref().unwrap_or_default();
    describe_containers(
        &mut w,
        "Containers",
        &spec.containers,
        statuses,
        Some(pod),
        "",
    );
    let ephemeral: Vec<Container> = spec
        .ephemeral_containers
        .iter()
        .flatten()
        .map(ephemeral_as_container)
        .collect();
    if !ephemeral.is_empty() {
        let statuses = status
            .ephemeral_container_statuses
            .as_deref()
            .unwrap_or_default();
        describe_containers(
            &mut w,
            "Ephemeral Containers",
            &ephemeral,
            statuses,
            Some(pod),
            "",
        );
    }
    let conditions = status.conditions.as_deref().unwrap_or_default();
    let gates = spec.readiness_gates.as_deref().unwrap_or_default();
    if !gates.is_empty() {
        w.write(LEVEL_0, "Readiness Gates:\n  Type\tStatus\n");
        for gate in gates {
            let status = conditions
                .iter()
                .find(|c| c.type_ == gate.condition_type)
                .map_or("<none>", |c| c.status.as_str());
            put!(w, LEVEL_1, "{} \t{status} \n", gate.condition_type);
        }
    }
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n  Type\tStatus\n");
        for c in conditions {
            put!(w, LEVEL_1, "{} \t{} \n", c.type_, c.status);
        }
    }
    describe_volumes(&mut w, spec.volumes.as_deref().unwrap_or_default(), "");
    let qos = status
        .qos_class
        .clone()
        .filter(|q| !q.is_empty())
        .unwrap_or_else(|| compute_qos(&spec).to_string());
    put!(w, LEVEL_0, "QoS Class:\t{qos}\n");
    print_labels(&mut w, "Node-Selectors", spec.node_selector.as_ref());
    print_tolerations(
        &mut w,
        "",
        "Tolerations",
        spec.tolerations.as_deref().unwrap_or_default(),
    );
    describe_topology_spread(
        &mut w,
        spec.topology_spread_constraints
            .as_deref()
            .unwrap_or_default(),
        "",
    );
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// An ephemeral container's common fields as a `Container` (upstream converts the same
/// way), by way of their shared JSON shape.
fn ephemeral_as_container(e: &k8s_openapi::api::core::v1::EphemeralContainer) -> Container {
    serde_json::to_value(e)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_else(|| Container {
            name: e.name.clone(),
            image: e.image.clone(),
            ..Default::default()
        })
}

/// `qos.ComputePodQOS`: BestEffort without any CPU or memory request or limit; Guaranteed
/// when every container limits both and the summed requests equal the summed limits;
/// Burstable otherwise. Pod-level resources, when set, decide instead of the containers.
pub(super) fn compute_qos(spec: &PodSpec) -> &'static str {
    use std::collections::BTreeMap;
    type Sums = BTreeMap<String, i64>;
    // Sums in thousandths (milli-units), which compare exactly for CPU and memory alike.
    fn add(
        sums: &mut Sums,
        list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
    ) {
        for (name, q) in list.into_iter().flatten() {
            if name != "cpu" && name != "memory" {
                continue;
            }
            let milli = Quantity::from_k8s(q).map(|q| q.milli_value()).unwrap_or(0);
            if milli > 0 {
                let sum = sums.entry(name.clone()).or_insert(0);
                *sum = sum.saturating_add(milli);
            }
        }
    }
    fn limits_both(
        list: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>,
    ) -> bool {
        let positive = |name: &str| {
            list.and_then(|l| l.get(name))
                .and_then(|q| Quantity::from_k8s(q).ok())
                .is_some_and(|q| !q.is_zero() && !q.is_negative())
        };
        positive("cpu") && positive("memory")
    }
    let (mut requests, mut limits) = (Sums::new(), Sums::new());
    let mut guaranteed = true;
    match &spec.resources {
        Some(r) => {
            add(&mut requests, r.requests.as_ref());
            if r.limits.is_some() {
                add(&mut limits, r.limits.as_ref());
                guaranteed &= limits_both(r.limits.as_ref());
            }
        }
        None => {
            let all = spec
                .containers
                .iter()
                .chain(spec.init_containers.iter().flatten());
            for c in all {
                let r = c.resources.clone().unwrap_or_default();
                add(&mut requests, r.requests.as_ref());
                add(&mut limits, r.limits.as_ref());
                guaranteed &= limits_both(r.limits.as_ref());
            }
        }
    }
    if requests.is_empty() && limits.is_empty() {
        return "BestEffort";
    }
    if guaranteed
        && requests.iter().all(|(name, v)| limits.get(name) == Some(v))
        && requests.len() == limits.len()
    {
        return "Guaranteed";
    }
    "Burstable"
}
