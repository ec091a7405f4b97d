//! Probe and lifecycle-hook validation (`validateProbe`, `validateHandler`,
//! `validateLifecycle`): exactly one handler, valid ports and schemes, non-negative
//! timings, `successThreshold` of 1 for liveness and startup probes, and `sleep` hooks
//! bounded by the grace period.

use k8s_openapi::api::core::v1::{
    ExecAction, HTTPGetAction, Lifecycle, LifecycleHandler, Probe, SleepAction, TCPSocketAction,
};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{
    forbidden, invalid, nonnegative, not_supported, required, Path,
};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::{
    is_http_header_name, is_valid_port_name, is_valid_port_num,
};

/// Which probe is being checked (each adds its own rule).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum ProbeKind {
    /// `livenessProbe`: `successThreshold` must be 1.
    Liveness,
    /// `readinessProbe`: no `terminationGracePeriodSeconds`.
    Readiness,
    /// `startupProbe`: `successThreshold` must be 1.
    Startup,
}

/// The handler fields shared by probes and lifecycle hooks (upstream's `commonHandler`).
struct Handler<'a> {
    exec: Option<&'a ExecAction>,
    http_get: Option<&'a HTTPGetAction>,
    tcp_socket: Option<&'a TCPSocketAction>,
    grpc_port: Option<i32>,
    sleep: Option<&'a SleepAction>,
}

/// `ValidatePortNumOrName`.
pub fn validate_port_num_or_name(port: &IntOrString, p: &Path) -> Vec<FieldError> {
    match port {
        IntOrString::Int(n) => is_valid_port_num(i64::from(*n))
            .into_iter()
            .map(|m| invalid(p, n.to_string(), &m))
            .collect(),
        IntOrString::String(s) => is_valid_port_name(s)
            .into_iter()
            .map(|m| invalid(p, q(s), &m))
            .collect(),
    }
}

fn validate_handler(h: &Handler, grace: Option<i64>, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut n = 0;
    let more = "may not specify more than 1 handler type";
    if let Some(exec) = h.exec {
        n += 1;
        if exec.command.as_ref().is_none_or(|c| c.is_empty()) {
            errs.push(required(&p.child("exec").child("command"), ""));
        }
    }
    if let Some(http) = h.http_get {
        if n > 0 {
            errs.push(forbidden(&p.child("httpGet"), more));
        } else {
            n += 1;
            let hp = p.child("httpGet");
            if http.path.as_deref().unwrap_or("").is_empty() {
                errs.push(required(&hp.child("path"), ""));
            }
            errs.extend(validate_port_num_or_name(&http.port, &hp.child("port")));
            let scheme = http.scheme.as_deref().unwrap_or("");
            if scheme != "HTTP" && scheme != "HTTPS" {
                errs.push(not_supported(
                    &hp.child("scheme"),
                    q(scheme),
                    &["HTTP", "HTTPS"],
                ));
            }
            for header in http.http_headers.iter().flatten() {
                for m in is_http_header_name(&header.name) {
                    errs.push(invalid(&hp.child("httpHeaders"), q(&header.name), &m));
                }
            }
        }
    }
    if let Some(tcp) = h.tcp_socket {
        if n > 0 {
            errs.push(forbidden(&p.child("tcpSocket"), more));
        } else {
            n += 1;
            errs.extend(validate_port_num_or_name(
                &tcp.port,
                &p.child("tcpSocket").child("port"),
            ));
        }
    }
    if let Some(port) = h.grpc_port {
        if n > 0 {
            errs.push(forbidden(&p.child("grpc"), more));
        } else {
            n += 1;
            errs.extend(validate_port_num_or_name(
                &IntOrString::Int(port),
                &p.child("grpc").child("port"),
            ));
        }
    }
    if let Some(sleep) = h.sleep {
        if n > 0 {
            errs.push(forbidden(&p.child("sleep"), more));
        } else {
            n += 1;
            if let Some(g) = grace {
                if sleep.seconds <= 0 || sleep.seconds > g {
                    errs.push(invalid(
                        &p.child("sleep"),
                        sleep.seconds.to_string(),
                        &format!("must be greater than 0 and less than terminationGracePeriodSeconds ({g}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."),
                    ));
                }
            }
        }
    }
    if n == 0 {
        errs.push(required(p, "must specify a handler type"));
    }
    errs
}

/// `validateLivenessProbe` / `validateReadinessProbe` / `validateStartupProbe`.
pub fn validate_probe(
    probe: Option<&Probe>,
    kind: ProbeKind,
    grace: Option<i64>,
    p: &Path,
) -> Vec<FieldError> {
    let Some(probe) = probe else {
        return Vec::new();
    };
    let h = Handler {
        exec: probe.exec.as_ref(),
        http_get: probe.http_get.as_ref(),
        tcp_socket: probe.tcp_socket.as_ref(),
        grpc_port: probe.grpc.as_ref().map(|g| g.port),
        sleep: None,
    };
    let mut errs = validate_handler(&h, grace, p);
    // Unset numbers carry their v1 defaults, which is what the internal type holds.
    let success = probe.success_threshold.unwrap_or(1);
    errs.extend(nonnegative(
        i64::from(probe.initial_delay_seconds.unwrap_or(0)),
        &p.child("initialDelaySeconds"),
    ));
    errs.extend(nonnegative(
        i64::from(probe.timeout_seconds.unwrap_or(1)),
        &p.child("timeoutSeconds"),
    ));
    errs.extend(nonnegative(
        i64::from(probe.period_seconds.unwrap_or(10)),
        &p.child("periodSeconds"),
    ));
    errs.extend(nonnegative(
        i64::from(success),
        &p.child("successThreshold"),
    ));
    errs.extend(nonnegative(
        i64::from(probe.failure_threshold.unwrap_or(3)),
        &p.child("failureThreshold"),
    ));
    if let Some(t) = probe.termination_grace_period_seconds.filter(|t| *t <= 0) {
        errs.push(invalid(
            &p.child("terminationGracePeriodSeconds"),
            t.to_string(),
            "must be greater than 0",
        ));
    }
    match kind {
        ProbeKind::Liveness | ProbeKind::Startup => {
            if success != 1 {
                errs.push(invalid(
                    &p.child("successThreshold"),
                    success.to_string(),
                    "must be 1",
                ));
            }
        }
        ProbeKind::Readiness => {
            if let Some(t) = probe.termination_grace_period_seconds {
                errs.push(invalid(
                    &p.child("terminationGracePeriodSeconds"),
                    t.to_string(),
                    "must not be set for readinessProbes",
                ));
            }
        }
    }
    errs
}

fn lifecycle_handler(h: &LifecycleHandler) -> Handler<'_> {
    Handler {
        exec: h.exec.as_ref(),
        http_get: h.http_get.as_ref(),
        tcp_socket: h.tcp_socket.as_ref(),
        grpc_port: None,
        sleep: h.sleep.as_ref(),
    }
}

/// `validateLifecycle`: `postStart` and `preStop` hooks.
pub fn validate_lifecycle(lc: &Lifecycle, grace: Option<i64>, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(h) = &lc.post_start {
        errs.extend(validate_handler(
            &lifecycle_handler(h),
            grace,
            &p.child("postStart"),
        ));
    }
    if let Some(h) = &lc.pre_stop {
        errs.extend(validate_handler(
            &lifecycle_handler(h),
            grace,
            &p.child("preStop"),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::GRPCAction;

    fn render(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn probe_needs_exactly_one_handler() {
        // Upstream TestValidateProbe: an empty probe has no handler.
        let errs = validate_probe(
            Some(&Probe::default()),
            ProbeKind::Readiness,
            Some(30),
            &Path::new("p"),
        );
        assert_eq!(
            render(&errs),
            vec!["p: Required value: must specify a handler type"]
        );
        let both = Probe {
            exec: Some(ExecAction {
                command: Some(vec!["true".into()]),
            }),
            grpc: Some(GRPCAction {
                port: 8080,
                service: None,
            }),
            ..Default::default()
        };
        assert_eq!(
            render(&validate_probe(
                Some(&both),
                ProbeKind::Readiness,
                Some(30),
                &Path::new("p")
            )),
            vec!["p.grpc: Forbidden: may not specify more than 1 handler type"]
        );
    }

    #[test]
    fn liveness_success_threshold_must_be_one() {
        let probe = Probe {
            tcp_socket: Some(TCPSocketAction {
                port: IntOrString::Int(80),
                host: None,
            }),
            success_threshold: Some(2),
            ..Default::default()
        };
        assert_eq!(
            render(&validate_probe(
                Some(&probe),
                ProbeKind::Liveness,
                Some(30),
                &Path::new("p")
            )),
            vec!["p.successThreshold: Invalid value: 2: must be 1"]
        );
    }

    #[test]
    fn ports_by_number_or_name() {
        assert_eq!(
            render(&validate_port_num_or_name(
                &IntOrString::Int(0),
                &Path::new("port")
            )),
            vec!["port: Invalid value: 0: must be between 1 and 65535, inclusive"]
        );
        assert_eq!(
            render(&validate_port_num_or_name(
                &IntOrString::String("80".into()),
                &Path::new("port")
            )),
            vec!["port: Invalid value: \"80\": must contain at least one letter (a-z)"]
        );
    }

    #[test]
    fn sleep_hook_is_bounded_by_grace_period() {
        let lc = Lifecycle {
            pre_stop: Some(LifecycleHandler {
                sleep: Some(SleepAction { seconds: 60 }),
                ..Default::default()
            }),
            ..Default::default()
        };
        assert_eq!(
            render(&validate_lifecycle(&lc, Some(30), &Path::new("lifecycle"))),
            vec!["lifecycle.preStop.sleep: Invalid value: 60: must be greater than 0 and less than terminationGracePeriodSeconds (30). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep."]
        );
    }
}
