//! The TTL-after-finished controller (v1.32's `pkg/controller/ttlafterfinished`): a Job
//! with `spec.ttlSecondsAfterFinished` is deleted that many seconds after it finished
//! (the `lastTransitionTime` of its `Complete` or `Failed` condition), with foreground
//! propagation so its pods go first.
//!
//! Worked example: `ttlSecondsAfterFinished: 100` on a Job that completed at 12:00:05 is
//! deleted at 12:01:45; a sync at 12:00:30 requeues itself 75 s later.

use k8s_openapi::api::batch::v1::Job;

use crate::apiserver::{ApiError, ApiServer, DeleteOptions, Propagation, WatchEvent};
use crate::controllers::job::is_finished;
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};
use crate::sim::SimTime;

/// See the module documentation.
pub struct TtlAfterFinishedController;

/// `needsCleanup`: a TTL is set and the Job has finished.
fn needs_cleanup(job: &Job) -> bool {
    job.spec
        .as_ref()
        .is_some_and(|s| s.ttl_seconds_after_finished.is_some())
        && is_finished(job)
}

/// `jobFinishTime`: the transition time of the true `Complete` or `Failed` condition.
fn finish_time(job: &Job) -> Result<SimTime, String> {
    let ns = job.metadata.namespace.as_deref().unwrap_or("");
    let name = job.metadata.name.as_deref().unwrap_or("");
    let cond = job
        .status
        .as_ref()
        .and_then(|s| s.conditions.as_ref())
        .into_iter()
        .flatten()
        .find(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True")
        .ok_or_else(|| format!("unable to find the status of the finished Job {ns}/{name}"))?;
    cond.last_transition_time
        .as_ref()
        .map(SimTime::from_k8s_time)
        .ok_or_else(|| format!("unable to find the time when the Job {ns}/{name} finished"))
}

/// `processTTL`: `Ok(None)` when there is nothing to do yet (with the milliseconds to wait,
/// if any), `Ok(Some(()))` when the TTL has expired.
fn time_left(job: &Job, now: SimTime) -> Result<Option<i64>, String> {
    if job.metadata.deletion_timestamp.is_some() || !needs_cleanup(job) {
        return Ok(None);
    }
    let ttl = job
        .spec
        .as_ref()
        .and_then(|s| s.ttl_seconds_after_finished)
        .unwrap_or(0);
    let expire_at = finish_time(job)?.plus_secs(i64::from(ttl));
    Ok(Some(expire_at.since(now)))
}

impl Controller for TtlAfterFinishedController {
    fn name(&self) -> &'static str {
        "ttl-after-finished-controller"
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::Job]
    }

    fn keys_for(&self, event: &WatchEvent, _api: &ApiServer) -> Vec<ObjectRef> {
        match (event, &**event.object()) {
            (WatchEvent::Deleted { .. }, _) => Vec::new(),
            (_, Object::Job(job))
                if job.metadata.deletion_timestamp.is_none() && needs_cleanup(job) =>
            {
                vec![ObjectRef::of(event)]
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        let Some(obj) = rc.api.try_get(Kind::Job, &key.namespace, &key.name) else {
            return Ok(Action::Done);
        };
        let Object::Job(job) = &*obj else {
            return Ok(Action::Done);
        };
        let internal = |message: String| ReconcileError(ApiError::Internal { message });
        match time_left(job, rc.now).map_err(internal)? {
            None => return Ok(Action::Done),
            Some(left) if left > 0 => return Ok(Action::RequeueAfter(left)),
            Some(_) => {}
        }
        // The TTL has expired: delete the Job (the check above read the current object,
        // which is upstream's final check against a fresh GET) with its UID as precondition.
        let opts = DeleteOptions {
            propagation: Some(Propagation::Foreground),
            precondition_uid: job.metadata.uid.clone(),
            ..Default::default()
        };
        match rc.delete(Kind::Job, &key.namespace, &key.name, &opts) {
            Ok(_) | Err(ApiError::NotFound { .. }) => Ok(Action::Done),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::batch::v1::{JobCondition, JobSpec, JobStatus};

    fn finished_job(ttl: Option<i32>, finished_at: Option<SimTime>) -> Job {
        Job {
            spec: Some(JobSpec {
                ttl_seconds_after_finished: ttl,
                ..Default::default()
            }),
            status: Some(JobStatus {
                conditions: Some(vec![JobCondition {
                    type_: "Complete".into(),
                    status: "True".into(),
                    last_transition_time: finished_at.map(|t| t.to_k8s_time()),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn time_left_counts_from_the_finish_time() {
        // Upstream TestTimeLeft: TTL in the future, expired, no TTL, unfinished, and a
        // finished condition without a transition time.
        let t0 = SimTime::START;
        let job = finished_job(Some(100), Some(t0));
        assert_eq!(time_left(&job, t0.plus_secs(25)), Ok(Some(75_000)));
        assert_eq!(time_left(&job, t0.plus_secs(100)), Ok(Some(0)));
        assert_eq!(time_left(&job, t0.plus_secs(150)), Ok(Some(-50_000)));
        assert_eq!(time_left(&finished_job(None, Some(t0)), t0), Ok(None));
        let mut running = finished_job(Some(10), Some(t0));
        running.status = None;
        assert_eq!(time_left(&running, t0), Ok(None));
        assert_eq!(
            time_left(&finished_job(Some(10), None), t0),
            Err("unable to find the time when the Job / finished".to_string())
        );
    }
}
