//! ImageLocality, restating upstream `image_locality_test.go`: the score rises with the
//! size of images already on the node, scaled by how many nodes have them.

use serde_json::json;

use super::*;
use crate::scheduler::plugins::image_locality::{
    calculate_priority, normalized_image_name, ImageLocality,
};

const MB: i64 = 1024 * 1024;

fn imaged(name: &str, images: serde_json::Value) -> std::rc::Rc<crate::model::Object> {
    let n = serde_json::from_value(json!({
        "metadata": {"name": name},
        "status": {"allocatable": {"pods": "10"}, "images": images}}))
    .expect("node");
    std::rc::Rc::new(crate::model::Object::Node(n))
}

#[test]
fn image_names_default_to_latest() {
    assert_eq!(normalized_image_name("nginx"), "nginx:latest");
    assert_eq!(normalized_image_name("nginx:1.7.9"), "nginx:1.7.9");
    assert_eq!(
        normalized_image_name("localhost:5000/app"),
        "localhost:5000/app:latest"
    );
}

#[test]
fn priority_clamps_to_thresholds() {
    assert_eq!(calculate_priority(0, 1), 0);
    assert_eq!(calculate_priority(23 * MB, 1), 0);
    assert_eq!(calculate_priority(2000 * MB, 1), 100);
    // (250 - 23) × 100 / (1000 - 23) = 23.
    assert_eq!(calculate_priority(250 * MB, 1), 23);
}

/// "two images spread on two nodes, prefer the larger image one": gcr.io/40 (40 MiB) on
/// machine1, gcr.io/250 (250 MiB) on machine2, pod wants both; each image is on 1 of 2
/// nodes. machine1: 40 × 1/2 = 20 MiB < 23 → 0; machine2: 125 MiB → (125-23)×100/(2000-23) = 5.
#[test]
fn larger_local_image_wins() {
    let snap = snapshot(
        vec![
            imaged(
                "machine1",
                json!([{"names": ["gcr.io/40:latest", "gcr.io/40:v1"], "sizeBytes": 40 * MB}]),
            ),
            imaged(
                "machine2",
                json!([{"names": ["gcr.io/250:latest"], "sizeBytes": 250 * MB}]),
            ),
        ],
        vec![],
    );
    let p = pod_spec(
        json!({"containers": [{"name": "a", "image": "gcr.io/40"}, {"name": "b", "image": "gcr.io/250"}]}),
    );
    assert_eq!(scores(&ImageLocality, &p, &snap), Some(vec![0, 5]));
}
