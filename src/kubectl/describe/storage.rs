//! `kubectl describe pv` and `kubectl describe pvc` (upstream v1.32
//! `describePersistentVolume`, `describePersistentVolumeClaim`, `printPersistentVolumeClaim`,
//! `getPodsForPVC`), with kubectl's storage helpers: the storage class (the beta annotation
//! first) and access modes as `RWO,ROX,RWX,RWOP`.

use std::rc::Rc;

use chrono::{DateTime, Utc};

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, Pod};

use super::events;
use super::multiline::{print_annotations, print_labels, print_pod_names};
use super::pv_source::describe_pv_source;
use super::writer::{go_slice, quantity, rfc1123z, since, PrefixWriter, LEVEL_0, LEVEL_1, LEVEL_2};
use super::Env;
use crate::apiserver::ListOptions;
use crate::model::{Kind, Object};

/// The beta storage-class annotation, which wins over `storageClassName`.
const BETA_STORAGE_CLASS: &str = "volume.beta.kubernetes.io/storage-class";

/// `storageutil.GetAccessModesAsString`: `RWO,ROX,RWX,RWOP`, in that order, once each.
pub(super) fn access_modes(modes: Option<&[String]>) -> String {
    let modes = modes.unwrap_or_default();
    let known = [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ];
    known
        .iter()
        .filter(|(mode, _)| modes.iter().any(|m| m == mode))
        .map(|(_, short)| *short)
        .collect::<Vec<_>>()
        .join(",")
}

/// Go's `%s` of an access mode list: `[ReadWriteOnce]`.
pub(super) fn access_modes_go(modes: Option<&[String]>) -> String {
    go_slice(modes.unwrap_or_default())
}

/// `storageutil.GetPersistentVolumeClaimClass`.
pub(super) fn claim_class(pvc: &PersistentVolumeClaim) -> String {
    if let Some(class) = pvc
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(BETA_STORAGE_CLASS))
    {
        return class.clone();
    }
    pvc.spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default()
}

/// `describePersistentVolume`.
pub(super) fn describe_persistent_volume(env: &Env, pv: &PersistentVolume) -> String {
    let meta = &pv.metadata;
    let spec = pv.spec.clone().unwrap_or_default();
    let status = pv.status.clone().unwrap_or_default();
    let events = events::about(env, Kind::PersistentVolume, meta);
    let mut w = PrefixWriter::new();
    put!(
        w,
        LEVEL_0,
        "Name:\t{}\n",
        meta.name.as_deref().unwrap_or("")
    );
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    put!(
        w,
        LEVEL_0,
        "Finalizers:\t{}\n",
        go_slice(meta.finalizers.as_deref().unwrap_or_default())
    );
    let class = meta
        .annotations
        .as_ref()
        .and_then(|a| a.get(BETA_STORAGE_CLASS).cloned())
        .or_else(|| spec.storage_class_name.clone())
        .unwrap_or_default();
    put!(w, LEVEL_0, "StorageClass:\t{class}\n");
    match &meta.deletion_timestamp {
        Some(t) => put!(
            w,
            LEVEL_0,
            "Status:\tTerminating (lasts {})\n",
            since(Some(t), env.now)
        ),
        None => put!(
            w,
            LEVEL_0,
            "Status:\t{}\n",
            status.phase.as_deref().unwrap_or("")
        ),
    }
    let claim = spec.claim_ref.as_ref().map_or(String::new(), |r| {
        format!(
            "{}/{}",
            r.namespace.as_deref().unwrap_or(""),
            r.name.as_deref().unwrap_or("")
        )
    });
    put!(w, LEVEL_0, "Claim:\t{claim}\n");
    put!(
        w,
        LEVEL_0,
        "Reclaim Policy:\t{}\n",
        spec.persistent_volume_reclaim_policy
            .as_deref()
            .unwrap_or("")
    );
    put!(
        w,
        LEVEL_0,
        "Access Modes:\t{}\n",
        access_modes(spec.access_modes.as_deref())
    );
    if let Some(mode) = &spec.volume_mode {
        put!(w, LEVEL_0, "VolumeMode:\t{mode}\n");
    }
    let capacity = spec
        .capacity
        .as_ref()
        .and_then(|c| c.get("storage"))
        .map_or("0".to_string(), quantity);
    put!(w, LEVEL_0, "Capacity:\t{capacity}\n");
    describe_node_affinity(&mut w, &spec);
    put!(
        w,
        LEVEL_0,
        "Message:\t{}\n",
        status.message.as_deref().unwrap_or("")
    );
    w.write(LEVEL_0, "Source:\n");
    describe_pv_source(&mut w, &spec);
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `printVolumeNodeAffinity`: the required node selector terms, one `Term N:` each.
fn describe_node_affinity(
    w: &mut PrefixWriter,
    spec: &k8s_openapi::api::core::v1::PersistentVolumeSpec,
) {
    w.write(LEVEL_0, "Node Affinity:\t");
    let Some(required) = spec
        .node_affinity
        .as_ref()
        .and_then(|a| a.required.as_ref())
    else {
        return w.write_line("<none>");
    };
    w.write_line("");
    w.write(LEVEL_1, "Required Terms:\t");
    if required.node_selector_terms.is_empty() {
        return w.write_line("<none>");
    }
    w.write_line("");
    for (i, term) in required.node_selector_terms.iter().enumerate() {
        put!(w, LEVEL_2, "Term {i}:\t");
        let reqs = term.match_expressions.as_deref().unwrap_or_default();
        if reqs.is_empty() {
            w.write_line("<none>");
            continue;
        }
        for (j, req) in reqs.iter().enumerate() {
            if j != 0 {
                w.write(LEVEL_2, "\t");
            }
            let mut expr = format!("{} {}", req.key, req.operator.to_lowercase());
            let values = req.values.as_deref().unwrap_or_default();
            if !values.is_empty() {
                expr = format!("{expr} [{}]", values.join(", "));
            }
            put!(w, LEVEL_0, "{expr}\n");
        }
    }
}

/// `describePersistentVolumeClaim`: the claim, the pods using it, its conditions.
pub(super) fn describe_persistent_volume_claim(env: &Env, pvc: &PersistentVolumeClaim) -> String {
    let events = events::about(env, Kind::PersistentVolumeClaim, &pvc.metadata);
    let mut w = PrefixWriter::new();
    print_persistent_volume_claim(&mut w, pvc, ClaimView::Full(env.now));
    print_pod_names(&mut w, "Used By", pods_for_claim(env, pvc));
    let conditions = pvc
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_deref())
        .unwrap_or_default();
    if !conditions.is_empty() {
        w.write(LEVEL_0, "Conditions:\n");
        w.write(
            LEVEL_1,
            "Type\tStatus\tLastProbeTime\tLastTransitionTime\tReason\tMessage\n",
        );
        w.write(
            LEVEL_1,
            "----\t------\t-----------------\t------------------\t------\t-------\n",
        );
        for c in conditions {
            put!(
                w,
                LEVEL_1,
                "{} \t{} \t{} \t{} \t{} \t{}\n",
                c.type_,
                c.status,
                rfc1123z(c.last_probe_time.as_ref()),
                rfc1123z(c.last_transition_time.as_ref()),
                c.reason.as_deref().unwrap_or(""),
                c.message.as_deref().unwrap_or("")
            );
        }
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `getPodsForPVC`: the names of pods in the namespace that mount the claim, then of
/// pods that own it (a generic ephemeral volume's claim), each once.
fn pods_for_claim(env: &Env, pvc: &PersistentVolumeClaim) -> Vec<String> {
    let namespace = pvc.metadata.namespace.as_deref().unwrap_or("");
    let name = pvc.metadata.name.as_deref().unwrap_or("");
    let listed: Vec<Rc<Object>> = env
        .api
        .list(Kind::Pod, Some(namespace), &ListOptions::default())
        .unwrap_or_default();
    let pods: Vec<&Pod> = listed
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p),
            _ => None,
        })
        .collect();
    let mut users: Vec<&Pod> = Vec::new();
    for pod in &pods {
        let volumes = pod
            .spec
            .as_ref()
            .and_then(|s| s.volumes.as_deref())
            .unwrap_or_default();
        for v in volumes {
            if v.persistent_volume_claim
                .as_ref()
                .is_some_and(|c| c.claim_name == name)
            {
                users.push(pod);
            }
        }
    }
    for owner in pvc.metadata.owner_references.iter().flatten() {
        if owner.kind != "Pod" {
            continue;
        }
        let Some(pod) = pods
            .iter()
            .find(|p| p.metadata.uid.as_deref() == Some(owner.uid.as_str()))
        else {
            continue;
        };
        if !users.iter().any(|u| u.metadata.uid == pod.metadata.uid) {
            users.push(pod);
        }
    }
    users
        .iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect()
}

/// Which `printPersistentVolumeClaim` output: a whole claim (ages measured from `now`), or
/// a claim template inside an ephemeral volume (no name, namespace, status or finalizers).
pub(super) enum ClaimView {
    /// `kubectl describe pvc`.
    Full(DateTime<Utc>),
    /// An ephemeral volume's `volumeClaimTemplate`.
    Template,
}

/// `printPersistentVolumeClaim`.
pub(super) fn print_persistent_volume_claim(
    w: &mut PrefixWriter,
    pvc: &PersistentVolumeClaim,
    view: ClaimView,
) {
    let full = matches!(view, ClaimView::Full(_));
    let meta = &pvc.metadata;
    let spec = pvc.spec.clone().unwrap_or_default();
    let status = pvc.status.clone().unwrap_or_default();
    if full {
        put!(
            w,
            LEVEL_0,
            "Name:\t{}\n",
            meta.name.as_deref().unwrap_or("")
        );
        put!(
            w,
            LEVEL_0,
            "Namespace:\t{}\n",
            meta.namespace.as_deref().unwrap_or("")
        );
    }
    put!(w, LEVEL_0, "StorageClass:\t{}\n", claim_class(pvc));
    if let ClaimView::Full(now) = view {
        match &meta.deletion_timestamp {
            Some(t) => put!(
                w,
                LEVEL_0,
                "Status:\tTerminating (lasts {})\n",
                since(Some(t), now)
            ),
            None => put!(
                w,
                LEVEL_0,
                "Status:\t{}\n",
                status.phase.as_deref().unwrap_or("")
            ),
        }
    }
    let volume = spec.volume_name.clone().unwrap_or_default();
    put!(w, LEVEL_0, "Volume:\t{volume}\n");
    print_labels(w, "Labels", meta.labels.as_ref());
    print_annotations(w, "Annotations", meta.annotations.as_ref());
    if full {
        put!(
            w,
            LEVEL_0,
            "Finalizers:\t{}\n",
            go_slice(meta.finalizers.as_deref().unwrap_or_default())
        );
    }
    let (mut capacity, mut modes) = (String::new(), String::new());
    if !volume.is_empty() {
        modes = access_modes(status.access_modes.as_deref());
        capacity = status
            .capacity
            .as_ref()
            .and_then(|c| c.get("storage"))
            .map_or("0".to_string(), quantity);
    }
    put!(w, LEVEL_0, "Capacity:\t{capacity}\n");
    put!(w, LEVEL_0, "Access Modes:\t{modes}\n");
    if let Some(mode) = &spec.volume_mode {
        put!(w, LEVEL_0, "VolumeMode:\t{mode}\n");
    }
    if let Some(source) = &spec.data_source {
        w.write(LEVEL_0, "DataSource:\n");
        if let Some(group) = &source.api_group {
            put!(w, LEVEL_1, "APIGroup:\t{group}\n");
        }
        put!(w, LEVEL_1, "Kind:\t{}\n", source.kind);
        put!(w, LEVEL_1, "Name:\t{}\n", source.name);
    }
}
