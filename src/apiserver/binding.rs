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
    if let Some(assigned) = spec
        .and_then(|s| s.node_name.as_deref())
        .filter(|n| !n.is_empty())
    {
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
    // Through the API server's write path, so watches (which read a per-kind index) see it.
    api.put(
        Kind::Pod,
        &key,
        obj.clone(),
        Precondition::ModRevision(rev),
        ctx.meta.clone(),
    )
    .map_err(|e| store_error(Kind::Pod, name, e))?;
    Ok(obj)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::DeleteOptions;
    use crate::sim::{Actor, SimTime, WriteMeta};
    use crate::Cluster;

    fn cluster_with_pod(node: Option<&str>) -> Cluster {
        let mut c = Cluster::builder().build();
        let spec_node = node
            .map(|n| format!("  nodeName: {n}\n"))
            .unwrap_or_default();
        let out = c.apply_yaml(&format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  finalizers: [example.com/hold]\nspec:\n{spec_node}  schedulerName: none\n  containers:\n  - name: c\n    image: nginx\n"
        ));
        assert_eq!(out.exit_code, 0, "{}", out.combined());
        c
    }

    fn bind(c: &mut Cluster, name: &str, node: &str) -> Result<Rc<Object>, ApiError> {
        let mut ctx = Ctx::new(
            SimTime::START.plus_secs(5),
            &mut c.rng,
            WriteMeta::by(Actor::Scheduler, None),
        );
        c.api.bind(&mut ctx, "default", name, node)
    }

    /// Binding sets `spec.nodeName` and `PodScheduled=True` (with the transition time of
    /// the binding) in one write by the scheduler.
    #[test]
    fn binding_assigns_the_node_and_the_condition() {
        let mut c = cluster_with_pod(None);
        let rev = c.api.revision();
        let bound = bind(&mut c, "nginx", "worker01");
        let Ok(bound) = bound else {
            panic!("{bound:?}");
        };
        assert_eq!(c.api.revision(), rev + 1);
        let Object::Pod(p) = &*bound else {
            panic!("not a pod");
        };
        assert_eq!(
            p.spec.as_ref().and_then(|s| s.node_name.as_deref()),
            Some("worker01")
        );
        let conditions = p
            .status
            .as_ref()
            .and_then(|s| s.conditions.clone())
            .unwrap_or_default();
        let c0 = &conditions[0];
        assert_eq!(
            (c0.type_.as_str(), c0.status.as_str()),
            ("PodScheduled", "True")
        );
        assert_eq!(
            c0.last_transition_time,
            Some(SimTime::START.plus_secs(5).to_k8s_time())
        );
        assert_eq!(c0.reason, None);
        let stored = c.api.get(Kind::Pod, "default", "nginx").ok();
        assert_eq!(stored.as_deref(), Some(&*bound));
    }

    /// Upstream's conflict for an assigned pod, on `pods/binding`.
    #[test]
    fn an_assigned_pod_cannot_be_bound_again() {
        let mut c = cluster_with_pod(Some("worker02"));
        let err = bind(&mut c, "nginx", "worker01").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Operation cannot be fulfilled on pods/binding \"nginx\": pod nginx is already assigned to node \"worker02\"")
        );
    }

    /// A pod being deleted is not bound.
    #[test]
    fn a_terminating_pod_cannot_be_bound() {
        let mut c = cluster_with_pod(None);
        let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
        let deleted = c.api.delete(
            &mut ctx,
            Kind::Pod,
            "default",
            "nginx",
            &DeleteOptions::default(),
        );
        assert!(deleted.is_ok(), "{deleted:?}");
        let err = bind(&mut c, "nginx", "worker01").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Operation cannot be fulfilled on pods/binding \"nginx\": pod nginx is being deleted, cannot be assigned to a host")
        );
    }

    #[test]
    fn missing_pod_and_missing_target() {
        let mut c = cluster_with_pod(None);
        let err = bind(&mut c, "ghost", "worker01").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("pods \"ghost\" not found")
        );
        let err = bind(&mut c, "nginx", "").err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Binding \"nginx\" is invalid: target.name: Required value")
        );
    }
}
