//! `kubectl describe node` (upstream v1.32 `NodeDescriber`, `describeNode`,
//! `describeNodeLease`, `describeNodeResource`, and kubectl's
//! `resourcehelper.PodRequestsAndLimits`).
//!
//! After the node's own fields come its Lease (from `kube-node-lease`), the
//! `Non-terminated Pods` table (pods bound to the node in any namespace whose phase is
//! neither Succeeded nor Failed, with each pod's requests and limits as a share of the
//! node's allocatable) and `Allocated resources`, their sums.
//!
//! Worked example of one row: a pod requesting `250m` CPU on a node with 2 allocatable
//! CPUs shows `250m (12%)`: 250 / 2000 × 100 = 12.5, truncated as Go's `int64(float64)`.
//! Sums print as `Quantity.String()` does after `Add`: `100m` + `150m` is `250m`, `64Mi`
//! + `64Mi` is `128Mi`; a single term keeps the text it was written with.

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::containers::go_int64;
use super::events::{self, EventQuery};
use super::writer::{
    print_annotations, print_labels, print_taints, quantity, rfc1123z, rfc1123z_micro, since,
    PrefixWriter, LEVEL_0, LEVEL_1,
};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::quantity::{Format, Quantity};
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

/// A summed quantity: the text of its only term (as `DeepCopy` keeps it), or after an
/// `Add` the exact total (in thousandths) printed canonically in the first term's format.
#[derive(Clone, Debug)]
struct Amount {
    milli: i64,
    format: Format,
    text: Option<String>,
}

impl Amount {
    fn of(q: &K8sQuantity) -> Amount {
        match Quantity::from_k8s(q) {
            Ok(parsed) => Amount {
                milli: parsed.milli_value(),
                format: parsed.format(),
                text: Some(parsed.to_string()),
            },
            Err(_) => Amount {
                milli: 0,
                format: Format::DecimalSI,
                text: Some(q.0.clone()),
            },
        }
    }

    fn add(&mut self, other: &Amount) {
        if self.milli == 0 {
            self.format = other.format;
        }
        self.milli = self.milli.saturating_add(other.milli);
        self.text = None;
    }

    fn value(&self) -> i64 {
        // `Value()` rounds thousandths up to whole units.
        self.milli.div_euclid(1000) + i64::from(self.milli.rem_euclid(1000) != 0)
    }

    fn text(&self) -> String {
        self.text
            .clone()
            .unwrap_or_else(|| Quantity::new_milli(self.milli, self.format).to_string())
    }
}

type Amounts = BTreeMap<String, Amount>;

/// `addResourceList`.
fn add_list(list: &mut Amounts, new: &Amounts) {
    for (name, q) in new {
        match list.get_mut(name) {
            Some(sum) => sum.add(q),
            None => {
                list.insert(name.clone(), q.clone());
            }
        }
    }
}

/// `maxResourceList`.
fn max_list(list: &mut Amounts, new: &Amounts) {
    for (name, q) in new {
        if list.get(name).is_none_or(|cur| q.milli > cur.milli) {
            list.insert(name.clone(), q.clone());
        }
    }
}

fn amounts(list: Option<&BTreeMap<String, K8sQuantity>>) -> Amounts {
    list.into_iter()
        .flatten()
        .map(|(k, q)| (k.clone(), Amount::of(q)))
        .collect()
}

/// `PodRequestsAndLimits`: containers summed (a resized container counts its larger
/// request), sidecar init containers added, other init containers as a maximum, overhead
/// added (to non-zero limits only).
fn pod_requests_and_limits(pod: &Pod) -> (Amounts, Amounts) {
    let spec = pod.spec.clone().unwrap_or_default();
    let statuses = pod
        .status
        .as_ref()
        .and_then(|s| s.container_statuses.clone())
        .unwrap_or_default();
    let infeasible = pod.status.as_ref().and_then(|s| s.resize.as_deref()) == Some("Infeasible");
    let (mut reqs, mut limits) = (Amounts::new(), Amounts::new());
    for c in &spec.containers {
        let own = amounts(c.resources.as_ref().and_then(|r| r.requests.as_ref()));
        let allocated = statuses
            .iter()
            .find(|s| s.name == c.name)
            .and_then(|s| s.resources.as_ref())
            .map(|r| amounts(r.requests.as_ref()));
        let container_reqs = match allocated {
            None => own,
            Some(allocated) if infeasible => allocated,
            Some(allocated) => {
                let mut merged = own;
                for (name, q) in allocated {
                    if merged.get(&name).is_none_or(|cur| cur.milli <= q.milli) {
                        merged.insert(name, q);
                    }
                }
                merged
            }
        };
        add_list(&mut reqs, &container_reqs);
        add_list(
            &mut limits,
            &amounts(c.resources.as_ref().and_then(|r| r.limits.as_ref())),
        );
    }
    for (sums, pick) in [(&mut reqs, 0), (&mut limits, 1)] {
        let (mut restartable, mut init) = (Amounts::new(), Amounts::new());
        for c in spec.init_containers.iter().flatten() {
            let r = c.resources.clone().unwrap_or_default();
            let own = amounts(if pick == 0 {
                r.requests.as_ref()
            } else {
                r.limits.as_ref()
            });
            let effective = if c.restart_policy.as_deref() == Some("Always") {
                add_list(sums, &own);
                add_list(&mut restartable, &own);
                restartable.clone()
            } else {
                let mut tmp = own;
                add_list(&mut tmp, &restartable);
                tmp
            };
            max_list(&mut init, &effective);
        }
        max_list(sums, &init);
    }
    let overhead = amounts(spec.overhead.as_ref());
    add_list(&mut reqs, &overhead);
    for (name, q) in &overhead {
        if let Some(sum) = limits.get_mut(name).filter(|s| s.milli != 0) {
            sum.add(q);
        }
    }
    (reqs, limits)
}

/// `describeNodeResource`.
fn describe_node_resource(
    w: &mut PrefixWriter,
    env: &Env,
    pods: &[Pod],
    allocatable: &BTreeMap<String, K8sQuantity>,
) {
    let alloc = amounts(Some(allocatable));
    let zero = Amount {
        milli: 0,
        format: Format::DecimalSI,
        text: Some("0".to_string()),
    };
    let get = |list: &Amounts, name: &str| list.get(name).cloned().unwrap_or_else(|| zero.clone());
    let (alloc_cpu, alloc_mem) = (
        get(&alloc, "cpu").milli as f64,
        get(&alloc, "memory").value() as f64,
    );
    put!(
        w,
        LEVEL_0,
        "Non-terminated Pods:\t({} in total)\n",
        pods.len()
    );
    w.write(
        LEVEL_1,
        "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n",
    );
    w.write(
        LEVEL_1,
        "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n",
    );
    let pct = |part: f64, whole: f64| go_int64(part / whole * 100.0);
    let (mut total_reqs, mut total_limits) = (Amounts::new(), Amounts::new());
    for pod in pods {
        let (reqs, limits) = pod_requests_and_limits(pod);
        let (cr, cl, mr, ml) = (
            get(&reqs, "cpu"),
            get(&limits, "cpu"),
            get(&reqs, "memory"),
            get(&limits, "memory"),
        );
        put!(
            w,
            LEVEL_1,
            "{}\t{}\t\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{} ({}%)\t{}\n",
            pod.metadata.namespace.as_deref().unwrap_or(""),
            pod.metadata.name.as_deref().unwrap_or(""),
            cr.text(),
            pct(cr.milli as f64, alloc_cpu),
            cl.text(),
            pct(cl.milli as f64, alloc_cpu),
            mr.text(),
            pct(mr.value() as f64, alloc_mem),
            ml.text(),
            pct(ml.value() as f64, alloc_mem),
            since(pod.metadata.creation_timestamp.as_ref(), env.now)
        );
        add_list(&mut total_reqs, &reqs);
        add_list(&mut total_limits, &limits);
    }
    w.write(
        LEVEL_0,
        "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n",
    );
    w.write(LEVEL_1, "Resource\tRequests\tLimits\n");
    w.write(LEVEL_1, "--------\t--------\t------\n");
    // Shares of the allocatable amount, 0 when the node has none.
    let share = |name: &str, list: &Amounts| {
        let (part, whole) = (get(list, name), get(&alloc, name));
        let (part, whole) = if name == "cpu" {
            (part.milli as f64, whole.milli as f64)
        } else {
            (part.value() as f64, whole.value() as f64)
        };
        if whole == 0.0 {
            0
        } else {
            go_int64(part / whole * 100.0)
        }
    };
    let mut standard = vec![
        "cpu".to_string(),
        "memory".to_string(),
        "ephemeral-storage".to_string(),
    ];
    // Huge pages follow, sorted; then extended resources without percentages.
    standard.extend(
        alloc
            .keys()
            .filter(|k| k.starts_with("hugepages-"))
            .cloned(),
    );
    for name in &standard {
        put!(
            w,
            LEVEL_1,
            "{name}\t{} ({}%)\t{} ({}%)\n",
            get(&total_reqs, name).text(),
            share(name, &total_reqs),
            get(&total_limits, name).text(),
            share(name, &total_limits)
        );
    }
    let extended = alloc.keys().filter(|k| {
        !k.starts_with("hugepages-")
            && !matches!(k.as_str(), "cpu" | "memory" | "ephemeral-storage" | "pods")
    });
    for name in extended {
        put!(
            w,
            LEVEL_1,
            "{name}\t{}\t{}\n",
            get(&total_reqs, name).text(),
            get(&total_limits, name).text()
        );
    }
}
