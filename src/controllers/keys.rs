//! Event → work-queue key helpers shared by the controllers: "the object itself", "its
//! controller owner" (upstream's `resolveControllerRef`), and "the owners whose selector
//! matches this object's labels" (upstream's `GetPodReplicaSets`, `GetPodDaemonSets`, ...).
//!
//! They read through the API server like an informer's lister would, and never fail: an
//! owner that cannot be resolved is simply no key.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use crate::apiserver::{ApiServer, ListOptions, WatchEvent};
use crate::controllers::pod_util::controller_ref;
use crate::controllers::ObjectRef;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The key of an object.
pub fn key_of(obj: &Object) -> ObjectRef {
    ObjectRef {
        kind: obj.kind(),
        namespace: obj.namespace().to_string(),
        name: obj.name().to_string(),
    }
}

/// "The object itself": the key of the object an event is about.
pub fn object_itself(event: &WatchEvent) -> Vec<ObjectRef> {
    vec![ObjectRef::of(event)]
}

/// The object before a MODIFIED event, if the event is one.
pub fn old_object(event: &WatchEvent) -> Option<&Object> {
    match event {
        WatchEvent::Modified { old, .. } => Some(old),
        _ => None,
    }
}

/// Resolves an owner reference of an object in `namespace` to an existing owner of
/// `owner_kind`: same kind name, found by name, and the same UID (upstream
/// `resolveControllerRef`, which cannot look up by UID and so checks it afterwards).
pub fn resolve_owner_ref(
    api: &ApiServer,
    namespace: &str,
    reference: &OwnerReference,
    owner_kind: Kind,
) -> Option<ObjectRef> {
    if reference.kind != owner_kind.info().kind {
        return None;
    }
    let ns = if owner_kind.info().namespaced {
        namespace
    } else {
        ""
    };
    let owner = api.try_get(owner_kind, ns, &reference.name)?;
    if owner.meta().uid.as_deref() != Some(reference.uid.as_str()) {
        return None;
    }
    Some(key_of(&owner))
}

/// "Its controller owner": the existing `owner_kind` object named by the object's
/// controller reference, if any.
pub fn controller_owner(obj: &Object, owner_kind: Kind, api: &ApiServer) -> Option<ObjectRef> {
    let reference = controller_ref(obj.meta())?;
    resolve_owner_ref(api, obj.namespace(), reference, owner_kind)
}

/// The label selector an object uses to pick its pods (or, for a Deployment, its
/// ReplicaSets): `spec.selector` of the workload kinds and PodDisruptionBudgets, and a
/// Service's selector map. `None` when the kind has no selector, the object sets none, or
/// the selector is malformed.
pub fn selector_of(obj: &Object) -> Option<LabelSelector> {
    let selector = match obj {
        Object::ReplicaSet(x) => Some(&x.spec.as_ref()?.selector),
        Object::Deployment(x) => Some(&x.spec.as_ref()?.selector),
        Object::DaemonSet(x) => Some(&x.spec.as_ref()?.selector),
        Object::StatefulSet(x) => Some(&x.spec.as_ref()?.selector),
        Object::Job(x) => x.spec.as_ref()?.selector.as_ref(),
        Object::PodDisruptionBudget(x) => x.spec.as_ref()?.selector.as_ref(),
        Object::Service(x) => {
            let map = x.spec.as_ref()?.selector.as_ref()?;
            return Some(LabelSelector::from_set(map));
        }
        _ => None,
    }?;
    LabelSelector::from_label_selector(selector).ok()
}

/// "The owners whose selector matches this object's labels": every `owner_kind` object in
/// the object's namespace with a non-empty selector matching its labels, in name order.
/// An object without labels matches none (upstream `GetPodReplicaSets`).
pub fn selecting(obj: &Object, owner_kind: Kind, api: &ApiServer) -> Vec<ObjectRef> {
    let empty = BTreeMap::new();
    let labels = obj.meta().labels.as_ref().unwrap_or(&empty);
    if labels.is_empty() {
        return Vec::new();
    }
    let Ok(owners) = api.list(owner_kind, Some(obj.namespace()), &ListOptions::default()) else {
        return Vec::new();
    };
    owners
        .iter()
        .filter(|o| {
            selector_of(o).is_some_and(|s| !s.is_empty() && !s.is_nothing() && s.matches(labels))
        })
        .map(|o| key_of(o))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::Ctx;
    use crate::sim::{SimRng, SimTime, WriteMeta};
    use serde_json::json;

    fn create(api: &mut ApiServer, rng: &mut SimRng, value: serde_json::Value) -> Object {
        let obj = Object::from_manifest(value).unwrap();
        let mut ctx = Ctx::new(SimTime::START, rng, WriteMeta::user());
        (*api.create(&mut ctx, obj).unwrap()).clone()
    }

    fn rs(name: &str, ns: &str, selector: serde_json::Value) -> serde_json::Value {
        json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"selector": selector, "template": {
                "metadata": {"labels": {"foo": "bar"}},
                "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    }

    #[test]
    fn pod_replica_sets_need_namespace_and_labels() {
        // TestPodControllerLookup: a pod without labels matches nothing; matching labels in
        // another namespace do not count; same namespace and labels find the ReplicaSet.
        let mut api = ApiServer::new(1000);
        let mut rng = SimRng::new(1);
        for ns in ["default", "ns"] {
            create(
                &mut api,
                &mut rng,
                json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}}),
            );
        }
        create(
            &mut api,
            &mut rng,
            rs("bar", "ns", json!({"matchLabels": {"foo": "bar"}})),
        );
        let pod = |ns: &str, labels: serde_json::Value| {
            Object::from_manifest(json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p", "namespace": ns, "labels": labels}}))
            .unwrap()
        };
        assert!(selecting(&pod("ns", json!({})), Kind::ReplicaSet, &api).is_empty());
        assert!(selecting(
            &pod("default", json!({"foo": "bar"})),
            Kind::ReplicaSet,
            &api
        )
        .is_empty());
        let found = selecting(&pod("ns", json!({"foo": "bar"})), Kind::ReplicaSet, &api);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].name, "bar");
    }

    #[test]
    fn controller_owner_checks_kind_name_and_uid() {
        // resolveControllerRef: wrong kind or a recreated owner (new UID) resolves to nothing.
        let mut api = ApiServer::new(1000);
        let mut rng = SimRng::new(1);
        create(
            &mut api,
            &mut rng,
            json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}),
        );
        let owner = create(
            &mut api,
            &mut rng,
            rs("web", "default", json!({"matchLabels": {"foo": "bar"}})),
        );
        let uid = owner.meta().uid.clone().unwrap();
        let pod = |kind: &str, uid: &str| {
            Object::from_manifest(json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "p", "namespace": "default", "ownerReferences": [
                    {"apiVersion": "apps/v1", "kind": kind, "name": "web", "uid": uid, "controller": true}]}}))
            .unwrap()
        };
        let found = controller_owner(&pod("ReplicaSet", &uid), Kind::ReplicaSet, &api);
        assert_eq!(found.map(|k| k.name), Some("web".to_string()));
        assert!(controller_owner(&pod("ReplicaSet", "other"), Kind::ReplicaSet, &api).is_none());
        assert!(controller_owner(&pod("DaemonSet", &uid), Kind::ReplicaSet, &api).is_none());
    }
}
