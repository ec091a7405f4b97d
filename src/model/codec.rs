//! The manifest codec: YAML and JSON exactly as kubectl 1.32 reads and prints them.
//!
//! kubectl never uses a YAML library directly on objects. It prints YAML by writing JSON
//! and converting it with `sigs.k8s.io/yaml` v1.4.0, whose embedded go-yaml v2 implements
//! YAML 1.1, and it reads manifests by converting YAML to JSON the same way. This module
//! owns both directions as pure functions over `serde_json::Value`:
//!
//! - [`to_yaml`] / [`try_to_yaml`]: `-o yaml`, byte for byte (go-yaml v2's emitter:
//!   natural key order, its quoting rules, literal blocks, folding at 80 columns).
//! - [`to_json`]: `-o json` (Go's `MarshalIndent` with four spaces and HTML escaping).
//! - [`parse_documents`]: what `kubectl apply -f` accepts, with YAML 1.1 meanings (`yes`
//!   is true, `0644` is 420) and kubectl's exact parse error text ([`ParseError`]).
//! - [`unknown_fields`] / [`strict_decoding_message`]: the server's strict decoding report.
//!
//! Submodules: `resolve` (YAML 1.1 scalar resolution), `numbers` (Go float formatting),
//! `emit` (the YAML writer), `json` (JSON writer and Go's JSON syntax errors), `yaml_in`
//! and `parse` (reading manifests), `strict` (unknown fields).

mod emit;
mod json;
mod numbers;
mod parse;
mod resolve;
mod strict;
mod yaml_in;

#[cfg(test)]
mod tests;

use serde_json::Value;

pub use parse::{parse_documents, ParseError};
pub use strict::{strict_decoding_message, unknown_fields};

/// The YAML `kubectl ... -o yaml` prints for `value` (one document, ending in a newline).
///
/// Strings holding characters go-yaml refuses to read back (DEL, C1 controls, U+FFFE,
/// U+FFFF) make kubectl fail instead; see [`try_to_yaml`]. Here they are escaped.
pub fn to_yaml(value: &Value) -> String {
    emit::emit_document(value)
}

/// Like [`to_yaml`], but fails where kubectl fails: the error is the text kubectl prints
/// after `error: ` (`yaml: control characters are not allowed`).
pub fn try_to_yaml(value: &Value) -> Result<String, String> {
    if contains_refused_character(value) {
        return Err("yaml: control characters are not allowed".to_string());
    }
    Ok(to_yaml(value))
}

fn contains_refused_character(value: &Value) -> bool {
    let refused = |s: &str| s.chars().any(emit::is_refused_by_reader);
    match value {
        Value::String(s) => refused(s),
        Value::Array(items) => items.iter().any(contains_refused_character),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| refused(k) || contains_refused_character(v)),
        _ => false,
    }
}

/// The JSON `kubectl get ... -o json` prints for `value`: four-space indentation, keys in
/// sorted order, Go's escaping (`<`, `>`, `&` as `\u003c`, `\u003e`, `\u0026`), and a
/// trailing newline.
pub fn to_json(value: &Value) -> String {
    json::write_document(value)
}
