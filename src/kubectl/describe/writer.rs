//! The writer every describer prints through, and the small formatting helpers they share.
//!
//! Upstream (`staging/src/k8s.io/kubectl/pkg/describe/describe.go`, v1.32) builds each
//! description with `tabbedString`: a standard Go `text/tabwriter` with minwidth 0, tabwidth
//! 8, padding 2, pad character `' '` and no flags, wrapped in a `PrefixWriter` that prefixes
//! two spaces per indentation level and escapes terminal control characters
//! (`printers.WriteEscaped`: ESC becomes `^[`, CR becomes `\r`). This module owns that
//! writer ([`PrefixWriter`], on top of the printers' port of the tabwriter) and the helpers
//! `describe.go` keeps at its bottom: `printLabelsMultiline`, `printAnnotationsMultiline`,
//! taints, tolerations, pods, RFC 1123 timestamps, and Go's `%v` renderings that the
//! output depends on.
//!
//! Alignment works as in Go: consecutive lines that have a tab in the same column form a
//! block and are padded to its widest cell plus two; a line without any tab ends every
//! block (and Go flushes there). So `Name:\tweb` and `Annotations:\t<none>` on adjacent
//! lines print as `Name:         web` and `Annotations:  <none>` (12 + 2 = 14 columns).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use k8s_openapi::api::core::v1::{Taint, Toleration};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{MicroTime, Time};

use crate::kubectl::printers::{translate_timestamp_since, TabWriter, TabWriterConfig};
use crate::model::quantity::Quantity;

/// Indentation level 0 (no prefix).
pub(super) const LEVEL_0: usize = 0;
/// Indentation level 1 (two spaces).
pub(super) const LEVEL_1: usize = 1;
/// Indentation level 2 (four spaces).
pub(super) const LEVEL_2: usize = 2;
/// Indentation level 3 (six spaces).
pub(super) const LEVEL_3: usize = 3;

/// The annotation `kubectl apply` writes; `describe` never shows it (upstream's
/// `skipAnnotations`).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Upstream `maxAnnotationLen`: longer `key: value` lines are printed over several lines
/// and cut.
pub(super) const MAX_ANNOTATION_LEN: usize = 140;

/// `tabbedString`'s tabwriter: `Init(buf, 0, 8, 2, ' ', 0)`.
const DESCRIBE_TABWRITER: TabWriterConfig = TabWriterConfig {
    min_width: 0,
    tab_width: 8,
    padding: 2,
    pad_char: ' ',
    remember_widths: false,
};

/// Formats and writes at an indentation level: `put!(w, LEVEL_1, "Name:\t{}\n", name)`.
macro_rules! put {
    ($w:expr, $level:expr, $($arg:tt)*) => {
        $w.write($level, &format!($($arg)*))
    };
}

/// Upstream's `PrefixWriter` over `tabbedString`'s tabwriter. `indent` is the extra level a
/// `NewNestedPrefixWriter` adds (used to print a claim template inside a volume).
pub(super) struct PrefixWriter {
    tabs: TabWriter,
    out: String,
    indent: usize,
}

impl PrefixWriter {
    /// A writer with nothing written yet.
    pub(super) fn new() -> PrefixWriter {
        PrefixWriter {
            tabs: TabWriter::new(DESCRIBE_TABWRITER),
            out: String::new(),
            indent: 0,
        }
    }

    /// `Write(level, ...)`: two spaces per level, then the text, escaped.
    pub(super) fn write(&mut self, level: usize, text: &str) {
        let prefix = "  ".repeat(level + self.indent);
        self.tabs
            .write(&escape_terminal(&format!("{prefix}{text}")));
    }

    /// `WriteLine(text)`: the text and a newline. (A nested writer indents it, as
    /// upstream's `nestedPrefixWriter.WriteLine` does.)
    pub(super) fn write_line(&mut self, text: &str) {
        self.write(0, &format!("{text}\n"));
    }

    /// `Flush()`: aligns everything written so far on its own, so that later lines do
    /// not share its columns (the Events table is flushed this way).
    pub(super) fn flush(&mut self) {
        let text = self.tabs.flush();
        self.out.push_str(&text);
    }

    /// Runs `body` with every write indented by `levels` more (`NewNestedPrefixWriter`).
    pub(super) fn nested(&mut self, levels: usize, body: impl FnOnce(&mut PrefixWriter)) {
        self.indent += levels;
        body(self);
        self.indent -= levels;
    }

    /// The finished description (`tabbedString`'s final flush).
    pub(super) fn finish(mut self) -> String {
        self.flush();
        self.out
    }
}

/// `printers.EscapeTerminal`: ESC becomes `^[` and CR becomes `\r`, so object data cannot
/// drive the terminal.
fn escape_terminal(text: &str) -> String {
    text.replace('\u{1b}', "^[").replace('\r', "\\r")
}

/// `printLabelsMultiline`: `Labels:\tk=v`, further pairs on their own lines under the first.
pub(super) fn print_labels(
    w: &mut PrefixWriter,
    title: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    print_labels_with_indent(w, "", title, "\t", labels);
}

/// `printLabelsMultilineWithIndent` (with no skipped keys).
pub(super) fn print_labels_with_indent(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    inner_indent: &str,
    labels: Option<&BTreeMap<String, String>>,
) {
    put!(w, LEVEL_0, "{initial_indent}{title}:{inner_indent}");
    let labels = match labels {
        Some(l) if !l.is_empty() => l,
        _ => return w.write_line("<none>"),
    };
    for (i, (key, value)) in labels.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial_indent);
            w.write(LEVEL_0, inner_indent);
        }
        put!(w, LEVEL_0, "{key}={value}\n");
    }
}

/// `printAnnotationsMultiline`: sorted `key: value` lines, the last-applied configuration
/// left out; a value that is long (key and value over 140 bytes) or spans lines goes on
/// its own lines, each cut to 138 bytes plus `...`.
pub(super) fn print_annotations(
    w: &mut PrefixWriter,
    title: &str,
    annotations: Option<&BTreeMap<String, String>>,
) {
    put!(w, LEVEL_0, "{title}:\t");
    let keys: Vec<(&String, &String)> = annotations
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.as_str() != LAST_APPLIED)
        .collect();
    if keys.is_empty() {
        return w.write_line("<none>");
    }
    let indent = "\t";
    for (i, (key, value)) in keys.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, indent);
        }
        let value = value.strip_suffix('\n').unwrap_or(value);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            put!(w, LEVEL_0, "{key}:\n");
            for line in value.split('\n') {
                put!(
                    w,
                    LEVEL_0,
                    "{indent}  {}\n",
                    shorten(line, MAX_ANNOTATION_LEN - 2)
                );
            }
        } else {
            put!(w, LEVEL_0, "{key}: {value}\n");
        }
    }
}

/// Upstream `shorten`: the first `max` bytes and `...`. (Go cuts bytes even inside a
/// character; here the cut moves back to the previous character boundary.)
pub(super) fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

/// `printNodeTaintsMultiline`: taints sorted by `effect,key`, as `key=value:Effect`.
pub(super) fn print_taints(w: &mut PrefixWriter, title: &str, taints: &[Taint]) {
    put!(w, LEVEL_0, "{title}:\t");
    if taints.is_empty() {
        return w.write_line("<none>");
    }
    let mut sorted: Vec<&Taint> = taints.iter().collect();
    sorted.sort_by_key(|t| format!("{},{}", t.effect, t.key));
    for (i, taint) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        match taint.value.as_deref().unwrap_or("") {
            "" => put!(w, LEVEL_0, "{}:{}\n", taint.key, taint.effect),
            value => put!(w, LEVEL_0, "{}={}:{}\n", taint.key, value, taint.effect),
        }
    }
}

/// `printTolerationsMultilineWithIndent`: sorted by key, as `key=value:Effect`, with
/// ` op=Exists` for a valueless Exists and ` for Ns` for a toleration period.
pub(super) fn print_tolerations(
    w: &mut PrefixWriter,
    initial_indent: &str,
    title: &str,
    tolerations: &[Toleration],
) {
    let inner_indent = "\t";
    put!(w, LEVEL_0, "{initial_indent}{title}:{inner_indent}");
    if tolerations.is_empty() {
        return w.write_line("<none>");
    }
    let mut sorted: Vec<&Toleration> = tolerations.iter().collect();
    sorted.sort_by(|a, b| a.key.cmp(&b.key));
    for (i, t) in sorted.into_iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, initial_indent);
            w.write(LEVEL_0, inner_indent);
        }
        let key = t.key.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        w.write(LEVEL_0, key);
        if !value.is_empty() {
            put!(w, LEVEL_0, "={value}");
        }
        if !effect.is_empty() {
            put!(w, LEVEL_0, ":{effect}");
        }
        // `operator: Exists` with no key and no effect tolerates everything.
        if t.operator.as_deref() == Some("Exists") && value.is_empty() {
            if !key.is_empty() || !effect.is_empty() {
                w.write(LEVEL_0, " op=Exists");
            } else {
                w.write(LEVEL_0, "op=Exists");
            }
        }
        if let Some(seconds) = t.toleration_seconds {
            put!(w, LEVEL_0, " for {seconds}s");
        }
        w.write(LEVEL_0, "\n");
    }
}

/// `printPodsMultiline` (a PVC's `Used By`): pod names, sorted.
pub(super) fn print_pod_names(w: &mut PrefixWriter, title: &str, mut names: Vec<String>) {
    put!(w, LEVEL_0, "{title}:\t");
    if names.is_empty() {
        return w.write_line("<none>");
    }
    names.sort();
    for (i, name) in names.iter().enumerate() {
        if i != 0 {
            w.write(LEVEL_0, "\t");
        }
        put!(w, LEVEL_0, "{name}\n");
    }
}

/// Go's `time.RFC1123Z` layout of a timestamp (`Wed, 01 Jan 2025 00:00:00 +0000`): kubectl
/// prints local time, and the simulated cluster's machine runs in UTC. A missing time is
/// Go's zero time.
pub(super) fn rfc1123z(t: Option<&Time>) -> String {
    match t {
        Some(t) => format_rfc1123z(t.0),
        None => "Mon, 01 Jan 0001 00:00:00 +0000".to_string(),
    }
}

/// [`rfc1123z`] for a `MicroTime`.
pub(super) fn rfc1123z_micro(t: &MicroTime) -> String {
    format_rfc1123z(t.0)
}

fn format_rfc1123z(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// `translateTimestampSince`: the human age of a timestamp, `<unknown>` when missing.
pub(super) fn since(t: Option<&Time>, now: DateTime<Utc>) -> String {
    translate_timestamp_since(t, now)
}

/// A quantity as `Quantity.String()` prints it (the input kept when upstream keeps it,
/// else the canonical form); unparsable text is shown as stored.
pub(super) fn quantity(q: &K8sQuantity) -> String {
    match Quantity::from_k8s(q) {
        Ok(parsed) => parsed.to_string(),
        Err(_) => q.0.clone(),
    }
}

/// Go's `%v` of a string slice: `[a b c]`.
pub(super) fn go_slice(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

/// `printBool`: `True` / `False`.
pub(super) fn print_bool(value: bool) -> &'static str {
    if value {
        "True"
    } else {
        "False"
    }
}

/// `printBoolPtr`: `True` / `False` / `<unset>`.
pub(super) fn print_bool_ptr(value: Option<bool>) -> &'static str {
    match value {
        Some(v) => print_bool(v),
        None => "<unset>",
    }
}

/// Go's `%v` of a `*bool`: the value, or `<nil>`. (Go would print the pointer's address
/// for a set value; the value itself is the only sensible rendering here.)
pub(super) fn bool_ptr_v(value: Option<bool>) -> String {
    match value {
        Some(v) => v.to_string(),
        None => "<nil>".to_string(),
    }
}

/// `stringOrNone`.
pub(super) fn string_or_none(s: &str) -> &str {
    if s.is_empty() {
        "<none>"
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn annotations_text(pairs: &[(&str, &str)]) -> String {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut w = PrefixWriter::new();
        print_annotations(&mut w, "Annotations", Some(&map));
        // Upstream compares the raw writer output; this compares its aligned form.
        w.finish()
    }

    /// Upstream `TestPrintLabelsMultiline` (which prints annotations): sorted keys, the
    /// 140-byte limit, long values on their own lines cut to 138 bytes, newlines.
    #[test]
    fn upstream_print_annotations_multiline() {
        let key = "MaxLenAnnotation";
        let value = "a".repeat(MAX_ANNOTATION_LEN - key.len() - 2);
        assert_eq!(
            annotations_text(&[("col1", "asd"), ("COL2", "zxc")]),
            "Annotations:  COL2: zxc\n              col1: asd\n"
        );
        assert_eq!(
            annotations_text(&[(key, &value)]),
            format!("Annotations:  {key}: {value}\n")
        );
        let longer = format!("{value}1");
        assert_eq!(
            annotations_text(&[(key, &longer)]),
            format!("Annotations:  {key}:\n                {longer}\n")
        );
        let twice = format!("{value}{value}");
        assert_eq!(
            annotations_text(&[(key, &twice)]),
            format!(
                "Annotations:  {key}:\n                {}...\n",
                "a".repeat(MAX_ANNOTATION_LEN - 2)
            )
        );
        assert_eq!(
            annotations_text(&[("key", "value\nwith\nnewlines\n")]),
            "Annotations:  key:\n                value\n                with\n                newlines\n"
        );
        assert_eq!(annotations_text(&[]), "Annotations:  <none>\n");
        // The last-applied configuration is never shown.
        assert_eq!(
            annotations_text(&[(LAST_APPLIED, "{}")]),
            "Annotations:  <none>\n"
        );
    }

    /// Upstream `TestDescribeTerminalEscape`: control characters in object data are
    /// escaped.
    #[test]
    fn terminal_escape() {
        let mut w = PrefixWriter::new();
        w.write(LEVEL_0, "Name:\tmine\u{1b}[2J\r\n");
        assert_eq!(w.finish(), "Name:  mine^[[2J\\r\n");
    }

    /// Upstream `printTolerationsMultilineWithIndent` forms.
    #[test]
    fn tolerations() {
        let t = |key: Option<&str>, op: &str, value: Option<&str>, effect: Option<&str>, secs| {
            Toleration {
                key: key.map(String::from),
                operator: Some(op.to_string()),
                value: value.map(String::from),
                effect: effect.map(String::from),
                toleration_seconds: secs,
            }
        };
        let list = vec![
            t(
                Some("node.kubernetes.io/unreachable"),
                "Exists",
                None,
                Some("NoExecute"),
                Some(300),
            ),
            t(
                Some("key1"),
                "Equal",
                Some("value1"),
                Some("NoSchedule"),
                None,
            ),
            t(None, "Exists", None, None, None),
        ];
        let mut w = PrefixWriter::new();
        print_tolerations(&mut w, "", "Tolerations", &list);
        assert_eq!(
            w.finish(),
            "Tolerations:  op=Exists\n              key1=value1:NoSchedule\n              node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\n"
        );
    }
}
