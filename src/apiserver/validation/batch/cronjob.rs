//! CronJob validation (`validateCronJobSpec`): schedule syntax and `TZ` rules, time
//! zone, concurrency policy, history limits, and a job template without a selector.

use k8s_openapi::api::batch::v1::CronJob;

use super::{cron, timezones, validate_job_spec_common};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, nonnegative, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};

/// `validateTimeZone`.
fn validate_time_zone(tz: Option<&String>, p: &Path) -> Vec<FieldError> {
    let Some(tz) = tz else { return Vec::new() };
    if tz.is_empty() {
        return vec![invalid(
            p,
            q(tz),
            "timeZone must be nil or non-empty string",
        )];
    }
    let part_ok = |part: &str| {
        part != "."
            && part != ".."
            && !part.starts_with('-')
            && (1..=14).contains(&part.len())
            && part
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b".-_+".contains(&c))
    };
    if !tz.split('/').all(part_ok) {
        return vec![invalid(p, q(tz), &format!("unknown time zone {tz}"))];
    }
    let mut errs = Vec::new();
    if tz.eq_ignore_ascii_case("Local") {
        errs.push(invalid(
            p,
            q(tz),
            "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones",
        ));
    }
    if tz != "Local" && !timezones::is_known_zone(tz) {
        errs.push(invalid(p, q(tz), &format!("unknown time zone {tz}")));
    }
    errs
}

/// `validateCronJobSpec`. `old` is set on update.
pub fn validate_cron_job_spec(cj: &CronJob, old: Option<&CronJob>) -> Vec<FieldError> {
    let p = Path::new("spec");
    let spec = cj.spec.clone().unwrap_or_default();
    let old_spec = old.map(|o| o.spec.clone().unwrap_or_default());
    let mut errs = Vec::new();
    let sp = p.child("schedule");
    if spec.schedule.is_empty() {
        errs.push(required(&sp, ""));
    } else {
        if let Err(e) = cron::parse_standard(&spec.schedule) {
            errs.push(invalid(&sp, q(&spec.schedule), &e));
        }
        let allow_tz = old_spec.as_ref().is_some_and(|o| o.schedule.contains("TZ"));
        if allow_tz && spec.schedule.contains("TZ") && spec.time_zone.is_some() {
            errs.push(invalid(
                &sp,
                q(&spec.schedule),
                "cannot use both timeZone field and TZ or CRON_TZ in schedule",
            ));
        } else if !allow_tz && spec.schedule.contains("TZ") {
            errs.push(invalid(
                &sp,
                q(&spec.schedule),
                "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
            ));
        }
    }
    if let Some(s) = spec.starting_deadline_seconds {
        errs.extend(nonnegative(s, &p.child("startingDeadlineSeconds")));
    }
    if old_spec
        .as_ref()
        .is_none_or(|o| o.time_zone != spec.time_zone)
    {
        errs.extend(validate_time_zone(
            spec.time_zone.as_ref(),
            &p.child("timeZone"),
        ));
    }
    let cp = p.child("concurrencyPolicy");
    match spec.concurrency_policy.as_deref().unwrap_or("") {
        "Allow" | "Forbid" | "Replace" => {}
        "" => errs.push(required(&cp, "")),
        other => errs.push(not_supported(
            &cp,
            q(other),
            &["Allow", "Forbid", "Replace"],
        )),
    }
    let jp = p.child("jobTemplate");
    let job_spec = spec.job_template.spec.clone().unwrap_or_default();
    errs.extend(validate_job_spec_common(&job_spec, &jp.child("spec")));
    if let Some(sel) = &job_spec.selector {
        errs.push(invalid(
            &jp.child("spec").child("selector"),
            gofmt::label_selector(sel),
            "`selector` will be auto-generated",
        ));
    }
    if job_spec.manual_selector == Some(true) {
        errs.push(not_supported(
            &jp.child("spec").child("manualSelector"),
            "true",
            &["nil", "false"],
        ));
    }
    for (v, child) in [
        (
            spec.successful_jobs_history_limit,
            "successfulJobsHistoryLimit",
        ),
        (spec.failed_jobs_history_limit, "failedJobsHistoryLimit"),
    ] {
        if let Some(v) = v {
            errs.extend(nonnegative(i64::from(v), &p.child(child)));
        }
    }
    errs
}
