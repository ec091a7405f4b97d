//! The patch engine: the three patch types `kubectl patch` and `kubectl apply` send, and
//! the patch `kubectl apply` computes, all over `serde_json::Value` and faithful to
//! Kubernetes v1.32.
//!
//! - [`json_merge_patch`]: RFC 7386 as `evanphx/json-patch` v4 implements it
//!   (`application/merge-patch+json`).
//! - [`json_patch`]: RFC 6902 (`application/json-patch+json`) as the same library does it.
//! - [`strategic_merge_patch`]: apimachinery's `strategicpatch`
//!   (`application/strategic-merge-patch+json`), whose per-field behaviour comes from the
//!   [`schema`] table.
//! - [`three_way_merge_patch`]: `CreateThreeWayMergePatch`, the patch client-side
//!   `kubectl apply` sends; [`two_way_merge_patch`] is `CreateTwoWayMergePatch`, the patch
//!   `kubectl edit`, `label`, `annotate` and `set` send.
//!
//! This module owns patch semantics only. Decoding the request, the 404 for a missing
//! object, defaulting and validating the result, and the last-applied annotation belong
//! to the API server and the kubectl layer.

mod diff;
mod directives;
mod golike;
mod json_patch;
mod merge;
mod merge_list;
mod order;
pub mod schema;

#[cfg(test)]
mod tests_apply;
#[cfg(test)]
mod tests_json;
#[cfg(test)]
mod tests_kinds;
#[cfg(test)]
mod tests_upstream;

use serde_json::{Map, Value};

pub use json_patch::{check_json_patch, json_patch};
pub use schema::{list_strategy, ListStrategy, PatchMeta, PatchStrategy, Schema};

/// The `$patch` directive key.
const DIRECTIVE_MARKER: &str = "$patch";
/// `$patch: delete`.
const DELETE_DIRECTIVE: &str = "delete";
/// `$patch: replace`.
const REPLACE_DIRECTIVE: &str = "replace";
/// The `$retainKeys` directive key.
const RETAIN_KEYS: &str = "$retainKeys";
/// The prefix of `$deleteFromPrimitiveList/<list>`.
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList";
/// The prefix of `$setElementOrder/<list>`.
const SET_ELEMENT_ORDER: &str = "$setElementOrder";

/// The message of the 422 `Invalid` status the API server returns whenever a JSON patch
/// fails to apply; kubectl prints it as `The request is invalid: <message>`.
pub const JSON_PATCH_FAILED: &str =
    "the server rejected our request due to an error in our request";

/// The message of the 400 `BadRequest` the API server returns for a merge patch that is
/// not a JSON object or array (see [`check_merge_patch`]).
pub const MERGE_PATCH_INVALID: &str = "Invalid JSON Patch";

/// Applies an RFC 7386 merge patch: objects merge recursively, `null` deletes, anything
/// else replaces. Like `evanphx/json-patch` v4, a value set where there was no object has
/// its `null` members pruned at every depth, even inside lists.
pub fn json_merge_patch(target: &Value, patch: &Value) -> Value {
    match patch {
        Value::Object(p) => {
            let base = match target {
                Value::Object(t) => t.clone(),
                _ => Map::new(),
            };
            Value::Object(merge_docs(base, p))
        }
        other => pruned(other.clone()),
    }
}

/// Checks a merge patch as the API server does before applying it: a JSON scalar or
/// `null` is rejected with [`MERGE_PATCH_INVALID`] (400).
pub fn check_merge_patch(patch: &Value) -> Result<(), String> {
    match patch {
        Value::Object(_) | Value::Array(_) => Ok(()),
        _ => Err(MERGE_PATCH_INVALID.to_string()),
    }
}

fn merge_docs(mut doc: Map<String, Value>, patch: &Map<String, Value>) -> Map<String, Value> {
    for (k, v) in patch {
        if v.is_null() {
            doc.remove(k);
            continue;
        }
        let merged = match doc.remove(k) {
            Some(Value::Object(cur)) => match v {
                Value::Object(p) => Value::Object(merge_docs(cur, p)),
                other => other.clone(),
            },
            _ => pruned(v.clone()),
        };
        doc.insert(k.clone(), merged);
    }
    doc
}

/// Removes `null` members of objects at every depth (upstream's `pruneNulls`); `null`
/// list elements stay.
fn pruned(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, pruned(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(pruned).collect()),
        other => other,
    }
}

/// Applies a strategic merge patch to an object of `kind`, as the API server does
/// (`StrategicMergeMapPatch`). Errors carry upstream's texts; [`strategic_error_code`]
/// gives the HTTP status the API server answers each with.
pub fn strategic_merge_patch(kind: &str, target: &Value, patch: &Value) -> Result<Value, String> {
    let patch = match patch {
        Value::Object(p) => p.clone(),
        Value::Null => return Ok(target.clone()),
        other => {
            let word = json_patch::json_word(other);
            return Err(format!(
                "json: cannot unmarshal {word} into Go value of type map[string]interface {{}}"
            ));
        }
    };
    let original = as_map(target)?;
    merge::merge_map(original, patch, Schema::for_kind(kind), merge::APPLY).map(Value::Object)
}

/// The HTTP status the v1.32 API server answers a strategic-merge-patch error with
/// (upstream's `interpretStrategicMergePatchError`): 400 `BadRequest` for malformed
/// directives and undecodable patches, 422 `Invalid` for lists of lists, and 500 with an
/// empty reason (kubectl prints `Error from server: <message>`) for everything else, such
/// as a missing merge key.
pub fn strategic_error_code(message: &str) -> u16 {
    use golike::*;
    match message {
        ERR_BAD_JSON_DOC
        | ERR_BAD_PRIMITIVE_LIST
        | ERR_BAD_RETAIN_KEYS
        | ERR_BAD_SET_ELEMENT_ORDER
        | ERR_UNSUPPORTED => 400,
        ERR_NO_LIST_OF_LISTS | ERR_NOT_MATCH_RETAIN_KEYS => 422,
        m if m.starts_with("json: cannot unmarshal") => 400,
        _ => 500,
    }
}

/// The strategic patch client-side `kubectl apply` sends (`CreateThreeWayMergePatch` with
/// `overwrite` true): `original` is the last-applied configuration (`None` without the
/// annotation), `modified` the new manifest (with its own last-applied annotation already
/// set, as kubectl does), `current` the live object. Fields of `original` missing from
/// `modified` are deleted, fields of `modified` are set, and fields only `current` has
/// (status, defaults, other writers' changes) are left alone.
///
/// kubectl writes the annotation as the manifest's compact JSON with keys sorted,
/// `metadata.annotations` set to `{}`, `<`, `>` and `&` escaped as `\u003c` and so on, and a
/// final newline; kubectl sends no request at all when the patch is `{}`.
pub fn three_way_merge_patch(
    kind: &str,
    original: Option<&Value>,
    modified: &Value,
    current: &Value,
) -> Result<Value, String> {
    let schema = Schema::for_kind(kind);
    let original = match original {
        Some(v) => as_map(v)?,
        None => Map::new(),
    };
    let (modified, current) = (as_map(modified)?, as_map(current)?);
    let delta_options = diff::DiffOptions {
        ignore_deletions: true,
        set_element_order: true,
        ..Default::default()
    };
    let delta = diff::diff_maps(&current, &modified, schema, delta_options)?;
    let deletion_options = diff::DiffOptions {
        ignore_changes_and_additions: true,
        set_element_order: true,
        ..Default::default()
    };
    let deletions = diff::diff_maps(&original, &modified, schema, deletion_options)?;
    merge::merge_map(deletions, delta, schema, merge::COMBINE).map(Value::Object)
}

/// The strategic patch that turns `original` into `modified` (`CreateTwoWayMergePatch`),
/// as `kubectl edit`, `label`, `annotate` and `set image` compute it.
pub fn two_way_merge_patch(
    kind: &str,
    original: &Value,
    modified: &Value,
) -> Result<Value, String> {
    let options = diff::DiffOptions {
        set_element_order: true,
        ..Default::default()
    };
    diff::diff_maps(
        &as_map(original)?,
        &as_map(modified)?,
        Schema::for_kind(kind),
        options,
    )
    .map(Value::Object)
}

/// Whether a computed patch is `{}`, which `kubectl apply` reports as `unchanged` (it
/// compares the encoded patch with the string `{}`).
pub fn is_empty_patch(p: &Value) -> bool {
    matches!(p, Value::Object(m) if m.is_empty())
}

/// A document as a map; `null` is an empty document, anything else is not a document.
fn as_map(v: &Value) -> Result<Map<String, Value>, String> {
    match v {
        Value::Object(m) => Ok(m.clone()),
        Value::Null => Ok(Map::new()),
        _ => Err(golike::ERR_BAD_JSON_DOC.to_string()),
    }
}
