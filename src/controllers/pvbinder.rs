//! The PersistentVolume binder and the simulation's dynamic provisioner: what kube's
//! `persistentvolume-binder-controller` does together with a cluster's storage
//! provisioner (kind ships `rancher.io/local-path`; kubeniwa's stand-in is named
//! `kubeniwa.io/hostpath`).
//!
//! A Pending claim is bound to the smallest Available volume that fits it (same class,
//! the access modes it asks for, at least the size it requests, same volume mode, its
//! selector). Failing that, a claim of class `standard` — the default class, given to
//! claims that name none, as the v1.32 PV controller does retroactively — gets a new
//! simulated volume `pvc-<claim uid>` of the requested size, class `standard`, a
//! `hostPath` under `/var/lib/kubeniwa/volumes/` and reclaim policy `Delete`, bound at
//! once (the `Immediate` binding mode; kind's class waits for the first consumer). No data
//! is stored anywhere: the volume is an API object only.
//!
//! A bound volume whose claim is gone is `Released`, and deleted if its reclaim policy is
//! `Delete`. The protection finalizers that keep claims and volumes in use are handled by
//! [`protection`].

pub mod protection;
pub mod volumes;

use volumes::{bytes, claim_ref};
pub use volumes::{provisioned_volume, volume_fits};

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{PersistentVolume, PersistentVolumeClaim, PersistentVolumeStatus};

use crate::apiserver::{ApiError, ApiServer, DeleteOptions, ListOptions, Subresource, WatchEvent};
use crate::client::events::EventType;
use crate::controllers::history::pods::record;
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// The default StorageClass of the simulated cluster (kind's name for it).
pub const DEFAULT_CLASS: &str = "standard";
/// The simulated provisioner.
pub const PROVISIONER: &str = "kubeniwa.io/hostpath";
/// Where the provisioner "creates" volumes.
pub const VOLUME_ROOT: &str = "/var/lib/kubeniwa/volumes";
/// The event source of the binder (upstream's PV controller).
const COMPONENT: &str = "persistentvolume-controller";

/// See the module documentation.
pub struct PvBinderController;

fn get_pvc(api: &ApiServer, ns: &str, name: &str) -> Option<PersistentVolumeClaim> {
    match api
        .try_get(Kind::PersistentVolumeClaim, ns, name)
        .as_deref()
    {
        Some(Object::PersistentVolumeClaim(c)) => Some(c.clone()),
        _ => None,
    }
}

fn get_pv(api: &ApiServer, name: &str) -> Option<PersistentVolume> {
    match api.try_get(Kind::PersistentVolume, "", name).as_deref() {
        Some(Object::PersistentVolume(v)) => Some(v.clone()),
        _ => None,
    }
}

fn set_pv_phase(
    rc: &mut ReconcileCtx,
    mut pv: PersistentVolume,
    phase: &str,
) -> Result<(), ApiError> {
    let status = pv
        .status
        .get_or_insert_with(PersistentVolumeStatus::default);
    if status.phase.as_deref() == Some(phase) {
        return Ok(());
    }
    status.phase = Some(phase.into());
    status.last_phase_transition_time = Some(rc.now.to_k8s_time());
    rc.update(Object::PersistentVolume(pv), Subresource::Status)?;
    Ok(())
}

/// Binds a claim to a volume: the volume's `claimRef` and phase, the claim's
/// `volumeName`, annotations and status.
fn bind(
    rc: &mut ReconcileCtx,
    mut pvc: PersistentVolumeClaim,
    mut pv: PersistentVolume,
    provisioned: bool,
) -> Result<(), ApiError> {
    let pv_name = pv.metadata.name.clone().unwrap_or_default();
    if pv
        .spec
        .as_ref()
        .and_then(|s| s.claim_ref.as_ref())
        .is_none()
    {
        pv.spec.get_or_insert_with(Default::default).claim_ref = Some(claim_ref(&pvc));
        pv.metadata
            .annotations
            .get_or_insert_with(BTreeMap::new)
            .insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
        pv = match &*rc.update(Object::PersistentVolume(pv), Subresource::Main)? {
            Object::PersistentVolume(v) => v.clone(),
            _ => return Ok(()),
        };
    }
    let capacity = pv.spec.as_ref().and_then(|s| s.capacity.clone());
    let modes = pv.spec.as_ref().and_then(|s| s.access_modes.clone());
    set_pv_phase(rc, pv, "Bound")?;
    pvc.spec.get_or_insert_with(Default::default).volume_name = Some(pv_name);
    let annotations = pvc.metadata.annotations.get_or_insert_with(BTreeMap::new);
    annotations.insert("pv.kubernetes.io/bind-completed".into(), "yes".into());
    annotations.insert("pv.kubernetes.io/bound-by-controller".into(), "yes".into());
    if provisioned {
        annotations.insert(
            "volume.beta.kubernetes.io/storage-provisioner".into(),
            PROVISIONER.into(),
        );
        annotations.insert(
            "volume.kubernetes.io/storage-provisioner".into(),
            PROVISIONER.into(),
        );
    }
    let mut pvc = match &*rc.update(Object::PersistentVolumeClaim(pvc), Subresource::Main)? {
        Object::PersistentVolumeClaim(c) => c.clone(),
        _ => return Ok(()),
    };
    let status = pvc.status.get_or_insert_with(Default::default);
    status.phase = Some("Bound".into());
    status.capacity = capacity;
    status.access_modes = modes;
    rc.update(Object::PersistentVolumeClaim(pvc), Subresource::Status)?;
    Ok(())
}

fn sync_claim(rc: &mut ReconcileCtx, ns: &str, name: &str) -> Result<(), ApiError> {
    let Some(mut pvc) = get_pvc(rc.api, ns, name) else {
        return Ok(());
    };
    if pvc.metadata.deletion_timestamp.is_some() {
        return Ok(());
    }
    let phase = pvc
        .status
        .as_ref()
        .and_then(|s| s.phase.clone())
        .unwrap_or_default();
    let volume_name = pvc
        .spec
        .as_ref()
        .and_then(|s| s.volume_name.clone())
        .unwrap_or_default();
    if phase == "Bound" {
        let lost = get_pv(rc.api, &volume_name).is_none_or(|pv| {
            pv.spec
                .as_ref()
                .and_then(|s| s.claim_ref.as_ref())
                .and_then(|r| r.uid.clone())
                != pvc.metadata.uid
        });
        if lost {
            let msg = "Bound claim has lost its PersistentVolume. Data on the volume is lost!";
            record(
                rc,
                &Object::PersistentVolumeClaim(pvc.clone()),
                EventType::Warning,
                "ClaimLost",
                msg,
                COMPONENT,
            );
            pvc.status.get_or_insert_with(Default::default).phase = Some("Lost".into());
            rc.update(Object::PersistentVolumeClaim(pvc), Subresource::Status)?;
        }
        return Ok(());
    }
    if phase != "Pending" {
        return Ok(());
    }
    if !volume_name.is_empty() {
        // Pre-bound by the user to a named volume.
        if let Some(pv) = get_pv(rc.api, &volume_name).filter(|pv| volume_fits(pv, &pvc)) {
            bind(rc, pvc, pv, false)?;
        }
        return Ok(());
    }
    if pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.as_ref())
        .is_none()
    {
        // The default class, assigned retroactively; the update brings the next pass.
        pvc.spec
            .get_or_insert_with(Default::default)
            .storage_class_name = Some(DEFAULT_CLASS.into());
        rc.update(Object::PersistentVolumeClaim(pvc), Subresource::Main)?;
        return Ok(());
    }
    let mut candidates: Vec<PersistentVolume> = rc
        .api
        .list(Kind::PersistentVolume, None, &ListOptions::default())?
        .iter()
        .filter_map(|o| match &**o {
            Object::PersistentVolume(v) if volume_fits(v, &pvc) => Some(v.clone()),
            _ => None,
        })
        .collect();
    candidates.sort_by_key(|v| {
        v.spec
            .as_ref()
            .and_then(|s| s.capacity.as_ref())
            .and_then(|c| c.get("storage"))
            .map(bytes)
    });
    if let Some(pv) = candidates.into_iter().next() {
        return bind(rc, pvc, pv, false);
    }
    let class = pvc
        .spec
        .as_ref()
        .and_then(|s| s.storage_class_name.clone())
        .unwrap_or_default();
    let obj = Object::PersistentVolumeClaim(pvc.clone());
    if class.is_empty() {
        let msg = "no persistent volumes available for this claim and no storage class is set";
        record(rc, &obj, EventType::Normal, "FailedBinding", msg, COMPONENT);
        return Ok(());
    }
    if class != DEFAULT_CLASS {
        let msg = format!("storageclass.storage.k8s.io \"{class}\" not found");
        record(
            rc,
            &obj,
            EventType::Warning,
            "ProvisioningFailed",
            &msg,
            COMPONENT,
        );
        return Ok(());
    }
    let pv = match rc.create(Object::PersistentVolume(provisioned_volume(&pvc))) {
        Ok(o) => match &*o {
            Object::PersistentVolume(v) => v.clone(),
            _ => return Ok(()),
        },
        Err(ApiError::AlreadyExists { .. }) => {
            let name = format!("pvc-{}", pvc.metadata.uid.clone().unwrap_or_default());
            match get_pv(rc.api, &name) {
                Some(v) => v,
                None => return Ok(()),
            }
        }
        Err(e) => return Err(e),
    };
    let msg = format!(
        "Successfully provisioned volume {}",
        pv.metadata.name.clone().unwrap_or_default()
    );
    record(
        rc,
        &obj,
        EventType::Normal,
        "ProvisioningSucceeded",
        &msg,
        PROVISIONER,
    );
    bind(rc, pvc, pv, true)
}

fn sync_volume(rc: &mut ReconcileCtx, name: &str) -> Result<(), ApiError> {
    let Some(pv) = get_pv(rc.api, name) else {
        return Ok(());
    };
    let deleting = pv.metadata.deletion_timestamp.is_some();
    let Some(r) = pv.spec.as_ref().and_then(|s| s.claim_ref.clone()) else {
        if deleting {
            return Ok(());
        }
        return set_pv_phase(rc, pv, "Available");
    };
    let ns = r.namespace.clone().unwrap_or_default();
    let claim = get_pvc(rc.api, &ns, r.name.as_deref().unwrap_or(""));
    let claim_alive = claim.is_some_and(|c| r.uid.is_none() || c.metadata.uid == r.uid);
    if claim_alive {
        return Ok(());
    }
    let reclaim = pv
        .spec
        .as_ref()
        .and_then(|s| s.persistent_volume_reclaim_policy.clone());
    set_pv_phase(rc, pv, "Released")?;
    if reclaim.as_deref() == Some("Delete") && !deleting {
        match rc.delete(Kind::PersistentVolume, "", name, &DeleteOptions::default()) {
            Ok(_) | Err(ApiError::NotFound { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

impl Controller for PvBinderController {
    fn name(&self) -> &'static str {
        "persistentvolume-binder-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::PersistentVolumeClaim, Kind::PersistentVolume]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        let obj = event.object();
        match &**obj {
            Object::PersistentVolumeClaim(c) => {
                let mut keys = vec![ObjectRef::of(event)];
                // A claim that goes away releases its volume.
                if let Some(v) = c
                    .spec
                    .as_ref()
                    .and_then(|s| s.volume_name.clone())
                    .filter(|v| !v.is_empty())
                {
                    keys.push(ObjectRef {
                        kind: Kind::PersistentVolume,
                        namespace: String::new(),
                        name: v,
                    });
                }
                keys
            }
            Object::PersistentVolume(v) => {
                let mut keys = vec![ObjectRef::of(event)];
                if let Some(r) = v.spec.as_ref().and_then(|s| s.claim_ref.as_ref()) {
                    keys.push(ObjectRef {
                        kind: Kind::PersistentVolumeClaim,
                        namespace: r.namespace.clone().unwrap_or_default(),
                        name: r.name.clone().unwrap_or_default(),
                    });
                }
                keys
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        match key.kind {
            Kind::PersistentVolumeClaim => sync_claim(rc, &key.namespace, &key.name)?,
            Kind::PersistentVolume => sync_volume(rc, &key.name)?,
            _ => {}
        }
        Ok(Action::Done)
    }
}

#[cfg(test)]
mod tests;
