//! The EndpointSlice controller: for every Service with a selector, EndpointSlices
//! (`discovery.k8s.io/v1`, named `<service>-<suffix>`, owned by the Service) listing each
//! selected pod's IP with its conditions (`ready`, `serving`, `terminating`), node and
//! pod reference, at most 100 endpoints per slice as upstream's default
//! `--max-endpoints-per-slice`. kube-proxy and CoreDNS read these.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ObjectReference, Pod, Service};
use k8s_openapi::api::discovery::v1::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, OwnerReference};

use crate::apiserver::{ApiError, ApiServer, DeleteOptions, ListOptions, Subresource, WatchEvent};
use crate::controllers::endpoints::{
    pod_is_ready, resolve_target_port, selected_pods, services_selecting, HEADLESS_LABEL,
    TRIGGER_TIME,
};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The label naming a slice's Service.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// The label naming the controller that manages a slice.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// This controller's value of `MANAGED_BY_LABEL`.
pub const MANAGED_BY: &str = "endpointslice-controller.k8s.io";
/// Upstream's default `--max-endpoints-per-slice`.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// See the module documentation.
pub struct EndpointSliceController;

fn endpoint(pod: &Pod) -> Endpoint {
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = pod_is_ready(pod);
    Endpoint {
        addresses: vec![pod
            .status
            .as_ref()
            .and_then(|s| s.pod_ip.clone())
            .unwrap_or_default()],
        conditions: Some(EndpointConditions {
            ready: Some(ready && !terminating),
            serving: Some(ready),
            terminating: Some(terminating),
        }),
        node_name: pod.spec.as_ref().and_then(|s| s.node_name.clone()),
        target_ref: Some(ObjectReference {
            kind: Some("Pod".to_string()),
            name: pod.metadata.name.clone(),
            namespace: pod.metadata.namespace.clone(),
            uid: pod.metadata.uid.clone(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn slice_ports(svc: &Service, pods: &[Pod]) -> Vec<EndpointPort> {
    let ports = svc
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .unwrap_or_default();
    ports
        .iter()
        .map(|p| EndpointPort {
            name: Some(p.name.clone().unwrap_or_default()),
            port: pods
                .first()
                .and_then(|pod| resolve_target_port(pod, p))
                .or(Some(p.port)),
            protocol: Some(p.protocol.clone().unwrap_or_else(|| "TCP".to_string())),
            app_protocol: p.app_protocol.clone(),
        })
        .collect()
}

fn owned_slices(api: &ApiServer, ns: &str, service: &str) -> Result<Vec<EndpointSlice>, ApiError> {
    let labels = BTreeMap::from([
        (SERVICE_NAME_LABEL.to_string(), service.to_string()),
        (MANAGED_BY_LABEL.to_string(), MANAGED_BY.to_string()),
    ]);
    let opts = ListOptions {
        label_selector: Some(LabelSelector::from_set(&labels)),
        field_selector: None,
    };
    Ok(api
        .list(Kind::EndpointSlice, Some(ns), &opts)?
        .iter()
        .filter_map(|o| match &**o {
            Object::EndpointSlice(s) => Some(s.clone()),
            _ => None,
        })
        .collect())
}

impl Controller for EndpointSliceController {
    fn name(&self) -> &'static str {
        "endpointslice-controller"
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
        let mut existing = owned_slices(rc.api, ns, &key.name)?;
        existing.sort_by(|a, b| a.metadata.name.cmp(&b.metadata.name));
        let svc = match rc.api.try_get(Kind::Service, ns, &key.name).as_deref() {
            Some(Object::Service(s)) if s.metadata.deletion_timestamp.is_none() => s.clone(),
            _ => {
                // Slices of a deleted Service are garbage-collected through their owner
                // reference; nothing to do here.
                return Ok(Action::Done);
            }
        };
        if svc
            .spec
            .as_ref()
            .and_then(|s| s.selector.as_ref())
            .is_none_or(|s| s.is_empty())
        {
            return Ok(Action::Done);
        }
        let mut pods = selected_pods(rc.api, &svc, true)?;
        pods.sort_by(|a, b| {
            let ip = |p: &Pod| {
                p.status
                    .as_ref()
                    .and_then(|s| s.pod_ip.clone())
                    .unwrap_or_default()
            };
            ip(a)
                .cmp(&ip(b))
                .then(a.metadata.name.cmp(&b.metadata.name))
        });
        let ports = slice_ports(&svc, &pods);
        let chunks: Vec<Vec<Endpoint>> = if pods.is_empty() {
            vec![Vec::new()]
        } else {
            pods.chunks(MAX_ENDPOINTS_PER_SLICE)
                .map(|c| c.iter().map(endpoint).collect())
                .collect()
        };
        let mut labels = svc.metadata.labels.clone().unwrap_or_default();
        labels.insert(SERVICE_NAME_LABEL.to_string(), key.name.clone());
        labels.insert(MANAGED_BY_LABEL.to_string(), MANAGED_BY.to_string());
        if svc.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None") {
            labels.insert(HEADLESS_LABEL.to_string(), String::new());
        }
        let owner = OwnerReference {
            api_version: "v1".to_string(),
            kind: "Service".to_string(),
            name: key.name.clone(),
            uid: svc.metadata.uid.clone().unwrap_or_default(),
            controller: Some(true),
            block_owner_deletion: Some(true),
        };
        let now = rc
            .now
            .to_datetime()
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        for (i, endpoints) in chunks.into_iter().enumerate() {
            let endpoints = (!endpoints.is_empty()).then_some(endpoints);
            match existing.get(i) {
                Some(slice) => {
                    let unchanged = slice.endpoints == endpoints.clone().unwrap_or_default()
                        && slice.ports.as_ref() == Some(&ports)
                        && slice.metadata.labels.as_ref() == Some(&labels);
                    if unchanged {
                        continue;
                    }
                    let mut s = slice.clone();
                    s.endpoints = endpoints.unwrap_or_default();
                    s.ports = Some(ports.clone());
                    s.metadata.labels = Some(labels.clone());
                    s.metadata
                        .annotations
                        .get_or_insert_with(BTreeMap::new)
                        .insert(TRIGGER_TIME.to_string(), now.clone());
                    rc.update(Object::EndpointSlice(s), Subresource::Main)?;
                }
                None => {
                    let s = EndpointSlice {
                        metadata: ObjectMeta {
                            generate_name: Some(format!("{}-", key.name)),
                            namespace: Some(ns.to_string()),
                            labels: Some(labels.clone()),
                            annotations: Some(BTreeMap::from([(
                                TRIGGER_TIME.to_string(),
                                now.clone(),
                            )])),
                            owner_references: Some(vec![owner.clone()]),
                            ..Default::default()
                        },
                        address_type: "IPv4".to_string(),
                        endpoints: endpoints.unwrap_or_default(),
                        ports: Some(ports.clone()),
                    };
                    rc.create(Object::EndpointSlice(s))?;
                }
            }
        }
        let wanted = pods.len().div_ceil(MAX_ENDPOINTS_PER_SLICE).max(1);
        for extra in existing.iter().skip(wanted) {
            let name = extra.metadata.name.clone().unwrap_or_default();
            match rc.delete(Kind::EndpointSlice, ns, &name, &DeleteOptions::default()) {
                Ok(_) | Err(ApiError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(Action::Done)
    }
}
