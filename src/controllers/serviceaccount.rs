//! The service-account controller and the root-CA publisher: every active namespace gets a
//! `default` ServiceAccount and a `kube-root-ca.crt` ConfigMap, as on a v1.32 cluster
//! (`kubectl get sa,cm` in a fresh namespace shows both).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, ServiceAccount};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::apiserver::{ApiError, ApiServer, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// The simulated cluster CA certificate that `kube-root-ca.crt` carries. It is a
/// placeholder, not a usable certificate: kubeniwa has no TLS.
pub const ROOT_CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI1MDEwMTAwMDAwMFoXDTM0MTIzMDAwMDAwMFowFTETMBEGA1UE\nAxMKa3ViZXJuZXRlcyAoa3ViZW5pd2Egc2ltdWxhdGVkIENBKQ==\n-----END CERTIFICATE-----\n";

/// See the module documentation.
pub struct ServiceAccountController;

impl Controller for ServiceAccountController {
    fn name(&self) -> &'static str {
        "serviceaccount-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Namespace, Kind::ServiceAccount, Kind::ConfigMap]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        let o = event.object();
        let ns = match o.kind() {
            Kind::Namespace => o.name().to_string(),
            Kind::ServiceAccount if o.name() == "default" => o.namespace().to_string(),
            Kind::ConfigMap if o.name() == "kube-root-ca.crt" => o.namespace().to_string(),
            _ => return Vec::new(),
        };
        vec![ObjectRef {
            kind: Kind::Namespace,
            namespace: String::new(),
            name: ns,
        }]
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(ns) = rc.api.try_get(Kind::Namespace, "", &key.name) else {
            return Ok(Action::Done);
        };
        if ns.meta().deletion_timestamp.is_some() {
            return Ok(Action::Done);
        }
        let meta = |name: &str| ObjectMeta {
            name: Some(name.to_string()),
            namespace: Some(key.name.clone()),
            ..Default::default()
        };
        if rc
            .api
            .try_get(Kind::ServiceAccount, &key.name, "default")
            .is_none()
        {
            let sa = ServiceAccount {
                metadata: meta("default"),
                ..Default::default()
            };
            ignore_exists(rc.create(Object::ServiceAccount(sa)))?;
        }
        if rc
            .api
            .try_get(Kind::ConfigMap, &key.name, "kube-root-ca.crt")
            .is_none()
        {
            let mut m = meta("kube-root-ca.crt");
            m.annotations = Some(BTreeMap::from([(
                "kubernetes.io/description".to_string(),
                "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
            )]));
            let data = BTreeMap::from([("ca.crt".to_string(), ROOT_CA_PEM.to_string())]);
            let cm = ConfigMap {
                metadata: m,
                data: Some(data),
                ..Default::default()
            };
            ignore_exists(rc.create(Object::ConfigMap(cm)))?;
        }
        Ok(Action::Done)
    }
}

fn ignore_exists<T>(r: Result<T, ApiError>) -> Result<(), ApiError> {
    match r {
        Ok(_) | Err(ApiError::AlreadyExists { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}
