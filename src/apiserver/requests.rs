//! The shapes of requests to the API server: the caller's context and the options of each
//! verb (metav1.ListOptions, metav1.DeleteOptions, subresources).

use std::rc::Rc;

use crate::apiserver::ApiError;
use crate::model::fields::FieldSelector;
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};
use crate::sim::{SimRng, SimTime, WriteMeta};

/// Who is asking, at what simulated instant, with the one random source (for generated
/// names, UIDs and IP allocation).
pub struct Ctx<'a> {
    /// The simulated time of the request.
    pub now: SimTime,
    /// The cluster's random source.
    pub rng: &'a mut SimRng,
    /// Who writes, and which watch event caused it.
    pub meta: WriteMeta,
    /// `--dry-run=server`: run the whole pipeline but store nothing.
    pub dry_run: bool,
}

impl<'a> Ctx<'a> {
    /// A context for `meta` at `now`.
    pub fn new(now: SimTime, rng: &'a mut SimRng, meta: WriteMeta) -> Self {
        Ctx {
            now,
            rng,
            meta,
            dry_run: false,
        }
    }
}

/// Which part of an object an update writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subresource {
    /// The object itself: status changes are ignored for kinds with a status subresource.
    Main,
    /// `/status`: only status changes are kept.
    Status,
}

/// Selectors of a LIST or WATCH.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// `-l`: labels the object must match.
    pub label_selector: Option<LabelSelector>,
    /// `--field-selector`.
    pub field_selector: Option<FieldSelector>,
}

impl ListOptions {
    /// Whether an object passes both selectors.
    pub fn matches(&self, obj: &Object) -> bool {
        if let Some(sel) = &self.label_selector {
            let empty = Default::default();
            if !sel.matches(obj.meta().labels.as_ref().unwrap_or(&empty)) {
                return false;
            }
        }
        if let Some(sel) = &self.field_selector {
            if !sel.matches(|field| field_value(obj, field)) {
                return false;
            }
        }
        true
    }

    /// Rejects field selectors on fields the kind does not index, as the API server does.
    pub fn check_fields(&self, kind: Kind) -> Result<(), ApiError> {
        if let Some(sel) = &self.field_selector {
            for req in sel.requirements() {
                let field = req.field.as_str();
                if !supported_field(kind, field) {
                    return Err(ApiError::BadRequest {
                        message: format!("field label not supported: {field}"),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The fields each kind can be selected by (the registry's `GetAttrs`/field label
/// conversion functions in v1.32). Every kind supports `metadata.name` and
/// `metadata.namespace`.
fn supported_field(kind: Kind, field: &str) -> bool {
    if field == "metadata.name" || field == "metadata.namespace" {
        return true;
    }
    let extra: &[&str] = match kind {
        Kind::Pod => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        Kind::Event => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        Kind::Secret => &["type"],
        Kind::Namespace => &["status.phase"],
        Kind::Node => &["spec.unschedulable"],
        Kind::ReplicaSet => &["status.replicas"],
        Kind::Job => &["status.successful"],
        Kind::Service => &["spec.clusterIP", "spec.type"],
        _ => &[],
    };
    extra.contains(&field)
}

/// The value of a selectable field of an object, as the registry's attribute functions
/// render it (booleans as `true`/`false`, missing strings as empty).
pub fn field_value(obj: &Object, field: &str) -> Option<String> {
    let meta = obj.meta();
    match field {
        "metadata.name" => return Some(meta.name.clone().unwrap_or_default()),
        "metadata.namespace" => return Some(meta.namespace.clone().unwrap_or_default()),
        _ => {}
    }
    let s = |v: Option<&String>| Some(v.cloned().unwrap_or_default());
    match obj {
        Object::Pod(p) => {
            let spec = p.spec.as_ref();
            let status = p.status.as_ref();
            match field {
                "spec.nodeName" => s(spec.and_then(|x| x.node_name.as_ref())),
                "spec.restartPolicy" => s(spec.and_then(|x| x.restart_policy.as_ref())),
                "spec.schedulerName" => s(spec.and_then(|x| x.scheduler_name.as_ref())),
                "spec.serviceAccountName" => s(spec.and_then(|x| x.service_account_name.as_ref())),
                "spec.hostNetwork" => Some(
                    spec.and_then(|x| x.host_network)
                        .unwrap_or(false)
                        .to_string(),
                ),
                "status.phase" => s(status.and_then(|x| x.phase.as_ref())),
                "status.podIP" => s(status.and_then(|x| x.pod_ip.as_ref())),
                "status.nominatedNodeName" => {
                    s(status.and_then(|x| x.nominated_node_name.as_ref()))
                }
                "status.podIPs" => Some(
                    status
                        .and_then(|x| x.pod_ips.as_ref())
                        .map(|ips| {
                            ips.iter()
                                .map(|i| i.ip.clone())
                                .collect::<Vec<_>>()
                                .join(",")
                        })
                        .unwrap_or_default(),
                ),
                _ => None,
            }
        }
        Object::Event(e) => {
            let io = &e.involved_object;
            match field {
                "involvedObject.kind" => s(io.kind.as_ref()),
                "involvedObject.namespace" => s(io.namespace.as_ref()),
                "involvedObject.name" => s(io.name.as_ref()),
                "involvedObject.uid" => s(io.uid.as_ref()),
                "involvedObject.apiVersion" => s(io.api_version.as_ref()),
                "involvedObject.resourceVersion" => s(io.resource_version.as_ref()),
                "involvedObject.fieldPath" => s(io.field_path.as_ref()),
                "reason" => s(e.reason.as_ref()),
                "reportingComponent" => s(e.reporting_component.as_ref()),
                "source" => s(e.source.as_ref().and_then(|x| x.component.as_ref())),
                "type" => s(e.type_.as_ref()),
                _ => None,
            }
        }
        Object::Secret(x) if field == "type" => s(x.type_.as_ref()),
        Object::Namespace(x) if field == "status.phase" => {
            s(x.status.as_ref().and_then(|st| st.phase.as_ref()))
        }
        Object::Node(x) if field == "spec.unschedulable" => Some(
            x.spec
                .as_ref()
                .and_then(|sp| sp.unschedulable)
                .unwrap_or(false)
                .to_string(),
        ),
        Object::ReplicaSet(x) if field == "status.replicas" => Some(
            x.status
                .as_ref()
                .map(|st| st.replicas)
                .unwrap_or(0)
                .to_string(),
        ),
        Object::Job(x) if field == "status.successful" => Some(
            x.status
                .as_ref()
                .and_then(|st| st.succeeded)
                .unwrap_or(0)
                .to_string(),
        ),
        Object::Service(x) => match field {
            "spec.clusterIP" => s(x.spec.as_ref().and_then(|sp| sp.cluster_ip.as_ref())),
            "spec.type" => s(x.spec.as_ref().and_then(|sp| sp.type_.as_ref())),
            _ => None,
        },
        _ => None,
    }
}

/// The body types of a PATCH (`kubectl patch --type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchType {
    /// RFC 6902 JSON patch (`--type json`).
    Json,
    /// RFC 7386 JSON merge patch (`--type merge`).
    Merge,
    /// Kubernetes strategic merge patch (`--type strategic`, kubectl's default).
    Strategic,
}

/// kubectl's `--cascade`: what happens to an object's dependents.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Propagation {
    /// Dependents are deleted in the background by the garbage collector (kubectl default).
    Background,
    /// The owner waits (`foregroundDeletion` finalizer) until its blocking dependents are gone.
    Foreground,
    /// Dependents are left alone (`orphan` finalizer strips their ownerReferences).
    Orphan,
}

/// metav1.DeleteOptions.
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// `--grace-period`; `None` uses the object's own (pods: terminationGracePeriodSeconds).
    pub grace_period_seconds: Option<i64>,
    /// `--cascade`; `None` is the kind's default (background for everything kubectl sends).
    pub propagation: Option<Propagation>,
    /// Delete only if the UID still matches.
    pub precondition_uid: Option<String>,
}

/// What a DELETE did.
#[derive(Clone, Debug, PartialEq)]
pub enum DeleteOutcome {
    /// The object is gone; this is its last state.
    Deleted(Rc<Object>),
    /// The object is marked for deletion (graceful pod termination or finalizers pending).
    Marked(Rc<Object>),
}

impl DeleteOutcome {
    /// The object as the DELETE left it.
    pub fn object(&self) -> &Rc<Object> {
        match self {
            DeleteOutcome::Deleted(o) | DeleteOutcome::Marked(o) => o,
        }
    }
}
