//! `kubectl describe node` (upstream v1.32 `NodeDescriber`, `describeNode`,
//! `describeNodeLease`, `findNodeRoles`).
//!
//! After the node's own fields come its Lease (from `kube-node-lease`), then the
//! `Non-terminated Pods` and `Allocated resources` tables (`allocated`), then the events
//! about the node: the node controller's name its uid, the kubelet's its name, and both
//! searches are merged.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Pod};

use super::allocated::describe_node_resource;
use super::events::{self, EventQuery};
use super::multiline::{print_annotations, print_labels, print_taints};
use super::writer::{quantity, rfc1123z, rfc1123z_micro, PrefixWriter, LEVEL_0, LEVEL_1};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::{Kind, Object};

/// `describeNode`.
pub(super) fn describe(env: &Env, node: &Node) -> String {
    let meta = &node.metadata;
    let name = meta.name.as_deref().unwrap_or("");
    let spec = node.spec.clone().unwrap_or_default();
    let status = node.status.clone().unwrap_or_default();
    // The node controller's events name the node's uid, the kubelet's its name.
    let events = env.show_events.then(|| {
        let query = |uid| EventQuery {
            name,
            namespace: "",
            kind: Some("Node"),
            uid,
        };
        let mut all = events::search(env, &query(meta.uid.as_deref().filter(|u| !u.is_empty())));
        all.extend(events::search(env, &query(Some(name))));
        all
    });
    let mut w = PrefixWriter::new();
    put!(w, LEVEL_0, "Name:\t{name}\n");
    let roles = node_roles(meta.labels.as_ref());
    put!(
        w,
        LEVEL_0,
        "Roles:\t{}\n",
        if roles.is_empty() {
            "<none>".to_string()
        } else {
            roles.join(",")
        }
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "CreationTimestamp:\t{}\n",
        rfc1123z(meta.creation_timestamp.as_ref())
    );
    print_taints(&mut w, "Taints", spec.taints.as_deref().unwrap_or_default());
    put!(
        w,
        LEVEL_0,
        "Unschedulable:\t{}\n",
        spec.unschedulable.unwrap_or(false)
    );
    match env.api.get(Kind::Lease, "kube-node-lease", name).as_deref() {
        Ok(Object::Lease(lease)) => {
            let spec = lease.spec.clone().unwrap_or_default();
            w.write(LEVEL_0, "Lease:\n");
            put!(
                w,
                LEVEL_1,
                "HolderIdentity:\t{}\n",
                spec.holder_identity.as_deref().unwrap_or("<unset>")
            );
            let time = |t: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::MicroTime>| {
                t.map_or("<unset>".to_string(), rfc1123z_micro)
            };
            put!(
                w,
                LEVEL_1,
                "AcquireTime:\t{}\n",
                time(spec.acquire_time.as_ref())
            );
            put!(
                w,
                LEVEL_1,
                "RenewTime:\t{}\n",
                time(spec.renew_time.as_ref())
            );
        }
        Ok(other) => debug_assert!(false, "a Lease lookup returned {:?}", other.kind()),
        Err(e) => put!(w, LEVEL_0, "Lease:\tFailed to get lease: {e}\n"),
    }
    let conditions = status.conditions.as_deref().unwrap_or_default();
    if !conditions.is_empty() {
        w.write(
            LEVEL_0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            put!(
                w,
                LEVEL_1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                c.type_,
                c.status,
                rfc1123z(c.last_heartbeat_time.as_ref()),
                rfc1123z(c.last_transition_time.as_ref()),
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            );
        }
    }
    w.write(LEVEL_0, "Addresses:\n");
    for a in status.addresses.iter().flatten() {
        put!(w, LEVEL_1, "{}:\t{}\n", a.type_, a.address);
    }
    for (title, list) in [
        ("Capacity", &status.capacity),
        ("Allocatable", &status.allocatable),
    ] {
        if let Some(list) = list.as_ref().filter(|l| !l.is_empty()) {
            put!(w, LEVEL_0, "{title}:\n");
            for (resource, q) in list {
                put!(w, LEVEL_0, "  {resource}:\t{}\n", quantity(q));
            }
        }
    }
    let info = status.node_info.clone().unwrap_or_default();
    w.write(LEVEL_0, "System Info:\n");
    for (label, value) in [
        ("Machine ID", &info.machine_id),
        ("System UUID", &info.system_uuid),
        ("Boot ID", &info.boot_id),
        ("Kernel Version", &info.kernel_version),
        ("OS Image", &info.os_image),
        ("Operating System", &info.operating_system),
        ("Architecture", &info.architecture),
        ("Container Runtime Version", &info.container_runtime_version),
        ("Kubelet Version", &info.kubelet_version),
        ("Kube-Proxy Version", &info.kube_proxy_version),
    ] {
        put!(w, LEVEL_0, "  {label}:\t{value}\n");
    }
    if let Some(cidr) = spec.pod_cidr.as_deref().filter(|c| !c.is_empty()) {
        put!(w, LEVEL_0, "PodCIDR:\t{cidr}\n");
    }
    let cidrs = spec.pod_cidrs.as_deref().unwrap_or_default();
    if !cidrs.is_empty() {
        put!(w, LEVEL_0, "PodCIDRs:\t{}\n", cidrs.join(","));
    }
    if let Some(id) = spec.provider_id.as_deref().filter(|c| !c.is_empty()) {
        put!(w, LEVEL_0, "ProviderID:\t{id}\n");
    }
    let allocatable = match status.allocatable.as_ref().filter(|a| !a.is_empty()) {
        Some(a) => a.clone(),
        None => status.capacity.clone().unwrap_or_default(),
    };
    describe_node_resource(&mut w, env, &pods_on(env, name), &allocatable);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`.
fn node_roles(labels: Option<&BTreeMap<String, String>>) -> Vec<String> {
    let mut roles: Vec<String> = Vec::new();
    for (key, value) in labels.into_iter().flatten() {
        let role = match key.strip_prefix("node-role.kubernetes.io/") {
            Some(role) if !role.is_empty() => role.to_string(),
            Some(_) => continue,
            None if key == "kubernetes.io/role" && !value.is_empty() => value.clone(),
            None => continue,
        };
        if !roles.contains(&role) {
            roles.push(role);
        }
    }
    roles.sort();
    roles
}

/// Non-terminated pods bound to the node, in every namespace.
fn pods_on(env: &Env, node: &str) -> Vec<Pod> {
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::Pod, None, &ListOptions::default())
        .unwrap_or_default();
    listed
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .filter(|p| p.spec.as_ref().and_then(|s| s.node_name.as_deref()) == Some(node))
        .filter(|p| {
            let phase = p.status.as_ref().and_then(|s| s.phase.as_deref());
            phase != Some("Succeeded") && phase != Some("Failed")
        })
        .cloned()
        .collect()
}
