//! `ValidatePodSpec` and `ValidatePodTemplateSpec`: the checks on a pod spec that are not
//! about individual containers (volumes and containers are delegated), including
//! restart and DNS policies, host-network port rules, node selector, tolerations,
//! affinity, DNS config, spread constraints, scheduling and readiness gates, and the
//! scalar fields (`activeDeadlineSeconds`, `hostname`, `serviceAccountName`, ...).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::affinity::validate_affinity;
pub use super::annotations::validate_pod_specific_annotations;
use super::container::{
    validate_container_common, validate_containers, validate_init_containers, ContainerContext,
};
use super::dns::validate_dns_config;
use super::scheduling::{validate_tolerations, validate_topology_spread};
use super::security::validate_pod_security_context;
use super::volume::validate_volumes;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::{validate_annotations, validate_labels};
use crate::apiserver::validation::names::{
    inclusive_range_error, is_dns1123_label, is_dns1123_subdomain, is_qualified_name,
    name_is_dns_subdomain,
};

/// Where a pod spec sits (upstream's `PodValidationOptions.ResourceIsPod`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum SpecOwner {
    /// A real pod: the pod's name is known and `hostPort` must equal `containerPort`
    /// under host networking.
    Pod,
    /// A template inside a workload.
    Template,
}

/// `ValidatePodSpec`. `pod_meta` is given only for real pods.
pub fn validate_pod_spec(
    spec: &PodSpec,
    pod_meta: Option<&ObjectMeta>,
    owner: SpecOwner,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.termination_grace_period_seconds.is_none() {
        errs.push(required(&p.child("terminationGracePeriodSeconds"), ""));
    }
    let host_users = spec.host_users.unwrap_or(true);
    let pod_name = pod_meta.and_then(|m| m.name.as_deref());
    let (vols, verrs) = validate_volumes(
        spec.volumes.as_deref().unwrap_or_default(),
        pod_name,
        &p.child("volumes"),
    );
    errs.extend(verrs);
    let pod_claims: BTreeSet<String> = spec
        .resource_claims
        .iter()
        .flatten()
        .map(|c| c.name.clone())
        .filter(|n| !n.is_empty())
        .collect();
    errs.extend(validate_resource_claims(spec, &p.child("resourceClaims")));
    let ctx = ContainerContext {
        volumes: &vols,
        grace_period: spec.termination_grace_period_seconds,
        host_users,
        pod_claims: &pod_claims,
    };
    errs.extend(validate_containers(
        &spec.containers,
        &ctx,
        &p.child("containers"),
    ));
    let init = spec.init_containers.as_deref().unwrap_or_default();
    errs.extend(validate_init_containers(
        init,
        &spec.containers,
        &ctx,
        &p.child("initContainers"),
    ));
    errs.extend(validate_ephemeral_containers(
        spec,
        &ctx,
        &p.child("ephemeralContainers"),
    ));
    errs.extend(validate_host_network_ports(spec, owner, p));
    let restart = spec.restart_policy.as_deref().unwrap_or("");
    match restart {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(required(&p.child("restartPolicy"), "")),
        other => errs.push(not_supported(
            &p.child("restartPolicy"),
            q(other),
            &["Always", "OnFailure", "Never"],
        )),
    }
    match spec.dns_policy.as_deref().unwrap_or("") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(required(&p.child("dnsPolicy"), "")),
        other => errs.push(not_supported(
            &p.child("dnsPolicy"),
            q(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(validate_labels(
        spec.node_selector.as_ref(),
        &p.child("nodeSelector"),
    ));
    errs.extend(validate_pod_security_context(
        spec,
        &p.child("securityContext"),
    ));
    if let Some(a) = &spec.affinity {
        errs.extend(validate_affinity(a, &p.child("affinity")));
    }
    errs.extend(validate_dns_config(spec, &p.child("dnsConfig")));
    for (i, g) in spec.readiness_gates.iter().flatten().enumerate() {
        let gp = p.child("readinessGates").index(i).child("conditionType");
        errs.extend(
            is_qualified_name(&g.condition_type)
                .into_iter()
                .map(|m| invalid(&gp, q(&g.condition_type), &m)),
        );
    }
    let mut gates = BTreeSet::new();
    for (i, g) in spec.scheduling_gates.iter().flatten().enumerate() {
        let gp = p.child("schedulingGates").index(i);
        errs.extend(
            is_qualified_name(&g.name)
                .into_iter()
                .map(|m| invalid(&gp, q(&g.name), &m)),
        );
        if !gates.insert(g.name.clone()) {
            errs.push(duplicate(&gp, q(&g.name)));
        }
    }
    errs.extend(validate_topology_spread(
        spec.topology_spread_constraints
            .as_deref()
            .unwrap_or_default(),
        &p.child("topologySpreadConstraints"),
    ));
    if !host_users {
        let msg = "when `pod.Spec.HostUsers` is false";
        if spec.host_network == Some(true) {
            errs.push(forbidden(&p.child("hostNetwork"), msg));
        }
        if spec.host_pid == Some(true) {
            errs.push(forbidden(&p.child("HostPID"), msg));
        }
        if spec.host_ipc == Some(true) {
            errs.push(forbidden(&p.child("HostIPC"), msg));
        }
    }
    let subdomain_field = |value: Option<&String>, child: &str, errs: &mut Vec<FieldError>| {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            errs.extend(
                name_is_dns_subdomain(v, false)
                    .into_iter()
                    .map(|m| invalid(&p.child(child), q(v), &m)),
            );
        }
    };
    subdomain_field(
        spec.service_account_name.as_ref(),
        "serviceAccountName",
        &mut errs,
    );
    subdomain_field(spec.node_name.as_ref(), "nodeName", &mut errs);
    if let Some(v) = spec
        .active_deadline_seconds
        .filter(|v| *v < 1 || *v > i64::from(i32::MAX))
    {
        errs.push(invalid(
            &p.child("activeDeadlineSeconds"),
            v.to_string(),
            &inclusive_range_error(1, i64::from(i32::MAX)),
        ));
    }
    for (value, child) in [
        (spec.hostname.as_ref(), "hostname"),
        (spec.subdomain.as_ref(), "subdomain"),
    ] {
        if let Some(v) = value.filter(|v| !v.is_empty()) {
            errs.extend(
                is_dns1123_label(v)
                    .into_iter()
                    .map(|m| invalid(&p.child(child), q(v), &m)),
            );
        }
    }
    errs.extend(validate_tolerations(
        spec.tolerations.as_deref().unwrap_or_default(),
        &p.child("tolerations"),
    ));
    for (i, alias) in spec.host_aliases.iter().flatten().enumerate() {
        let ap = p.child("hostAliases").index(i);
        errs.extend(super::net::is_valid_ip(&ap.child("ip"), &alias.ip));
        for (j, h) in alias.hostnames.iter().flatten().enumerate() {
            errs.extend(
                is_dns1123_subdomain(h)
                    .into_iter()
                    .map(|m| invalid(&ap.child("hostnames").index(j), q(h), &m)),
            );
        }
    }
    subdomain_field(
        spec.priority_class_name.as_ref(),
        "priorityClassName",
        &mut errs,
    );
    if let Some(rc) = &spec.runtime_class_name {
        errs.extend(
            name_is_dns_subdomain(rc, false)
                .into_iter()
                .map(|m| invalid(&p.child("runtimeClassName"), q(rc), &m)),
        );
    }
    if let Some(pp) = &spec.preemption_policy {
        match pp.as_str() {
            "PreemptLowerPriority" | "Never" => {}
            "" => errs.push(required(&p.child("preemptionPolicy"), "")),
            other => errs.push(not_supported(
                &p.child("preemptionPolicy"),
                q(other),
                &["PreemptLowerPriority", "Never"],
            )),
        }
    }
    if let Some(os) = &spec.os {
        if os.name.is_empty() {
            errs.push(required(&p.child("os").child("name"), "cannot be empty"));
        } else if os.name != "linux" && os.name != "windows" {
            errs.push(not_supported(
                &p.child("os"),
                q(&os.name),
                &["linux", "windows"],
            ));
        }
    }
    errs
}

/// `validatePodResourceClaims`: names are unique DNS labels naming exactly one source.
fn validate_resource_claims(spec: &PodSpec, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in spec.resource_claims.iter().flatten().enumerate() {
        let ip = p.index(i);
        if c.name.is_empty() {
            errs.push(required(&ip.child("name"), ""));
        } else if !names.insert(c.name.clone()) {
            errs.push(duplicate(&ip.child("name"), q(&c.name)));
        } else {
            errs.extend(
                is_dns1123_label(&c.name)
                    .into_iter()
                    .map(|m| invalid(&ip.child("name"), q(&c.name), &m)),
            );
        }
    }
    errs
}

/// `validateEphemeralContainers` (only reachable on update; create forbids them).
fn validate_ephemeral_containers(
    spec: &PodSpec,
    ctx: &ContainerContext,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut all: BTreeSet<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    all.extend(
        spec.init_containers
            .iter()
            .flatten()
            .map(|c| c.name.clone()),
    );
    let others = all.clone();
    for (i, ec) in spec.ephemeral_containers.iter().flatten().enumerate() {
        let ip = p.index(i);
        let as_container: k8s_openapi::api::core::v1::Container = serde_json::to_value(ec)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        errs.extend(validate_container_common(&as_container, ctx, &ip));
        if !all.insert(ec.name.clone()) {
            errs.push(duplicate(&ip.child("name"), q(&ec.name)));
        }
        if let Some(t) = ec
            .target_container_name
            .as_deref()
            .filter(|t| !t.is_empty() && !others.contains(*t))
        {
            errs.push(crate::apiserver::validation::field::not_found(
                &ip.child("targetContainerName"),
                q(t),
            ));
        }
        let cannot = "cannot be set for an Ephemeral Container";
        for (set, child) in [
            (ec.ports.is_some(), "ports"),
            (ec.resources.is_some(), "resources"),
            (ec.liveness_probe.is_some(), "livenessProbe"),
            (ec.readiness_probe.is_some(), "readinessProbe"),
            (ec.startup_probe.is_some(), "startupProbe"),
            (ec.lifecycle.is_some(), "lifecycle"),
        ] {
            if set {
                errs.push(forbidden(&ip.child(child), cannot));
            }
        }
    }
    errs
}

/// `validatePodHostNetworkDeps`: with `hostNetwork`, `hostPort` must equal
/// `containerPort` (templates may leave it 0).
fn validate_host_network_ports(spec: &PodSpec, owner: SpecOwner, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if spec.host_network != Some(true) {
        return errs;
    }
    for (i, c) in spec.containers.iter().enumerate() {
        for (j, port) in c.ports.iter().flatten().enumerate() {
            let hp = port.host_port.unwrap_or(0);
            if (owner == SpecOwner::Pod || hp != 0) && hp != port.container_port {
                let path = p
                    .child("containers")
                    .index(i)
                    .child("ports")
                    .index(j)
                    .child("hostPort");
                errs.push(invalid(
                    &path,
                    hp.to_string(),
                    "must match `containerPort` when `hostNetwork` is true",
                ));
            }
        }
    }
    errs
}

/// `ValidatePodTemplateSpec`: template labels and annotations (reported at
/// `template.labels`, not `template.metadata.labels`, as upstream does) and the spec.
pub fn validate_pod_template_spec(t: &PodTemplateSpec, p: &Path) -> Vec<FieldError> {
    let meta = t.metadata.clone().unwrap_or_default();
    let spec = t.spec.clone().unwrap_or_default();
    let mut errs = validate_labels(meta.labels.as_ref(), &p.child("labels"));
    errs.extend(validate_annotations(
        meta.annotations.as_ref(),
        &p.child("annotations"),
    ));
    errs.extend(validate_pod_specific_annotations(
        meta.annotations.as_ref(),
        &spec,
        &p.child("annotations"),
    ));
    errs.extend(validate_pod_spec(
        &spec,
        None,
        SpecOwner::Template,
        &p.child("spec"),
    ));
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        errs.push(forbidden(
            &p.child("spec").child("ephemeralContainers"),
            "ephemeral containers not allowed in pod template",
        ));
    }
    errs
}
