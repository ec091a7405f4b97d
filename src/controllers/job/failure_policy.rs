//! `spec.podFailurePolicy` (`pod_failure_policy.go`): the first rule matching a failed
//! pod's exit codes or conditions decides whether the failure fails the Job at once
//! (`FailJob`), is not counted against `backoffLimit` (`Ignore`), or counts (`Count`,
//! and `FailIndex`, which needs `backoffLimitPerIndex`, not implemented here).

use k8s_openapi::api::batch::v1::{PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement};
use k8s_openapi::api::core::v1::{ContainerStatus, Pod};

/// What a policy says about one failed pod.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// The Job failure message of a matching `FailJob` rule.
    pub fail_job: Option<String>,
    /// Whether the failure counts towards `backoffLimit`.
    pub count: bool,
}

/// `matchPodFailurePolicy`.
pub fn match_policy(policy: Option<&PodFailurePolicy>, pod: &Pod) -> Verdict {
    let counted = Verdict {
        fail_job: None,
        count: true,
    };
    let Some(policy) = policy else {
        return counted;
    };
    let status = pod.status.clone().unwrap_or_default();
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    let name = pod.metadata.name.as_deref().unwrap_or("");
    for (index, rule) in policy.rules.iter().enumerate() {
        let message = if let Some(req) = &rule.on_exit_codes {
            let statuses = status.container_statuses.as_deref().unwrap_or(&[]);
            let init = status.init_container_statuses.as_deref().unwrap_or(&[]);
            let Some((c, code)) =
                matching_container(statuses, req).or_else(|| matching_container(init, req))
            else {
                continue;
            };
            format!(
                "Container {} for pod {ns}/{name} failed with exit code {code} matching {} rule at index {index}",
                c.name, rule.action
            )
        } else if let Some(patterns) = &rule.on_pod_conditions {
            let Some(cond) = status.conditions.iter().flatten().find(|c| {
                patterns
                    .iter()
                    .any(|p| p.type_ == c.type_ && p.status == c.status)
            }) else {
                continue;
            };
            format!(
                "Pod {ns}/{name} has condition {} matching {} rule at index {index}",
                cond.type_, rule.action
            )
        } else {
            continue;
        };
        return match rule.action.as_str() {
            "Ignore" => Verdict {
                fail_job: None,
                count: false,
            },
            "FailJob" => Verdict {
                fail_job: Some(message),
                count: true,
            },
            _ => counted,
        };
    }
    counted
}

/// `getMatchingContainerFromList`: the first terminated container with a non-zero exit
/// code the requirement matches, and that code.
fn matching_container<'a>(
    statuses: &'a [ContainerStatus],
    req: &PodFailurePolicyOnExitCodesRequirement,
) -> Option<(&'a ContainerStatus, i32)> {
    statuses.iter().find_map(|c| {
        let code = c.state.as_ref()?.terminated.as_ref()?.exit_code;
        let name_ok = req.container_name.as_deref().is_none_or(|n| n == c.name);
        let op_ok = match req.operator.as_str() {
            "In" => req.values.contains(&code),
            "NotIn" => !req.values.contains(&code),
            _ => false,
        };
        (name_ok && code != 0 && op_ok).then_some((c, code))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::PodFailurePolicyRule;
    use k8s_openapi::api::core::v1::{ContainerState, ContainerStateTerminated, PodStatus};

    fn failed_with(code: i32) -> Pod {
        let mut p = Pod::default();
        p.metadata.namespace = Some("default".into());
        p.metadata.name = Some("pi-abcde".into());
        p.status = Some(PodStatus {
            phase: Some("Failed".into()),
            container_statuses: Some(vec![ContainerStatus {
                name: "main".into(),
                state: Some(ContainerState {
                    terminated: Some(ContainerStateTerminated {
                        exit_code: code,
                        ..Default::default()
                    }),
                    ..Default::default()
                }),
                ..Default::default()
            }]),
            ..Default::default()
        });
        p
    }

    fn rule(action: &str, op: &str, values: Vec<i32>) -> PodFailurePolicyRule {
        PodFailurePolicyRule {
            action: action.into(),
            on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                container_name: None,
                operator: op.into(),
                values,
            }),
            on_pod_conditions: None,
        }
    }

    #[test]
    fn first_matching_rule_decides() {
        // Upstream TestMatchPodFailurePolicy: "FailJob rule matching", "Ignore", "no match".
        let policy = PodFailurePolicy {
            rules: vec![
                rule("Ignore", "In", vec![2]),
                rule("FailJob", "In", vec![42]),
            ],
        };
        let v = match_policy(Some(&policy), &failed_with(42));
        assert_eq!(
            v.fail_job.as_deref(),
            Some("Container main for pod default/pi-abcde failed with exit code 42 matching FailJob rule at index 1")
        );
        assert!(!match_policy(Some(&policy), &failed_with(2)).count);
        assert_eq!(
            match_policy(Some(&policy), &failed_with(1)),
            Verdict {
                fail_job: None,
                count: true
            }
        );
        // NotIn matches every other non-zero code.
        let policy = PodFailurePolicy {
            rules: vec![rule("FailJob", "NotIn", vec![5])],
        };
        assert!(match_policy(Some(&policy), &failed_with(3))
            .fail_job
            .is_some());
        assert!(match_policy(Some(&policy), &failed_with(5))
            .fail_job
            .is_none());
    }
}
