//! Container images as the simulated container runtime (containerd 1.7) sees them:
//! reference parsing and normalisation (`nginx` → `docker.io/library/nginx:latest`, as
//! `distribution/reference.ParseNormalizedNamed` does), lookups in the catalogue
//! (`catalogue.rs`, plain data), and the outcome of a pull with containerd's and the
//! kubelet's exact error texts.
//!
//! **How an image that is not in the catalogue behaves:** kubeniwa has no registry, so the
//! catalogue *is* the registry. A repository it does not list does not exist: on Docker Hub
//! the pull fails as Docker Hub answers for a misspelt name (`pull access denied, repository
//! does not exist or may require authorization`), on a known registry such as
//! `registry.k8s.io` with `not found`, and on any other host the name does not resolve
//! (`no such host`). A listed repository with a tag the catalogue does not list (`nginx:1.999`)
//! fails with `not found`. Either way the container goes through `ErrImagePull` and
//! `ImagePullBackOff` exactly as on a real cluster; nothing is ever run from an unknown image.
//! Digests are not real registry digests: each catalogue build gets a stable made-up
//! `sha256:` digest.

use crate::kubelet::catalogue::{self, Build, Repo, Run};
use crate::kubelet::hash;

/// A parsed, normalised image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef {
    /// The registry host (`docker.io`, `registry.k8s.io`, ...).
    pub domain: String,
    /// The repository path below the host (`library/nginx`).
    pub path: String,
    /// The tag (`latest` when neither a tag nor a digest was given).
    pub tag: Option<String>,
    /// The digest (`sha256:<64 hex>`), when the reference pins one.
    pub digest: Option<String>,
}

impl ImageRef {
    /// `docker.io/library/nginx`.
    pub fn repository(&self) -> String {
        format!("{}/{}", self.domain, self.path)
    }

    /// The fully qualified reference containerd resolves: `docker.io/library/nginx:latest`
    /// or `docker.io/library/nginx@sha256:...`.
    pub fn normalized(&self) -> String {
        match (&self.digest, &self.tag) {
            (Some(d), _) => format!("{}@{}", self.repository(), d),
            (None, Some(t)) => format!("{}:{}", self.repository(), t),
            (None, None) => self.repository(),
        }
    }
}

/// Parses `image` as the kubelet's `applyDefaultImageTag` does. The error is the
/// `distribution/reference` message (`invalid reference format`, or
/// `invalid reference format: repository name (library/Nginx) must be lowercase`).
pub fn parse_reference(image: &str) -> Result<ImageRef, String> {
    const INVALID: &str = "invalid reference format";
    if image.is_empty() || image.len() > 255 {
        return Err(INVALID.to_string());
    }
    let (name, digest) = match image.split_once('@') {
        Some((n, d)) => {
            let hex = d.strip_prefix("sha256:").unwrap_or("");
            if hex.len() != 64 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(INVALID.to_string());
            }
            (n, Some(d.to_string()))
        }
        None => (image, None),
    };
    let (domain, remainder) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            (first.to_string(), rest.to_string())
        }
        _ => ("docker.io".to_string(), name.to_string()),
    };
    let remainder = if domain == "docker.io" && !remainder.contains('/') {
        format!("library/{remainder}")
    } else {
        remainder
    };
    let (path, tag) = match remainder.rsplit_once(':') {
        Some((p, t)) => (p.to_string(), Some(t.to_string())),
        None => (remainder.clone(), None),
    };
    if path.to_lowercase() != path {
        return Err(format!(
            "{INVALID}: repository name ({path}) must be lowercase"
        ));
    }
    let component_ok = |c: &str| {
        !c.is_empty()
            && c.starts_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.ends_with(|ch: char| ch.is_ascii_alphanumeric())
            && c.chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || "._-".contains(ch))
    };
    let tag_ok = |t: &str| {
        !t.is_empty()
            && t.len() <= 128
            && t.starts_with(|ch: char| ch.is_ascii_alphanumeric() || ch == '_')
            && t.chars()
                .all(|ch| ch.is_ascii_alphanumeric() || "._-".contains(ch))
    };
    let domain_ok = domain
        .chars()
        .all(|ch| ch.is_ascii_alphanumeric() || ".-:".contains(ch));
    if !domain_ok
        || !path.split('/').all(component_ok)
        || tag.as_deref().is_some_and(|t| !tag_ok(t))
    {
        return Err(INVALID.to_string());
    }
    let tag = match (&tag, &digest) {
        (None, None) => Some("latest".to_string()),
        _ => tag,
    };
    Ok(ImageRef {
        domain,
        path,
        tag,
        digest,
    })
}

/// What pulling a reference from the (simulated) registry gives.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// The reference names a catalogue build.
    Found(&'static Repo, &'static Build),
    /// The pull fails; the value says why.
    Missing(Missing),
}

/// Why a pull fails.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Docker Hub has no such repository (it answers "pull access denied").
    HubRepository,
    /// A known registry has no such repository, tag or digest ("not found").
    NotFound,
    /// The registry host is not one kubeniwa knows ("no such host").
    UnknownHost,
}

/// The registries the catalogue covers; any other host does not resolve.
const KNOWN_REGISTRIES: &[&str] = &[
    "docker.io",
    "registry.k8s.io",
    "k8s.gcr.io",
    "gcr.io",
    "quay.io",
    "ghcr.io",
    "registry-1.docker.io",
];

/// Looks a parsed reference up in the catalogue.
pub fn lookup(r: &ImageRef) -> Lookup {
    let repository = r.repository();
    let Some(repo) = catalogue::REPOS.iter().find(|p| p.name == repository) else {
        return Lookup::Missing(if !KNOWN_REGISTRIES.contains(&r.domain.as_str()) {
            Missing::UnknownHost
        } else if r.domain == "docker.io" {
            Missing::HubRepository
        } else {
            Missing::NotFound
        });
    };
    let build = match (&r.digest, &r.tag) {
        (Some(d), _) => repo.builds.iter().find(|b| digest_of(repo, b) == *d),
        (None, Some(t)) => repo.builds.iter().find(|b| b.tags.contains(&t.as_str())),
        (None, None) => None,
    };
    match build {
        Some(b) => Lookup::Found(repo, b),
        None => Lookup::Missing(Missing::NotFound),
    }
}

/// The made-up but stable digest of a catalogue build: `sha256:` and 64 hex digits.
pub fn digest_of(repo: &Repo, build: &Build) -> String {
    format!(
        "sha256:{}",
        hash::hex64(&format!(
            "{}:{}",
            repo.name,
            build.tags.first().copied().unwrap_or("")
        ))
    )
}

/// The `imageID` a container status shows: `docker.io/library/nginx@sha256:...`.
pub fn image_id(repo: &Repo, build: &Build) -> String {
    format!("{}@{}", repo.name, digest_of(repo, build))
}

/// The default process of the image a reference names (a server unless the catalogue
/// says otherwise; unknown images never run, so their default does not matter).
pub fn default_run(image: &str) -> Run {
    match parse_reference(image).map(|r| lookup(&r)) {
        Ok(Lookup::Found(repo, _)) => repo.run,
        _ => Run::Server,
    }
}

/// The error the CRI returns for a failed pull, as the kubelet prints it after
/// `Failed to pull image "...": ` (gRPC `Unknown` codes are stripped by the CRI client,
/// `NotFound` ones are kept). `normalized` is `ImageRef::normalized()`.
pub fn pull_error(r: &ImageRef, why: Missing) -> String {
    let n = r.normalized();
    let head =
        format!("failed to pull and unpack image \"{n}\": failed to resolve reference \"{n}\"");
    match why {
        Missing::HubRepository => format!(
            "{head}: pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
        ),
        Missing::NotFound => format!("rpc error: code = NotFound desc = {head}: {n}: not found"),
        Missing::UnknownHost => {
            let (what, path) = match (&r.digest, &r.tag) {
                (Some(d), _) => ("manifests", d.clone()),
                (None, Some(t)) => ("manifests", t.clone()),
                (None, None) => ("manifests", "latest".to_string()),
            };
            let host = r.domain.split(':').next().unwrap_or("");
            let dial = if host == "localhost" {
                let port = r.domain.split(':').nth(1).unwrap_or("443");
                format!("dial tcp [::1]:{port}: connect: connection refused")
            } else {
                format!("dial tcp: lookup {host} on 127.0.0.53:53: no such host")
            };
            format!(
                "{head}: failed to do request: Head \"https://{}/v2/{}/{what}/{path}\": {dial}",
                r.domain, r.path
            )
        }
    }
}

/// The names a pulled build is listed under in `node.status.images` and how a node's
/// image cache recognises it: the repo digest first, then the tag that was pulled.
pub fn cache_names(repo: &Repo, build: &Build, r: &ImageRef) -> Vec<String> {
    let mut names = vec![image_id(repo, build)];
    if let Some(t) = &r.tag {
        names.push(format!("{}:{}", repo.name, t));
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(s: &str) -> String {
        parse_reference(s)
            .map(|r| r.normalized())
            .unwrap_or_else(|e| e)
    }

    #[test]
    fn references_normalise_like_parse_normalized_named() {
        // distribution/reference: short names live in docker.io/library, `latest` is implied.
        assert_eq!(norm("nginx"), "docker.io/library/nginx:latest");
        assert_eq!(norm("nginx:1.7.9"), "docker.io/library/nginx:1.7.9");
        assert_eq!(
            norm("hashicorp/http-echo"),
            "docker.io/hashicorp/http-echo:latest"
        );
        assert_eq!(norm("k8s.gcr.io/busybox"), "k8s.gcr.io/busybox:latest");
        assert_eq!(norm("localhost:5000/app:v1"), "localhost:5000/app:v1");
        assert_eq!(
            norm("Nginx"),
            "invalid reference format: repository name (library/Nginx) must be lowercase"
        );
        assert_eq!(norm("nginx:"), "invalid reference format");
        assert_eq!(norm("nginx@sha256:12"), "invalid reference format");
    }

    #[test]
    fn catalogue_lookups_find_tags_and_report_missing_ones() {
        let found = |s: &str| matches!(lookup(&parse_reference(s).unwrap()), Lookup::Found(..));
        assert!(found("nginx"));
        assert!(found("nginx:1.7.9"));
        assert!(found("nginx:1.12"));
        assert!(found("registry.k8s.io/e2e-test-images/agnhost:2.39"));
        let missing = |s: &str| match lookup(&parse_reference(s).unwrap()) {
            Lookup::Missing(m) => Some(m),
            Lookup::Found(..) => None,
        };
        assert_eq!(missing("ngnix"), Some(Missing::HubRepository));
        assert_eq!(missing("nginx:1.999"), Some(Missing::NotFound));
        // agnhost has no `latest` tag on registry.k8s.io.
        assert_eq!(
            missing("registry.k8s.io/e2e-test-images/agnhost"),
            Some(Missing::NotFound)
        );
        assert_eq!(
            missing("myregistry.example.com/app"),
            Some(Missing::UnknownHost)
        );
    }

    #[test]
    fn pull_errors_read_like_containerd_1_7() {
        let r = parse_reference("ngnix").unwrap();
        assert_eq!(
            pull_error(&r, Missing::HubRepository),
            "failed to pull and unpack image \"docker.io/library/ngnix:latest\": failed to resolve reference \"docker.io/library/ngnix:latest\": pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed"
        );
        let r = parse_reference("nginx:1.999").unwrap();
        assert_eq!(
            pull_error(&r, Missing::NotFound),
            "rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.999\": failed to resolve reference \"docker.io/library/nginx:1.999\": docker.io/library/nginx:1.999: not found"
        );
    }

    #[test]
    fn digests_are_stable_and_resolvable() {
        let Lookup::Found(repo, build) = lookup(&parse_reference("nginx:1.27").unwrap()) else {
            panic!("nginx:1.27 is in the catalogue");
        };
        let d = digest_of(repo, build);
        assert_eq!(d.len(), 7 + 64);
        let pinned = format!("nginx@{d}");
        assert!(
            matches!(lookup(&parse_reference(&pinned).unwrap()), Lookup::Found(_, b) if b == build)
        );
        // `latest` and `1.27` are the same build.
        let Lookup::Found(_, latest) = lookup(&parse_reference("nginx").unwrap()) else {
            panic!()
        };
        assert_eq!(digest_of(repo, latest), d);
    }
}
