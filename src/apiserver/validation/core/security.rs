//! Security-context validation for containers (`ValidateSecurityContext`) and pods
//! (`validatePodSpecSecurityContext`): user and group id ranges, procMount, seccomp and
//! AppArmor profiles, `allowPrivilegeEscalation` against `privileged`, sysctl names and
//! their host-namespace conflicts, fsGroupChangePolicy.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{
    AppArmorProfile, PodSecurityContext, PodSpec, SeccompProfile, SecurityContext,
};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{duplicate, invalid, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::names::is_valid_id;

fn id_errors(id: Option<i64>, p: &Path) -> Vec<FieldError> {
    id.map(|id| {
        is_valid_id(id)
            .into_iter()
            .map(|m| invalid(p, id.to_string(), &m))
            .collect()
    })
    .unwrap_or_default()
}

/// Go's `%#v` of a `core.SeccompProfile` value.
fn seccomp_go_value(sp: &SeccompProfile) -> String {
    format!(
        "core.SeccompProfile{{Type:{}, LocalhostProfile:{}}}",
        q(&sp.type_),
        gofmt::ptr("string", sp.localhost_profile.as_ref())
    )
}

/// `validateSeccompProfileField`.
pub fn validate_seccomp_profile(sp: Option<&SeccompProfile>, p: &Path) -> Vec<FieldError> {
    let Some(sp) = sp else { return Vec::new() };
    let mut errs = Vec::new();
    match sp.type_.as_str() {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => errs.push(required(
            &p.child("type"),
            "type is required when seccompProfile is set",
        )),
        other => errs.push(not_supported(
            &p.child("type"),
            q(other),
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    if sp.type_ == "Localhost" {
        match &sp.localhost_profile {
            None => errs.push(required(
                &p.child("localhostProfile"),
                "must be set when seccomp type is Localhost",
            )),
            Some(lp) => errs.extend(super::paths::validate_local_descending_path(
                lp,
                &p.child("localhostProfile"),
            )),
        }
    } else if sp.localhost_profile.is_some() {
        errs.push(invalid(
            &p.child("localhostProfile"),
            seccomp_go_value(sp),
            "can only be set when seccomp type is Localhost",
        ));
    }
    errs
}

/// `ValidateAppArmorProfileField`.
pub fn validate_apparmor_profile(profile: Option<&AppArmorProfile>, p: &Path) -> Vec<FieldError> {
    let Some(profile) = profile else {
        return Vec::new();
    };
    let mut errs = Vec::new();
    match profile.type_.as_str() {
        "Localhost" => match &profile.localhost_profile {
            None => errs.push(required(
                &p.child("localhostProfile"),
                "must be set when AppArmor type is Localhost",
            )),
            Some(lp) => {
                let trimmed = lp.trim();
                if trimmed != lp {
                    errs.push(invalid(
                        &p.child("localhostProfile"),
                        q(lp),
                        "must not be padded with whitespace",
                    ));
                } else if trimmed.is_empty() {
                    errs.push(required(
                        &p.child("localhostProfile"),
                        "must be set when AppArmor type is Localhost",
                    ));
                }
                if lp.len() > 4095 {
                    errs.push(crate::apiserver::validation::field::too_long(
                        &p.child("localhostProfile"),
                        4095,
                    ));
                }
            }
        },
        "RuntimeDefault" | "Unconfined" => {
            if let Some(lp) = &profile.localhost_profile {
                errs.push(invalid(
                    &p.child("localhostProfile"),
                    q(lp),
                    "can only be set when AppArmor type is Localhost",
                ));
            }
        }
        "" => errs.push(required(
            &p.child("type"),
            "type is required when appArmorProfile is set",
        )),
        other => errs.push(not_supported(
            &p.child("type"),
            q(other),
            &["Localhost", "RuntimeDefault", "Unconfined"],
        )),
    }
    errs
}

/// Go's `%#v` of a `core.SecurityContext` (abbreviated to its boolean switches, which are
/// what the messages that print it are about).
fn security_context_go_value(sc: &SecurityContext) -> String {
    format!(
        "core.SecurityContext{{Capabilities:{}, Privileged:{}, AllowPrivilegeEscalation:{}}}",
        gofmt::ptr("core.Capabilities", sc.capabilities.as_ref()),
        gofmt::ptr("bool", sc.privileged.as_ref()),
        gofmt::ptr("bool", sc.allow_privilege_escalation.as_ref())
    )
}

/// `ValidateSecurityContext` for one container. Privileged containers are allowed, as on
/// a kubeadm cluster (`--allow-privileged=true`).
pub fn validate_security_context(
    sc: Option<&SecurityContext>,
    host_users: bool,
    p: &Path,
) -> Vec<FieldError> {
    let Some(sc) = sc else { return Vec::new() };
    let mut errs = id_errors(sc.run_as_user, &p.child("runAsUser"));
    errs.extend(id_errors(sc.run_as_group, &p.child("runAsGroup")));
    if let Some(pm) = &sc.proc_mount {
        if pm != "Default" && pm != "Unmasked" {
            errs.push(not_supported(
                &p.child("procMount"),
                q(pm),
                &["Default", "Unmasked"],
            ));
        }
        if host_users && pm == "Unmasked" {
            errs.push(invalid(
                &p.child("procMount"),
                q(pm),
                "`hostUsers` must be false to use `Unmasked`",
            ));
        }
    }
    errs.extend(validate_seccomp_profile(
        sc.seccomp_profile.as_ref(),
        &p.child("seccompProfile"),
    ));
    if sc.allow_privilege_escalation == Some(false) {
        if sc.privileged == Some(true) {
            errs.push(invalid(
                p,
                security_context_go_value(sc),
                "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
            ));
        }
        let adds = sc.capabilities.as_ref().and_then(|c| c.add.as_ref());
        for cap in adds.into_iter().flatten() {
            if cap == "CAP_SYS_ADMIN" {
                errs.push(invalid(p, security_context_go_value(sc), "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
            }
        }
    }
    errs.extend(validate_apparmor_profile(
        sc.app_armor_profile.as_ref(),
        &p.child("appArmorProfile"),
    ));
    errs
}

/// A sysctl segment: `[a-z0-9]([-_a-z0-9]*[a-z0-9])?`.
fn sysctl_segment_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => {
            alnum(f) && alnum(l) && b.iter().all(|&c| alnum(c) || c == b'-' || c == b'_')
        }
        _ => false,
    }
}

/// `IsValidSysctlName`: segments joined by `.` or `/`, at most 253 characters.
fn is_valid_sysctl_name(name: &str) -> bool {
    name.len() <= 253 && name.split(['.', '/']).all(sysctl_segment_ok)
}

/// Which host namespace a sysctl belongs to (`sysctl.GetNamespace`).
fn sysctl_namespace(name: &str) -> &'static str {
    let name = if name.contains('/') {
        name.replace('/', ".")
    } else {
        name.to_string()
    };
    const IPC: &[&str] = &[
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
    ];
    if name.starts_with("net.") {
        "net"
    } else if IPC.contains(&name.as_str()) || name.starts_with("fs.mqueue.") {
        "ipc"
    } else {
        ""
    }
}

/// `validatePodSpecSecurityContext`. `spec` supplies the host-namespace switches that
/// the internal type keeps inside the security context.
pub fn validate_pod_security_context(spec: &PodSpec, p: &Path) -> Vec<FieldError> {
    let Some(sc) = spec.security_context.as_ref() else {
        return Vec::new();
    };
    let sc: &PodSecurityContext = sc;
    let mut errs = id_errors(sc.fs_group, &p.child("fsGroup"));
    errs.extend(id_errors(sc.run_as_user, &p.child("runAsUser")));
    errs.extend(id_errors(sc.run_as_group, &p.child("runAsGroup")));
    for (i, gid) in sc.supplemental_groups.iter().flatten().enumerate() {
        errs.extend(id_errors(
            Some(*gid),
            &p.child("supplementalGroups").index(i),
        ));
    }
    if spec.share_process_namespace == Some(true) && spec.host_pid == Some(true) {
        errs.push(invalid(
            &p.child("shareProcessNamespace"),
            "true",
            "ShareProcessNamespace and HostPID cannot both be enabled",
        ));
    }
    let mut names = BTreeSet::new();
    for (i, s) in sc.sysctls.iter().flatten().enumerate() {
        let np = p.child("sysctls").index(i).child("name");
        if s.name.is_empty() {
            errs.push(required(&np, ""));
        } else if !is_valid_sysctl_name(&s.name) {
            errs.push(invalid(
                &np,
                q(&s.name),
                "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$",
            ));
        } else if names.contains(&s.name) {
            errs.push(duplicate(&np, q(&s.name)));
        }
        match sysctl_namespace(&s.name) {
            "net" if spec.host_network == Some(true) => errs.push(invalid(
                &np,
                q(&s.name),
                "may not be specified when 'hostNetwork' is true",
            )),
            "ipc" if spec.host_ipc == Some(true) => errs.push(invalid(
                &np,
                q(&s.name),
                "may not be specified when 'hostIPC' is true",
            )),
            _ => {}
        }
        names.insert(s.name.clone());
    }
    if let Some(policy) = &sc.fs_group_change_policy {
        if policy != "Always" && policy != "OnRootMismatch" {
            errs.push(not_supported(
                &p.child("fsGroupChangePolicy"),
                q(policy),
                &["Always", "OnRootMismatch"],
            ));
        }
    }
    errs.extend(validate_seccomp_profile(
        sc.seccomp_profile.as_ref(),
        &p.child("seccompProfile"),
    ));
    errs.extend(validate_apparmor_profile(
        sc.app_armor_profile.as_ref(),
        &p.child("appArmorProfile"),
    ));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::Sysctl;

    #[test]
    fn run_as_user_must_fit_int32() {
        let sc = SecurityContext {
            run_as_user: Some(-1),
            ..Default::default()
        };
        let errs = validate_security_context(Some(&sc), true, &Path::new("sc"));
        assert_eq!(
            errs[0].to_string(),
            "sc.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive"
        );
    }

    #[test]
    fn seccomp_type_is_required() {
        let errs = validate_seccomp_profile(Some(&SeccompProfile::default()), &Path::new("s"));
        assert_eq!(
            errs[0].to_string(),
            "s.type: Required value: type is required when seccompProfile is set"
        );
    }

    #[test]
    fn net_sysctls_conflict_with_host_network() {
        let spec = PodSpec {
            host_network: Some(true),
            security_context: Some(PodSecurityContext {
                sysctls: Some(vec![Sysctl {
                    name: "net.ipv4.ip_forward".into(),
                    value: "1".into(),
                }]),
                ..Default::default()
            }),
            ..Default::default()
        };
        let errs =
            validate_pod_security_context(&spec, &Path::new("spec").child("securityContext"));
        assert_eq!(
            errs[0].to_string(),
            "spec.securityContext.sysctls[0].name: Invalid value: \"net.ipv4.ip_forward\": may not be specified when 'hostNetwork' is true"
        );
    }
}
