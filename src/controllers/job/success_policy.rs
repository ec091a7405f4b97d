//! `spec.successPolicy` of Indexed Jobs (`success_policy.go`, JobSuccessPolicy, on in
//! v1.32): the Job succeeds once the first rule matches: every index of the rule's
//! `succeededIndexes` succeeded (or `succeededCount` of them), or, without indexes,
//! `succeededCount` indexes in all.
//!
//! Worked example: rule `succeededIndexes: "0-2,4"`, `succeededCount: 2`, succeeded
//! indexes `1,4,6`: the overlap is {1, 4}, two indexes, so the rule matches.

use k8s_openapi::api::batch::v1::SuccessPolicy;

use super::indexed::OrderedIntervals;

/// `matchSuccessPolicy`: the `SuccessCriteriaMet` message (`Matched rules at index N`) of
/// the first matching rule.
pub fn match_success_policy(
    policy: Option<&SuccessPolicy>,
    completions: i64,
    succeeded: &OrderedIntervals,
) -> Option<String> {
    let policy = policy?;
    if succeeded.0.is_empty() {
        return None;
    }
    for (index, rule) in policy.rules.iter().enumerate() {
        let count = rule.succeeded_count.map(i64::from);
        let matched = match &rule.succeeded_indexes {
            Some(text) => {
                let required = OrderedIntervals::parse(text, completions);
                if required.0.is_empty() {
                    continue;
                }
                let contains = overlap(&required, succeeded);
                contains == required.total() || count.is_some_and(|c| contains >= c)
            }
            None => count.is_some_and(|c| succeeded.total() >= c),
        };
        if matched {
            return Some(format!("Matched rules at index {index}"));
        }
    }
    None
}

/// How many indexes two interval lists share (`matchSucceededIndexesRule`'s walk).
fn overlap(a: &OrderedIntervals, b: &OrderedIntervals) -> i64 {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.0.len() && j < b.0.len() {
        let (x, y) = (a.0[i], b.0[j]);
        shared += (x.last.min(y.last) - x.first.max(y.first) + 1).max(0);
        if y.last < x.last {
            j += 1;
        } else if y.last > x.last {
            i += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    shared
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::SuccessPolicyRule;

    fn policy(rules: Vec<(Option<&str>, Option<i32>)>) -> SuccessPolicy {
        SuccessPolicy {
            rules: rules
                .into_iter()
                .map(|(ix, n)| SuccessPolicyRule {
                    succeeded_indexes: ix.map(String::from),
                    succeeded_count: n,
                })
                .collect(),
        }
    }

    #[test]
    fn rules_match_like_upstream() {
        // Upstream TestMatchSuccessPolicy shapes.
        let succeeded = OrderedIntervals::parse("1,4,6", 10);
        let p = policy(vec![(Some("0-2,4"), Some(2))]);
        assert_eq!(
            match_success_policy(Some(&p), 10, &succeeded).as_deref(),
            Some("Matched rules at index 0")
        );
        let p = policy(vec![(Some("0-2"), None), (None, Some(3))]);
        assert_eq!(
            match_success_policy(Some(&p), 10, &succeeded).as_deref(),
            Some("Matched rules at index 1")
        );
        let p = policy(vec![(Some("0-2"), None), (None, Some(4))]);
        assert_eq!(match_success_policy(Some(&p), 10, &succeeded), None);
        assert_eq!(
            match_success_policy(Some(&p), 10, &OrderedIntervals::default()),
            None
        );
    }
}
