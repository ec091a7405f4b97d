//! Priority and preemption end to end: a critical pod evicts a lower-priority one and
//! waits for it on the nominated node.

use super::*;
use crate::apiserver::DeleteOptions;

fn with_cpu(name: &str, cpu: &str, extra: &str) -> String {
    let req = format!(
        "  - name: c\n    image: nginx\n    resources:\n      requests: {{cpu: \"{cpu}\"}}\n"
    );
    pod_yaml(name, "app: x", extra).replace("  - name: c\n    image: nginx:1.7.9\n", &req)
}

#[test]
fn a_critical_pod_preempts_a_lower_priority_one() {
    let mut c = cluster_with_nodes(9);
    for i in 0..3 {
        apply(&mut c, &with_cpu(&format!("low-{i}"), "1500m", ""));
    }
    apply(
        &mut c,
        &with_cpu("vip", "1", "  priorityClassName: system-cluster-critical\n"),
    );
    let vip = pod(&c, "vip");
    let nominated = vip
        .status
        .as_ref()
        .and_then(|s| s.nominated_node_name.clone())
        .unwrap_or_default();
    assert!(nominated.starts_with("worker"), "nominated {nominated:?}");
    assert_eq!(node_of(&c, "vip"), "");
    let (_, reason, message) = scheduled_condition(&c, "vip").expect("condition");
    assert_eq!(reason, "Unschedulable");
    assert_eq!(
        message,
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu."
    );
    // The victim on the nominated node is terminating, marked as preempted.
    let victim = (0..3)
        .map(|i| format!("low-{i}"))
        .find(|n| node_of(&c, n) == nominated)
        .expect("victim");
    let v = pod(&c, &victim);
    assert!(v.metadata.deletion_timestamp.is_some());
    let dt = v.status.and_then(|s| s.conditions).unwrap_or_default();
    assert!(dt
        .iter()
        .any(|c| c.type_ == "DisruptionTarget"
            && c.reason.as_deref() == Some("PreemptionByScheduler")));
    let uid = vip.metadata.uid.clone().unwrap_or_default();
    assert!(events(&c).iter().any(|e| e.1 == "Preempted"
        && e.2 == victim
        && e.3 == format!("Preempted by pod {uid} on node {nominated}")));
    // The kubelet finishes the victim; the critical pod lands on its nominated node.
    let opts = DeleteOptions {
        grace_period_seconds: Some(0),
        ..Default::default()
    };
    let mut ctx = Ctx::new(c.now, &mut c.rng, WriteMeta::user());
    assert!(c
        .api
        .delete(&mut ctx, Kind::Pod, "default", &victim, &opts)
        .is_ok());
    c.settle();
    assert_eq!(node_of(&c, "vip"), nominated);
}

/// `preemptionPolicy: Never` pods do not preempt (a PriorityClass would set it; here the
/// default class computes PreemptLowerPriority, so the check is on the PostFilter alone).
#[test]
fn equal_priority_pods_find_no_victims() {
    let mut c = cluster_with_nodes(10);
    for i in 0..3 {
        apply(&mut c, &with_cpu(&format!("low-{i}"), "1500m", ""));
    }
    apply(&mut c, &with_cpu("peer", "1", ""));
    let (_, _, message) = scheduled_condition(&c, "peer").expect("condition");
    assert_eq!(
        message,
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 3 Insufficient cpu. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod."
    );
}
