//! API-server validation, faithful to Kubernetes v1.32: every field error an object has,
//! with upstream's paths, bad-value rendering and message text, so that `kubectl` shows
//! exactly what a real cluster would (`Deployment.apps "web" is invalid: ...`).
//!
//! Validation runs after defaulting, on the object as the API server will store it.
//! `validate_create` and `validate_update` dispatch per group (`core`, `apps`, `batch`,
//! `other`) and then add what upstream's generic registry checks for every kind
//! (`rest.BeforeCreate` / `BeforeUpdate`), dropping repeated messages the way
//! `ErrorList.ToAggregate` does. Not checked here, because the API server itself does it:
//! `metadata.resourceVersion` on update, name generation, and namespace defaulting.
//!
//! Like upstream, a few checks assume steps the API server runs before validation:
//! `metadata.uid` is assigned (Jobs need it for their generated selector, see
//! `generate_job_selector`), a Service's `clusterIP` is mirrored into `clusterIPs`
//! (upstream's `normalizeClusterIPs`), and v1 defaults are applied (restart and DNS
//! policies, pull policies, termination message policy, port protocols, grace period,
//! probe schemes and paths, Service type, session affinity and traffic policies).

pub mod apps;
pub mod batch;
pub mod core;
pub mod field;
pub mod formats;
pub mod gofmt;
pub mod labels;
pub mod meta;
pub mod meta_update;
pub mod names;
pub mod other;
pub mod quantity;

pub use batch::generate_job_selector;
pub use names::name_validator;

use crate::apiserver::errors::FieldError;
use crate::model::Object;

use field::Path;
use names::validate_path_segment_name;

/// Every field error of a new object (empty when it is valid).
pub fn validate_create(obj: &Object) -> Vec<FieldError> {
    let errs = core::validate_create(obj)
        .or_else(|| apps::validate_create(obj))
        .or_else(|| batch::validate_create(obj))
        .or_else(|| other::validate_create(obj))
        .unwrap_or_default();
    if !errs.is_empty() {
        return dedupe(errs);
    }
    // `rest.BeforeCreate` checks the metadata of every kind once the kind's own
    // validation passed; for kinds without a name rule this is the only name check.
    let namespaced = obj.kind().info().namespaced;
    dedupe(meta::validate_object_meta(
        obj.meta(),
        namespaced,
        validate_path_segment_name,
        &Path::new("metadata"),
    ))
}

/// Every field error of an update from `old` to `new` (empty when it is allowed).
/// Objects of different kinds are reported as an internal error on `kind`.
pub fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    if new.kind() != old.kind() {
        return vec![FieldError {
            kind: crate::apiserver::errors::FieldErrorType::Internal,
            field: "kind".to_string(),
            bad_value: None,
            detail: format!(
                "cannot update a {} with a {}",
                old.kind().info().kind,
                new.kind().info().kind
            ),
        }];
    }
    // `rest.BeforeUpdate` validates the common metadata first, then the kind's rules.
    let namespaced = new.kind().info().namespaced;
    let meta_path = Path::new("metadata");
    let mut errs = meta::validate_object_meta(
        new.meta(),
        namespaced,
        validate_path_segment_name,
        &meta_path,
    );
    errs.extend(meta::validate_object_meta_update(
        new.meta(),
        old.meta(),
        &meta_path,
    ));
    errs.extend(
        core::validate_update(new, old)
            .or_else(|| apps::validate_update(new, old))
            .or_else(|| batch::validate_update(new, old))
            .or_else(|| other::validate_update(new, old))
            .unwrap_or_default(),
    );
    dedupe(errs)
}

/// Drops repeated messages, keeping the first (`ErrorList.ToAggregate`).
fn dedupe(errs: Vec<FieldError>) -> Vec<FieldError> {
    let mut seen = std::collections::BTreeSet::new();
    errs.into_iter()
        .filter(|e| seen.insert(e.to_string()))
        .collect()
}

#[cfg(test)]
mod tests;
