//! Upstream's `utils_test.go` cases, restated: TestMostRecentScheduleTime,
//! TestNextScheduleTimeDuration, TestNextScheduleTime, TestGetJobFromTemplate2 and
//! TestByJobStartTime. "Top of the hour" is upstream's 2016-05-19T10:00:00Z.

use std::rc::Rc;

use k8s_openapi::api::batch::v1::{CronJobSpec, CronJobStatus, JobStatus, JobTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::*;
use crate::model::Object;

/// 2016-05-19T10:00:00Z.
const TOP: SimTime = SimTime(1_463_652_000_000);
const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

fn cj(schedule: &str, created: SimTime, last: Option<SimTime>, deadline: Option<i64>) -> CronJob {
    CronJob {
        metadata: ObjectMeta {
            name: Some("mycronjob".into()),
            namespace: Some("snazzycats".into()),
            uid: Some("1a2b3c".into()),
            creation_timestamp: Some(created.to_k8s_time()),
            ..Default::default()
        },
        spec: Some(CronJobSpec {
            schedule: schedule.into(),
            starting_deadline_seconds: deadline,
            ..Default::default()
        }),
        status: Some(CronJobStatus {
            last_schedule_time: last.map(|t| t.to_k8s_time()),
            ..Default::default()
        }),
    }
}

fn sched(spec: &str) -> Schedule {
    match Schedule::parse(spec) {
        Ok(s) => s,
        Err(e) => panic!("{spec}: {e}"),
    }
}

fn recent(c: &CronJob, now: SimTime, include_deadline: bool) -> Result<MostRecent, String> {
    let s = sched(&c.spec.clone().unwrap_or_default().schedule);
    most_recent_schedule_time(c, now, &s, include_deadline)
}

#[test]
fn most_recent_schedule_time_cases() {
    let half_past = TOP.plus_ms(30 * MIN);
    // (name, cronjob, include the deadline, now, earliest, most recent, missed)
    type Case = (
        &'static str,
        CronJob,
        bool,
        SimTime,
        SimTime,
        Option<SimTime>,
        Missed,
    );
    let cases: Vec<Case> = vec![
        (
            "now before next schedule",
            cj("0 * * * *", TOP, None, None),
            false,
            TOP.plus_secs(30),
            TOP,
            None,
            Missed::None,
        ),
        (
            "now just after next schedule",
            cj("0 * * * *", TOP, None, None),
            false,
            TOP.plus_ms(61 * MIN),
            TOP,
            Some(TOP.plus_ms(60 * MIN)),
            Missed::None,
        ),
        (
            "missed 5 schedules",
            cj("0 * * * *", TOP.plus_secs(10), None, None),
            false,
            TOP.plus_ms(301 * MIN),
            TOP.plus_secs(10),
            Some(TOP.plus_ms(300 * MIN)),
            Missed::Few,
        ),
        (
            "complex schedule",
            cj("30 6-16/4 * * 1-5", TOP, Some(half_past), None),
            false,
            TOP.plus_ms(24 * HOUR + 31 * MIN),
            half_past,
            Some(TOP.plus_ms(24 * HOUR + 30 * MIN)),
            Missed::Few,
        ),
        (
            "another complex schedule",
            cj("30 10,11,12 * * 1-5", TOP, Some(half_past), None),
            false,
            TOP.plus_ms(30 * HOUR + 30 * MIN),
            half_past,
            None,
            Missed::Few,
        ),
        (
            "complex schedule with longer diff between executions",
            cj("30 6-16/4 * * 1-5", TOP, Some(half_past), None),
            false,
            TOP.plus_ms(96 * HOUR + 31 * MIN),
            half_past,
            Some(TOP.plus_ms(96 * HOUR + 30 * MIN)),
            Missed::Few,
        ),
        (
            "complex schedule with shorter diff between executions",
            cj("30 6-16/4 * * 1-5", TOP, None, None),
            false,
            TOP.plus_ms(24 * HOUR + 31 * MIN),
            TOP,
            Some(TOP.plus_ms(24 * HOUR + 30 * MIN)),
            Missed::Few,
        ),
        (
            "@every schedule",
            cj(
                "@every 1h",
                TOP.plus_ms(-59 * MIN),
                Some(TOP.plus_ms(MIN)),
                Some(10),
            ),
            false,
            TOP.plus_ms(7 * 24 * HOUR),
            TOP.plus_ms(MIN),
            Some(TOP.plus_ms(6 * 24 * HOUR + 23 * HOUR + MIN)),
            Missed::Many,
        ),
        (
            "earliestTime being CreationTimestamp and LastScheduleTime",
            cj("0 * * * *", TOP, Some(TOP), None),
            false,
            TOP.plus_secs(30),
            TOP,
            None,
            Missed::None,
        ),
        (
            "earliestTime being LastScheduleTime",
            cj("*/5 * * * *", TOP, Some(half_past), None),
            false,
            TOP.plus_ms(31 * MIN),
            half_past,
            None,
            Missed::None,
        ),
        (
            "earliestTime being LastScheduleTime (within StartingDeadlineSeconds)",
            cj("*/5 * * * *", TOP, Some(half_past), Some(60)),
            false,
            TOP.plus_ms(31 * MIN),
            half_past,
            None,
            Missed::None,
        ),
        (
            "earliestTime being LastScheduleTime (outside StartingDeadlineSeconds)",
            cj("*/5 * * * *", TOP, Some(half_past), Some(60)),
            true,
            TOP.plus_ms(32 * MIN),
            TOP.plus_ms(31 * MIN),
            None,
            Missed::None,
        ),
    ];
    for (name, c, include, now, earliest, want_recent, missed) in cases {
        let got = recent(&c, now, include).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.earliest, earliest, "{name}: earliest");
        assert_eq!(got.recent, want_recent, "{name}: recent");
        assert_eq!(got.missed, missed, "{name}: missed");
    }
    // "rogue cronjob": 31 February parses but never fires.
    let rogue = cj("59 23 31 2 *", TOP.plus_secs(10), None, None);
    assert_eq!(
        recent(&rogue, TOP.plus_ms(HOUR), false),
        Err(TOO_CLOSE.to_string())
    );
}

#[test]
fn next_schedule_delay_cases() {
    // TestNextScheduleTimeDuration: always 100 ms after the next activation.
    let cases = [
        (
            "complex schedule skipping weekend",
            cj("30 6-16/4 * * 1-5", TOP, Some(TOP.plus_ms(30 * MIN)), None),
            TOP.plus_ms(24 * HOUR + 31 * MIN),
            3 * HOUR + 59 * MIN,
        ),
        (
            "another complex schedule skipping weekend",
            cj(
                "30 10,11,12 * * 1-5",
                TOP,
                Some(TOP.plus_ms(30 * MIN)),
                None,
            ),
            TOP.plus_ms(30 * HOUR + 30 * MIN),
            66 * HOUR,
        ),
        (
            "once a week cronjob, missed two runs",
            cj("0 12 * * 4", TOP, Some(TOP.plus_ms(2 * HOUR)), None),
            TOP.plus_ms(19 * 24 * HOUR + HOUR + 30 * MIN),
            48 * HOUR + 30 * MIN,
        ),
        (
            "no previous run of a cronjob",
            cj("0 12 * * 5", TOP, None, None),
            TOP.plus_ms(6 * HOUR),
            20 * HOUR,
        ),
    ];
    for (name, c, now, want) in cases {
        let s = sched(&c.spec.clone().unwrap_or_default().schedule);
        assert_eq!(
            next_schedule_delay_ms(&c, now, &s),
            want + NEXT_SCHEDULE_DELTA_MS,
            "{name}"
        );
    }
}

#[test]
fn next_schedule_time_cases() {
    // TestNextScheduleTime, hourly "0 * * * ?": T1 = top of the hour, T2 = an hour later.
    let t1 = TOP;
    let t2 = TOP.plus_ms(HOUR);
    let due =
        |c: &CronJob, now: SimTime| recent(c, now, true).map(|r| r.recent.filter(|t| *t <= now));
    // 1: created before T1, now before T1: nothing.
    assert_eq!(
        due(
            &cj("0 * * * ?", t1.plus_ms(-10 * MIN), None, None),
            t1.plus_ms(-7 * MIN)
        ),
        Ok(None)
    );
    // 2: now just after T1: T1.
    assert_eq!(
        due(
            &cj("0 * * * ?", t1.plus_ms(-10 * MIN), None, None),
            t1.plus_secs(2)
        ),
        Ok(Some(t1))
    );
    // 3: T1 already scheduled: nothing.
    assert_eq!(
        due(
            &cj("0 * * * ?", t1.plus_ms(-10 * MIN), Some(t1), None),
            t1.plus_ms(2 * MIN)
        ),
        Ok(None)
    );
    // 4: T1 scheduled, now after T2: T2.
    assert_eq!(
        due(
            &cj("0 * * * ?", t1.plus_ms(-10 * MIN), Some(t1), None),
            t2.plus_ms(5 * MIN)
        ),
        Ok(Some(t2))
    );
    // 5: two starts missed: the most recent, T2.
    assert_eq!(
        due(
            &cj(
                "0 * * * ?",
                t1.plus_ms(-2 * HOUR),
                Some(t1.plus_ms(-HOUR)),
                None
            ),
            t2.plus_ms(5 * MIN)
        ),
        Ok(Some(t2))
    );
    // 6 and 7: far behind, with and without a short deadline: still a start time.
    let far = t2.plus_ms(10 * 24 * HOUR);
    assert!(matches!(
        due(
            &cj(
                "0 * * * ?",
                t1.plus_ms(-2 * HOUR),
                Some(t1.plus_ms(-HOUR)),
                None
            ),
            far
        ),
        Ok(Some(_))
    ));
    assert!(matches!(
        due(
            &cj(
                "0 * * * ?",
                t1.plus_ms(-2 * HOUR),
                Some(t1.plus_ms(-HOUR)),
                Some(2 * 3600)
            ),
            far
        ),
        Ok(Some(_))
    ));
    // 8: the rogue schedule's error comes through.
    assert!(due(&cj("59 23 31 2 *", t1.plus_secs(10), None, None), t2).is_err());
}

#[test]
fn job_from_template_names_and_annotates() {
    // TestGetJobFromTemplate2: labels copied, one annotation more (the scheduled time in
    // the CronJob's zone), name `<cronjob>-<minutes>`, controlled by the CronJob.
    let mut c = cj("* * * * ?", TOP, None, None);
    if let Some(spec) = c.spec.as_mut() {
        spec.job_template = JobTemplateSpec {
            metadata: Some(ObjectMeta {
                labels: Some([("a".to_string(), "b".to_string())].into()),
                annotations: Some([("x".to_string(), "y".to_string())].into()),
                ..Default::default()
            }),
            spec: Some(Default::default()),
        };
    }
    let job = job_from_template(&c, TOP).unwrap_or_default();
    assert_eq!(job.metadata.name.as_deref(), Some("mycronjob-24394200"));
    assert_eq!(job.metadata.labels.clone().unwrap_or_default().len(), 1);
    let annotations = job.metadata.annotations.clone().unwrap_or_default();
    assert_eq!(annotations.len(), 2);
    assert_eq!(
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION],
        "2016-05-19T10:00:00Z"
    );
    let owner = &job.metadata.owner_references.clone().unwrap_or_default()[0];
    assert_eq!(
        (
            owner.kind.as_str(),
            owner.name.as_str(),
            owner.uid.as_str(),
            owner.controller
        ),
        ("CronJob", "mycronjob", "1a2b3c", Some(true))
    );
    if let Some(spec) = c.spec.as_mut() {
        spec.time_zone = Some("Europe/Rome".into());
    }
    let job = job_from_template(&c, TOP).unwrap_or_default();
    let annotations = job.metadata.annotations.unwrap_or_default();
    assert_eq!(
        annotations[SCHEDULED_TIMESTAMP_ANNOTATION],
        "2016-05-19T12:00:00+02:00"
    );
    assert_eq!(
        job_name("hello", SimTime(1_735_689_660_000)),
        "hello-28928161"
    );
}

#[test]
fn jobs_sort_by_start_time_then_name() {
    // TestByJobStartTime.
    let job = |name: &str, start: Option<SimTime>| {
        Rc::new(Object::Job(Job {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            status: Some(JobStatus {
                start_time: start.map(|t| t.to_k8s_time()),
                ..Default::default()
            }),
            ..Default::default()
        }))
    };
    let names = |v: &[Rc<Object>]| v.iter().map(|o| o.name().to_string()).collect::<Vec<_>>();
    let later = TOP.plus_ms(365 * 24 * HOUR);
    let cases = [
        (vec![job("b", None), job("a", None)], vec!["a", "b"]),
        (vec![job("a", None), job("b", Some(TOP))], vec!["b", "a"]),
        (vec![job("a", Some(TOP)), job("b", None)], vec!["a", "b"]),
        (
            vec![job("b", Some(TOP)), job("a", Some(TOP))],
            vec!["a", "b"],
        ),
        (
            vec![job("a", Some(later)), job("b", Some(TOP))],
            vec!["b", "a"],
        ),
    ];
    for (mut input, want) in cases {
        sort_by_start_time(&mut input);
        assert_eq!(names(&input), want);
    }
}
