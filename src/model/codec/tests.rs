//! Golden tests for the codec. Every expected text in the tables below was printed by the
//! real kubectl 1.32 (see the generated files under `tests/`); `differential` re-checks
//! generated values against the kubectl on `PATH` when there is one.

mod differential;
mod error_cases;
mod json_cases;
mod parse_streams;
mod parse_values;
mod yaml_objects;
mod yaml_values;

use super::{parse_documents, to_json, to_yaml, try_to_yaml, ParseError};
use serde_json::{json, Value};

fn value(text: &str) -> Value {
    serde_json::from_str(text).expect("test input is JSON")
}

/// `-o yaml` for single values: quoting, escapes, literal blocks, folding, key order.
#[test]
fn yaml_matches_kubectl_for_values() {
    for (name, input, expected) in yaml_values::VALUES {
        assert_eq!(to_yaml(&value(input)), *expected, "case {name}");
    }
}

/// `-o yaml` for whole objects, fed the `-o json` text of the same `kubectl create`.
#[test]
fn yaml_matches_kubectl_for_created_objects() {
    for (name, json_text, expected) in yaml_objects::OBJECTS {
        assert_eq!(to_yaml(&value(json_text)), *expected, "{name}");
    }
}

/// `-o json`: sorted keys, 4-space indentation, Go's escapes and float formatting.
#[test]
fn json_matches_kubectl() {
    for (name, input, expected) in json_cases::JSON {
        let mut docs = parse_documents(input).expect("JSON input parses");
        assert_eq!(docs.len(), 1, "{name}");
        assert_eq!(to_json(&docs.remove(0)), *expected, "case {name}");
    }
}

/// Manifests read as kubectl reads them (YAML 1.1 values, merges, keys, documents, lists,
/// JSON streams): each object printed with `-o json` must match kubectl byte for byte.
#[test]
fn parsed_manifests_match_kubectl() {
    for (name, text, expected) in parse_values::PARSED_VALUES
        .iter()
        .chain(parse_streams::PARSED_STREAMS)
    {
        let docs = parse_documents(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let printed: Vec<String> = docs.iter().map(to_json).collect();
        assert_eq!(printed, *expected, "case {name}");
    }
}

/// Parse failures produce kubectl's exact error line.
#[test]
fn parse_errors_match_kubectl() {
    for (text, expected) in error_cases::ERRORS {
        match parse_documents(text) {
            Err(e) => assert_eq!(e.kubectl_message("STDIN"), *expected, "input {text:?}"),
            Ok(docs) => panic!("{text:?} parsed as {docs:?}, kubectl said {expected}"),
        }
    }
}

/// go-yaml counts lines from the start of the document and reports parser errors one line
/// early; `ParseError::line` keeps the real line in the file for the editor.
#[test]
fn parse_error_keeps_real_location() {
    let text = "a: 1\n---\nb: 2\nc:\n  d: e\n f: g\n";
    let err = parse_documents(text).unwrap_err();
    assert_eq!(
        err,
        ParseError {
            line: Some(6),
            column: Some(2),
            message: "error converting YAML to JSON: yaml: line 3: did not find expected key"
                .into(),
        }
    );
    let json_err = parse_documents("{\n  \"a\": 1,\n}").unwrap_err();
    assert_eq!((json_err.line, json_err.column), (Some(3), Some(1)));
}

/// YAML 1.1 meanings kubectl applies and YAML 1.2 (serde_yaml) does not: octal modes,
/// `yes`/`on`/`y` booleans, underscores in numbers; quoted forms stay strings.
#[test]
fn yaml_1_1_scalars_mean_what_they_mean_on_a_cluster() {
    let docs = parse_documents(
        "defaultMode: 0644\nmode: 0o755\nhex: 0x1F\nbig: 1_000\n\
         a: yes\nb: on\nc: y\nd: No\ne: off\nf: \"yes\"\ng: '0644'\nh: 08\non: key\n",
    )
    .expect("valid YAML");
    assert_eq!(
        docs,
        vec![json!({
            "defaultMode": 420, "mode": 493, "hex": 31, "big": 1000,
            "a": true, "b": true, "c": true, "d": false, "e": false,
            "f": "yes", "g": "0644", "h": 8, "true": "key",
        })]
    );
}

/// Lists (`kind: List` or `*List`) become their items; typed-list items without kind and
/// apiVersion get the list's; `null` documents disappear.
#[test]
fn lists_expand_and_null_documents_vanish() {
    let docs = parse_documents(
        "---\n# nothing\n---\nkind: PodList\napiVersion: v1\nitems:\n- metadata: {name: a}\n\
         - {kind: Service, apiVersion: v1}\n---\nkind: List\nitems: null\n",
    )
    .expect("valid YAML");
    assert_eq!(
        docs,
        vec![
            json!({"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "a"}}),
            json!({"kind": "Service", "apiVersion": "v1"}),
        ]
    );
}

/// YAML that kubectl prints reads back as the same value (the emitter's quoting agrees
/// with the reader's resolution).
#[test]
fn printed_yaml_reads_back_unchanged() {
    for (name, input, _) in yaml_values::VALUES {
        if name.contains("line_breaks") || *name == "numbers" {
            // NEL folds in Go's JSON-to-YAML step, and floats are normalised on input.
            continue;
        }
        let original = value(input);
        let reread = parse_documents(&to_yaml(&original)).expect("printed YAML parses");
        assert_eq!(reread, vec![original], "case {name}");
    }
}

/// kubectl cannot print a string holding DEL or C1 controls: go-yaml's reader rejects the
/// JSON it was given (`error: yaml: control characters are not allowed`).
#[test]
fn yaml_refuses_control_characters_like_kubectl() {
    let v = json!({"data": {"k": "a\u{7f}b"}});
    assert_eq!(
        try_to_yaml(&v),
        Err("yaml: control characters are not allowed".to_string())
    );
    assert_eq!(to_yaml(&v), "data:\n  k: \"a\\x7Fb\"\n");
    assert!(try_to_yaml(&json!({"k": "\u{85}"})).is_ok());
}

/// Deep nesting is refused with an error instead of exhausting the stack.
#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let json_text = format!("{{\"a\":{}1{}}}", "[".repeat(1200), "]".repeat(1200));
    let err = parse_documents(&json_text).unwrap_err();
    assert_eq!(
        err.message,
        "json: offset 1005: invalid character '[' exceeded max depth"
    );
    let yaml_text = format!("a: {}1{}\n", "[".repeat(300), "]".repeat(300));
    let err = parse_documents(&yaml_text).unwrap_err();
    assert!(
        err.message.contains("exceeded max depth"),
        "{}",
        err.message
    );
}

/// No input makes the codec panic: garbage built from YAML and JSON punctuation is parsed,
/// and whatever parses is printed both ways.
#[test]
fn garbage_never_panics() {
    const PIECES: &[&str] = &[
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        "-",
        "- ",
        "? ",
        "\"",
        "'",
        "\\",
        "\\u",
        "d83d",
        "\n",
        "\r\n",
        "  ",
        "\t",
        "#",
        "&a",
        "*a",
        "!",
        "!!str",
        "|",
        ">",
        "|2-",
        "---",
        "...",
        "<<: ",
        "a",
        "0x",
        "1e",
        "yes",
        "null",
        "é",
        "😀",
        "\u{85}",
        "\u{feff}",
        "\u{7f}",
        "%YAML 1.1",
        "1.5",
        "-0",
        "true",
    ];
    let mut state: u64 = 0x1234_5678_9ABC_DEF0;
    for _ in 0..3000 {
        let mut text = String::new();
        for _ in 0..(state % 24) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
        }
        if let Ok(docs) = parse_documents(&text) {
            for doc in &docs {
                let _ = to_json(doc);
                let _ = try_to_yaml(doc);
                let _ = to_yaml(doc);
            }
        }
    }
}
