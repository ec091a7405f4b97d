//! The namespace controller: when a namespace is being deleted (phase Terminating), it
//! deletes everything in it, waits for what is still terminating, then clears the
//! `kubernetes` finalizer so the API server removes the namespace itself.

use crate::apiserver::{ApiServer, DeleteOptions, ListOptions, Subresource, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// How long to wait before checking again for content still terminating.
const RECHECK_MS: i64 = 1_000;

/// See the module documentation.
pub struct NamespaceController;

fn namespaced_kinds() -> impl Iterator<Item = Kind> {
    Kind::ALL
        .iter()
        .copied()
        .filter(|k| k.info().namespaced && k.info().stored())
}

impl Controller for NamespaceController {
    fn name(&self) -> &'static str {
        "namespace-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Namespace]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        match event {
            WatchEvent::Deleted { .. } => Vec::new(),
            _ if event.object().meta().deletion_timestamp.is_some() => vec![ObjectRef::of(event)],
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(ns) = rc.api.try_get(Kind::Namespace, "", &key.name) else {
            return Ok(Action::Done);
        };
        if ns.meta().deletion_timestamp.is_none() {
            return Ok(Action::Done);
        }
        for kind in namespaced_kinds() {
            for obj in rc
                .api
                .list(kind, Some(&key.name), &ListOptions::default())?
            {
                if obj.meta().deletion_timestamp.is_none() {
                    // Already gone is fine: someone else deleted it first.
                    let _ = rc.delete(kind, &key.name, obj.name(), &DeleteOptions::default());
                }
            }
        }
        let left: usize = namespaced_kinds()
            .map(|k| {
                rc.api
                    .list(k, Some(&key.name), &ListOptions::default())
                    .map(|v| v.len())
                    .unwrap_or(0)
            })
            .sum();
        if left > 0 {
            // Pods may take their grace period; look again shortly.
            return Ok(Action::RequeueAfter(RECHECK_MS));
        }
        let Object::Namespace(mut n) = (*ns).clone() else {
            return Ok(Action::Done);
        };
        if let Some(spec) = n.spec.as_mut() {
            spec.finalizers = Some(Vec::new());
        }
        rc.update(Object::Namespace(n), Subresource::Main)?;
        Ok(Action::Done)
    }
}
