//! Container validation (`validateContainers`, `validateInitContainers`,
//! `validateContainerCommon`): names, images, ports, env, envFrom, volume mounts and
//! devices, pull policy, termination message policy, plus the per-list rules (unique
//! names, host-port conflicts, which fields init containers may set).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Container, ContainerPort};

use super::env::{validate_env, validate_env_from};
use super::mounts::{validate_volume_devices, validate_volume_mounts};
use super::probe::{validate_lifecycle, validate_probe, ProbeKind};
use super::resources::validate_container_resources;
use super::security::validate_security_context;
use super::volume::VolumeInfo;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    duplicate, forbidden, invalid, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::{
    is_dns1123_label, is_valid_port_name, is_valid_port_num,
};

/// What the containers of one pod spec are checked against.
pub struct ContainerContext<'a> {
    /// Volumes that validated cleanly, by name.
    pub volumes: &'a BTreeMap<String, VolumeInfo>,
    /// `spec.terminationGracePeriodSeconds`, bounding `sleep` hooks.
    pub grace_period: Option<i64>,
    /// Whether `spec.securityContext.hostUsers` is true (the default).
    pub host_users: bool,
    /// Names of `spec.resourceClaims`.
    pub pod_claims: &'a BTreeSet<String>,
}

/// `validateContainers`: the regular containers of a pod spec.
pub fn validate_containers(
    containers: &[Container],
    ctx: &ContainerContext,
    p: &Path,
) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![required(p, "")];
    }
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let cp = p.index(i);
        errs.extend(validate_container_common(c, ctx, &cp));
        if !names.insert(c.name.clone()) {
            errs.push(duplicate(&cp.child("name"), q(&c.name)));
        }
        errs.extend(validate_lifecycle_and_probes(c, ctx, &cp));
        if c.restart_policy.is_some() {
            errs.push(forbidden(
                &cp.child("restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(check_host_port_conflicts(containers, 0, p));
    errs
}

/// `validateInitContainers`: init containers, including restartable ("sidecar") ones.
pub fn validate_init_containers(
    init: &[Container],
    regular: &[Container],
    ctx: &ContainerContext,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: BTreeSet<String> = regular.iter().map(|c| c.name.clone()).collect();
    for (i, c) in init.iter().enumerate() {
        let cp = p.index(i);
        errs.extend(validate_container_common(c, ctx, &cp));
        let mut restart_always = false;
        if let Some(rp) = &c.restart_policy {
            if rp == "Always" {
                restart_always = true;
            } else {
                errs.push(not_supported(
                    &cp.child("restartPolicy"),
                    q(rp),
                    &["Always"],
                ));
            }
        }
        if names.contains(&c.name) {
            errs.push(duplicate(&cp.child("name"), q(&c.name)));
        } else if !c.name.is_empty() {
            names.insert(c.name.clone());
        }
        // Upstream checks each init container on its own, so the reported index is
        // always 0 (`initContainers[0].ports[1].hostPort`); kept as is.
        errs.extend(check_host_port_conflicts(std::slice::from_ref(c), 0, p));
        if restart_always {
            errs.extend(validate_lifecycle_and_probes(c, ctx, &cp));
        } else {
            let msg = "may not be set for init containers without restartPolicy=Always";
            if c.lifecycle.is_some() {
                errs.push(forbidden(&cp.child("lifecycle"), msg));
            }
            if c.liveness_probe.is_some() {
                errs.push(forbidden(&cp.child("livenessProbe"), msg));
            }
            if c.readiness_probe.is_some() {
                errs.push(forbidden(&cp.child("readinessProbe"), msg));
            }
            if c.startup_probe.is_some() {
                errs.push(forbidden(&cp.child("startupProbe"), msg));
            }
        }
    }
    errs
}

/// `validateContainerOnlyForPod`: images of a real pod may not carry surrounding spaces.
pub fn validate_containers_only_for_pod(containers: &[Container], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, c) in containers.iter().enumerate() {
        let image = c.image.as_deref().unwrap_or("");
        if image.len() != image.trim().len() {
            errs.push(invalid(
                &p.index(i).child("image"),
                q(image),
                "must not have leading or trailing whitespace",
            ));
        }
    }
    errs
}

/// A container's lifecycle hooks and its liveness, readiness and startup probes.
fn validate_lifecycle_and_probes(
    c: &Container,
    ctx: &ContainerContext,
    cp: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(lc) = &c.lifecycle {
        errs.extend(validate_lifecycle(
            lc,
            ctx.grace_period,
            &cp.child("lifecycle"),
        ));
    }
    for (probe, kind, field) in [
        (
            c.liveness_probe.as_ref(),
            ProbeKind::Liveness,
            "livenessProbe",
        ),
        (
            c.readiness_probe.as_ref(),
            ProbeKind::Readiness,
            "readinessProbe",
        ),
        (c.startup_probe.as_ref(), ProbeKind::Startup, "startupProbe"),
    ] {
        errs.extend(validate_probe(
            probe,
            kind,
            ctx.grace_period,
            &cp.child(field),
        ));
    }
    errs
}

/// `validateContainerCommon`: what every container type must satisfy.
pub fn validate_container_common(
    c: &Container,
    ctx: &ContainerContext,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name_path = p.child("name");
    if c.name.is_empty() {
        errs.push(required(&name_path, ""));
    } else {
        errs.extend(
            is_dns1123_label(&c.name)
                .into_iter()
                .map(|m| invalid(&name_path, q(&c.name), &m)),
        );
    }
    if c.image.as_deref().unwrap_or("").is_empty() {
        errs.push(required(&p.child("image"), ""));
    }
    match c.termination_message_policy.as_deref().unwrap_or("") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(required(&p.child("terminationMessagePolicy"), "")),
        other => errs.push(not_supported(
            &p.child("terminationMessagePolicy"),
            q(other),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    errs.extend(validate_container_ports(
        c.ports.as_deref().unwrap_or_default(),
        &p.child("ports"),
    ));
    errs.extend(validate_env(
        c.env.as_deref().unwrap_or_default(),
        &p.child("env"),
    ));
    errs.extend(validate_env_from(
        c.env_from.as_deref().unwrap_or_default(),
        &p.child("envFrom"),
    ));
    errs.extend(validate_volume_mounts(
        c,
        ctx.volumes,
        &p.child("volumeMounts"),
    ));
    errs.extend(validate_volume_devices(
        c,
        ctx.volumes,
        &p.child("volumeDevices"),
    ));
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(required(&p.child("imagePullPolicy"), "")),
        other => errs.push(not_supported(
            &p.child("imagePullPolicy"),
            q(other),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    errs.extend(validate_container_resources(
        c.resources.as_ref(),
        ctx.pod_claims,
        &p.child("resources"),
    ));
    errs.extend(validate_security_context(
        c.security_context.as_ref(),
        ctx.host_users,
        &p.child("securityContext"),
    ));
    errs
}

/// `validateContainerPorts`.
fn validate_container_ports(ports: &[ContainerPort], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, port) in ports.iter().enumerate() {
        let pp = p.index(i);
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = is_valid_port_name(name);
            if !msgs.is_empty() {
                errs.extend(
                    msgs.into_iter()
                        .map(|m| invalid(&pp.child("name"), q(name), &m)),
                );
            } else if !names.insert(name.to_string()) {
                errs.push(duplicate(&pp.child("name"), q(name)));
            }
        }
        if port.container_port == 0 {
            errs.push(required(&pp.child("containerPort"), ""));
        } else {
            let n = i64::from(port.container_port);
            errs.extend(
                is_valid_port_num(n)
                    .into_iter()
                    .map(|m| invalid(&pp.child("containerPort"), n.to_string(), &m)),
            );
        }
        let host = i64::from(port.host_port.unwrap_or(0));
        if host != 0 {
            errs.extend(
                is_valid_port_num(host)
                    .into_iter()
                    .map(|m| invalid(&pp.child("hostPort"), host.to_string(), &m)),
            );
        }
        match port.protocol.as_deref().unwrap_or("") {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errs.push(required(&pp.child("protocol"), "")),
            other => errs.push(not_supported(
                &pp.child("protocol"),
                q(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    errs
}

/// `AccumulateUniqueHostPorts`: no two ports may claim the same protocol/hostIP/hostPort.
/// `offset` is the index of the first container in `containers` within the list.
fn check_host_port_conflicts(containers: &[Container], offset: usize, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for (ci, c) in containers.iter().enumerate() {
        for (pi, port) in c.ports.iter().flatten().enumerate() {
            let host = port.host_port.unwrap_or(0);
            if host == 0 {
                continue;
            }
            let key = format!(
                "{}/{}/{}",
                port.protocol.as_deref().unwrap_or(""),
                port.host_ip.as_deref().unwrap_or(""),
                host
            );
            if !seen.insert(key.clone()) {
                errs.push(duplicate(
                    &p.index(ci + offset)
                        .child("ports")
                        .index(pi)
                        .child("hostPort"),
                    q(&key),
                ));
            }
        }
    }
    errs
}
