//! Projected and downward-API volume validation (`validateProjectedVolumeSource`,
//! `validateDownwardAPIVolumeFile`): one source per projection, no duplicate paths, and
//! service-account token lifetimes.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{DownwardAPIVolumeFile, ProjectedVolumeSource};

use super::paths::{mode_error, validate_key_to_path, validate_local_non_reserved_path};
use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{forbidden, invalid, required, Path};
use crate::apiserver::validation::gofmt::q;

const VOLUME_FIELD_PATHS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
];

/// `validateDownwardAPIVolumeFile`. Upstream reports file errors at the volume's path
/// (not the item's index), which is kept.
pub fn validate_downward_api_file(f: &DownwardAPIVolumeFile, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if f.path.is_empty() {
        errs.push(required(&p.child("path"), ""));
    }
    errs.extend(validate_local_non_reserved_path(&f.path, &p.child("path")));
    if let Some(fr) = &f.field_ref {
        errs.extend(super::downward::validate_object_field_selector(
            fr,
            VOLUME_FIELD_PATHS,
            &p.child("fieldRef"),
        ));
        if f.resource_field_ref.is_some() {
            errs.push(invalid(
                p,
                q("resource"),
                "fieldRef and resourceFieldRef can not be specified simultaneously",
            ));
        }
    } else if let Some(rr) = &f.resource_field_ref {
        errs.extend(super::downward::validate_resource_field_selector(
            rr,
            true,
            &p.child("resourceFieldRef"),
        ));
    } else {
        errs.push(required(
            p,
            "one of fieldRef and resourceFieldRef is required",
        ));
    }
    errs.extend(mode_error(f.mode, &p.child("mode")));
    errs
}

/// `validateProjectedVolumeSource`.
pub fn validate_projected(pr: &ProjectedVolumeSource, p: &Path) -> Vec<FieldError> {
    let mut errs: Vec<FieldError> = mode_error(pr.default_mode, &p.child("defaultMode"))
        .into_iter()
        .collect();
    let mut paths = BTreeSet::new();
    for (i, src) in pr.sources.iter().flatten().enumerate() {
        let sp = p.child("sources").index(i);
        let mut n = 0;
        if let Some(s) = &src.secret {
            n += 1;
            let pp = sp.child("secret");
            if s.name.is_empty() {
                errs.push(required(&pp.child("name"), ""));
            }
            for (j, kp) in s.items.iter().flatten().enumerate() {
                errs.extend(validate_key_to_path(kp, &pp.child("items").index(j)));
                if !kp.path.is_empty() && !paths.insert(kp.path.clone()) {
                    errs.push(invalid(p, q(&s.name), "conflicting duplicate paths"));
                }
            }
        }
        if let Some(c) = &src.config_map {
            n += 1;
            let pp = sp.child("configMap");
            if c.name.is_empty() {
                errs.push(required(&pp.child("name"), ""));
            }
            for (j, kp) in c.items.iter().flatten().enumerate() {
                errs.extend(validate_key_to_path(kp, &pp.child("items").index(j)));
                if !kp.path.is_empty() && !paths.insert(kp.path.clone()) {
                    errs.push(invalid(p, q(&c.name), "conflicting duplicate paths"));
                }
            }
        }
        if let Some(d) = &src.downward_api {
            n += 1;
            let pp = sp.child("downwardAPI");
            for f in d.items.iter().flatten() {
                errs.extend(validate_downward_api_file(f, &pp));
                if !f.path.is_empty() && !paths.insert(f.path.clone()) {
                    errs.push(invalid(p, q(&f.path), "conflicting duplicate paths"));
                }
            }
        }
        if let Some(t) = &src.service_account_token {
            n += 1;
            let pp = sp.child("serviceAccountToken");
            let exp = t.expiration_seconds.unwrap_or(3607);
            if exp < 600 {
                errs.push(invalid(
                    &pp.child("expirationSeconds"),
                    exp.to_string(),
                    "may not specify a duration less than 10 minutes",
                ));
            }
            if exp > 1 << 32 {
                errs.push(invalid(
                    &pp.child("expirationSeconds"),
                    exp.to_string(),
                    "may not specify a duration larger than 2^32 seconds",
                ));
            }
            if t.path.is_empty() {
                errs.push(required(&p.child("path"), ""));
            } else {
                errs.extend(validate_local_non_reserved_path(&t.path, &p.child("path")));
            }
        }
        if src.cluster_trust_bundle.is_some() {
            n += 1;
        }
        if n > 1 {
            errs.push(forbidden(
                &sp,
                "may not specify more than 1 volume type per source",
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::core::v1::{ServiceAccountTokenProjection, VolumeProjection};

    #[test]
    fn token_lifetime_is_at_least_ten_minutes() {
        let pr = ProjectedVolumeSource {
            sources: Some(vec![VolumeProjection {
                service_account_token: Some(ServiceAccountTokenProjection {
                    expiration_seconds: Some(60),
                    path: "token".into(),
                    audience: None,
                }),
                ..Default::default()
            }]),
            ..Default::default()
        };
        let errs = validate_projected(&pr, &Path::new("projected"));
        assert_eq!(
            errs[0].to_string(),
            "projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes"
        );
    }
}
