//! Reading a manifest the way `kubectl apply -f` / `kubectl create -f` does.
//!
//! kubectl's resource builder (`StreamVisitor` over apimachinery's `YAMLOrJSONDecoder`)
//! sniffs the input: if the first non-space character is `{` the whole stream is JSON,
//! read with Go's `json.Decoder` (several concatenated values are fine). Otherwise it is
//! YAML, cut into documents by a line reader at lines starting with `---`, and each
//! document is converted to JSON with `sigs.k8s.io/yaml` (go-yaml v2, YAML 1.1). Empty and
//! `null` documents are skipped. Objects with an `items` array (a `List`, `PodList`…) are
//! then expanded into their items, as the builder's `Flatten()` does.
//!
//! Errors carry kubectl's exact text, including go-yaml's line numbering, which counts
//! from the start of the document (not the file) and, for parser errors (as opposed to
//! scanner errors), is one less than the real line.

use super::convert::to_json_value;
use super::json_read::read_value;
use super::json_scan::split_stream;
use super::yaml_in::NodeSeed;
use serde::de::DeserializeSeed;
use serde_json::Value;
use std::fmt;

/// A manifest kubectl could not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// The real 1-based line of the problem in the whole text, when known.
    pub line: Option<usize>,
    /// The 1-based column of the problem, when known.
    pub column: Option<usize>,
    /// Upstream's error text after `error parsing <source>: `, for example
    /// `error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context`.
    pub message: String,
}

impl ParseError {
    /// The complete line kubectl prints for this failure when reading `source` (the file
    /// path, or `STDIN` for `-f -`).
    pub fn kubectl_message(&self, source: &str) -> String {
        format!("error: error parsing {source}: {}", self.message)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ParseError {}

/// Parses a manifest into its objects, in order: YAML documents or concatenated JSON
/// values, with `null` documents skipped and lists expanded into their items.
///
/// Documents that are not objects (a bare list or string) are returned as they are; the
/// caller reports them the way kubectl's decoder does.
pub fn parse_documents(text: &str) -> Result<Vec<Value>, ParseError> {
    let docs = if text.trim_start().starts_with('{') {
        parse_json_stream(text)?
    } else {
        let mut docs = Vec::new();
        for (chunk, first_line) in split_yaml_documents(text)? {
            docs.push(parse_yaml_document(&chunk, first_line)?);
        }
        docs
    };
    Ok(expand_lists(docs.into_iter().filter(|d| !d.is_null())))
}

/// Line and column (1-based) of a byte offset.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn parse_json_stream(text: &str) -> Result<Vec<Value>, ParseError> {
    let ranges = split_stream(text).map_err(|e| {
        let (line, column) = position(text, e.index.unwrap_or(text.len()));
        ParseError {
            line: Some(line),
            column: Some(column),
            message: e.message,
        }
    })?;
    let mut docs = Vec::new();
    for (start, end) in ranges {
        let value = read_value(text.get(start..end).unwrap_or("")).map_err(|message| {
            let (line, column) = position(text, start);
            ParseError {
                line: Some(line),
                column: Some(column),
                message,
            }
        })?;
        docs.push(value);
    }
    Ok(docs)
}

/// apimachinery's `YAMLReader`: documents end at lines starting with `---`, which may only
/// be followed by spaces or a comment. Each document comes with the number of its first line.
fn split_yaml_documents(text: &str) -> Result<Vec<(String, usize)>, ParseError> {
    let mut docs = Vec::new();
    let mut buffer = String::new();
    let mut buffer_line = 1;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let line = match raw.strip_suffix('\n') {
            Some(l) => l.strip_suffix('\r').unwrap_or(l),
            None => raw,
        };
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return Err(ParseError {
                    line: Some(index + 1),
                    column: Some(4),
                    message: format!("invalid Yaml document separator: {rest}"),
                });
            }
            if !buffer.is_empty() {
                docs.push((std::mem::take(&mut buffer), buffer_line));
            }
            continue;
        }
        if buffer.is_empty() {
            buffer_line = index + 1;
        }
        buffer.push_str(line);
        buffer.push('\n');
    }
    if !buffer.is_empty() {
        docs.push((buffer, buffer_line));
    }
    Ok(docs)
}

/// Characters go-yaml's reader accepts (YAML 1.1's printable set).
fn allowed_by_reader(c: char) -> bool {
    matches!(c as u32, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x85 | 0xA0..=0xD7FF | 0xE000..=0xFFFD | 0x10000..)
}

/// One document through `yaml.Unmarshal` into JSON. Only the first YAML document of the
/// chunk counts (go-yaml ignores anything after a `...` end marker).
fn parse_yaml_document(chunk: &str, first_line: usize) -> Result<Value, ParseError> {
    let convert_error = |message: String| ParseError {
        line: None,
        column: None,
        message: format!("error converting YAML to JSON: {message}"),
    };
    if let Some(offset) = chunk.find(|c| !allowed_by_reader(c)) {
        let (line, column) = position(chunk, offset);
        return Err(ParseError {
            line: Some(first_line + line - 1),
            column: Some(column),
            ..convert_error("yaml: control characters are not allowed".into())
        });
    }
    // go-yaml's reader drops a byte order mark at the start of its input; libyaml as used
    // by serde_yaml would read it as part of the first key.
    let chunk = chunk.strip_prefix('\u{feff}').unwrap_or(chunk);
    let Some(document) = serde_yaml::Deserializer::from_str(chunk).next() else {
        return Ok(Value::Null);
    };
    let node = NodeSeed { src: chunk }
        .deserialize(document)
        .map_err(|e| yaml_error(&e, chunk, first_line))?;
    to_json_value(node).map_err(convert_error)
}

/// libyaml problems raised by the parser (not the scanner); go-yaml prints their
/// 0-based line, one less than the real line.
const PARSER_PROBLEMS: &[&str] = &[
    "did not find expected <stream-start>",
    "did not find expected <document start>",
    "found undefined tag handle",
    "did not find expected node content",
    "did not find expected '-' indicator",
    "did not find expected key",
    "did not find expected ',' or ']'",
    "did not find expected ',' or '}'",
    "found duplicate %YAML directive",
    "found incompatible YAML document",
    "found duplicate %TAG directive",
];

/// Maps a serde_yaml error to go-yaml's message and the real location.
fn yaml_error(e: &serde_yaml::Error, chunk: &str, first_line: usize) -> ParseError {
    let text = e.to_string();
    let location = e.location();
    let line = location.as_ref().map(|l| l.line());
    let column = location.as_ref().map(|l| l.column());
    let real_line = line.map(|l| first_line + l.saturating_sub(1));
    let problem = [" at line ", " at position ", ", while "]
        .iter()
        .filter_map(|sep| text.find(sep))
        .min()
        .map_or(text.as_str(), |end| &text[..end]);
    let yaml_message = if problem.starts_with("unknown anchor") {
        format!(
            "unknown anchor '{}' referenced",
            anchor_at(chunk, line, column)
        )
    } else if problem.starts_with("recursion limit exceeded") {
        // serde_yaml stops at 128 levels; go-yaml v2 has no limit of its own.
        "exceeded max depth of 128".to_string()
    } else if problem.starts_with("repetition limit exceeded") {
        "document contains excessive aliasing".to_string()
    } else {
        // go-yaml's `parser.fail`: scanner errors report the real line, parser errors the
        // 0-based one, and nothing is printed when that number is 0.
        let zero_based = line.unwrap_or(1).saturating_sub(1);
        let go_line = if PARSER_PROBLEMS.contains(&problem) {
            zero_based
        } else if zero_based == 0 {
            0
        } else {
            zero_based + 1
        };
        if go_line == 0 {
            problem.to_string()
        } else {
            format!("line {go_line}: {problem}")
        }
    };
    ParseError {
        line: real_line,
        column,
        message: format!("error converting YAML to JSON: yaml: {yaml_message}"),
    }
}

/// The alias name at a 1-based line and column (the `*name` serde_yaml points at).
fn anchor_at(chunk: &str, line: Option<usize>, column: Option<usize>) -> String {
    let (Some(line), Some(column)) = (line, column) else {
        return String::new();
    };
    let text = chunk.lines().nth(line.saturating_sub(1)).unwrap_or("");
    text.chars()
        .skip(column.saturating_sub(1))
        .skip_while(|&c| c == '*')
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect()
}

/// The builder's list flattening: an object with an `items` array becomes its items.
/// Items with neither `kind` nor `apiVersion` take the list's kind without its `List`
/// suffix and the list's `apiVersion` (unstructured `decodeToList`).
fn expand_lists(docs: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut out = Vec::new();
    for doc in docs {
        let Value::Object(mut map) = doc else {
            out.push(doc);
            continue;
        };
        let items = match map.remove("items") {
            Some(Value::Array(items)) => items,
            Some(Value::Null) => continue,
            Some(other) => {
                map.insert("items".to_string(), other);
                out.push(Value::Object(map));
                continue;
            }
            None => {
                out.push(Value::Object(map));
                continue;
            }
        };
        let text = |key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let list_kind = text("kind");
        let item_kind = list_kind
            .strip_suffix("List")
            .unwrap_or(&list_kind)
            .to_string();
        let api_version = text("apiVersion");
        for mut item in items {
            if let Value::Object(fields) = &mut item {
                let kind_empty = fields
                    .get("kind")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty();
                let version_empty = fields
                    .get("apiVersion")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .is_empty();
                if kind_empty && version_empty {
                    fields.insert("kind".into(), Value::String(item_kind.clone()));
                    fields.insert("apiVersion".into(), Value::String(api_version.clone()));
                }
            }
            out.push(item);
        }
    }
    out
}
