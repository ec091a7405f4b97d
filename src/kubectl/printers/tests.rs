//! Tests of [`render_table`]: each case reproduces an expected output of
//! upstream cli-runtime `tableprinter_test.go` or kubectl `get_test.go`
//! (v1.32), named in the test.

use super::*;

fn row(cells: &[&str]) -> Row {
    Row {
        cells: cells.iter().map(|s| s.to_string()).collect(),
        ..Row::default()
    }
}

fn labelled(cells: &[&str]) -> Row {
    Row {
        namespace: "test-namespace".to_string(),
        labels: [("first-label", "12"), ("second-label", "label-value")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..row(cells)
    }
}

/// The Name/Ready/Status/Retries/Age table of cli-runtime's tests, with
/// Retries and Age optionally wide-only.
fn test_columns(wide_tail: bool) -> Vec<Column> {
    let tail = u8::from(wide_tail);
    vec![
        Column {
            name: "NAME",
            priority: 0,
        },
        Column {
            name: "READY",
            priority: 0,
        },
        Column {
            name: "STATUS",
            priority: 0,
        },
        Column {
            name: "RETRIES",
            priority: tail,
        },
        Column {
            name: "AGE",
            priority: tail,
        },
    ]
}

fn three_rows() -> Vec<Row> {
    vec![
        row(&["test1", "1/1", "podPhase", "5", "20h"]),
        row(&["test2", "1/2", "podPhase", "30", "21h"]),
        row(&["test3", "4/4", "podPhase", "1", "22h"]),
    ]
}

#[test]
fn tableprinter_print_table_wide_and_headers() {
    let narrow = TableOptions::default();
    // TestPrintTable: an empty table prints nothing.
    assert_eq!(render_table(&test_columns(false), &[], &narrow), "");
    // Priority columns hidden without -o wide.
    let rows = [row(&["test1", "1/1", "podPhase", "5", "20h"])];
    assert_eq!(
        render_table(&test_columns(true), &rows, &narrow),
        "NAME    READY   STATUS\ntest1   1/1     podPhase\n"
    );
    let wide = TableOptions {
        wide: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(true), &three_rows(), &wide),
        "NAME    READY   STATUS     RETRIES   AGE\n\
         test1   1/1     podPhase   5         20h\n\
         test2   1/2     podPhase   30        21h\n\
         test3   4/4     podPhase   1         22h\n"
    );
    // --no-headers: the minimal width of 6 governs the short columns.
    let no_headers = TableOptions {
        no_headers: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &three_rows(), &no_headers),
        "test1   1/1   podPhase   5     20h\ntest2   1/2   podPhase   30    21h\ntest3   4/4   podPhase   1     22h\n"
    );
}

#[test]
fn tableprinter_namespace_kind_and_labels() {
    let rows = [labelled(&["test1", "1/1", "podPhase", "5", "20h"])];
    // TestPrintTable_WithNamespace.
    let opts = TableOptions {
        with_namespace: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAMESPACE        NAME    READY   STATUS     RETRIES   AGE\ntest-namespace   test1   1/1     podPhase   5         20h\n"
    );
    // TestPrintTable_WithKind.
    let opts = TableOptions {
        kind_prefix: Some(kind_prefix("", "Pod")),
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAME        READY   STATUS     RETRIES   AGE\npod/test1   1/1     podPhase   5         20h\n"
    );
    // TestPrintTable_WithLabels: --show-labels, then -L with one and two keys.
    let opts = TableOptions {
        show_labels: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAME    READY   STATUS     RETRIES   AGE   LABELS\ntest1   1/1     podPhase   5         20h   first-label=12,second-label=label-value\n"
    );
    let opts = TableOptions {
        label_columns: vec!["second-label".to_string()],
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAME    READY   STATUS     RETRIES   AGE   SECOND-LABEL\ntest1   1/1     podPhase   5         20h   label-value\n"
    );
    let opts = TableOptions {
        label_columns: vec!["first-label".to_string(), "second-label".to_string()],
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAME    READY   STATUS     RETRIES   AGE   FIRST-LABEL   SECOND-LABEL\n\
         test1   1/1     podPhase   5         20h   12            label-value\n"
    );
    // -L headers use the key's last path segment; missing labels are empty.
    let opts = TableOptions {
        label_columns: vec!["app.kubernetes.io/name".to_string()],
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(&test_columns(false), &rows, &opts),
        "NAME    READY   STATUS     RETRIES   AGE   NAME\ntest1   1/1     podPhase   5         20h   \n"
    );
}

/// kubectl get_test.go `TestGetObjectsShowLabels` and
/// `TestGetMultipleTypeTableObjects`: the pod and service tables of
/// `kubectl get pods,services` with kind prefixes, built from real rows.
#[test]
fn get_test_pod_and_service_tables() {
    use k8s_openapi::api::core::v1::{Pod, Service};
    let now = chrono::DateTime::<chrono::Utc>::MIN_UTC;
    let pod = |name: &str| -> Pod {
        serde_json::from_value(
            serde_json::json!({"metadata": {"name": name}, "spec": {"containers": []}}),
        )
        .unwrap_or_default()
    };
    let rows: Vec<Row> = ["foo", "bar"]
        .iter()
        .map(|n| Row {
            cells: pod_row(&pod(n), now),
            ..Row::default()
        })
        .collect();
    let opts = TableOptions {
        kind_prefix: Some(kind_prefix("", "Pod")),
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(columns("Pod"), &rows, &opts),
        "NAME      READY   STATUS   RESTARTS   AGE\n\
         pod/foo   0/0              0          <unknown>\n\
         pod/bar   0/0              0          <unknown>\n"
    );
    let svc: Service = serde_json::from_value(
        serde_json::json!({"metadata": {"name": "baz"}, "spec": {"type": "ClusterIP"}}),
    )
    .unwrap_or_default();
    let rows = [Row {
        cells: service_row(&svc, now),
        ..Row::default()
    }];
    let opts = TableOptions {
        kind_prefix: Some(kind_prefix("", "Service")),
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(columns("Service"), &rows, &opts),
        "NAME          TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\n\
         service/baz   ClusterIP   <none>       <none>        <none>    <unknown>\n"
    );
    let rows = [Row {
        cells: default_row(&pod("foo").metadata, now),
        ..Row::default()
    }];
    let opts = TableOptions {
        show_labels: true,
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(columns("Widget"), &rows, &opts),
        "NAME   AGE         LABELS\nfoo    <unknown>   <none>\n"
    );
}

/// kubectl get_test.go `TestGetMultipleTypeTableObjectsWithDirectReference`:
/// an empty last cell leaves the padding of the cell before it.
#[test]
fn get_test_node_trailing_padding() {
    let rows = [row(&["foo", "Unknown", "<none>", "<unknown>", ""])];
    let opts = TableOptions {
        kind_prefix: Some(kind_prefix("", "Node")),
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(columns("Node"), &rows, &opts),
        "NAME       STATUS    ROLES    AGE         VERSION\nnode/foo   Unknown   <none>   <unknown>   \n"
    );
}

/// cli-runtime `printTable`: cells are cut at the first line break with
/// `...` and the escape character is shown as `^[`; the Event table's NAME
/// column (the one prefixed with the kind) is wide-only.
#[test]
fn cells_are_sanitized_and_event_name_is_wide() {
    assert_eq!(sanitize_cell("Back-off\nrestarting"), "Back-off...");
    assert_eq!(sanitize_cell("a\u{1b}[31mred"), "a^[[31mred");
    let cells = [
        "5s", "Normal", "Pulled", "pod/web", "", "kubelet", "pulled", "5s", "1", "web.17a",
    ];
    let rows = [row(&cells)];
    let opts = TableOptions {
        kind_prefix: Some(kind_prefix("", "Event")),
        ..TableOptions::default()
    };
    assert_eq!(
        render_table(columns("Event"), &rows, &opts),
        "LAST SEEN   TYPE     REASON   OBJECT    MESSAGE\n5s          Normal   Pulled   pod/web   pulled\n"
    );
    assert_eq!(kind_prefix("apps", "ReplicaSet"), "replicaset.apps/");
}
