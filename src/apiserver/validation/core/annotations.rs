//! Pod-specific annotations (`ValidatePodSpecificAnnotations`): the mirror-pod marker,
//! `controller.kubernetes.io/pod-deletion-cost`, and the legacy seccomp and AppArmor
//! annotations.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, Path};
use crate::apiserver::validation::gofmt::q;

/// `ValidatePodSpecificAnnotations`: mirror-pod, deletion-cost, seccomp and AppArmor
/// annotations.
pub fn validate_pod_specific_annotations(
    annotations: Option<&BTreeMap<String, String>>,
    spec: &PodSpec,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let Some(ann) = annotations else { return errs };
    if let Some(v) = ann.get("kubernetes.io/config.mirror") {
        if spec.node_name.as_deref().unwrap_or("").is_empty() {
            errs.push(invalid(
                &p.key("kubernetes.io/config.mirror"),
                q(v),
                "must set spec.nodeName if mirror pod annotation is set",
            ));
        }
    }
    if let Some(v) = ann.get("controller.kubernetes.io/pod-deletion-cost") {
        if v.parse::<i32>().is_err() {
            errs.push(invalid(
                &p.key("controller.kubernetes.io/pod-deletion-cost"),
                q(v),
                "must be a 32bit integer",
            ));
        }
    }
    for (k, v) in ann {
        if k == "seccomp.security.alpha.kubernetes.io/pod"
            || k.starts_with("container.seccomp.security.alpha.kubernetes.io/")
        {
            let ok = v == "runtime/default" || v == "docker/default" || v == "unconfined";
            match v.strip_prefix("localhost/") {
                Some(rest) => errs.extend(super::paths::validate_local_descending_path(
                    rest,
                    &p.child(k),
                )),
                None if !ok => errs.push(invalid(
                    &p.child(k),
                    q(v),
                    "must be a valid seccomp profile",
                )),
                None => {}
            }
        }
        if let Some(container) = k.strip_prefix("container.apparmor.security.beta.kubernetes.io/") {
            let all = spec
                .containers
                .iter()
                .chain(spec.init_containers.iter().flatten());
            if !all.map(|c| c.name.as_str()).any(|n| n == container)
                && !spec
                    .ephemeral_containers
                    .iter()
                    .flatten()
                    .any(|c| c.name == container)
            {
                errs.push(invalid(&p.key(k), q(container), "container not found"));
            }
            if !(v.is_empty()
                || v == "runtime/default"
                || v == "unconfined"
                || v.starts_with("localhost/"))
            {
                errs.push(invalid(
                    &p.key(k),
                    q(v),
                    &format!("invalid AppArmor profile name: {}", q(v)),
                ));
            }
        }
    }
    errs
}
