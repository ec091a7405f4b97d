//! ImageLocality (score): prefers nodes that already have the pod's images, weighted by
//! image size and by how widely the image is spread (an image on every node says little).
//! Images come from the nodes' `status.images`; a pod's image without a tag is looked up
//! as `:latest`.
//!
//! Worked example: one container, its 500 MiB image on 2 of 4 nodes: on those nodes the
//! sum is 500 MiB × 2/4 = 250 MiB, clamped to 23..1000 MiB, score
//! 100 × (250 - 23) / (1000 - 23) = 23; elsewhere 0.

use crate::scheduler::framework::{CycleState, ScorePlugin, MAX_NODE_SCORE};
use crate::scheduler::podinfo::PodInfo;
use crate::scheduler::snapshot::{NodeInfo, Snapshot};

/// The plugin's name.
pub const NAME: &str = "ImageLocality";

const MB: i64 = 1024 * 1024;
const MIN_THRESHOLD: i64 = 23 * MB;
const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// Upstream `normalizedImageName`: an image without a tag means `:latest`.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':');
    let slash = name.rfind('/');
    if colon.map(|c| c as isize).unwrap_or(-1) <= slash.map(|s| s as isize).unwrap_or(-1) {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

/// Upstream `calculatePriority`: the summed image score, clamped to the thresholds for
/// `containers` containers, scaled to 0..=100.
pub fn calculate_priority(sum: i64, containers: usize) -> i64 {
    let max = MAX_CONTAINER_THRESHOLD * containers.max(1) as i64;
    let sum = sum.clamp(MIN_THRESHOLD, max);
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max - MIN_THRESHOLD)
}

/// See the module documentation.
pub struct ImageLocality;

impl ScorePlugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }

    fn score(&self, _: &CycleState, pod: &PodInfo, node: &NodeInfo, snap: &Snapshot) -> i64 {
        let spec = pod.spec();
        let count = spec.init_containers.as_ref().map_or(0, Vec::len) + spec.containers.len();
        if !node.has_images {
            return calculate_priority(0, count);
        }
        let images = node.node().status.as_ref().and_then(|s| s.images.as_ref());
        let containers: Vec<&str> = spec
            .init_containers
            .iter()
            .flatten()
            .chain(spec.containers.iter())
            .filter_map(|c| c.image.as_deref())
            .collect();
        let states = snap.image_states();
        let total = snap.nodes.len().max(1) as f64;
        let mut sum = 0i64;
        for image in &containers {
            let name = normalized_image_name(image);
            let here = images
                .into_iter()
                .flatten()
                .any(|i| i.names.iter().flatten().any(|n| *n == name));
            if let (true, Some((size, nodes))) = (here, states.get(&name)) {
                sum += (*size as f64 * (*nodes as f64 / total)) as i64;
            }
        }
        calculate_priority(sum, count)
    }
}
