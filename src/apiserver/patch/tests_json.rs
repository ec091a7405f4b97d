//! Tests of the JSON patch and JSON merge patch types: the RFC 6902 and RFC 7386 example
//! vectors, and `evanphx/json-patch` v4.12.0's own cases and error texts.

use serde_json::{json, Value};

use super::{
    check_json_patch, check_merge_patch, json_merge_patch, json_patch, strategic_error_code,
};

fn parse(s: &str) -> Value {
    match serde_json::from_str(s) {
        Ok(v) => v,
        Err(e) => panic!("bad JSON in a test table: {s}: {e}"),
    }
}

/// Runs a table of `target | patch | want` lines through `f`; `want` is JSON, or `!` and
/// the expected error message.
fn check_table(table: &str, f: impl Fn(&Value, &Value) -> Result<Value, String>) {
    for line in table
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let cols: Vec<&str> = line.split(" | ").collect();
        assert_eq!(cols.len(), 3, "bad table line: {line}");
        let want = match cols[2].strip_prefix('!') {
            Some(message) => Err(message.to_string()),
            None => Ok(parse(cols[2])),
        };
        assert_eq!(f(&parse(cols[0]), &parse(cols[1])), want, "{line}");
    }
}

/// RFC 7386 appendix A, every vector, plus v4's pruning of `null`s in new values.
#[test]
fn merge_patch_follows_rfc_7386_appendix_a() {
    let table = r#"
        {"a":"b"} | {"a":"c"} | {"a":"c"}
        {"a":"b"} | {"b":"c"} | {"a":"b","b":"c"}
        {"a":"b"} | {"a":null} | {}
        {"a":"b","b":"c"} | {"a":null} | {"b":"c"}
        {"a":["b"]} | {"a":"c"} | {"a":"c"}
        {"a":"c"} | {"a":["b"]} | {"a":["b"]}
        {"a":{"b":"c"}} | {"a":{"b":"d","c":null}} | {"a":{"b":"d"}}
        {"a":[{"b":"c"}]} | {"a":[1]} | {"a":[1]}
        ["a","b"] | ["c","d"] | ["c","d"]
        {"a":"b"} | ["c"] | ["c"]
        {"a":"foo"} | "bar" | "bar"
        {"e":null} | {"a":1} | {"e":null,"a":1}
        [1,2] | {"a":"b","c":null} | {"a":"b"}
        {} | {"a":{"bb":{"ccc":null}}} | {"a":{"bb":{}}}
        # evanphx v4 prunes nulls inside a value set where no object was, lists included...
        {"a":"x"} | {"a":[{"b":null}]} | {"a":[{}]}
        # ...but not inside a value that replaces an object.
        {"a":{"x":1}} | {"a":[{"b":null}]} | {"a":[{"b":null}]}
    "#;
    check_table(table, |t, p| Ok(json_merge_patch(t, p)));
}

/// The API server rejects a merge patch that is a scalar or `null` with `Invalid JSON Patch`.
#[test]
fn scalar_merge_patches_are_rejected() {
    assert_eq!(
        check_merge_patch(&json!("x")),
        Err("Invalid JSON Patch".to_string())
    );
    assert_eq!(
        check_merge_patch(&Value::Null),
        Err("Invalid JSON Patch".to_string())
    );
    assert_eq!(check_merge_patch(&json!({"a": 1})), Ok(()));
}

/// RFC 6902 appendix A and evanphx v4's `Cases`, including negative indices, a
/// whole-document `replace` and the quirks of `null`.
#[test]
fn json_patch_applies_rfc_6902_operations() {
    let table = r#"
        {"foo":"bar"} | [{"op":"add","path":"/baz","value":"qux"}] | {"baz":"qux","foo":"bar"}
        {"foo":["bar","baz"]} | [{"op":"add","path":"/foo/1","value":"qux"}] | {"foo":["bar","qux","baz"]}
        {"foo":["bar","baz"]} | [{"op":"add","path":"/foo/-1","value":"q"}] | {"foo":["bar","baz","q"]}
        {"baz":"qux","foo":"bar"} | [{"op":"remove","path":"/baz"}] | {"foo":"bar"}
        {"foo":["bar","qux","baz"]} | [{"op":"remove","path":"/foo/1"}] | {"foo":["bar","baz"]}
        {"foo":["bar","qux","baz"]} | [{"op":"remove","path":"/foo/-2"}] | {"foo":["bar","baz"]}
        {"baz":"qux"} | [{"op":"replace","path":"/baz","value":"boo"}] | {"baz":"boo"}
        {"foo":{"waldo":"fred"},"qux":{}} | [{"op":"move","from":"/foo/waldo","path":"/qux/thud"}] | {"foo":{},"qux":{"thud":"fred"}}
        {"foo":["all","grass","cows","eat"]} | [{"op":"move","from":"/foo/1","path":"/foo/3"}] | {"foo":["all","cows","eat","grass"]}
        {"foo":["bar"]} | [{"op":"add","path":"/foo/-","value":["abc"]}] | {"foo":["bar",["abc"]]}
        {"foo":"bar"} | [{"op":"add","path":"/baz","value":null}] | {"baz":null,"foo":"bar"}
        {"foo":["bar"]} | [{"op":"copy","path":"/foo/0","from":"/foo"}] | {"foo":[["bar"],"bar"]}
        {"foo":[]} | [{"op":"add","path":"/foo/-1","value":"qux"}] | {"foo":["qux"]}
        {"baz/foo":"qux"} | [{"op":"test","path":"/baz~1foo","value":"qux"}] | {"baz/foo":"qux"}
        # v4 quirk: `replace` of a missing object member adds it.
        {"a":1} | [{"op":"replace","path":"/b","value":2}] | {"a":1,"b":2}
        {"id":"0"} | [{"op":"test","path":"","value":{"id":"0"}},{"op":"replace","path":"","value":{"id":"1"}}] | {"id":"1"}
        # A `test` of `null` succeeds on a missing member.
        {"baz":"qux"} | [{"op":"test","path":"/foo","value":null}] | {"baz":"qux"}
    "#;
    check_table(table, json_patch);
}

/// The messages `evanphx/json-patch` v4.12.0 gives for failed operations.
#[test]
fn json_patch_failures_carry_the_library_messages() {
    let table = r#"
        {"baz":"qux"} | [{"op":"test","path":"/baz","value":"bar"}] | !testing value /baz failed: test failed
        {"foo":["a",2]} | [{"op":"test","path":"/foo/1","value":"c"}] | !testing value /foo/1 failed: test failed
        {"foo":{}} | [{"op":"test","path":"/foo","value":null}] | !testing value /foo failed: test failed
        {"r":3} | [{"op":"test","path":"/r","value":3.0}] | !testing value /r failed: test failed
        {"foo":"bar"} | [{"op":"add","path":"/baz/bat","value":"qux"}] | !add operation does not apply: doc is missing path: "/baz/bat": missing value
        {"a":{"b":{"d":1}}} | [{"op":"remove","path":"/a/b/c"}] | !error in remove for path: '/a/b/c': Unable to remove nonexistent key: c: missing value
        {"a":{"b":[1]}} | [{"op":"remove","path":"/a/b/1"}] | !error in remove for path: '/a/b/1': Unable to access invalid index: 1: invalid index referenced
        {"foo":["bar"]} | [{"op":"replace","path":"/foo/2","value":"bum"}] | !replace operation does not apply: doc is missing key: /foo/2: missing value
        {"foo":["bar"]} | [{"op":"add","path":"/foo/-4","value":"bum"}] | !error in add for path: '/foo/-4': Unable to access invalid index: -4: invalid index referenced
        {"foo":["bar"]} | [{"op":"add","path":"/foo/x","value":1}] | !error in add for path: '/foo/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax
        {"foo":"bar"} | [{"op":"add","pathz":"/baz","value":"qux"}] | !add operation failed to decode path: missing value
        {"foo":"bar"} | [{"op":"add","path":"","value":"qux"}] | !add operation does not apply: doc is missing path: "": missing value
        {"a":{"b":{"d":1}}} | [{"op":"move","from":"/a/b/c","path":"/a/b/e"}] | !error in move for path: 'c': Unable to remove nonexistent key: c: missing value
        {"foo":["all","grass"]} | [{"op":"move","from":"/foo/1","path":"/foo/2"}] | !error in move for path: '/foo/2': Unable to access invalid index: 2: invalid index referenced
        {} | [{"op":"copy","from":null}] | !copy operation failed to decode from: operation, missing from field: missing value
        {} | [{"op":null,"path":""}] | !Unexpected kind: unknown
        {} | [{"op":"frobnicate","path":"/a"}] | !Unexpected kind: frobnicate
    "#;
    check_table(table, json_patch);
}

/// A patch that is not a list of operations fails to decode, with Go's `json` message.
#[test]
fn json_patch_decode_errors_match_go() {
    let object = "json: cannot unmarshal object into Go value of type jsonpatch.Patch";
    assert_eq!(
        check_json_patch(&json!({"op": "add"})),
        Err(object.to_string())
    );
    let element = "json: cannot unmarshal string into Go value of type jsonpatch.Operation";
    assert_eq!(check_json_patch(&json!(["add"])), Err(element.to_string()));
    assert_eq!(
        json_patch(&json!({"a": 1}), &Value::Null),
        Ok(json!({"a": 1}))
    );
}

/// `interpretStrategicMergePatchError`: 400 for bad directive formats, 422 for lists of
/// lists, and a plain error (500) for the rest, e.g. a missing merge key.
#[test]
fn strategic_errors_map_to_the_api_server_codes() {
    assert_eq!(
        strategic_error_code("invalid patch format of retainKeys"),
        400
    );
    assert_eq!(
        strategic_error_code("lists of lists are not supported"),
        422
    );
    assert_eq!(
        strategic_error_code(
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        ),
        400
    );
    assert_eq!(
        strategic_error_code("map: map[image:x] does not contain declared merge key: name"),
        500
    );
}
