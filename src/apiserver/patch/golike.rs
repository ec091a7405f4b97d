//! Go semantics the patch engine depends on: how Go compares and prints decoded JSON
//! (`==` on `interface{}`, `fmt`'s `%v`), the sort routines whose tie-breaking shows in
//! patches, and the error texts of `k8s.io/apimachinery/pkg/util/mergepatch`.
//!
//! Upstream decodes JSON into `map[string]interface{}` with `float64` numbers on the client
//! (kubectl) and `int64` integers on the server; numbers here compare by value, which agrees
//! with both wherever a real object can tell the difference.

use serde_json::{Map, Value};

/// `mergepatch.ErrBadJSONDoc`.
pub const ERR_BAD_JSON_DOC: &str = "invalid JSON document";
/// `mergepatch.ErrNoListOfLists`.
pub const ERR_NO_LIST_OF_LISTS: &str = "lists of lists are not supported";
/// `mergepatch.ErrBadPatchFormatForPrimitiveList`.
pub const ERR_BAD_PRIMITIVE_LIST: &str = "invalid patch format of primitive list";
/// `mergepatch.ErrBadPatchFormatForRetainKeys`.
pub const ERR_BAD_RETAIN_KEYS: &str = "invalid patch format of retainKeys";
/// `mergepatch.ErrBadPatchFormatForSetElementOrderList`.
pub const ERR_BAD_SET_ELEMENT_ORDER: &str = "invalid patch format of setElementOrder list";
/// `mergepatch.ErrPatchContentNotMatchRetainKeys`.
pub const ERR_NOT_MATCH_RETAIN_KEYS: &str = "patch content doesn't match retainKeys list";
/// `mergepatch.ErrUnsupportedStrategicMergePatchFormat`.
pub const ERR_UNSUPPORTED: &str = "strategic merge patch format is not supported";

/// The Go type of a decoded JSON object, as upstream's error messages name it.
pub const GO_MAP: &str = "map[string]interface {}";
/// The Go type of a decoded JSON list.
pub const GO_LIST: &str = "[]interface {}";

/// The Go type name `reflect.TypeOf` gives a decoded JSON value.
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "%!s(<nil>)",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int64",
        Value::String(_) => "string",
        Value::Array(_) => GO_LIST,
        Value::Object(_) => GO_MAP,
    }
}

/// `mergepatch.ErrBadArgType`: `expected a <expected>, but received a <type of actual>`.
pub fn err_bad_arg_type(expected: &str, actual: &Value) -> String {
    format!("expected a {expected}, but received a {}", go_type(actual))
}

/// `mergepatch.ErrNoMergeKey`.
pub fn err_no_merge_key(m: &Map<String, Value>, key: &str) -> String {
    format!(
        "map: {} does not contain declared merge key: {key}",
        go_fmt_map(m)
    )
}

/// `mergepatch.ErrBadPatchType`: `unknown patch type: <t> in map: <m>`.
pub fn err_bad_patch_type(t: &Value, m: &Map<String, Value>) -> String {
    let t = match t {
        Value::String(s) => s.clone(),
        other => format!("%!s({}={})", go_type(other), go_fmt(other)),
    };
    format!("unknown patch type: {t} in map: {}", go_fmt_map(m))
}

/// The kind of a JSON value, the way `reflect.TypeOf` distinguishes decoded values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JsonKind {
    /// `nil`.
    Null,
    /// `bool`.
    Bool,
    /// `float64` or `int64`.
    Number,
    /// `string`.
    String,
    /// `[]interface{}`.
    Array,
    /// `map[string]interface{}`.
    Object,
}

/// The kind of `v`.
pub fn kind_of(v: &Value) -> JsonKind {
    match v {
        Value::Null => JsonKind::Null,
        Value::Bool(_) => JsonKind::Bool,
        Value::Number(_) => JsonKind::Number,
        Value::String(_) => JsonKind::String,
        Value::Array(_) => JsonKind::Array,
        Value::Object(_) => JsonKind::Object,
    }
}

/// `reflect.DeepEqual` on decoded JSON, and Go's `==` on scalars. Numbers compare by value.
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

/// Go's `==` on two optional values, where a missing value is Go's `nil`.
pub fn same_opt(a: Option<&Value>, b: Option<&Value>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => same(a, b),
        (None, None) => true,
        (None, Some(Value::Null)) | (Some(Value::Null), None) => true,
        _ => false,
    }
}

/// `fmt.Sprintf("%v", v)`: `map[a:1 b:x]`, `[1 2]`, `<nil>`, floats in `%g` form.
pub fn go_fmt(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => go_fmt_float(n.as_f64().unwrap_or(0.0)),
        Value::String(s) => s.clone(),
        Value::Array(items) => go_fmt_list(items),
        Value::Object(m) => go_fmt_map(m),
    }
}

/// `%v` of a list: `[a b]`.
pub fn go_fmt_list(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(go_fmt).collect();
    format!("[{}]", parts.join(" "))
}

/// `%v` of a map: `map[k:v ...]` with keys sorted, as Go's `fmt` prints maps.
pub fn go_fmt_map(m: &Map<String, Value>) -> String {
    let mut entries: Vec<(&String, &Value)> = m.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let parts: Vec<String> = entries
        .iter()
        .map(|(k, v)| format!("{k}:{}", go_fmt(v)))
        .collect();
    format!("map[{}]", parts.join(" "))
}

/// `%v` of a `float64`: the shortest digits, in exponent form (`1e+06`) when the decimal
/// exponent is below -4 or at least 6, as `strconv.FormatFloat(f, 'g', -1, 64)` decides.
pub fn go_fmt_float(f: f64) -> String {
    if f == 0.0 || !f.is_finite() {
        return format!("{f}");
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// The sort key upstream uses for scalars and merge-key values: their `%v` text.
pub fn sort_key(v: &Value) -> String {
    go_fmt(v)
}

/// Sorts `items` by string keys the way `sort.Sort` does with upstream's `Less`, which is
/// `a <= b`: for up to 12 elements Go runs an insertion sort, under which equal keys come
/// out in reverse order; longer lists are sorted stably (equal keys are then rare enough
/// not to matter).
pub fn go_sort_by_key<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Vec<T> {
    let mut keyed: Vec<(String, T)> = items.into_iter().map(|t| (key(&t), t)).collect();
    if keyed.len() <= 12 {
        for i in 1..keyed.len() {
            let mut j = i;
            while j > 0 && keyed[j].0 <= keyed[j - 1].0 {
                keyed.swap(j, j - 1);
                j -= 1;
            }
        }
    } else {
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
    }
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// `sort.SliceStable` with upstream's order-by-position `Less`: items found in the order
/// list sort by their position there; when either item is missing, `Less` says "true".
/// With every position known this is a plain stable sort; otherwise Go's insertion sort is
/// reproduced step by step, since its result then depends on the algorithm.
pub fn go_stable_sort_by_position<T>(
    items: Vec<T>,
    position: impl Fn(&T) -> Option<usize>,
) -> Vec<T> {
    let mut keyed: Vec<(Option<usize>, T)> = items.into_iter().map(|t| (position(&t), t)).collect();
    if keyed.iter().all(|(p, _)| p.is_some()) {
        keyed.sort_by_key(|(p, _)| *p);
    } else {
        let less = |a: Option<usize>, b: Option<usize>| match (a, b) {
            (Some(a), Some(b)) => a < b,
            _ => true,
        };
        for i in 1..keyed.len() {
            let mut j = i;
            while j > 0 && less(keyed[j].0, keyed[j - 1].0) {
                keyed.swap(j, j - 1);
                j -= 1;
            }
        }
    }
    keyed.into_iter().map(|(_, t)| t).collect()
}

/// Upstream's `sortScalars`: by `%v` text.
pub fn sort_scalars(items: Vec<Value>) -> Vec<Value> {
    go_sort_by_key(items, sort_key)
}

/// Upstream's `deduplicateScalars`, including its habit of moving the last element into
/// the place of each duplicate it drops.
pub fn dedupe_scalars(mut s: Vec<Value>) -> Vec<Value> {
    if s.is_empty() {
        return s;
    }
    let mut length = s.len() - 1;
    let mut i = 0;
    while i < length {
        let mut j = i + 1;
        while j <= length {
            if same(&s[i], &s[j]) {
                s[j] = s[length].clone();
                s.truncate(length);
                length -= 1;
                // Re-examine position j, which now holds the former last element.
                continue;
            }
            j += 1;
        }
        i += 1;
    }
    s
}

/// The element kind of the given lists (upstream's `sliceElementType`): all elements must
/// share one kind, which must not be a list.
pub fn slice_element_kind(slices: &[&[Value]]) -> Result<JsonKind, String> {
    let mut prev: Option<JsonKind> = None;
    for s in slices {
        for v in s.iter() {
            let k = kind_of(v);
            match prev {
                None if k == JsonKind::Array => return Err(ERR_NO_LIST_OF_LISTS.to_string()),
                None if k == JsonKind::Null => return Err(not_identical(slices)),
                None => prev = Some(k),
                Some(p) if p != k => return Err(not_identical(slices)),
                Some(_) => {}
            }
        }
    }
    prev.ok_or_else(|| "no elements in any of the given slices".to_string())
}

fn not_identical(slices: &[&[Value]]) -> String {
    let parts: Vec<String> = slices.iter().map(|s| go_fmt_list(s)).collect();
    format!(
        "list element types are not identical: [{}]",
        parts.join(" ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Go prints `float64(1000000)` as `1e+06` and `0.00001` as `1e-05` under `%v`.
    #[test]
    fn floats_print_like_go_percent_v() {
        assert_eq!(go_fmt(&json!(8080)), "8080");
        assert_eq!(go_fmt(&json!(123456)), "123456");
        assert_eq!(go_fmt(&json!(1000000)), "1e+06");
        assert_eq!(go_fmt(&json!(1234567)), "1.234567e+06");
        assert_eq!(go_fmt(&json!(0.5)), "0.5");
        assert_eq!(go_fmt(&json!(0.00001)), "1e-05");
        assert_eq!(
            go_fmt(&json!({"b": [1, "x"], "a": null})),
            "map[a:<nil> b:[1 x]]"
        );
    }

    /// `deduplicateScalars` moves the last element into a dropped duplicate's place.
    #[test]
    fn dedupe_moves_the_last_element_forward() {
        assert_eq!(
            dedupe_scalars(vec![json!(1), json!(1), json!(2), json!(3)]),
            vec![json!(1), json!(3), json!(2)]
        );
        assert_eq!(
            dedupe_scalars(vec![json!("a"), json!("a"), json!("a")]),
            vec![json!("a")]
        );
    }

    /// Go's insertion sort with `Less = a <= b` reverses equal keys.
    #[test]
    fn short_sorts_reverse_equal_keys_like_go() {
        let sorted = go_sort_by_key(vec![("b", 1), ("a", 2), ("b", 3)], |p| p.0.to_string());
        assert_eq!(sorted, vec![("a", 2), ("b", 3), ("b", 1)]);
    }
}
