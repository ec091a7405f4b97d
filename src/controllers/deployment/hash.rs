//! The `pod-template-hash`: upstream's `controller.ComputeHash` (v1.32) names a
//! Deployment's ReplicaSet `<deployment>-<hash>` and labels its pods with the hash.
//!
//! Upstream feeds a spew dump of the Go `PodTemplateSpec` struct
//! (`hashutil.DeepHashObject`) into FNV-32a, appends `collisionCount` as 8 little-endian
//! bytes when set, prints the 32-bit sum in decimal and maps every digit through
//! `rand.SafeEncodeString`'s alphabet. Reproducing spew's dump of Go structs is not
//! feasible, so kubeniwa hashes the template's canonical JSON instead (field order fixed by
//! the API types, map keys sorted). Everything else is upstream's, so the hashes have the
//! same form and properties as a real cluster's — up to ten characters from
//! `bcdfghjklmnpqrstvwxz2456789` (in practice only the ten that digits map to, e.g.
//! `76fbb7bd7b`), the same template always gives the same hash, a collision count changes
//! it — but they are not the values a real cluster would print for the same manifest.

use k8s_openapi::api::core::v1::PodTemplateSpec;

/// `rand.SafeEncodeString`'s alphabet: no vowels (no bad words) and no look-alikes such as
/// 0/o, 1/l, 3/e.
const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

const FNV32_OFFSET: u32 = 2_166_136_261;
const FNV32_PRIME: u32 = 16_777_619;

/// FNV-1a, 32 bits (Go's `hash/fnv.New32a`).
fn fnv32a(hash: u32, bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(hash, |h, b| (h ^ u32::from(*b)).wrapping_mul(FNV32_PRIME))
}

/// Upstream `rand.SafeEncodeString`: each byte becomes `ALPHANUMS[byte % 27]`.
/// Worked example: the decimal digits `0`..`9` (bytes 48..57) map to
/// `4 5 6 7 8 9 b c d f`, so the sum 3296636836 encodes as `76fbb7bd7b`.
pub fn safe_encode_string(s: &str) -> String {
    s.bytes()
        .map(|b| char::from(ALPHANUMS[usize::from(b) % ALPHANUMS.len()]))
        .collect()
}

/// The pod-template-hash of `template`, salted with the Deployment's `collisionCount`.
pub fn compute_hash(template: &PodTemplateSpec, collision_count: Option<i32>) -> String {
    let canonical = serde_json::to_vec(template).unwrap_or_default();
    let mut hash = fnv32a(FNV32_OFFSET, &canonical);
    if let Some(count) = collision_count {
        // Upstream writes the uint32 into an 8-byte buffer, so four zero bytes follow.
        let mut bytes = [0u8; 8];
        bytes[..4].copy_from_slice(&(count as u32).to_le_bytes());
        hash = fnv32a(hash, &bytes);
    }
    safe_encode_string(&hash.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
    use std::collections::BTreeMap;

    fn template(image: &str) -> PodTemplateSpec {
        let mut t = PodTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some(BTreeMap::from([("app".into(), "nginx".into())])),
                ..Default::default()
            }),
            ..Default::default()
        };
        t.spec = Some(k8s_openapi::api::core::v1::PodSpec {
            containers: vec![k8s_openapi::api::core::v1::Container {
                name: "nginx".into(),
                image: Some(image.into()),
                ..Default::default()
            }],
            ..Default::default()
        });
        t
    }

    #[test]
    fn fnv32a_matches_go_hash_fnv() {
        // Go: fnv.New32a() of "" is the offset basis; of "a" is 0xe40c292c.
        assert_eq!(fnv32a(FNV32_OFFSET, b""), 0x811c_9dc5);
        assert_eq!(fnv32a(FNV32_OFFSET, b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(FNV32_OFFSET, b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn safe_encode_string_uses_upstreams_alphabet() {
        // The digits of a decimal FNV sum map onto ten letters and digits.
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
        assert_eq!(safe_encode_string("3296636836"), "76fbb7bd7b");
    }

    #[test]
    fn same_template_same_hash_and_collision_count_changes_it() {
        // Upstream hash_test.go: the hash is stable for a template and differs across
        // templates and collision counts.
        let a = compute_hash(&template("nginx:1.7.9"), None);
        assert_eq!(a, compute_hash(&template("nginx:1.7.9"), None));
        assert_ne!(a, compute_hash(&template("nginx:1.12"), None));
        assert_ne!(a, compute_hash(&template("nginx:1.7.9"), Some(1)));
        assert_ne!(
            compute_hash(&template("nginx:1.7.9"), Some(1)),
            compute_hash(&template("nginx:1.7.9"), Some(2))
        );
        assert!(a.len() <= 10 && !a.is_empty());
        assert!(a.bytes().all(|b| b"456789bcdf".contains(&b)), "{a}");
    }
}
