//! Validation of the `apps/v1` kinds, following `pkg/apis/apps/validation` of Kubernetes
//! v1.32 and the apps registry strategies: Deployment, ReplicaSet, DaemonSet,
//! StatefulSet and ControllerRevision. Covers selectors (required, non-empty, matching
//! the template labels, immutable after creation), replicas, rollout strategies, history
//! limits, deadlines, the `Always` restart policy of templates, and the StatefulSet rule
//! that only some spec fields may change.

mod daemonset;
mod statefulset;

use daemonset::validate_daemon_set_spec;
use statefulset::{stateful_set_fixed_fields, validate_stateful_set_spec};

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::core::validate_pod_template_spec;
use super::field::{forbidden, invalid, nonnegative, not_supported, required, Path};
use super::gofmt::{self, q};
use super::meta::{
    selector_is_empty, selector_is_nil, selector_matches, validate_label_selector,
    validate_object_meta_core, validate_object_meta_update_core,
};
use super::names::{is_valid_percent, name_is_dns_label, name_is_dns_subdomain};
use crate::apiserver::errors::FieldError;

/// `ValidatePositiveIntOrPercent`.
pub fn validate_positive_int_or_percent(v: &IntOrString, p: &Path) -> Vec<FieldError> {
    match v {
        IntOrString::String(s) => is_valid_percent(s)
            .into_iter()
            .map(|m| invalid(p, gofmt::int_or_string(v), &m))
            .collect(),
        IntOrString::Int(n) => nonnegative(i64::from(*n), p),
    }
}

/// The percentage of a valid percent string.
fn percent_value(v: &IntOrString) -> Option<i64> {
    match v {
        IntOrString::String(s) if is_valid_percent(s).is_empty() => {
            s.trim_end_matches('%').parse().ok()
        }
        _ => None,
    }
}

/// `getIntOrPercentValue` (an invalid string counts as 0).
pub(crate) fn int_or_percent_value(v: &IntOrString) -> i64 {
    match v {
        IntOrString::Int(n) => i64::from(*n),
        IntOrString::String(_) => percent_value(v).unwrap_or(0),
    }
}

/// `IsNotMoreThan100Percent`.
pub fn not_more_than_100_percent(v: &IntOrString, p: &Path) -> Vec<FieldError> {
    match percent_value(v) {
        Some(n) if n > 100 => vec![invalid(
            p,
            gofmt::int_or_string(v),
            "must not be greater than 100%",
        )],
        _ => Vec::new(),
    }
}

/// `ValidatePodTemplateSpecForReplicaSet`: the selector must match the template labels,
/// the template must be valid and restart `Always`.
fn validate_template_for_workload(
    t: &PodTemplateSpec,
    sel: Option<&LabelSelector>,
    kind: &str,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let labels = t.metadata.as_ref().and_then(|m| m.labels.as_ref());
    // A nil selector matches nothing, an empty one everything (`Selector.Empty()`).
    if sel.is_none_or(|s| !selector_is_empty(s)) && !selector_matches(sel, labels) {
        errs.push(invalid(
            &p.child("metadata").child("labels"),
            gofmt::map(labels),
            "`selector` does not match template `labels`",
        ));
    }
    errs.extend(validate_pod_template_spec(t, p));
    errs.extend(restart_always_and_no_deadline(t, kind, p));
    errs
}

/// Workload templates must restart `Always` and may not set `activeDeadlineSeconds`.
pub(crate) fn restart_always_and_no_deadline(
    t: &PodTemplateSpec,
    kind: &str,
    p: &Path,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let spec = t.spec.clone().unwrap_or_default();
    let restart = spec.restart_policy.as_deref().unwrap_or("");
    if restart != "Always" {
        errs.push(not_supported(
            &p.child("spec").child("restartPolicy"),
            q(restart),
            &["Always"],
        ));
    }
    if spec.active_deadline_seconds.is_some() {
        errs.push(forbidden(
            &p.child("spec").child("activeDeadlineSeconds"),
            &format!("activeDeadlineSeconds in {kind} is not Supported"),
        ));
    }
    errs
}

/// The selector checks shared by Deployment and ReplicaSet; returns the selector the
/// template is matched against (`None` for a missing one).
fn validate_required_selector<'a>(
    sel: &'a LabelSelector,
    kind: &str,
    p: &Path,
    errs: &mut Vec<FieldError>,
) -> Option<&'a LabelSelector> {
    if selector_is_nil(sel) {
        errs.push(required(&p.child("selector"), ""));
        return None;
    }
    errs.extend(validate_label_selector(Some(sel), &p.child("selector")));
    if selector_is_empty(sel) {
        errs.push(invalid(
            &p.child("selector"),
            gofmt::label_selector(sel),
            &format!("empty selector is invalid for {kind}"),
        ));
    }
    Some(sel)
}

/// `ValidateDeploymentSpec`.
fn validate_deployment_spec(d: &Deployment) -> Vec<FieldError> {
    let p = Path::new("spec");
    let spec = d.spec.clone().unwrap_or_default();
    let mut errs = nonnegative(i64::from(spec.replicas.unwrap_or(1)), &p.child("replicas"));
    let sel = validate_required_selector(&spec.selector, "deployment", &p, &mut errs);
    errs.extend(validate_template_for_workload(
        &spec.template,
        sel,
        "ReplicaSet",
        &p.child("template"),
    ));
    let strategy = spec.strategy.clone().unwrap_or_default();
    let sp = p.child("strategy");
    match strategy.type_.as_deref().unwrap_or("") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                errs.push(forbidden(
                    &sp.child("rollingUpdate"),
                    "may not be specified when strategy `type` is 'Recreate'",
                ));
            }
        }
        "RollingUpdate" => match &strategy.rolling_update {
            None => errs.push(required(
                &sp.child("rollingUpdate"),
                "this should be defaulted and never be nil",
            )),
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
                if int_or_percent_value(&mu) == 0 && int_or_percent_value(&ms) == 0 {
                    errs.push(invalid(
                        &rp.child("maxUnavailable"),
                        gofmt::int_or_string(&mu),
                        "may not be 0 when `maxSurge` is 0",
                    ));
                }
                errs.extend(not_more_than_100_percent(&mu, &rp.child("maxUnavailable")));
            }
        },
        other => {
            let value = format!(
                "apps.DeploymentStrategy{{Type:{}, RollingUpdate:{}}}",
                q(other),
                gofmt::ptr(
                    "apps.RollingUpdateDeployment",
                    strategy.rolling_update.as_ref()
                )
            );
            errs.push(not_supported(&sp, value, &["Recreate", "RollingUpdate"]));
        }
    }
    let min_ready = spec.min_ready_seconds.unwrap_or(0);
    errs.extend(nonnegative(
        i64::from(min_ready),
        &p.child("minReadySeconds"),
    ));
    if let Some(rhl) = spec.revision_history_limit {
        errs.extend(nonnegative(
            i64::from(rhl),
            &p.child("revisionHistoryLimit"),
        ));
    }
    if let Some(pds) = spec.progress_deadline_seconds {
        errs.extend(nonnegative(
            i64::from(pds),
            &p.child("progressDeadlineSeconds"),
        ));
        if pds <= min_ready {
            errs.push(invalid(
                &p.child("progressDeadlineSeconds"),
                pds.to_string(),
                "must be greater than minReadySeconds",
            ));
        }
    }
    errs
}

/// `ValidateReplicaSetSpec`.
fn validate_replica_set_spec(rs: &ReplicaSet) -> Vec<FieldError> {
    let p = Path::new("spec");
    let spec = rs.spec.clone().unwrap_or_default();
    let mut errs = nonnegative(i64::from(spec.replicas.unwrap_or(1)), &p.child("replicas"));
    errs.extend(nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        &p.child("minReadySeconds"),
    ));
    // Upstream's ReplicaSet check reuses the Deployment wording.
    let sel = validate_required_selector(&spec.selector, "deployment", &p, &mut errs);
    errs.extend(validate_template_for_workload(
        &spec.template.clone().unwrap_or_default(),
        sel,
        "ReplicaSet",
        &p.child("template"),
    ));
    errs
}

fn meta_create(meta: &ObjectMeta, name_fn: fn(&str, bool) -> Vec<String>) -> Vec<FieldError> {
    validate_object_meta_core(meta, true, name_fn, &Path::new("metadata"))
}

/// Create-time validation of an apps object; `None` for other groups.
pub fn validate_create(obj: &crate::model::Object) -> Option<Vec<FieldError>> {
    use crate::model::Object;
    Some(match obj {
        Object::Deployment(d) => [
            meta_create(&d.metadata, name_is_dns_subdomain),
            validate_deployment_spec(d),
        ]
        .concat(),
        Object::ReplicaSet(r) => [
            meta_create(&r.metadata, name_is_dns_subdomain),
            validate_replica_set_spec(r),
        ]
        .concat(),
        Object::DaemonSet(d) => [
            meta_create(&d.metadata, name_is_dns_subdomain),
            validate_daemon_set_spec(d),
        ]
        .concat(),
        Object::StatefulSet(s) => [
            meta_create(&s.metadata, name_is_dns_label),
            validate_stateful_set_spec(s),
        ]
        .concat(),
        Object::ControllerRevision(c) => {
            let mut errs = meta_create(&c.metadata, name_is_dns_subdomain);
            if c.data.is_none() {
                errs.push(required(&Path::new("data"), "data is mandatory"));
            }
            errs.extend(nonnegative(c.revision, &Path::new("revision")));
            errs
        }
        _ => return None,
    })
}

/// `field is immutable` for a changed selector (apps/v1 strategies).
fn selector_immutable(new: &LabelSelector, old: &LabelSelector) -> Vec<FieldError> {
    if new != old {
        vec![invalid(
            &Path::new("spec").child("selector"),
            gofmt::label_selector(new),
            super::names::FIELD_IMMUTABLE_ERROR_MSG,
        )]
    } else {
        Vec::new()
    }
}

/// Update-time validation of an apps object; `None` for other groups or mixed kinds.
pub fn validate_update(
    new: &crate::model::Object,
    old: &crate::model::Object,
) -> Option<Vec<FieldError>> {
    use crate::model::Object;
    let mut errs = validate_object_meta_update_core(new.meta(), old.meta(), &Path::new("metadata"));
    match (new, old) {
        (Object::Deployment(n), Object::Deployment(o)) => {
            errs.extend(validate_deployment_spec(n));
            let sel = |d: &Deployment| d.spec.clone().unwrap_or_default().selector;
            errs.extend(selector_immutable(&sel(n), &sel(o)));
        }
        (Object::ReplicaSet(n), Object::ReplicaSet(o)) => {
            errs.extend(validate_replica_set_spec(n));
            let sel = |r: &ReplicaSet| r.spec.clone().unwrap_or_default().selector;
            errs.extend(selector_immutable(&sel(n), &sel(o)));
        }
        (Object::DaemonSet(n), Object::DaemonSet(o)) => {
            errs.extend(validate_daemon_set_spec(n));
            let sel = |d: &DaemonSet| d.spec.clone().unwrap_or_default().selector;
            errs.extend(selector_immutable(&sel(n), &sel(o)));
        }
        (Object::StatefulSet(n), Object::StatefulSet(o)) => {
            errs.extend(validate_stateful_set_spec(n));
            if stateful_set_fixed_fields(n) != stateful_set_fixed_fields(o) {
                errs.push(forbidden(
                    &Path::new("spec"),
                    "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
                ));
            }
        }
        (Object::ControllerRevision(n), Object::ControllerRevision(o)) => {
            errs.extend(validate_create(new).unwrap_or_default());
            if n.data != o.data {
                errs.push(invalid(
                    &Path::new("data"),
                    "runtime.RawExtension{...}",
                    super::names::FIELD_IMMUTABLE_ERROR_MSG,
                ));
            }
        }
        _ => return None,
    }
    Some(errs)
}
