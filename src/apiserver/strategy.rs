//! Per-kind rules of the generic registry (upstream's `rest.RESTCreateStrategy` and
//! friends): which system fields a create sets, which kinds have a status subresource and a
//! generation, how an update keeps the parts it may not change, and how a DELETE proceeds
//! (at once, or by marking the object for the kubelet or a finalizer).

use crate::apiserver::requests::{Ctx, DeleteOptions, Propagation, Subresource};
use crate::apiserver::FieldError;
use crate::model::{Kind, Object};
use crate::sim::rng::GENERATE_NAME_SUFFIX_LEN;
use crate::sim::SimTime;

/// Upstream's `maxGeneratedNameLength`: 63 minus the 5-character random suffix.
const MAX_GENERATE_NAME_PREFIX: usize = 58;

/// Kinds whose `metadata.generation` tracks spec changes.
fn has_generation(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Deployment
            | Kind::ReplicaSet
            | Kind::DaemonSet
            | Kind::StatefulSet
            | Kind::Job
            | Kind::CronJob
            | Kind::PodDisruptionBudget
    )
}

/// Sets the system metadata the server owns on a new object: a generated name, uid,
/// creationTimestamp, and no deletion or resourceVersion fields. (Status resets and
/// `generation: 1` are each kind's `PrepareForCreate`, in `defaults`.)
pub(crate) fn prepare_for_create(obj: &mut Object, ctx: &mut Ctx) {
    let kind = obj.kind();
    let namespaced = kind.info().namespaced;
    let meta = obj.meta_mut();
    if !namespaced {
        meta.namespace = None;
    }
    meta.uid = Some(ctx.rng.uuid());
    meta.creation_timestamp = Some(ctx.now.to_k8s_time());
    meta.resource_version = None;
    meta.deletion_timestamp = None;
    meta.deletion_grace_period_seconds = None;
    meta.managed_fields = None;
    meta.self_link = None;
    meta.generation = None;
    normalize_meta(obj);
}

/// Gives an object with `generateName` and no name its generated name. Runs after
/// admission, as upstream's `BeforeCreate` does, so admission errors name the prefix.
pub(crate) fn generate_name(obj: &mut Object, ctx: &mut Ctx) {
    let meta = obj.meta_mut();
    if meta.name.as_deref().unwrap_or("").is_empty() {
        if let Some(prefix) = meta.generate_name.as_deref().filter(|g| !g.is_empty()) {
            let prefix: String = prefix.chars().take(MAX_GENERATE_NAME_PREFIX).collect();
            meta.name = Some(format!(
                "{prefix}{}",
                ctx.rng.suffix(GENERATE_NAME_SUFFIX_LEN)
            ));
        }
    }
}

/// Drops empty metadata lists and maps, as Go's `omitempty` does when the API server
/// writes an object: `ownerReferences: []` or `labels: {}` sent by a client are not stored.
pub(crate) fn normalize_meta(obj: &mut Object) {
    let meta = obj.meta_mut();
    if meta.labels.as_ref().is_some_and(|m| m.is_empty()) {
        meta.labels = None;
    }
    if meta.annotations.as_ref().is_some_and(|m| m.is_empty()) {
        meta.annotations = None;
    }
    if meta.finalizers.as_ref().is_some_and(|v| v.is_empty()) {
        meta.finalizers = None;
    }
    if meta.owner_references.as_ref().is_some_and(|v| v.is_empty()) {
        meta.owner_references = None;
    }
}

macro_rules! keep_status {
    ($new:expr, $old:expr, $sub:expr, [$($variant:ident),*]) => {
        match ($new, $old) {
            $((Object::$variant(n), Object::$variant(o)) => {
                match $sub {
                    Subresource::Main => n.status = o.status.clone(),
                    Subresource::Status => n.spec = o.spec.clone(),
                }
            })*
            _ => {}
        }
    };
}

/// Keeps what an update may not change: system metadata always; the status on a main
/// update and the spec and metadata on a status update, for kinds with a status
/// subresource. Bumps `generation` when the spec changed.
pub(crate) fn prepare_for_update(new: &mut Object, old: &Object, sub: Subresource) {
    let old_meta = old.meta().clone();
    if sub == Subresource::Status {
        // A status write keeps the stored metadata, except annotations: upstream's status
        // strategies reset spec (and labels, owner references) but let annotations through
        // (the Deployment controller records revisions that way).
        let rv = new.meta().resource_version.clone();
        let annotations = new.meta().annotations.clone();
        *new.meta_mut() = old_meta.clone();
        new.meta_mut().resource_version = rv;
        new.meta_mut().annotations = annotations;
    }
    keep_status!(
        &mut *new,
        old,
        sub,
        [
            Pod,
            Deployment,
            ReplicaSet,
            DaemonSet,
            StatefulSet,
            Job,
            CronJob,
            Service,
            Namespace,
            Node,
            PersistentVolumeClaim,
            PersistentVolume,
            PodDisruptionBudget
        ]
    );
    let meta = new.meta_mut();
    meta.uid = old_meta.uid.clone();
    meta.creation_timestamp = old_meta.creation_timestamp.clone();
    meta.deletion_timestamp = old_meta.deletion_timestamp.clone();
    meta.deletion_grace_period_seconds = old_meta.deletion_grace_period_seconds;
    meta.generation = old_meta.generation;
    meta.namespace = old_meta.namespace.clone();
    meta.generate_name = old_meta.generate_name.clone().or(meta.generate_name.take());
    meta.managed_fields = None;
    if sub == Subresource::Main && has_generation(new.kind()) && spec_changed(new, old) {
        let g = old.meta().generation.unwrap_or(0).saturating_add(1);
        new.meta_mut().generation = Some(g);
    }
    if sub == Subresource::Main {
        daemon_set_template_generation(new, old);
    }
    normalize_meta(new);
}

/// The annotation through which `apps/v1` carries a DaemonSet's `spec.templateGeneration`.
const DS_TEMPLATE_GENERATION: &str = "deprecated.daemonset.template.generation";

/// The DaemonSet strategy's `PrepareForUpdate`: a changed pod template raises
/// `templateGeneration` by one (the DaemonSet controller labels pods with it as
/// `pod-template-generation`); otherwise the stored value is kept, since validation
/// forbids lowering it.
fn daemon_set_template_generation(new: &mut Object, old: &Object) {
    let (Object::DaemonSet(n), Object::DaemonSet(o)) = (new, old) else {
        return;
    };
    let stored = o
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get(DS_TEMPLATE_GENERATION))
        .and_then(|v| v.parse::<i64>().ok());
    let template_changed =
        n.spec.as_ref().map(|s| &s.template) != o.spec.as_ref().map(|s| &s.template);
    if stored.is_none() && !template_changed {
        return;
    }
    let stored = stored.unwrap_or(0);
    let value = if template_changed {
        stored.saturating_add(1)
    } else {
        stored
    };
    n.metadata
        .annotations
        .get_or_insert_with(Default::default)
        .insert(DS_TEMPLATE_GENERATION.to_string(), value.to_string());
}

fn spec_changed(new: &Object, old: &Object) -> bool {
    match (new, old) {
        (Object::Deployment(n), Object::Deployment(o)) => n.spec != o.spec,
        (Object::ReplicaSet(n), Object::ReplicaSet(o)) => n.spec != o.spec,
        (Object::DaemonSet(n), Object::DaemonSet(o)) => n.spec != o.spec,
        (Object::StatefulSet(n), Object::StatefulSet(o)) => n.spec != o.spec,
        (Object::Job(n), Object::Job(o)) => n.spec != o.spec,
        (Object::CronJob(n), Object::CronJob(o)) => n.spec != o.spec,
        (Object::PodDisruptionBudget(n), Object::PodDisruptionBudget(o)) => n.spec != o.spec,
        _ => false,
    }
}

/// Decides how a DELETE proceeds: `None` removes the object now; `Some(marked)` is the
/// object with `deletionTimestamp` set (and finalizers added for foreground/orphan), left
/// for the kubelet (graceful pod termination), the namespace controller or the garbage
/// collector to finish.
pub(crate) fn plan_delete(old: &Object, opts: &DeleteOptions, now: SimTime) -> Option<Object> {
    let mut obj = old.clone();
    let already = obj.meta().deletion_timestamp.is_some();
    if let Object::Pod(p) = &mut obj {
        let spec_grace = p
            .spec
            .as_ref()
            .and_then(|s| s.termination_grace_period_seconds)
            .unwrap_or(30);
        let grace = opts.grace_period_seconds.unwrap_or(spec_grace).max(0);
        let scheduled = p
            .spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty());
        let phase = p
            .status
            .as_ref()
            .and_then(|s| s.phase.as_deref())
            .unwrap_or("");
        let finished = phase == "Succeeded" || phase == "Failed";
        let has_finalizers = p
            .metadata
            .finalizers
            .as_ref()
            .is_some_and(|f| !f.is_empty());
        // CheckGracefulDelete: an unscheduled or finished pod has nothing to stop, so its
        // grace period is zero; with finalizers it waits for them, else it goes now.
        let grace = if !scheduled || finished { 0 } else { grace };
        if grace == 0 && !has_finalizers {
            return None;
        }
        if !already
            || p.metadata
                .deletion_grace_period_seconds
                .is_some_and(|g| grace < g)
        {
            p.metadata.deletion_timestamp = Some(now.plus_secs(grace).to_k8s_time());
            p.metadata.deletion_grace_period_seconds = Some(grace);
        }
    }
    if let Object::Namespace(ns) = &mut obj {
        if !already {
            ns.metadata.deletion_timestamp = Some(now.to_k8s_time());
            ns.metadata.deletion_grace_period_seconds = Some(0);
        }
        ns.status.get_or_insert_with(Default::default).phase = Some("Terminating".to_string());
        return Some(obj);
    }
    let finalizer = match opts.propagation {
        Some(Propagation::Orphan) => Some("orphan"),
        Some(Propagation::Foreground) => Some("foregroundDeletion"),
        _ => None,
    };
    let meta = obj.meta_mut();
    if let Some(f) = finalizer {
        let list = meta.finalizers.get_or_insert_with(Vec::new);
        if !list.iter().any(|x| x == f) {
            list.push(f.to_string());
        }
    }
    let has_finalizers = meta.finalizers.as_ref().is_some_and(|f| !f.is_empty());
    if matches!(old, Object::Pod(_)) {
        return Some(obj);
    }
    if !has_finalizers {
        return None;
    }
    if meta.deletion_timestamp.is_none() {
        meta.deletion_timestamp = Some(now.to_k8s_time());
        meta.deletion_grace_period_seconds = Some(0);
        // Marking an object for deletion changes what its controllers should do, so
        // upstream bumps a generation the object has (registry store.go).
        if let Some(g) = meta.generation.filter(|g| *g > 0) {
            meta.generation = Some(g.saturating_add(1));
        }
    }
    Some(obj)
}

/// Whether an updated object that is being deleted has nothing left holding it: no
/// finalizers (and, for a namespace, no `spec.finalizers`). Pods are never removed by an
/// update: the kubelet removes them with a zero-grace DELETE.
pub(crate) fn ready_to_remove(obj: &Object) -> bool {
    let meta = obj.meta();
    if meta.deletion_timestamp.is_none() || meta.finalizers.as_ref().is_some_and(|f| !f.is_empty())
    {
        return false;
    }
    match obj {
        // ShouldDeleteDuringUpdate: a pod goes by update only once it was deleted with a
        // zero grace period and its last finalizer is removed; otherwise its kubelet
        // removes it.
        Object::Pod(_) => meta.deletion_grace_period_seconds == Some(0),
        Object::Namespace(n) => n
            .spec
            .as_ref()
            .and_then(|s| s.finalizers.as_ref())
            .is_none_or(|f| f.is_empty()),
        _ => true,
    }
}

/// Validation of a new object: every field error, in upstream's order.
pub(crate) fn validate_create(obj: &Object) -> Vec<FieldError> {
    crate::apiserver::validation::validate_create(obj)
}

/// Validation of an update against the stored object.
pub(crate) fn validate_update(new: &Object, old: &Object) -> Vec<FieldError> {
    crate::apiserver::validation::validate_update(new, old)
}
