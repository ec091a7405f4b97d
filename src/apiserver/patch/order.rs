//! Element order in merged lists: upstream's `normalizeElementOrder` and its helpers.
//!
//! When a merging list is patched, the elements named by the patch keep the patch's order
//! (or the `$setElementOrder` list's), the elements only the server had keep the live
//! order, and the two runs are interleaved by live position. Worked example: live
//! `[a b c]`, patch `[c x]` → patch items `[c x]`, server-only `[a b]`; `a` and `b` come
//! before `c` live, so the result is `[a b c x]`.

use serde_json::{Map, Value};

use super::golike::{
    err_bad_arg_type, err_no_merge_key, go_stable_sort_by_position, same, same_opt, JsonKind,
    GO_MAP,
};
use super::{DELETE_DIRECTIVE, DIRECTIVE_MARKER};

/// Position of `val` in `list`, comparing merge-key values for maps and whole values
/// otherwise (upstream's `index`).
pub fn index_in(list: &[Value], val: &Value, key: &str, kind: JsonKind) -> Option<usize> {
    if kind == JsonKind::Object {
        let wanted = val.as_object().and_then(|m| m.get(key));
        list.iter()
            .position(|v| same_opt(wanted, v.as_object().and_then(|m| m.get(key))))
    } else {
        list.iter().position(|v| same(val, v))
    }
}

/// Checks that every element of every list is a map holding the merge key.
pub fn validate_merge_key_in_lists(key: &str, lists: &[&[Value]]) -> Result<(), String> {
    for list in lists {
        for item in list.iter() {
            let m = item
                .as_object()
                .ok_or_else(|| err_bad_arg_type(GO_MAP, item))?;
            if !m.contains_key(key) {
                return Err(err_no_merge_key(m, key));
            }
        }
    }
    Ok(())
}

/// Splits a list of maps into the elements to keep and those marked `$patch: delete`.
pub fn extract_to_delete_items(list: Vec<Value>) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut keep = Vec::new();
    let mut delete = Vec::new();
    for v in list {
        let m = v.as_object().ok_or_else(|| err_bad_arg_type(GO_MAP, &v))?;
        if m.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some(DELETE_DIRECTIVE) {
            delete.push(v);
        } else {
            keep.push(v);
        }
    }
    Ok((keep, delete))
}

/// Sorts `to_sort` by position in `order`; delete directives go last.
pub fn normalize_slice_order(
    to_sort: Vec<Value>,
    order: &[Value],
    key: &str,
    kind: JsonKind,
) -> Result<Vec<Value>, String> {
    let (to_sort, to_delete) = if kind == JsonKind::Object {
        validate_merge_key_in_lists(key, &[&to_sort, order])?;
        extract_to_delete_items(to_sort)?
    } else {
        (to_sort, Vec::new())
    };
    let mut sorted = go_stable_sort_by_position(to_sort, |v| index_in(order, v, key, kind));
    sorted.extend(to_delete);
    Ok(sorted)
}

/// Orders patch items by `patch_order` and server-only items by `server_order`, then
/// interleaves them by live position.
pub fn normalize_element_order(
    patch: Vec<Value>,
    server_only: Vec<Value>,
    patch_order: &[Value],
    server_order: &[Value],
    key: &str,
    kind: JsonKind,
) -> Result<Vec<Value>, String> {
    let patch = normalize_slice_order(patch, patch_order, key, kind)?;
    let server_only = normalize_slice_order(server_only, server_order, key, kind)?;
    Ok(merge_sorted_slice(
        server_only,
        patch,
        server_order,
        key,
        kind,
    ))
}

/// Upstream's `mergeSortedSlice`: walks both runs, taking the left (server-only) item
/// first only when both items have live positions and the left one comes earlier.
fn merge_sorted_slice(
    left: Vec<Value>,
    right: Vec<Value>,
    server_order: &[Value],
    key: &str,
    kind: JsonKind,
) -> Vec<Value> {
    let pos = |v: &Value| index_in(server_order, v, key, kind);
    let left_pos: Vec<Option<usize>> = left.iter().map(pos).collect();
    let right_pos: Vec<Option<usize>> = right.iter().map(pos).collect();
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    let mut left_iter = left.into_iter();
    let mut right_iter = right.into_iter();
    let (left_len, right_len) = (left_pos.len(), right_pos.len());
    while i < left_len || j < right_len {
        let take_left = if i >= left_len {
            false
        } else if j >= right_len {
            true
        } else {
            matches!((left_pos[i], right_pos[j]), (Some(l), Some(r)) if l < r)
        };
        let next = if take_left {
            i += 1;
            left_iter.next()
        } else {
            j += 1;
            right_iter.next()
        };
        out.extend(next);
    }
    out
}

/// Splits scalars into those present in `by` and the rest.
pub fn partition_primitives(list: Vec<Value>, by: &[Value]) -> (Vec<Value>, Vec<Value>) {
    list.into_iter()
        .partition(|v| by.iter().any(|b| same(b, v)))
}

/// Splits maps into those whose merge-key value appears in `by` and the rest.
pub fn partition_maps(
    list: Vec<Value>,
    by: &[Value],
    key: &str,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut present = Vec::new();
    let mut absent = Vec::new();
    for v in list {
        let m = v.as_object().ok_or_else(|| err_bad_arg_type(GO_MAP, &v))?;
        let val = m.get(key).ok_or_else(|| err_no_merge_key(m, key))?;
        if find_map_in_slice(by, key, val)?.is_some() {
            present.push(v);
        } else {
            absent.push(v);
        }
    }
    Ok((present, absent))
}

/// Index of the first map in `list` whose `key` equals `value`; every element must be a
/// map (upstream's `findMapInSliceBasedOnKeyValue`).
pub fn find_map_in_slice(
    list: &[Value],
    key: &str,
    value: &Value,
) -> Result<Option<usize>, String> {
    for (i, v) in list.iter().enumerate() {
        let m: &Map<String, Value> = v
            .as_object()
            .ok_or_else(|| format!("value for key {i} is not a map"))?;
        if m.get(key).is_some_and(|x| same(x, value)) {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Server-only items slot in by live position around the patch's items.
    #[test]
    fn server_only_items_interleave_by_live_position() {
        let live = vec![json!("a"), json!("c"), json!("b")];
        let patch = vec![json!("c"), json!("x")];
        let merged = normalize_element_order(
            patch.clone(),
            vec![json!("a"), json!("b")],
            &patch,
            &live,
            "",
            JsonKind::String,
        );
        assert_eq!(
            merged,
            Ok(vec![json!("a"), json!("c"), json!("x"), json!("b")])
        );
    }
}
