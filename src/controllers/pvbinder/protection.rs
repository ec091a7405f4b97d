//! Storage-object-in-use protection (upstream `pvcprotection` and `pvprotection`
//! controllers): the API server gives every claim the `kubernetes.io/pvc-protection`
//! finalizer and every volume `kubernetes.io/pv-protection`; these controllers remove the
//! finalizer of an object being deleted once nothing uses it — no scheduled pod mounts
//! the claim; the volume is no longer Bound — so `kubectl delete pvc` shows the claim
//! `Terminating` while a pod still has it, as on a real cluster.

use k8s_openapi::api::core::v1::Pod;

use crate::apiserver::{ApiError, ApiServer, ListOptions, Subresource, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// The claim finalizer.
pub const PVC_FINALIZER: &str = "kubernetes.io/pvc-protection";
/// The volume finalizer.
pub const PV_FINALIZER: &str = "kubernetes.io/pv-protection";

/// Releases claims being deleted once no scheduled pod uses them.
pub struct PvcProtectionController;

/// Releases volumes being deleted once they are not Bound.
pub struct PvProtectionController;

/// The claims a pod's volumes name.
fn claims_of(pod: &Pod) -> Vec<String> {
    pod.spec
        .as_ref()
        .and_then(|s| s.volumes.as_ref())
        .into_iter()
        .flatten()
        .filter_map(|v| {
            v.persistent_volume_claim
                .as_ref()
                .map(|c| c.claim_name.clone())
        })
        .collect()
}

/// `podUsesPVC`: only scheduled pods count; the kubelet refuses to start a pod whose
/// claim is being deleted.
fn in_use(api: &ApiServer, ns: &str, claim: &str) -> bool {
    api.list(Kind::Pod, Some(ns), &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .any(|o| match &**o {
            Object::Pod(p) => {
                p.spec
                    .as_ref()
                    .and_then(|s| s.node_name.as_deref())
                    .is_some_and(|n| !n.is_empty())
                    && claims_of(p).iter().any(|c| c == claim)
            }
            _ => false,
        })
}

/// Removes `finalizer` from an object and writes it back.
fn drop_finalizer(rc: &mut ReconcileCtx, mut obj: Object, finalizer: &str) -> Result<(), ApiError> {
    let meta = obj.meta_mut();
    let Some(list) = meta.finalizers.as_mut() else {
        return Ok(());
    };
    let before = list.len();
    list.retain(|f| f != finalizer);
    if list.len() == before {
        return Ok(());
    }
    match rc.update(obj, Subresource::Main) {
        Ok(_) | Err(ApiError::NotFound { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

impl Controller for PvcProtectionController {
    fn name(&self) -> &'static str {
        "persistentvolumeclaim-protection-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::PersistentVolumeClaim, Kind::Pod]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        let obj = event.object();
        match &**obj {
            Object::PersistentVolumeClaim(c) if c.metadata.deletion_timestamp.is_some() => {
                vec![ObjectRef::of(event)]
            }
            Object::Pod(p) => claims_of(p)
                .into_iter()
                .map(|name| ObjectRef {
                    kind: Kind::PersistentVolumeClaim,
                    namespace: obj.namespace().to_string(),
                    name,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(obj) = rc
            .api
            .try_get(Kind::PersistentVolumeClaim, &key.namespace, &key.name)
        else {
            return Ok(Action::Done);
        };
        if obj.meta().deletion_timestamp.is_none() || in_use(rc.api, &key.namespace, &key.name) {
            return Ok(Action::Done);
        }
        drop_finalizer(rc, (*obj).clone(), PVC_FINALIZER)?;
        Ok(Action::Done)
    }
}

impl Controller for PvProtectionController {
    fn name(&self) -> &'static str {
        "persistentvolume-protection-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::PersistentVolume]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        match event {
            WatchEvent::Deleted { .. } => Vec::new(),
            _ if event.object().meta().deletion_timestamp.is_some() => vec![ObjectRef::of(event)],
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(obj) = rc.api.try_get(Kind::PersistentVolume, "", &key.name) else {
            return Ok(Action::Done);
        };
        let Object::PersistentVolume(pv) = &*obj else {
            return Ok(Action::Done);
        };
        let bound = pv.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Bound");
        if pv.metadata.deletion_timestamp.is_none() || bound {
            return Ok(Action::Done);
        }
        drop_finalizer(rc, (*obj).clone(), PV_FINALIZER)?;
        Ok(Action::Done)
    }
}
