//! A container's environment as `kubectl describe` shows it (upstream
//! `describeContainerEnvFrom`, `describeContainerEnvVars`, `EnvValueRetriever`,
//! `resourcehelper.ExtractContainerResourceValue`).
//!
//! kubectl resolves `fieldRef` variables with client-go's scheme, which knows no Pod
//! field-label conversions, so only `metadata.name` and `metadata.namespace` resolve; the
//! others print an empty value, as in `MY_NODE_NAME:   (v1:spec.nodeName)`. A
//! `resourceFieldRef` shows the container's request or limit, and an unset CPU or memory
//! limit reads `node allocatable`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, EnvVar, Pod};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::writer::{go_int64, PrefixWriter, LEVEL_2, LEVEL_3};
use crate::model::quantity::{Format, Quantity};

/// `describeContainerEnvFrom`: `name\tConfigMap\tOptional: false` per source.
pub(super) fn describe_env_from(w: &mut PrefixWriter, c: &Container) {
    let sources = c.env_from.as_deref().unwrap_or_default();
    if sources.is_empty() {
        return;
    }
    put!(w, LEVEL_2, "Environment Variables from:\n");
    for e in sources {
        let (from, name, optional) = if let Some(r) = &e.config_map_ref {
            ("ConfigMap", r.name.as_str(), r.optional.unwrap_or(false))
        } else if let Some(r) = &e.secret_ref {
            ("Secret", r.name.as_str(), r.optional.unwrap_or(false))
        } else {
            ("", "", false)
        };
        match e.prefix.as_deref().filter(|p| !p.is_empty()) {
            None => put!(w, LEVEL_3, "{name}\t{from}\tOptional: {optional}\n"),
            Some(prefix) => put!(
                w,
                LEVEL_3,
                "{name}\t{from} with prefix '{prefix}'\tOptional: {optional}\n"
            ),
        }
    }
}

/// `describeContainerEnvVars`: plain values (multi-line ones continue under the value),
/// field references with their resolved value, resource references, and the key a
/// Secret or ConfigMap supplies.
pub(super) fn describe_env(w: &mut PrefixWriter, c: &Container, pod: Option<&Pod>) {
    let env = c.env.as_deref().unwrap_or_default();
    let none = if env.is_empty() { "\t<none>" } else { "" };
    put!(w, LEVEL_2, "Environment:{none}\n");
    for e in env {
        let Some(from) = &e.value_from else {
            for (i, line) in e.value.as_deref().unwrap_or("").split('\n').enumerate() {
                if i == 0 {
                    put!(w, LEVEL_3, "{}:\t{line}\n", e.name);
                } else {
                    put!(w, LEVEL_3, "\t{line}\n");
                }
            }
            continue;
        };
        if let Some(f) = &from.field_ref {
            let value = pod.map(|p| resolve_field_ref(e, p)).unwrap_or_default();
            put!(
                w,
                LEVEL_3,
                "{}:\t{value} ({}:{})\n",
                e.name,
                f.api_version.as_deref().unwrap_or(""),
                f.field_path
            );
        } else if let Some(r) = &from.resource_field_ref {
            let mut value =
                container_resource_value(&r.resource, r.divisor.as_ref(), c).unwrap_or_default();
            if value == "0" && (r.resource == "limits.cpu" || r.resource == "limits.memory") {
                value = "node allocatable".to_string();
            }
            put!(w, LEVEL_3, "{}:\t{value} ({})\n", e.name, r.resource);
        } else if let Some(s) = &from.secret_key_ref {
            put!(
                w,
                LEVEL_3,
                "{}:\t<set to the key '{}' in secret '{}'>\tOptional: {}\n",
                e.name,
                s.key,
                s.name,
                s.optional.unwrap_or(false)
            );
        } else if let Some(m) = &from.config_map_key_ref {
            put!(
                w,
                LEVEL_3,
                "{}:\t<set to the key '{}' of config map '{}'>\tOptional: {}\n",
                e.name,
                m.key,
                m.name,
                m.optional.unwrap_or(false)
            );
        }
    }
}

/// `EnvValueRetriever`: only the field paths client-go's scheme can convert for a Pod
/// (`metadata.name`, `metadata.namespace`) resolve; every other path is empty.
fn resolve_field_ref(e: &EnvVar, pod: &Pod) -> String {
    let path = e
        .value_from
        .as_ref()
        .and_then(|f| f.field_ref.as_ref())
        .map(|f| f.field_path.as_str())
        .unwrap_or("");
    match path {
        "metadata.name" => pod.metadata.name.clone().unwrap_or_default(),
        "metadata.namespace" => pod.metadata.namespace.clone().unwrap_or_default(),
        _ => String::new(),
    }
}

/// `ExtractContainerResourceValue`: the container's request or limit divided by the
/// divisor (1 when unset or zero), rounded up. Worked example: `limits.memory` of `64Mi`
/// with divisor `1Mi` is ceil(67108864 / 1048576) = `64`; `requests.cpu` of `250m` with
/// the default divisor is ceil(250 / 1000) = `1`.
fn container_resource_value(
    resource: &str,
    divisor: Option<&K8sQuantity>,
    c: &Container,
) -> Option<String> {
    let divisor = divisor
        .and_then(|d| Quantity::from_k8s(d).ok())
        .filter(|d| !d.is_zero())
        .unwrap_or_else(|| Quantity::new(1, Format::DecimalSI));
    let (list, name) = resource.split_once('.')?;
    let resources = c.resources.clone().unwrap_or_default();
    let values: BTreeMap<String, K8sQuantity> = match list {
        "limits" => resources.limits.unwrap_or_default(),
        "requests" => resources.requests.unwrap_or_default(),
        _ => return None,
    };
    let standard = matches!(name, "cpu" | "memory" | "ephemeral-storage");
    if !standard && !name.starts_with("hugepages-") {
        return None;
    }
    let value = values
        .get(name)
        .and_then(|q| Quantity::from_k8s(q).ok())
        .unwrap_or_else(|| Quantity::new(0, Format::DecimalSI));
    let ratio = if name == "cpu" {
        value.milli_value() as f64 / divisor.milli_value() as f64
    } else {
        value.value() as f64 / divisor.value() as f64
    };
    Some(go_int64(ratio.ceil()).to_string())
}
