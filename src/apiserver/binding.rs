//! The `pods/binding` subresource (upstream `BindingREST` in
//! `pkg/registry/core/pod/storage`, v1.32): how the scheduler assigns a pod to a node.
//!
//! A binding sets `spec.nodeName`, which no ordinary update may change, and the
//! `PodScheduled=True` condition, in one storage update. It refuses a pod that is already
//! assigned (`pod x is already assigned to node "y"`), being deleted, or still gated by
//! `schedulingGates`; those refusals are 409 Conflicts on `pods/binding`, as upstream
//! wraps them.

use std::rc::Rc;

use k8s_openapi::api::core::v1::PodCondition;

use crate::apiserver::{invalid, not_found, store_error, ApiError, ApiServer, Ctx, FieldError};
use crate::model::{Kind, Object};
use crate::store::Precondition;

fn conflict(name: &str, message: String) -> ApiError {
    ApiError::Conflict {
        resource: "pods/binding".to_string(),
        name: name.to_string(),
        message,
    }
}

/// Binds pod `namespace/name` to `node`. Returns the pod as stored.
pub(super) fn bind(
    api: &mut ApiServer,
    ctx: &mut Ctx,
    namespace: &str,
    name: &str,
    node: &str,
) -> Result<Rc<Object>, ApiError> {
    let key = ApiServer::key(Kind::Pod, namespace, name);
    let current = api
        .store
        .get(&key)
        .ok_or_else(|| not_found(Kind::Pod, name))?;
    let rev = current.mod_revision;
    let Object::Pod(pod) = &*current.value else {
        return Err(not_found(Kind::Pod, name));
    };
    if node.is_empty() {
        let binding = Object::Binding(k8s_openapi::api::core::v1::Binding {
            metadata: pod.metadata.clone(),
            ..Default::default()
        });
        return Err(invalid(
            &binding,
            vec![FieldError::required("target.name", "")],
        ));
    }
    if pod.metadata.deletion_timestamp.is_some() {
        return Err(conflict(
            name,
            format!("pod {name} is being deleted, cannot be assigned to a host"),
        ));
    }
    let spec = pod.spec.as_ref();
    if let Some(assigned) = spec.and_then(|s| s.node_name.as_deref()).filter(|n| !n.is_empty()) {
        return Err(conflict(
            name,
            format!("pod {name} is already assigned to node \"{assigned}\""),
        ));
    }
    let gated = spec.and_then(|s| s.scheduling_gates.as_ref());
    if gated.is_some_and(|g| !g.is_empty()) {
        return Err(conflict(
            name,
            format!("pod {name} has non-empty .spec.schedulingGates"),
        ));
    }
    let mut new = pod.clone();
    new.spec.get_or_insert_with(Default::default).node_name = Some(node.to_string());
    let conditions = new
        .status
        .get_or_insert_with(Default::default)
        .conditions
        .get_or_insert_with(Vec::new);
    let now = ctx.now.to_k8s_time();
    match conditions.iter_mut().find(|c| c.type_ == "PodScheduled") {
        // Upstream `UpdatePodCondition`: the new condition replaces the old one (its
        // reason and message go), keeping the transition time if the status holds.
        Some(c) => {
            let since = if c.status == "True" {
                c.last_transition_time.clone()
            } else {
                Some(now)
            };
            *c = PodCondition {
                type_: "PodScheduled".into(),
                status: "True".into(),
                last_transition_time: since,
                ..Default::default()
            };
        }
        None => conditions.push(PodCondition {
            type_: "PodScheduled".into(),
            status: "True".into(),
            last_transition_time: Some(now),
            ..Default::default()
        }),
    }
    let mut obj = Object::Pod(new);
    if ctx.dry_run {
        return Ok(Rc::new(obj));
    }
    obj.meta_mut().resource_version = Some(api.store.next_revision().to_string());
    let obj = Rc::new(obj);
    api.store
        .put(
            &key,
            obj.clone(),
            Precondition::ModRevision(rev),
            ctx.meta.clone(),
        )
        .map_err(|e| store_error(Kind::Pod, name, e))?;
    Ok(obj)
}
