//! Resource arithmetic of the scheduler: a pod's effective requests (component-helpers'
//! `resource.PodRequests`, v1.32) and the `framework.Resource` vector a node's allocatable
//! and its pods' requests are kept in.
//!
//! A pod's request is the sum over its regular containers, raised to the largest init
//! container where that is bigger (init containers run one at a time), plus the pod's
//! `overhead`. Sidecars (init containers with `restartPolicy: Always`) keep running, so they
//! count towards the sum and towards every later init container. Worked example:
//!
//! ```text
//! init  ic1 cpu 2 mem 1G   ic2 cpu 2 mem 3G       max of init containers: cpu 2, mem 3G
//! main  c1  cpu 2 mem 1G   c2  cpu 1 mem 1G       sum of containers:      cpu 3, mem 2G
//! request = max(sum, init) = cpu 3, mem 3G
//! ```
//!
//! For scoring, upstream counts a container without a cpu or memory request as requesting
//! 100m cpu and 200Mi memory ("non-zero" requests), so empty pods still spread.
//!
//! Each quantity is rounded to whole millicores (cpu) or whole units (everything else)
//! per container before summing; upstream sums exact quantities first. The two differ only
//! for sub-millicore or fractional-byte requests.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, Node, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::model::quantity::Quantity;

/// `schedutil.DefaultMilliCPURequest`: the cpu a container without a cpu request counts
/// as when scoring.
pub const DEFAULT_MILLI_CPU_REQUEST: i64 = 100;
/// `schedutil.DefaultMemoryRequest`: 200 MiB, the memory a container without a memory
/// request counts as when scoring.
pub const DEFAULT_MEMORY_REQUEST: i64 = 200 * 1024 * 1024;

/// A vector of resource amounts (upstream `framework.Resource`): cpu in millicores,
/// memory and ephemeral storage in bytes, a pod count, and scalar resources (extended
/// resources such as `example.com/gpu`, hugepages) by name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resource {
    /// Millicores.
    pub milli_cpu: i64,
    /// Bytes.
    pub memory: i64,
    /// Bytes.
    pub ephemeral_storage: i64,
    /// Pods (only meaningful for a node's allocatable).
    pub allowed_pods: i64,
    /// Scalar resources by name.
    pub scalars: BTreeMap<String, i64>,
}

impl Resource {
    /// A node's `status.allocatable` (upstream `NodeInfo.SetNode`).
    pub fn allocatable(node: &Node) -> Resource {
        let mut r = Resource::default();
        if let Some(list) = node.status.as_ref().and_then(|s| s.allocatable.as_ref()) {
            for (name, q) in list {
                r.add_named(name, q);
            }
        }
        r
    }

    /// Adds one named quantity (upstream `Resource.Add` for one entry).
    fn add_named(&mut self, name: &str, q: &K8sQuantity) {
        match name {
            "cpu" => self.milli_cpu = self.milli_cpu.saturating_add(milli(q)),
            "memory" => self.memory = self.memory.saturating_add(value(q)),
            "pods" => self.allowed_pods = self.allowed_pods.saturating_add(value(q)),
            "ephemeral-storage" => {
                self.ephemeral_storage = self.ephemeral_storage.saturating_add(value(q))
            }
            other if is_scalar_resource_name(other) => {
                let entry = self.scalars.entry(other.to_string()).or_insert(0);
                *entry = entry.saturating_add(value(q));
            }
            _ => {}
        }
    }

    /// Adds another vector.
    pub fn add(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.saturating_add(other.milli_cpu);
        self.memory = self.memory.saturating_add(other.memory);
        self.ephemeral_storage = self
            .ephemeral_storage
            .saturating_add(other.ephemeral_storage);
        self.allowed_pods = self.allowed_pods.saturating_add(other.allowed_pods);
        for (name, v) in &other.scalars {
            let entry = self.scalars.entry(name.clone()).or_insert(0);
            *entry = entry.saturating_add(*v);
        }
    }

    /// Raises each amount to `other`'s where that is larger (upstream `SetMaxResource`).
    fn set_max(&mut self, other: &Resource) {
        self.milli_cpu = self.milli_cpu.max(other.milli_cpu);
        self.memory = self.memory.max(other.memory);
        self.ephemeral_storage = self.ephemeral_storage.max(other.ephemeral_storage);
        for (name, v) in &other.scalars {
            let entry = self.scalars.entry(name.clone()).or_insert(0);
            *entry = (*entry).max(*v);
        }
    }

    /// Whether every amount is zero (a best-effort pod's request).
    pub fn is_zero(&self) -> bool {
        self.milli_cpu == 0
            && self.memory == 0
            && self.ephemeral_storage == 0
            && self.scalars.values().all(|v| *v == 0)
    }
}

/// Upstream `schedutil.IsScalarResourceName`: extended resources (a domain-prefixed name
/// outside `kubernetes.io/`), hugepages, attachable volumes and `kubernetes.io/`-prefixed
/// native resources.
pub fn is_scalar_resource_name(name: &str) -> bool {
    name.starts_with("hugepages-") || name.starts_with("attachable-volumes-") || name.contains('/')
}

/// The common quantity spellings (`100m`, `2`, `128Mi`, `4Gi`, `1k`) as
/// `(whole number, scale)` where the quantity is `n × scale / 1000`, read without the
/// general parser; `None` sends the string to `Quantity::parse` (fractions, exponents,
/// signs, overflow). Worked example: `128Mi` is `(128, 1024² × 1000)`, `250m` is
/// `(250, 1)`.
fn simple_quantity(s: &str) -> Option<(i64, i64)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 12 {
        return None;
    }
    let n: i64 = s[..digits].parse().ok()?;
    let scale: i64 = match &s[digits..] {
        "" => 1000,
        "m" => 1,
        "k" => 1000 * 1000,
        "M" => 1000 * 1000 * 1000,
        "G" => 1000 * 1000 * 1000 * 1000,
        "Ki" => 1024 * 1000,
        "Mi" => 1024 * 1024 * 1000,
        "Gi" => 1024 * 1024 * 1024 * 1000,
        "Ti" => 1024 * 1024 * 1024 * 1024 * 1000,
        _ => return None,
    };
    Some((n, scale))
}

/// Millicores (upstream `MilliValue()`).
fn milli(q: &K8sQuantity) -> i64 {
    match simple_quantity(q.0.trim()) {
        Some((n, scale)) => n.saturating_mul(scale),
        None => Quantity::from_k8s(q).map(|q| q.milli_value()).unwrap_or(0),
    }
}

/// Whole units, rounded up (upstream `Value()`).
fn value(q: &K8sQuantity) -> i64 {
    match simple_quantity(q.0.trim()) {
        Some((n, scale)) => {
            let thousandths = n.saturating_mul(scale);
            thousandths / 1000 + i64::from(thousandths % 1000 != 0)
        }
        None => Quantity::from_k8s(q).map(|q| q.value()).unwrap_or(0),
    }
}

/// One container's requests, with 100m cpu / 200Mi memory filled in where missing when
/// `non_zero` is set (upstream's `NonMissingContainerRequests`).
fn container_requests(c: &Container, non_zero: bool) -> Resource {
    let mut r = Resource::default();
    let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
    if let Some(list) = requests {
        for (name, q) in list {
            r.add_named(name, q);
        }
    }
    if non_zero {
        let has = |name: &str| requests.is_some_and(|l| l.contains_key(name));
        if !has("cpu") {
            r.milli_cpu = DEFAULT_MILLI_CPU_REQUEST;
        }
        if !has("memory") {
            r.memory = DEFAULT_MEMORY_REQUEST;
        }
    }
    r
}

/// The pod's effective request (upstream `resource.PodRequests`); with `non_zero`, missing
/// container cpu and memory requests count as the scoring defaults. See the module
/// documentation for the init-container rule.
pub fn pod_requests(spec: &PodSpec, non_zero: bool) -> Resource {
    let mut reqs = Resource::default();
    for c in &spec.containers {
        reqs.add(&container_requests(c, non_zero));
    }
    let mut sidecars = Resource::default();
    let mut init_max = Resource::default();
    for c in spec.init_containers.as_deref().unwrap_or_default() {
        let own = container_requests(c, non_zero);
        let in_use = if c.restart_policy.as_deref() == Some("Always") {
            reqs.add(&own);
            sidecars.add(&own);
            sidecars.clone()
        } else {
            let mut tmp = own;
            tmp.add(&sidecars);
            tmp
        };
        init_max.set_max(&in_use);
    }
    reqs.set_max(&init_max);
    if let Some(overhead) = &spec.overhead {
        for (name, q) in overhead {
            reqs.add_named(name, q);
        }
    }
    reqs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: serde_json::Value) -> PodSpec {
        serde_json::from_value(v).expect("pod spec")
    }

    /// Upstream's `computePodResourceRequest` example: the larger of the init containers'
    /// maximum and the containers' sum, per resource.
    #[test]
    fn init_containers_raise_the_request_to_their_maximum() {
        let s = spec(serde_json::json!({
            "initContainers": [
                {"name": "ic1", "resources": {"requests": {"cpu": "2", "memory": "1G"}}},
                {"name": "ic2", "resources": {"requests": {"cpu": "2", "memory": "3G"}}}],
            "containers": [
                {"name": "c1", "resources": {"requests": {"cpu": "2", "memory": "1G"}}},
                {"name": "c2", "resources": {"requests": {"cpu": "1", "memory": "1G"}}}]}));
        let r = pod_requests(&s, false);
        assert_eq!((r.milli_cpu, r.memory), (3000, 3_000_000_000));
    }

    /// Overhead is added on top (PodOverhead, GA since v1.24).
    #[test]
    fn overhead_is_added() {
        let s = spec(serde_json::json!({
            "containers": [{"name": "c", "resources": {"requests": {"cpu": "500m"}}}],
            "overhead": {"cpu": "250m", "memory": "120Mi"}}));
        let r = pod_requests(&s, false);
        assert_eq!((r.milli_cpu, r.memory), (750, 120 * 1024 * 1024));
    }

    /// A sidecar keeps running: it adds to the sum and to every later init container.
    #[test]
    fn sidecars_count_towards_sum_and_later_init_containers() {
        let s = spec(serde_json::json!({
            "initContainers": [
                {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "1"}}},
                {"name": "init", "resources": {"requests": {"cpu": "3"}}}],
            "containers": [{"name": "c", "resources": {"requests": {"cpu": "1"}}}]}));
        // Sum 1 + sidecar 1 = 2; init phase: 3 + sidecar 1 = 4.
        assert_eq!(pod_requests(&s, false).milli_cpu, 4000);
    }

    /// Scoring counts missing requests as 100m / 200Mi per container.
    #[test]
    fn non_zero_requests_fill_in_defaults() {
        let s = spec(serde_json::json!({"containers": [
            {"name": "a"},
            {"name": "b", "resources": {"requests": {"cpu": "0"}}}]}));
        let r = pod_requests(&s, true);
        assert_eq!(r.milli_cpu, 100);
        assert_eq!(r.memory, 2 * DEFAULT_MEMORY_REQUEST);
        assert!(pod_requests(&s, false).is_zero());
    }

    /// The fast path agrees with the general parser.
    #[test]
    fn simple_quantities_match_the_parser() {
        for s in [
            "0",
            "1",
            "250m",
            "1500m",
            "128Mi",
            "4Gi",
            "1k",
            "2M",
            "3G",
            "1Ti",
            "7Ki",
            "1m",
            "999999999999",
        ] {
            let q = K8sQuantity(s.to_string());
            let general = Quantity::from_k8s(&q).ok();
            assert_eq!(
                Some(milli(&q)),
                general.as_ref().map(Quantity::milli_value),
                "{s}"
            );
            assert_eq!(
                Some(value(&q)),
                general.as_ref().map(Quantity::value),
                "{s}"
            );
        }
        assert_eq!(
            value(&K8sQuantity("1.5Gi".into())),
            1610612736,
            "fractions use the parser"
        );
    }

    #[test]
    fn extended_resources_are_scalars() {
        let s = spec(serde_json::json!({"containers": [
            {"name": "a", "resources": {"requests": {"example.com/gpu": "2"}}}]}));
        let r = pod_requests(&s, false);
        assert_eq!(r.scalars.get("example.com/gpu"), Some(&2));
    }
}
