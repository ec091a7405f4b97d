//! The image pull policy `SetDefaults_Container` derives from an image reference, with
//! a small parser for Docker references after `parsers.ParseImageName` (which wraps
//! `distribution/reference.ParseNormalizedNamed`).

/// The pull policy `SetDefaults_Container` picks: `Always` when the image's tag is
/// `latest` (an image with neither tag nor digest counts as `:latest`), else
/// `IfNotPresent` (including images that do not parse).
pub(super) fn pull_policy_for(image: &str) -> &'static str {
    if image_tag(image) == Some("latest") {
        "Always"
    } else {
        "IfNotPresent"
    }
}

/// The tag of a Docker image reference as `parsers.ParseImageName` reports it: the
/// explicit tag, `latest` when there is neither tag nor digest, `""` for a digest-only
/// reference, `None` when the reference does not parse.
fn image_tag(image: &str) -> Option<&str> {
    let (name, digest) = match image.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (image, None),
    };
    // A tag follows the last ':' after the last '/'; an earlier ':' is a registry port.
    let last_component = name.rfind('/').map_or(0, |i| i + 1);
    let (repo, tag) = match name[last_component..].rfind(':') {
        Some(i) => (
            &name[..last_component + i],
            Some(&name[last_component + i + 1..]),
        ),
        None => (name, None),
    };
    if !valid_repository(repo) || digest.is_some_and(|d| !d.contains(':')) {
        return None;
    }
    match tag {
        Some(t) if !valid_tag(t) => None,
        Some(t) => Some(t),
        None if digest.is_some() => Some(""),
        None => Some("latest"),
    }
}

/// Whether `repo` is `[domain/]path` with lowercase path components
/// (distribution/reference: "repository name must be lowercase").
fn valid_repository(repo: &str) -> bool {
    let mut parts: Vec<&str> = repo.split('/').collect();
    if parts.len() > 1 {
        let first = parts[0];
        let is_domain =
            first.contains(['.', ':']) || first == "localhost" || first.to_lowercase() != first;
        if is_domain {
            let domain_ok = !first.is_empty()
                && first
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
            if !domain_ok {
                return false;
            }
            parts.remove(0);
        }
    }
    parts.iter().all(|p| valid_path_component(p))
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*`.
fn valid_path_component(p: &str) -> bool {
    let bytes = p.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let sep = &p[start..i];
        let ok = sep == "." || sep == "_" || sep == "__" || sep.bytes().all(|b| b == b'-');
        if !ok {
            return false;
        }
    }
    true
}

/// `[\w][\w.-]{0,127}`.
fn valid_tag(t: &str) -> bool {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut chars = t.chars();
    matches!(chars.next(), Some(c) if word(c))
        && t.len() <= 128
        && chars.all(|c| word(c) || c == '.' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_pull_policy_follows_the_tag() {
        // SetDefaults_Container cases from upstream defaults_test.go (TestSetDefaultImagePullPolicy).
        for (image, policy) in [
            ("nginx", "Always"),
            ("nginx:latest", "Always"),
            ("docker.io/library/nginx", "Always"),
            ("nginx:1.7.9", "IfNotPresent"),
            ("localhost:5000/nginx", "Always"),
            ("localhost:5000/nginx:v1", "IfNotPresent"),
            ("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "IfNotPresent"),
            ("nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "Always"),
            ("registry.k8s.io/pause:3.10", "IfNotPresent"),
            ("Nginx", "IfNotPresent"),
            ("", "IfNotPresent"),
        ] {
            assert_eq!(pull_policy_for(image), policy, "{image}");
        }
    }
}
