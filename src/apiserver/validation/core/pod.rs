//! Pod create and update validation (`ValidatePodCreate`, `ValidatePodUpdate`): the pod's
//! metadata and spec, pod-only rules (no ephemeral containers on create, projected token
//! volumes need a service account, image whitespace), and the update rule that only
//! images, `activeDeadlineSeconds`, added tolerations, removed scheduling gates and a
//! negative grace period may change — anything else is refused with upstream's
//! `pod updates may not change fields other than ...` message and a diff.

use k8s_openapi::api::core::v1::{Container, Pod, PodSpec, Toleration};
use serde_json::Value;

use super::container::validate_containers_only_for_pod;
use super::podspec::{validate_pod_spec, validate_pod_specific_annotations, SpecOwner};
use super::scheduling::validate_tolerations;
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{forbidden, invalid, required, Path};
use crate::apiserver::validation::gofmt::q;
use crate::apiserver::validation::meta::{
    validate_object_meta_core, validate_object_meta_update_core,
};
use crate::apiserver::validation::names::{inclusive_range_error, name_is_dns_subdomain};

/// The fields a pod update may change, in upstream's wording and order.
const UPDATABLE_POD_SPEC_FIELDS: &[&str] = &[
    "`spec.containers[*].image`",
    "`spec.initContainers[*].image`",
    "`spec.activeDeadlineSeconds`",
    "`spec.tolerations` (only additions to existing tolerations)",
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/// `validatePodMetadataAndSpec`.
fn validate_metadata_and_spec(pod: &Pod) -> Vec<FieldError> {
    let meta_path = Path::new("metadata");
    let spec_path = Path::new("spec");
    let spec = pod.spec.clone().unwrap_or_default();
    let mut errs =
        validate_object_meta_core(&pod.metadata, true, name_is_dns_subdomain, &meta_path);
    errs.extend(validate_pod_specific_annotations(
        pod.metadata.annotations.as_ref(),
        &spec,
        &meta_path.child("annotations"),
    ));
    errs.extend(validate_pod_spec(
        &spec,
        Some(&pod.metadata),
        SpecOwner::Pod,
        &spec_path,
    ));
    if spec
        .service_account_name
        .as_deref()
        .unwrap_or("")
        .is_empty()
    {
        for (vi, v) in spec.volumes.iter().flatten().enumerate() {
            for (si, src) in v
                .projected
                .iter()
                .flat_map(|p| p.sources.iter().flatten())
                .enumerate()
            {
                if src.service_account_token.is_some() {
                    let p = spec_path
                        .child("volumes")
                        .index(vi)
                        .child("projected")
                        .child("sources")
                        .index(si)
                        .child("serviceAccountToken");
                    errs.push(forbidden(
                        &p,
                        "must not be specified when serviceAccountName is not set",
                    ));
                }
            }
        }
    }
    errs.extend(validate_containers_only_for_pod(
        &spec.containers,
        &spec_path.child("containers"),
    ));
    errs.extend(validate_containers_only_for_pod(
        spec.init_containers.as_deref().unwrap_or_default(),
        &spec_path.child("initContainers"),
    ));
    errs
}

/// `ValidatePodCreate`.
pub fn validate_pod_create(pod: &Pod) -> Vec<FieldError> {
    let mut errs = validate_metadata_and_spec(pod);
    let spec_path = Path::new("spec");
    let spec = pod.spec.clone().unwrap_or_default();
    if spec
        .ephemeral_containers
        .as_ref()
        .is_some_and(|e| !e.is_empty())
    {
        errs.push(forbidden(
            &spec_path.child("ephemeralContainers"),
            "cannot be set on create",
        ));
    }
    if !spec.node_name.as_deref().unwrap_or("").is_empty()
        && spec
            .scheduling_gates
            .as_ref()
            .is_some_and(|g| !g.is_empty())
    {
        errs.push(forbidden(
            &spec_path.child("nodeName"),
            "cannot be set until all schedulingGates have been cleared",
        ));
    }
    errs
}

/// `ValidateContainerUpdates`: same number of containers, images present and trimmed.
/// The boolean result says whether validation must stop.
fn validate_container_updates(
    new: &[Container],
    old: &[Container],
    p: &Path,
) -> (Vec<FieldError>, bool) {
    if new.len() != old.len() {
        return (
            vec![forbidden(p, "pod updates may not add or remove containers")],
            true,
        );
    }
    let mut errs = Vec::new();
    for (i, c) in new.iter().enumerate() {
        let image = c.image.as_deref().unwrap_or("");
        if image.is_empty() {
            errs.push(required(&p.index(i).child("image"), ""));
        }
        if image.trim().len() != image.len() {
            errs.push(invalid(
                &p.index(i).child("image"),
                q(image),
                "must not have leading or trailing whitespace",
            ));
        }
    }
    (errs, false)
}

/// `validateOnlyAddedTolerations`: existing tolerations may only change their seconds.
fn validate_only_added_tolerations(
    new: &[Toleration],
    old: &[Toleration],
    p: &Path,
) -> Vec<FieldError> {
    for o in old {
        let found = new.iter().any(|n| {
            let mut o = o.clone();
            o.toleration_seconds = n.toleration_seconds;
            &o == n
        });
        if !found {
            return vec![forbidden(
                p,
                "existing toleration can not be modified except its tolerationSeconds",
            )];
        }
    }
    validate_tolerations(new, p)
}

/// `ValidatePodUpdate`.
pub fn validate_pod_update(new: &Pod, old: &Pod) -> Vec<FieldError> {
    let meta_path = Path::new("metadata");
    let spec_path = Path::new("spec");
    let mut errs = validate_object_meta_update_core(&new.metadata, &old.metadata, &meta_path);
    errs.extend(validate_metadata_and_spec(new));
    errs.extend(validate_annotation_updates(
        new,
        old,
        &meta_path.child("annotations"),
    ));
    let (ns, os) = (
        new.spec.clone().unwrap_or_default(),
        old.spec.clone().unwrap_or_default(),
    );
    let (e, stop) = validate_container_updates(
        &ns.containers,
        &os.containers,
        &spec_path.child("containers"),
    );
    errs.extend(e);
    if stop {
        return errs;
    }
    let (ni, oi) = (
        ns.init_containers.clone().unwrap_or_default(),
        os.init_containers.clone().unwrap_or_default(),
    );
    let (e, stop) = validate_container_updates(&ni, &oi, &spec_path.child("initContainers"));
    errs.extend(e);
    if stop {
        return errs;
    }
    let adl = spec_path.child("activeDeadlineSeconds");
    match (ns.active_deadline_seconds, os.active_deadline_seconds) {
        (Some(n), _) if n < 0 || n > i64::from(i32::MAX) => {
            errs.push(invalid(
                &adl,
                n.to_string(),
                &inclusive_range_error(0, i64::from(i32::MAX)),
            ));
            return errs;
        }
        (Some(n), Some(o)) if o < n => {
            errs.push(invalid(
                &adl,
                n.to_string(),
                "must be less than or equal to previous value",
            ));
            return errs;
        }
        (None, Some(_)) => errs.push(invalid(
            &adl,
            "null",
            "must not update from a positive integer to nil value",
        )),
        _ => {}
    }
    errs.extend(validate_only_added_tolerations(
        ns.tolerations.as_deref().unwrap_or_default(),
        os.tolerations.as_deref().unwrap_or_default(),
        &spec_path.child("tolerations"),
    ));
    let old_gates: Vec<&String> = os
        .scheduling_gates
        .iter()
        .flatten()
        .map(|g| &g.name)
        .collect();
    for (i, g) in ns.scheduling_gates.iter().flatten().enumerate() {
        if !old_gates.contains(&&g.name) {
            errs.push(forbidden(
                &spec_path.child("schedulingGates").index(i).child("name"),
                &format!(
                    "only deletion is allowed, but found new scheduling gate '{}'",
                    g.name
                ),
            ));
        }
    }
    if ns == os {
        return errs;
    }
    let munged = munge_updatable_fields(&ns, &os);
    if munged != os {
        let detail = format!(
            "pod updates may not change fields other than {}\n{}",
            UPDATABLE_POD_SPEC_FIELDS.join(","),
            spec_diff(&os, &munged)
        );
        errs.push(forbidden(&spec_path, &detail));
    }
    errs
}

/// A copy of the new spec with every field a user may update reset to the old value,
/// so that any remaining difference is a forbidden change.
fn munge_updatable_fields(new: &PodSpec, old: &PodSpec) -> PodSpec {
    let mut m = new.clone();
    for (c, o) in m.containers.iter_mut().zip(&old.containers) {
        c.image = o.image.clone();
    }
    for (c, o) in m
        .init_containers
        .iter_mut()
        .flatten()
        .zip(old.init_containers.iter().flatten())
    {
        c.image = o.image.clone();
    }
    m.active_deadline_seconds = old.active_deadline_seconds;
    m.scheduling_gates = old.scheduling_gates.clone();
    m.tolerations = old.tolerations.clone();
    if old.termination_grace_period_seconds.is_some_and(|t| t < 0)
        && m.termination_grace_period_seconds == Some(1)
    {
        m.termination_grace_period_seconds = old.termination_grace_period_seconds;
    }
    // A gated pod may gain node-selector entries.
    let gated = old.scheduling_gates.as_ref().is_some_and(|g| !g.is_empty());
    if gated {
        let old_sel = old.node_selector.clone().unwrap_or_default();
        let new_sel = m.node_selector.clone().unwrap_or_default();
        if old_sel.iter().all(|(k, v)| new_sel.get(k) == Some(v)) {
            m.node_selector = old.node_selector.clone();
        }
    }
    m
}

/// A readable diff of two pod specs in the shape of go-cmp's `cmp.Diff` output (changed
/// top-level fields marked `-`/`+`). Upstream prints go-cmp's exact report; this keeps its
/// header and layout but not its byte-for-byte content.
fn spec_diff(old: &PodSpec, new: &PodSpec) -> String {
    let to_map = |s: &PodSpec| match serde_json::to_value(s) {
        Ok(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (o, n) = (to_map(old), to_map(new));
    let mut keys: Vec<&String> = o.keys().chain(n.keys()).collect();
    keys.sort();
    keys.dedup();
    let go_name = |k: &str| {
        let mut c = k.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    let mut out = String::from("  core.PodSpec{\n");
    let mut identical = 0;
    for k in keys {
        let (ov, nv) = (o.get(k), n.get(k));
        if ov == nv {
            identical += 1;
            continue;
        }
        if identical > 0 {
            out.push_str(&format!("  \t... // {identical} identical fields\n"));
            identical = 0;
        }
        let render = |v: Option<&Value>| {
            v.map(|v| v.to_string())
                .unwrap_or_else(|| "nil".to_string())
        };
        out.push_str(&format!("- \t{}: {},\n", go_name(k), render(ov)));
        out.push_str(&format!("+ \t{}: {},\n", go_name(k), render(nv)));
    }
    if identical > 0 {
        out.push_str(&format!("  \t... // {identical} identical fields\n"));
    }
    out.push_str("  }\n");
    out
}

/// `ValidatePodSpecificAnnotationUpdates`: mirror-pod and AppArmor annotations are
/// fixed at creation.
fn validate_annotation_updates(new: &Pod, old: &Pod, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let (na, oa) = (
        new.metadata.annotations.clone().unwrap_or_default(),
        old.metadata.annotations.clone().unwrap_or_default(),
    );
    let apparmor = "container.apparmor.security.beta.kubernetes.io/";
    let mirror = "kubernetes.io/config.mirror";
    for (k, v) in &oa {
        if na.get(k) == Some(v) {
            continue;
        }
        if k.starts_with(apparmor) {
            errs.push(forbidden(
                &p.key(k),
                "may not remove or update AppArmor annotations",
            ));
        }
        if k == mirror {
            errs.push(forbidden(
                &p.key(k),
                "may not remove or update mirror pod annotation",
            ));
        }
    }
    for k in na.keys().filter(|k| !oa.contains_key(*k)) {
        if k.starts_with(apparmor) {
            errs.push(forbidden(&p.key(k), "may not add AppArmor annotations"));
        }
        if k == mirror {
            errs.push(forbidden(&p.key(k), "may not add mirror pod annotation"));
        }
    }
    let spec = new.spec.clone().unwrap_or_default();
    errs.extend(validate_pod_specific_annotations(
        new.metadata.annotations.as_ref(),
        &spec,
        p,
    ));
    errs
}
