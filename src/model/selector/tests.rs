//! Unit tests for label selectors, with cases taken from apimachinery v1.32
//! `pkg/labels/selector_test.go`, `labels_test.go` and `apis/meta/v1/helpers_test.go`.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1 as metav1;

use super::*;

fn set(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn parse(s: &str) -> LabelSelector {
    match LabelSelector::parse(s) {
        Ok(sel) => sel,
        Err(e) => panic!("{s:?} should parse: {e}"),
    }
}

fn parse_err(s: &str) -> String {
    match LabelSelector::parse(s) {
        Ok(sel) => panic!("{s:?} should not parse, got {sel}"),
        Err(e) => e,
    }
}

const NAME_PART_REGEX: &str = "name part must consist of alphanumeric characters, '-', '_' or \
     '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or \
     'my.name',  or '123-abc', regex used for validation is \
     '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

const LABEL_VALUE_REGEX: &str = "a valid label must be an empty string or consist of \
     alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric \
     character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is \
     '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

/// TestSelectorParse: good strings re-print without spaces; bad strings are rejected.
#[test]
fn parse_round_trips_good_strings_and_rejects_bad_ones() {
    for good in [
        "x=a,y=b,z=c",
        "",
        "x!=a,y=b",
        "x=",
        "x= ",
        "x=,z= ",
        "x= ,z= ",
        "!x",
        "x>1",
        "x>1,z<5",
    ] {
        assert_eq!(parse(good).to_string(), good.replace(' ', ""), "{good}");
    }
    for bad in ["x=a||y=b", "x==a==b", "!x=a", "x<a"] {
        parse_err(bad);
    }
}

/// TestDeterministicParse: requirements are sorted by key whatever the input order.
#[test]
fn parse_sorts_requirements_by_key() {
    assert_eq!(parse("x=a,a=x").to_string(), "a=x,x=a");
    assert_eq!(parse("x=a,a=x"), parse("a=x,x=a"));
}

/// TestSetSelectorParser: the accepted set-based forms and their canonical strings.
#[test]
fn parse_set_based_forms() {
    let cases = [
        ("\rx", "x"),
        (
            "this-is-a-dns.domain.com/key-with-dash",
            "this-is-a-dns.domain.com/key-with-dash",
        ),
        (
            "0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)",
            "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)",
        ),
        ("foo  in\t (abc)", "foo in (abc)"),
        ("x notin\n (abc)", "x notin (abc)"),
        ("x in (abc,def)", "x in (abc,def)"),
        ("x in (abc,)", "x in (,abc)"),
        ("x in ()", "x in ()"),
        (
            "x notin (abc,,def),bar,z in (),w",
            "bar,w,x notin (,abc,def),z in ()",
        ),
        ("x notin ( )", "x notin ()"),
        ("x notin (, a)", "x notin (,a)"),
        ("a ", "a"),
        ("a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"),
        ("x in (b,a,b)", "x in (a,b)"),
        ("notin=in", "notin=in"),
    ];
    for (input, canonical) in cases {
        assert_eq!(parse(input).to_string(), canonical, "{input:?}");
    }
    for bad in [
        "x=a||y=b",
        "x,,y",
        ",x,y",
        "x nott in (y)",
        "a in (xyz),",
        "a in (xyz)b notin ()",
        "a in (xyz abc)",
        "a notin(",
        "a (",
        "(",
    ] {
        parse_err(bad);
    }
}

/// The parser's exact v1.32 error messages, including the `<nil>` field path of key errors.
#[test]
fn parse_error_messages_match_upstream() {
    let cases = [
        ("x=a||y=b", format!("unable to parse requirement: values[0][x]: Invalid value: \"a||y\": {LABEL_VALUE_REGEX}")),
        ("x==a==b", "found '==', expected: ',' or 'end of string'".to_string()),
        ("!x=a", "found '=', expected: ',' or 'end of string'".to_string()),
        ("x<a", "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer".to_string()),
        ("a b", "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt".to_string()),
        ("x,,y", "found ',', expected: identifier after ','".to_string()),
        (",x", "found ',', expected: !, identifier, or 'end of string'".to_string()),
        ("a in (xyz),", "found '', expected: identifier after ','".to_string()),
        ("a in (xyz abc)", "unable to parse requirement: found 'abc', expected: ',' or ')'".to_string()),
        ("a notin(", "unable to parse requirement: found '', expected: ',', ')' or identifier".to_string()),
        ("a in (x,", "unable to parse requirement: found '', expected: ',', or identifier".to_string()),
        ("a in x", "unable to parse requirement: found 'x' expected: '('".to_string()),
        ("a=(", "unable to parse requirement: found '(', expected: identifier".to_string()),
        ("!", "unable to parse requirement: found '', expected: identifier".to_string()),
        ("x>=1", "unable to parse requirement: found '=', expected: identifier".to_string()),
        ("app:monolith", format!("unable to parse requirement: <nil>: Invalid value: \"app:monolith\": {NAME_PART_REGEX}")),
        ("a/b/c ?=? def", "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()),
        ("app.kubernetes_io/name=x", "unable to parse requirement: <nil>: Invalid value: \"app.kubernetes_io/name\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_string()),
        ("x>-1", format!("unable to parse requirement: values[0][x]: Invalid value: \"-1\": {LABEL_VALUE_REGEX}")),
        ("x>a@", format!("unable to parse requirement: [values[0]: Invalid value: \"a@\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][x]: Invalid value: \"a@\": {LABEL_VALUE_REGEX}]")),
    ];
    for (input, want) in cases {
        assert_eq!(parse_err(input), want, "{input:?}");
    }
    let long = "a".repeat(64);
    assert_eq!(
        parse_err(&format!("x={long}")),
        format!("unable to parse requirement: values[0][x]: Invalid value: \"{long}\": must be no more than 63 characters")
    );
}

/// TestLexer: `in`/`notin` are values after an operator. Upstream's lexer reads a NUL byte
/// as end of input: before a token it ends the selector, inside one it only ends the token.
#[test]
fn keywords_are_values_in_value_position_and_nul_reads_as_end() {
    assert!(parse("x=in").matches(&set(&[("x", "in")])));
    assert_eq!(parse("x=a \0garbage(").to_string(), "x=a");
    assert_eq!(
        parse_err("x=a\0b"),
        "found 'b', expected: ',' or 'end of string'"
    );
}

/// TestSelectorMatches and TestRequirementSelectorMatching.
#[test]
fn matching_follows_upstream() {
    let matches = |sel: &str, labels: &[(&str, &str)]| parse(sel).matches(&set(labels));
    assert!(matches("", &[("x", "y")]));
    assert!(matches("x=y", &[("x", "y")]));
    assert!(matches("x=y,z=w", &[("x", "y"), ("z", "w")]));
    assert!(matches("x!=y,z!=w", &[("x", "z"), ("z", "a")]));
    assert!(matches("notin=in", &[("notin", "in")]));
    assert!(matches("x", &[("x", "z")]));
    assert!(matches("!x", &[("y", "z")]));
    assert!(matches("x>1", &[("x", "2")]));
    assert!(matches("x<1", &[("x", "0")]));
    assert!(!matches("x=z", &[]));
    assert!(!matches("x=y", &[("x", "z")]));
    assert!(!matches("x=y,z=w", &[("x", "w"), ("z", "w")]));
    assert!(!matches("x!=y,z!=w", &[("x", "z"), ("z", "w")]));
    assert!(!matches("x", &[("y", "z")]));
    assert!(!matches("!x", &[("x", "z")]));
    assert!(!matches("x>1", &[("x", "0")]));
    assert!(!matches("x<1", &[("x", "2")]));
    assert!(!matches("z>1", &[("z", "v2")]));
    assert!(matches("x notin (),y", &[("y", "")]));
    assert!(!matches("x in ()", &[("y", "baz")]));
    assert!(matches(
        "x in (foo),y notin (alpha)",
        &[("x", "foo"), ("y", "baz")]
    ));
    assert!(!matches(
        "x in (foo),y in (alpha)",
        &[("x", "foo"), ("y", "baz")]
    ));
}

/// TestToString: the canonical form of each operator, with set values sorted.
#[test]
fn requirement_strings() {
    let req = |key: &str, op, values: &[&str]| {
        Requirement::new(key, op, values.iter().map(|v| v.to_string()).collect())
            .map(|r| r.to_string())
    };
    assert_eq!(
        req("x", Operator::In, &["def", "abc"]),
        Ok("x in (abc,def)".into())
    );
    assert_eq!(
        req("y", Operator::NotIn, &["jkl"]),
        Ok("y notin (jkl)".into())
    );
    assert_eq!(req("z", Operator::Exists, &[]), Ok("z".into()));
    assert_eq!(req("z", Operator::DoesNotExist, &[]), Ok("!z".into()));
    assert_eq!(
        req("y", Operator::DoubleEquals, &["jkl"]),
        Ok("y==jkl".into())
    );
    assert_eq!(req("x", Operator::GreaterThan, &["2"]), Ok("x>2".into()));
    assert_eq!(req("y", Operator::LessThan, &["8"]), Ok("y<8".into()));
}

/// TestRequirementConstructor: the validation errors of NewRequirement.
#[test]
fn requirement_constructor_errors() {
    let err = |key: &str, op, values: &[&str]| {
        Requirement::new(key, op, values.iter().map(|v| v.to_string()).collect()).err()
    };
    assert_eq!(err("x1", Operator::In, &[]), Some("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty".into()));
    assert_eq!(err("x5", Operator::Equals, &["bar", "foo"]), Some("values: Invalid value: []string{\"bar\", \"foo\"}: exact-match compatibility requires one single value".into()));
    assert_eq!(err("x8", Operator::Exists, &["foo"]), Some("values: Invalid value: []string{\"foo\"}: values set must be empty for exists and does not exist".into()));
    assert_eq!(err("x13", Operator::GreaterThan, &[]), Some("values: Invalid value: []string(nil): for 'Gt', 'Lt' operators, exactly one value is required".into()));
    assert_eq!(err("x14", Operator::GreaterThan, &["bar"]), Some("values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer".into()));
    let long_key = "a".repeat(254);
    assert_eq!(
        err(&long_key, Operator::Exists, &[]),
        Some(format!(
            "key: Invalid value: \"{long_key}\": name part must be no more than 63 characters"
        ))
    );
    assert_eq!(
        err("x17", Operator::Equals, &["a b"]),
        Some(format!(
            "values[0][x17]: Invalid value: \"a b\": {LABEL_VALUE_REGEX}"
        ))
    );
    assert_eq!(
        err("", Operator::Exists, &[]),
        Some(format!(
            "key: Invalid value: \"\": name part must be non-empty; {NAME_PART_REGEX}"
        ))
    );
    assert_eq!(err("x9", Operator::In, &["bar"]), None);
}

/// TestRequiresExactMatch.
#[test]
fn requires_exact_match() {
    assert_eq!(
        parse("key in (value)").requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(
        parse("key in (value,value2)").requires_exact_match("key"),
        None
    );
    assert_eq!(
        parse("key in (value,value1),key2 in (value2)").requires_exact_match("key2"),
        Some("value2")
    );
    assert_eq!(
        parse("key=value").requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(
        parse("key==value").requires_exact_match("key"),
        Some("value")
    );
    assert_eq!(parse("key!=value").requires_exact_match("key"), None);
}

fn api_selector(
    labels: &[(&str, &str)],
    exprs: &[(&str, &str, Option<&[&str]>)],
) -> metav1::LabelSelector {
    metav1::LabelSelector {
        match_labels: (!labels.is_empty()).then(|| set(labels)),
        match_expressions: (!exprs.is_empty()).then(|| {
            exprs
                .iter()
                .map(|(key, op, values)| metav1::LabelSelectorRequirement {
                    key: key.to_string(),
                    operator: op.to_string(),
                    values: values.map(|vs| vs.iter().map(|v| v.to_string()).collect()),
                })
                .collect()
        }),
    }
}

/// TestLabelSelectorAsSelector: matchLabels plus matchExpressions, and nil versus empty.
#[test]
fn label_selector_as_selector() {
    let sel = api_selector(&[("foo", "bar")], &[("baz", "In", Some(&["qux", "norf"]))]);
    let sel = LabelSelector::from_label_selector(&sel).ok();
    assert_eq!(
        sel.map(|s| s.to_string()),
        Some("baz in (norf,qux),foo=bar".into())
    );

    let empty = LabelSelector::from_label_selector(&api_selector(&[], &[])).ok();
    assert_eq!(
        empty.as_ref().map(|s| (s.is_empty(), s.matches(&set(&[])))),
        Some((true, true))
    );
    let nil = LabelSelector::from_optional_label_selector(None).ok();
    assert_eq!(
        nil.as_ref()
            .map(|s| (s.is_empty(), s.is_nothing(), s.matches(&set(&[])))),
        Some((false, true, false))
    );

    let bad_op = api_selector(&[], &[("foo", "Foo", None)]);
    assert_eq!(
        LabelSelector::from_label_selector(&bad_op).err(),
        Some("\"Foo\" is not a valid label selector operator".into())
    );
    let no_values = api_selector(&[], &[("foo", "In", Some(&[]))]);
    assert_eq!(LabelSelector::from_label_selector(&no_values).err(), Some("values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty".into()));
    let bad_key = api_selector(&[("foo bar", "x")], &[]);
    assert_eq!(
        LabelSelector::from_label_selector(&bad_key).err(),
        Some(format!(
            "key: Invalid value: \"foo bar\": {NAME_PART_REGEX}"
        ))
    );
}

/// TestLabelSelectorAsSelector keeps expression values as given (duplicates too) but
/// prints them sorted; expressions match like parsed requirements.
#[test]
fn expressions_match_and_print_sorted() {
    let sel = api_selector(
        &[],
        &[
            ("env", "NotIn", Some(&["prod", "dev", "prod"])),
            ("tier", "Exists", None),
            ("old", "DoesNotExist", None),
        ],
    );
    let sel = LabelSelector::from_label_selector(&sel).ok();
    assert_eq!(
        sel.as_ref().map(|s| s.to_string()),
        Some("env notin (dev,prod,prod),!old,tier".into())
    );
    assert_eq!(
        sel.as_ref()
            .map(|s| s.matches(&set(&[("tier", "fe"), ("env", "qa")]))),
        Some(true)
    );
    assert_eq!(
        sel.as_ref()
            .map(|s| s.matches(&set(&[("tier", "fe"), ("env", "dev")]))),
        Some(false)
    );
}

/// FormatLabelSelector as the `kubectl get rs -o wide` SELECTOR column prints it.
#[test]
fn format_label_selector_like_kubectl() {
    let rs = api_selector(
        &[("pod-template-hash", "76fbb7bd7b"), ("app", "nginx")],
        &[],
    );
    assert_eq!(
        format_label_selector(&rs),
        "app=nginx,pod-template-hash=76fbb7bd7b"
    );
    assert_eq!(format_label_selector(&api_selector(&[], &[])), "<none>");
    let exprs = api_selector(&[], &[("env", "In", Some(&["b", "a"]))]);
    assert_eq!(format_label_selector(&exprs), "env in (a,b)");
    assert_eq!(
        format_label_selector(&api_selector(&[], &[("env", "Bad", None)])),
        "<error>"
    );
}

/// FormatLabels sorts whole `key=value` strings, so `a.b=1` comes before `a=2`.
#[test]
fn format_labels_like_kubectl() {
    assert_eq!(format_labels(&set(&[])), "<none>");
    assert_eq!(
        format_labels(&set(&[("app", "web"), ("a.b", "1"), ("a", "2")])),
        "a.b=1,a=2,app=web"
    );
}

/// SelectorFromSet: every label must match exactly; the empty set matches everything.
#[test]
fn selector_from_set() {
    let labels = set(&[("foo", "bar"), ("baz", "blah")]);
    assert!(LabelSelector::from_set(&set(&[])).matches(&labels));
    assert!(LabelSelector::from_set(&set(&[("foo", "bar")])).matches(&labels));
    assert!(!LabelSelector::from_set(&set(&[("foo", "=blah")])).matches(&labels));
    assert_eq!(
        LabelSelector::from_set(&labels).to_string(),
        "baz=blah,foo=bar"
    );
}

/// Go's `%q` quoting, used by the list error wrapper for the selector strings.
#[test]
fn go_quote_escapes_like_go() {
    assert_eq!(go_quote("app=web"), "\"app=web\"");
    assert_eq!(go_quote("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\x01é\"");
}
