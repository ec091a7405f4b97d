//! Validation of the core (`v1`) kinds, following `pkg/apis/core/validation` of
//! Kubernetes v1.32: Pod, Service, Endpoints, ConfigMap, Secret, ServiceAccount,
//! Namespace, Node, PersistentVolumeClaim and PersistentVolume. The submodules hold the
//! pieces (pod spec, containers, volumes, probes, resources, security contexts,
//! scheduling fields, IP checks) that apps and batch reuse through
//! `validate_pod_template_spec`.

mod affinity;
mod annotations;
mod config;
mod container;
mod dns;
mod downward;
mod endpoints;
mod env;
mod mounts;
mod net;
mod paths;
mod pod;
mod podspec;
mod probe;
mod projected;
mod pv;
mod resources;
mod scheduling;
mod security;
mod service;
mod service_ips;
mod storage;
mod volume;

pub use net::{is_valid_ip, is_valid_ipv4, is_valid_ipv6, validate_non_special_ip};
pub use podspec::validate_pod_template_spec;
pub use probe::validate_port_num_or_name;

use crate::apiserver::errors::FieldError;
use crate::model::Object;

use super::field::Path;
use super::meta::{validate_object_meta_core, validate_object_meta_update_core};
use super::names::name_is_dns_subdomain;

/// Create-time validation of a core object; `None` for kinds of other groups.
pub fn validate_create(obj: &Object) -> Option<Vec<FieldError>> {
    let meta = Path::new("metadata");
    Some(match obj {
        Object::Pod(p) => pod::validate_pod_create(p),
        Object::Service(s) => service::validate_service(s),
        Object::Endpoints(e) => endpoints::validate_endpoints(e),
        Object::ConfigMap(c) => config::validate_config_map(c),
        Object::Secret(s) => config::validate_secret(s),
        Object::ServiceAccount(sa) => {
            validate_object_meta_core(&sa.metadata, true, name_is_dns_subdomain, &meta)
        }
        Object::Namespace(n) => config::validate_namespace(n),
        Object::Node(n) => config::validate_node(n),
        Object::PersistentVolumeClaim(c) => storage::validate_pvc(c),
        Object::PersistentVolume(v) => pv::validate_pv(v),
        _ => return None,
    })
}

/// Update-time validation of a core object; `None` for kinds of other groups or when
/// the two objects are of different kinds.
pub fn validate_update(new: &Object, old: &Object) -> Option<Vec<FieldError>> {
    let meta = Path::new("metadata");
    let meta_update = validate_object_meta_update_core(new.meta(), old.meta(), &meta);
    Some(match (new, old) {
        (Object::Pod(n), Object::Pod(o)) => pod::validate_pod_update(n, o),
        (Object::Service(n), Object::Service(o)) => {
            [meta_update, service_ips::validate_service_update(n, o)].concat()
        }
        (Object::Endpoints(n), Object::Endpoints(_)) => {
            [meta_update, endpoints::validate_endpoints(n)].concat()
        }
        (Object::ConfigMap(n), Object::ConfigMap(o)) => {
            [meta_update, config::validate_config_map_update(n, o)].concat()
        }
        (Object::Secret(n), Object::Secret(o)) => {
            [meta_update, config::validate_secret_update(n, o)].concat()
        }
        (Object::ServiceAccount(n), Object::ServiceAccount(_)) => [
            meta_update,
            validate_object_meta_core(&n.metadata, true, name_is_dns_subdomain, &meta),
        ]
        .concat(),
        (Object::Namespace(_), Object::Namespace(_)) => meta_update,
        (Object::Node(n), Object::Node(o)) => {
            [meta_update, config::validate_node_update(n, o)].concat()
        }
        (Object::PersistentVolumeClaim(n), Object::PersistentVolumeClaim(o)) => {
            [meta_update, storage::validate_pvc_update(n, o)].concat()
        }
        (Object::PersistentVolume(n), Object::PersistentVolume(o)) => pv::validate_pv_update(n, o),
        _ => return None,
    })
}
