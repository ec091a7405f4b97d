//! Merging two lists: upstream's `mergeSlice`. Scalars merge as a set (or lose the items
//! of a `$deleteFromPrimitiveList`); maps merge element by element on the merge key, after
//! the list patch's `$patch: delete` and `$patch: replace` elements are applied.

use serde_json::Value;

use super::golike::{
    dedupe_scalars, err_bad_arg_type, err_bad_patch_type, err_no_merge_key, same,
    slice_element_kind, JsonKind, GO_MAP,
};
use super::merge::{merge_map, MergeOptions};
use super::order::{
    find_map_in_slice, normalize_element_order, partition_maps, partition_primitives,
};
use super::schema::Schema;
use super::{DELETE_DIRECTIVE, DIRECTIVE_MARKER, REPLACE_DIRECTIVE};

/// Merges two lists (upstream's `mergeSlice`): scalars as a set (or, for a
/// `$deleteFromPrimitiveList`, by removal), maps element by element on the merge key.
pub fn merge_slice(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    key: &str,
    o: MergeOptions,
    is_delete_list: bool,
) -> Result<Vec<Value>, String> {
    merge_slice_with_view(original, patch, schema, key, o, is_delete_list).map(|(merged, _)| merged)
}

/// [`merge_slice`], also returning what a Go slice of the original list's length over its
/// storage reads afterwards (see [`LiveView`]).
pub fn merge_slice_with_view(
    original: Vec<Value>,
    patch: Vec<Value>,
    schema: Schema,
    key: &str,
    o: MergeOptions,
    is_delete_list: bool,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    if original.is_empty() && patch.is_empty() {
        return Ok((original, Vec::new()));
    }
    let kind = slice_element_kind(&[&original, &patch])?;
    let mut live = LiveView::new(&original);
    let (original, patch, merged) = if kind != JsonKind::Object {
        if o.merge_parallel_list && is_delete_list {
            let kept = original
                .iter()
                .filter(|v| !patch.iter().any(|d| same(d, v)))
                .cloned()
                .collect();
            return Ok((kept, original));
        }
        let both: Vec<Value> = original.iter().chain(patch.iter()).cloned().collect();
        (original, patch, dedupe_scalars(both))
    } else {
        if key.is_empty() {
            return Err("cannot merge lists without merge key for struct".to_string());
        }
        let (original, patch) = merge_special_elements(original, patch, key, &mut live)?;
        let merged = merge_plain_elements(original.clone(), &patch, key, schema, o, &mut live)?;
        (original, patch, merged)
    };
    let (patch_items, server_only) = if key.is_empty() {
        partition_primitives(merged, &patch)
    } else {
        partition_maps(merged, &patch, key)?
    };
    let merged = normalize_element_order(patch_items, server_only, &patch, &original, key, kind)?;
    Ok((merged, live.view))
}

/// The original list as upstream's `mergePatchIntoOriginal` still sees it after
/// `mergeSlice`: Go deletes list elements by shifting them left in place and appends into
/// spare capacity, so a slice of the original length over the same storage reads the
/// surviving elements, then appended ones, then stale leftovers. The capacity is taken to
/// be the next power of two, which is what Go's decoders give by appending one element at
/// a time. Worked example: live `[1 2 4]` (capacity 4), delete `1`, append `3` → the view
/// reads `[2 4 3]`, so `4` sorts before `3`.
struct LiveView {
    view: Vec<Value>,
    len: usize,
    cap: usize,
    detached: bool,
}

impl LiveView {
    fn new(list: &[Value]) -> LiveView {
        let cap = if list.is_empty() {
            0
        } else {
            list.len().next_power_of_two()
        };
        LiveView {
            view: list.to_vec(),
            len: list.len(),
            cap,
            detached: false,
        }
    }

    fn delete(&mut self, k: usize) {
        if self.detached || k >= self.len {
            return;
        }
        for i in k..self.len - 1 {
            if i + 1 < self.view.len() {
                self.view[i] = self.view[i + 1].clone();
            }
        }
        self.len -= 1;
    }

    fn push(&mut self, v: &Value) {
        if self.detached {
            return;
        }
        if self.len >= self.cap {
            // Go reallocates; later appends no longer touch the original storage.
            self.detached = true;
            return;
        }
        if self.len < self.view.len() {
            self.view[self.len] = v.clone();
        }
        self.len += 1;
    }
}

/// Applies the `$patch` elements of a list patch: `delete` removes every element with that
/// merge-key value, `replace` makes the rest of the patch the whole list.
fn merge_special_elements(
    mut original: Vec<Value>,
    patch: Vec<Value>,
    key: &str,
    live: &mut LiveView,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let mut plain = Vec::new();
    let mut replace = false;
    for v in patch {
        let Some(m) = v.as_object() else {
            return Err(err_bad_arg_type(GO_MAP, &v));
        };
        let Some(directive) = m.get(DIRECTIVE_MARKER) else {
            plain.push(v);
            continue;
        };
        match directive.as_str() {
            Some(DELETE_DIRECTIVE) => {
                let value = m.get(key).ok_or_else(|| err_no_merge_key(m, key))?;
                while let Some(i) = find_map_in_slice(&original, key, value)? {
                    original.remove(i);
                    live.delete(i);
                }
            }
            Some(REPLACE_DIRECTIVE) => replace = true,
            Some("merge") => {
                return Err("merging lists cannot yet be specified in the patch".to_string())
            }
            _ => return Err(err_bad_patch_type(directive, m)),
        }
    }
    if replace {
        // The replacement list is new storage: nothing appended later reaches the old one.
        live.detached = true;
        return Ok((plain, Vec::new()));
    }
    Ok((original, plain))
}

/// Merges each patch element into the original element with the same merge-key value, or
/// appends it.
fn merge_plain_elements(
    mut original: Vec<Value>,
    patch: &[Value],
    key: &str,
    schema: Schema,
    o: MergeOptions,
    live: &mut LiveView,
) -> Result<Vec<Value>, String> {
    for v in patch {
        let Some(m) = v.as_object() else {
            return Err(err_bad_arg_type(GO_MAP, v));
        };
        let value = m.get(key).ok_or_else(|| err_no_merge_key(m, key))?;
        match find_map_in_slice(&original, key, value)? {
            Some(i) => {
                let Value::Object(om) = std::mem::take(&mut original[i]) else {
                    continue;
                };
                original[i] = Value::Object(merge_map(om, m.clone(), schema, o)?);
            }
            None => {
                live.push(v);
                original.push(v.clone());
            }
        }
    }
    Ok(original)
}
