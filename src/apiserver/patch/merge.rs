//! Applying a strategic merge patch to a map: upstream's `mergeMap`. Lists are merged in
//! [`merge_list`](super::merge_list) and the ordering and retention directives are handled
//! in [`directives`](super::directives).
//!
//! The same routine also merges two patches into one when kubectl builds its three-way
//! patch; [`MergeOptions`] tells the two uses apart exactly as upstream does
//! (`MergeParallelList` and `IgnoreUnmatchedNulls` are true on the server, false when
//! combining patches, where directives and `null`s must survive).

use serde_json::{Map, Value};

use super::directives::{apply_retain_keys, merge_set_element_order};
use super::golike::{
    err_bad_patch_type, kind_of, ERR_BAD_PRIMITIVE_LIST, ERR_BAD_SET_ELEMENT_ORDER,
};
use super::merge_list::merge_slice;
use super::schema::{PatchStrategy, Schema};
use super::{DELETE_DIRECTIVE, DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE_MARKER, REPLACE_DIRECTIVE};

/// Upstream's `MergeOptions`.
#[derive(Clone, Copy, Debug)]
pub struct MergeOptions {
    /// Apply `$deleteFromPrimitiveList` and `$setElementOrder` (server) instead of carrying
    /// them along (combining patches).
    pub merge_parallel_list: bool,
    /// Drop `null`s that match nothing (server) instead of keeping them as deletions.
    pub ignore_unmatched_nulls: bool,
}

/// Options for applying a patch to an object, as the API server does.
pub const APPLY: MergeOptions = MergeOptions {
    merge_parallel_list: true,
    ignore_unmatched_nulls: true,
};
/// Options for merging one patch into another, as kubectl's three-way patch does.
pub const COMBINE: MergeOptions = MergeOptions {
    merge_parallel_list: false,
    ignore_unmatched_nulls: false,
};

/// Merges `patch` into `original` (upstream's `mergeMap`).
pub fn merge_map(
    mut original: Map<String, Value>,
    mut patch: Map<String, Value>,
    schema: Schema,
    o: MergeOptions,
) -> Result<Map<String, Value>, String> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        return match directive.as_str() {
            Some(REPLACE_DIRECTIVE) => {
                patch.remove(DIRECTIVE_MARKER);
                Ok(patch)
            }
            Some(DELETE_DIRECTIVE) => Ok(Map::new()),
            _ => Err(err_bad_patch_type(directive, &patch)),
        };
    }
    apply_retain_keys(&mut original, &mut patch, o)?;
    merge_set_element_order(&mut original, &mut patch, schema, o)?;

    for (key, patch_v) in patch {
        let mut k = key;
        let mut is_delete_list = false;
        if k.starts_with(DELETE_FROM_PRIMITIVE_LIST) {
            if !o.merge_parallel_list {
                original.insert(k, patch_v);
                continue;
            }
            k = extract_key(&k, DELETE_FROM_PRIMITIVE_LIST)?;
            is_delete_list = true;
        }
        if patch_v.is_null() {
            original.remove(&k);
            if o.ignore_unmatched_nulls {
                continue;
            }
        }
        let Some(slot) = original.get_mut(&k) else {
            if !is_delete_list {
                set_stripped(&mut original, k, patch_v, o);
            }
            continue;
        };
        if kind_of(slot) != kind_of(&patch_v) {
            if !is_delete_list {
                set_stripped(&mut original, k, patch_v, o);
            }
            continue;
        }
        let (meta, sub) = schema.field(&k);
        match (std::mem::take(slot), patch_v) {
            (Value::Object(ov), Value::Object(pv)) => {
                let merged = if meta.strategy == PatchStrategy::Replace {
                    pv
                } else {
                    merge_map(ov, pv, sub, o)?
                };
                original.insert(k, Value::Object(merged));
            }
            (Value::Array(ov), Value::Array(pv)) => {
                let merged = if meta.strategy == PatchStrategy::Merge || is_delete_list {
                    merge_slice(ov, pv, sub, meta.merge_key, o, is_delete_list)?
                } else {
                    pv
                };
                original.insert(k, Value::Array(merged));
            }
            (_, pv) => match remove_directives(pv) {
                Some(v) => {
                    original.insert(k, v);
                }
                None => {
                    original.remove(&k);
                }
            },
        }
    }
    Ok(original)
}

/// Takes a patch value for a key the original lacks (or holds with another type).
fn set_stripped(original: &mut Map<String, Value>, k: String, mut v: Value, o: MergeOptions) {
    if o.ignore_unmatched_nulls {
        discard_nulls(&mut v);
    }
    match remove_directives(v) {
        Some(v) => {
            original.insert(k, v);
        }
        None => {
            original.remove(&k);
        }
    }
}

/// Strips every map holding `$patch` (upstream's `removeDirectives`); `None` when `v` is
/// itself such a map.
pub fn remove_directives(v: Value) -> Option<Value> {
    match v {
        Value::Object(m) => {
            if m.contains_key(DIRECTIVE_MARKER) {
                return None;
            }
            Some(Value::Object(
                m.into_iter()
                    .filter_map(|(k, v)| remove_directives(v).map(|v| (k, v)))
                    .collect(),
            ))
        }
        Value::Array(items) => Some(Value::Array(
            items.into_iter().filter_map(remove_directives).collect(),
        )),
        other => Some(other),
    }
}

/// Drops `null`-valued keys at every depth (upstream's `discardNullValuesFromPatch`).
fn discard_nulls(v: &mut Value) {
    match v {
        Value::Object(m) => {
            m.retain(|_, v| !v.is_null());
            m.values_mut().for_each(discard_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(discard_nulls),
        _ => {}
    }
}

/// `$deleteFromPrimitiveList/finalizers` → `finalizers`.
pub fn extract_key(s: &str, prefix: &str) -> Result<String, String> {
    match s.split_once('/') {
        Some((p, rest)) if p == prefix => Ok(rest.to_string()),
        _ if prefix == DELETE_FROM_PRIMITIVE_LIST => Err(ERR_BAD_PRIMITIVE_LIST.to_string()),
        _ => Err(ERR_BAD_SET_ELEMENT_ORDER.to_string()),
    }
}
