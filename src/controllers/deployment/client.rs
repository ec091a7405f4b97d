//! The deployment controller's writes, in upstream's shapes: update or create a ReplicaSet,
//! `UpdateStatus` and `Update` of the Deployment, adopt/release patches, and events from
//! `deployment-controller`.
//!
//! Every write carries the resourceVersion of the copy it was made from, as upstream's
//! client calls do: a Deployment written twice in one sync from the same cached copy gets
//! a Conflict the second time, and the manager retries with back-off, exactly the
//! "the object has been modified" retries a real controller logs.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};

use crate::apiserver::{ApiError, Ctx, DeleteOptions, PatchType, Subresource};
use crate::client::events::{record_event, EventType};
use crate::controllers::ReconcileCtx;
use crate::model::{Kind, Object};

/// The component name on the controller's events.
pub const COMPONENT: &str = "deployment-controller";

fn as_rs(obj: &Object) -> Result<ReplicaSet, ApiError> {
    match obj {
        Object::ReplicaSet(rs) => Ok(rs.clone()),
        _ => Err(ApiError::Internal {
            message: "expected a ReplicaSet".to_string(),
        }),
    }
}

/// `ReplicaSets(ns).Update(rs)`: returns the stored ReplicaSet.
pub fn update_rs(rc: &mut ReconcileCtx, rs: ReplicaSet) -> Result<ReplicaSet, ApiError> {
    let stored = rc.update(Object::ReplicaSet(rs), Subresource::Main)?;
    as_rs(&stored)
}

/// `ReplicaSets(ns).Create(rs)`: returns the stored ReplicaSet.
pub fn create_rs(rc: &mut ReconcileCtx, rs: ReplicaSet) -> Result<ReplicaSet, ApiError> {
    let stored = rc.create(Object::ReplicaSet(rs))?;
    as_rs(&stored)
}

/// `ReplicaSets(ns).Delete(name)`.
pub fn delete_rs(rc: &mut ReconcileCtx, namespace: &str, name: &str) -> Result<(), ApiError> {
    rc.delete(Kind::ReplicaSet, namespace, name, &DeleteOptions::default())
        .map(|_| ())
}

/// `ReplicaSets(ns).Patch(name, StrategicMergePatch, body)`.
pub fn patch_rs(
    rc: &mut ReconcileCtx,
    namespace: &str,
    name: &str,
    body: &serde_json::Value,
) -> Result<(), ApiError> {
    let mut ctx = Ctx::new(rc.now, &mut *rc.rng, rc.meta.clone());
    rc.api
        .patch(
            &mut ctx,
            Kind::ReplicaSet,
            namespace,
            name,
            PatchType::Strategic,
            body,
            Subresource::Main,
        )
        .map(|_| ())
}

/// `Deployments(ns).UpdateStatus(d)`. Like upstream's Deployment status strategy, the
/// API server keeps the annotations a status write carries, so the revision annotations
/// reach the Deployment in this one request.
pub fn update_status(rc: &mut ReconcileCtx, d: &Deployment) -> Result<(), ApiError> {
    rc.update(Object::Deployment(d.clone()), Subresource::Status)
        .map(|_| ())
}
/// `Deployments(ns).Update(d)`.
pub fn update_deployment(rc: &mut ReconcileCtx, d: &Deployment) -> Result<(), ApiError> {
    rc.update(Object::Deployment(d.clone()), Subresource::Main)
        .map(|_| ())
}

/// `eventRecorder.Eventf(d, type, reason, message)`. Recording is best effort, as
/// upstream's asynchronous broadcaster is.
pub fn event(rc: &mut ReconcileCtx, d: &Deployment, type_: EventType, reason: &str, msg: &str) {
    let mut ctx = Ctx::new(rc.now, &mut *rc.rng, rc.meta.clone());
    let involved = Object::Deployment(d.clone());
    let _ = record_event(
        rc.api, &mut ctx, &involved, type_, reason, msg, COMPONENT, None,
    );
}
