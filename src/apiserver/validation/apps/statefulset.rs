//! StatefulSet validation (`ValidateStatefulSetSpec`): pod management and update
//! strategies, PVC retention policy, a required non-empty selector matching the template
//! labels, and the spec fields an update may not change. As upstream, the template's pod
//! spec itself is not validated for StatefulSets.

use k8s_openapi::api::apps::v1::StatefulSet;
use k8s_openapi::api::core::v1::PodTemplateSpec;

use super::{
    int_or_percent_value, not_more_than_100_percent, restart_always_and_no_deadline,
    validate_positive_int_or_percent,
};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, nonnegative, not_supported, required, Path};
use crate::apiserver::validation::gofmt::{self, q};
use crate::apiserver::validation::meta::{
    selector_is_empty, selector_is_nil, selector_matches, validate_label_selector,
};

/// `ValidateStatefulSetSpec`.
pub fn validate_stateful_set_spec(ss: &StatefulSet) -> Vec<FieldError> {
    let p = Path::new("spec");
    let spec = ss.spec.clone().unwrap_or_default();
    let mut errs = Vec::new();
    match spec.pod_management_policy.as_deref().unwrap_or("") {
        "OrderedReady" | "Parallel" => {}
        "" => errs.push(required(&p.child("podManagementPolicy"), "")),
        other => errs.push(invalid(
            &p.child("podManagementPolicy"),
            q(other),
            "must be 'OrderedReady' or 'Parallel'",
        )),
    }
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    let up = p.child("updateStrategy");
    match strategy.type_.as_deref().unwrap_or("") {
        "" => errs.push(required(&up, "")),
        "OnDelete" => {
            if strategy.rolling_update.is_some() {
                errs.push(invalid(
                    &up.child("rollingUpdate"),
                    rolling_update_go_value(&strategy),
                    "only allowed for updateStrategy 'RollingUpdate'",
                ));
            }
        }
        "RollingUpdate" => {
            if let Some(ru) = &strategy.rolling_update {
                let rp = up.child("rollingUpdate");
                errs.extend(nonnegative(
                    i64::from(ru.partition.unwrap_or(0)),
                    &rp.child("partition"),
                ));
                if let Some(mu) = &ru.max_unavailable {
                    let mp = rp.child("maxUnavailable");
                    errs.extend(validate_positive_int_or_percent(mu, &mp));
                    if int_or_percent_value(mu) == 0 {
                        errs.push(invalid(&mp, gofmt::int_or_string(mu), "cannot be 0"));
                    }
                    errs.extend(not_more_than_100_percent(mu, &mp));
                }
            }
        }
        other => {
            let value = format!(
                "apps.StatefulSetUpdateStrategy{{Type:{}, RollingUpdate:{}}}",
                q(other),
                gofmt::ptr(
                    "apps.RollingUpdateStatefulSetStrategy",
                    strategy.rolling_update.as_ref()
                )
            );
            errs.push(invalid(&up, value, "must be 'RollingUpdate' or 'OnDelete'"));
        }
    }
    if let Some(policy) = &spec.persistent_volume_claim_retention_policy {
        let pp = p.child("persistentVolumeClaimRetentionPolicy");
        for (value, child) in [
            (&policy.when_deleted, "whenDeleted"),
            (&policy.when_scaled, "whenScaled"),
        ] {
            let v = value.as_deref().unwrap_or("");
            if v != "Retain" && v != "Delete" {
                errs.push(not_supported(&pp.child(child), q(v), &["Retain", "Delete"]));
            }
        }
    }
    errs.extend(nonnegative(
        i64::from(spec.replicas.unwrap_or(1)),
        &p.child("replicas"),
    ));
    errs.extend(nonnegative(
        i64::from(spec.min_ready_seconds.unwrap_or(0)),
        &p.child("minReadySeconds"),
    ));
    if let Some(o) = &spec.ordinals {
        errs.extend(nonnegative(
            i64::from(o.start.unwrap_or(0)),
            &p.child("ordinals.start"),
        ));
    }
    let sel = if selector_is_nil(&spec.selector) {
        errs.push(required(&p.child("selector"), ""));
        None
    } else {
        errs.extend(validate_label_selector(
            Some(&spec.selector),
            &p.child("selector"),
        ));
        if selector_is_empty(&spec.selector) {
            errs.push(invalid(
                &p.child("selector"),
                gofmt::label_selector(&spec.selector),
                "empty selector is invalid for statefulset",
            ));
        }
        Some(&spec.selector)
    };
    let tp = p.child("template");
    let meta = spec.template.metadata.clone().unwrap_or_default();
    if sel.is_none_or(|s| !selector_is_empty(s)) && !selector_matches(sel, meta.labels.as_ref()) {
        errs.push(invalid(
            &tp.child("metadata").child("labels"),
            gofmt::map(meta.labels.as_ref()),
            "`selector` does not match template `labels`",
        ));
    }
    // Upstream deliberately skips pod-spec validation for StatefulSet templates.
    errs.extend(crate::apiserver::validation::meta::validate_labels(
        meta.labels.as_ref(),
        &tp.child("labels"),
    ));
    errs.extend(crate::apiserver::validation::meta::validate_annotations(
        meta.annotations.as_ref(),
        &tp.child("annotations"),
    ));
    errs.extend(restart_always_and_no_deadline(
        &spec.template,
        "StatefulSet",
        &tp,
    ));
    errs
}

fn rolling_update_go_value(s: &k8s_openapi::api::apps::v1::StatefulSetUpdateStrategy) -> String {
    let ru = s.rolling_update.clone().unwrap_or_default();
    format!(
        "apps.RollingUpdateStatefulSetStrategy{{Partition:{}, MaxUnavailable:{}}}",
        ru.partition.unwrap_or(0),
        gofmt::ptr("intstr.IntOrString", ru.max_unavailable.as_ref())
    )
}

/// The StatefulSet spec with the fields an update may change cleared.
pub fn stateful_set_fixed_fields(s: &StatefulSet) -> serde_json::Value {
    let mut spec = s.spec.clone().unwrap_or_default();
    spec.replicas = None;
    spec.template = PodTemplateSpec::default();
    spec.update_strategy = None;
    spec.min_ready_seconds = None;
    spec.ordinals = None;
    spec.persistent_volume_claim_retention_policy = None;
    serde_json::to_value(spec).unwrap_or(serde_json::Value::Null)
}
