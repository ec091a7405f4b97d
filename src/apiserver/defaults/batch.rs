//! Defaulting for the `batch/v1` group, after `pkg/apis/batch/v1/defaults.go` and its
//! generated `zz_generated.defaults.go`, and the create-time mutations of the Job and
//! CronJob strategies (`pkg/registry/batch/...`). A CronJob's `jobTemplate` gets only the
//! nested defaults (pod spec, pod-failure-policy patterns), not `SetDefaults_Job`.

use super::core::default_pod_template;
use super::set_str;
use k8s_openapi::api::batch::v1::{CronJob, CronJobStatus, Job, JobSpec, JobStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

/// The label keys the Job strategy puts on a generated selector's pod template.
const JOB_NAME_LABELS: [&str; 2] = ["job-name", "batch.kubernetes.io/job-name"];
/// The controller-UID label keys; the generated selector matches the prefixed one.
const CONTROLLER_UID_LABELS: [&str; 2] = ["controller-uid", "batch.kubernetes.io/controller-uid"];

/// `SetDefaults_Job`: with neither set, `completions: 1` and `parallelism: 1`; else
/// `parallelism: 1` when unset; `backoffLimit: 6` (or 2147483647 with
/// `backoffLimitPerIndex`); `metadata.labels` copied from the template when empty;
/// `completionMode: NonIndexed`; `suspend: false`; `podReplacementPolicy`
/// (`Failed` with a pod failure policy, else `TerminatingOrFailed`);
/// `manualSelector: false`. Then the nested defaults.
pub(super) fn default_job(job: &mut Job) {
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.completions.is_none() && spec.parallelism.is_none() {
        spec.completions = Some(1);
    }
    spec.parallelism.get_or_insert(1);
    if spec.backoff_limit.is_none() {
        spec.backoff_limit = Some(if spec.backoff_limit_per_index.is_some() {
            i32::MAX
        } else {
            6
        });
    }
    let template_labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.clone());
    if let Some(labels) = template_labels {
        if job.metadata.labels.as_ref().is_none_or(|l| l.is_empty()) {
            job.metadata.labels = Some(labels);
        }
    }
    spec.completion_mode
        .get_or_insert_with(|| "NonIndexed".into());
    spec.suspend.get_or_insert(false);
    if spec.pod_replacement_policy.is_none() {
        let policy = if spec.pod_failure_policy.is_some() {
            "Failed"
        } else {
            "TerminatingOrFailed"
        };
        spec.pod_replacement_policy = Some(policy.into());
    }
    spec.manual_selector.get_or_insert(false);
    default_job_spec_nested(spec);
}

/// The defaults the generated code applies inside any JobSpec (a Job's or a CronJob's
/// template): the pod template, and `status: "True"` for pod-failure-policy condition
/// patterns (`SetDefaults_PodFailurePolicyOnPodConditionsPattern`).
fn default_job_spec_nested(spec: &mut JobSpec) {
    default_pod_template(&mut spec.template);
    let rules = spec
        .pod_failure_policy
        .iter_mut()
        .flat_map(|p| p.rules.iter_mut());
    for pattern in rules.flat_map(|r| r.on_pod_conditions.iter_mut().flatten()) {
        if pattern.status.is_empty() {
            pattern.status = "True".into();
        }
    }
}

/// `SetDefaults_CronJob`: `concurrencyPolicy: Allow`, `suspend: false`,
/// `successfulJobsHistoryLimit: 3`, `failedJobsHistoryLimit: 1`; then the job template.
pub(super) fn default_cron_job(cj: &mut CronJob) {
    let spec = cj.spec.get_or_insert_with(Default::default);
    set_str(&mut spec.concurrency_policy, "Allow");
    spec.suspend.get_or_insert(false);
    spec.successful_jobs_history_limit.get_or_insert(3);
    spec.failed_jobs_history_limit.get_or_insert(1);
    // `jobTemplate.metadata` and `jobTemplate.spec` are Go structs, always printed.
    spec.job_template
        .metadata
        .get_or_insert_with(Default::default);
    default_job_spec_nested(spec.job_template.spec.get_or_insert_with(Default::default));
}

/// The Job strategy's `PrepareForCreate`: unless `manualSelector` is true, the selector
/// and template labels are generated from the Job's name and `metadata.uid`; then
/// `status: {}` and `metadata.generation: 1`.
pub(super) fn prepare_job(job: &mut Job) {
    let name = job.metadata.name.clone().unwrap_or_default();
    let uid = job.metadata.uid.clone().unwrap_or_default();
    let spec = job.spec.get_or_insert_with(Default::default);
    if spec.manual_selector != Some(true) {
        let template_meta = spec.template.metadata.get_or_insert_with(Default::default);
        // Upstream's defaulter copied the template's label *map* into `metadata.labels`
        // (the same Go map), so the labels generated below show up on the Job too. The
        // copy cannot be told apart from a client that wrote equal label sets on both;
        // equal non-empty sets are treated as that copy.
        let aliased = template_meta.labels.as_ref().is_some_and(|l| !l.is_empty())
            && job.metadata.labels == template_meta.labels;
        let labels = template_meta.labels.get_or_insert_with(Default::default);
        // Labels the client already set are kept; a conflict fails validation.
        for key in JOB_NAME_LABELS {
            labels.entry(key.into()).or_insert_with(|| name.clone());
        }
        for key in CONTROLLER_UID_LABELS {
            labels.entry(key.into()).or_insert_with(|| uid.clone());
        }
        if aliased {
            job.metadata.labels = Some(labels.clone());
        }
        let selector = spec.selector.get_or_insert_with(LabelSelector::default);
        let match_labels = selector.match_labels.get_or_insert_with(Default::default);
        match_labels
            .entry(CONTROLLER_UID_LABELS[1].into())
            .or_insert(uid);
    }
    job.status = Some(JobStatus::default());
    job.metadata.generation = Some(1);
}

/// The CronJob strategy's `PrepareForCreate`: `status: {}`, `metadata.generation: 1`.
pub(super) fn prepare_cron_job(cj: &mut CronJob) {
    cj.status = Some(CronJobStatus::default());
    cj.metadata.generation = Some(1);
}

#[cfg(test)]
mod tests;
