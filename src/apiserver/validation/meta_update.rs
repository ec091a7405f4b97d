//! ObjectMeta update rules (apimachinery's `ValidateObjectMetaUpdate` and core's
//! wrapper): name, namespace, uid and timestamps are fixed, generation may not go down,
//! a deleting object may not gain finalizers, and the new labels, annotations and owner
//! references must be valid.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::field::{forbidden, immutable, invalid, Path};
use super::gofmt;
use super::meta::{
    validate_annotations, validate_kube_finalizer_name, validate_labels, validate_owner_references,
};
use crate::apiserver::errors::FieldError;

/// apimachinery's `ValidateObjectMetaUpdate`, minus the `resourceVersion` check (the API
/// server enforces that one itself).
pub fn validate_object_meta_update(
    new: &ObjectMeta,
    old: &ObjectMeta,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if old.deletion_timestamp.is_some() {
        let old_f = old.finalizers.as_deref().unwrap_or_default();
        let mut extra: Vec<String> = new
            .finalizers
            .iter()
            .flatten()
            .filter(|f| !old_f.contains(f))
            .cloned()
            .collect();
        extra.sort();
        extra.dedup();
        if !extra.is_empty() {
            errs.push(forbidden(
                &p.child("finalizers"),
                &format!("no new finalizers can be added if the object is being deleted, found new finalizers {}", gofmt::strings(Some(&extra))),
            ));
        }
    }
    let (new_gen, old_gen) = (new.generation.unwrap_or(0), old.generation.unwrap_or(0));
    if new_gen < old_gen {
        errs.push(invalid(
            &p.child("generation"),
            new_gen.to_string(),
            "must not be decremented",
        ));
    }
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    errs.extend(immutable(
        &s(&new.name),
        &s(&old.name),
        &p.child("name"),
        || gofmt::q(&s(&new.name)),
    ));
    errs.extend(immutable(
        &s(&new.namespace),
        &s(&old.namespace),
        &p.child("namespace"),
        || gofmt::q(&s(&new.namespace)),
    ));
    errs.extend(immutable(
        &s(&new.uid),
        &s(&old.uid),
        &p.child("uid"),
        || gofmt::q(&s(&new.uid)),
    ));
    errs.extend(immutable(
        &new.creation_timestamp,
        &old.creation_timestamp,
        &p.child("creationTimestamp"),
        || {
            new.creation_timestamp
                .as_ref()
                .map(gofmt::time)
                .unwrap_or_else(|| "0001-01-01 00:00:00 +0000 UTC".to_string())
        },
    ));
    errs.extend(immutable(
        &new.deletion_timestamp,
        &old.deletion_timestamp,
        &p.child("deletionTimestamp"),
        || {
            new.deletion_timestamp
                .as_ref()
                .map(gofmt::time)
                .unwrap_or_else(|| "null".to_string())
        },
    ));
    errs.extend(immutable(
        &new.deletion_grace_period_seconds,
        &old.deletion_grace_period_seconds,
        &p.child("deletionGracePeriodSeconds"),
        || gofmt::opt_num(new.deletion_grace_period_seconds),
    ));
    errs.extend(validate_labels(new.labels.as_ref(), &p.child("labels")));
    errs.extend(validate_annotations(
        new.annotations.as_ref(),
        &p.child("annotations"),
    ));
    errs.extend(validate_owner_references(
        new.owner_references.as_deref().unwrap_or_default(),
        &p.child("ownerReferences"),
    ));
    errs
}

/// Core's `ValidateObjectMetaUpdate`: apimachinery's update checks plus standard
/// finalizer names on the new object.
pub fn validate_object_meta_update_core(
    new: &ObjectMeta,
    old: &ObjectMeta,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = validate_object_meta_update(new, old, p);
    for (i, f) in new.finalizers.iter().flatten().enumerate() {
        errs.extend(validate_kube_finalizer_name(
            f,
            &p.child("finalizers").index(i),
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
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
    fn update_keeps_name_and_uid() {
        let mut old = meta("a", Some("default"));
        old.uid = Some("u1".into());
        let mut new = meta("b", Some("default"));
        new.uid = Some("u2".into());
        let errs = validate_object_meta_update(&new, &old, &Path::new("metadata"));
        assert_eq!(
            render(&errs),
            vec![
                "metadata.name: Invalid value: \"b\": field is immutable",
                "metadata.uid: Invalid value: \"u2\": field is immutable"
            ]
        );
    }

    #[test]
    fn deleting_objects_may_not_gain_finalizers() {
        let mut old = meta("a", Some("default"));
        old.deletion_timestamp = Some(k8s_openapi::apimachinery::pkg::apis::meta::v1::Time(
            k8s_openapi::chrono::DateTime::UNIX_EPOCH,
        ));
        let mut new = old.clone();
        new.finalizers = Some(vec!["example.com/x".into()]);
        assert_eq!(
            render(&validate_object_meta_update(&new, &old, &Path::new("metadata"))),
            vec!["metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"example.com/x\"}"]
        );
    }
}
