//! Unit tests of proportional scaling, restating upstream's `sync_test.go` (v1.32)
//! `TestScale`: after a change of `spec.replicas` mid-rollout, each active ReplicaSet grows
//! or shrinks in proportion to its size.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::replicas::max_surge;
use super::sync::scale;
use super::tests::{new_deployment, Env};
use super::util::{DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION};

/// One `TestScale` case: the Deployment now, the one the ReplicaSets were sized for, the
/// new ReplicaSet and the old ones as (name, size, created seconds), and the sizes after.
struct ScaleCase {
    name: &'static str,
    replicas: i32,
    surge: Option<i32>,
    unavailable: Option<i32>,
    old_replicas: i32,
    old_surge: Option<i32>,
    new_rs: Option<(&'static str, i32)>,
    old_rss: &'static [(&'static str, i32, i64)],
    expected_new: Option<i32>,
    expected_old: &'static [i32],
    /// A desired-replicas annotation differing from the old Deployment's, per name.
    desired: &'static [(&'static str, i32)],
}

const NEW: i64 = 7200;
const OLD: i64 = 3600;
const OLDER: i64 = 0;

fn run(case: &ScaleCase) {
    let mut env = Env::new();
    let int = |v: Option<i32>| v.map(IntOrString::Int);
    let d = new_deployment(case.replicas, None, int(case.surge), int(case.unavailable));
    let old_d = new_deployment(
        case.old_replicas,
        None,
        int(case.old_surge),
        int(case.unavailable),
    );
    let annotations = |name: &str| {
        let desired = case
            .desired
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
            .unwrap_or(case.old_replicas);
        vec![
            (DESIRED_REPLICAS_ANNOTATION, desired.to_string()),
            (
                MAX_REPLICAS_ANNOTATION,
                (desired + max_surge(&old_d)).to_string(),
            ),
        ]
    };
    let new_rs = case
        .new_rs
        .map(|(name, size)| env.create_rs(name, size, 0, NEW, &annotations(name)));
    let olds: Vec<_> = case
        .old_rss
        .iter()
        .map(|&(name, size, created)| env.create_rs(name, size, 0, created, &annotations(name)))
        .collect();
    scale(&mut env.rc(), &d, new_rs.as_ref(), &olds).unwrap();
    if let (Some((name, _)), Some(expected)) = (case.new_rs, case.expected_new) {
        assert_eq!(env.size(name), expected, "{}: new {name}", case.name);
    }
    for (i, &(name, _, _)) in case.old_rss.iter().enumerate() {
        assert_eq!(
            env.size(name),
            case.expected_old[i],
            "{}: old {name}",
            case.name
        );
    }
}

/// A case with upstream's `newDeployment` defaults (maxSurge and maxUnavailable 0, so
/// maxUnavailable resolves to 1) and no extra annotations.
#[allow(clippy::too_many_arguments)]
fn case(
    name: &'static str,
    replicas: i32,
    old_replicas: i32,
    new_rs: Option<(&'static str, i32)>,
    old_rss: &'static [(&'static str, i32, i64)],
    expected_new: Option<i32>,
    expected_old: &'static [i32],
) -> ScaleCase {
    ScaleCase {
        name,
        replicas,
        surge: None,
        unavailable: None,
        old_replicas,
        old_surge: None,
        new_rs,
        old_rss,
        expected_new,
        expected_old,
        desired: &[],
    }
}

#[test]
fn scale_table() {
    // sync_test.go TestScale, in upstream's order.
    #[rustfmt::skip]
    let cases = [
        case("normal scaling event: 10 -> 12", 12, 10, Some(("foo-v1", 10)), &[], Some(12), &[]),
        case("normal scaling event: 10 -> 5", 5, 10, Some(("foo-v1", 10)), &[], Some(5), &[]),
        case("proportional scaling: 5 -> 10", 10, 5, Some(("foo-v2", 2)), &[("foo-v1", 3, OLD)], Some(4), &[6]),
        case("proportional scaling: 5 -> 3", 3, 5, Some(("foo-v2", 2)), &[("foo-v1", 3, OLD)], Some(1), &[2]),
        case("proportional scaling: 9 -> 4", 4, 9, Some(("foo-v2", 8)), &[("foo-v1", 1, OLD)], Some(4), &[0]),
        case("proportional scaling: 7 -> 10", 10, 7, Some(("foo-v3", 2)), &[("foo-v2", 3, OLD), ("foo-v1", 2, OLDER)], Some(3), &[4, 3]),
        case("proportional scaling: 13 -> 8", 8, 13, Some(("foo-v3", 2)), &[("foo-v2", 8, OLD), ("foo-v1", 3, OLDER)], Some(1), &[5, 2]),
        // Scales up the new replica set.
        case("leftover distribution: 3 -> 4", 4, 3, Some(("foo-v3", 1)), &[("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], Some(2), &[1, 1]),
        // Scales down the older replica set.
        case("leftover distribution: 3 -> 2", 2, 3, Some(("foo-v3", 1)), &[("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], Some(1), &[1, 0]),
        // Scales up the latest replica set first.
        case("proportional scaling (no new rs): 4 -> 5", 5, 4, None, &[("foo-v2", 2, OLD), ("foo-v1", 2, OLDER)], None, &[3, 2]),
        // Scales down to zero.
        case("proportional scaling: 6 -> 0", 0, 6, Some(("foo-v3", 3)), &[("foo-v2", 2, OLD), ("foo-v1", 1, OLDER)], Some(0), &[0, 0]),
        // Scales up from zero.
        case("proportional scaling: 0 -> 6", 6, 6, Some(("foo-v3", 0)), &[("foo-v2", 0, OLD), ("foo-v1", 0, OLDER)], Some(6), &[0, 0]),
        // Upstream's "failed rs update": foo-v2 was sized for 3, so only it takes the one
        // new replica (upstream masks the other writes; here they change nothing anyway).
        ScaleCase { desired: &[("foo-v2", 3)], ..case("failed rs update", 5, 5, Some(("foo-v3", 2)), &[("foo-v2", 1, OLD), ("foo-v1", 1, OLDER)], Some(2), &[2, 1]) },
        ScaleCase { surge: Some(2), old_surge: Some(2), ..case("deployment with surge pods", 20, 10, Some(("foo-v2", 6)), &[("foo-v1", 6, OLD)], Some(11), &[11]) },
        ScaleCase { surge: Some(6), old_surge: Some(3), ..case("change both surge and size", 50, 10, Some(("foo-v2", 5)), &[("foo-v1", 8, OLD)], Some(22), &[34]) },
        // The template changed, so there is no new ReplicaSet yet.
        case("change both size and template", 14, 10, None, &[("foo-v2", 7, NEW), ("foo-v1", 3, OLD)], None, &[10, 4]),
        ScaleCase { surge: Some(1), unavailable: Some(1), old_surge: Some(1), ..case("saturated but broken new replica set does not affect old pods", 2, 2, Some(("foo-v2", 2)), &[("foo-v1", 1, OLD)], Some(2), &[1]) },
    ];
    for case in &cases {
        run(case);
    }
}
