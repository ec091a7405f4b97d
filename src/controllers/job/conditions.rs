//! Job conditions (`newCondition`, `ensureJobConditionStatus` and the conditions v1.32
//! finishes a Job with).

use k8s_openapi::api::batch::v1::{Job, JobCondition, JobStatus};

use crate::sim::SimTime;

/// `newCondition`: a condition with both times at `now`.
pub(super) fn new_condition(
    type_: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> JobCondition {
    JobCondition {
        type_: type_.to_string(),
        status: "True".to_string(),
        last_probe_time: Some(now.to_k8s_time()),
        last_transition_time: Some(now.to_k8s_time()),
        reason: (!reason.is_empty()).then(|| reason.to_string()),
        message: (!message.is_empty()).then(|| message.to_string()),
    }
}

/// The first condition of `type_` that is `True`.
pub(super) fn true_condition(job: &Job, type_: &str) -> Option<JobCondition> {
    job.status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.type_ == type_))
        .filter(|c| c.status == "True")
        .cloned()
}

/// `ensureJobConditionStatus`: sets a condition's status, reason and message (a new
/// transition time when any changes); a `False` condition is not added where none was.
pub(super) fn ensure_condition(
    status: &mut JobStatus,
    type_: &str,
    cond_status: &str,
    reason: &str,
    message: &str,
    now: SimTime,
) -> bool {
    let list = status.conditions.get_or_insert_with(Vec::new);
    let mut fresh = new_condition(type_, reason, message, now);
    fresh.status = cond_status.to_string();
    if let Some(c) = list.iter_mut().find(|c| c.type_ == type_) {
        let same = c.status == cond_status
            && c.reason.as_deref().unwrap_or("") == reason
            && c.message.as_deref().unwrap_or("") == message;
        if same {
            return false;
        }
        *c = fresh;
        return true;
    }
    if cond_status != "False" {
        list.push(fresh);
        return true;
    }
    if list.is_empty() {
        status.conditions = None;
    }
    false
}

/// `newFailureCondition`: v1.32 sets the interim `FailureTarget` first.
pub(super) fn failure_condition(reason: &str, message: &str, now: SimTime) -> JobCondition {
    new_condition("FailureTarget", reason, message, now)
}

/// `newSuccessCondition`: the interim `SuccessCriteriaMet`, reason `CompletionsReached`.
pub(super) fn success_condition(now: SimTime) -> JobCondition {
    new_condition(
        "SuccessCriteriaMet",
        "CompletionsReached",
        "Reached expected number of succeeded pods",
        now,
    )
}
