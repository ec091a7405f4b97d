//! Tests of the pure pod `step`, run as the kubelet runs it: at every instant `step`
//! asks for, with the status written and read back in between (so what the kubelet
//! would have to remember really is in the status). Each test names the v1.32
//! behaviour it checks.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Pod;
use serde_json::json;

use super::*;
use crate::kubelet::pod::render::render;
use crate::kubelet::pod::view::{NodeView, PodView};
use crate::kubelet::pod::PodState;

/// A pod from the `spec` JSON.
fn pod(spec: serde_json::Value) -> Pod {
    let mut p: Pod = serde_json::from_value(json!({
        "metadata": {"name": "web", "namespace": "default", "uid": "u-1"},
        "spec": spec
    }))
    .unwrap_or_default();
    // The API server's defaults that matter here.
    for c in p
        .spec
        .as_mut()
        .map(|s| s.containers.iter_mut())
        .into_iter()
        .flatten()
    {
        if c.image_pull_policy.is_none() {
            let latest = c
                .image
                .as_deref()
                .is_some_and(|i| !i.contains(':') || i.ends_with(":latest"));
            c.image_pull_policy = Some(if latest { "Always" } else { "IfNotPresent" }.to_string());
        }
    }
    p
}

fn node(cache: &[&str]) -> NodeView {
    NodeView {
        name: "worker01".into(),
        ip: "192.168.10.11".into(),
        cache: cache.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
    }
}

fn at(ms: i64) -> SimTime {
    SimTime::START.plus_ms(ms)
}

/// The kubelet's loop over one pod: step at each instant it asks for (and at `extra`
/// instants), write the status back, until `until`. Returns (instant, reason, message).
struct Run {
    pod: Pod,
    node: NodeView,
    rng: SimRng,
    events: Vec<(i64, String, String)>,
    finished: bool,
    now: SimTime,
    next: Option<SimTime>,
    ip: u32,
}

impl Run {
    fn new(pod: Pod, node: NodeView) -> Run {
        Run {
            pod,
            node,
            rng: SimRng::new(1),
            events: Vec::new(),
            finished: false,
            now: at(0),
            next: Some(at(0)),
            ip: 2,
        }
    }

    fn state(&self) -> PodState {
        let names: Vec<String> = PodView::of(&self.pod)
            .containers
            .iter()
            .map(|c| c.name.clone())
            .collect();
        PodState::from_status(self.pod.status.as_ref(), &names)
    }

    /// One reconcile at `now`; returns the next wake-up.
    fn tick(&mut self, now: SimTime) -> Option<SimTime> {
        self.now = now;
        let view = PodView::of(&self.pod);
        let prev = self.state();
        let ip = format!("10.244.1.{}", self.ip);
        let out = step(&view, &self.node, &prev, now, Some(&ip), &mut self.rng);
        if out.state.pod_ip.as_deref() == Some(ip.as_str()) && prev.pod_ip.is_none() {
            self.ip += 1;
        }
        for (names, _) in &out.pulled {
            self.node.cache.extend(names.iter().cloned());
        }
        if out.state.accepted.is_some() {
            let status = render(
                &view,
                &self.node,
                &out.state,
                self.pod.status.as_ref(),
                out.finished,
                now,
            );
            self.pod.status = Some(status);
        }
        for e in &out.events {
            self.events.push((
                now.since(SimTime::START),
                e.reason.clone(),
                e.message.clone(),
            ));
        }
        self.finished |= out.finished;
        self.next = out.next;
        out.next
    }

    /// Runs until `until`, reconciling at every requested instant.
    fn until(&mut self, until_ms: i64) {
        while let Some(t) = self.next {
            if t > at(until_ms) || self.finished {
                break;
            }
            self.tick(t);
        }
        self.now = at(until_ms);
    }

    fn reasons(&self) -> Vec<(i64, &str)> {
        self.events
            .iter()
            .map(|(t, r, _)| (*t, r.as_str()))
            .collect()
    }

    fn waiting(&self, i: usize) -> String {
        let cs = &self
            .pod
            .status
            .as_ref()
            .unwrap()
            .container_statuses
            .as_ref()
            .unwrap()[i];
        let s = cs.state.as_ref().unwrap();
        if let Some(w) = &s.waiting {
            return w.reason.clone().unwrap_or_default();
        }
        if s.running.is_some() {
            return "Running".into();
        }
        s.terminated
            .as_ref()
            .and_then(|t| t.reason.clone())
            .unwrap_or_default()
    }

    fn phase(&self) -> String {
        self.pod
            .status
            .as_ref()
            .and_then(|s| s.phase.clone())
            .unwrap_or_default()
    }
}

#[test]
fn nginx_goes_creating_then_running_with_the_pulled_image_in_cache() {
    // v1.32: Pending/ContainerCreating, Pulling, Pulled (with durations and size),
    // Created, Started; the node lists the image afterwards.
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "nginx"}]})),
        node(&[]),
    );
    r.tick(at(0));
    assert_eq!(r.phase(), "Pending");
    assert_eq!(r.waiting(0), "ContainerCreating");
    assert_eq!(r.pod.status.as_ref().unwrap().pod_ip, None);
    r.until(1_000);
    assert_eq!(
        r.pod.status.as_ref().unwrap().pod_ip.as_deref(),
        Some("10.244.1.2")
    );
    assert_eq!(r.reasons(), [(1_000, "Pulling")]);
    r.until(10_000);
    assert_eq!(r.phase(), "Running");
    assert_eq!(r.waiting(0), "Running");
    let reasons: Vec<&str> = r.reasons().iter().map(|(_, x)| *x).collect();
    assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
    let pulled = &r.events[1];
    assert!(
        pulled
            .2
            .starts_with("Successfully pulled image \"nginx\" in "),
        "{}",
        pulled.2
    );
    assert!(
        pulled
            .2
            .ends_with("including waiting). Image size: 72188133 bytes."),
        "{}",
        pulled.2
    );
    assert!(r.node.cache.contains("docker.io/library/nginx:latest"));
    let cs = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    assert!(cs.ready);
    assert_eq!(cs.restart_count, 0);
    assert_eq!(cs.image, "docker.io/library/nginx:latest");
    assert!(cs
        .container_id
        .as_deref()
        .is_some_and(|id| id.len() == "containerd://".len() + 64));
}

#[test]
fn a_cached_image_is_already_present() {
    // IfNotPresent with the image on the node: no pull at all.
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "nginx:1.27"}]})),
        node(&[]),
    );
    // Seed the cache with the real names of nginx:1.27.
    let view = PodView::of(&r.pod);
    if let view::ImagePlan::Known { cache_names, .. } = &view.containers[0].plan {
        r.node.cache.extend(cache_names.iter().cloned());
    }
    r.until(1_000);
    assert_eq!(
        r.reasons(),
        [(1_000, "Pulled"), (1_000, "Created"), (1_000, "Started")]
    );
    assert_eq!(
        r.events[0].2,
        "Container image \"nginx:1.27\" already present on machine"
    );
    assert_eq!(r.phase(), "Running");
}

#[test]
fn always_pulls_again_quickly_when_cached() {
    // imagePullPolicy Always (the `latest` tag) pulls every time; with the layers on the
    // node the pull is quick.
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "a", "image": "nginx"}]})),
        node(&[]),
    );
    r.until(20_000);
    let mut second = Run::new(
        pod(json!({"containers": [{"name": "b", "image": "nginx"}]})),
        r.node.clone(),
    );
    second.until(1_000);
    let reasons: Vec<&str> = second.reasons().iter().map(|(_, x)| *x).collect();
    assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
    assert!(
        second.events[1].2.contains("ms ("),
        "{}",
        second.events[1].2
    );
}

#[test]
fn two_containers_share_one_ip_and_one_pull() {
    // Slide 28: nginx1 + nginx2, READY 2/2. The second container starts after the first
    // one's pull, and its own pull only checks the registry.
    let spec = json!({"containers": [
        {"name": "nginx1", "image": "nginx"}, {"name": "nginx2", "image": "nginx"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(10_000);
    assert_eq!(r.phase(), "Running");
    assert_eq!(
        (r.waiting(0).as_str(), r.waiting(1).as_str()),
        ("Running", "Running")
    );
    let pulls: Vec<&String> = r
        .events
        .iter()
        .filter(|e| e.1 == "Pulled")
        .map(|e| &e.2)
        .collect();
    assert_eq!(pulls.len(), 2);
    assert!(
        pulls[0].contains(" in 4.") || pulls[0].contains(" in 5."),
        "{}",
        pulls[0]
    );
    assert!(pulls[1].contains("ms ("), "{}", pulls[1]);
    let ready = r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap();
    assert!(ready.iter().all(|c| c.ready));
}

#[test]
fn a_misspelt_image_backs_off() {
    // ErrImagePull, then ImagePullBackOff, attempts 10 s, 20 s, 40 s ... apart.
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "ngnix"}]})),
        node(&[]),
    );
    r.until(1_500);
    assert_eq!(r.waiting(0), "ContainerCreating");
    r.until(2_000);
    assert_eq!(r.waiting(0), "ErrImagePull");
    r.until(12_000);
    assert_eq!(r.waiting(0), "ImagePullBackOff");
    r.until(100_000);
    let attempts: Vec<i64> = r
        .events
        .iter()
        .filter(|e| e.1 == "Pulling")
        .map(|e| e.0 / 1000)
        .collect();
    assert_eq!(attempts, [1, 12, 33, 74]);
    let failed = r
        .events
        .iter()
        .find(|e| e.1 == "Failed")
        .map(|e| e.2.clone())
        .unwrap_or_default();
    assert!(
        failed.starts_with("Failed to pull image \"ngnix\": failed to pull and unpack image"),
        "{failed}"
    );
    assert!(r
        .events
        .iter()
        .any(|e| e.1 == "BackOff" && e.2 == "Back-off pulling image \"ngnix\""));
    let cs = &r
        .pod
        .status
        .as_ref()
        .unwrap()
        .container_statuses
        .as_ref()
        .unwrap()[0];
    assert_eq!(cs.image, "ngnix");
    assert_eq!(cs.image_id, "");
    assert_eq!(r.phase(), "Pending");
}

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
fn never_pull_policy_without_the_image() {
    let spec =
        json!({"containers": [{"name": "c", "image": "nginx:1.27", "imagePullPolicy": "Never"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    r.until(25_000);
    assert_eq!(r.waiting(0), "ErrImageNeverPull");
    let n = r
        .events
        .iter()
        .filter(|e| e.1 == "ErrImageNeverPull")
        .count();
    assert_eq!(n, 3);
    assert_eq!(
        r.events[0].2,
        "Container image \"nginx:1.27\" is not present with pull policy of Never"
    );
}

#[test]
fn an_invalid_image_name() {
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "c", "image": "Nginx"}]})),
        node(&[]),
    );
    r.until(1_000);
    assert_eq!(r.waiting(0), "InvalidImageName");
    assert_eq!(r.events[0].1, "InspectFailed");
    assert_eq!(
        r.events[0].2,
        "Failed to apply default image tag \"Nginx\": couldn't parse image name \"Nginx\": invalid reference format: repository name (library/Nginx) must be lowercase"
    );
}

#[test]
fn host_network_pods_use_the_node_ip_at_once() {
    let spec = json!({"hostNetwork": true, "containers": [{"name": "c", "image": "registry.k8s.io/pause:3.10"}]});
    let mut r = Run::new(pod(spec), node(&[]));
    let view = PodView::of(&r.pod);
    if let view::ImagePlan::Known { cache_names, .. } = &view.containers[0].plan {
        r.node.cache.extend(cache_names.iter().cloned());
    }
    r.tick(at(0));
    assert_eq!(r.phase(), "Running");
    assert_eq!(
        r.pod.status.as_ref().unwrap().pod_ip.as_deref(),
        Some("192.168.10.11")
    );
}

#[test]
fn stepping_twice_at_one_instant_changes_nothing() {
    let mut r = Run::new(
        pod(json!({"containers": [{"name": "nginx", "image": "ngnix"}]})),
        node(&[]),
    );
    r.until(12_000);
    let before = r.pod.status.clone();
    let n = r.events.len();
    r.tick(at(12_000));
    assert_eq!(r.pod.status, before);
    // The same events are derived again (the recorder drops such repeats).
    assert!(r.events.len() > n);
}
