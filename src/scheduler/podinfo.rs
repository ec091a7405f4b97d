//! `PodInfo`: a pod with what the scheduler derives from it once per scheduling pass
//! (upstream `framework.PodInfo`): its effective requests, priority, host ports and parsed
//! inter-pod affinity terms.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use std::sync::OnceLock;

use k8s_openapi::api::core::v1::{Pod, PodAffinityTerm, PodSpec, WeightedPodAffinityTerm};

use crate::model::selector::LabelSelector;
use crate::model::Object;
use crate::scheduler::resources::{pod_requests, Resource};

/// The `kubernetes.io/hostname` node label.
pub const LABEL_HOSTNAME: &str = "kubernetes.io/hostname";
/// The `topology.kubernetes.io/zone` node label.
pub const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

fn empty_pod() -> &'static Pod {
    static EMPTY: OnceLock<Pod> = OnceLock::new();
    EMPTY.get_or_init(Pod::default)
}

fn empty_spec() -> &'static PodSpec {
    static EMPTY: OnceLock<PodSpec> = OnceLock::new();
    EMPTY.get_or_init(PodSpec::default)
}

/// A host port a pod claims, sanitised as upstream's `HostPortInfo` does: an empty IP is
/// `0.0.0.0`, an empty protocol `TCP`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    /// The host IP (`0.0.0.0` binds all).
    pub ip: String,
    /// `TCP`, `UDP` or `SCTP`.
    pub protocol: String,
    /// The port.
    pub port: i32,
}

/// One inter-pod affinity term, parsed (upstream `framework.AffinityTerm`).
#[derive(Clone, Debug)]
pub struct AffinityTerm {
    /// Namespaces named by the term (the pod's own when the term names none and has no
    /// namespace selector).
    pub namespaces: BTreeSet<String>,
    /// Which pods the term selects.
    pub selector: LabelSelector,
    /// The node label that defines a topology domain.
    pub topology_key: String,
    /// Namespaces selected by label (matches nothing when the term has none).
    pub namespace_selector: LabelSelector,
}

impl AffinityTerm {
    fn parse(owner_ns: &str, term: &PodAffinityTerm) -> Result<AffinityTerm, String> {
        let selector = LabelSelector::from_optional_label_selector(term.label_selector.as_ref())?;
        let namespace_selector =
            LabelSelector::from_optional_label_selector(term.namespace_selector.as_ref())?;
        let named = term.namespaces.as_deref().unwrap_or_default();
        let namespaces = if named.is_empty() && term.namespace_selector.is_none() {
            BTreeSet::from([owner_ns.to_string()])
        } else {
            named.iter().cloned().collect()
        };
        Ok(AffinityTerm {
            namespaces,
            selector,
            topology_key: term.topology_key.clone(),
            namespace_selector,
        })
    }

    /// Whether `pod` is selected (upstream `AffinityTerm.Matches`): its namespace is named
    /// or its namespace's labels (`ns_labels`) match the namespace selector, and its labels
    /// match the selector.
    pub fn matches(&self, pod: &PodInfo, ns_labels: Option<&BTreeMap<String, String>>) -> bool {
        let ns_ok = self.namespaces.contains(pod.namespace())
            || self
                .namespace_selector
                .matches(ns_labels.unwrap_or(&NO_LABELS));
        ns_ok && self.selector.matches(pod.labels())
    }
}

/// An affinity term with its weight (preferred terms).
#[derive(Clone, Debug)]
pub struct WeightedAffinityTerm {
    /// The term.
    pub term: AffinityTerm,
    /// 1..=100.
    pub weight: i64,
}

/// A pod and what the scheduler derives from it.
#[derive(Debug)]
pub struct PodInfo {
    obj: Rc<Object>,
    /// Effective requests (init containers and overhead included).
    pub requests: Resource,
    /// Requests with missing cpu/memory counted as 100m/200Mi (for scoring).
    pub non_zero: Resource,
    /// `spec.priority` (0 when unset).
    pub priority: i32,
    /// Host ports of containers and sidecars.
    pub host_ports: Vec<HostPort>,
    /// `requiredDuringScheduling` pod affinity.
    pub required_affinity: Vec<AffinityTerm>,
    /// `requiredDuringScheduling` pod anti-affinity.
    pub required_anti_affinity: Vec<AffinityTerm>,
    /// `preferredDuringScheduling` pod affinity.
    pub preferred_affinity: Vec<WeightedAffinityTerm>,
    /// `preferredDuringScheduling` pod anti-affinity.
    pub preferred_anti_affinity: Vec<WeightedAffinityTerm>,
    /// The first affinity term that failed to parse, if any (its list is then empty).
    pub parse_error: Option<String>,
}

impl PodInfo {
    /// Derives the scheduler's view of a pod; `None` when `obj` is not a Pod.
    pub fn new(obj: Rc<Object>) -> Option<PodInfo> {
        let Object::Pod(pod) = &*obj else {
            return None;
        };
        let spec = pod.spec.as_ref().unwrap_or_else(|| empty_spec());
        let ns = pod.metadata.namespace.as_deref().unwrap_or("");
        let affinity = spec.affinity.as_ref();
        let pod_aff = affinity.and_then(|a| a.pod_affinity.as_ref());
        let anti = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
        let mut parse_error = None;
        let required_affinity = parse_terms(
            ns,
            pod_aff.and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            }),
            &mut parse_error,
        );
        let required_anti_affinity = parse_terms(
            ns,
            anti.and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            }),
            &mut parse_error,
        );
        let preferred_affinity = parse_weighted(
            ns,
            pod_aff.and_then(|a| {
                a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            }),
            &mut parse_error,
        );
        let preferred_anti_affinity = parse_weighted(
            ns,
            anti.and_then(|a| {
                a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            }),
            &mut parse_error,
        );
        let info = PodInfo {
            requests: pod_requests(spec, false),
            non_zero: pod_requests(spec, true),
            priority: spec.priority.unwrap_or(0),
            host_ports: host_ports(spec),
            required_affinity,
            required_anti_affinity,
            preferred_affinity,
            preferred_anti_affinity,
            parse_error,
            obj: obj.clone(),
        };
        Some(info)
    }

    /// The pod.
    pub fn pod(&self) -> &Pod {
        match &*self.obj {
            Object::Pod(p) => p,
            _ => empty_pod(),
        }
    }

    /// The pod as a stored object.
    pub fn object(&self) -> &Rc<Object> {
        &self.obj
    }

    /// The pod's spec.
    pub fn spec(&self) -> &PodSpec {
        self.pod().spec.as_ref().unwrap_or_else(|| empty_spec())
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        self.pod().metadata.name.as_deref().unwrap_or("")
    }

    /// `metadata.namespace`.
    pub fn namespace(&self) -> &str {
        self.pod().metadata.namespace.as_deref().unwrap_or("")
    }

    /// `metadata.labels` (empty when unset).
    pub fn labels(&self) -> &BTreeMap<String, String> {
        self.pod().metadata.labels.as_ref().unwrap_or(&NO_LABELS)
    }

    /// Whether the pod is being deleted.
    pub fn terminating(&self) -> bool {
        self.pod().metadata.deletion_timestamp.is_some()
    }

    /// Whether the pod has any inter-pod affinity or anti-affinity (upstream
    /// `podWithAffinity`).
    pub fn has_affinity(&self) -> bool {
        has_pod_affinity(self.pod())
    }
}

/// Upstream `podWithAffinity`, on the raw pod (no parsing).
pub fn has_pod_affinity(pod: &Pod) -> bool {
    let a = pod.spec.as_ref().and_then(|s| s.affinity.as_ref());
    a.is_some_and(|a| a.pod_affinity.is_some() || a.pod_anti_affinity.is_some())
}

/// Upstream `podWithRequiredAntiAffinity`, on the raw pod.
pub fn has_required_anti_affinity(pod: &Pod) -> bool {
    pod.spec
        .as_ref()
        .and_then(|s| s.affinity.as_ref())
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| {
            a.required_during_scheduling_ignored_during_execution
                .as_ref()
        })
        .is_some_and(|t| !t.is_empty())
}

fn parse_terms(
    ns: &str,
    terms: Option<&Vec<PodAffinityTerm>>,
    error: &mut Option<String>,
) -> Vec<AffinityTerm> {
    let terms = terms.map(Vec::as_slice).unwrap_or_default();
    match terms.iter().map(|t| AffinityTerm::parse(ns, t)).collect() {
        Ok(v) => v,
        Err(e) => {
            error.get_or_insert(e);
            Vec::new()
        }
    }
}

fn parse_weighted(
    ns: &str,
    terms: Option<&Vec<WeightedPodAffinityTerm>>,
    error: &mut Option<String>,
) -> Vec<WeightedAffinityTerm> {
    let terms = terms.map(Vec::as_slice).unwrap_or_default();
    let parsed: Result<Vec<_>, String> = terms
        .iter()
        .map(|t| {
            AffinityTerm::parse(ns, &t.pod_affinity_term).map(|term| WeightedAffinityTerm {
                term,
                weight: i64::from(t.weight),
            })
        })
        .collect();
    parsed.unwrap_or_else(|e| {
        error.get_or_insert(e);
        Vec::new()
    })
}

/// Upstream `schedutil.GetHostPorts`: host ports of the containers and of the sidecars
/// (init containers that run for the pod's whole life).
pub fn host_ports(spec: &PodSpec) -> Vec<HostPort> {
    let sidecars = spec
        .init_containers
        .iter()
        .flatten()
        .filter(|c| c.restart_policy.as_deref() == Some("Always"));
    sidecars
        .chain(spec.containers.iter())
        .flat_map(|c| c.ports.iter().flatten())
        .filter(|p| p.host_port.unwrap_or(0) > 0)
        .map(|p| HostPort {
            ip: p
                .host_ip
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "0.0.0.0".to_string()),
            protocol: p
                .protocol
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "TCP".to_string()),
            port: p.host_port.unwrap_or(0),
        })
        .collect()
}
