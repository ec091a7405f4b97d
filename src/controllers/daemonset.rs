//! The DaemonSet controller (upstream `pkg/controller/daemon`, v1.32): one pod per
//! eligible node.
//!
//! Each sync (`syncDaemonSet`): records the template as a ControllerRevision
//! ([`revisions`]); creates a pod for every eligible node that has none and deletes pods
//! from nodes that no longer qualify, failed pods and extra pods ([`manage`]); advances a
//! rolling update ([`update`]); trims the revision history; and writes the status.
//!
//! As in v1.32, the controller does not bind pods itself: each pod it creates carries a
//! required node affinity `metadata.name In [<node>]` and the default scheduler binds it
//! there. Until a scheduler runs, daemon pods stay Pending and unbound, each pinned to its
//! node by that affinity. Pods bound to a node that is deleted are removed by the pod
//! garbage collector (`podgc`); unbound ones meant for a missing node are removed here.
//!
//! Upstream holds back the rolling update in a sync that created or deleted pods until
//! its informer has seen those writes (the "expectations"); reads here are never stale,
//! so the same effect comes from skipping the rolling update in a sync that wrote pods —
//! the watch events of those writes bring the next sync, as they do upstream.

pub mod manage;
pub mod predicates;
pub mod revisions;
pub mod status;
pub mod update;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_more;

use std::collections::BTreeMap;
use std::rc::Rc;

use k8s_openapi::api::apps::v1::DaemonSet;
use k8s_openapi::api::core::v1::{Node, Pod, PodTemplateSpec};

use crate::apiserver::{ApiError, ApiServer, ListOptions, WatchEvent};
use crate::client::events::EventType;
use crate::controllers::history::{pods, refs, CONTROLLER_REVISION_HASH_LABEL};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The controller's name, also the source of its events.
pub const NAME: &str = "daemonset-controller";

/// The annotation carrying `spec.templateGeneration` in apps/v1.
pub const TEMPLATE_GENERATION_ANNOTATION: &str = "deprecated.daemonset.template.generation";

/// Daemon pods by the node they are for.
pub type NodePods = BTreeMap<String, Vec<Pod>>;

/// The earliest time a sync wants to run again.
#[derive(Debug, Default)]
pub struct Wake(Option<i64>);

impl Wake {
    /// Asks to run again after `ms` (the earliest request wins).
    pub fn after(&mut self, ms: i64) {
        self.0 = Some(self.0.map_or(ms, |m| m.min(ms)));
    }

    fn action(&self) -> Action {
        self.0.map_or(Action::Done, Action::RequeueAfter)
    }
}

/// See the module documentation.
pub struct DaemonSetController;

/// `util.GetTemplateGeneration`: the template generation, when the annotation parses.
pub fn template_generation(ds: &DaemonSet) -> Option<i64> {
    ds.metadata
        .annotations
        .as_ref()?
        .get(TEMPLATE_GENERATION_ANNOTATION)?
        .parse()
        .ok()
}

/// `util.CreatePodTemplate`: the DaemonSet's template with the daemon tolerations and
/// the `pod-template-generation` and `controller-revision-hash` labels.
pub fn create_pod_template(ds: &DaemonSet, hash: &str) -> PodTemplateSpec {
    let mut t = ds.spec.clone().unwrap_or_default().template;
    predicates::add_daemon_tolerations(t.spec.get_or_insert_with(Default::default));
    let labels = t
        .metadata
        .get_or_insert_with(Default::default)
        .labels
        .get_or_insert_with(Default::default);
    if let Some(g) = template_generation(ds) {
        labels.insert(update::TEMPLATE_GENERATION_LABEL.to_string(), g.to_string());
    }
    if !hash.is_empty() {
        labels.insert(CONTROLLER_REVISION_HASH_LABEL.to_string(), hash.to_string());
    }
    t
}

/// `podByCreationTimestampAndPhase`: bound pods first, then oldest first, then by name.
pub fn sort_by_creation_and_phase(list: &mut [Pod]) {
    let bound = |p: &Pod| {
        p.spec
            .as_ref()
            .and_then(|s| s.node_name.as_deref())
            .is_some_and(|n| !n.is_empty())
    };
    list.sort_by(|a, b| {
        bound(b)
            .cmp(&bound(a))
            .then_with(|| {
                let t = |p: &Pod| p.metadata.creation_timestamp.clone().map(|t| t.0);
                t(a).cmp(&t(b))
            })
            .then_with(|| a.metadata.name.cmp(&b.metadata.name))
    });
}

fn selector_of(ds: &DaemonSet) -> Option<LabelSelector> {
    let sel = &ds.spec.as_ref()?.selector;
    LabelSelector::from_label_selector(sel).ok()
}

/// `getDaemonPods`: the pods the DaemonSet controls, after adoption and release.
pub fn daemon_pods(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
) -> Result<Vec<Rc<Object>>, ApiError> {
    let ns = ds.metadata.namespace.as_deref().unwrap_or("");
    let all = rc.api.list(Kind::Pod, Some(ns), &ListOptions::default())?;
    let claimer = refs::Claimer {
        meta: &ds.metadata,
        api_version: "apps/v1",
        kind: "DaemonSet",
    };
    let matches = |o: &Object| refs::labels_match(selector, o);
    refs::claim(rc, &claimer, all, &matches)
}

/// `getNodesToDaemonPods`: claimed pods grouped by their target node, leaving out
/// terminal pods already being deleted unless `include_deleted_terminal`.
pub fn nodes_to_daemon_pods(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
    include_deleted_terminal: bool,
) -> Result<NodePods, ApiError> {
    let mut map = NodePods::new();
    for obj in daemon_pods(rc, ds, selector)? {
        let Object::Pod(pod) = &*obj else { continue };
        if !include_deleted_terminal
            && pods::is_terminal(pod)
            && pod.metadata.deletion_timestamp.is_some()
        {
            continue;
        }
        if let Some(node) = predicates::target_node(pod) {
            map.entry(node).or_default().push(pod.clone());
        }
    }
    Ok(map)
}

fn list_nodes(api: &ApiServer) -> Result<Vec<Node>, ApiError> {
    Ok(api
        .list(Kind::Node, None, &ListOptions::default())?
        .iter()
        .filter_map(|o| match &**o {
            Object::Node(n) => Some(n.clone()),
            _ => None,
        })
        .collect())
}

fn daemon_sets(api: &ApiServer, namespace: Option<&str>) -> Vec<DaemonSet> {
    api.list(Kind::DaemonSet, namespace, &ListOptions::default())
        .unwrap_or_default()
        .iter()
        .filter_map(|o| match &**o {
            Object::DaemonSet(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

fn key_of(ds: &DaemonSet) -> ObjectRef {
    ObjectRef {
        kind: Kind::DaemonSet,
        namespace: ds.metadata.namespace.clone().unwrap_or_default(),
        name: ds.metadata.name.clone().unwrap_or_default(),
    }
}

/// The DaemonSet keys for a pod or revision: its controlling DaemonSet (before and after
/// the event), or, for an orphan, every DaemonSet whose selector matches it.
fn owner_keys(event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
    let mut objects = vec![event.object().clone()];
    if let WatchEvent::Modified { old, .. } = event {
        objects.push(old.clone());
    }
    let mut keys = Vec::new();
    for obj in &objects {
        match refs::controller_of(obj.meta()) {
            Some(r) if r.kind == "DaemonSet" => keys.push(ObjectRef {
                kind: Kind::DaemonSet,
                namespace: obj.namespace().to_string(),
                name: r.name.clone(),
            }),
            Some(_) => {}
            None if !matches!(event, WatchEvent::Deleted { .. }) => {
                for ds in daemon_sets(api, Some(obj.namespace())) {
                    if selector_of(&ds)
                        .is_some_and(|s| !s.is_empty() && refs::labels_match(&s, obj))
                    {
                        keys.push(key_of(&ds));
                    }
                }
            }
            None => {}
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// The DaemonSets a node event concerns (upstream `addNode`, `updateNode`): on add, those
/// that should run there; on an update of labels or taints, those whose verdict changed.
/// Upstream ignores node deletion and relies on the scheduler (or the pod GC) to touch the
/// pods; kubeniwa also resyncs every DaemonSet then, so unbound pods for the vanished node
/// go at once even with no scheduler running.
fn node_keys(event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
    if let WatchEvent::Modified { object, old, .. } = event {
        // Heartbeats and other status changes: nothing a DaemonSet looks at.
        let taints = |o: &Object| match o {
            Object::Node(n) => n.spec.as_ref().and_then(|s| s.taints.clone()),
            _ => None,
        };
        if object.meta().labels == old.meta().labels && taints(object) == taints(old) {
            return Vec::new();
        }
    }
    let all = daemon_sets(api, None);
    match event {
        WatchEvent::Added { object, .. } => match &**object {
            Object::Node(n) => all
                .iter()
                .filter(|ds| predicates::node_should_run(n, ds).0)
                .map(key_of)
                .collect(),
            _ => Vec::new(),
        },
        WatchEvent::Modified { object, old, .. } => match (&**object, &**old) {
            (Object::Node(cur), Object::Node(prev)) => all
                .iter()
                .filter(|ds| {
                    predicates::node_should_run(cur, ds) != predicates::node_should_run(prev, ds)
                })
                .map(key_of)
                .collect(),
            _ => Vec::new(),
        },
        WatchEvent::Deleted { .. } => all.iter().map(key_of).collect(),
    }
}

impl Controller for DaemonSetController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watches(&self) -> &'static [Kind] {
        &[
            Kind::DaemonSet,
            Kind::Pod,
            Kind::Node,
            Kind::ControllerRevision,
        ]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        match event.object().kind() {
            Kind::DaemonSet => vec![ObjectRef::of(event)],
            Kind::Pod | Kind::ControllerRevision => owner_keys(event, api),
            Kind::Node => node_keys(event, api),
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        // The manager's start-up list queues every watched object under its own kind;
        // only DaemonSet keys name work here.
        if key.kind != Kind::DaemonSet {
            return Ok(Action::Done);
        }
        let Some(Object::DaemonSet(ds)) = rc
            .api
            .try_get(Kind::DaemonSet, &key.namespace, &key.name)
            .as_deref()
            .cloned()
        else {
            return Ok(Action::Done);
        };
        let nodes = list_nodes(rc.api)?;
        let spec_selector = ds
            .spec
            .as_ref()
            .map(|s| s.selector.clone())
            .unwrap_or_default();
        if spec_selector
            .match_labels
            .as_ref()
            .is_none_or(|m| m.is_empty())
            && spec_selector
                .match_expressions
                .as_ref()
                .is_none_or(|e| e.is_empty())
        {
            let msg = "This daemon set is selecting all pods. A non-empty selector is required.";
            let obj = Object::DaemonSet(ds.clone());
            pods::record(rc, &obj, EventType::Warning, "SelectingAll", msg, NAME);
            return Ok(Action::Done);
        }
        let Some(selector) = selector_of(&ds) else {
            return Ok(Action::Done);
        };
        if ds.metadata.deletion_timestamp.is_some() {
            return Ok(Action::Done);
        }
        let (cur, old) = revisions::construct(rc, &ds, &selector)?;
        let hash = cur
            .metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(CONTROLLER_REVISION_HASH_LABEL))
            .cloned()
            .unwrap_or_default();
        let mut wake = Wake::default();
        let result = update_daemon_set(rc, &ds, &selector, &nodes, &hash, old, &mut wake);
        let status = status::update_status(rc, &ds, &selector, &nodes, &hash, &mut wake);
        result?;
        status?;
        Ok(wake.action())
    }
}

/// `updateDaemonSet`: manage, then (if manage wrote nothing) the rolling update, then the
/// history cleanup.
fn update_daemon_set(
    rc: &mut ReconcileCtx,
    ds: &DaemonSet,
    selector: &LabelSelector,
    nodes: &[Node],
    hash: &str,
    old: Vec<k8s_openapi::api::apps::v1::ControllerRevision>,
    wake: &mut Wake,
) -> Result<(), ApiError> {
    let node_pods = nodes_to_daemon_pods(rc, ds, selector, false)?;
    let (wrote, result) = DaemonSetController::manage(rc, ds, nodes, &node_pods, hash, wake);
    result?;
    let strategy = ds
        .spec
        .as_ref()
        .and_then(|s| s.update_strategy.as_ref())
        .and_then(|s| s.type_.clone());
    if !wrote && strategy.as_deref() == Some("RollingUpdate") {
        let node_pods = nodes_to_daemon_pods(rc, ds, selector, false)?;
        update::rolling_update(rc, ds, nodes, node_pods, hash)?;
    }
    revisions::cleanup(rc, ds, selector, old)
}
