//! Container environment validation (`ValidateEnv`, `ValidateEnvFrom`): variable names
//! (relaxed, as the v1.32 default), exactly one `valueFrom` source, downward-API field
//! and resource references, and ConfigMap/Secret key references.

use k8s_openapi::api::core::v1::{EnvFromSource, EnvVar};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, required, Path};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::{
    is_config_map_key, is_relaxed_env_var_name, name_is_dns_subdomain,
};

/// Downward-API field paths an env var may reference.
const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `ValidateEnv` with the v1.32 default of relaxed names.
pub fn validate_env(vars: &[EnvVar], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ev) in vars.iter().enumerate() {
        let ip = p.index(i);
        if ev.name.is_empty() {
            errs.push(required(&ip.child("name"), ""));
        } else {
            errs.extend(
                is_relaxed_env_var_name(&ev.name)
                    .into_iter()
                    .map(|m| invalid(&ip.child("name"), q(&ev.name), &m)),
            );
        }
        let Some(from) = &ev.value_from else { continue };
        let fp = ip.child("valueFrom");
        let mut sources = 0;
        if let Some(fr) = &from.field_ref {
            sources += 1;
            errs.extend(super::downward::validate_object_field_selector(
                fr,
                ENV_FIELD_PATHS,
                &fp.child("fieldRef"),
            ));
        }
        if let Some(rr) = &from.resource_field_ref {
            sources += 1;
            errs.extend(super::downward::validate_resource_field_selector(
                rr,
                false,
                &fp.child("resourceFieldRef"),
            ));
        }
        if let Some(cm) = &from.config_map_key_ref {
            sources += 1;
            errs.extend(validate_key_selector(
                &cm.name,
                &cm.key,
                &fp.child("configMapKeyRef"),
            ));
        }
        if let Some(s) = &from.secret_key_ref {
            sources += 1;
            errs.extend(validate_key_selector(
                &s.name,
                &s.key,
                &fp.child("secretKeyRef"),
            ));
        }
        if sources == 0 {
            errs.push(invalid(&fp, q(""), "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
        } else if !ev.value.as_deref().unwrap_or("").is_empty() {
            errs.push(invalid(
                &fp,
                q(""),
                "may not be specified when `value` is not empty",
            ));
        } else if sources > 1 {
            errs.push(invalid(
                &fp,
                q(""),
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}

/// `validateConfigMapKeySelector` / `validateSecretKeySelector`.
fn validate_key_selector(name: &str, key: &str, p: &Path) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = name_is_dns_subdomain(name, false)
        .into_iter()
        .map(|m| invalid(&p.child("name"), q(name), &m))
        .collect();
    if key.is_empty() {
        errs.push(required(&p.child("key"), ""));
    } else {
        errs.extend(
            is_config_map_key(key)
                .into_iter()
                .map(|m| invalid(&p.child("key"), q(key), &m)),
        );
    }
    errs
}

/// `ValidateEnvFrom`.
pub fn validate_env_from(vars: &[EnvFromSource], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, ev) in vars.iter().enumerate() {
        let ip = p.index(i);
        if let Some(prefix) = ev.prefix.as_deref().filter(|s| !s.is_empty()) {
            errs.extend(
                is_relaxed_env_var_name(prefix)
                    .into_iter()
                    .map(|m| invalid(&ip.child("prefix"), q(prefix), &m)),
            );
        }
        let mut sources = 0;
        for (present, name, child) in [
            (
                ev.config_map_ref.is_some(),
                ev.config_map_ref.as_ref().map(|r| r.name.as_str()),
                "configMapRef",
            ),
            (
                ev.secret_ref.is_some(),
                ev.secret_ref.as_ref().map(|r| r.name.as_str()),
                "secretRef",
            ),
        ] {
            if !present {
                continue;
            }
            sources += 1;
            let name = name.unwrap_or("");
            let np = ip.child(child).child("name");
            if name.is_empty() {
                errs.push(required(&np, ""));
            } else {
                errs.extend(
                    name_is_dns_subdomain(name, true)
                        .into_iter()
                        .map(|m| invalid(&np, q(name), &m)),
                );
            }
        }
        if sources == 0 {
            errs.push(invalid(
                p,
                q(""),
                "must specify one of: `configMapRef` or `secretRef`",
            ));
        } else if sources > 1 {
            errs.push(invalid(
                p,
                q(""),
                "may not have more than one field specified at a time",
            ));
        }
    }
    errs
}
