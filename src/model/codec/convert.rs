//! From YAML nodes to JSON, in the three steps `sigs.k8s.io/yaml.YAMLToJSON` takes.
//!
//! 1. go-yaml v2 decodes into `map[interface{}]interface{}`: a key that appears twice keeps
//!    its last value (`null:` and `~:` are the same key, so are `on:` and `yes:`), `<<`
//!    merges write the merged mapping's entries in place, in document order, and a
//!    sequence or mapping used as a key fails (`yaml: invalid map key: …`).
//! 2. `convertToJSONableObject` turns keys into strings: integers in decimal, booleans as
//!    `true`/`false`, floats with 32-bit precision (`123456789.0:` becomes
//!    `"1.2345679e+08"`); a null or uint64 key is an error.
//! 3. `json.Marshal` refuses NaN and infinities; the JSON is then read back by kubectl's
//!    unstructured decoder, so an integral float such as `1e3` ends up as the integer 1000.
//!
//! Errors are the text after `error converting YAML to JSON: `.

use super::numbers::{format_g, unstructured_number};
use super::strict::go_quote;
use super::yaml_in::Node;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Converts one document's node to JSON, with the first error upstream would report.
pub(crate) fn to_json_value(node: Node) -> Result<Value, String> {
    let decoded = decode(node)?;
    let mut marshal_error = None;
    let value = convert(decoded, &mut marshal_error)?;
    match marshal_error {
        Some(error) => Err(error),
        None => Ok(value),
    }
}

/// Step 1: Go map semantics for every mapping.
fn decode(node: Node) -> Result<Node, String> {
    match node {
        Node::Seq(items) => Ok(Node::Seq(
            items.into_iter().map(decode).collect::<Result<_, _>>()?,
        )),
        Node::Map(entries) => {
            let mut map = GoMap::default();
            map.fill(entries)?;
            Ok(Node::Map(map.entries))
        }
        other => Ok(other),
    }
}

/// A Go `map[interface{}]interface{}` being filled: entries in first-insertion order, with
/// an index of the string keys (the usual case) so large mappings stay fast.
#[derive(Default)]
struct GoMap {
    entries: Vec<(Node, Node)>,
    strings: BTreeMap<String, usize>,
}

impl GoMap {
    /// Writes `entries` into the map, applying merges where they appear.
    fn fill(&mut self, entries: Vec<(Node, Node)>) -> Result<(), String> {
        for (key, value) in entries {
            if key == Node::MergeKey {
                // A list of mappings is merged from the last to the first: earlier ones win.
                let sources = match value {
                    Node::Map(entries) => vec![entries],
                    Node::Seq(items) => {
                        let mut sources = Vec::new();
                        for item in items.into_iter().rev() {
                            match item {
                                Node::Map(entries) => sources.push(entries),
                                _ => return Err(merge_error()),
                            }
                        }
                        sources
                    }
                    _ => return Err(merge_error()),
                };
                for source in sources {
                    self.fill(source)?;
                }
                continue;
            }
            let key = decode(key)?;
            if matches!(key, Node::Seq(_) | Node::Map(_)) {
                return Err(format!("yaml: invalid map key: {}", go_value(&key)));
            }
            let value = decode(value)?;
            self.set(key, value);
        }
        Ok(())
    }

    fn set(&mut self, key: Node, value: Node) {
        let text = match &key {
            Node::Str(s) => Some(s.clone()),
            Node::MergeKey => Some("<<".to_string()),
            _ => None,
        };
        let slot = match &text {
            Some(text) => self.strings.get(text).copied(),
            None => self.entries.iter().position(|(k, _)| same_key(k, &key)),
        };
        match slot.and_then(|i| self.entries.get_mut(i)) {
            Some(entry) => entry.1 = value,
            None => {
                if let Some(text) = text {
                    self.strings.insert(text, self.entries.len());
                }
                self.entries.push((key, value));
            }
        }
    }
}

fn merge_error() -> String {
    "yaml: map merge requires map or sequence of maps as the value".to_string()
}

/// Equality of Go `interface{}` map keys other than strings (NaN never equals itself;
/// 0.0 equals -0.0).
fn same_key(a: &Node, b: &Node) -> bool {
    match (a, b) {
        (Node::Null, Node::Null) => true,
        (Node::Bool(x), Node::Bool(y)) => x == y,
        (Node::Int(x), Node::Int(y)) => x == y,
        (Node::Uint(x), Node::Uint(y)) => x == y,
        (Node::Float(x), Node::Float(y)) => x == y,
        _ => false,
    }
}

/// Steps 2 and 3. Key errors return at once; the first value `json.Marshal` would refuse
/// is recorded in `marshal_error`, since upstream only marshals after converting keys.
fn convert(node: Node, marshal_error: &mut Option<String>) -> Result<Value, String> {
    Ok(match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => Value::from(i),
        Node::Uint(u) => unstructured_number(u as f64),
        Node::Float(f) if f.is_finite() => unstructured_number(f),
        Node::Float(f) => {
            marshal_error
                .get_or_insert_with(|| format!("json: unsupported value: {}", format_g(f, false)));
            Value::Null
        }
        Node::Str(s) => Value::String(s),
        Node::MergeKey => Value::String("<<".to_string()),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .map(|item| convert(item, marshal_error))
                .collect::<Result<_, _>>()?,
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = key_string(&key, &value)?;
                map.insert(key, convert(value, marshal_error)?);
            }
            Value::Object(map)
        }
    })
}

/// `convertToJSONableObject`'s key conversion.
fn key_string(key: &Node, value: &Node) -> Result<String, String> {
    Ok(match key {
        Node::Str(s) => s.clone(),
        Node::MergeKey => "<<".to_string(),
        Node::Int(i) => i.to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Float(f) if f.is_nan() => ".nan".to_string(),
        Node::Float(f) if f.is_infinite() => if *f > 0.0 { ".inf" } else { "-.inf" }.to_string(),
        Node::Float(f) => format_g(*f, true),
        Node::Null => {
            return Err(format!(
                "unsupported map key of type: %!s(<nil>), key: <nil>, value: {}",
                go_value(value)
            ))
        }
        Node::Uint(u) => {
            return Err(format!(
                "unsupported map key of type: uint64, key: 0x{u:x}, value: {}",
                go_value(value)
            ))
        }
        Node::Seq(_) | Node::Map(_) => {
            return Err(format!("yaml: invalid map key: {}", go_value(key)))
        }
    })
}

/// Go's `%#v` of a decoded value, for the few messages that print one.
fn go_value(node: &Node) -> String {
    match node {
        Node::Null => "<nil>".to_string(),
        Node::Bool(b) => b.to_string(),
        Node::Int(i) => i.to_string(),
        Node::Uint(u) => format!("0x{u:x}"),
        Node::Float(f) => format_g(*f, false),
        Node::Str(s) => go_quote(s),
        Node::MergeKey => go_quote("<<"),
        Node::Seq(items) => {
            let inner: Vec<String> = items.iter().map(go_value).collect();
            format!("[]interface {{}}{{{}}}", inner.join(", "))
        }
        Node::Map(entries) => {
            let inner: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}:{}", go_value(k), go_value(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", inner.join(", "))
        }
    }
}
