//! `step` tests about running containers: completion, crash loops and their back-off,
//! and deletion.

use serde_json::json;

use super::*;

#[test]
fn sleep_with_restart_never_completes() {
    // busybox `sleep 5`, restartPolicy Never: Running, then Completed (phase Succeeded),
    // conditions False with reason PodCompleted and the sandbox gone.
    let spec = json!({"restartPolicy": "Never",
        "containers": [{"name": "b", "image": "busybox", "command": ["sleep", "5"]}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(3_000);
    assert_eq!(r.phase(), "Running");
    r.until(20_000);
    assert_eq!(r.phase(), "Succeeded");
    assert_eq!(r.waiting(0), "Completed");
    let conds = r
        .pod
        .status
        .as_ref()
        .unwrap()
        .conditions
        .clone()
        .unwrap_or_default();
    let ready = conds.iter().find(|c| c.type_ == "Ready").unwrap();
    assert_eq!(
        (ready.status.as_str(), ready.reason.as_deref()),
        ("False", Some("PodCompleted"))
    );
    let sandbox = conds
        .iter()
        .find(|c| c.type_ == "PodReadyToStartContainers")
        .unwrap();
    assert_eq!(sandbox.status, "False");
    // A Succeeded pod keeps its IP in the status.
    assert!(r.pod.status.as_ref().unwrap().pod_ip.is_some());
}

#[test]
fn crash_loop_back_off_timings() {
    // A container that fails at once: restarted at once, then after 10 s, 20 s, 40 s,
    // 80 s, 160 s, 300 s; CrashLoopBackOff shows from 10 s after each exit.
    let spec = json!({"containers": [{"name": "c", "image": "busybox", "command": ["false"]}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(2_000_000);
    let starts: Vec<i64> = r
        .events
        .iter()
        .filter(|e| e.1 == "Started")
        .map(|e| e.0)
        .collect();
    let first = starts[0];
    let gaps: Vec<i64> = starts.windows(2).map(|w| (w[1] - w[0]) / 1000).collect();
    assert_eq!(&gaps[..8], [0, 10, 20, 40, 80, 160, 300, 300]);
    assert!(first >= 1_000);
    let backoffs = r.events.iter().filter(|e| e.1 == "BackOff").count();
    assert!(backoffs > 50, "{backoffs}");
    let msg = &r.events.iter().find(|e| e.1 == "BackOff").unwrap().2;
    assert_eq!(
        msg,
        "Back-off restarting failed container c in pod web_default(u-1)"
    );
}

#[test]
fn crash_back_off_shows_in_the_status() {
    let spec = json!({"containers": [{"name": "c", "image": "busybox", "command": ["sh", "-c", "exit 2"]}]});
    let mut r = Run::new(pod(spec), node(&[]));
    // Starts ~1.6 s; exits twice at once; restarted at +10 s; third exit waits 20 s.
    r.until(15_000);
    assert_eq!(r.waiting(0), "Error");
    r.until(25_000);
    assert_eq!(r.waiting(0), "CrashLoopBackOff");
    let cs = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    assert_eq!(cs.restart_count, 2);
    let w = cs.state.as_ref().unwrap().waiting.clone().unwrap();
    assert_eq!(
        w.message.as_deref(),
        Some("back-off 20s restarting failed container=c pod=web_default(u-1)")
    );
    let last = cs.last_state.as_ref().unwrap().terminated.clone().unwrap();
    assert_eq!((last.exit_code, last.reason.as_deref()), (2, Some("Error")));
    assert_eq!(r.phase(), "Running");
}

#[test]
fn running_ten_minutes_resets_the_back_off() {
    // flowcontrol: an entry older than 2 × 300 s expires, so the restart is immediate.
    let spec =
        json!({"containers": [{"name": "c", "image": "busybox", "command": ["sleep", "700"]}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(2_200_000);
    let starts: Vec<i64> = r
        .events
        .iter()
        .filter(|e| e.1 == "Started")
        .map(|e| e.0)
        .collect();
    let gaps: Vec<i64> = starts.windows(2).map(|w| (w[1] - w[0]) / 1000).collect();
    assert_eq!(gaps, [700, 700, 700]);
    assert!(!r.events.iter().any(|e| e.1 == "BackOff"));
}

#[test]
fn deletion_stops_servers_at_once_and_kills_sleep_after_the_grace_period() {
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "nginx"}]})),
        node(&[]),
    );
    r.until(10_000);
    let meta = &mut r.pod.metadata;
    meta.deletion_timestamp = Some(at(40_000).to_k8s_time());
    meta.deletion_grace_period_seconds = Some(30);
    r.tick(at(10_000));
    assert!(r.finished);
    assert_eq!(
        r.events.last().map(|e| (e.1.as_str(), e.2.as_str())),
        Some(("Killing", "Stopping container nginx"))
    );
    assert_eq!(r.phase(), "Succeeded");

    let spec =
        json!({"containers": [{"name": "b", "image": "busybox", "command": ["sleep", "3600"]}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(10_000);
    r.pod.metadata.deletion_timestamp = Some(at(40_000).to_k8s_time());
    r.pod.metadata.deletion_grace_period_seconds = Some(30);
    let next = r.tick(at(10_000));
    assert!(!r.finished);
    assert_eq!(next, Some(at(40_000)));
    r.tick(at(40_000));
    assert!(r.finished);
    let cs = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    let t = cs.state.as_ref().unwrap().terminated.clone().unwrap();
    assert_eq!(t.exit_code, 137);
    assert_eq!(r.phase(), "Failed");
}

#[test]
fn a_pod_deleted_before_it_was_seen_is_just_removed() {
    let mut p = pod(json!({"containers": [{"name": "nginx", "image": "nginx"}]}));
    p.metadata.deletion_timestamp = Some(at(30_000).to_k8s_time());
    p.metadata.deletion_grace_period_seconds = Some(30);
    let out = step(
        &PodView::of(&p),
        &node(&[]),
        &PodState::default(),
        at(0),
        None,
        &mut SimRng::new(0),
    );
    assert!(out.finished);
    assert!(out.state.accepted.is_none());
}

#[test]
fn init_containers_run_to_completion_first() {
    // Init:0/1 while the init container runs; the app container starts after it exited
    // 0; every container waits as PodInitializing until then.
    let spec = json!({
        "initContainers": [{"name": "init", "image": "busybox:1.28", "command": ["sleep", "3"]}],
        "containers": [{"name": "app", "image": "nginx:1.27"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.tick(at(0));
    let status = r.pod.status.clone().unwrap_or_default();
    let init = &status.init_container_statuses.clone().unwrap_or_default()[0];
    let waiting = init
        .state
        .as_ref()
        .and_then(|s| s.waiting.clone())
        .unwrap_or_default();
    assert_eq!(waiting.reason.as_deref(), Some("PodInitializing"));
    r.until(4_000);
    assert_eq!(r.phase(), "Pending");
    assert_eq!(r.waiting(0), "PodInitializing");
    let conds = r
        .pod
        .status
        .as_ref()
        .unwrap()
        .conditions
        .clone()
        .unwrap_or_default();
    let initialized = conds.iter().find(|c| c.type_ == "Initialized").unwrap();
    assert_eq!(initialized.status, "False");
    assert_eq!(
        initialized.message.as_deref(),
        Some("containers with incomplete status: [init]")
    );
    r.until(20_000);
    assert_eq!(r.phase(), "Running");
    let started: Vec<(i64, &str)> = r
        .events
        .iter()
        .filter(|e| e.1 == "Started")
        .map(|e| (e.0 / 1000, e.2.as_str()))
        .collect();
    assert_eq!(started[0].1, "Started container init");
    assert_eq!(started[1].1, "Started container app");
    // The app's pull starts when the init container is done (2 s + 3 s).
    let pulls: Vec<i64> = r
        .events
        .iter()
        .filter(|e| e.1 == "Pulling")
        .map(|e| e.0)
        .collect();
    assert_eq!(pulls, [1_000, 5_000]);
}

#[test]
fn a_failed_init_container_fails_the_pod_under_restart_never() {
    let spec = json!({"restartPolicy": "Never",
        "initContainers": [{"name": "init", "image": "busybox:1.28", "command": ["sh", "-c", "exit 3"]}],
        "containers": [{"name": "app", "image": "nginx:1.27"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(30_000);
    assert_eq!(r.phase(), "Failed");
    assert!(!r.events.iter().any(|e| e.2 == "Started container app"));
}

#[test]
fn a_failing_init_container_is_retried_with_back_off() {
    let spec = json!({
        "initContainers": [{"name": "init", "image": "busybox:1.28", "command": ["false"]}],
        "containers": [{"name": "app", "image": "nginx:1.27"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(25_000);
    assert_eq!(r.phase(), "Pending");
    let init = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .init_container_statuses
        .clone()
        .unwrap()[0];
    let waiting = init
        .state
        .as_ref()
        .and_then(|s| s.waiting.clone())
        .unwrap_or_default();
    assert_eq!(waiting.reason.as_deref(), Some("CrashLoopBackOff"));
    assert_eq!(init.restart_count, 2);
}

#[test]
fn a_changed_image_recreates_the_container() {
    // computePodActions: a container whose spec changed is killed ("definition
    // changed") and created again at once, counting a restart.
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "nginx:1.7.9"}]})),
        node(&[]),
    );
    r.until(10_000);
    assert_eq!(r.phase(), "Running");
    if let Some(c) = r.pod.spec.as_mut().and_then(|s| s.containers.first_mut()) {
        c.image = Some("nginx:1.12".into());
    }
    r.next = Some(at(10_000));
    r.until(10_000);
    assert_eq!(r.waiting(0), "ContainerCreating");
    let killing = r
        .events
        .iter()
        .find(|e| e.1 == "Killing")
        .map(|e| e.2.clone());
    assert_eq!(
        killing.as_deref(),
        Some("Container nginx definition changed, will be restarted")
    );
    r.until(30_000);
    assert_eq!(r.waiting(0), "Running");
    let cs = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    assert_eq!(cs.restart_count, 1);
    assert_eq!(cs.image, "docker.io/library/nginx:1.12");
}
