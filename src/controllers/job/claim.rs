//! `getPodsForJob`: which pods a Job owns. Pods it controls whose labels still match its
//! selector are its pods; controlled pods that stopped matching are released, matching
//! orphans adopted (upstream's `PodControllerRefManager.ClaimPods` with the tracking
//! finalizer). Also the pod patch helper the other steps use.

use k8s_openapi::api::batch::v1::Job;
use k8s_openapi::api::core::v1::Pod;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use super::pods::{controller_of, job_controller_ref, TRACKING_FINALIZER};
use crate::apiserver::{ApiError, ListOptions, Subresource};
use crate::controllers::ReconcileCtx;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// `getPodsForJob`: the pods this Job controls and whose labels still match its selector,
/// after releasing controlled pods that no longer match and adopting matching orphans
/// (adding the controller reference and the tracking finalizer).
pub(super) fn get_pods_for_job(rc: &mut ReconcileCtx, job: &Job) -> Result<Vec<Pod>, ApiError> {
    let ns = job.metadata.namespace.clone().unwrap_or_default();
    let job_uid = job.metadata.uid.clone().unwrap_or_default();
    let selector = LabelSelector::from_optional_label_selector(
        job.spec.as_ref().and_then(|s| s.selector.as_ref()),
    )
    .map_err(|e| ApiError::Internal {
        message: format!("couldn't convert Job selector: {e}"),
    })?;
    let deleting = job.metadata.deletion_timestamp.is_some();
    let mut claimed = Vec::new();
    for obj in rc.api.list(Kind::Pod, Some(&ns), &ListOptions::default())? {
        let Object::Pod(pod) = &*obj else { continue };
        let labels = pod.metadata.labels.clone().unwrap_or_default();
        let matches = selector.matches(&labels);
        match controller_of(&pod.metadata) {
            Some(r) if r.uid != job_uid => {}
            Some(_) if matches => claimed.push(pod.clone()),
            Some(_) => {
                if !deleting {
                    release(rc, pod, &job_uid)?;
                }
            }
            None => {
                if deleting || !matches || pod.metadata.deletion_timestamp.is_some() {
                    continue;
                }
                if let Some(adopted) = adopt(rc, pod, job)? {
                    claimed.push(adopted);
                }
            }
        }
    }
    Ok(claimed)
}

/// Patches a pod through the API as a strategic merge patch would: on its current state,
/// without a resourceVersion precondition. A pod that is gone is `Ok(None)`.
pub(super) fn patch_pod(
    rc: &mut ReconcileCtx,
    ns: &str,
    name: &str,
    edit: impl FnOnce(&mut Pod),
) -> Result<Option<Pod>, ApiError> {
    let Some(current) = rc.api.try_get(Kind::Pod, ns, name) else {
        return Ok(None);
    };
    let Object::Pod(pod) = &*current else {
        return Ok(None);
    };
    let mut pod = pod.clone();
    edit(&mut pod);
    pod.metadata.resource_version = None;
    match rc.update(Object::Pod(pod), Subresource::Main) {
        Ok(o) => match &*o {
            Object::Pod(p) => Ok(Some(p.clone())),
            _ => Ok(None),
        },
        Err(ApiError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `ReleasePod`: drops this Job's owner reference and the tracking finalizer.
fn release(rc: &mut ReconcileCtx, pod: &Pod, job_uid: &str) -> Result<(), ApiError> {
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    let name = pod.metadata.name.clone().unwrap_or_default();
    patch_pod(rc, &ns, &name, |p| {
        if let Some(refs) = p.metadata.owner_references.as_mut() {
            refs.retain(|r: &OwnerReference| r.uid != job_uid);
        }
        if let Some(f) = p.metadata.finalizers.as_mut() {
            f.retain(|x| x != TRACKING_FINALIZER);
        }
    })
    .map(|_| ())
}

/// `AdoptPod`: becomes the pod's controller and adds the tracking finalizer, after checking
/// that the Job is not being deleted.
fn adopt(rc: &mut ReconcileCtx, pod: &Pod, job: &Job) -> Result<Option<Pod>, ApiError> {
    let ns = job.metadata.namespace.clone().unwrap_or_default();
    let job_name = job.metadata.name.clone().unwrap_or_default();
    match rc.api.try_get(Kind::Job, &ns, &job_name).as_deref() {
        Some(Object::Job(fresh)) if fresh.metadata.uid == job.metadata.uid => {
            if let Some(t) = &fresh.metadata.deletion_timestamp {
                return Err(ApiError::Internal {
                    message: format!(
                        "{ns}/{job_name} has just been deleted at {}",
                        t.0.to_rfc3339()
                    ),
                });
            }
        }
        _ => {
            return Err(ApiError::Internal {
                message: format!("original Job {ns}/{job_name} is gone"),
            })
        }
    }
    let name = pod.metadata.name.clone().unwrap_or_default();
    let owner = job_controller_ref(job);
    patch_pod(rc, &ns, &name, |p| {
        p.metadata
            .owner_references
            .get_or_insert_with(Vec::new)
            .push(owner);
        let f = p.metadata.finalizers.get_or_insert_with(Vec::new);
        if !f.iter().any(|x| x == TRACKING_FINALIZER) {
            f.push(TRACKING_FINALIZER.to_string());
        }
    })
}
