//! One YAML document read into nodes with go-yaml v2's meaning.
//!
//! serde_yaml implements YAML 1.2, where `yes`, `on` and `0644` are strings; kubectl's
//! go-yaml v2 implements YAML 1.1, where they are `true`, `true` and 420. serde_yaml hands
//! every scalar it considers a string to `visit_borrowed_str` as a slice of the input, so
//! the byte before the slice tells whether the scalar was quoted. Unquoted, untagged ones
//! are resolved again with go-yaml's rules ([`super::resolve`]). Everything serde_yaml
//! itself turns into null, a boolean or a number means the same in both versions.
//! `convert` then turns the nodes into JSON.

use super::numbers::format_g;
use super::resolve::{resolve, Resolved};
use serde::de::{DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess};
use serde::de::{VariantAccess, Visitor};
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
        // A local tag (`!foo value`): go-yaml does not resolve the scalar, so it stays the
        // text it was; collections keep their contents.
        let (_tag, variant): (String, _) = data.variant()?;
        variant.newtype_variant_seed(Tagged(self))
    }
}

/// The content of a node with a local tag. serde_yaml has already resolved plain scalars
/// YAML 1.2 style by the time they arrive, so the text of a null, boolean or number is
/// rebuilt from its value (an empty scalar, the most common case, comes back exactly).
#[derive(Clone, Copy)]
struct Tagged<'a>(NodeSeed<'a>);

impl<'de> DeserializeSeed<'de> for Tagged<'de> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Tagged<'de> {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a tagged YAML value")
    }

    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Str(String::new()))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        Ok(Node::Str(format_g(v, false)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Str(v.to_string()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Node, A::Error> {
        self.0.visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Node, A::Error> {
        self.0.visit_map(map)
    }
}
