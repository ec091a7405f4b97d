//! The `scale` subresource (autoscaling/v1 `Scale`) of Deployments, ReplicaSets and
//! StatefulSets: what `kubectl scale` and autoscalers read and write. Writing a scale
//! changes only `spec.replicas`, through an ordinary update (so generation, validation
//! and optimistic concurrency apply).

use std::rc::Rc;

use k8s_openapi::api::autoscaling::v1::{Scale, ScaleSpec, ScaleStatus};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector as MetaSelector, ObjectMeta};

use crate::apiserver::{ApiError, ApiServer, Ctx, Subresource};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The spec/status replicas and selector of a scalable object.
fn parts(obj: &Object) -> Option<(i32, i32, Option<&MetaSelector>)> {
    match obj {
        Object::Deployment(d) => Some((
            d.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0),
            d.spec.as_ref().map(|s| &s.selector),
        )),
        Object::ReplicaSet(r) => Some((
            r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            r.status.as_ref().map(|s| s.replicas).unwrap_or(0),
            r.spec.as_ref().map(|s| &s.selector),
        )),
        Object::StatefulSet(s) => Some((
            s.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1),
            s.status.as_ref().map(|s| s.replicas).unwrap_or(0),
            s.spec.as_ref().map(|s| &s.selector),
        )),
        _ => None,
    }
}

fn not_scalable() -> ApiError {
    ApiError::NotFound {
        resource: String::new(),
        name: String::new(),
    }
}

/// The Scale of `obj`, as the registry's scale storage builds it.
fn to_scale(obj: &Object) -> Result<Scale, ApiError> {
    let (spec, status, selector) = parts(obj).ok_or_else(not_scalable)?;
    let meta = obj.meta();
    let selector = selector
        .and_then(|s| LabelSelector::from_label_selector(s).ok())
        .map(|s| s.to_string())
        .filter(|s| !s.is_empty());
    Ok(Scale {
        metadata: ObjectMeta {
            name: meta.name.clone(),
            namespace: meta.namespace.clone(),
            uid: meta.uid.clone(),
            resource_version: meta.resource_version.clone(),
            creation_timestamp: meta.creation_timestamp.clone(),
            ..Default::default()
        },
        spec: Some(ScaleSpec {
            replicas: Some(spec),
        }),
        status: Some(ScaleStatus {
            replicas: status,
            selector,
        }),
    })
}

impl ApiServer {
    /// GET `.../scale`.
    pub fn get_scale(&self, kind: Kind, namespace: &str, name: &str) -> Result<Scale, ApiError> {
        if !matches!(
            kind,
            Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet
        ) {
            return Err(ApiError::NotFound {
                resource: kind.info().qualified_plural(),
                name: name.to_string(),
            });
        }
        let obj = self.get(kind, namespace, name)?;
        to_scale(&obj)
    }

    /// PUT `.../scale`: sets `spec.replicas`. A `resource_version` is a precondition.
    pub fn update_scale(
        &mut self,
        ctx: &mut Ctx,
        kind: Kind,
        namespace: &str,
        name: &str,
        replicas: i32,
        resource_version: Option<&str>,
    ) -> Result<Scale, ApiError> {
        let current: Rc<Object> = self.get(kind, namespace, name)?;
        let mut obj = (*current).clone();
        match &mut obj {
            Object::Deployment(d) => {
                d.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
            }
            Object::ReplicaSet(r) => {
                r.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
            }
            Object::StatefulSet(s) => {
                s.spec.get_or_insert_with(Default::default).replicas = Some(replicas)
            }
            _ => {
                return Err(ApiError::NotFound {
                    resource: kind.info().qualified_plural(),
                    name: name.to_string(),
                })
            }
        }
        if let Some(rv) = resource_version {
            obj.meta_mut().resource_version = Some(rv.to_string());
        }
        let updated = self.update(ctx, obj, Subresource::Main)?;
        to_scale(&updated)
    }
}
