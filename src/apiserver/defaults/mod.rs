//! API-server defaulting, as Kubernetes v1.32 applies it: the scheme defaulters
//! (`pkg/apis/*/v1/defaults.go` plus the generated `zz_generated.defaults.go`, which decide
//! which nested defaulters run), the create-time mutations of the registry strategies
//! (`PrepareForCreate` in `pkg/registry/...`) and, in `admission`, the built-in mutating
//! admission plugins whose effects show on every object.
//!
//! This module owns *what* gets filled in; the request pipeline owns *when*. Upstream
//! runs them in this order on a create, and kubeniwa should too:
//!
//! 1. decode, then [`apply_defaults`] (the scheme defaulters run on every decode);
//! 2. mutating admission: [`admit_priority`], [`default_toleration_seconds`],
//!    [`add_not_ready_taint`], [`add_storage_protection_finalizer`] (and ServiceAccount,
//!    which lives elsewhere);
//! 3. [`prepare_for_create`] (re-runs the defaults, then the strategy: status reset,
//!    `metadata.generation: 1`, generated Job selectors, Service IP families, Pod QoS
//!    class);
//! 4. validate, store;
//! 5. [`apply_defaults`] again: upstream decodes the stored bytes with defaulting, so the
//!    object a client reads back is defaulted once more (this is how a Job's
//!    `metadata.labels` pick up the generated template labels).
//!
//! On an update only steps 1, 2 (tolerations) and 5 apply; `PrepareForUpdate` (keeping
//! status, bumping `generation`) is not in this module.
//!
//! Kubernetes defaults Go fields; kubeniwa holds `k8s-openapi` types where every field is
//! an `Option`. A Go string or integer that is not a pointer treats `""` and `0` as unset,
//! so those fields are defaulted when `None` *or* empty/zero (see `set_str`); pointer
//! fields are defaulted only when `None`. Go also always prints struct-valued fields that
//! are not pointers (`resources: {}`, `status: {}`), so those are materialised as empty
//! structs where v1.32 prints them.

mod admission;
mod apps;
mod batch;
mod core;
mod other;

pub use self::admission::{
    add_not_ready_taint, add_storage_protection_finalizer, admit_priority,
    default_toleration_seconds,
};
pub use self::core::{default_container, default_pod_spec, default_pod_template, pod_qos_class};

use crate::model::Object;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// Fills in every default the v1.32 scheme defaulters set on `obj` (and on the structs
/// nested in it). Idempotent: defaulting a defaulted object changes nothing.
pub fn apply_defaults(obj: &mut Object) {
    match obj {
        Object::Namespace(o) => core::default_namespace(o),
        Object::Node(o) => core::default_node(o),
        Object::PersistentVolumeClaim(o) => core::default_pvc(o),
        Object::PersistentVolume(o) => core::default_pv(o),
        Object::Pod(o) => core::default_pod(o),
        Object::Secret(o) => core::default_secret(o),
        Object::Service(o) => core::default_service(o),
        Object::Endpoints(o) => core::default_endpoints(o),
        Object::DaemonSet(o) => apps::default_daemon_set(o),
        Object::Deployment(o) => apps::default_deployment(o),
        Object::ReplicaSet(o) => apps::default_replica_set(o),
        Object::StatefulSet(o) => apps::default_stateful_set(o),
        Object::CronJob(o) => batch::default_cron_job(o),
        Object::Job(o) => batch::default_job(o),
        Object::EndpointSlice(o) => other::default_endpoint_slice(o),
        // v1.32 registers no defaulter that changes these kinds. ConfigMap has one
        // (`data` becomes an empty map) but Go never prints an empty map, so it is invisible.
        Object::Binding(_)
        | Object::ConfigMap(_)
        | Object::Event(_)
        | Object::ServiceAccount(_)
        | Object::ControllerRevision(_)
        | Object::Lease(_)
        | Object::PodDisruptionBudget(_) => {}
    }
}

/// Applies the create-time mutations of each kind's registry strategy (`PrepareForCreate`)
/// and of the Service REST storage (cluster-IP normalisation and IP-family defaulting for
/// kubeniwa's single-stack IPv4 service network). It runs [`apply_defaults`] first
/// (idempotent), because upstream's strategy always sees a defaulted object: the Pod QoS
/// class counts requests defaulted from limits. Needs `metadata.uid` set already (Jobs
/// put it in their generated selector) and `now` for timestamps the strategy stamps.
/// Does not allocate cluster IPs or node ports.
pub fn prepare_for_create(obj: &mut Object, now: &Time) {
    apply_defaults(obj);
    match obj {
        Object::Namespace(o) => core::prepare_namespace(o),
        Object::PersistentVolumeClaim(o) => core::prepare_pvc(o),
        Object::PersistentVolume(o) => core::prepare_pv(o, now),
        Object::Pod(o) => core::prepare_pod(o),
        Object::Service(o) => core::prepare_service(o),
        Object::DaemonSet(o) => apps::prepare_daemon_set(o),
        Object::Deployment(o) => apps::prepare_deployment(o),
        Object::ReplicaSet(o) => apps::prepare_replica_set(o),
        Object::StatefulSet(o) => apps::prepare_stateful_set(o),
        Object::CronJob(o) => batch::prepare_cron_job(o),
        Object::Job(o) => batch::prepare_job(o),
        Object::EndpointSlice(o) => other::prepare_endpoint_slice(o),
        Object::PodDisruptionBudget(o) => other::prepare_pdb(o),
        Object::Binding(_)
        | Object::ConfigMap(_)
        | Object::Endpoints(_)
        | Object::Event(_)
        | Object::Node(_)
        | Object::Secret(_)
        | Object::ServiceAccount(_)
        | Object::ControllerRevision(_)
        | Object::Lease(_) => {}
    }
}

/// Defaults a Go string field that is not a pointer: unset and `""` both become `value`.
fn set_str(field: &mut Option<String>, value: &str) {
    if field.as_deref().is_none_or(str::is_empty) {
        *field = Some(value.to_string());
    }
}

/// Defaults a Go `int32` field that is not a pointer: unset and `0` both become `value`.
fn set_nonzero(field: &mut Option<i32>, value: i32) {
    if matches!(field, None | Some(0)) {
        *field = Some(value);
    }
}

/// Whether a Go string field holding `value` would compare equal to `want` (unset is `""`).
fn str_is(field: &Option<String>, want: &str) -> bool {
    field.as_deref().unwrap_or("") == want
}

#[cfg(test)]
mod test_support {
    use super::*;
    use serde_json::Value;

    /// Decodes a manifest, runs [`apply_defaults`] and returns the object as JSON.
    pub fn defaulted(manifest: Value) -> Value {
        let mut obj = match Object::from_manifest(manifest) {
            Ok(o) => o,
            Err(e) => panic!("test manifest does not decode: {e:?}"),
        };
        apply_defaults(&mut obj);
        obj.to_value()
    }

    /// Runs the whole create path this module covers: defaults and the strategy's
    /// `PrepareForCreate`, then defaults again as the read-back from storage does.
    pub fn created(manifest: Value) -> Value {
        let mut obj = match Object::from_manifest(manifest) {
            Ok(o) => o,
            Err(e) => panic!("test manifest does not decode: {e:?}"),
        };
        prepare_for_create(&mut obj, &test_now());
        apply_defaults(&mut obj);
        obj.to_value()
    }

    /// A fixed instant for tests: 2024-01-01T00:00:00Z.
    pub fn test_now() -> Time {
        Time(k8s_openapi::chrono::DateTime::from_timestamp(1_704_067_200, 0).unwrap_or_default())
    }

    /// Asserts two JSON values are equal, printing both as pretty JSON on failure.
    pub fn assert_json(actual: &Value, expected: &Value) {
        assert!(
            actual == expected,
            "actual:\n{}\nexpected:\n{}",
            serde_json::to_string_pretty(actual).unwrap_or_default(),
            serde_json::to_string_pretty(expected).unwrap_or_default()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::*;
    use serde_json::json;

    #[test]
    fn defaulting_is_idempotent_for_every_group() {
        // Upstream defaults on every decode, including reads from etcd, so a second pass
        // must not change anything.
        for m in [
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
                   "spec": {"containers": [{"name": "c", "image": "nginx"}]}}),
            json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
                   "spec": {"selector": {}, "template": {"spec": {"containers": []}}}}),
            json!({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
                   "spec": {"template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": []}}}}),
            json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"},
                   "spec": {"type": "NodePort", "ports": [{"port": 80}]}}),
        ] {
            let once = defaulted(m);
            assert_json(&defaulted(once.clone()), &once);
        }
    }
}
