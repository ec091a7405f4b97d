//! Node eligibility cases restated from v1.32 `daemon_controller_test.go`
//! (`TestNodeShouldRunDaemonPod`, the taint/toleration and node-affinity tests) and
//! `daemonset_util_test.go` (`TestReplaceDaemonSetPodNodeNameNodeAffinity`,
//! `TestGetTargetNodeName`).

use super::*;
use k8s_openapi::api::apps::v1::DaemonSetSpec;
use k8s_openapi::api::core::v1::{NodeSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

fn node(name: &str, labels: &[(&str, &str)], taints: Vec<Taint>) -> Node {
    Node {
        metadata: ObjectMeta {
            name: Some(name.into()),
            labels: Some(
                labels
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..Default::default()
        },
        spec: Some(NodeSpec {
            taints: Some(taints),
            ..Default::default()
        }),
        status: None,
    }
}

fn taint(key: &str, value: Option<&str>, effect: &str) -> Taint {
    Taint {
        key: key.into(),
        value: value.map(String::from),
        effect: effect.into(),
        time_added: None,
    }
}

fn ds(spec: serde_json::Value) -> DaemonSet {
    let template: PodTemplateSpec =
        serde_json::from_value(json!({"spec": spec})).unwrap_or_default();
    DaemonSet {
        spec: Some(DaemonSetSpec {
            template,
            ..Default::default()
        }),
        ..Default::default()
    }
}

const CP_TAINT: &str = "node-role.kubernetes.io/control-plane";

#[test]
fn simple_daemonset_runs_everywhere_resources_and_ports_are_not_checked() {
    // "Simple DaemonSet", "Insufficient resources", "Node port conflict": since v1.18 the
    // controller leaves resources and ports to the scheduler, so all should run.
    let d = ds(json!({"containers": [{"name": "c", "image": "i",
        "resources": {"requests": {"cpu": "100"}}, "ports": [{"hostPort": 666, "containerPort": 80}]}]}));
    assert_eq!(node_should_run(&node("n", &[], vec![]), &d), (true, true));
}

#[test]
fn template_node_name_must_match() {
    // "Pod with node name" / "Pod with node name that does not match".
    let d = ds(json!({"nodeName": "n", "containers": []}));
    assert_eq!(node_should_run(&node("n", &[], vec![]), &d), (true, true));
    assert_eq!(
        node_should_run(&node("other", &[], vec![]), &d),
        (false, false)
    );
}

#[test]
fn node_selector_and_required_affinity() {
    // "Pod with node selector" and "DaemonSet with node affinity" (In on a label).
    let d = ds(json!({"nodeSelector": {"disk": "ssd"}, "containers": []}));
    assert_eq!(
        node_should_run(&node("n", &[("disk", "ssd")], vec![]), &d),
        (true, true)
    );
    assert_eq!(
        node_should_run(&node("n", &[("disk", "hdd")], vec![]), &d),
        (false, false)
    );
    let aff = ds(json!({"containers": [], "affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "type", "operator": "In", "values": ["production"]}]}]}}}}));
    assert_eq!(
        node_should_run(&node("n", &[("type", "production")], vec![]), &aff),
        (true, true)
    );
    assert_eq!(
        node_should_run(&node("n", &[("type", "test")], vec![]), &aff),
        (false, false)
    );
    // matchFields on metadata.name, and an empty term that matches nothing.
    let fields = ds(json!({"containers": [], "affinity": {"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {}, {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}]}]}}}}));
    assert!(node_should_run(&node("a", &[], vec![]), &fields).0);
    assert!(!node_should_run(&node("b", &[], vec![]), &fields).0);
}

#[test]
fn untolerated_no_schedule_keeps_running_pods_but_no_execute_evicts() {
    // "DaemonSet with NoSchedule taint": shouldRun false, shouldContinueRunning true.
    let d = ds(json!({"containers": []}));
    let ns = node("cp", &[], vec![taint(CP_TAINT, None, "NoSchedule")]);
    assert_eq!(node_should_run(&ns, &d), (false, true));
    // "DaemonSet with NoExecute taint": both false.
    let ne = node("n", &[], vec![taint("dedicated", Some("x"), "NoExecute")]);
    assert_eq!(node_should_run(&ne, &d), (false, false));
    // PreferNoSchedule never blocks.
    let pref = node("n", &[], vec![taint("dedicated", None, "PreferNoSchedule")]);
    assert_eq!(node_should_run(&pref, &d), (true, true));
}

#[test]
fn tolerations_let_pods_onto_tainted_nodes() {
    // kube-proxy's `operator: Exists` tolerates every taint.
    let all = ds(json!({"containers": [], "tolerations": [{"operator": "Exists"}]}));
    let cp = node("cp", &[], vec![taint(CP_TAINT, None, "NoSchedule")]);
    assert_eq!(node_should_run(&cp, &all), (true, true));
    // A keyed toleration with the matching effect.
    let keyed = ds(json!({"containers": [], "tolerations": [
        {"key": CP_TAINT, "operator": "Exists", "effect": "NoSchedule"}]}));
    assert_eq!(node_should_run(&cp, &keyed), (true, true));
    // Equal needs the same value.
    let eq = ds(json!({"containers": [], "tolerations": [
        {"key": "dedicated", "operator": "Equal", "value": "y", "effect": "NoExecute"}]}));
    let ne = node("n", &[], vec![taint("dedicated", Some("x"), "NoExecute")]);
    assert_eq!(node_should_run(&ne, &eq), (false, false));
}

#[test]
fn daemon_pods_tolerate_node_problem_taints() {
    // A plain DaemonSet still runs on not-ready (NoExecute), unreachable, unschedulable
    // and pressure-tainted nodes, but not on a not-ready:NoSchedule one.
    let d = ds(json!({"containers": []}));
    for (key, effect) in [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
    ] {
        let n = node("n", &[], vec![taint(key, None, effect)]);
        assert_eq!(node_should_run(&n, &d), (true, true), "{key}:{effect}");
    }
    let net = node(
        "n",
        &[],
        vec![taint(
            "node.kubernetes.io/network-unavailable",
            None,
            "NoSchedule",
        )],
    );
    assert_eq!(node_should_run(&net, &d), (false, true));
    let host = ds(json!({"hostNetwork": true, "containers": []}));
    assert_eq!(node_should_run(&net, &host), (true, true));
    let not_ready = node(
        "n",
        &[],
        vec![taint("node.kubernetes.io/not-ready", None, "NoSchedule")],
    );
    assert_eq!(node_should_run(&not_ready, &d), (false, true));
}

#[test]
fn add_daemon_tolerations_replaces_equal_ones_and_appends_the_rest() {
    let mut spec = PodSpec {
        tolerations: Some(vec![Toleration {
            key: Some("node.kubernetes.io/not-ready".into()),
            operator: Some("Exists".into()),
            effect: Some("NoExecute".into()),
            toleration_seconds: Some(10),
            value: None,
        }]),
        ..Default::default()
    };
    add_daemon_tolerations(&mut spec);
    let list = spec.tolerations.unwrap_or_default();
    assert_eq!(list.len(), 6);
    // Same key, effect, operator and value: replaced by the unlimited one, in place.
    assert_eq!(list[0].toleration_seconds, None);
    assert_eq!(
        list[5].key.as_deref(),
        Some("node.kubernetes.io/unschedulable")
    );
}

#[test]
fn pin_to_node_replaces_required_terms_and_target_node_reads_them_back() {
    // TestReplaceDaemonSetPodNodeNameNodeAffinity: nil affinity, and existing terms replaced.
    let a = pin_to_node(None, "node-1");
    let v = serde_json::to_value(&a).unwrap_or_default();
    assert_eq!(
        v,
        json!({"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {
            "nodeSelectorTerms": [{"matchFields": [
                {"key": "metadata.name", "operator": "In", "values": ["node-1"]}]}]}}})
    );
    let existing: Affinity = serde_json::from_value(json!({"nodeAffinity": {
        "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
            {"matchExpressions": [{"key": "a", "operator": "Exists"}]}]},
        "preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 1, "preference": {"matchExpressions": [{"key": "b", "operator": "Exists"}]}}]}}))
    .unwrap_or_default();
    let pinned = pin_to_node(Some(existing), "node-2");
    let na = pinned.node_affinity.unwrap_or_default();
    assert!(na
        .preferred_during_scheduling_ignored_during_execution
        .is_some());
    let pod = Pod {
        spec: Some(PodSpec {
            affinity: Some(Affinity {
                node_affinity: Some(na),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    // TestGetTargetNodeName: from affinity while unbound, from nodeName once bound.
    assert_eq!(target_node(&pod).as_deref(), Some("node-2"));
    let mut bound = pod.clone();
    if let Some(s) = bound.spec.as_mut() {
        s.node_name = Some("node-3".into());
    }
    assert_eq!(target_node(&bound).as_deref(), Some("node-3"));
    assert_eq!(target_node(&Pod::default()), None);
}
