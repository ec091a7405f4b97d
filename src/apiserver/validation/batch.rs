//! Validation of the `batch/v1` kinds, following `pkg/apis/batch/validation` and the Job
//! registry strategy of Kubernetes v1.32: Job (counts, completion mode, generated
//! selector, `OnFailure`/`Never` restart policy, immutable template and selector) and
//! CronJob (schedule syntax, time zone, concurrency policy, job template, 52-character
//! names). Also `generate_job_selector`, the strategy step that fills in a Job's selector
//! and pod labels, which the API server must run before validating a new Job.

mod cron;
mod cronjob;
mod job;
mod timezones;

use cronjob::validate_cron_job_spec;
use job::{validate_job, validate_job_update};

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::core::validate_pod_template_spec;
use super::field::{invalid, nonnegative, not_supported, required, Path};
use super::gofmt::q;
use super::meta::{validate_object_meta_core, validate_object_meta_update_core};
use super::names::name_is_dns_subdomain;
use crate::apiserver::errors::FieldError;

/// The job-name label put on Job pods.
pub(crate) const JOB_NAME: &str = "batch.kubernetes.io/job-name";
/// The unprefixed job-name label kept for compatibility.
pub(crate) const LEGACY_JOB_NAME: &str = "job-name";
/// The controller-uid label a Job selects on.
pub(crate) const CONTROLLER_UID: &str = "batch.kubernetes.io/controller-uid";
/// The unprefixed controller-uid label kept for compatibility.
pub(crate) const LEGACY_CONTROLLER_UID: &str = "controller-uid";

/// The Job strategy's `generateSelector`: unless `manualSelector` is true, label the pod
/// template with the job's name and uid and select on the uid. Needs `metadata.uid`, so
/// the API server assigns it before calling this (as upstream fills system fields first).
pub fn generate_job_selector(job: &mut Job) {
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.manual_selector == Some(true) {
        return;
    }
    let name = job.metadata.name.clone().unwrap_or_default();
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let labels = spec
        .template
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(BTreeMap::new);
    for key in [LEGACY_JOB_NAME, JOB_NAME] {
        labels
            .entry(key.to_string())
            .or_insert_with(|| name.clone());
    }
    for key in [LEGACY_CONTROLLER_UID, CONTROLLER_UID] {
        labels.entry(key.to_string()).or_insert_with(|| uid.clone());
    }
    let sel = spec.selector.get_or_insert_with(LabelSelector::default);
    sel.match_labels
        .get_or_insert_with(BTreeMap::new)
        .entry(CONTROLLER_UID.to_string())
        .or_insert(uid);
}

/// `validateJobSpec` (shared by Jobs and CronJob job templates).
pub(crate) fn validate_job_spec_common(spec: &JobSpec, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let widen = |v: Option<i32>| v.map(i64::from);
    for (v, child) in [
        (widen(spec.parallelism), "parallelism"),
        (widen(spec.completions), "completions"),
        (spec.active_deadline_seconds, "activeDeadlineSeconds"),
        (widen(spec.backoff_limit), "backoffLimit"),
        (
            widen(spec.ttl_seconds_after_finished),
            "ttlSecondsAfterFinished",
        ),
        (widen(spec.backoff_limit_per_index), "backoffLimitPerIndex"),
        (widen(spec.max_failed_indexes), "maxFailedIndexes"),
    ] {
        if let Some(v) = v {
            errs.extend(nonnegative(v, &p.child(child)));
        }
    }
    if spec.max_failed_indexes.is_some() && spec.backoff_limit_per_index.is_none() {
        errs.push(required(
            &p.child("backoffLimitPerIndex"),
            "when maxFailedIndexes is specified",
        ));
    }
    let mode = spec.completion_mode.as_deref();
    if let Some(m) = mode {
        if m != "NonIndexed" && m != "Indexed" {
            errs.push(not_supported(
                &p.child("completionMode"),
                q(m),
                &["NonIndexed", "Indexed"],
            ));
        }
        if m == "Indexed" {
            if spec.completions.is_none() {
                errs.push(required(
                    &p.child("completions"),
                    "when completion mode is Indexed",
                ));
            }
            if let Some(par) = spec.parallelism.filter(|p| *p > 100_000) {
                errs.push(invalid(
                    &p.child("parallelism"),
                    par.to_string(),
                    "must be less than or equal to 100000 when completion mode is Indexed",
                ));
            }
        }
    }
    if mode.is_none_or(|m| m == "NonIndexed") {
        if let Some(b) = spec.backoff_limit_per_index {
            errs.push(invalid(
                &p.child("backoffLimitPerIndex"),
                b.to_string(),
                "requires indexed completion mode",
            ));
        }
        if let Some(m) = spec.max_failed_indexes {
            errs.push(invalid(
                &p.child("maxFailedIndexes"),
                m.to_string(),
                "requires indexed completion mode",
            ));
        }
    }
    if let Some(rp) = spec.pod_replacement_policy.as_deref() {
        if spec.pod_failure_policy.is_some() {
            if rp != "Failed" {
                errs.push(not_supported(
                    &p.child("podReplacementPolicy"),
                    q(rp),
                    &["Failed"],
                ));
            }
        } else if rp != "Failed" && rp != "TerminatingOrFailed" {
            errs.push(not_supported(
                &p.child("podReplacementPolicy"),
                q(rp),
                &["Failed", "TerminatingOrFailed"],
            ));
        }
    }
    let tp = p.child("template");
    errs.extend(validate_pod_template_spec(&spec.template, &tp));
    let restart = spec
        .template
        .spec
        .as_ref()
        .and_then(|s| s.restart_policy.as_deref())
        .unwrap_or("");
    let rp = tp.child("spec").child("restartPolicy");
    if restart == "Always" || restart.is_empty() {
        errs.push(required(&rp, "valid values: \"OnFailure\", \"Never\""));
    } else if restart != "OnFailure" && restart != "Never" {
        errs.push(not_supported(&rp, q(restart), &["OnFailure", "Never"]));
    } else if spec.pod_failure_policy.is_some() && restart != "Never" {
        errs.push(invalid(
            &rp,
            q(restart),
            "only \"Never\" is supported when podFailurePolicy is specified",
        ));
    }
    errs
}

/// Create-time validation of a batch object; `None` for other groups.
pub fn validate_create(obj: &crate::model::Object) -> Option<Vec<FieldError>> {
    use crate::model::Object;
    Some(match obj {
        Object::Job(j) => validate_job(j),
        Object::CronJob(c) => {
            let mut errs = validate_object_meta_core(
                &c.metadata,
                true,
                name_is_dns_subdomain,
                &Path::new("metadata"),
            );
            errs.extend(validate_cron_job_spec(c, None));
            let name = c.metadata.name.clone().unwrap_or_default();
            if name.len() > 52 {
                errs.push(invalid(
                    &Path::new("metadata").child("name"),
                    q(&name),
                    "must be no more than 52 characters",
                ));
            }
            errs
        }
        _ => return None,
    })
}

/// Update-time validation of a batch object; `None` for other groups or mixed kinds.
pub fn validate_update(
    new: &crate::model::Object,
    old: &crate::model::Object,
) -> Option<Vec<FieldError>> {
    use crate::model::Object;
    Some(match (new, old) {
        (Object::Job(n), Object::Job(o)) => validate_job_update(n, o),
        (Object::CronJob(n), Object::CronJob(o)) => {
            let mut errs =
                validate_object_meta_update_core(&n.metadata, &o.metadata, &Path::new("metadata"));
            errs.extend(validate_cron_job_spec(n, Some(o)));
            errs
        }
        _ => return None,
    })
}
