//! Relative-path and file-mode checks shared by volumes, projections, mounts and
//! profiles (`validateLocalDescendingPath`, `validatePathNoBacksteps`,
//! `ValidateLocalNonReservedPath`, `validateKeyToPath`, file modes up to 0777).

use k8s_openapi::api::core::v1::KeyToPath;

use crate::apiserver::errors::FieldError;
use crate::apiserver::validation::field::{invalid, required, Path};
use crate::apiserver::validation::gofmt::q;

const FILE_MODE_MSG: &str = "must be a number between 0 and 0777 (octal), both inclusive";

/// `validateLocalDescendingPath`: relative, without `..` elements.
pub fn validate_local_descending_path(target: &str, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if target.starts_with('/') {
        errs.push(invalid(p, q(target), "must be a relative path"));
    }
    errs.extend(validate_no_backsteps(target, p));
    errs
}

/// `validatePathNoBacksteps`: no `..` element.
pub fn validate_no_backsteps(target: &str, p: &Path) -> Vec<FieldError> {
    if target.split('/').any(|part| part == "..") {
        vec![invalid(p, q(target), "must not contain '..'")]
    } else {
        Vec::new()
    }
}

/// `ValidateLocalNonReservedPath`: a descending path that does not start with `..`.
pub fn validate_local_non_reserved_path(target: &str, p: &Path) -> Vec<FieldError> {
    let mut errs = validate_local_descending_path(target, p);
    if target.starts_with("..") && !target.starts_with("../") {
        errs.push(invalid(p, q(target), "must not start with '..'"));
    }
    errs
}

/// A file mode outside 0..=0777.
pub fn mode_error(mode: Option<i32>, p: &Path) -> Option<FieldError> {
    mode.filter(|m| !(0..=0o777).contains(m))
        .map(|m| invalid(p, m.to_string(), FILE_MODE_MSG))
}

/// `validateKeyToPath`.
pub fn validate_key_to_path(kp: &KeyToPath, p: &Path) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if kp.key.is_empty() {
        errs.push(required(&p.child("key"), ""));
    }
    if kp.path.is_empty() {
        errs.push(required(&p.child("path"), ""));
    }
    errs.extend(validate_local_non_reserved_path(&kp.path, &p.child("path")));
    errs.extend(mode_error(kp.mode, &p.child("mode")));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descending_paths_are_relative_without_backsteps() {
        // Upstream TestValidateLocalDescendingPath / TestValidateLocalNonReservedPath.
        let p = Path::new("p");
        assert!(validate_local_non_reserved_path("a/b", &p).is_empty());
        assert_eq!(
            validate_local_descending_path("/abs", &p)[0].to_string(),
            "p: Invalid value: \"/abs\": must be a relative path"
        );
        assert_eq!(
            validate_local_descending_path("a/../b", &p)[0].to_string(),
            "p: Invalid value: \"a/../b\": must not contain '..'"
        );
        assert_eq!(
            validate_local_non_reserved_path("..data", &p)[0].to_string(),
            "p: Invalid value: \"..data\": must not start with '..'"
        );
        assert_eq!(
            mode_error(Some(0o1000), &p).map(|e| e.to_string()),
            Some("p: Invalid value: 512: must be a number between 0 and 0777 (octal), both inclusive".to_string())
        );
    }
}
