//! The built-in mutating admission plugins of a v1.32 API server whose effects show on
//! objects like defaults do (`plugin/pkg/admission/...`). They are admission, not
//! defaulting: they run after the scheme defaults and before the strategy, and only on
//! the operations noted on each function.

use crate::apiserver::errors::ApiError;
use crate::model::Object;
use k8s_openapi::api::core::v1::{Node, Pod, Taint, Toleration};

/// How long pods tolerate an unreachable or not-ready node, in seconds
/// (`--default-not-ready-toleration-seconds`, `--default-unreachable-toleration-seconds`).
const DEFAULT_TOLERATION_SECONDS: i64 = 300;

/// The built-in priority classes every cluster has, with their values.
const SYSTEM_PRIORITY_CLASSES: [(&str, i32); 2] = [
    ("system-node-critical", 2_000_001_000),
    ("system-cluster-critical", 2_000_000_000),
];

/// DefaultTolerationSeconds (pod create and update): unless the pod already tolerates it
/// with `NoExecute` (a toleration with an empty key or effect matches too), add
/// `node.kubernetes.io/not-ready` then `node.kubernetes.io/unreachable`, each
/// `operator: Exists`, `effect: NoExecute`, `tolerationSeconds: 300`.
pub fn default_toleration_seconds(pod: &mut Pod) {
    let tolerations = pod
        .spec
        .get_or_insert_with(Default::default)
        .tolerations
        .get_or_insert_with(Vec::new);
    let tolerates = |key: &str| {
        tolerations.iter().any(|t| {
            let k = t.key.as_deref().unwrap_or("");
            let e = t.effect.as_deref().unwrap_or("");
            (k == key || k.is_empty()) && (e == "NoExecute" || e.is_empty())
        })
    };
    let missing: Vec<&str> = [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ]
    .into_iter()
    .filter(|key| !tolerates(key))
    .collect();
    for key in missing {
        tolerations.push(Toleration {
            key: Some(key.into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(DEFAULT_TOLERATION_SECONDS),
            value: None,
        });
    }
}

/// Priority (pod create): resolve `priorityClassName` into `priority` and
/// `preemptionPolicy`. kubeniwa serves no PriorityClass objects, so only the two system
/// classes exist and there is no global default: a pod without a class gets
/// `priority: 0` and `preemptionPolicy: PreemptLowerPriority`. An unknown class, or a
/// `priority`/`preemptionPolicy` the pod sets that differs from the computed one, is
/// Forbidden with upstream's message.
pub fn admit_priority(pod: &mut Pod) -> Result<(), ApiError> {
    let name = pod.metadata.name.clone().unwrap_or_default();
    let spec = pod.spec.get_or_insert_with(Default::default);
    let class = spec.priority_class_name.clone().unwrap_or_default();
    let priority = if class.is_empty() {
        0
    } else {
        match SYSTEM_PRIORITY_CLASSES.iter().find(|(c, _)| *c == class) {
            Some((_, value)) => *value,
            None => {
                return Err(forbidden(
                    &name,
                    &format!("no PriorityClass with name {class} was found"),
                ))
            }
        }
    };
    if let Some(sent) = spec.priority.filter(|p| *p != priority) {
        let detail = format!(
            "the integer value of priority ({sent}) must not be provided in pod spec; \
             priority admission controller computed {priority} from the given PriorityClass name"
        );
        return Err(forbidden(&name, &detail));
    }
    spec.priority = Some(priority);
    let policy = "PreemptLowerPriority";
    if let Some(sent) = spec.preemption_policy.as_deref().filter(|p| *p != policy) {
        let detail = format!(
            "the string value of PreemptionPolicy ({sent}) must not be provided in pod spec; \
             priority admission controller computed {policy} from the given PriorityClass name"
        );
        return Err(forbidden(&name, &detail));
    }
    spec.preemption_policy = Some(policy.into());
    Ok(())
}

/// `admission.NewForbidden` for a pod: `pods "web" is forbidden: <detail>`, or
/// `pods is forbidden: <detail>` when the name is not known yet.
fn forbidden(name: &str, detail: &str) -> ApiError {
    let message = if name.is_empty() {
        format!("pods is forbidden: {detail}")
    } else {
        format!("pods \"{name}\" is forbidden: {detail}")
    };
    ApiError::Forbidden { message }
}

/// TaintNodesByCondition (node create): a new node gets the
/// `node.kubernetes.io/not-ready:NoSchedule` taint unless it has it (matched on key and
/// effect); the node lifecycle controller removes it once the node is Ready.
pub fn add_not_ready_taint(node: &mut Node) {
    let taints = node
        .spec
        .get_or_insert_with(Default::default)
        .taints
        .get_or_insert_with(Vec::new);
    let key = "node.kubernetes.io/not-ready";
    if !taints
        .iter()
        .any(|t| t.key == key && t.effect == "NoSchedule")
    {
        taints.push(Taint {
            key: key.into(),
            effect: "NoSchedule".into(),
            time_added: None,
            value: None,
        });
    }
}

/// StorageObjectInUseProtection (create of a PersistentVolumeClaim or PersistentVolume):
/// appends the `kubernetes.io/pvc-protection` or `kubernetes.io/pv-protection` finalizer
/// unless present. Other kinds are left alone.
pub fn add_storage_protection_finalizer(obj: &mut Object) {
    let finalizer = match obj {
        Object::PersistentVolumeClaim(_) => "kubernetes.io/pvc-protection",
        Object::PersistentVolume(_) => "kubernetes.io/pv-protection",
        _ => return,
    };
    let finalizers = obj.meta_mut().finalizers.get_or_insert_with(Vec::new);
    if !finalizers.iter().any(|f| f == finalizer) {
        finalizers.push(finalizer.into());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn pod(spec: Value) -> Pod {
        serde_json::from_value(json!({"metadata": {"name": "web"}, "spec": spec}))
            .unwrap_or_default()
    }

    #[test]
    fn plain_pod_tolerates_not_ready_and_unreachable_for_300s() {
        // DefaultTolerationSeconds: both tolerations, not-ready first.
        let mut p = pod(json!({"containers": []}));
        default_toleration_seconds(&mut p);
        let got = serde_json::to_value(p.spec.and_then(|s| s.tolerations)).unwrap_or_default();
        assert_eq!(
            got,
            json!([
                {"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300},
                {"effect": "NoExecute", "key": "node.kubernetes.io/unreachable", "operator": "Exists", "tolerationSeconds": 300}
            ])
        );
    }

    #[test]
    fn existing_tolerations_are_respected() {
        // A wildcard toleration (empty key, empty effect) tolerates both taints already.
        let mut p = pod(json!({"containers": [], "tolerations": [{"operator": "Exists"}]}));
        default_toleration_seconds(&mut p);
        assert_eq!(
            p.spec
                .as_ref()
                .and_then(|s| s.tolerations.as_ref())
                .map(Vec::len),
            Some(1)
        );
        // A NoSchedule toleration for not-ready does not count; only unreachable is missing.
        let mut p = pod(json!({"containers": [], "tolerations": [
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 60},
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoSchedule"}]}));
        default_toleration_seconds(&mut p);
        let keys: Vec<String> = p
            .spec
            .and_then(|s| s.tolerations)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| t.key)
            .collect();
        assert_eq!(
            keys,
            [
                "node.kubernetes.io/unreachable",
                "node.kubernetes.io/not-ready",
                "node.kubernetes.io/not-ready"
            ]
        );
    }

    #[test]
    fn priority_defaults_to_zero_and_resolves_system_classes() {
        let mut p = pod(json!({"containers": []}));
        assert_eq!(admit_priority(&mut p), Ok(()));
        let spec = p.spec.unwrap_or_default();
        assert_eq!(
            (spec.priority, spec.preemption_policy.as_deref()),
            (Some(0), Some("PreemptLowerPriority"))
        );

        let mut p = pod(json!({"containers": [], "priorityClassName": "system-node-critical"}));
        assert_eq!(admit_priority(&mut p), Ok(()));
        assert_eq!(p.spec.and_then(|s| s.priority), Some(2_000_001_000));
    }

    #[test]
    fn priority_errors_use_upstream_messages() {
        let mut p = pod(json!({"containers": [], "priorityClassName": "high"}));
        let err = admit_priority(&mut p).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some("pods \"web\" is forbidden: no PriorityClass with name high was found")
        );
        let mut p = pod(json!({"containers": [], "priority": 5}));
        let err = admit_priority(&mut p).err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "pods \"web\" is forbidden: the integer value of priority (5) must not be provided in pod spec; \
                 priority admission controller computed 0 from the given PriorityClass name"
            )
        );
    }

    #[test]
    fn new_nodes_are_tainted_not_ready_once() {
        let mut n = Node::default();
        add_not_ready_taint(&mut n);
        add_not_ready_taint(&mut n);
        let got = serde_json::to_value(n.spec.and_then(|s| s.taints)).unwrap_or_default();
        assert_eq!(
            got,
            json!([{"effect": "NoSchedule", "key": "node.kubernetes.io/not-ready"}])
        );
    }

    #[test]
    fn claims_and_volumes_get_protection_finalizers() {
        let mut pvc = Object::PersistentVolumeClaim(Default::default());
        add_storage_protection_finalizer(&mut pvc);
        add_storage_protection_finalizer(&mut pvc);
        assert_eq!(
            pvc.meta().finalizers,
            Some(vec!["kubernetes.io/pvc-protection".to_string()])
        );
        let mut pv = Object::PersistentVolume(Default::default());
        add_storage_protection_finalizer(&mut pv);
        assert_eq!(
            pv.meta().finalizers,
            Some(vec!["kubernetes.io/pv-protection".to_string()])
        );
    }
}
