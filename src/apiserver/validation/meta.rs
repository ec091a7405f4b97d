//! ObjectMeta validation on create (apimachinery's `api/validation/objectmeta.go` plus
//! core's finalizer wrapper): name/generateName, namespace, generation, labels,
//! annotations and their total size, ownerReferences, finalizers. Re-exports the update
//! rules (`meta_update`) and the label and selector validators (`labels`) so callers
//! find all metadata checks here.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use super::field::{forbidden, invalid, nonnegative, required, too_long, Path};
use super::gofmt;
use super::names::{is_dns1123_label, is_qualified_name};

pub use super::labels::{
    selector_is_empty, selector_is_nil, selector_matches, validate_label_name,
    validate_label_selector, validate_labels,
};
pub use super::meta_update::{validate_object_meta_update, validate_object_meta_update_core};
use crate::apiserver::errors::FieldError;

/// The name validator signature (`ValidateNameFunc`).
pub type NameFn = fn(&str, bool) -> Vec<String>;

/// Upstream's `TotalAnnotationSizeLimitB` (256 KiB).
const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;

/// `ValidateAnnotations`: keys are qualified names (checked lower-cased), total size of
/// keys and values at most 256 KiB.
pub fn validate_annotations(
    annotations: Option<&BTreeMap<String, String>>,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut total = 0usize;
    for (k, v) in annotations.into_iter().flatten() {
        for msg in is_qualified_name(&k.to_lowercase()) {
            errs.push(invalid(p, gofmt::q(k), &msg));
        }
        total += k.len() + v.len();
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        errs.push(too_long(p, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
    errs
}

/// Upstream's `schema.ParseGroupVersion` → version part (empty when unparsable).
fn version_of(api_version: &str) -> &str {
    match api_version.split('/').collect::<Vec<_>>().as_slice() {
        [v] => v,
        [_, v] => v,
        _ => "",
    }
}

/// `ValidateOwnerReferences`: complete references, no Event owners, one controller.
pub(crate) fn validate_owner_references(refs: &[OwnerReference], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut first_controller = String::new();
    for r in refs {
        let version = version_of(&r.api_version);
        if version.is_empty() {
            errs.push(invalid(
                &p.child("apiVersion"),
                gofmt::q(&r.api_version),
                "version must not be empty",
            ));
        }
        if r.kind.is_empty() {
            errs.push(invalid(
                &p.child("kind"),
                gofmt::q(&r.kind),
                "kind must not be empty",
            ));
        }
        if r.name.is_empty() {
            errs.push(invalid(
                &p.child("name"),
                gofmt::q(&r.name),
                "name must not be empty",
            ));
        }
        if r.uid.is_empty() {
            errs.push(invalid(
                &p.child("uid"),
                gofmt::q(&r.uid),
                "uid must not be empty",
            ));
        }
        if r.api_version == "v1" && r.kind == "Event" {
            errs.push(invalid(
                p,
                gofmt::owner_reference(r),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if r.controller == Some(true) {
            let this = format!("{}/{}", r.kind, r.name);
            if first_controller.is_empty() {
                first_controller = this;
            } else {
                let all: Vec<String> = refs.iter().map(gofmt::owner_reference).collect();
                errs.push(invalid(
                    p,
                    format!("[]v1.OwnerReference{{{}}}", all.join(", ")),
                    &format!("Only one reference can have Controller set to true. Found \"true\" in references for {first_controller} and {this}"),
                ));
            }
        }
    }
    errs
}

fn validate_finalizers(finalizers: &[String], p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for f in finalizers {
        for msg in is_qualified_name(f) {
            errs.push(invalid(p, gofmt::q(f), &msg));
        }
    }
    if finalizers.iter().any(|f| f == "orphan")
        && finalizers.iter().any(|f| f == "foregroundDeletion")
    {
        errs.push(invalid(
            p,
            gofmt::strings(Some(&finalizers.to_vec())),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

/// Core's `validateKubeFinalizerName`: an unqualified finalizer must be a standard one.
pub fn validate_kube_finalizer_name(name: &str, p: &Path) -> Vec<FieldError> {
    if !name.contains('/') && !["kubernetes", "orphan", "foregroundDeletion"].contains(&name) {
        vec![invalid(
            p,
            gofmt::q(name),
            "name is neither a standard finalizer name nor is it fully qualified",
        )]
    } else {
        Vec::new()
    }
}

/// apimachinery's `ValidateObjectMeta` for a newly created object.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: NameFn,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if let Some(gen) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
        for msg in name_fn(gen, true) {
            errs.push(invalid(&p.child("generateName"), gofmt::q(gen), &msg));
        }
    }
    match meta.name.as_deref().filter(|n| !n.is_empty()) {
        None => errs.push(required(
            &p.child("name"),
            "name or generateName is required",
        )),
        Some(name) => {
            for msg in name_fn(name, false) {
                errs.push(invalid(&p.child("name"), gofmt::q(name), &msg));
            }
        }
    }
    let ns = meta.namespace.as_deref().unwrap_or("");
    if requires_namespace {
        if ns.is_empty() {
            errs.push(required(&p.child("namespace"), ""));
        } else {
            for msg in is_dns1123_label(ns) {
                errs.push(invalid(&p.child("namespace"), gofmt::q(ns), &msg));
            }
        }
    } else if !ns.is_empty() {
        errs.push(forbidden(&p.child("namespace"), "not allowed on this type"));
    }
    errs.extend(nonnegative(
        meta.generation.unwrap_or(0),
        &p.child("generation"),
    ));
    errs.extend(validate_labels(meta.labels.as_ref(), &p.child("labels")));
    errs.extend(validate_annotations(
        meta.annotations.as_ref(),
        &p.child("annotations"),
    ));
    errs.extend(validate_owner_references(
        meta.owner_references.as_deref().unwrap_or_default(),
        &p.child("ownerReferences"),
    ));
    errs.extend(validate_finalizers(
        meta.finalizers.as_deref().unwrap_or_default(),
        &p.child("finalizers"),
    ));
    errs
}

/// Core's `ValidateObjectMeta`: apimachinery's checks plus standard finalizer names.
pub fn validate_object_meta_core(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: NameFn,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = validate_object_meta(meta, requires_namespace, name_fn, p);
    for (i, f) in meta.finalizers.iter().flatten().enumerate() {
        errs.extend(validate_kube_finalizer_name(
            f,
            &p.child("finalizers").index(i),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::super::names::name_is_dns_subdomain;
    use super::*;

    fn meta(name: &str, ns: Option<&str>) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.into()),
            namespace: ns.map(Into::into),
            ..Default::default()
        }
    }

    fn render(errs: &[FieldError]) -> Vec<String> {
        errs.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn name_or_generate_name_is_required() {
        // ValidateObjectMeta on v1.32: `metadata.name: Required value: name or generateName is required`.
        let errs = validate_object_meta(
            &ObjectMeta {
                namespace: Some("default".into()),
                ..Default::default()
            },
            true,
            name_is_dns_subdomain,
            &Path::new("metadata"),
        );
        assert_eq!(
            render(&errs),
            vec!["metadata.name: Required value: name or generateName is required"]
        );
    }

    #[test]
    fn namespace_rules_follow_scope() {
        let errs = validate_object_meta(
            &meta("a", None),
            true,
            name_is_dns_subdomain,
            &Path::new("metadata"),
        );
        assert_eq!(render(&errs), vec!["metadata.namespace: Required value"]);
        let errs = validate_object_meta(
            &meta("a", Some("x")),
            false,
            name_is_dns_subdomain,
            &Path::new("metadata"),
        );
        assert_eq!(
            render(&errs),
            vec!["metadata.namespace: Forbidden: not allowed on this type"]
        );
    }

    #[test]
    fn label_errors_are_reported_at_the_map_path() {
        let mut m = meta("a", Some("default"));
        m.labels = Some(BTreeMap::from([("app".to_string(), "-bad".to_string())]));
        let errs = validate_object_meta(&m, true, name_is_dns_subdomain, &Path::new("metadata"));
        assert_eq!(
            render(&errs),
            vec!["metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]
        );
    }

    #[test]
    fn annotations_total_size_is_limited() {
        let mut m = meta("a", Some("default"));
        m.annotations = Some(BTreeMap::from([(
            "big".to_string(),
            "x".repeat(256 * 1024),
        )]));
        let errs = validate_object_meta(&m, true, name_is_dns_subdomain, &Path::new("metadata"));
        assert_eq!(
            render(&errs),
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes"]
        );
    }

    #[test]
    fn owner_references_need_all_fields() {
        let mut m = meta("a", Some("default"));
        m.owner_references = Some(vec![OwnerReference {
            api_version: "apps/".into(),
            kind: "".into(),
            name: "".into(),
            uid: "".into(),
            ..Default::default()
        }]);
        let errs = validate_object_meta(&m, true, name_is_dns_subdomain, &Path::new("metadata"));
        assert_eq!(
            render(&errs),
            vec![
                "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
                "metadata.ownerReferences.kind: Invalid value: \"\": kind must not be empty",
                "metadata.ownerReferences.name: Invalid value: \"\": name must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty",
            ]
        );
    }

    #[test]
    fn finalizers_must_be_qualified_or_standard() {
        let mut m = meta("a", Some("default"));
        m.finalizers = Some(vec![
            "foo".into(),
            "orphan".into(),
            "foregroundDeletion".into(),
        ]);
        let errs =
            validate_object_meta_core(&m, true, name_is_dns_subdomain, &Path::new("metadata"));
        assert_eq!(
            render(&errs),
            vec![
                "metadata.finalizers: Invalid value: []string{\"foo\", \"orphan\", \"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set",
                "metadata.finalizers[0]: Invalid value: \"foo\": name is neither a standard finalizer name nor is it fully qualified",
            ]
        );
    }
}
