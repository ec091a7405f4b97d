//! The `Object` enum: one variant per kind kubeniwa serves, each holding the real Kubernetes
//! API type from `k8s-openapi` (v1.32), and the `Kind` registry that describes every kind
//! the way the API server's discovery does (plural, short names, scope, group/version).
//!
//! Objects are shared as `Rc<Object>` between the store, the watch caches and every
//! component: nobody mutates a shared object; they clone, edit and write back through the
//! API server (upstream's "never mutate cache objects").

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::Value;

macro_rules! kinds {
    ($( $variant:ident => $ty:path {
        plural: $plural:literal, singular: $singular:literal, short: [$($short:literal),*],
        group: $group:literal, version: $version:literal, namespaced: $ns:literal,
        registry: $registry:literal, categories: [$($cat:literal),*] $(,)?
    } ),* $(,)?) => {
        /// Every kind kubeniwa serves. Anything else gets kubectl's unknown-resource error.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Kind { $($variant),* }

        /// One API object of any served kind. Objects live behind `Rc`, so the size
        /// difference between variants costs nothing worth boxing for.
        #[derive(Clone, Debug, PartialEq)]
        #[allow(clippy::large_enum_variant)]
        pub enum Object { $($variant($ty)),* }

        impl Kind {
            /// All kinds, in registry order (which is also `kubectl api-resources` order
            /// within a group).
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];

            /// Discovery facts about this kind.
            pub fn info(self) -> &'static KindInfo {
                match self {
                    $(Kind::$variant => &KindInfo {
                        kind: stringify!($variant),
                        plural: $plural,
                        singular: $singular,
                        short_names: &[$($short),*],
                        group: $group,
                        version: $version,
                        namespaced: $ns,
                        registry_prefix: $registry,
                        categories: &[$($cat),*],
                    },)*
                }
            }
        }

        impl Object {
            /// The kind of this object.
            pub fn kind(&self) -> Kind {
                match self { $(Object::$variant(_) => Kind::$variant),* }
            }

            /// The object's metadata.
            pub fn meta(&self) -> &ObjectMeta {
                match self { $(Object::$variant(o) => &o.metadata),* }
            }

            /// The object's metadata, for editing a private copy.
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $(Object::$variant(o) => &mut o.metadata),* }
            }

            /// The object as JSON, with `apiVersion` and `kind` set. Keys come out sorted,
            /// which is the order `kubectl get -o yaml|json` prints them in.
            pub fn to_value(&self) -> Value {
                let v = match self { $(Object::$variant(o) => serde_json::to_value(o)),* };
                // Serialising plain data structs cannot fail; fall back to null rather than panic.
                v.unwrap_or(Value::Null)
            }

            /// Decodes JSON of the given kind. `apiVersion` and `kind` must match the kind.
            pub fn from_value(kind: Kind, value: Value) -> Result<Object, String> {
                match kind {
                    $(Kind::$variant => serde_json::from_value::<$ty>(value)
                        .map(Object::$variant)
                        .map_err(|e| e.to_string()),)*
                }
            }
        }
    };
}

use k8s_openapi::api::{apps::v1 as apps, batch::v1 as batch, coordination::v1 as coordination};
use k8s_openapi::api::{core::v1 as core, discovery::v1 as discovery, policy::v1 as policy};

kinds! {
    Binding => core::Binding { plural: "bindings", singular: "binding", short: [], group: "", version: "v1", namespaced: true, registry: "", categories: [] },
    ConfigMap => core::ConfigMap { plural: "configmaps", singular: "configmap", short: ["cm"], group: "", version: "v1", namespaced: true, registry: "/registry/configmaps/", categories: [] },
    Endpoints => core::Endpoints { plural: "endpoints", singular: "endpoints", short: ["ep"], group: "", version: "v1", namespaced: true, registry: "/registry/services/endpoints/", categories: [] },
    Event => core::Event { plural: "events", singular: "event", short: ["ev"], group: "", version: "v1", namespaced: true, registry: "/registry/events/", categories: [] },
    Namespace => core::Namespace { plural: "namespaces", singular: "namespace", short: ["ns"], group: "", version: "v1", namespaced: false, registry: "/registry/namespaces/", categories: [] },
    Node => core::Node { plural: "nodes", singular: "node", short: ["no"], group: "", version: "v1", namespaced: false, registry: "/registry/minions/", categories: [] },
    PersistentVolumeClaim => core::PersistentVolumeClaim { plural: "persistentvolumeclaims", singular: "persistentvolumeclaim", short: ["pvc"], group: "", version: "v1", namespaced: true, registry: "/registry/persistentvolumeclaims/", categories: [] },
    PersistentVolume => core::PersistentVolume { plural: "persistentvolumes", singular: "persistentvolume", short: ["pv"], group: "", version: "v1", namespaced: false, registry: "/registry/persistentvolumes/", categories: [] },
    Pod => core::Pod { plural: "pods", singular: "pod", short: ["po"], group: "", version: "v1", namespaced: true, registry: "/registry/pods/", categories: ["all"] },
    Secret => core::Secret { plural: "secrets", singular: "secret", short: [], group: "", version: "v1", namespaced: true, registry: "/registry/secrets/", categories: [] },
    ServiceAccount => core::ServiceAccount { plural: "serviceaccounts", singular: "serviceaccount", short: ["sa"], group: "", version: "v1", namespaced: true, registry: "/registry/serviceaccounts/", categories: [] },
    Service => core::Service { plural: "services", singular: "service", short: ["svc"], group: "", version: "v1", namespaced: true, registry: "/registry/services/specs/", categories: ["all"] },
    ControllerRevision => apps::ControllerRevision { plural: "controllerrevisions", singular: "controllerrevision", short: [], group: "apps", version: "v1", namespaced: true, registry: "/registry/controllerrevisions/", categories: [] },
    DaemonSet => apps::DaemonSet { plural: "daemonsets", singular: "daemonset", short: ["ds"], group: "apps", version: "v1", namespaced: true, registry: "/registry/daemonsets/", categories: ["all"] },
    Deployment => apps::Deployment { plural: "deployments", singular: "deployment", short: ["deploy"], group: "apps", version: "v1", namespaced: true, registry: "/registry/deployments/", categories: ["all"] },
    ReplicaSet => apps::ReplicaSet { plural: "replicasets", singular: "replicaset", short: ["rs"], group: "apps", version: "v1", namespaced: true, registry: "/registry/replicasets/", categories: ["all"] },
    StatefulSet => apps::StatefulSet { plural: "statefulsets", singular: "statefulset", short: ["sts"], group: "apps", version: "v1", namespaced: true, registry: "/registry/statefulsets/", categories: ["all"] },
    CronJob => batch::CronJob { plural: "cronjobs", singular: "cronjob", short: ["cj"], group: "batch", version: "v1", namespaced: true, registry: "/registry/cronjobs/", categories: ["all"] },
    Job => batch::Job { plural: "jobs", singular: "job", short: [], group: "batch", version: "v1", namespaced: true, registry: "/registry/jobs/", categories: ["all"] },
    Lease => coordination::Lease { plural: "leases", singular: "lease", short: [], group: "coordination.k8s.io", version: "v1", namespaced: true, registry: "/registry/leases/", categories: [] },
    EndpointSlice => discovery::EndpointSlice { plural: "endpointslices", singular: "endpointslice", short: [], group: "discovery.k8s.io", version: "v1", namespaced: true, registry: "/registry/endpointslices/", categories: [] },
    PodDisruptionBudget => policy::PodDisruptionBudget { plural: "poddisruptionbudgets", singular: "poddisruptionbudget", short: ["pdb"], group: "policy", version: "v1", namespaced: true, registry: "/registry/poddisruptionbudgets/", categories: [] },
}

/// Discovery facts about one kind, as `kubectl api-resources` shows them.
#[derive(Debug, PartialEq, Eq)]
pub struct KindInfo {
    /// `Deployment`
    pub kind: &'static str,
    /// `deployments`
    pub plural: &'static str,
    /// `deployment`
    pub singular: &'static str,
    /// `["deploy"]`
    pub short_names: &'static [&'static str],
    /// `apps` (empty for the core group)
    pub group: &'static str,
    /// `v1`
    pub version: &'static str,
    /// Whether objects live in a namespace.
    pub namespaced: bool,
    /// The etcd key prefix the real API server uses (`/registry/minions/` for nodes).
    /// Empty for kinds that are never stored (Binding).
    pub registry_prefix: &'static str,
    /// Categories such as `all`.
    pub categories: &'static [&'static str],
}

impl KindInfo {
    /// `apps/v1`, or `v1` for the core group.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `deployment.apps`, or `pod` for the core group: how kubectl names a resource in
    /// `-o name` output and in messages like `deployment.apps/web created`.
    pub fn qualified_singular(&self) -> String {
        if self.group.is_empty() {
            self.singular.to_string()
        } else {
            format!("{}.{}", self.singular, self.group)
        }
    }

    /// `deployments.apps`: the group-qualified plural used in server errors
    /// (`deployments.apps "web" not found`).
    pub fn qualified_plural(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    /// Whether objects of this kind are persisted (Binding is a write-only subresource).
    pub fn stored(&self) -> bool {
        !self.registry_prefix.is_empty()
    }
}

impl Kind {
    /// Finds a kind from what a user may type: plural, singular, short name or kind,
    /// case-insensitively, optionally qualified by group (`deployments.apps`,
    /// `deploy.apps`). `None` means kubectl's "the server doesn't have a resource type".
    pub fn resolve(name: &str) -> Option<Kind> {
        let lower = name.to_ascii_lowercase();
        let (base, group) = match lower.split_once('.') {
            Some((b, g)) => (b.to_string(), Some(g.to_string())),
            None => (lower.clone(), None),
        };
        Kind::ALL.iter().copied().find(|k| {
            let i = k.info();
            if !i.stored() {
                return false;
            }
            let group_ok = match &group {
                None => true,
                Some(g) => g == i.group || (i.group.is_empty() && g.is_empty()),
            };
            group_ok
                && (base == i.plural
                    || base == i.singular
                    || base == i.kind.to_ascii_lowercase()
                    || i.short_names.iter().any(|s| *s == base))
        })
    }

    /// Finds a kind from a manifest's `apiVersion` and `kind`.
    pub fn from_type_meta(api_version: &str, kind: &str) -> Option<Kind> {
        Kind::ALL
            .iter()
            .copied()
            .find(|k| k.info().kind == kind && k.info().api_version() == api_version)
    }

    /// Finds a kind by its `kind` name alone, whatever the version.
    pub fn from_kind_name(kind: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.info().kind == kind)
    }
}

impl Object {
    /// `metadata.name`, or empty.
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or("")
    }

    /// `metadata.namespace`, or empty for cluster-scoped objects.
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }

    /// Decodes a manifest (JSON value) whose `apiVersion`/`kind` select the type.
    pub fn from_manifest(value: Value) -> Result<Object, DecodeError> {
        let api_version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind_name = value.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind_name.is_empty() {
            return Err(DecodeError::MissingKind);
        }
        if api_version.is_empty() {
            return Err(DecodeError::MissingApiVersion);
        }
        let kind = Kind::from_type_meta(api_version, kind_name).ok_or_else(|| {
            DecodeError::UnknownKind {
                api_version: api_version.to_string(),
                kind: kind_name.to_string(),
            }
        })?;
        Object::from_value(kind, value).map_err(|message| DecodeError::Invalid { kind, message })
    }
}

/// Why a manifest could not be decoded into an object.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// No `kind` field.
    MissingKind,
    /// No `apiVersion` field.
    MissingApiVersion,
    /// An `apiVersion`/`kind` pair the server does not serve.
    UnknownKind { api_version: String, kind: String },
    /// The JSON does not fit the kind's schema (a wrong type somewhere).
    Invalid { kind: Kind, message: String },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_what_kubectl_accepts() {
        // `kubectl get po`, `pods`, `pod`, `Pod`, `deploy`, `deployments.apps` all work on v1.32.
        for (typed, kind) in [
            ("po", Kind::Pod),
            ("pods", Kind::Pod),
            ("Pod", Kind::Pod),
            ("deploy", Kind::Deployment),
            ("deployments.apps", Kind::Deployment),
            ("rs", Kind::ReplicaSet),
            ("svc", Kind::Service),
            ("no", Kind::Node),
            ("ep", Kind::Endpoints),
            ("cj", Kind::CronJob),
        ] {
            assert_eq!(Kind::resolve(typed), Some(kind), "{typed}");
        }
        assert_eq!(Kind::resolve("bindings"), None);
        assert_eq!(Kind::resolve("foo"), None);
        assert_eq!(Kind::resolve("deployments.batch"), None);
    }

    #[test]
    fn manifest_round_trip_keeps_type_meta() {
        let v = serde_json::json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "special-config"}, "data": {"special.how": "very"}});
        let o = Object::from_manifest(v.clone()).unwrap();
        assert_eq!(o.kind(), Kind::ConfigMap);
        assert_eq!(o.name(), "special-config");
        assert_eq!(o.to_value(), v);
    }

    #[test]
    fn unknown_kind_is_reported() {
        let v =
            serde_json::json!({"apiVersion": "v1", "kind": "Gadget", "metadata": {"name": "x"}});
        assert_eq!(
            Object::from_manifest(v),
            Err(DecodeError::UnknownKind {
                api_version: "v1".into(),
                kind: "Gadget".into()
            })
        );
    }
}
