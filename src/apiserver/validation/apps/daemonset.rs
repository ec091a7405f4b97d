//! DaemonSet validation (`ValidateDaemonSetSpec`): selector against template labels,
//! template validity, and the rolling-update rule that exactly one of `maxSurge` and
//! `maxUnavailable` is non-zero.

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{
    int_or_percent_value, not_more_than_100_percent, restart_always_and_no_deadline,
    validate_positive_int_or_percent,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::core::validate_pod_template_spec;
use crate::apiserver::validation::field::{invalid, nonnegative, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::{
    selector_is_empty, selector_is_nil, selector_matches, validate_label_selector,
};

/// `ValidateDaemonSetSpec`.
pub fn validate_daemon_set_spec(ds: &DaemonSet) -> Vec<FieldError> {
    let p = Path::new("spec");
    let spec = ds.spec.clone().unwrap_or_default();
    let sel = (!selector_is_nil(&spec.selector)).then_some(&spec.selector);
    let mut errs = validate_label_selector(sel, &p.child("selector"));
    let labels = spec
        .template
        .metadata
        .as_ref()
        .and_then(|m| m.labels.as_ref());
    if sel.is_none_or(|s| !selector_is_empty(s)) && !selector_matches(sel, labels) {
        errs.push(invalid(
            &p.child("template").child("metadata").child("labels"),
            gofmt::map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    if let Some(s) = sel.filter(|s| selector_is_empty(s)) {
        errs.push(invalid(
            &p.child("selector"),
            gofmt::label_selector(s),
            "empty selector is invalid for daemonset",
        ));
    }
    errs.extend(validate_pod_template_spec(
        &spec.template,
        &p.child("template"),
    ));
    errs.extend(restart_always_and_no_deadline(
        &spec.template,
        "DaemonSet",
        &p.child("template"),
    ));
    errs.extend(nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        &p.child("minReadySeconds"),
    ));
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let sp = p.child("updateStrategy");
    match strategy.type_.as_deref().unwrap_or("") {
        "OnDelete" => {}
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(required(&sp.child("rollingUpdate"), "")),
            Some(ru) => {
                let rp = sp.child("rollingUpdate");
                let (mu, ms) = (
                    ru.max_unavailable.clone().unwrap_or(IntOrString::Int(0)),
                    ru.max_surge.clone().unwrap_or(IntOrString::Int(0)),
                );
                errs.extend(validate_positive_int_or_percent(
                    &mu,
                    &rp.child("maxUnavailable"),
                ));
                errs.extend(validate_positive_int_or_percent(&ms, &rp.child("maxSurge")));
                errs.extend(not_more_than_100_percent(&mu, &rp.child("maxUnavailable")));
                errs.extend(not_more_than_100_percent(&ms, &rp.child("maxSurge")));
                let (has_u, has_s) = (
                    int_or_percent_value(&mu) != 0,
                    int_or_percent_value(&ms) != 0,
                );
                if has_u && has_s {
                    errs.push(invalid(
                        &rp.child("maxSurge"),
                        gofmt::int_or_string(&ms),
                        "may not be set when maxUnavailable is non-zero",
                    ));
                } else if !has_u && !has_s {
                    errs.push(required(
                        &rp.child("maxUnavailable"),
                        "cannot be 0 when maxSurge is 0",
                    ));
                }
            }
        },
        other => {
            let value = format!(
                "apps.DaemonSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                q(other),
                gofmt::ptr(
                    "apps.RollingUpdateDaemonSet",
                    strategy.rolling_update.as_ref()
                )
            );
            errs.push(not_supported(&sp, value, &["RollingUpdate", "OnDelete"]));
        }
    }
    if let Some(rhl) = spec.revision_history_limit {
        errs.extend(nonnegative(
            i64::from(rhl),
            &p.child("revisionHistoryLimit"),
        ));
    }
    errs
}
