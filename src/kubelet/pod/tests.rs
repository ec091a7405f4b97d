//! Tests of reading a pod's runtime state back from its status.

use k8s_openapi::api::core::v1::PodStatus;
use serde_json::json;

use super::*;

fn status(v: serde_json::Value) -> PodStatus {
    serde_json::from_value(v).unwrap_or_default()
}

#[test]
fn back_off_is_read_from_the_crash_loop_message() {
    assert_eq!(
        delay_in_message("back-off 1m20s restarting failed container=c pod=p_ns(u)"),
        Some(80_000)
    );
    assert_eq!(delay_in_message("back-off 5m0s restarting"), Some(300_000));
    assert_eq!(delay_in_message("something else"), None);
}

#[test]
fn states_round_trip_through_the_status() {
    let s = status(json!({
        "startTime": "2025-01-01T00:00:00Z",
        "podIP": "10.244.1.2",
        "conditions": [{"type": "PodReadyToStartContainers", "status": "True",
                        "lastTransitionTime": "2025-01-01T00:00:01Z"}],
        "containerStatuses": [
            {"name": "a", "image": "nginx", "imageID": "", "ready": true, "restartCount": 0,
             "containerID": "containerd://1", "state": {"running": {"startedAt": "2025-01-01T00:00:05Z"}}},
            {"name": "b", "image": "busybox", "imageID": "", "ready": false, "restartCount": 3,
             "state": {"waiting": {"reason": "CrashLoopBackOff",
                                   "message": "back-off 40s restarting failed container=b pod=p_d(u)"}},
             "lastState": {"terminated": {"exitCode": 1, "reason": "Error", "containerID": "containerd://2",
                           "startedAt": "2025-01-01T00:01:00Z", "finishedAt": "2025-01-01T00:01:00Z"}}},
            {"name": "c", "image": "ngnix", "imageID": "", "ready": false, "restartCount": 0,
             "state": {"waiting": {"reason": "ImagePullBackOff", "message": "Back-off"}}}
        ]
    }));
    let names: Vec<String> = ["a", "b", "c", "d"].iter().map(|s| s.to_string()).collect();
    let st = PodState::from_status(Some(&s), &names, &[]);
    assert_eq!(st.accepted, Some(SimTime::START));
    assert_eq!(st.sandbox, Some(SimTime::START.plus_secs(1)));
    assert!(matches!(st.containers[0].slot, Slot::Running { .. }));
    assert_eq!(st.containers[1].slot, Slot::BackOff { delay_ms: 40_000 });
    assert_eq!(st.containers[1].restarts, 3);
    assert_eq!(st.containers[1].latest_id(), Some("containerd://2"));
    assert!(
        matches!(&st.containers[2].slot, Slot::ImageError { reason, .. } if reason == "ImagePullBackOff")
    );
    // A container without a status has not been touched yet.
    assert_eq!(st.containers[3], ContainerState::new());
}

#[test]
fn a_pod_never_seen_has_no_state() {
    let names = vec!["a".to_string()];
    let st = PodState::from_status(None, &names, &[]);
    assert_eq!(st.accepted, None);
    assert_eq!(st.containers.len(), 1);
}
