//! Downward-API references (`validateObjectFieldSelector`,
//! `validateContainerResourceFieldSelector`): which pod fields and container resources
//! env vars and volume files may expose, with the conversion errors of
//! `ConvertDownwardAPIFieldLabel` and the supported divisors.

use k8s_openapi::api::core::v1::{ObjectFieldSelector, ResourceFieldSelector};

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, not_supported, required, Path};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::names::is_qualified_name;
use crate::apiserver::validation::quantity;

/// Field labels `ConvertDownwardAPIFieldLabel` accepts for `v1`.
const CONVERTIBLE_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `fieldpath.SplitMaybeSubscriptedPath`: `metadata.labels['app']` → (`metadata.labels`, `app`).
fn split_subscript(path: &str) -> Option<(&str, &str)> {
    let s = path.strip_suffix("']")?;
    let (head, key) = s.split_once("['")?;
    if head.is_empty() {
        None
    } else {
        Some((head, key))
    }
}

/// `validateObjectFieldSelector` (`fieldRef`) against the allowed expressions.
pub fn validate_object_field_selector(
    fs: &ObjectFieldSelector,
    allowed: &[&str],
    p: &Path,
) -> Vec<FieldError> {
    let version = fs.api_version.as_deref().unwrap_or("");
    if version.is_empty() {
        return vec![required(&p.child("apiVersion"), "")];
    }
    if fs.field_path.is_empty() {
        return vec![required(&p.child("fieldPath"), "")];
    }
    let convert_err = if version != "v1" {
        Some(format!("unsupported pod version: {version}"))
    } else if let Some((head, _)) = split_subscript(&fs.field_path) {
        (head != "metadata.annotations" && head != "metadata.labels")
            .then(|| format!("field label does not support subscript: {}", fs.field_path))
    } else if !CONVERTIBLE_FIELD_PATHS.contains(&fs.field_path.as_str())
        && fs.field_path != "spec.host"
    {
        Some(format!("field label not supported: {}", fs.field_path))
    } else {
        None
    };
    if let Some(e) = convert_err {
        return vec![invalid(
            &p.child("fieldPath"),
            q(&fs.field_path),
            &format!("error converting fieldPath: {e}"),
        )];
    }
    let path = if fs.field_path == "spec.host" {
        "spec.nodeName"
    } else {
        fs.field_path.as_str()
    };
    if let Some((head, key)) = split_subscript(path) {
        let key = if head == "metadata.annotations" {
            key.to_lowercase()
        } else {
            key.to_string()
        };
        return is_qualified_name(&key)
            .into_iter()
            .map(|m| invalid(p, q(&key), &m))
            .collect();
    }
    if !allowed.contains(&path) {
        return vec![not_supported(&p.child("fieldPath"), q(path), allowed)];
    }
    Vec::new()
}

const RESOURCE_FIELD_PATHS: &[&str] = &[
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// `validateContainerResourceFieldSelector` (`resourceFieldRef`); volume files must also
/// name the container.
pub fn validate_resource_field_selector(
    fs: &ResourceFieldSelector,
    volume: bool,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let resource = fs.resource.as_str();
    if volume && fs.container_name.as_deref().unwrap_or("").is_empty() {
        errs.push(required(&p.child("containerName"), ""));
    } else if resource.is_empty() {
        errs.push(required(&p.child("resource"), ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource)
        && !resource.starts_with("limits.hugepages-")
        && !resource.starts_with("requests.hugepages-")
    {
        errs.push(not_supported(
            &p.child("resource"),
            q(resource),
            RESOURCE_FIELD_PATHS,
        ));
    }
    if let Some(d) = fs
        .divisor
        .as_ref()
        .and_then(|d| quantity::parse(&d.0))
        .filter(|d| d.nano != 0)
    {
        let canon = d.canonical();
        let mem_ok = [
            "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
        ]
        .contains(&canon.as_str());
        let msg = match resource {
            "limits.cpu" | "requests.cpu" if canon != "1m" && canon != "1" => Some("only divisor's values 1m and 1 are supported with the cpu resource"),
            "limits.memory" | "requests.memory" if !mem_ok => {
                Some("only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource")
            }
            "limits.ephemeral-storage" | "requests.ephemeral-storage" if !mem_ok => Some(
                "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the local ephemeral storage resource",
            ),
            _ => None,
        };
        if let Some(msg) = msg {
            errs.push(invalid(&p.child("divisor"), q(resource), msg));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn field_refs_follow_downward_api_rules() {
        let fs = ObjectFieldSelector {
            api_version: Some("v1".into()),
            field_path: "metadata.labels".into(),
        };
        let errs = validate_object_field_selector(
            &fs,
            &["metadata.name", "metadata.namespace"],
            &Path::new("f"),
        );
        assert_eq!(render(&errs), vec!["f.fieldPath: Unsupported value: \"metadata.labels\": supported values: \"metadata.name\", \"metadata.namespace\""]);
        let fs = ObjectFieldSelector {
            api_version: Some("v1".into()),
            field_path: "foo".into(),
        };
        let errs = validate_object_field_selector(&fs, &[], &Path::new("f"));
        assert_eq!(render(&errs), vec!["f.fieldPath: Invalid value: \"foo\": error converting fieldPath: field label not supported: foo"]);
    }
}
