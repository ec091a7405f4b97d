//! Owner references, both ways: resolving a dependent's references to live owners
//! (upstream `classifyReferences` / `isDangling`), and finding an owner's dependents
//! without a dependency graph.
//!
//! Finding dependents is a scan, bounded to keep its cost reasonable: for a namespaced
//! owner, the namespaced kinds of the owner's own namespace (a key-prefix range per kind,
//! never the whole store); for a cluster-scoped owner, every namespace. Events are never
//! dependents. Pods, the kind there are most of, are scanned only for owners that own
//! pods on a v1.32 cluster (ReplicaSet, DaemonSet, StatefulSet, Job, and Node for mirror
//! pods), so deleting one of ten thousand pods does not read the other pods; an owner
//! reference from a pod to any other kind of owner is not followed.

use std::rc::Rc;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::OwnerReference;

use crate::apiserver::{ApiServer, ListOptions};
use crate::model::{Kind, Object};

/// The finalizer that makes an owner wait for its blocking dependents (foreground).
pub const FOREGROUND: &str = "foregroundDeletion";
/// The finalizer that makes the collector strip references before the owner goes.
pub const ORPHAN: &str = "orphan";

/// The kinds that own pods on a v1.32 cluster.
const POD_OWNERS: &[Kind] = &[
    Kind::ReplicaSet,
    Kind::DaemonSet,
    Kind::StatefulSet,
    Kind::Job,
    Kind::Node,
];

/// Whether an object has the finalizer `name`.
pub fn has_finalizer(obj: &Object, name: &str) -> bool {
    obj.meta()
        .finalizers
        .as_ref()
        .is_some_and(|f| f.iter().any(|x| x == name))
}

/// Upstream `isDeletingDependents`: being deleted in the foreground.
pub fn is_deleting_dependents(obj: &Object) -> bool {
    obj.meta().deletion_timestamp.is_some() && has_finalizer(obj, FOREGROUND)
}

/// The served kind an owner reference names: its `kind` in the group of its
/// `apiVersion` (any version of the group, as the REST mapper resolves it).
pub fn kind_of_ref(reference: &OwnerReference) -> Option<Kind> {
    let group = match reference.api_version.split_once('/') {
        Some((group, _)) => group,
        None => "",
    };
    Kind::ALL.iter().copied().find(|k| {
        let info = k.info();
        info.stored() && info.kind == reference.kind && info.group == group
    })
}

/// What one owner reference points at.
#[derive(Clone, Debug, PartialEq)]
pub enum Owner {
    /// The owner exists and is not waiting for its dependents.
    Solid,
    /// No object with that name and UID exists.
    Dangling,
    /// The owner is being deleted in the foreground.
    Waiting,
    /// The reference cannot be followed: an unserved kind, or a namespaced owner of a
    /// cluster-scoped object. Upstream retries such references forever without acting.
    Unresolvable,
}

/// Upstream `isDangling` plus the foreground check of `classifyReferences`.
pub fn classify(api: &ApiServer, dependent: &Object, reference: &OwnerReference) -> Owner {
    let Some(kind) = kind_of_ref(reference) else {
        return Owner::Unresolvable;
    };
    let namespaced = kind.info().namespaced;
    if namespaced && !dependent.kind().info().namespaced {
        return Owner::Unresolvable;
    }
    let ns = if namespaced {
        dependent.namespace()
    } else {
        ""
    };
    match api.try_get(kind, ns, &reference.name) {
        None => Owner::Dangling,
        Some(o) if o.meta().uid.as_deref() != Some(reference.uid.as_str()) => Owner::Dangling,
        Some(o) if is_deleting_dependents(&o) => Owner::Waiting,
        Some(_) => Owner::Solid,
    }
}

/// The owner references of an object.
pub fn owner_refs(obj: &Object) -> &[OwnerReference] {
    obj.meta().owner_references.as_deref().unwrap_or_default()
}

fn candidate_kinds(owner: Kind) -> impl Iterator<Item = Kind> {
    let owner_namespaced = owner.info().namespaced;
    Kind::ALL.iter().copied().filter(move |k| {
        let info = k.info();
        info.stored()
            && *k != Kind::Event
            && (info.namespaced || !owner_namespaced)
            && (*k != Kind::Pod || POD_OWNERS.contains(&owner))
    })
}

/// The objects whose owner references name `owner`'s UID (see the module documentation
/// for where they are looked for), in kind then key order.
pub fn dependents(api: &ApiServer, owner: &Object) -> Vec<Rc<Object>> {
    let Some(uid) = owner.meta().uid.as_deref() else {
        return Vec::new();
    };
    let owner_kind = owner.kind();
    let scope = if owner_kind.info().namespaced {
        Some(owner.namespace())
    } else {
        None
    };
    let mut out = Vec::new();
    for kind in candidate_kinds(owner_kind) {
        let scope = if kind.info().namespaced { scope } else { None };
        let Ok(objects) = api.list(kind, scope, &ListOptions::default()) else {
            continue;
        };
        out.extend(
            objects
                .into_iter()
                .filter(|o| owner_refs(o).iter().any(|r| r.uid == uid)),
        );
    }
    out
}

/// Whether `dependent` holds up `owner`'s foreground deletion (a reference to it with
/// `blockOwnerDeletion: true`; upstream `blockingDependents`).
pub fn blocks(dependent: &Object, owner_uid: &str) -> bool {
    owner_refs(dependent)
        .iter()
        .any(|r| r.uid == owner_uid && r.block_owner_deletion == Some(true))
}

/// The kinds `dependents` scans for an owner of `owner` kind (for tests of the cost bound).
#[cfg(test)]
pub fn candidate_kinds_for_test(owner: Kind) -> Vec<Kind> {
    candidate_kinds(owner).collect()
}
