//! Field selectors (`--field-selector`, `?fieldSelector=`), as in apimachinery `pkg/fields`
//! (v1.32): parsing with upstream's escaping rules and error strings, matching against an
//! object's field values, and the canonical `String()` form.
//!
//! This module owns only the selector syntax. Which fields a kind supports (for pods
//! `spec.nodeName`, `status.phase`, ...) is the API server's business: it walks
//! [`FieldSelector::requirements`] in order and rejects the first unsupported field. For
//! reference, upstream's messages for that are `field label not supported: <field>` from the
//! kinds with their own field conversion (pods, events, namespaces, secrets, ...) and
//! `"<field>" is not a known field selector: only "metadata.name", "metadata.namespace"`
//! from the others; kubectl wraps either the way [`crate::model::selector::LabelSelector::parse`]
//! describes.

use std::fmt;

/// The two field selector operators (`==` parses as `=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldOperator {
    /// `field=value` or `field==value`
    Equals,
    /// `field!=value`
    NotEquals,
}

/// One term of a field selector (upstream `fields.Requirement`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    /// The field path, e.g. `status.phase`. Upstream does not trim or validate it.
    pub field: String,
    /// The operator.
    pub operator: FieldOperator,
    /// The unescaped value; may be empty (`spec.nodeName=` selects unscheduled pods).
    pub value: String,
}

impl FieldRequirement {
    /// Whether an object whose field reads `actual` satisfies this term. A missing field
    /// reads as the empty string, as upstream's `fields.Set.Get` does.
    pub fn matches(&self, actual: Option<&str>) -> bool {
        let actual = actual.unwrap_or_default();
        match self.operator {
            FieldOperator::Equals => actual == self.value,
            FieldOperator::NotEquals => actual != self.value,
        }
    }
}

/// A parsed field selector: terms that must all hold. The empty selector matches everything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

impl FieldSelector {
    /// The empty selector, which matches every object.
    pub fn everything() -> FieldSelector {
        FieldSelector::default()
    }

    /// Parses `metadata.name=x,status.phase!=Running,spec.nodeName=` (upstream
    /// `fields.ParseSelector`). Terms are split on unescaped commas and sorted as strings
    /// before parsing; each term splits at its first `!=`, `==` or `=`; in values `\,`,
    /// `\=` and `\\` are escapes and a bare `,` or `=` is an error. A term with both an
    /// empty field and an empty value (`=`) is dropped, as upstream's identity transform
    /// drops it.
    ///
    /// Errors are upstream's text: `invalid selector: 'a=b,c'; can't understand 'c'`,
    /// `invalid field selector: invalid escape sequence: \a`, and
    /// `invalid field selector: unescaped character in value: 61` (Go prints the rune as
    /// its number). The API server returns them as 400 BadRequest messages.
    pub fn parse(selector: &str) -> Result<FieldSelector, String> {
        let mut terms = split_terms(selector);
        terms.sort_unstable();
        let mut requirements = Vec::new();
        for term in terms {
            if term.is_empty() {
                continue;
            }
            let Some((field, operator, raw_value)) = split_term(term) else {
                return Err(format!(
                    "invalid selector: '{selector}'; can't understand '{term}'"
                ));
            };
            let value = unescape_value(raw_value)?;
            if field.is_empty() && value.is_empty() {
                continue;
            }
            requirements.push(FieldRequirement {
                field: field.to_string(),
                operator,
                value,
            });
        }
        Ok(FieldSelector { requirements })
    }

    /// Whether the selector places no restriction.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// The terms in their canonical (sorted) order, for the API server to check that each
    /// field is supported for the kind.
    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// Whether an object matches; `get` reads a field path (such as `spec.nodeName`) from
    /// the object, `None` when the object has no such field.
    pub fn matches(&self, get: impl Fn(&str) -> Option<String>) -> bool {
        self.requirements
            .iter()
            .all(|r| r.matches(get(&r.field).as_deref()))
    }

    /// The value an `=` term pins `field` to, if any (upstream `RequiresExactMatch`): the
    /// first `=` term on that field, so watches can be indexed by `spec.nodeName`.
    pub fn single_value(&self, field: &str) -> Option<&str> {
        self.requirements
            .iter()
            .find(|r| r.field == field && r.operator == FieldOperator::Equals)
            .map(|r| r.value.as_str())
    }
}

impl fmt::Display for FieldSelector {
    /// Upstream `String()`: `field=value` and `field!=value` terms with escaped values,
    /// joined by commas, in parse order (sorted); "" for the empty selector.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = match r.operator {
                FieldOperator::Equals => "=",
                FieldOperator::NotEquals => "!=",
            };
            write!(f, "{}{op}{}", r.field, escape_value(&r.value))?;
        }
        Ok(())
    }
}

/// Escapes `\`, `,` and `=` with a backslash (upstream `fields.EscapeValue`).
pub fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Undoes [`escape_value`] (upstream `fields.UnescapeValue`), rejecting unknown escapes, a
/// trailing backslash, and bare `,` or `=`.
pub fn unescape_value(value: &str) -> Result<String, String> {
    let mut out = String::with_capacity(value.len());
    let mut in_slash = false;
    for c in value.chars() {
        if in_slash {
            if !matches!(c, '\\' | ',' | '=') {
                return Err(format!(
                    "invalid field selector: invalid escape sequence: \\{c}"
                ));
            }
            out.push(c);
            in_slash = false;
            continue;
        }
        match c {
            '\\' => in_slash = true,
            ',' | '=' => {
                return Err(format!(
                    "invalid field selector: unescaped character in value: {}",
                    c as u32
                ))
            }
            c => out.push(c),
        }
    }
    if in_slash {
        return Err("invalid field selector: invalid escape sequence: \\".to_string());
    }
    Ok(out)
}

/// Splits a selector on commas that are not escaped; a backslash escapes the next
/// character, which stays in the term with its backslash (upstream `splitTerms`).
fn split_terms(selector: &str) -> Vec<&str> {
    if selector.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut in_slash = false;
    for (i, c) in selector.char_indices() {
        if in_slash {
            in_slash = false;
        } else if c == '\\' {
            in_slash = true;
        } else if c == ',' {
            terms.push(&selector[start..i]);
            start = i + 1;
        }
    }
    terms.push(&selector[start..]);
    terms
}

/// Splits a term at the first operator, trying `!=`, then `==`, then `=` at each position
/// (upstream `splitTerm`); the value is returned still escaped.
fn split_term(term: &str) -> Option<(&str, FieldOperator, &str)> {
    for (i, _) in term.char_indices() {
        let rest = &term[i..];
        for (op, operator) in [
            ("!=", FieldOperator::NotEquals),
            ("==", FieldOperator::Equals),
            ("=", FieldOperator::Equals),
        ] {
            if let Some(value) = rest.strip_prefix(op) {
                return Some((&term[..i], operator, value));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    //! Cases from apimachinery v1.32 `pkg/fields/selector_test.go`.

    use super::*;
    use std::collections::BTreeMap;

    fn parse(s: &str) -> FieldSelector {
        FieldSelector::parse(s).unwrap_or_else(|e| panic!("{s:?} should parse: {e}"))
    }

    fn matches(selector: &str, fields: &[(&str, &str)]) -> bool {
        let fields: BTreeMap<&str, &str> = fields.iter().copied().collect();
        parse(selector).matches(|f| fields.get(f).map(|v| v.to_string()))
    }

    /// TestSplitTerms: escaped commas stay inside terms; empty terms are kept.
    #[test]
    fn split_terms_like_upstream() {
        assert_eq!(split_terms(""), Vec::<&str>::new());
        assert_eq!(split_terms("a=a,"), vec!["a=a", ""]);
        assert_eq!(split_terms(",a=a"), vec!["", "a=a"]);
        assert_eq!(split_terms(r"k=\,,k2=v2"), vec![r"k=\,", "k2=v2"]);
        assert_eq!(split_terms(r"k=\\,k2=v2"), vec![r"k=\\", "k2=v2"]);
        assert_eq!(split_terms(r"k=\\\,,k2=v2"), vec![r"k=\\\,", "k2=v2"]);
        assert_eq!(split_terms(r"k=\a\b\"), vec![r"k=\a\b\"]);
        assert_eq!(split_terms("함=수,목=록"), vec!["함=수", "목=록"]);
    }

    /// TestSplitTerm: the first operator wins, `!=` and `==` before `=`.
    #[test]
    fn split_term_like_upstream() {
        assert_eq!(
            split_term("a=value"),
            Some(("a", FieldOperator::Equals, "value"))
        );
        assert_eq!(
            split_term("b==value"),
            Some(("b", FieldOperator::Equals, "value"))
        );
        assert_eq!(
            split_term("c!=value"),
            Some(("c", FieldOperator::NotEquals, "value"))
        );
        assert_eq!(split_term(""), None);
        assert_eq!(split_term("a"), None);
        assert_eq!(
            split_term(r"k=\\\a\b\=\,\"),
            Some(("k", FieldOperator::Equals, r"\\\a\b\=\,\"))
        );
        assert_eq!(
            split_term("함=수"),
            Some(("함", FieldOperator::Equals, "수"))
        );
    }

    /// TestEscapeValue: escaping round-trips; bad escapes are rejected.
    #[test]
    fn escape_and_unescape() {
        for (raw, escaped) in [
            ("", ""),
            ("a", "a"),
            ("=", r"\="),
            (",", r"\,"),
            ("\\", r"\\"),
            (r"\=\,\", r"\\\=\\\,\\"),
        ] {
            assert_eq!(escape_value(raw), escaped);
            assert_eq!(unescape_value(escaped).as_deref(), Ok(raw));
        }
        assert_eq!(
            unescape_value(r"\"),
            Err(r"invalid field selector: invalid escape sequence: \".to_string())
        );
        assert_eq!(
            unescape_value(r"\\\"),
            Err(r"invalid field selector: invalid escape sequence: \".to_string())
        );
        assert_eq!(
            unescape_value(r"\a"),
            Err(r"invalid field selector: invalid escape sequence: \a".to_string())
        );
    }

    /// TestSelectorParse: good strings re-print unchanged; bad strings give upstream errors.
    #[test]
    fn parse_good_and_bad() {
        for good in ["x=a,y=b,z=c", "", "x!=a,y=b", r"x=a||y\=b", r"x=a\=\=b"] {
            assert_eq!(parse(good).to_string(), good);
        }
        let err = |s: &str| FieldSelector::parse(s).err();
        assert_eq!(
            err("x=a||y=b"),
            Some("invalid field selector: unescaped character in value: 61".into())
        );
        assert_eq!(
            err("x==a==b"),
            Some("invalid field selector: unescaped character in value: 61".into())
        );
        assert_eq!(
            err("x=a,b"),
            Some("invalid selector: 'x=a,b'; can't understand 'b'".into())
        );
        assert_eq!(
            err("x in (a)"),
            Some("invalid selector: 'x in (a)'; can't understand 'x in (a)'".into())
        );
        assert_eq!(
            err("x"),
            Some("invalid selector: 'x'; can't understand 'x'".into())
        );
    }

    /// TestDeterministicParse: terms are sorted, and `==` prints as `=`.
    #[test]
    fn parse_sorts_terms() {
        assert_eq!(parse("x=a,a=x").to_string(), "a=x,x=a");
        assert_eq!(
            parse("status.phase==Running,metadata.name!=web").to_string(),
            "metadata.name!=web,status.phase=Running"
        );
        assert_eq!(parse("=,a=b,").to_string(), "a=b");
    }

    /// TestSelectorMatches: a missing field reads as "".
    #[test]
    fn matching() {
        assert!(matches("", &[("x", "y")]));
        assert!(matches("x=y", &[("x", "y")]));
        assert!(matches("x=y,z=w", &[("x", "y"), ("z", "w")]));
        assert!(matches("x!=y,z!=w", &[("x", "z"), ("z", "a")]));
        assert!(matches("notin=in", &[("notin", "in")]));
        assert!(!matches("x=y", &[("x", "z")]));
        assert!(!matches("x=y,z=w", &[("x", "w"), ("z", "w")]));
        assert!(!matches("x!=y,z!=w", &[("x", "z"), ("z", "w")]));
        let complex = [("foo", "bar"), ("baz", "blah"), ("complex", r"=value\,\")];
        assert!(matches(r"foo=bar,baz=blah,complex=\=value\\\,\\", &complex));
        assert!(!matches("foo=bar,foobar=bar,baz=blah", &complex));
        assert!(matches("spec.nodeName=", &[("metadata.name", "web")]));
        assert!(!matches("spec.nodeName=", &[("spec.nodeName", "node-1")]));
    }

    /// TestRequiresExactMatch: only `=` terms pin a value, even an empty one.
    #[test]
    fn single_value() {
        assert_eq!(parse("").single_value("test"), None);
        assert_eq!(parse("a=b").single_value("test"), None);
        assert_eq!(parse("test=b").single_value("test"), Some("b"));
        assert_eq!(parse("test=").single_value("test"), Some(""));
        assert_eq!(parse("test!=b").single_value("test"), None);
        assert_eq!(
            parse("spec.nodeName=node-1,status.phase!=Failed").single_value("spec.nodeName"),
            Some("node-1")
        );
    }
}
