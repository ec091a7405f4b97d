//! The CronJob controller (v1.32's `ControllerV2`, `pkg/controller/cronjob`): on each
//! schedule time it creates a Job `<cronjob>-<minutes since the epoch>` from the template,
//! honouring `concurrencyPolicy` (Allow, Forbid, Replace), `startingDeadlineSeconds` and
//! `suspend`; it keeps `status.active`, `lastScheduleTime` and `lastSuccessfulTime`, and
//! deletes finished Jobs beyond `successfulJobsHistoryLimit` / `failedJobsHistoryLimit`.
//!
//! Time passes only through the manager's timers: every reconcile ends with
//! `RequeueAfter` until just after the next schedule time (plus upstream's 100 ms).
//!
//! One difference from upstream: when `spec.schedule` or `spec.timeZone` changes, upstream
//! requeues the CronJob for the new schedule's next time instead of now; the manager has no
//! delayed enqueue for events, so the CronJob is synced at once (which can start a run for
//! a schedule time missed under the new schedule, as upstream's next sync for any other
//! reason would).

mod cleanup;
mod schedule;
mod sync;
mod utils;
mod zone;

#[cfg(test)]
mod e2e_tests;
#[cfg(test)]
mod sync_tests;

pub use schedule::Schedule;
pub use utils::{job_name, most_recent_schedule_time, next_schedule_delay_ms, Missed, MostRecent};
pub use zone::Zone;

use crate::apiserver::{ApiServer, WatchEvent};
use crate::controllers::{Action, Controller, ObjectRef, ReconcileCtx, ReconcileError};
use crate::model::{Kind, Object};

/// See the module documentation.
pub struct CronJobController;

/// The controller's name, as the writer of its changes and its events' source.
pub const NAME: &str = "cronjob-controller";

impl Controller for CronJobController {
    fn name(&self) -> &'static str {
        NAME
    }

    fn watches(&self) -> &'static [Kind] {
        &[Kind::CronJob, Kind::Job]
    }

    fn keys_for(&self, event: &WatchEvent, api: &ApiServer) -> Vec<ObjectRef> {
        let obj = event.object();
        match &**obj {
            Object::CronJob(_) => vec![ObjectRef::of(event)],
            Object::Job(job) => {
                // A Job enqueues the CronJob that controls it, if that CronJob (same UID)
                // still exists.
                let Some(owner) = job
                    .metadata
                    .owner_references
                    .iter()
                    .flatten()
                    .find(|r| r.controller == Some(true))
                else {
                    return Vec::new();
                };
                if owner.kind != "CronJob" {
                    return Vec::new();
                }
                let ns = obj.namespace();
                let resolves = api
                    .try_get(Kind::CronJob, ns, &owner.name)
                    .is_some_and(|cj| cj.meta().uid.as_deref() == Some(owner.uid.as_str()));
                if !resolves {
                    return Vec::new();
                }
                vec![ObjectRef {
                    kind: Kind::CronJob,
                    namespace: ns.to_string(),
                    name: owner.name.clone(),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn reconcile(&self, key: &ObjectRef, rc: &mut ReconcileCtx) -> Result<Action, ReconcileError> {
        sync::sync(key, rc)
    }
}
