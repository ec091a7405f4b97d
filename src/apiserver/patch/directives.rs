//! The strategic-merge directives that sit beside the fields they govern: `$retainKeys`
//! (clear every key not listed) and `$setElementOrder/<list>` (the order of a merged list),
//! upstream's `applyRetainKeysDirective` and `mergePatchIntoOriginal`.

use serde_json::{Map, Value};

use super::golike::{
    err_bad_arg_type, err_no_merge_key, go_fmt, go_fmt_list, same, slice_element_kind,
    ERR_BAD_RETAIN_KEYS, ERR_BAD_SET_ELEMENT_ORDER, GO_LIST, GO_MAP,
};
use super::merge::{extract_key, remove_directives, MergeOptions};
use super::merge_list::merge_slice_with_view;
use super::order::{
    extract_to_delete_items, normalize_element_order, partition_maps, partition_primitives,
};
use super::schema::{PatchStrategy, Schema};
use super::{DELETE_FROM_PRIMITIVE_LIST, DIRECTIVE_MARKER, RETAIN_KEYS, SET_ELEMENT_ORDER};

/// Applies `$retainKeys`: keys of `original` not listed are cleared, and every key the
/// patch sets must be listed. When combining patches the directive is only carried over.
pub fn apply_retain_keys(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    o: MergeOptions,
) -> Result<(), String> {
    let Some(retain) = patch.remove(RETAIN_KEYS) else {
        return Ok(());
    };
    if !o.merge_parallel_list {
        match original.get(RETAIN_KEYS) {
            Some(existing) if !same(existing, &retain) => {
                return Err(format!(
                    "{} and {} are not deep equal: this may happen when calculating the 3-way \
                     diff patch",
                    go_fmt(existing),
                    go_fmt(&retain)
                ));
            }
            Some(_) => {}
            None => {
                original.insert(RETAIN_KEYS.to_string(), retain);
            }
        }
        return Ok(());
    }
    let Value::Array(list) = retain else {
        return Err(ERR_BAD_RETAIN_KEYS.to_string());
    };
    let listed = |k: &str| list.iter().any(|v| v.as_str() == Some(k));
    for (k, v) in patch.iter() {
        if v.is_null()
            || k.starts_with(DELETE_FROM_PRIMITIVE_LIST)
            || k.starts_with(SET_ELEMENT_ORDER)
        {
            continue;
        }
        if !listed(k) {
            return Err(ERR_BAD_RETAIN_KEYS.to_string());
        }
    }
    original.retain(|k, _| listed(k));
    Ok(())
}

/// Handles each `$setElementOrder/<list>` with its list (upstream's
/// `mergePatchIntoOriginal`): merges the list and orders it as the directive says, the
/// server-only elements keeping their live places.
pub fn merge_set_element_order(
    original: &mut Map<String, Value>,
    patch: &mut Map<String, Value>,
    schema: Schema,
    o: MergeOptions,
) -> Result<(), String> {
    let keys: Vec<String> = patch
        .keys()
        .filter(|k| k.starts_with(SET_ELEMENT_ORDER))
        .cloned()
        .collect();
    for key in keys {
        let Some(order_v) = patch.remove(&key) else {
            continue;
        };
        if !o.merge_parallel_list {
            match original.get(&key) {
                Some(existing) if !same(existing, &order_v) => {
                    return Err(ERR_BAD_SET_ELEMENT_ORDER.to_string())
                }
                Some(_) => {}
                None => {
                    original.insert(key.clone(), order_v.clone());
                }
            }
        }
        let Value::Array(order) = order_v else {
            return Err(err_bad_arg_type(GO_LIST, &order_v));
        };
        let list_key = extract_key(&key, SET_ELEMENT_ORDER)?;
        let original_list = list_field(original.get(&list_key))?;
        let patch_list = list_field(patch.get(&list_key))?;
        let (meta, sub) = schema.field(&list_key);
        validate_patch_with_set_order_list(
            patch_list.as_deref().unwrap_or(&[]),
            &order,
            meta.merge_key,
        )?;

        // Upstream orders server-only items by the live list as it reads after merging,
        // through a slice that aliases the merged list's storage (see `LiveView`).
        let mut live_view = None;
        let merged = match (&original_list, &patch_list) {
            (Some(ov), None) => ov.clone(),
            (None, Some(pv)) => match remove_directives(Value::Array(pv.clone())) {
                Some(Value::Array(v)) => v,
                _ => continue,
            },
            (Some(ov), Some(pv)) if meta.strategy == PatchStrategy::Merge => {
                let (merged, view) =
                    merge_slice_with_view(ov.clone(), pv.clone(), sub, meta.merge_key, o, false)?;
                live_view = Some(view);
                merged
            }
            (Some(_), Some(pv)) => pv.clone(),
            (None, None) => continue,
        };
        let (patch_items, server_only) = if meta.merge_key.is_empty() {
            partition_primitives(merged, &order)
        } else {
            partition_maps(merged, &order, meta.merge_key)?
        };
        let live = live_view.or(original_list).unwrap_or_default();
        let kind = slice_element_kind(&[&live, patch_list.as_deref().unwrap_or(&[])])?;
        let both = normalize_element_order(
            patch_items,
            server_only,
            &order,
            &live,
            meta.merge_key,
            kind,
        )?;
        original.insert(list_key.clone(), Value::Array(both));
        patch.remove(&list_key);
    }
    Ok(())
}

/// A list-valued field that may be absent; present but not a list is an error.
fn list_field(v: Option<&Value>) -> Result<Option<Vec<Value>>, String> {
    match v {
        None => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items.clone())),
        Some(other) => Err(err_bad_arg_type(GO_LIST, other)),
    }
}

/// Checks that the patch list's elements appear in the `$setElementOrder` list in the same
/// relative order (deletions and other directives aside).
fn validate_patch_with_set_order_list(
    patch_list: &[Value],
    order: &[Value],
    key: &str,
) -> Result<(), String> {
    if order.is_empty() || patch_list.is_empty() {
        return Ok(());
    }
    let non_delete = if key.is_empty() {
        patch_list.to_vec()
    } else {
        extract_to_delete_items(patch_list.to_vec())?.0
    };
    let (mut pi, mut si) = (0, 0);
    while pi < non_delete.len() && si < order.len() {
        if non_delete[pi]
            .as_object()
            .is_some_and(|m| m.contains_key(DIRECTIVE_MARKER))
        {
            pi += 1;
            continue;
        }
        if merge_key_value_equal(&non_delete[pi], &order[si], key)? {
            pi += 1;
        }
        si += 1;
    }
    if pi < non_delete.len() && si >= order.len() {
        return Err(format!(
            "The order in patch list:\n{}\n doesn't match {SET_ELEMENT_ORDER} list:\n{}\n",
            go_fmt_list(patch_list),
            go_fmt_list(order)
        ));
    }
    Ok(())
}

fn merge_key_value_equal(left: &Value, right: &Value, key: &str) -> Result<bool, String> {
    if key.is_empty() {
        return Ok(same(left, right));
    }
    let l = left
        .as_object()
        .ok_or_else(|| err_bad_arg_type(GO_MAP, left))?;
    let r = right
        .as_object()
        .ok_or_else(|| err_bad_arg_type(GO_MAP, right))?;
    let lv = l.get(key).ok_or_else(|| err_no_merge_key(l, key))?;
    let rv = r.get(key).ok_or_else(|| err_no_merge_key(r, key))?;
    Ok(same(lv, rv))
}
