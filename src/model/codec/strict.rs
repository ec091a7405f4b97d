//! Strict decoding: the API server's report of fields a typed object does not have.
//!
//! Since 1.27 kubectl asks for `fieldValidation=Strict`, and the server decodes the body
//! with `sigs.k8s.io/json`'s `UnmarshalStrict`, which records every unknown field with its
//! path (`spec.template.spec.containers[0].imagee`) in the order it meets them. kubectl
//! sends JSON with sorted keys, so that order is a depth-first walk in key order, which is
//! the order of serde_json's sorted maps. The handler then wraps the errors as
//! `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
//! unknown field "spec.foo", unknown field "spec.bar"`.
//!
//! kubeniwa finds the same fields by comparing the manifest with the object after a round
//! trip through the typed struct, which drops what it does not know.

use serde_json::Value;

/// Upstream keeps at most this many strict errors.
const MAX_ERRORS: usize = 100;

/// The paths of fields present (and not null) in `input` but missing from `decoded`, in
/// upstream's format and order. A null field cannot be told apart from a known field the
/// typed struct omits, so unknown fields set to null are not reported.
pub fn unknown_fields(input: &Value, decoded: &Value) -> Vec<String> {
    let mut found = Vec::new();
    walk(input, decoded, "", &mut found);
    found.truncate(MAX_ERRORS);
    found
}

fn walk(input: &Value, decoded: &Value, path: &str, found: &mut Vec<String>) {
    match (input, decoded) {
        (Value::Object(fields), Value::Object(known)) => {
            for (key, value) in fields {
                if value.is_null() {
                    continue;
                }
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match known.get(key) {
                    Some(known_value) => walk(value, known_value, &child, found),
                    None => found.push(child),
                }
            }
        }
        (Value::Array(items), Value::Array(known)) => {
            for (i, (item, known_item)) in items.iter().zip(known).enumerate() {
                walk(item, known_item, &format!("{path}[{i}]"), found);
            }
        }
        _ => {}
    }
}

/// The API server's message for a body with unknown fields, for example
/// `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error:
/// unknown field "spec.foo"`. `version` is the version without the group (`v1` for
/// `apps/v1`). Duplicate fields, which kubectl's YAML-to-JSON conversion already merges,
/// would be reported in the same list as `duplicate field "spec.replicas"`.
pub fn strict_decoding_message(kind: &str, version: &str, fields: &[String]) -> String {
    let errors: Vec<String> = fields
        .iter()
        .map(|f| format!("unknown field {}", go_quote(f)))
        .collect();
    format!(
        "{kind} in version {} cannot be handled as a {kind}: strict decoding error: {}",
        go_quote(version),
        errors.join(", ")
    )
}

/// Go's `strconv.Quote`: double quotes, with backslash escapes for quotes, backslashes
/// and characters Go does not consider printable.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if c == ' ' || !(c.is_control() || c.is_whitespace() || c == '\u{FEFF}') => {
                out.push(c)
            }
            c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// sigs.k8s.io/json's "nested unknowns" case (kubernetes_patch_test.go), with the body's
    /// keys sorted as kubectl sends them: paths use `.` for fields and `[i]` for items.
    #[test]
    fn nested_unknown_fields_are_reported_with_paths_in_key_order() {
        let input = json!({"a": 1, "unknown": true, "unknown2": true,
            "b": {"a": {"unknown": true}}, "c": [{"unknown": true}, {"unknown": true}]});
        let decoded = json!({"a": 1, "b": {"a": {}}, "c": [{}, {}]});
        assert_eq!(
            unknown_fields(&input, &decoded),
            [
                "b.a.unknown",
                "c[0].unknown",
                "c[1].unknown",
                "unknown",
                "unknown2"
            ]
        );
    }

    /// A typo in a container field, and an unknown object reported once at its top.
    #[test]
    fn deployment_typos_are_found() {
        let input = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}, "creationTimestamp": null},
            "spec": {"foo": {"bar": 1}, "template": {"spec": {"containers": [
                {"name": "web", "imagee": "nginx", "ports": [{"containerPort": 80, "hostPortt": 1}]}]}}}});
        let decoded = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"template": {"spec": {"containers": [
                {"name": "web", "ports": [{"containerPort": 80}]}]}}}});
        assert_eq!(
            unknown_fields(&input, &decoded),
            [
                "spec.foo",
                "spec.template.spec.containers[0].imagee",
                "spec.template.spec.containers[0].ports[0].hostPortt"
            ]
        );
    }

    /// The API server's wording (`transformDecodeError` and `strictDecodingError`).
    #[test]
    fn message_matches_the_api_server() {
        let fields = ["spec.foo".to_string(), "spec.bar".to_string()];
        assert_eq!(
            strict_decoding_message("Deployment", "v1", &fields[..1]),
            "Deployment in version \"v1\" cannot be handled as a Deployment: \
             strict decoding error: unknown field \"spec.foo\""
        );
        assert_eq!(
            strict_decoding_message("Pod", "v1", &fields),
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: \
             unknown field \"spec.foo\", unknown field \"spec.bar\""
        );
    }

    /// Go's `strconv.Quote` escapes quotes, backslashes and control characters.
    #[test]
    fn paths_are_quoted_like_go() {
        assert_eq!(go_quote("a\"b\\c\td\u{1}é"), "\"a\\\"b\\\\c\\td\\x01é\"");
    }
}
