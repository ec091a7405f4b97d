//! Tests of the container section (upstream v1.32 `describeContainers`), restating
//! `TestDescribeContainers`.

use serde_json::json;

/// Upstream `TestDescribeContainers`: states (Waiting with a reason, Terminated with a
/// message, exit code and signal), envFrom with and without prefix, a command word with
/// a newline continuing on the next line, requests printed canonically (`1000` → `1k`),
/// mounts with a sub-path, and devices (which, in upstream's quirk, take the mounts'
/// `<none>`).
#[test]
fn upstream_describe_containers() {
    use crate::kubectl::describe::containers::describe_containers;
    use crate::kubectl::describe::writer::PrefixWriter;
    use k8s_openapi::api::core::v1::{Container, ContainerStatus};
    let container = |v: serde_json::Value| -> Container {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("bad container: {e}"))
    };
    let status = |v: serde_json::Value| -> ContainerStatus {
        serde_json::from_value(v).unwrap_or_else(|e| panic!("bad status: {e}"))
    };
    let text = |c: Container, s: Option<ContainerStatus>| {
        let mut w = PrefixWriter::new();
        let statuses: Vec<ContainerStatus> = s.into_iter().collect();
        describe_containers(&mut w, "Containers", &[c], &statuses, None, "");
        w.finish()
    };
    let base = json!({"name": "test", "image": "image"});
    let out = text(
        container(base.clone()),
        Some(status(
            json!({"name": "test", "image": "image", "imageID": "", "ready": true, "restartCount": 7,
                           "state": {"waiting": {"reason": "potato"}}}),
        )),
    );
    assert!(out.contains("    State:          Waiting\n      Reason:       potato\n    Ready:          True\n    Restart Count:  7\n"), "{out}");
    let out = text(
        container(base.clone()),
        Some(status(
            json!({"name": "test", "image": "image", "imageID": "", "ready": true, "restartCount": 7,
                           "state": {"terminated": {"exitCode": 2, "signal": 3, "message": "crashing",
                                                    "startedAt": "2025-01-01T00:00:00Z", "finishedAt": "2025-01-01T00:00:09Z"}}}),
        )),
    );
    assert!(out.contains("    State:          Terminated\n      Message:      crashing\n      Exit Code:    2\n      Signal:       3\n"), "{out}");
    let out = text(
        container(
            json!({"name": "test", "image": "image", "env": [{"name": "envname", "value": "xyz"}],
                         "envFrom": [{"prefix": "p_", "configMapRef": {"name": "a123"}}, {"secretRef": {"name": "s1", "optional": true}}]}),
        ),
        None,
    );
    assert!(out.contains("      a123  ConfigMap with prefix 'p_'  Optional: false\n      s1    Secret                      Optional: true\n"), "{out}");
    assert!(out.contains("      envname:  xyz\n"), "{out}");
    let out = text(
        container(json!({"name": "test", "image": "image", "command": ["sleep", "1000\n2000"]})),
        None,
    );
    assert!(out.contains("1000\n      2000"), "{out}");
    let out = text(
        container(
            json!({"name": "test", "image": "image", "resources": {"requests": {"cpu": "1000", "memory": "4G", "storage": "20G"}}}),
        ),
        None,
    );
    assert!(
        out.contains(
            "    Requests:\n      cpu:        1k\n      memory:     4G\n      storage:    20G\n"
        ),
        "{out}"
    );
    let out = text(
        container(
            json!({"name": "test", "image": "image", "volumeDevices": [{"name": "volume-device", "devicePath": "/dev/xvda"}]}),
        ),
        None,
    );
    assert!(out.ends_with("    Mounts:       <none>\n    Devices:      <none>\n      /dev/xvda from volume-device\n"), "{out}");
}
