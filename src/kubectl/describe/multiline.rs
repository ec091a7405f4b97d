//! The multi-line fields every describer shares (upstream's `printLabelsMultiline`,
//! `printAnnotationsMultiline`, `printNodeTaintsMultiline`,
//! `printTolerationsMultilineWithIndent`, `printPodsMultiline`): the first item on the
//! title's line, each further item on its own line under it, `<none>` when empty.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Taint, Toleration};

use super::writer::{PrefixWriter, LEVEL_0};

/// The annotation `kubectl apply` writes; `describe` never shows it (upstream's
/// `skipAnnotations`).
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Upstream `maxAnnotationLen`: longer `key: value` lines are printed over several lines
/// and cut.
pub(super) const MAX_ANNOTATION_LEN: usize = 140;

/// The `Name`, `Namespace`, `Labels` and `Annotations` lines most describers open with.
pub(super) fn print_object_header(
    w: &mut PrefixWriter,
    meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta,
) {
    w.write(
        LEVEL_0,
        &format!("Name:\t{}\n", meta.name.as_deref().unwrap_or("")),
    );
    w.write(
        LEVEL_0,
        &format!("Namespace:\t{}\n", meta.namespace.as_deref().unwrap_or("")),
    );
    print_labels(w, "Labels", meta.labels.as_ref());
    print_annotations(w, "Annotations", meta.annotations.as_ref());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::describe::writer::PrefixWriter;

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
