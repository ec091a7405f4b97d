//! The endpoints controller: for every Service with a selector, an Endpoints object of the
//! same name listing the IPs of the matching pods — ready ones under `addresses`, the
//! others under `notReadyAddresses` — with the Service's ports resolved against each pod
//! (a named `targetPort` looks up the container port of that name), grouped into subsets
//! of pods that resolve to the same ports (upstream's `RepackSubsets`).
//!
//! Pods without an IP yet, finished pods, and terminating pods are left out (unless the
//! Service publishes not-ready addresses). Services without a selector are left alone:
//! their Endpoints belong to whoever writes them.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    EndpointAddress, EndpointPort, EndpointSubset, Endpoints, ObjectReference, Pod, Service,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::apiserver::{ApiError, ApiServer, DeleteOptions, ListOptions, Subresource, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The label a headless Service's Endpoints carry.
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";
/// The annotation recording when the last change that led to this state happened.
pub const TRIGGER_TIME: &str = "endpoints.kubernetes.io/last-change-trigger-time";

/// See the module documentation.
pub struct EndpointsController;

/// The keys of the Services in `pod`'s namespace whose selector matches its labels
/// (before or after the event), for endpoint-like controllers.
pub(crate) fn services_selecting(event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
    let mut label_sets = vec![event.object().meta().labels.clone().unwrap_or_default()];
    if let WatchEvent::Modified { old, .. } = event {
        label_sets.push(old.meta().labels.clone().unwrap_or_default());
    }
    let ns = event.object().namespace();
    let Ok(services) = api.list(Kind::Service, Some(ns), &ListOptions::default()) else {
        return Vec::new();
    };
    services
        .iter()
        .filter_map(|s| match &**s {
            Object::Service(svc) => Some(svc),
            _ => None,
        })
        .filter(|svc| {
            let Some(sel) = svc
                .spec
                .as_ref()
                .and_then(|s| s.selector.as_ref())
                .filter(|s| !s.is_empty())
            else {
                return false;
            };
            let sel = LabelSelector::from_set(sel);
            label_sets.iter().any(|labels| sel.matches(labels))
        })
        .map(|svc| ObjectRef {
            kind: Kind::Service,
            namespace: ns.to_string(),
            name: svc.metadata.name.clone().unwrap_or_default(),
        })
        .collect()
}

/// Whether the pod's Ready condition is True.
pub(crate) fn pod_is_ready(pod: &Pod) -> bool {
    pod.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .is_some_and(|c| c.iter().any(|c| c.type_ == "Ready" && c.status == "True"))
}

/// The pods a Service's endpoints are built from: matching the selector, with an IP,
/// not finished. Terminating pods are included only when `with_terminating`.
pub(crate) fn selected_pods(
    api: &ApiServer,
    svc: &Service,
    with_terminating: bool,
) -> Result<Vec<Pod>, ApiError> {
    let Some(sel) = svc
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .filter(|s| !s.is_empty())
    else {
        return Ok(Vec::new());
    };
    let ns = svc.metadata.namespace.as_deref().unwrap_or("");
    let opts = ListOptions {
        label_selector: Some(LabelSelector::from_set(sel)),
        field_selector: None,
    };
    Ok(api
        .list(Kind::Pod, Some(ns), &opts)?
        .iter()
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(p.clone()),
            _ => None,
        })
        .filter(|p| {
            let status = p.status.as_ref();
            let has_ip = status
                .and_then(|s| s.pod_ip.as_deref())
                .is_some_and(|ip| !ip.is_empty());
            let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("");
            has_ip
                && phase != "Succeeded"
                && phase != "Failed"
                && (with_terminating || p.metadata.deletion_timestamp.is_none())
        })
        .collect())
}

/// Resolves a Service port's targetPort for one pod: a number as is, a name through the
/// pod's container ports. `None` when the name matches no container port.
pub(crate) fn resolve_target_port(
    pod: &Pod,
    port: &k8s_openapi::api::core::v1::ServicePort,
) -> Option<i32> {
    match &port.target_port {
        None => Some(port.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) => match name.parse::<i32>() {
            Ok(n) => Some(n),
            Err(_) => pod.spec.as_ref().and_then(|s| {
                s.containers
                    .iter()
                    .flat_map(|c| c.ports.iter().flatten())
                    .find(|p| p.name.as_deref() == Some(name.as_str()))
                    .map(|p| p.container_port)
            }),
        },
    }
}

fn address(pod: &Pod) -> EndpointAddress {
    EndpointAddress {
        ip: pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default(),
        hostname: None,
        node_name: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".to_string()),
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
    }
}

/// Resolved ports `(name, port, protocol)` → (ready addresses, not-ready addresses).
type Groups = BTreeMap<Vec<(String, i32, String)>, (Vec<EndpointAddress>, Vec<EndpointAddress>)>;

/// Builds the subsets: pods grouped by their resolved ports, addresses sorted by IP.
fn subsets(svc: &Service, pods: &[Pod], publish_not_ready: bool) -> Vec<EndpointSubset> {
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    let mut groups: Groups = BTreeMap::new();
    for pod in pods {
        let resolved: Vec<(String, i32, String)> = ports
            .iter()
            .filter_map(|p| {
                resolve_target_port(pod, p).map(|n| {
                    (
                        p.name.clone().unwrap_or_default(),
                        n,
                        p.protocol.clone().unwrap_or_else(|| "TCP".into()),
                    )
                })
            })
            .collect();
        if resolved.is_empty() && !ports.is_empty() {
            continue;
        }
        let entry = groups.entry(resolved).or_default();
        if publish_not_ready || pod_is_ready(pod) {
            entry.0.push(address(pod));
        } else {
            entry.1.push(address(pod));
        }
    }
    groups
        .into_iter()
        .map(|(ports, (mut ready, mut not_ready))| {
            ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            not_ready.sort_by(|a, b| a.ip.cmp(&b.ip));
            EndpointSubset {
                addresses: (!ready.is_empty()).then_some(ready),
                not_ready_addresses: (!not_ready.is_empty()).then_some(not_ready),
                ports: (!ports.is_empty()).then(|| {
                    ports
                        .into_iter()
                        .map(|(name, port, protocol)| EndpointPort {
                            name: (!name.is_empty()).then_some(name),
                            port,
                            protocol: Some(protocol),
                            app_protocol: None,
                        })
                        .collect()
                }),
            }
        })
        .collect()
}

impl Controller for EndpointsController {
    fn name(&self) -> &'static str {
        "endpoint-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Service, Kind::Pod]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        match event.object().kind() {
            Kind::Service => vec![ObjectRef::of(event)],
            Kind::Pod => services_selecting(event, api),
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let ns = key.namespace.as_str();
        let current = rc.api.try_get(Kind::Endpoints, ns, &key.name);
        let svc = match rc.api.try_get(Kind::Service, ns, &key.name).as_deref() {
            Some(Object::Service(s)) => s.clone(),
            _ => {
                // The Service is gone: its Endpoints go too (if this controller made them).
                if current.is_some() {
                    match rc.delete(Kind::Endpoints, ns, &key.name, &DeleteOptions::default()) {
                        Ok(_) | Err(ApiError::NotFound { .. }) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                return Ok(Action::Done);
            }
        };
        let spec = svc.spec.clone().unwrap_or_default();
        if spec.selector.as_ref().is_none_or(|s| s.is_empty())
            || svc.metadata.deletion_timestamp.is_some()
        {
            return Ok(Action::Done);
        }
        let publish = spec.publish_not_ready_addresses.unwrap_or(false);
        let pods = selected_pods(rc.api, &svc, false)?;
        let subsets = subsets(&svc, &pods, publish);
        let mut labels = svc.metadata.labels.clone().unwrap_or_default();
        if spec.cluster_ip.as_deref() == Some("None") {
            labels.insert(HEADLESS_LABEL.to_string(), String::new());
        } else {
            labels.remove(HEADLESS_LABEL);
        }
        let existing = match current.as_deref() {
            Some(Object::Endpoints(e)) => Some(e.clone()),
            _ => None,
        };
        let subsets_opt = (!subsets.is_empty()).then_some(subsets);
        if let Some(e) = &existing {
            let same_labels = e.metadata.labels.clone().unwrap_or_default() == labels;
            if e.subsets == subsets_opt && same_labels {
                return Ok(Action::Done);
            }
        }
        let mut annotations = existing
            .as_ref()
            .and_then(|e| e.metadata.annotations.clone())
            .unwrap_or_default();
        annotations.insert(
            TRIGGER_TIME.to_string(),
            rc.now
                .to_datetime()
                .format("%Y-%m-%dT%H:%M:%SZ")
                .to_string(),
        );
        let mut endpoints = existing.clone().unwrap_or_else(|| Endpoints {
            metadata: ObjectMeta {
                name: Some(key.name.clone()),
                namespace: Some(ns.to_string()),
                ..Default::default()
            },
            subsets: None,
        });
        endpoints.metadata.labels = (!labels.is_empty()).then_some(labels);
        endpoints.metadata.annotations = Some(annotations);
        endpoints.subsets = subsets_opt;
        if existing.is_some() {
            rc.update(Object::Endpoints(endpoints), Subresource::Main)?;
        } else {
            rc.create(Object::Endpoints(endpoints))?;
        }
        Ok(Action::Done)
    }
}
