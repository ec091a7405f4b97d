//! The describer kubectl falls back on for kinds without their own (upstream v1.32
//! `genericDescriber`, `printUnstructuredContent`, `smartLabelFor`): in kubeniwa, Lease,
//! ControllerRevision and Event.
//!
//! After Name, Namespace, Labels and Annotations it walks the object's JSON with sorted
//! keys, turning each key into a label (`holderIdentity` → `Holder Identity`, `apiVersion`
//! → `API Version`, `uid` → `UID`; keys with characters other than letters and `-` are
//! kept as they are), nesting maps and lists of maps two spaces deeper:
//!
//! ```text
//! API Version:  coordination.k8s.io/v1
//! Kind:         Lease
//! Metadata:
//!   Creation Timestamp:  2025-01-01T00:00:00Z
//!   Resource Version:    42
//!   UID:                 ...
//! Spec:
//!   Holder Identity:         worker01
//!   Lease Duration Seconds:  40
//! ```

use serde_json::Value;

use super::events;
use super::multiline::{print_annotations, print_labels};
use super::writer::{PrefixWriter, LEVEL_0};
use super::Env;
use crate::model::Object;

/// The metadata fields the header already shows (or that would only be noise).
const SKIP: &[&str] = &[
    ".metadata.managedFields",
    ".metadata.name",
    ".metadata.namespace",
    ".metadata.labels",
    ".metadata.annotations",
];

/// `genericDescriber.Describe`.
pub(super) fn describe(env: &Env, obj: &Object) -> String {
    let meta = obj.meta();
    let events = events::about(env, obj.kind(), meta);
    let mut w = PrefixWriter::new();
    put!(w, LEVEL_0, "Name:\t{}\n", obj.name());
    put!(w, LEVEL_0, "Namespace:\t{}\n", obj.namespace());
    print_labels(&mut w, "Labels", meta.labels.as_ref());
    print_annotations(&mut w, "Annotations", meta.annotations.as_ref());
    if let Value::Object(mut content) = obj.to_value() {
        if matches!(obj, Object::Event(_)) {
            add_go_fields(&mut content);
        }
        print_content(&mut w, LEVEL_0, &content, "");
    }
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// The fields Go's encoder writes for an Event even when they are empty (struct-typed
/// times encode as `null`, strings without `omitempty` as `""`, the source struct as
/// `{}`), which `kubectl describe event` therefore shows, e.g. `Event Time:  <nil>`.
fn add_go_fields(content: &mut serde_json::Map<String, Value>) {
    for (key, empty) in [
        ("eventTime", Value::Null),
        ("firstTimestamp", Value::Null),
        ("lastTimestamp", Value::Null),
        ("reportingComponent", Value::String(String::new())),
        ("reportingInstance", Value::String(String::new())),
        ("source", Value::Object(serde_json::Map::new())),
    ] {
        content.entry(key).or_insert(empty);
    }
}

/// `printUnstructuredContent`: sorted keys; maps and lists of maps nest one level deeper,
/// other list items print one per line, scalars as `Label:\tvalue`.
fn print_content(
    w: &mut PrefixWriter,
    level: usize,
    content: &serde_json::Map<String, Value>,
    skip_prefix: &str,
) {
    let mut fields: Vec<(&String, &Value)> = content.iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, value) in fields {
        let skip_expr = format!("{skip_prefix}.{field}");
        if SKIP.contains(&skip_expr.as_str()) {
            continue;
        }
        match value {
            Value::Object(map) => {
                put!(w, level, "{}:\n", smart_label(field));
                print_content(w, level + 1, map, &skip_expr);
            }
            Value::Array(items) => {
                put!(w, level, "{}:\n", smart_label(field));
                for item in items {
                    match item {
                        Value::Object(map) => print_content(w, level + 1, map, &skip_expr),
                        other => put!(w, level + 1, "{}\n", go_value(other)),
                    }
                }
            }
            other => put!(w, level, "{}:\t{}\n", smart_label(field), go_value(other)),
        }
    }
}

/// Go's `%v` of a decoded JSON value: strings bare, `<nil>` for null, `[a b]` for lists,
/// `map[k:v]` for maps. (Go prints large floats in exponent form; JSON integers, the
/// common case, print the same either way.)
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(go_value).collect();
            format!("[{}]", inner.join(" "))
        }
        Value::Object(map) => {
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{k}:{}", go_value(v)))
                .collect();
            format!("map[{}]", inner.join(" "))
        }
    }
}

/// `smartLabelFor`: splits a camelCase field into words (`fatih/camelcase.Split`), title
/// cases them and upper-cases the acronyms API, URL, UID, OSB and GUID. A field with any
/// character besides letters and `-` is returned unchanged.
pub(super) fn smart_label(field: &str) -> String {
    if field.chars().any(|c| !c.is_alphabetic() && c != '-') {
        return field.to_string();
    }
    const ACRONYMS: &[&str] = &["API", "URL", "UID", "OSB", "GUID"];
    let words: Vec<String> = camelcase_split(field)
        .into_iter()
        .filter(|part| part != "_")
        .map(|part| {
            let upper = part.to_uppercase();
            if ACRONYMS.contains(&upper.as_str()) {
                upper
            } else {
                title(&part)
            }
        })
        .collect();
    words.join(" ")
}

/// `strings.Title` of one word: its first letter upper-cased.
fn title(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `camelcase.Split`: runs of lower-case letters, upper-case letters, digits and other
/// characters; an upper-case run followed by lower case gives its last letter to the next
/// word (`PDFLoader` → `PDF`, `Loader`).
fn camelcase_split(src: &str) -> Vec<String> {
    let class = |c: char| {
        if c.is_lowercase() {
            1
        } else if c.is_uppercase() {
            2
        } else if c.is_numeric() {
            3
        } else {
            4
        }
    };
    let mut runs: Vec<Vec<char>> = Vec::new();
    let mut last = 0;
    for c in src.chars() {
        let k = class(c);
        match runs.last_mut() {
            Some(run) if k == last => run.push(c),
            _ => runs.push(vec![c]),
        }
        last = k;
    }
    for i in 0..runs.len().saturating_sub(1) {
        let upper_then_lower = runs[i].first().is_some_and(|c| c.is_uppercase())
            && runs[i + 1].first().is_some_and(|c| c.is_lowercase());
        if upper_then_lower {
            if let Some(moved) = runs[i].pop() {
                runs[i + 1].insert(0, moved);
            }
        }
    }
    runs.into_iter()
        .filter(|r| !r.is_empty())
        .map(|r| r.into_iter().collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Upstream `TestDescribeUnstructuredContent`: labels from field names (`dummy-dummy`
    /// → `Dummy - Dummy`, special characters kept), acronyms, nesting, skipped fields.
    #[test]
    fn upstream_unstructured_content() {
        let content = json!({
            "apiVersion": "v1",
            "kind": "Test",
            "dummyDummy": "present",
            "dummy/dummy": "present",
            "dummy-dummy@dummy": "present",
            "dummy-dummy": "present",
            "dummy2": "present",
            "metadata": {
                "name": "MyName",
                "namespace": "MyNamespace",
                "creationTimestamp": "2017-04-01T00:00:00Z",
                "resourceVersion": 123,
                "uid": "00000000-0000-0000-0000-000000000001",
                "labels": {"a": "b"},
            },
            "items": [{"itemBool": true, "itemInt": 42}],
            "url": "http://localhost",
            "status": "ok",
        });
        let Value::Object(map) = content else {
            panic!("test content is an object")
        };
        let mut w = PrefixWriter::new();
        print_content(&mut w, LEVEL_0, &map, "");
        let expected = "\
API Version:        v1
Dummy - Dummy:      present
dummy-dummy@dummy:  present
dummy/dummy:        present
dummy2:             present
Dummy Dummy:        present
Items:
  Item Bool:  true
  Item Int:   42
Kind:         Test
Metadata:
  Creation Timestamp:  2017-04-01T00:00:00Z
  Resource Version:    123
  UID:                 00000000-0000-0000-0000-000000000001
Status:                ok
URL:                   http://localhost
";
        assert_eq!(w.finish(), expected);
    }

    #[test]
    fn camelcase_words() {
        assert_eq!(
            smart_label("leaseDurationSeconds"),
            "Lease Duration Seconds"
        );
        assert_eq!(smart_label("apiVersion"), "API Version");
        assert_eq!(smart_label("PDFLoader"), "PDF Loader");
        assert_eq!(smart_label("ownerReferences"), "Owner References");
    }
}
