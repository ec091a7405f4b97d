//! Upstream's own strategic-merge-patch cases (`strategicpatch/patch_test.go`, v0.32), run
//! against upstream's `MergeItem` test type (see `Schema::TestMergeItem`).
//!
//! Each case gives `original`, `modified` and `current` documents with the expected
//! two-way patch, three-way patch and results. `testdata/upstream_cases.yaml` holds a
//! selection, converted from the Go file's YAML; cases whose lists upstream sorts by name
//! before comparing were sorted the same way when converted.

use serde_json::Value;

use super::{strategic_merge_patch, three_way_merge_patch, two_way_merge_patch};

const KIND: &str = "MergeItem";

/// Runs every case of `cases` (a `{cases: [...]}` document) and returns one line per
/// failed check.
pub(crate) fn run_cases(cases: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    for case in cases
        .get("cases")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        run_case(case, &mut failures);
    }
    failures
}

fn run_case(case: &Value, failures: &mut Vec<String>) {
    let desc = case
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or("?");
    let field = |name: &str| case.get(name).cloned();
    let empty = Value::Object(Default::default());
    let original = field("original");
    let expected_error = case.get("expectedError").and_then(Value::as_str);
    let check = |what: &str, got: Result<Value, String>, want: Option<Value>| match (
        got,
        expected_error,
        want,
    ) {
        (Err(e), Some(needle), _) if e.contains(needle) => None,
        (Ok(got), None, Some(want)) if got == want => None,
        (got, _, want) => Some(format!(
            "{desc} / {what}: got {got:?}, want {want:?} {expected_error:?}"
        )),
    };
    let apply_only = case
        .get("applyOnly")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let base = original.clone().unwrap_or(empty.clone());
    let two_way_result = field("twoWayResult").or(field("modified"));
    if apply_only {
        let patch = field("twoWay").unwrap_or(empty.clone());
        failures.extend(check(
            "apply",
            strategic_merge_patch(KIND, &base, &patch),
            two_way_result,
        ));
        return;
    }
    let modified = field("modified").unwrap_or(empty.clone());
    if let Some(want) = field("twoWay") {
        match two_way_merge_patch(KIND, &base, &modified) {
            Ok(p) if p == want => failures.extend(check(
                "two-way apply",
                strategic_merge_patch(KIND, &base, &p),
                two_way_result,
            )),
            other => failures.push(format!(
                "{desc} / two-way patch: got {other:?}, want {want}"
            )),
        }
    }
    if let Some(want) = field("threeWay") {
        let current = field("current").unwrap_or(empty.clone());
        match three_way_merge_patch(KIND, original.as_ref(), &modified, &current) {
            Ok(p) if p == want => failures.extend(check(
                "three-way apply",
                strategic_merge_patch(KIND, &current, &p),
                field("result"),
            )),
            other => failures.push(format!(
                "{desc} / three-way patch: got {other:?}, want {want}"
            )),
        }
    }
}

/// Upstream's create, apply and custom cases give the same patches and results here.
#[test]
fn upstream_patch_test_cases_pass() {
    let text = include_str!("testdata/upstream_cases.yaml");
    let cases: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
    let count = cases
        .get("cases")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    assert!(count > 20, "the fixture did not load");
    let failures = run_cases(&cases);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
