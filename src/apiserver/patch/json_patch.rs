//! RFC 6902 JSON Patch as the v1.32 API server applies it: `gopkg.in/evanphx/json-patch.v4`
//! v4.12.0, quirks included.
//!
//! The quirks that show: a `null` member counts as missing (a path through it does not
//! exist, and `test` against `null` succeeds on a missing member); `replace` on a missing
//! object member adds it; negative array indices count from the end; a path is split on
//! `/` without checking that it starts with one. Errors carry the library's texts, for
//! example `testing value /spec/replicas failed: test failed` or
//! `add operation does not apply: doc is missing path: "/a/b": missing value`.

use serde_json::{Map, Value};

/// `errors.Wrapf(ErrMissing, ...)` suffix.
const MISSING: &str = "missing value";
/// `ErrInvalidIndex`.
const INVALID_INDEX: &str = "invalid index referenced";

/// Checks that `ops` decodes as a JSON Patch document, returning the API server's 400
/// message otherwise, e.g. `json: cannot unmarshal object into Go value of type
/// jsonpatch.Patch`.
pub fn check_json_patch(ops: &Value) -> Result<(), String> {
    match ops {
        Value::Null => Ok(()),
        Value::Array(items) => match items
            .iter()
            .find(|v| !matches!(v, Value::Object(_) | Value::Null))
        {
            Some(bad) => Err(format!(
                "json: cannot unmarshal {} into Go value of type jsonpatch.Operation",
                json_word(bad)
            )),
            None => Ok(()),
        },
        other => Err(format!(
            "json: cannot unmarshal {} into Go value of type jsonpatch.Patch",
            json_word(other)
        )),
    }
}

/// The word Go's `json.UnmarshalTypeError` uses for a JSON value.
pub fn json_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Applies the RFC 6902 operations `ops` to `target`. On failure returns the library's
/// message. The API server answers such a failure with 422 `Invalid` and the message
/// [`super::JSON_PATCH_FAILED`], dropping this text, and a decode failure (see
/// [`check_json_patch`]) with 400 `BadRequest` and the decode message.
pub fn json_patch(target: &Value, ops: &Value) -> Result<Value, String> {
    check_json_patch(ops)?;
    let mut doc = target.clone();
    let empty = Vec::new();
    let ops = ops.as_array().unwrap_or(&empty);
    for op in ops {
        let empty_op = Map::new();
        let op = op.as_object().unwrap_or(&empty_op);
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("unknown");
        match kind {
            "add" => add(&mut doc, op)?,
            "remove" => remove(&mut doc, op)?,
            "replace" => replace(&mut doc, op)?,
            "move" => move_op(&mut doc, op)?,
            "test" => test(&mut doc, op)?,
            "copy" => copy(&mut doc, op)?,
            other => return Err(format!("Unexpected kind: {other}")),
        }
    }
    Ok(doc)
}

type Op = Map<String, Value>;

/// Reads a string member: `Err` carries the library's reason for a missing or non-string
/// member.
fn member<'a>(op: &'a Op, name: &str, missing: &str) -> Result<&'a str, String> {
    match op.get(name) {
        None | Some(Value::Null) => Err(format!("{missing}: {MISSING}")),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(format!(
            "json: cannot unmarshal {} into Go value of type string",
            json_word(other)
        )),
    }
}

fn path_of(op: &Op) -> Result<&str, String> {
    member(op, "path", "operation missing path field")
}

fn from_of(op: &Op) -> Result<&str, String> {
    member(op, "from", "operation, missing from field")
}

/// The operation's value; an absent `value` is `null`.
fn value_of(op: &Op) -> Value {
    op.get("value").cloned().unwrap_or(Value::Null)
}

/// Decodes `~1` and `~0` in one pass (RFC 6901).
fn decode_token(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, chars.peek()) {
            ('~', Some('1')) => {
                out.push('/');
                chars.next();
            }
            ('~', Some('0')) => {
                out.push('~');
                chars.next();
            }
            _ => out.push(c),
        }
    }
    out
}

/// Finds the container holding the last token of `path` and that token (upstream's
/// `findObject`). Every step must exist, be non-null and be an object or an array.
fn find_object<'a>(doc: &'a mut Value, path: &str) -> Option<(&'a mut Value, String)> {
    let split: Vec<&str> = path.split('/').collect();
    if split.len() < 2 {
        return None;
    }
    let (last, parts) = split[1..].split_last()?;
    let mut cur = doc;
    for part in parts {
        let token = decode_token(part);
        let next = match cur {
            Value::Object(m) => m.get_mut(&token)?,
            Value::Array(a) => {
                let i = array_index(a.len(), &token).ok()?;
                a.get_mut(i)?
            }
            _ => return None,
        };
        if !matches!(next, Value::Object(_) | Value::Array(_)) {
            return None;
        }
        cur = next;
    }
    Some((cur, decode_token(last)))
}

/// `strconv.Atoi`, with Go's error text.
fn atoi(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.Atoi: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.Atoi: parsing {s:?}: value out of range"))
}

fn invalid_index(idx: i64) -> String {
    format!("Unable to access invalid index: {idx}: {INVALID_INDEX}")
}

/// An existing element's index for get, set and remove; negative counts from the end.
fn array_index(len: usize, token: &str) -> Result<usize, String> {
    let idx = atoi(token)?;
    let len = len as i64;
    let adjusted = if idx < 0 {
        if idx < -len {
            return Err(invalid_index(idx));
        }
        idx + len
    } else {
        idx
    };
    if adjusted >= len {
        return Err(invalid_index(idx));
    }
    Ok(adjusted as usize)
}

/// The value at `key`, `None` for a missing or `null` member.
fn get(container: &Value, key: &str) -> Result<Option<Value>, String> {
    match container {
        Value::Object(m) => Ok(m.get(key).filter(|v| !v.is_null()).cloned()),
        Value::Array(a) => Ok(a
            .get(array_index(a.len(), key)?)
            .filter(|v| !v.is_null())
            .cloned()),
        _ => Ok(None),
    }
}

fn add_at(container: &mut Value, key: &str, val: Value) -> Result<(), String> {
    match container {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Value::Array(a) => {
            if key == "-" {
                a.push(val);
                return Ok(());
            }
            let idx = atoi(key)
                .map_err(|e| format!("value was not a proper array index: '{key}': {e}"))?;
            let size = a.len() as i64 + 1;
            if idx >= size || idx < -size {
                return Err(invalid_index(idx));
            }
            let at = if idx < 0 { idx + size } else { idx };
            a.insert(at as usize, val);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn remove_at(container: &mut Value, key: &str) -> Result<(), String> {
    match container {
        Value::Object(m) => match m.remove(key) {
            Some(_) => Ok(()),
            None => Err(format!(
                "Unable to remove nonexistent key: {key}: {MISSING}"
            )),
        },
        Value::Array(a) => {
            let i = array_index(a.len(), key)?;
            a.remove(i);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn set_at(container: &mut Value, key: &str, val: Value) -> Result<(), String> {
    match container {
        Value::Object(m) => {
            m.insert(key.to_string(), val);
            Ok(())
        }
        Value::Array(a) => {
            let i = array_index(a.len(), key)?;
            a[i] = val;
            Ok(())
        }
        _ => Ok(()),
    }
}

fn add(doc: &mut Value, op: &Op) -> Result<(), String> {
    let path =
        path_of(op).map_err(|_| format!("add operation failed to decode path: {MISSING}"))?;
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("add operation does not apply: doc is missing path: \"{path}\": {MISSING}")
    })?;
    add_at(con, &key, value_of(op)).map_err(|e| format!("error in add for path: '{path}': {e}"))
}

fn remove(doc: &mut Value, op: &Op) -> Result<(), String> {
    let path =
        path_of(op).map_err(|_| format!("remove operation failed to decode path: {MISSING}"))?;
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("remove operation does not apply: doc is missing path: \"{path}\": {MISSING}")
    })?;
    remove_at(con, &key).map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn replace(doc: &mut Value, op: &Op) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("replace operation failed to decode path: {e}"))?;
    if path.is_empty() {
        // A scalar value wraps a nil error upstream, so the operation silently does nothing.
        let val = value_of(op);
        if matches!(val, Value::Object(_) | Value::Array(_)) {
            *doc = val;
        }
        return Ok(());
    }
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("replace operation does not apply: doc is missing path: {path}: {MISSING}")
    })?;
    get(con, &key).map_err(|_| {
        format!("replace operation does not apply: doc is missing key: {path}: {MISSING}")
    })?;
    set_at(con, &key, value_of(op)).map_err(|e| format!("error in remove for path: '{path}': {e}"))
}

fn move_op(doc: &mut Value, op: &Op) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("move operation failed to decode from: {e}"))?;
    let (con, key) = find_object(doc, from).ok_or_else(|| {
        format!("move operation does not apply: doc is missing from path: {from}: {MISSING}")
    })?;
    let val = get(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    remove_at(con, &key).map_err(|e| format!("error in move for path: '{key}': {e}"))?;
    let path = path_of(op).map_err(|e| format!("move operation failed to decode path: {e}"))?;
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("move operation does not apply: doc is missing destination path: {path}: {MISSING}")
    })?;
    add_at(con, &key, val.unwrap_or(Value::Null))
        .map_err(|e| format!("error in move for path: '{path}': {e}"))
}

fn copy(doc: &mut Value, op: &Op) -> Result<(), String> {
    let from = from_of(op).map_err(|e| format!("copy operation failed to decode from: {e}"))?;
    let (con, key) = find_object(doc, from).ok_or_else(|| {
        format!("copy operation does not apply: doc is missing from path: {from}: {MISSING}")
    })?;
    let val = get(con, &key).map_err(|e| format!("error in copy for from: '{from}': {e}"))?;
    let path =
        path_of(op).map_err(|_| format!("copy operation failed to decode path: {MISSING}"))?;
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("copy operation does not apply: doc is missing destination path: {path}: {MISSING}")
    })?;
    add_at(con, &key, val.unwrap_or(Value::Null))
        .map_err(|e| format!("error while adding value during copy: {e}"))
}

fn test(doc: &mut Value, op: &Op) -> Result<(), String> {
    let path = path_of(op).map_err(|e| format!("test operation failed to decode path: {e}"))?;
    let failed = || format!("testing value {path} failed: test failed");
    let expected = op.get("value");
    if path.is_empty() {
        return if expected == Some(&*doc) {
            Ok(())
        } else {
            Err(failed())
        };
    }
    let (con, key) = find_object(doc, path).ok_or_else(|| {
        format!("test operation does not apply: is missing path: {path}: {MISSING}")
    })?;
    let actual = get(con, &key).map_err(|e| format!("error in test for path: '{path}': {e}"))?;
    match (actual, expected) {
        (None, Some(Value::Null)) => Ok(()),
        (Some(a), Some(e)) if a == *e => Ok(()),
        _ => Err(failed()),
    }
}
