//! NodeResourcesFit, restating upstream `fit_test.go` (`TestEnoughRequests`,
//! `TestNotEnoughRequests`, pod overhead cases) and `least_allocated_test.go`.
//!
//! The fit cases use upstream's node: 10 millicores, 20 bytes, 32 pods, 5 of
//! `example.com/aaa`; requests are per container, `(cpu, memory)`.

use serde_json::{json, Value};

use super::*;
use crate::scheduler::plugins::node_resources_fit::{fits_request, NodeResourcesFit};
use crate::scheduler::resources::{pod_requests, Resource};

const EXT_A: &str = "example.com/aaa";
const EXT_B: &str = "example.com/bbb";

fn containers(reqs: &[(i64, i64, i64)]) -> Value {
    let list: Vec<Value> = reqs
        .iter()
        .enumerate()
        .map(|(i, (cpu, mem, ext))| {
            let mut r = json!({"cpu": format!("{cpu}m"), "memory": format!("{mem}")});
            if *ext > 0 {
                r[EXT_A] = json!(ext.to_string());
            }
            json!({"name": format!("c{i}"), "resources": {"requests": r}})
        })
        .collect();
    Value::Array(list)
}

/// Shortfall reasons for a pod with `main` and `init` containers on the upstream node
/// whose pods already request `used`.
fn reasons(
    main: &[(i64, i64, i64)],
    init: &[(i64, i64, i64)],
    used: (i64, i64, i64),
) -> Vec<String> {
    let spec = serde_json::from_value(
        json!({"containers": containers(main), "initContainers": containers(init)}),
    )
    .unwrap_or_default();
    let allocatable = Resource {
        milli_cpu: 10,
        memory: 20,
        allowed_pods: 32,
        scalars: [(EXT_A.to_string(), 5)].into(),
        ..Default::default()
    };
    let requested = Resource {
        milli_cpu: used.0,
        memory: used.1,
        scalars: [(EXT_A.to_string(), used.2)].into(),
        ..Default::default()
    };
    fits_request(&pod_requests(&spec, false), &allocatable, &requested, 1)
        .into_iter()
        .map(|i| i.reason)
        .collect()
}

const CPU: &str = "Insufficient cpu";
const MEM: &str = "Insufficient memory";

#[test]
fn enough_requests() {
    assert!(
        reasons(&[], &[], (10, 20, 0)).is_empty(),
        "no resources requested always fits"
    );
    assert_eq!(
        reasons(&[(1, 1, 0)], &[], (10, 20, 0)),
        [CPU, MEM],
        "too many resources fails"
    );
    assert_eq!(
        reasons(&[(1, 1, 0)], &[(3, 1, 0)], (8, 19, 0)),
        [CPU],
        "fails due to init container cpu"
    );
    assert_eq!(
        reasons(&[(1, 1, 0)], &[(3, 1, 0), (2, 1, 0)], (8, 19, 0)),
        [CPU],
        "fails due to highest init container cpu"
    );
    assert_eq!(
        reasons(&[(1, 1, 0)], &[(1, 3, 0)], (9, 19, 0)),
        [MEM],
        "fails due to init container memory"
    );
    assert_eq!(
        reasons(&[(1, 1, 0)], &[(1, 3, 0), (1, 2, 0)], (9, 19, 0)),
        [MEM],
        "fails due to highest init container memory"
    );
    assert!(
        reasons(&[(1, 1, 0)], &[(1, 1, 0)], (9, 19, 0)).is_empty(),
        "init container fits: max, not sum"
    );
    assert!(
        reasons(&[(1, 1, 0)], &[(1, 1, 0), (1, 1, 0)], (9, 19, 0)).is_empty(),
        "multiple init containers fit"
    );
    assert!(
        reasons(&[(1, 1, 0)], &[], (5, 5, 0)).is_empty(),
        "both resources fit"
    );
    assert_eq!(
        reasons(&[(2, 1, 0)], &[], (9, 5, 0)),
        [CPU],
        "one resource memory fits"
    );
    assert_eq!(
        reasons(&[(1, 2, 0)], &[], (5, 19, 0)),
        [MEM],
        "one resource cpu fits"
    );
    assert!(
        reasons(&[(5, 1, 0)], &[], (5, 19, 0)).is_empty(),
        "equal edge case"
    );
    assert!(
        reasons(&[(4, 1, 0)], &[(5, 1, 0)], (5, 19, 0)).is_empty(),
        "equal edge case for init container"
    );
}

#[test]
fn extended_resources() {
    let ext = "Insufficient example.com/aaa";
    assert!(
        reasons(&[(0, 0, 1)], &[], (0, 0, 0)).is_empty(),
        "extended resource fits"
    );
    assert_eq!(
        reasons(&[(1, 1, 10)], &[], (0, 0, 0)),
        [ext],
        "extended resource capacity enforced"
    );
    assert_eq!(
        reasons(&[(1, 1, 1)], &[], (0, 0, 5)),
        [ext],
        "extended resource allocatable enforced"
    );
    assert_eq!(
        reasons(&[(1, 1, 3), (1, 1, 3)], &[], (0, 0, 2)),
        [ext],
        "enforced for multiple containers"
    );
    assert!(
        reasons(&[], &[(1, 1, 3), (1, 1, 3)], (0, 0, 2)).is_empty(),
        "admits multiple init containers"
    );
    assert_eq!(
        reasons(&[], &[(1, 1, 6), (1, 1, 3)], (0, 0, 2)),
        [ext],
        "enforced for multiple init containers"
    );
    // "extended resource allocatable enforced for unknown resource".
    let spec = serde_json::from_value(
        json!({"containers": [{"name": "c", "resources": {"requests": {EXT_B: "1"}}}]}),
    )
    .unwrap_or_default();
    let got = fits_request(
        &pod_requests(&spec, false),
        &Resource {
            allowed_pods: 32,
            ..Default::default()
        },
        &Resource::default(),
        0,
    );
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].reason.as_str(), got[0].requested, got[0].capacity),
        ("Insufficient example.com/bbb", 1, 0)
    );
}

/// `TestNotEnoughRequests`: "even without specified resources, predicate fails when
/// there's no space for additional pod".
#[test]
fn too_many_pods() {
    let alloc = Resource {
        milli_cpu: 10,
        memory: 20,
        allowed_pods: 1,
        ..Default::default()
    };
    let got = fits_request(&Resource::default(), &alloc, &Resource::default(), 1);
    assert_eq!(
        got.into_iter().map(|i| i.reason).collect::<Vec<_>>(),
        ["Too many pods"]
    );
}

/// Pod overhead counts: "resources + pod overhead fits" and "requests + overhead does not
/// fit for memory".
#[test]
fn pod_overhead() {
    let check = |overhead: Value| {
        let spec = serde_json::from_value(
            json!({"containers": containers(&[(1, 1, 0)]), "overhead": overhead}),
        )
        .unwrap_or_default();
        let alloc = Resource {
            milli_cpu: 10,
            memory: 20,
            allowed_pods: 32,
            ..Default::default()
        };
        let used = Resource {
            milli_cpu: 5,
            memory: 5,
            ..Default::default()
        };
        fits_request(&pod_requests(&spec, false), &alloc, &used, 1)
            .into_iter()
            .map(|i| i.reason)
            .collect::<Vec<_>>()
    };
    assert!(check(json!({"cpu": "3m", "memory": "13"})).is_empty());
    assert_eq!(check(json!({"cpu": "1m", "memory": "15"})), [MEM]);
}

/// The filter reports every shortfall of a node, as `Unschedulable`.
#[test]
fn filter_reports_all_reasons() {
    let snap = snapshot(vec![plain_node("n", "1", "1Gi")], vec![]);
    let p = pod_spec(
        json!({"containers": [{"name": "c", "resources": {"requests": {"cpu": "2", "memory": "2Gi"}}}]}),
    );
    assert_eq!(
        verdicts(&NodeResourcesFit, &p, &snap),
        vec![Err(Rejection {
            code: crate::scheduler::framework::Code::Unschedulable,
            reasons: vec![CPU.into(), MEM.into()]
        })]
    );
}

/// `least_allocated_test.go`: capacities in whole cores and bytes as upstream writes them
/// (`cpu: "4000"`), requests likewise; scores `(free × 100 / capacity)` averaged.
fn least(requested: Value, nodes: &[(&str, &str, &str)], existing: Vec<(&str, Value)>) -> Vec<i64> {
    let nodes = nodes.iter().map(|(n, c, m)| plain_node(n, c, m)).collect();
    let pods = existing
        .into_iter()
        .enumerate()
        .map(|(i, (n, c))| {
            bound(
                n,
                json!({"metadata": {"name": format!("e{i}")}, "spec": {"containers": c}}),
            )
        })
        .collect();
    let snap = snapshot(nodes, pods);
    scores(
        &NodeResourcesFit,
        &pod_spec(json!({"containers": requested})),
        &snap,
    )
    .unwrap_or_default()
}

fn req(cpu: &str, mem: &str) -> Value {
    json!({"name": "c", "resources": {"requests": {"cpu": cpu, "memory": mem}}})
}

#[test]
fn least_allocated_upstream_cases() {
    let two = json!([req("1000", "2000"), req("2000", "3000")]);
    assert_eq!(
        least(
            json!([]),
            &[("node1", "4000", "10000"), ("node2", "4000", "10000")],
            vec![]
        ),
        [100, 100],
        "nothing scheduled, nothing requested"
    );
    // (4000-3000)/4000 = 25, (10000-5000)/10000 = 50 → 37; node2 50 and 50 → 50.
    assert_eq!(
        least(
            two.clone(),
            &[("node1", "4000", "10000"), ("node2", "6000", "10000")],
            vec![]
        ),
        [37, 50],
        "differently sized nodes"
    );
    // node1: cpu 6000/10000 used → 40, memory 0 → 100: 70; node2: 40 and 75 → 57.
    assert_eq!(
        least(
            json!([]),
            &[("node1", "10000", "20000"), ("node2", "10000", "20000")],
            vec![
                ("node1", json!([req("3000", "0")])),
                ("node1", json!([req("3000", "0")])),
                ("node2", json!([req("3000", "0")])),
                ("node2", json!([req("3000", "5000")]))
            ]
        ),
        [70, 57],
        "no resources requested, pods scheduled with resources"
    );
    // node1: 40 and 75 → 57; node2: 40 and 50 → 45.
    assert_eq!(
        least(
            two.clone(),
            &[("node1", "10000", "20000"), ("node2", "10000", "20000")],
            vec![
                ("node1", json!([req("3000", "0")])),
                ("node2", json!([req("3000", "5000")]))
            ]
        ),
        [57, 45],
        "resources requested, pods scheduled with resources"
    );
    // node2 has 50000 memory: 40 and 80 → 60.
    assert_eq!(
        least(
            two,
            &[("node1", "10000", "20000"), ("node2", "10000", "50000")],
            vec![
                ("node1", json!([req("3000", "0")])),
                ("node2", json!([req("3000", "5000")]))
            ]
        ),
        [57, 60],
        "differently sized nodes with pods"
    );
    // cpu 6000 > 4000 scores 0: node1 (0 + 100) / 2 = 50, node2 (0 + 50) / 2 = 25.
    assert_eq!(
        least(
            json!([req("3000", "0")]),
            &[("node1", "4000", "10000"), ("node2", "4000", "10000")],
            vec![
                ("node1", json!([req("3000", "0")])),
                ("node2", json!([req("3000", "5000")]))
            ]
        ),
        [50, 25],
        "requested resources exceed node capacity"
    );
    assert_eq!(
        least(
            json!([]),
            &[("node1", "0", "0"), ("node2", "0", "0")],
            vec![]
        ),
        [0, 0],
        "zero node resources"
    );
}
