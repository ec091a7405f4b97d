//! One YAML document read with go-yaml v2's meaning, then converted to JSON the way
//! `sigs.k8s.io/yaml.YAMLToJSON` does.
//!
//! serde_yaml implements YAML 1.2, where `yes`, `on` and `0644` are strings; kubectl's
//! go-yaml v2 implements YAML 1.1, where they are `true`, `true` and 420. serde_yaml hands
//! every scalar it considers a string to `visit_borrowed_str` as a slice of the input, so
//! the byte before the slice tells whether the scalar was quoted. Unquoted, untagged ones
//! are resolved again with go-yaml's rules ([`super::resolve`]). Everything serde_yaml
//! itself turns into null, a boolean or a number means the same in both versions.
//!
//! The conversion to JSON then follows `yamlToJSONTarget`: `<<` merge keys are applied in
//! document order, non-string keys become strings (`on:` becomes the key `"true"`, float
//! keys are printed with 32-bit precision), and numbers become what Go's JSON round trip
//! makes of them (an integral float such as `1e3` is the integer 1000).

use super::numbers::{format_g, unstructured_number};
use super::resolve::{resolve, Resolved};
use super::strict::go_quote;
use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A YAML node as go-yaml v2 decodes it into `interface{}`.
#[derive(Debug, PartialEq)]
pub(crate) enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    /// An unquoted `<<` key: a merge, not a field.
    MergeKey,
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

/// Deserializes one node, remembering the source text to recognise quoted scalars.
#[derive(Clone, Copy)]
pub(crate) struct NodeSeed<'a> {
    /// The text the deserializer borrows from.
    pub src: &'a str,
}

impl<'de> DeserializeSeed<'de> for NodeSeed<'de> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl NodeSeed<'_> {
    /// Whether the borrowed slice `s` sits in the source without quotes or a tag before it.
    fn is_plain(&self, s: &str) -> bool {
        let base = self.src.as_ptr() as usize;
        let start = (s.as_ptr() as usize).wrapping_sub(base);
        if start > self.src.len() || start + s.len() > self.src.len() {
            return false;
        }
        let before = self.src[..start].chars().next_back();
        let after = self.src[start + s.len()..].chars().next();
        if matches!(before, Some('"' | '\'')) && before == after {
            return false;
        }
        // A tag (`!!str 0644`) before the scalar keeps it a string.
        let head = self.src[..start].trim_end_matches([' ', '\t']);
        let token = head.rsplit([' ', '\t', '\n', '\r']).next().unwrap_or("");
        !token.starts_with('!')
    }
}

impl<'de> Visitor<'de> for NodeSeed<'de> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_none<E>(self) -> Result<Node, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(i64::try_from(v).map_or(Node::Uint(v), Node::Int))
    }

    fn visit_i128<E>(self, v: i128) -> Result<Node, E> {
        // Beyond 64 bits go-yaml falls back to a float.
        Ok(Node::Float(v as f64))
    }

    fn visit_u128<E>(self, v: u128) -> Result<Node, E> {
        Ok(Node::Float(v as f64))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Float(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node, E> {
        if !self.is_plain(v) {
            return Ok(Node::Str(v.to_string()));
        }
        if v == "<<" {
            return Ok(Node::MergeKey);
        }
        Ok(match resolve(v) {
            Resolved::Null => Node::Null,
            Resolved::Bool(b) => Node::Bool(b),
            Resolved::Int(i) => Node::Int(i),
            Resolved::Uint(u) => Node::Uint(u),
            Resolved::Float(f) => Node::Float(f),
            Resolved::Timestamp | Resolved::Str => Node::Str(v.to_string()),
        })
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        // Owned text: a quoted scalar with escapes, a block scalar, or a multi-line plain
        // scalar (which always contains a space, so it is a string in YAML 1.1 too).
        Ok(Node::Str(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key_seed(self)? {
            let value = map.next_value_seed(self)?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A local tag (`!foo value`): go-yaml keeps the value and ignores the tag.
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant_seed(self)
    }
}

/// Converts a decoded node to JSON as `yamlToJSONTarget` does; the error is the text
/// after `error converting YAML to JSON: `.
pub(crate) fn to_json_value(node: Node) -> Result<Value, String> {
    Ok(match node {
        Node::Null => Value::Null,
        Node::Bool(b) => Value::Bool(b),
        Node::Int(i) => Value::from(i),
        Node::Uint(u) => float_value(u as f64)?,
        Node::Float(f) => float_value(f)?,
        Node::Str(s) => Value::String(s),
        Node::MergeKey => Value::String("<<".to_string()),
        Node::Seq(items) => Value::Array(
            items
                .into_iter()
                .map(to_json_value)
                .collect::<Result<_, _>>()?,
        ),
        Node::Map(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                if key == Node::MergeKey {
                    merge(&mut map, value)?;
                    continue;
                }
                let key = key_string(&key, &value)?;
                map.insert(key, to_json_value(value)?);
            }
            Value::Object(map)
        }
    })
}

/// Applies `<<: mapping` or `<<: [mappings…]`; earlier mappings in a list win.
fn merge(map: &mut Map<String, Value>, value: Node) -> Result<(), String> {
    let sources = match value {
        Node::Map(_) => vec![value],
        Node::Seq(items) if items.iter().all(|i| matches!(i, Node::Map(_))) => {
            items.into_iter().rev().collect()
        }
        _ => return Err("yaml: map merge requires map or sequence of maps as the value".into()),
    };
    for source in sources {
        if let Value::Object(entries) = to_json_value(source)? {
            map.extend(entries);
        }
    }
    Ok(())
}

/// What Go's JSON round trip makes of a float: an error for NaN and infinities
/// (`json.Marshal` refuses them), an integer when Go prints it without a fraction or
/// exponent and it fits in int64, otherwise the float.
fn float_value(f: f64) -> Result<Value, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", format_g(f, false)));
    }
    Ok(unstructured_number(f))
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
