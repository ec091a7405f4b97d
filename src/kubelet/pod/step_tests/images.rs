//! `step` tests about images: pulls, the node cache, missing and invalid images.

use serde_json::json;

use super::*;

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
    if let crate::kubelet::pod::view::ImagePlan::Known { cache_names, .. } =
        &view.containers[0].plan
    {
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
    if let crate::kubelet::pod::view::ImagePlan::Known { cache_names, .. } =
        &view.containers[0].plan
    {
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
