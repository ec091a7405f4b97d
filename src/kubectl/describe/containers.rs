//! The Containers (and Init Containers, Ephemeral Containers) section of a pod or pod
//! template description: upstream `describeContainers` and its helpers — ports, command,
//! state, resources, probes (`DescribeProbe`) and mounts; the environment is in `env`.
//!
//! A pod passes its container statuses and itself (to resolve `fieldRef` variables); a
//! template passes neither, so its containers show no Container ID, State or Ready lines.

use k8s_openapi::api::core::v1::{
    Container, ContainerState, ContainerStatus, Pod, Probe, ResourceRequirements,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::env::{describe_env, describe_env_from};
use super::writer::{
    go_slice, print_bool, quantity, rfc1123z, string_or_none, PrefixWriter, LEVEL_0, LEVEL_1,
    LEVEL_2, LEVEL_3,
};
use crate::model::selector::go_quote;

/// `describeContainers`: the section title and every container. `space` is `"  "` inside
/// a pod template, which also indents each container name by one more space.
pub(super) fn describe_containers(
    w: &mut PrefixWriter,
    label: &str,
    containers: &[Container],
    statuses: &[ContainerStatus],
    pod: Option<&Pod>,
    space: &str,
) {
    let none = if containers.is_empty() { " <none>" } else { "" };
    put!(w, LEVEL_0, "{space}{label}:{none}\n");
    let name_indent = if space.is_empty() { "" } else { " " };
    for c in containers {
        let status = statuses.iter().find(|s| s.name == c.name);
        put!(w, LEVEL_1, "{name_indent}{}:\n", c.name);
        if let Some(s) = status {
            put!(
                w,
                LEVEL_2,
                "Container ID:\t{}\n",
                s.container_id.as_deref().unwrap_or("")
            );
        }
        put!(w, LEVEL_2, "Image:\t{}\n", c.image.as_deref().unwrap_or(""));
        if let Some(s) = status {
            put!(w, LEVEL_2, "Image ID:\t{}\n", s.image_id);
        }
        describe_ports(w, c);
        if let Some(profile) = c
            .security_context
            .as_ref()
            .and_then(|s| s.seccomp_profile.as_ref())
        {
            put!(w, LEVEL_2, "SeccompProfile:\t{}\n", profile.type_);
            if profile.type_ == "Localhost" {
                put!(
                    w,
                    LEVEL_3,
                    "LocalhostProfile:\t{}\n",
                    profile.localhost_profile.as_deref().unwrap_or("")
                );
            }
        }
        describe_command(w, c);
        if let Some(s) = status {
            describe_state(w, "State", s.state.as_ref());
            if let Some(last) = &s.last_state {
                if last.terminated.is_some() {
                    describe_state(w, "Last State", Some(last));
                }
            }
            put!(w, LEVEL_2, "Ready:\t{}\n", print_bool(s.ready));
            put!(w, LEVEL_2, "Restart Count:\t{}\n", s.restart_count);
        }
        if let Some(r) = &c.resources {
            describe_resources(w, r, LEVEL_2);
        }
        for (title, probe) in [
            ("Liveness", &c.liveness_probe),
            ("Readiness", &c.readiness_probe),
            ("Startup", &c.startup_probe),
        ] {
            if let Some(probe) = probe {
                put!(w, LEVEL_2, "{title}:\t{}\n", describe_probe(probe));
            }
        }
        describe_env_from(w, c);
        describe_env(w, c, pod);
        describe_mounts(w, c);
    }
}

/// `Port:`/`Ports:` and `Host Port:`/`Host Ports:` (`<none>` without ports; a port without
/// a host port shows `0/TCP`).
fn describe_ports(w: &mut PrefixWriter, c: &Container) {
    let ports = c.ports.as_deref().unwrap_or_default();
    let join = |f: &dyn Fn(&k8s_openapi::api::core::v1::ContainerPort) -> i32| {
        ports
            .iter()
            .map(|p| format!("{}/{}", f(p), p.protocol.as_deref().unwrap_or("")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let container_ports = join(&|p| p.container_port);
    if container_ports.contains(',') {
        put!(w, LEVEL_2, "Ports:\t{container_ports}\n");
    } else {
        put!(w, LEVEL_2, "Port:\t{}\n", string_or_none(&container_ports));
    }
    let host_ports = join(&|p| p.host_port.unwrap_or(0));
    if host_ports.contains(',') {
        put!(w, LEVEL_2, "Host Ports:\t{host_ports}\n");
    } else {
        put!(w, LEVEL_2, "Host Port:\t{}\n", string_or_none(&host_ports));
    }
}

/// `describeContainerCommand`: one line per command word and argument (split at newlines).
fn describe_command(w: &mut PrefixWriter, c: &Container) {
    for (title, words) in [("Command", &c.command), ("Args", &c.args)] {
        let words = words.as_deref().unwrap_or_default();
        if words.is_empty() {
            continue;
        }
        put!(w, LEVEL_2, "{title}:\n");
        for word in words {
            for line in word.split('\n') {
                put!(w, LEVEL_3, "{line}\n");
            }
        }
    }
}

/// `describeStatus`: Running with its start, Waiting with its reason, or Terminated with
/// reason, message, exit code, signal, start and finish; no state at all reads Waiting.
fn describe_state(w: &mut PrefixWriter, title: &str, state: Option<&ContainerState>) {
    let state = state.cloned().unwrap_or_default();
    if let Some(running) = &state.running {
        put!(w, LEVEL_2, "{title}:\tRunning\n");
        put!(
            w,
            LEVEL_3,
            "Started:\t{}\n",
            rfc1123z(running.started_at.as_ref())
        );
    } else if let Some(waiting) = &state.waiting {
        put!(w, LEVEL_2, "{title}:\tWaiting\n");
        if let Some(reason) = waiting.reason.as_deref().filter(|r| !r.is_empty()) {
            put!(w, LEVEL_3, "Reason:\t{reason}\n");
        }
    } else if let Some(t) = &state.terminated {
        put!(w, LEVEL_2, "{title}:\tTerminated\n");
        if let Some(reason) = t.reason.as_deref().filter(|r| !r.is_empty()) {
            put!(w, LEVEL_3, "Reason:\t{reason}\n");
        }
        if let Some(message) = t.message.as_deref().filter(|m| !m.is_empty()) {
            put!(w, LEVEL_3, "Message:\t{message}\n");
        }
        put!(w, LEVEL_3, "Exit Code:\t{}\n", t.exit_code);
        if let Some(signal) = t.signal.filter(|s| *s > 0) {
            put!(w, LEVEL_3, "Signal:\t{signal}\n");
        }
        put!(
            w,
            LEVEL_3,
            "Started:\t{}\n",
            rfc1123z(t.started_at.as_ref())
        );
        put!(
            w,
            LEVEL_3,
            "Finished:\t{}\n",
            rfc1123z(t.finished_at.as_ref())
        );
    } else {
        put!(w, LEVEL_2, "{title}:\tWaiting\n");
    }
}

/// `describeResources`: Limits then Requests, resource names sorted.
pub(super) fn describe_resources(w: &mut PrefixWriter, r: &ResourceRequirements, level: usize) {
    for (title, list) in [("Limits", &r.limits), ("Requests", &r.requests)] {
        let Some(list) = list.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        put!(w, level, "{title}:\n");
        for (name, q) in list {
            put!(w, level + 1, "{name}:\t{}\n", quantity(q));
        }
    }
}

/// Upstream `DescribeProbe`: `http-get http://:8080/healthz delay=0s timeout=1s period=10s
/// #success=1 #failure=3`, `exec [cat /tmp/healthy] ...`, `tcp-socket :80 ...`, `grpc`.
pub(super) fn describe_probe(p: &Probe) -> String {
    let attrs = format!(
        "delay={}s timeout={}s period={}s #success={} #failure={}",
        p.initial_delay_seconds.unwrap_or(0),
        p.timeout_seconds.unwrap_or(0),
        p.period_seconds.unwrap_or(0),
        p.success_threshold.unwrap_or(0),
        p.failure_threshold.unwrap_or(0)
    );
    if let Some(exec) = &p.exec {
        return format!(
            "exec {} {attrs}",
            go_slice(exec.command.as_deref().unwrap_or_default())
        );
    }
    if let Some(h) = &p.http_get {
        let scheme = h.scheme.as_deref().unwrap_or("").to_lowercase();
        let host = h.host.as_deref().unwrap_or("");
        let port = int_or_string(&h.port);
        let host_port = if port.is_empty() {
            host.to_string()
        } else {
            join_host_port(host, &port)
        };
        let mut path = h.path.clone().unwrap_or_default();
        if !path.is_empty() && !path.starts_with('/') && !host_port.is_empty() {
            path.insert(0, '/');
        }
        let url = if scheme.is_empty() {
            format!("//{host_port}{path}")
        } else {
            format!("{scheme}://{host_port}{path}")
        };
        return format!("http-get {url} {attrs}");
    }
    if let Some(t) = &p.tcp_socket {
        return format!(
            "tcp-socket {}:{} {attrs}",
            t.host.as_deref().unwrap_or(""),
            int_or_string(&t.port)
        );
    }
    if let Some(g) = &p.grpc {
        return format!(
            "grpc <pod>:{} {} {attrs}",
            g.port,
            g.service.as_deref().unwrap_or("")
        );
    }
    format!("unknown {attrs}")
}

/// `net.JoinHostPort`: brackets around a host containing a colon (IPv6).
fn join_host_port(host: &str, port: &str) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// `intstr.IntOrString.String()`.
pub(super) fn int_or_string(v: &IntOrString) -> String {
    match v {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

/// `describeContainerVolumes`: mounts sorted by path, `ro`/`rw` and `path="sub"`, then
/// block devices.
fn describe_mounts(w: &mut PrefixWriter, c: &Container) {
    let mut mounts: Vec<_> = c.volume_mounts.iter().flatten().collect();
    let none = if mounts.is_empty() { "\t<none>" } else { "" };
    put!(w, LEVEL_2, "Mounts:{none}\n");
    mounts.sort_by(|a, b| a.mount_path.cmp(&b.mount_path));
    for m in mounts {
        let mut flags = vec![if m.read_only.unwrap_or(false) {
            "ro".to_string()
        } else {
            "rw".to_string()
        }];
        if let Some(sub) = m.sub_path.as_deref().filter(|s| !s.is_empty()) {
            flags.push(format!("path={}", go_quote(sub)));
        }
        put!(
            w,
            LEVEL_3,
            "{} from {} ({})\n",
            m.mount_path,
            m.name,
            flags.join(",")
        );
    }
    let mut devices: Vec<_> = c.volume_devices.iter().flatten().collect();
    if !devices.is_empty() {
        put!(w, LEVEL_2, "Devices:{none}\n");
        devices.sort_by(|a, b| a.device_path.cmp(&b.device_path));
        for d in devices {
            put!(w, LEVEL_3, "{} from {}\n", d.device_path, d.name);
        }
    }
}
