//! Field paths and error constructors, mirroring apimachinery's `field` package: a `Path`
//! renders as `spec.template.spec.containers[0].name` (children joined by dots, indexes and
//! map keys in brackets, keys unquoted), and the constructors build `FieldError`s with the
//! same type/value/detail conventions as `field.Required`, `field.Invalid` and friends.

use crate::apiserver::errors::{FieldError, FieldErrorType};

/// A field path such as `metadata.labels` or `data[foo]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Path(String);

impl Path {
    /// A root path (`field.NewPath("spec")`). The empty root renders as `[]`, exactly as
    /// upstream's `field.NewPath("")` does (used for whole-object errors).
    pub fn new(root: &str) -> Path {
        if root.is_empty() {
            Path("[]".to_string())
        } else {
            Path(root.to_string())
        }
    }

    /// A named child: `spec` → `spec.replicas`.
    pub fn child(&self, name: &str) -> Path {
        Path(format!("{}.{}", self.0, name))
    }

    /// A list element: `containers` → `containers[0]`.
    pub fn index(&self, i: usize) -> Path {
        Path(format!("{}[{}]", self.0, i))
    }

    /// A map entry: `data` → `data[foo]` (upstream does not quote keys).
    pub fn key(&self, k: &str) -> Path {
        Path(format!("{}[{}]", self.0, k))
    }

    /// The rendered path.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `Required value`, with an optional detail.
pub fn required(p: &Path, detail: &str) -> FieldError {
    FieldError::required(p.as_str(), detail)
}

/// `Invalid value: <value>: <detail>`; `value` is already rendered (see `gofmt`).
pub fn invalid(p: &Path, value: impl Into<String>, detail: &str) -> FieldError {
    FieldError::invalid(p.as_str(), value, detail)
}

/// `Invalid value: <detail>` with the value omitted (upstream's `field.OmitValueType{}`).
pub fn invalid_omit(p: &Path, detail: &str) -> FieldError {
    FieldError {
        kind: FieldErrorType::Invalid,
        field: p.as_str().to_string(),
        bad_value: None,
        detail: detail.to_string(),
    }
}

/// `Forbidden: <detail>`.
pub fn forbidden(p: &Path, detail: &str) -> FieldError {
    FieldError::forbidden(p.as_str(), detail)
}

/// `Duplicate value: <value>`.
pub fn duplicate(p: &Path, value: impl Into<String>) -> FieldError {
    FieldError::duplicate(p.as_str(), value)
}

/// `Unsupported value: <value>: supported values: "a", "b"`.
pub fn not_supported(p: &Path, value: impl Into<String>, supported: &[&str]) -> FieldError {
    FieldError::not_supported(p.as_str(), value, supported)
}

/// `Not found: <value>`.
pub fn not_found(p: &Path, value: impl Into<String>) -> FieldError {
    FieldError {
        kind: FieldErrorType::NotFound,
        field: p.as_str().to_string(),
        bad_value: Some(value.into()),
        detail: String::new(),
    }
}

/// `Too long: may not be more than <max> bytes` (upstream never prints the value).
pub fn too_long(p: &Path, max: usize) -> FieldError {
    FieldError {
        kind: FieldErrorType::TooLong,
        field: p.as_str().to_string(),
        bad_value: None,
        detail: format!("may not be more than {max} bytes"),
    }
}

/// `Too many: <actual>: must have at most <max> items`.
pub fn too_many(p: &Path, actual: usize, max: usize) -> FieldError {
    FieldError {
        kind: FieldErrorType::TooMany,
        field: p.as_str().to_string(),
        bad_value: Some(actual.to_string()),
        detail: format!("must have at most {max} items"),
    }
}

/// `Invalid value: <n>: must be greater than or equal to 0` when `n` is negative
/// (upstream's `ValidateNonnegativeField`).
pub fn nonnegative(value: i64, p: &Path) -> Vec<FieldError> {
    if value < 0 {
        vec![invalid(
            p,
            value.to_string(),
            super::names::IS_NEGATIVE_ERROR_MSG,
        )]
    } else {
        Vec::new()
    }
}

/// `field is immutable` when two values differ (upstream's `ValidateImmutableField`);
/// `rendered_new` is the new value as upstream would print it.
pub fn immutable<T: PartialEq>(
    new: &T,
    old: &T,
    p: &Path,
    rendered_new: impl FnOnce() -> String,
) -> Vec<FieldError> {
    if new != old {
        vec![invalid(
            p,
            rendered_new(),
            super::names::FIELD_IMMUTABLE_ERROR_MSG,
        )]
    } else {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_render_like_field_path_string() {
        // v1.32 field.Path: children dotted, indexes and unquoted keys in brackets.
        let p = Path::new("spec")
            .child("template")
            .child("spec")
            .child("containers")
            .index(0)
            .child("name");
        assert_eq!(p.as_str(), "spec.template.spec.containers[0].name");
        assert_eq!(Path::new("data").key("foo").as_str(), "data[foo]");
        assert_eq!(Path::new("").as_str(), "[]");
    }

    #[test]
    fn too_long_and_too_many_render_like_upstream() {
        let e = too_long(&Path::new("metadata").child("annotations"), 262144);
        assert_eq!(
            e.to_string(),
            "metadata.annotations: Too long: may not be more than 262144 bytes"
        );
        let e = too_many(&Path::new("spec").child("rules"), 21, 20);
        assert_eq!(
            e.to_string(),
            "spec.rules: Too many: 21: must have at most 20 items"
        );
    }
}
