//! Label selectors, as in apimachinery `pkg/labels` (v1.32): the string syntax of
//! `kubectl get -l`, the `metav1.LabelSelector` API type (`LabelSelectorAsSelector`),
//! matching, the canonical `String()` form, and the printers' `FormatLabelSelector` and
//! `FormatLabels`.
//!
//! This module owns selector semantics and their error strings. The string parser lives in
//! `selector/parse.rs`; the label key and value checks a selector applies, with upstream's
//! wording, live in `selector/names.rs`.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

mod names;
mod parse;
#[cfg(test)]
mod tests;

pub use names::go_quote;
use names::{aggregate, go_string_slice, invalid, label_value_errors, qualified_name_errors};

/// How a requirement relates a label key to its values (upstream `selection.Operator`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `key=value`
    Equals,
    /// `key==value`
    DoubleEquals,
    /// `key!=value`
    NotEquals,
    /// `key in (a,b)`
    In,
    /// `key notin (a,b)`
    NotIn,
    /// `key`
    Exists,
    /// `!key`
    DoesNotExist,
    /// `key>1` (the label value must parse as an integer)
    GreaterThan,
    /// `key<1` (the label value must parse as an integer)
    LessThan,
}

impl Operator {
    /// Upstream's spelling of the operator: `=`, `==`, `!=`, `in`, `notin`, `exists`, `!`,
    /// `gt`, `lt`.
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

/// One requirement of a selector: a key, an operator and its values (upstream
/// `labels.Requirement`). Built only through validation, so it is always well formed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    key: String,
    operator: Operator,
    values: Vec<String>,
}

impl Requirement {
    /// Upstream `labels.NewRequirement` (without a field path): validates the key as a
    /// qualified name, the number of values for the operator, integer values for `>`/`<`,
    /// and every value as a label value. Every problem is reported, joined the way
    /// upstream's aggregate error joins them, e.g.
    /// `values[0][x]: Invalid value: "a b": a valid label must be an empty string or ...`.
    pub fn new(key: &str, operator: Operator, values: Vec<String>) -> Result<Requirement, String> {
        let mut errs = Vec::new();
        let key_errs = qualified_name_errors(key);
        if !key_errs.is_empty() {
            errs.push(invalid("key", &go_quote(key), &key_errs.join("; ")));
        }
        let rendered = || go_string_slice(&values);
        match operator {
            Operator::In | Operator::NotIn if values.is_empty() => errs.push(invalid(
                "values",
                &rendered(),
                "for 'in', 'notin' operators, values set can't be empty",
            )),
            Operator::Equals | Operator::DoubleEquals | Operator::NotEquals
                if values.len() != 1 =>
            {
                errs.push(invalid(
                    "values",
                    &rendered(),
                    "exact-match compatibility requires one single value",
                ))
            }
            Operator::Exists | Operator::DoesNotExist if !values.is_empty() => errs.push(invalid(
                "values",
                &rendered(),
                "values set must be empty for exists and does not exist",
            )),
            Operator::GreaterThan | Operator::LessThan => {
                if values.len() != 1 {
                    errs.push(invalid(
                        "values",
                        &rendered(),
                        "for 'Gt', 'Lt' operators, exactly one value is required",
                    ));
                }
                for (i, value) in values.iter().enumerate() {
                    if value.parse::<i64>().is_err() {
                        errs.push(invalid(
                            &format!("values[{i}]"),
                            &go_quote(value),
                            "for 'Gt', 'Lt' operators, the value must be an integer",
                        ));
                    }
                }
            }
            _ => {}
        }
        for (i, value) in values.iter().enumerate() {
            let value_errs = label_value_errors(value);
            if !value_errs.is_empty() {
                let field = format!("values[{i}][{key}]");
                errs.push(invalid(&field, &go_quote(value), &value_errs.join("; ")));
            }
        }
        match aggregate(errs) {
            Some(err) => Err(err),
            None => Ok(Requirement {
                key: key.to_string(),
                operator,
                values,
            }),
        }
    }

    /// The label key.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The operator.
    pub fn operator(&self) -> Operator {
        self.operator
    }

    /// The values, in the order given (sorted and de-duplicated when parsed from a string).
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether a set of labels satisfies this requirement. A missing key satisfies `!=`,
    /// `notin` and `!key`; `>` and `<` need the label to exist and parse as an integer.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let label = labels.get(&self.key);
        let has_value = |v: &String| self.values.contains(v);
        match self.operator {
            Operator::In | Operator::Equals | Operator::DoubleEquals => {
                label.is_some_and(has_value)
            }
            Operator::NotIn | Operator::NotEquals => !label.is_some_and(has_value),
            Operator::Exists => label.is_some(),
            Operator::DoesNotExist => label.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let Some(Ok(actual)) = label.map(|v| v.parse::<i64>()) else {
                    return false;
                };
                let [wanted] = self.values.as_slice() else {
                    return false;
                };
                let Ok(wanted) = wanted.parse::<i64>() else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    /// Upstream `Requirement.String()`: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k>v`, `k<v`,
    /// `k in (a,b)`, `k notin (a,b)`; several values print sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (before, op, after) = match self.operator {
            Operator::Exists => return f.write_str(&self.key),
            Operator::DoesNotExist => return write!(f, "!{}", self.key),
            Operator::Equals => ("", "=", ""),
            Operator::DoubleEquals => ("", "==", ""),
            Operator::NotEquals => ("", "!=", ""),
            Operator::GreaterThan => ("", ">", ""),
            Operator::LessThan => ("", "<", ""),
            Operator::In => (" ", "in (", ")"),
            Operator::NotIn => (" ", "notin (", ")"),
        };
        let mut values: Vec<&str> = self.values.iter().map(String::as_str).collect();
        values.sort_unstable();
        write!(f, "{}{before}{op}{}{after}", self.key, values.join(","))
    }
}

/// A label selector: requirements that must all hold (upstream `labels.Selector`).
///
/// Three kinds exist, as upstream: a selector with requirements; the empty selector, which
/// matches everything (an empty string, an empty `metav1.LabelSelector`); and the "nothing"
/// selector, which matches no object at all (a nil `metav1.LabelSelector`, see
/// [`LabelSelector::from_optional_label_selector`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
    nothing: bool,
}

impl LabelSelector {
    /// The empty selector, which matches every set of labels (upstream `Everything()`).
    pub fn everything() -> LabelSelector {
        LabelSelector {
            requirements: Vec::new(),
            nothing: false,
        }
    }

    /// The selector that matches nothing (upstream `Nothing()`); it prints as "".
    pub fn nothing() -> LabelSelector {
        LabelSelector {
            requirements: Vec::new(),
            nothing: true,
        }
    }

    fn from_requirements(mut requirements: Vec<Requirement>) -> LabelSelector {
        // Upstream sorts by key only; a stable sort keeps same-key requirements in input
        // order, as upstream's insertion sort does for any realistic selector length.
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        LabelSelector {
            requirements,
            nothing: false,
        }
    }

    /// Parses the selector syntax of `kubectl get -l` (upstream `labels.Parse`):
    /// `app=nginx`, `app==nginx`, `tier!=fe`, `env in (a,b)`, `env notin (a)`, `foo`, `!foo`,
    /// `x>1`, `x<5`, joined by commas, with spaces, tabs and newlines allowed between tokens.
    /// Requirements come out sorted by key; set values sorted and de-duplicated.
    ///
    /// Errors are upstream's text, e.g. for `app:web`:
    /// `unable to parse requirement: <nil>: Invalid value: "app:web": name part must consist
    /// of alphanumeric characters, '-', '_' or '.', and must start and end with an
    /// alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for
    /// validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`, or for `a b`:
    /// `unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt`.
    ///
    /// kubectl v1.32 does not parse `-l` itself: it trims the string, sends it to the API
    /// server, the server answers 400 BadRequest with this error as the Status message, and
    /// kubectl's `EnhanceListError` wraps it, so the user sees (exit code 1):
    ///
    /// ```text
    /// Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app:web", field selector "": unable to parse requirement: <nil>: Invalid value: "app:web": name part must consist of ...
    /// ```
    ///
    /// The subject is the GroupVersionResource string (`apps/v1, Resource=deployments`;
    /// the group is empty for core kinds), and both selectors are quoted with Go's `%q`
    /// ([`go_quote`]). The same wrapper carries field selector errors.
    pub fn parse(selector: &str) -> Result<LabelSelector, String> {
        parse::parse(selector).map(LabelSelector::from_requirements)
    }

    /// A selector requiring exactly these labels, without validating them (upstream
    /// `labels.SelectorFromSet`, used for a Service's or ReplicationController's
    /// `spec.selector` map). An empty map gives the selector that matches everything.
    pub fn from_set(labels: &BTreeMap<String, String>) -> LabelSelector {
        let requirements = labels
            .iter()
            .map(|(key, value)| Requirement {
                key: key.clone(),
                operator: Operator::Equals,
                values: vec![value.clone()],
            })
            .collect();
        LabelSelector::from_requirements(requirements)
    }

    /// Converts the API type (upstream `metav1.LabelSelectorAsSelector`): each `matchLabels`
    /// entry becomes `key=value`, each `matchExpressions` entry `In`/`NotIn`/`Exists`/
    /// `DoesNotExist`; an empty selector matches everything. Errors are upstream's, e.g.
    /// `"Foo" is not a valid label selector operator` or
    /// `values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty`.
    pub fn from_label_selector(selector: &metav1::LabelSelector) -> Result<LabelSelector, String> {
        let empty_labels = BTreeMap::new();
        let match_labels = selector.match_labels.as_ref().unwrap_or(&empty_labels);
        let expressions = selector.match_expressions.as_deref().unwrap_or_default();
        let mut requirements = Vec::with_capacity(match_labels.len() + expressions.len());
        for (key, value) in match_labels {
            requirements.push(Requirement::new(
                key,
                Operator::Equals,
                vec![value.clone()],
            )?);
        }
        for expression in expressions {
            let operator = match expression.operator.as_str() {
                "In" => Operator::In,
                "NotIn" => Operator::NotIn,
                "Exists" => Operator::Exists,
                "DoesNotExist" => Operator::DoesNotExist,
                other => {
                    return Err(format!(
                        "{} is not a valid label selector operator",
                        go_quote(other)
                    ))
                }
            };
            let values = expression.values.clone().unwrap_or_default();
            requirements.push(Requirement::new(&expression.key, operator, values)?);
        }
        Ok(LabelSelector::from_requirements(requirements))
    }

    /// Like [`LabelSelector::from_label_selector`], but a missing (nil) selector gives the
    /// selector that matches nothing, as upstream: a Deployment or Job with no selector
    /// selects no pods, while an empty one selects all of them.
    pub fn from_optional_label_selector(
        selector: Option<&metav1::LabelSelector>,
    ) -> Result<LabelSelector, String> {
        match selector {
            Some(selector) => LabelSelector::from_label_selector(selector),
            None => Ok(LabelSelector::nothing()),
        }
    }

    /// Whether the labels satisfy every requirement. The empty selector matches everything
    /// (including objects without labels); the "nothing" selector matches nothing.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        !self.nothing && self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether the selector places no restriction (upstream `Empty()`): true for the empty
    /// selector, false for "nothing" and for any selector with requirements.
    pub fn is_empty(&self) -> bool {
        !self.nothing && self.requirements.is_empty()
    }

    /// Whether this is the selector that matches nothing.
    pub fn is_nothing(&self) -> bool {
        self.nothing
    }

    /// The requirements, sorted by key.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The value a selector pins a label to, if any (upstream `RequiresExactMatch`): the
    /// first requirement on `key` decides, and it must be `=`, `==` or `in` with one value.
    pub fn requires_exact_match(&self, key: &str) -> Option<&str> {
        let requirement = self.requirements.iter().find(|r| r.key == key)?;
        match (requirement.operator, requirement.values.as_slice()) {
            (Operator::Equals | Operator::DoubleEquals | Operator::In, [value]) => Some(value),
            _ => None,
        }
    }
}

impl fmt::Display for LabelSelector {
    /// Upstream `String()`: the requirements, sorted by key, joined by commas, e.g.
    /// `app=nginx,env in (a,b),!legacy`; "" for both the empty and the "nothing" selector.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, requirement) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

/// Upstream `metav1.FormatLabelSelector`, as in the SELECTOR column of
/// `kubectl get rs -o wide` and the `Selector:` line of `kubectl describe`:
/// `app=nginx,pod-template-hash=76fbb7bd7b`, `env in (a,b)`, `<none>` when empty and
/// `<error>` when the selector is invalid. Callers holding an absent selector print
/// `<none>`, as upstream does for a nil one.
pub fn format_label_selector(selector: &metav1::LabelSelector) -> String {
    match LabelSelector::from_label_selector(selector) {
        Ok(selector) if selector.requirements.is_empty() => "<none>".to_string(),
        Ok(selector) => selector.to_string(),
        Err(_) => "<error>".to_string(),
    }
}

/// Upstream `labels.FormatLabels`, as in the LABELS column of `--show-labels`:
/// `key=value` pairs sorted as whole strings (so `a.b=1` sorts before `a=2`), joined by
/// commas; `<none>` when there are no labels.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    let mut pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.sort_unstable();
    pairs.join(",")
}
