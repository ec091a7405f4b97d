//! Job validation (`ValidateJob`, `ValidateJobUpdate`): the generated selector and pod
//! labels, a required selector matching the template, the indexed-job hostname limit,
//! and the fields an update may not change.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::{
    generate_job_selector, validate_job_spec_common, CONTROLLER_UID, JOB_NAME,
    LEGACY_CONTROLLER_UID, LEGACY_JOB_NAME,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::{
    selector_is_empty, selector_matches, validate_label_selector, validate_object_meta_core,
    validate_object_meta_update_core,
};
use crate::apiserver::validation::names::{
    is_dns1123_label, name_is_dns_subdomain, FIELD_IMMUTABLE_ERROR_MSG,
};

/// `ValidateHasLabel` on the pod template.
fn has_label(meta: &ObjectMeta, key: &str, expected: &str, p: &Path) -> Vec<FieldError> {
    let labels = meta.labels.clone().unwrap_or_default();
    match labels.get(key) {
        None => vec![required(
            &p.child("labels").key(key),
            &format!("must be '{expected}'"),
        )],
        Some(v) if v != expected => vec![invalid(
            &p.child("labels").key(key),
            gofmt::map(meta.labels.as_ref()),
            &format!("must be '{expected}'"),
        )],
        Some(_) => Vec::new(),
    }
}

/// `validateGeneratedSelector`.
fn validate_generated_selector(job: &Job) -> Vec<FieldError> {
    let spec = job.spec.clone().unwrap_or_default();
    if spec.manual_selector == Some(true) || spec.selector.is_none() {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let name = job.metadata.name.clone().unwrap_or_default();
    if uid.is_empty() {
        errs.push(required(&Path::new("metadata").child("uid"), ""));
    }
    let tp = Path::new("spec").child("template").child("metadata");
    let meta = spec.template.metadata.clone().unwrap_or_default();
    errs.extend(has_label(&meta, LEGACY_CONTROLLER_UID, &uid, &tp));
    errs.extend(has_label(&meta, LEGACY_JOB_NAME, &name, &tp));
    errs.extend(has_label(&meta, CONTROLLER_UID, &uid, &tp));
    errs.extend(has_label(&meta, JOB_NAME, &name, &tp));
    let expected = BTreeMap::from([
        (CONTROLLER_UID.to_string(), uid.clone()),
        (JOB_NAME.to_string(), name.clone()),
        (LEGACY_CONTROLLER_UID.to_string(), uid),
        (LEGACY_JOB_NAME.to_string(), name),
    ]);
    if let Some(sel) = &spec.selector {
        if !selector_matches(Some(sel), Some(&expected)) {
            errs.push(invalid(
                &Path::new("spec").child("selector"),
                gofmt::label_selector(sel),
                "`selector` not auto-generated",
            ));
        }
    }
    errs
}

/// `ValidateJobSpec`: the common checks plus a required selector matching the template.
fn validate_job_spec(spec: &JobSpec, p: &Path) -> Vec<FieldError> {
    let mut errs = validate_job_spec_common(spec, p);
    match &spec.selector {
        None => errs.push(required(&p.child("selector"), "")),
        Some(sel) => errs.extend(validate_label_selector(Some(sel), &p.child("selector"))),
    }
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    let sel = spec.selector.as_ref();
    if sel.is_none_or(|s| !selector_is_empty(s)) && !selector_matches(sel, labels) {
        errs.push(invalid(
            &p.child("template").child("metadata").child("labels"),
            gofmt::map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs
}

/// The job as upstream validates it: with the generated selector and labels applied.
fn with_generated_selector(job: &Job) -> Job {
    let mut job = job.clone();
    generate_job_selector(&mut job);
    job
}

/// `ValidateJob`.
pub fn validate_job(job: &Job) -> Vec<FieldError> {
    let job = with_generated_selector(job);
    let mut errs = validate_object_meta_core(
        &job.metadata,
        true,
        name_is_dns_subdomain,
        &Path::new("metadata"),
    );
    errs.extend(validate_generated_selector(&job));
    let spec = job.spec.clone().unwrap_or_default();
    errs.extend(validate_job_spec(&spec, &Path::new("spec")));
    if spec.completion_mode.as_deref() == Some("Indexed") {
        if let Some(c) = spec.completions.filter(|c| *c > 0) {
            let name = job.metadata.name.clone().unwrap_or_default();
            let host = format!("{name}-{}", c - 1);
            if !is_dns1123_label(&host).is_empty() {
                errs.push(invalid(
                    &Path::new("metadata").child("name"),
                    q(&name),
                    &format!("will not able to create pod with invalid DNS label: {host}"),
                ));
            }
        }
    }
    errs
}

/// `ValidateJobUpdate`: template, selector, completions and modes are fixed.
pub fn validate_job_update(new: &Job, old: &Job) -> Vec<FieldError> {
    let mut errs =
        validate_object_meta_update_core(&new.metadata, &old.metadata, &Path::new("metadata"));
    let (ns, os) = (
        new.spec.clone().unwrap_or_default(),
        old.spec.clone().unwrap_or_default(),
    );
    let p = Path::new("spec");
    errs.extend(validate_job_spec(&ns, &p));
    // Indexed Jobs are elastic (ElasticIndexedJob is GA): completions may change together
    // with parallelism.
    if ns.completions != os.completions {
        if ns.completion_mode.as_deref() != Some("Indexed") {
            errs.push(invalid(
                &p.child("completions"),
                gofmt::opt_num(ns.completions),
                FIELD_IMMUTABLE_ERROR_MSG,
            ));
        } else if let Some(c) = ns.completions.filter(|c| Some(*c) != ns.parallelism) {
            errs.push(invalid(
                &p.child("completions"),
                c.to_string(),
                "can only be modified in tandem with spec.parallelism",
            ));
        }
    }
    if ns.selector != os.selector {
        let rendered = ns
            .selector
            .as_ref()
            .map(gofmt::label_selector)
            .unwrap_or_else(|| "null".to_string());
        errs.push(invalid(
            &p.child("selector"),
            rendered,
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if template_for_comparison(&ns, old) != template_for_comparison(&os, old) {
        errs.push(invalid(
            &p.child("template"),
            "core.PodTemplateSpec{...}",
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if ns.completion_mode != os.completion_mode {
        errs.push(invalid(
            &p.child("completionMode"),
            gofmt::opt_str(ns.completion_mode.as_ref()),
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if ns.pod_failure_policy != os.pod_failure_policy {
        errs.push(invalid(
            &p.child("podFailurePolicy"),
            "batch.PodFailurePolicy{...}",
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if ns.backoff_limit_per_index != os.backoff_limit_per_index {
        errs.push(invalid(
            &p.child("backoffLimitPerIndex"),
            gofmt::opt_num(ns.backoff_limit_per_index),
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    if ns.managed_by != os.managed_by {
        errs.push(invalid(
            &p.child("managedBy"),
            gofmt::opt_str(ns.managed_by.as_ref()),
            FIELD_IMMUTABLE_ERROR_MSG,
        ));
    }
    errs
}

/// The pod template as compared on update. A suspended Job that never started may change
/// its scheduling directives (`AllowMutableSchedulingDirectives`), so those are blanked.
fn template_for_comparison(
    spec: &JobSpec,
    old: &Job,
) -> k8s_openapi::api::core::v1::PodTemplateSpec {
    let mut t = spec.template.clone();
    let old_spec = old.spec.clone().unwrap_or_default();
    let never_started = old.status.as_ref().is_none_or(|s| s.start_time.is_none());
    if old_spec.suspend == Some(true) && never_started {
        if let Some(m) = t.metadata.as_mut() {
            m.labels = None;
            m.annotations = None;
        }
        if let Some(s) = t.spec.as_mut() {
            s.node_selector = None;
            s.tolerations = None;
            s.scheduling_gates = None;
            if let Some(a) = s.affinity.as_mut() {
                a.node_affinity = None;
            }
        }
    }
    t
}
