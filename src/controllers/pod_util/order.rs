//! Which pods a controller deletes first: upstream v1.32 `ActivePods.Less` (used where no
//! ranking applies) and `ActivePodsWithRanks.Less` (the ReplicaSet controller's scale-down),
//! with the PodDeletionCost and LogarithmicScaleDown behaviour v1.32 has on by default.
//!
//! `ActivePodsWithRanks` puts first, applying each rule in turn until one decides:
//! 1. an unassigned pod before an assigned one;
//! 2. Pending before Unknown before Running (any other phase counts as Pending);
//! 3. not ready before ready;
//! 4. the lower `controller.kubernetes.io/pod-deletion-cost`;
//! 5. the higher rank (more related pods on the same node);
//! 6. both ready: the one ready for less time;
//! 7. more container restarts (regular containers, then sidecars);
//! 8. the newer one.
//!
//! In 6 and 8 times are compared on a logarithmic scale: each duration `now - t` in
//! nanoseconds is bucketed by `floor(log2)`, and within one bucket the pod with the
//! smaller UID goes first. Worked example at `now`: pods created 5 h and 8 h ago have
//! durations 1.8e13 ns and 2.88e13 ns, both in bucket 44 (2^44 ≈ 1.76e13 ≤ d < 2^45), so
//! neither is "newer" and the UIDs decide; a pod created 2 h ago (7.2e12 ns, bucket 42)
//! goes before both.
//!
//! The comparison is not always a total order (the UID tie-break in one bucket and the
//! restart rule can disagree), so sorting uses a merge sort written here: it never panics
//! on such input and, like Go's insertion sort for short lists, keeps equal pods in input
//! order.

use k8s_openapi::api::core::v1::Pod;

use super::{deletion_cost, is_ready, max_container_restarts, node_name, phase, ready_since_ms};
use crate::sim::SimTime;

/// A pod with its rank: the number of active related pods on the same node.
#[derive(Clone, Copy, Debug)]
pub struct RankedPod<'a> {
    /// The pod.
    pub pod: &'a Pod,
    /// Active pods of the same owner (or the owner's siblings) on this pod's node.
    pub rank: usize,
}

fn phase_ordinal(pod: &Pod) -> u8 {
    match phase(pod) {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    }
}

/// Upstream `afterOrZero`: whether `t1` is after `t2`, a missing time being after any
/// real one.
fn after_or_zero(t1: Option<i64>, t2: Option<i64>) -> bool {
    match (t1, t2) {
        (Some(a), Some(b)) => a > b,
        (t1, _) => t1.is_none(),
    }
}

/// Upstream `logarithmicRankDiff`: `floor(log2(now - t1)) - floor(log2(now - t2))` with
/// durations in nanoseconds, a non-positive duration counting as bucket -1.
///
/// Upstream computes `int64(math.Log2(float64(d)))`. Here the bucket is read exactly from
/// the exponent bits of `d as f64`, so every platform (native and Wasm) agrees; the two
/// differ only for durations within about 2^-48 of a power of two, where Go's rounded
/// logarithm can land on the next integer.
pub(crate) fn logarithmic_rank_diff(t1_ms: i64, t2_ms: i64, now: SimTime) -> i64 {
    let bucket = |t: i64| {
        let d = now.0.saturating_sub(t).saturating_mul(1_000_000);
        if d > 0 {
            // A positive i64 converts to a normal f64, whose biased exponent is
            // floor(log2) + 1023.
            (((d as f64).to_bits() >> 52) & 0x7ff) as i64 - 1023
        } else {
            -1
        }
    };
    bucket(t1_ms) - bucket(t2_ms)
}

fn uid(pod: &Pod) -> &str {
    pod.metadata.uid.as_deref().unwrap_or("")
}

fn creation_ms(pod: &Pod) -> Option<i64> {
    pod.metadata.creation_timestamp.as_ref().map(super::time_ms)
}

/// Upstream `compareMaxContainerRestarts`: `Some(true)` when `a` restarted more.
fn compare_restarts(a: &Pod, b: &Pod) -> Option<bool> {
    let (ra, sa) = max_container_restarts(a);
    let (rb, sb) = max_container_restarts(b);
    if ra != rb {
        return Some(ra > rb);
    }
    if sa != sb {
        return Some(sa > sb);
    }
    None
}

/// Compares two times the LogarithmicScaleDown way (see the module documentation).
fn logarithmic_after(a: &Pod, ta: Option<i64>, b: &Pod, tb: Option<i64>, now: SimTime) -> bool {
    match (ta, tb) {
        (Some(x), Some(y)) => {
            let diff = logarithmic_rank_diff(x, y, now);
            if diff == 0 {
                uid(a) < uid(b)
            } else {
                diff < 0
            }
        }
        _ => after_or_zero(ta, tb),
    }
}

/// The shared first three rules of both orderings; `None` when they do not decide.
fn common_prefix(a: &Pod, b: &Pod) -> Option<bool> {
    let (na, nb) = (node_name(a), node_name(b));
    if na != nb && (na.is_empty() || nb.is_empty()) {
        return Some(na.is_empty());
    }
    let (pa, pb) = (phase_ordinal(a), phase_ordinal(b));
    if pa != pb {
        return Some(pa < pb);
    }
    let (ra, rb) = (is_ready(a), is_ready(b));
    if ra != rb {
        return Some(!ra);
    }
    None
}

/// Upstream `ActivePodsWithRanks.Less`: whether `a` should be deleted before `b`.
pub fn ranked_less(a: RankedPod<'_>, b: RankedPod<'_>, now: SimTime) -> bool {
    let (pa, pb) = (a.pod, b.pod);
    if let Some(decided) = common_prefix(pa, pb) {
        return decided;
    }
    let (ca, cb) = (deletion_cost(pa), deletion_cost(pb));
    if ca != cb {
        return ca < cb;
    }
    if a.rank != b.rank {
        return a.rank > b.rank;
    }
    if is_ready(pa) && is_ready(pb) {
        let (ta, tb) = (ready_since_ms(pa), ready_since_ms(pb));
        if ta != tb {
            return logarithmic_after(pa, ta, pb, tb, now);
        }
    }
    if let Some(more) = compare_restarts(pa, pb) {
        return more;
    }
    let (ta, tb) = (creation_ms(pa), creation_ms(pb));
    if ta != tb {
        return logarithmic_after(pa, ta, pb, tb, now);
    }
    false
}

/// Upstream `ActivePods.Less` (no ranks, no deletion cost, plain time comparisons).
pub fn active_pods_less(a: &Pod, b: &Pod) -> bool {
    if let Some(decided) = common_prefix(a, b) {
        return decided;
    }
    if is_ready(a) && is_ready(b) {
        let (ta, tb) = (ready_since_ms(a), ready_since_ms(b));
        if ta != tb {
            return after_or_zero(ta, tb);
        }
    }
    if let Some(more) = compare_restarts(a, b) {
        return more;
    }
    let (ta, tb) = (creation_ms(a), creation_ms(b));
    if ta != tb {
        return after_or_zero(ta, tb);
    }
    false
}

/// Sorts ranked pods, each with whatever the caller keeps beside it, so the ones to
/// delete first come first (`ActivePodsWithRanks` at `now`).
pub fn sort_for_deletion<X: Clone>(items: &mut Vec<(RankedPod<'_>, X)>, now: SimTime) {
    merge_sort(items, &|a, b| ranked_less(a.0, b.0, now));
}

/// A stable top-down merge sort that tolerates comparators that are not total orders.
pub(crate) fn merge_sort<T: Clone>(v: &mut Vec<T>, less: &dyn Fn(&T, &T) -> bool) {
    if v.len() < 2 {
        return;
    }
    let mut right = v.split_off(v.len() / 2);
    merge_sort(v, less);
    merge_sort(&mut right, less);
    let left = std::mem::take(v);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        // Take from the right only when it is strictly less, which keeps the sort stable.
        if less(&right[j], &left[i]) {
            out.push(right[j].clone());
            j += 1;
        } else {
            out.push(left[i].clone());
            i += 1;
        }
    }
    out.extend_from_slice(&left[i..]);
    out.extend_from_slice(&right[j..]);
    *v = out;
}
