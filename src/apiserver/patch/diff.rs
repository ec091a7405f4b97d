//! Computing a strategic merge patch from two documents: upstream's `diffMaps` and
//! `diffLists`, which kubectl runs twice for `apply` (current → modified without
//! deletions, original → modified with deletions only) and once for two-way patches.

use serde_json::{Map, Value};

use super::golike::{
    dedupe_scalars, err_bad_arg_type, err_no_merge_key, go_sort_by_key, kind_of, same,
    slice_element_kind, sort_key, sort_scalars, JsonKind, ERR_NO_LIST_OF_LISTS, GO_MAP,
};
use super::order::normalize_slice_order;
use super::schema::{PatchStrategy, Schema};
use super::{
    DELETE_DIRECTIVE, DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE_MARKER, RETAIN_KEYS, SET_ELEMENT_ORDER,
};

/// Upstream's `DiffOptions`.
#[derive(Clone, Copy, Debug, Default)]
pub struct DiffOptions {
    /// Emit `$setElementOrder/<list>` for merging lists that changed.
    pub set_element_order: bool,
    /// Leave out additions and changes (keep only deletions).
    pub ignore_changes_and_additions: bool,
    /// Leave out deletions.
    pub ignore_deletions: bool,
    /// Emit `$retainKeys` for this map (its field has the `retainKeys` strategy).
    pub build_retain_keys: bool,
}

/// The patch that turns `original` into `modified` under the options.
pub fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    schema: Schema,
    o: DiffOptions,
) -> Result<Map<String, Value>, String> {
    let mut patch = Map::new();
    let mut retain_keys = Vec::new();
    for (key, modified_v) in modified {
        if o.build_retain_keys && !modified_v.is_null() {
            retain_keys.push(Value::String(key.clone()));
        }
        let Some(original_v) = original.get(key) else {
            if !o.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_v.clone());
            }
            continue;
        };
        if key == DIRECTIVE_MARKER {
            match (original_v.as_str(), modified_v.as_str()) {
                (Some(a), Some(b)) if a != b => {
                    patch.insert(key.clone(), modified_v.clone());
                }
                (Some(_), Some(_)) => {}
                _ => return Err(format!("invalid value for special key: {DIRECTIVE_MARKER}")),
            }
            continue;
        }
        if kind_of(original_v) != kind_of(modified_v) {
            if !o.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_v.clone());
            }
            continue;
        }
        match (original_v, modified_v) {
            (Value::Object(ov), Value::Object(mv)) => {
                diff_map_field(key, ov, mv, &mut patch, schema, o)?
            }
            (Value::Array(ov), Value::Array(mv)) => {
                diff_list_field(key, ov, mv, &mut patch, schema, o)?
            }
            _ => replace_if_not_equal(key, original_v, modified_v, &mut patch, o),
        }
    }
    if !o.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let original_has_more = original
        .iter()
        .any(|(k, v)| !v.is_null() && !modified.contains_key(k));
    if !retain_keys.is_empty() && (!patch.is_empty() || original_has_more) {
        patch.insert(
            RETAIN_KEYS.to_string(),
            Value::Array(sort_scalars(retain_keys)),
        );
    }
    Ok(patch)
}

fn replace_if_not_equal(
    key: &str,
    original: &Value,
    modified: &Value,
    patch: &mut Map<String, Value>,
    o: DiffOptions,
) {
    if !o.ignore_changes_and_additions && !same(original, modified) {
        patch.insert(key.to_string(), modified.clone());
    }
}

/// A map field: replaced whole under `patchStrategy:"replace"` (even when unchanged, as
/// upstream does), diffed recursively otherwise.
fn diff_map_field(
    key: &str,
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
    mut o: DiffOptions,
) -> Result<(), String> {
    let (meta, sub) = schema.field(key);
    o.build_retain_keys = meta.retain_keys;
    if meta.strategy == PatchStrategy::Replace {
        if !o.ignore_changes_and_additions {
            patch.insert(key.to_string(), Value::Object(modified.clone()));
        }
        return Ok(());
    }
    let sub_patch = diff_maps(original, modified, sub, o)?;
    if !sub_patch.is_empty() {
        patch.insert(key.to_string(), Value::Object(sub_patch));
    }
    Ok(())
}

/// A list field: merging lists yield additions, `$deleteFromPrimitiveList` and
/// `$setElementOrder`; other lists are replaced when they differ.
fn diff_list_field(
    key: &str,
    original: &[Value],
    modified: &[Value],
    patch: &mut Map<String, Value>,
    schema: Schema,
    mut o: DiffOptions,
) -> Result<(), String> {
    let (meta, sub) = schema.field(key);
    if meta.strategy != PatchStrategy::Merge {
        replace_if_not_equal(
            key,
            &Value::Array(original.to_vec()),
            &Value::Array(modified.to_vec()),
            patch,
            o,
        );
        return Ok(());
    }
    o.build_retain_keys = meta.retain_keys;
    let (add, delete, order) = diff_lists(original, modified, sub, meta.merge_key, o)?;
    if !add.is_empty() {
        patch.insert(key.to_string(), Value::Array(add));
    }
    if !delete.is_empty() {
        patch.insert(
            format!("{DELETE_FROM_PRIMITIVE_LIST}/{key}"),
            Value::Array(delete),
        );
    }
    if !order.is_empty() {
        patch.insert(format!("{SET_ELEMENT_ORDER}/{key}"), Value::Array(order));
    }
    Ok(())
}

type ListDiff = (Vec<Value>, Vec<Value>, Vec<Value>);

/// Upstream's `diffLists`: the patch list, the deletion list (scalars only) and the
/// `$setElementOrder` list.
fn diff_lists(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    key: &str,
    o: DiffOptions,
) -> Result<ListDiff, String> {
    if original.is_empty() {
        if modified.is_empty() || o.ignore_changes_and_additions {
            return Ok((Vec::new(), Vec::new(), Vec::new()));
        }
        return Ok((modified.to_vec(), Vec::new(), Vec::new()));
    }
    let kind = slice_element_kind(&[original, modified])?;
    match kind {
        JsonKind::Object => {
            let (patch_list, delete_list) = diff_lists_of_maps(original, modified, schema, key, o)?;
            let mut patch_list = normalize_slice_order(patch_list, modified, key, kind)?;
            let order_same = original.len() == modified.len()
                && original
                    .iter()
                    .zip(modified)
                    .all(|(a, b)| same_merge_key(a, b, key));
            patch_list.extend(delete_list);
            let mut order = Vec::new();
            let changed = !patch_list.is_empty();
            if o.set_element_order
                && ((!o.ignore_changes_and_additions && (changed || !order_same))
                    || (!o.ignore_deletions && changed))
            {
                for v in modified {
                    let mut entry = Map::new();
                    entry.insert(key.to_string(), v.get(key).cloned().unwrap_or(Value::Null));
                    order.push(Value::Object(entry));
                }
            }
            Ok((patch_list, Vec::new(), order))
        }
        JsonKind::Array => Err(ERR_NO_LIST_OF_LISTS.to_string()),
        _ => {
            let (add, delete) = diff_lists_of_scalars(original, modified, o);
            let add = normalize_slice_order(add, modified, key, kind)?;
            // Upstream sorts `original` in place while diffing, so a list that was only
            // reordered compares equal here and gets no `$setElementOrder`.
            let sorted_original = sort_scalars(original.to_vec());
            let changed = !same(
                &Value::Array(sorted_original),
                &Value::Array(modified.to_vec()),
            );
            let order = if o.set_element_order
                && ((!o.ignore_deletions && !delete.is_empty())
                    || (!o.ignore_changes_and_additions && changed))
            {
                modified.to_vec()
            } else {
                Vec::new()
            };
            Ok((add, delete, order))
        }
    }
}

/// Whether two list elements carry the same merge-key value (upstream's `isOrderSame`
/// step; a missing key counts as different).
fn same_merge_key(a: &Value, b: &Value, key: &str) -> bool {
    match (a.get(key), b.get(key)) {
        (Some(x), Some(y)) => same(x, y),
        _ => false,
    }
}

/// Additions and deletions between two lists of scalars, walking both sorted by `%v`.
fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    o: DiffOptions,
) -> (Vec<Value>, Vec<Value>) {
    let original = sort_scalars(original.to_vec());
    let modified = sort_scalars(modified.to_vec());
    let (mut i, mut j) = (0, 0);
    let mut add = Vec::new();
    let mut delete = Vec::new();
    while i < original.len() || j < modified.len() {
        let a = original.get(i).map(sort_key);
        let b = modified.get(j).map(sort_key);
        match (a, b) {
            (Some(a), Some(b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(a), Some(b)) if a < b => {
                if !o.ignore_deletions {
                    delete.push(original[i].clone());
                }
                i += 1;
            }
            (Some(_), None) => {
                if !o.ignore_deletions {
                    delete.push(original[i].clone());
                }
                i += 1;
            }
            _ => {
                if !o.ignore_changes_and_additions {
                    add.push(modified[j].clone());
                }
                j += 1;
            }
        }
    }
    (add, dedupe_scalars(delete))
}

/// Changes, additions and deletions between two lists of maps, matched on the merge key
/// after sorting both by the key's `%v` text.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    schema: Schema,
    key: &str,
    o: DiffOptions,
) -> Result<(Vec<Value>, Vec<Value>), String> {
    let original = sort_by_merge_key(original, key);
    let modified = sort_by_merge_key(modified, key);
    let mut patch = Vec::new();
    let mut deletions = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < original.len() || j < modified.len() {
        let a = original.get(i).map(|v| merge_key_of(v, key)).transpose()?;
        let b = modified.get(j).map(|v| merge_key_of(v, key)).transpose()?;
        match (a, b) {
            (Some((om, ov)), Some((mm, mv))) if sort_key(ov) == sort_key(mv) => {
                let mut sub = diff_maps(om, mm, schema, o)?;
                if !sub.is_empty() {
                    sub.insert(key.to_string(), mv.clone());
                    patch.push(Value::Object(sub));
                }
                i += 1;
                j += 1;
            }
            (Some((_, ov)), Some((_, mv))) if sort_key(ov) < sort_key(mv) => {
                push_deletion(&mut deletions, key, ov, o);
                i += 1;
            }
            (Some((_, ov)), None) => {
                push_deletion(&mut deletions, key, ov, o);
                i += 1;
            }
            (_, Some((mm, _))) => {
                if !o.ignore_changes_and_additions {
                    patch.push(Value::Object(mm.clone()));
                }
                j += 1;
            }
            (None, None) => break,
        }
    }
    Ok((patch, deletions))
}

fn push_deletion(deletions: &mut Vec<Value>, key: &str, value: &Value, o: DiffOptions) {
    if !o.ignore_deletions {
        let mut m = Map::new();
        m.insert(key.to_string(), value.clone());
        m.insert(
            DIRECTIVE_MARKER.to_string(),
            Value::String(DELETE_DIRECTIVE.to_string()),
        );
        deletions.push(Value::Object(m));
    }
}

fn merge_key_of<'a>(
    v: &'a Value,
    key: &str,
) -> Result<(&'a Map<String, Value>, &'a Value), String> {
    let m = v.as_object().ok_or_else(|| err_bad_arg_type(GO_MAP, v))?;
    let k = m.get(key).ok_or_else(|| err_no_merge_key(m, key))?;
    Ok((m, k))
}

/// Upstream's `sortMergeListsByNameArray` without recursion: maps by the `%v` of their
/// merge key (a missing key prints as `<nil>`).
fn sort_by_merge_key(list: &[Value], key: &str) -> Vec<Value> {
    go_sort_by_key(list.to_vec(), |v| {
        sort_key(v.get(key).unwrap_or(&Value::Null))
    })
}
