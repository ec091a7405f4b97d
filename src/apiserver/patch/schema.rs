//! The strategic-merge schema: which fields of which kinds merge instead of being replaced.
//!
//! Upstream reads this from the `patchStrategy` and `patchMergeKey` struct tags of the Go
//! API types (server side) or from the `x-kubernetes-patch-strategy` and
//! `x-kubernetes-patch-merge-key` OpenAPI extensions generated from those tags (kubectl).
//! Here the same facts are a small table: a [`Schema`] names the Go type at some point of an
//! object (`PodSpec`, `Container`, ...) and [`Schema::field`] answers, for one field name, its
//! patch metadata and the type found below it. Every tag transcribed here comes from
//! `k8s.io/api` v0.32 (`core/v1`, `apps/v1`, `batch/v1`, `policy/v1`) and
//! `k8s.io/apimachinery` (`meta/v1`); fields not listed have no tag, so their lists are
//! replaced wholesale (for example `tolerations`, node `taints`, `containerStatuses`,
//! `envFrom` and endpoint `subsets`).

/// How a field is patched: upstream's `patchStrategy` tag without `retainKeys`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PatchStrategy {
    /// No strategy: maps merge key by key, lists are replaced.
    Default,
    /// `patchStrategy:"merge"`: lists merge (by merge key for lists of maps).
    Merge,
    /// `patchStrategy:"replace"`: the whole value is replaced even when it is a map.
    Replace,
}

/// The patch metadata of one field (upstream's `PatchMeta`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PatchMeta {
    /// The strategy other than `retainKeys`.
    pub strategy: PatchStrategy,
    /// Whether the strategy also lists `retainKeys` (`$retainKeys` is built for the field).
    pub retain_keys: bool,
    /// The `patchMergeKey`, empty when there is none.
    pub merge_key: &'static str,
}

impl PatchMeta {
    /// A field without tags.
    pub const NONE: PatchMeta = PatchMeta {
        strategy: PatchStrategy::Default,
        retain_keys: false,
        merge_key: "",
    };
}

/// How a list field is patched, as `kubectl explain` would describe its tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListStrategy {
    /// The patch's list replaces the live list (no tag, the default).
    Replace,
    /// A list of scalars merged as a set (`finalizers`, node `podCIDRs`).
    MergePrimitives,
    /// A list of maps merged element by element on the merge key.
    MergeByKey {
        /// The merge key, such as `name` or `containerPort`.
        key: &'static str,
        /// Whether elements also carry `retainKeys` (pod `volumes`).
        retain_keys: bool,
    },
}

/// The Go type at one point of an object, as far as patch tags care. Everything without
/// tagged fields below it is [`Schema::Untagged`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schema {
    /// An object of the named kind, at its root.
    Root(RootKind),
    /// `metav1.ObjectMeta`.
    ObjectMeta,
    /// `core/v1.PodTemplateSpec`.
    PodTemplateSpec,
    /// `core/v1.PodSpec`.
    PodSpec,
    /// `core/v1.Container` and `EphemeralContainer` (same tagged fields).
    Container,
    /// `core/v1.PodStatus`.
    PodStatus,
    /// `core/v1.ContainerStatus`.
    ContainerStatus,
    /// The spec of a workload holding a pod template (ReplicaSet, DaemonSet, Job, ...).
    TemplatedSpec,
    /// `apps/v1.DeploymentSpec`.
    DeploymentSpec,
    /// `apps/v1.StatefulSetSpec`.
    StatefulSetSpec,
    /// `batch/v1.CronJobSpec`.
    CronJobSpec,
    /// `batch/v1.JobTemplateSpec`.
    JobTemplateSpec,
    /// `core/v1.ServiceSpec`.
    ServiceSpec,
    /// `core/v1.NodeSpec`.
    NodeSpec,
    /// `core/v1.NodeStatus`.
    NodeStatus,
    /// `policy/v1.PodDisruptionBudgetSpec`.
    PdbSpec,
    /// `core/v1.PersistentVolumeClaim` inside a StatefulSet's `volumeClaimTemplates`.
    PvcTemplate,
    /// A status whose only tagged field is `conditions`, merged by `type`.
    ConditionsStatus,
    /// A type with no tagged fields anywhere below it.
    Untagged,
    /// The `MergeItem` test type of upstream's `patch_test.go`.
    #[cfg(test)]
    TestMergeItem,
    /// The `RetainKeysMergeItem` test type of upstream's `patch_test.go`.
    #[cfg(test)]
    TestRetainKeysMergeItem,
}

/// The kinds whose roots differ; every other kind has only `metadata` tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RootKind {
    /// `Pod`.
    Pod,
    /// `Deployment`.
    Deployment,
    /// `ReplicaSet`, `DaemonSet`, `Job`, `ReplicationController`: spec with a template.
    Templated,
    /// `StatefulSet`.
    StatefulSet,
    /// `CronJob`.
    CronJob,
    /// `PodTemplate`.
    PodTemplate,
    /// `Service`.
    Service,
    /// `Node`.
    Node,
    /// `ServiceAccount`.
    ServiceAccount,
    /// `PodDisruptionBudget`.
    PodDisruptionBudget,
    /// `Namespace`, `PersistentVolumeClaim`: status conditions merge by type.
    ConditionsOnly,
    /// Any other kind (ConfigMap, Secret, Endpoints, EndpointSlice, Lease, Event, ...).
    Plain,
}

const fn merge(key: &'static str) -> PatchMeta {
    PatchMeta {
        strategy: PatchStrategy::Merge,
        retain_keys: false,
        merge_key: key,
    }
}

const fn merge_retain(key: &'static str) -> PatchMeta {
    PatchMeta {
        strategy: PatchStrategy::Merge,
        retain_keys: true,
        merge_key: key,
    }
}

const PLAIN: PatchMeta = PatchMeta::NONE;

/// `patchStrategy:"retainKeys"` alone.
const RETAIN: PatchMeta = PatchMeta {
    strategy: PatchStrategy::Default,
    retain_keys: true,
    merge_key: "",
};

/// `patchStrategy:"replace"`.
const REPLACE: PatchMeta = PatchMeta {
    strategy: PatchStrategy::Replace,
    retain_keys: false,
    merge_key: "",
};

impl Schema {
    /// The schema at the root of an object of `kind` (`Deployment`, `Pod`, ...).
    pub fn for_kind(kind: &str) -> Schema {
        let root = match kind {
            "Pod" => RootKind::Pod,
            "Deployment" => RootKind::Deployment,
            "ReplicaSet" | "DaemonSet" | "Job" | "ReplicationController" => RootKind::Templated,
            "StatefulSet" => RootKind::StatefulSet,
            "CronJob" => RootKind::CronJob,
            "PodTemplate" => RootKind::PodTemplate,
            "Service" => RootKind::Service,
            "Node" => RootKind::Node,
            "ServiceAccount" => RootKind::ServiceAccount,
            "PodDisruptionBudget" => RootKind::PodDisruptionBudget,
            "Namespace" | "PersistentVolumeClaim" => RootKind::ConditionsOnly,
            #[cfg(test)]
            "MergeItem" => return Schema::TestMergeItem,
            _ => RootKind::Plain,
        };
        Schema::Root(root)
    }

    /// The patch metadata of field `name` of this type, and the type below it (for a list,
    /// the type of its elements).
    pub fn field(self, name: &str) -> (PatchMeta, Schema) {
        use Schema as S;
        match (self, name) {
            (S::Root(_) | S::PodTemplateSpec | S::PvcTemplate | S::JobTemplateSpec, "metadata") => {
                (PLAIN, S::ObjectMeta)
            }
            (S::Root(root), _) => root_field(root, name),
            (S::ObjectMeta, "ownerReferences") => (merge("uid"), S::Untagged),
            (S::ObjectMeta, "finalizers") => (merge(""), S::Untagged),
            (S::PodTemplateSpec, "spec") => (PLAIN, S::PodSpec),
            (S::PodSpec, "containers" | "initContainers" | "ephemeralContainers") => {
                (merge("name"), S::Container)
            }
            (S::PodSpec, "volumes" | "resourceClaims") => (merge_retain("name"), S::Untagged),
            (S::PodSpec, "imagePullSecrets" | "schedulingGates") => (merge("name"), S::Untagged),
            (S::PodSpec, "hostAliases") => (merge("ip"), S::Untagged),
            (S::PodSpec, "topologySpreadConstraints") => (merge("topologyKey"), S::Untagged),
            (S::Container, "ports") => (merge("containerPort"), S::Untagged),
            (S::Container, "env") => (merge("name"), S::Untagged),
            (S::Container, "volumeMounts") => (merge("mountPath"), S::Untagged),
            (S::Container, "volumeDevices") => (merge("devicePath"), S::Untagged),
            (S::PodStatus, "conditions") => (merge("type"), S::Untagged),
            (S::PodStatus, "hostIPs" | "podIPs") => (merge("ip"), S::Untagged),
            (S::PodStatus, "resourceClaimStatuses") => (merge_retain("name"), S::Untagged),
            (
                S::PodStatus,
                "containerStatuses" | "initContainerStatuses" | "ephemeralContainerStatuses",
            ) => (PLAIN, S::ContainerStatus),
            (S::ContainerStatus, "volumeMounts") => (merge("mountPath"), S::Untagged),
            (S::ContainerStatus, "allocatedResourcesStatus") => (merge("name"), S::Untagged),
            (S::TemplatedSpec | S::DeploymentSpec | S::StatefulSetSpec, "template") => {
                (PLAIN, S::PodTemplateSpec)
            }
            (S::DeploymentSpec, "strategy") => (RETAIN, S::Untagged),
            (S::StatefulSetSpec, "volumeClaimTemplates") => (PLAIN, S::PvcTemplate),
            (S::PvcTemplate, "status") => (PLAIN, S::ConditionsStatus),
            (S::CronJobSpec, "jobTemplate") => (PLAIN, S::JobTemplateSpec),
            (S::JobTemplateSpec, "spec") => (PLAIN, S::TemplatedSpec),
            (S::ServiceSpec, "ports") => (merge("port"), S::Untagged),
            (S::NodeSpec, "podCIDRs") => (merge(""), S::Untagged),
            (S::NodeStatus, "conditions" | "addresses") => (merge("type"), S::Untagged),
            (S::PdbSpec, "selector") => (REPLACE, S::Untagged),
            (S::ConditionsStatus, "conditions") => (merge("type"), S::Untagged),
            #[cfg(test)]
            (S::TestMergeItem | S::TestRetainKeysMergeItem, _) => test_field(self, name),
            _ => (PLAIN, S::Untagged),
        }
    }

    /// Walks `path` (field names from this type, list indices omitted) and returns the
    /// metadata of its last field, or `None` for an empty path.
    pub fn lookup(self, path: &[&str]) -> Option<PatchMeta> {
        let (last, parents) = path.split_last()?;
        let below = parents
            .iter()
            .fold(self, |schema, name| schema.field(name).1);
        Some(below.field(last).0)
    }
}

fn root_field(root: RootKind, name: &str) -> (PatchMeta, Schema) {
    use RootKind as K;
    use Schema as S;
    match (root, name) {
        (K::Pod, "spec") => (PLAIN, S::PodSpec),
        (K::Pod, "status") => (PLAIN, S::PodStatus),
        (K::Deployment, "spec") => (PLAIN, S::DeploymentSpec),
        (K::Templated, "spec") => (PLAIN, S::TemplatedSpec),
        (K::StatefulSet, "spec") => (PLAIN, S::StatefulSetSpec),
        (K::CronJob, "spec") => (PLAIN, S::CronJobSpec),
        (K::PodTemplate, "template") => (PLAIN, S::PodTemplateSpec),
        (K::Service, "spec") => (PLAIN, S::ServiceSpec),
        (K::Node, "spec") => (PLAIN, S::NodeSpec),
        (K::Node, "status") => (PLAIN, S::NodeStatus),
        (K::ServiceAccount, "secrets") => (merge("name"), S::Untagged),
        (K::PodDisruptionBudget, "spec") => (PLAIN, S::PdbSpec),
        (
            K::Deployment
            | K::Templated
            | K::StatefulSet
            | K::Service
            | K::PodDisruptionBudget
            | K::ConditionsOnly,
            "status",
        ) => (PLAIN, S::ConditionsStatus),
        _ => (PLAIN, S::Untagged),
    }
}

/// Upstream's test types: `MergeItem` nests itself in every list and pointer field.
#[cfg(test)]
fn test_field(schema: Schema, name: &str) -> (PatchMeta, Schema) {
    use Schema as S;
    match (schema, name) {
        (_, "mergingList") => (merge("name"), S::TestMergeItem),
        (_, "nonMergingList") => (PLAIN, S::TestMergeItem),
        (_, "mergingIntList") => (merge(""), S::Untagged),
        (S::TestMergeItem, "mergeItemPtr") => (merge("name"), S::TestMergeItem),
        (S::TestMergeItem, "replacingItem") => (REPLACE, S::Untagged),
        (S::TestMergeItem, "retainKeysMap") => (RETAIN, S::TestRetainKeysMergeItem),
        (S::TestMergeItem, "retainKeysMergingList") => (merge_retain("name"), S::TestMergeItem),
        _ => (PLAIN, S::Untagged),
    }
}

/// How the list at `path` of an object of `kind` is patched. `path` holds the field names
/// from the object's root with list indices omitted, e.g.
/// `["spec", "template", "spec", "containers", "ports"]` for a Deployment gives
/// `MergeByKey { key: "containerPort", .. }`, and `["spec", "tolerations"]` for a Pod
/// gives `Replace`.
pub fn list_strategy(kind: &str, path: &[&str]) -> ListStrategy {
    match Schema::for_kind(kind).lookup(path) {
        Some(PatchMeta {
            strategy: PatchStrategy::Merge,
            merge_key: "",
            ..
        }) => ListStrategy::MergePrimitives,
        Some(PatchMeta {
            strategy: PatchStrategy::Merge,
            merge_key,
            retain_keys,
        }) => ListStrategy::MergeByKey {
            key: merge_key,
            retain_keys,
        },
        _ => ListStrategy::Replace,
    }
}
