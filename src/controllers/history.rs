//! ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers
//! (upstream `pkg/controller/history`, the revision parts of `pkg/controller/daemon/update.go`
//! and `controller.ComputeHash`): the hashes that name revisions and label pods, the
//! "replace the template" patch a revision stores, listing a parent's revisions, their
//! order, and the next revision number.
//!
//! Two hashes exist upstream and both are kept apart here:
//!
//! - [`compute_hash`] is `controller.ComputeHash`, the DaemonSet's: FNV-32a over the pod
//!   template (and the collision count), as a safe-encoded decimal. The DaemonSet's
//!   revision is `<ds>-<hash>` and its pods carry `controller-revision-hash: <hash>`.
//!   Upstream hashes Go's `spew` dump of the struct, which cannot be reproduced outside Go;
//!   kubeniwa hashes the template's JSON instead, so the values differ from a real cluster's
//!   but have the same shape (up to ten characters of `bcdfghjklmnpqrstvwxz2456789`).
//! - [`hash_controller_revision`] is `history.HashControllerRevision`, the StatefulSet's:
//!   FNV-32 (not 32a) over the revision's data bytes (and the collision count as decimal
//!   text). The data is Go's JSON of the patch, which [`go_json`] reproduces, so this hash
//!   matches upstream when the template serialises identically. The revision is
//!   `<sts>-<hash>`, labelled `controller.kubernetes.io/hash: <hash>`, and StatefulSet pods
//!   carry `controller-revision-hash: <sts>-<hash>` (the revision's full name).
//!
//! Worked example of the encoding: FNV-32a of the bytes `abc` is 440920331; its decimal
//! text `"440920331"` maps each character through the 27-letter alphabet by its byte value
//! modulo 27 (`'4'` = 52 → 52 % 27 = 25 → `8`, `'0'` = 48 → 21 → `4`, `'9'` = 57 → 3 →
//! `f`, ...), giving `884f64775`.

pub mod pods;
pub mod refs;
#[cfg(test)]
pub mod testkit;

use std::cmp::Ordering;

use k8s_openapi::api::apps::v1::ControllerRevision;
use k8s_openapi::api::core::v1::PodTemplateSpec;
use serde_json::{json, Value};

use crate::apiserver::{ApiError, ApiServer, ListOptions};
use crate::model::selector::LabelSelector;
use crate::model::{Kind, Object};

/// The label a DaemonSet's pods and revisions carry with the template hash, and a
/// StatefulSet's pods with their revision's name (`apps.DefaultDaemonSetUniqueLabelKey`,
/// `apps.StatefulSetRevisionLabel`, `apps.ControllerRevisionHashLabelKey`).
pub const CONTROLLER_REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// The label `history.NewControllerRevision` puts on StatefulSet revisions.
pub const HASH_LABEL: &str = "controller.kubernetes.io/hash";

/// The alphabet of `rand.SafeEncodeString`: no vowels (no accidental words) and no
/// characters easily confused (`0`, `1`, `3`).
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// FNV-1 32-bit (Go's `fnv.New32`).
pub fn fnv32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        h.wrapping_mul(0x0100_0193) ^ u32::from(*b)
    })
}

/// FNV-1a 32-bit (Go's `fnv.New32a`).
pub fn fnv32a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5u32, |h, b| {
        (h ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

/// `rand.SafeEncodeString`: each byte replaced by `ALPHANUMS[byte % 27]`.
pub fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// `controller.ComputeHash(template, collisionCount)` (see the module documentation for
/// how it differs from upstream's value).
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let mut bytes = serde_json::to_vec(template).unwrap_or_default();
    if let Some(c) = collision_count {
        // Upstream writes the count as 8 little-endian bytes of which only 4 are filled.
        let mut buf = [0u8; 8];
        buf[..4].copy_from_slice(&(c as u32).to_le_bytes());
        bytes.extend_from_slice(&buf);
    }
    safe_encode(&fnv32a(&bytes).to_string())
}

/// `history.HashControllerRevision`: FNV-32 over the data bytes, then the probe (the
/// collision count) as decimal text.
pub fn hash_controller_revision(data: &str, probe: Option<i32>) -> String {
    let mut bytes = data.as_bytes().to_vec();
    if let Some(p) = probe {
        bytes.extend_from_slice(p.to_string().as_bytes());
    }
    safe_encode(&fnv32(&bytes).to_string())
}

/// `history.ControllerRevisionName`: `<prefix>-<hash>`, the prefix cut to 223 bytes.
pub fn revision_name(prefix: &str, hash: &str) -> String {
    let mut end = prefix.len().min(223);
    while !prefix.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}-{}", &prefix[..end], hash)
}

/// The template as Go marshals a `PodTemplateSpec`: `metadata` is always present and
/// carries `creationTimestamp: null` (a non-pointer `metav1.Time`).
pub fn go_template_value(template: &PodTemplateSpec) -> Value {
    let mut v = serde_json::to_value(template).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        let meta = map
            .entry("metadata")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(m) = meta {
            m.entry("creationTimestamp").or_insert(Value::Null);
        }
    }
    v
}

/// The data of a DaemonSet or StatefulSet revision (both controllers' `getPatch`): a
/// strategic merge patch that replaces `spec.template`,
/// `{"spec":{"template":{"$patch":"replace", ...template}}}`.
pub fn template_patch(template: &PodTemplateSpec) -> Value {
    let mut t = go_template_value(template);
    if let Value::Object(map) = &mut t {
        map.insert("$patch".to_string(), json!("replace"));
    }
    json!({ "spec": { "template": t } })
}

/// The pod template a revision's data restores (`ApplyRevision` for the only part a
/// revision holds). `None` when the data has no template.
pub fn template_of(revision: &ControllerRevision) -> Option<PodTemplateSpec> {
    let mut t = revision
        .data
        .as_ref()?
        .0
        .get("spec")?
        .get("template")?
        .clone();
    if let Value::Object(map) = &mut t {
        map.remove("$patch");
        if let Some(Value::Object(meta)) = map.get_mut("metadata") {
            meta.remove("creationTimestamp");
        }
    }
    serde_json::from_value(t).ok()
}

/// Go's compact `json.Marshal` of a value: keys sorted, no spaces, and `<`, `>`, `&`,
/// U+2028 and U+2029 escaped as `\u003c` and friends.
pub fn go_json(value: &Value) -> String {
    let s = serde_json::to_string(value).unwrap_or_default();
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// The data of a revision as Go's JSON text ("" when absent).
pub fn data_text(revision: &ControllerRevision) -> String {
    revision
        .data
        .as_ref()
        .map(|d| go_json(&d.0))
        .unwrap_or_default()
}

/// `history.ListControllerRevisions`: the revisions in the parent's namespace that match
/// its selector and are either orphans or controlled by it (by UID).
pub fn list_revisions(
    api: &ApiServer,
    namespace: &str,
    selector: &LabelSelector,
    parent_uid: &str,
) -> Result<Vec<ControllerRevision>, ApiError> {
    let opts = ListOptions {
        label_selector: Some(selector.clone()),
        field_selector: None,
    };
    Ok(api
        .list(Kind::ControllerRevision, Some(namespace), &opts)?
        .iter()
        .filter_map(|o| match &**o {
            Object::ControllerRevision(r) => Some(r.clone()),
            _ => None,
        })
        .filter(|r| refs::controller_of(&r.metadata).is_none_or(|c| c.uid == parent_uid))
        .collect())
}

/// `history.SortControllerRevisions`: by revision number, then creation time, then name.
pub fn sort_revisions(revisions: &mut [ControllerRevision]) {
    revisions.sort_by(|a, b| {
        a.revision.cmp(&b.revision).then_with(|| {
            let t = |r: &ControllerRevision| r.metadata.creation_timestamp.clone().map(|t| t.0);
            match t(a).cmp(&t(b)) {
                Ordering::Equal => a.metadata.name.cmp(&b.metadata.name),
                o => o,
            }
        })
    });
}

/// The next revision number: one more than the highest, or 1 for none (`nextRevision`,
/// `maxRevision + 1`).
pub fn next_revision(revisions: &[ControllerRevision]) -> i64 {
    revisions
        .iter()
        .map(|r| r.revision)
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// `history.EqualRevision`: the same data (a differing parseable hash label means
/// different, as upstream).
pub fn equal_revision(a: &ControllerRevision, b: &ControllerRevision) -> bool {
    let hash = |r: &ControllerRevision| {
        r.metadata
            .labels
            .as_ref()
            .and_then(|l| l.get(HASH_LABEL))
            .and_then(|h| h.parse::<i32>().ok())
    };
    if let (Some(x), Some(y)) = (hash(a), hash(b)) {
        if x != y {
            return false;
        }
    }
    a.data == b.data
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use std::collections::BTreeMap;

    #[test]
    fn fnv_matches_go_reference_values() {
        // Go: fnv.New32a().Write("abc") → 0x1a47e90b; fnv.New32() → 0x439c2f4b.
        assert_eq!(fnv32a(b"abc"), 0x1a47_e90b);
        assert_eq!(fnv32(b"abc"), 0x439c_2f4b);
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
    }

    #[test]
    fn safe_encode_maps_digits_through_the_alphabet() {
        // The module's worked example: 440920331 → "884f64775".
        assert_eq!(fnv32a(b"abc").to_string(), "440920331");
        assert_eq!(safe_encode("440920331"), "884f64775");
    }

    #[test]
    fn revision_names_and_template_patches() {
        assert_eq!(revision_name("web", "7b8f9"), "web-7b8f9");
        assert_eq!(revision_name(&"x".repeat(300), "h").len(), 225);
        let t = PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(BTreeMap::from([("app".into(), "web".into())])),
                ..Default::default()
            }),
            spec: None,
        };
        let patch = template_patch(&t);
        assert_eq!(
            go_json(&patch),
            r#"{"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"web"}}}}}"#
        );
        let rev = ControllerRevision {
            data: Some(k8s_openapi::apimachinery::pkg::runtime::RawExtension(patch)),
            ..Default::default()
        };
        assert_eq!(template_of(&rev), Some(t.clone()));
        // A collision count changes the hash, as upstream's probe does.
        assert_ne!(compute_hash(&t, None), compute_hash(&t, Some(1)));
        let data = data_text(&rev);
        assert_ne!(
            hash_controller_revision(&data, Some(0)),
            hash_controller_revision(&data, Some(1))
        );
    }

    #[test]
    fn go_json_escapes_html_characters() {
        assert_eq!(
            go_json(&json!({"b": "<&>", "a": 1})),
            r#"{"a":1,"b":"\u003c\u0026\u003e"}"#
        );
    }

    #[test]
    fn revisions_sort_by_number_then_age_then_name() {
        let rev = |name: &str, n: i64| ControllerRevision {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            revision: n,
            ..Default::default()
        };
        let mut v = vec![rev("c", 2), rev("b", 1), rev("a", 2)];
        sort_revisions(&mut v);
        let names: Vec<_> = v.iter().filter_map(|r| r.metadata.name.clone()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(next_revision(&v), 3);
        assert_eq!(next_revision(&[]), 1);
    }
}
