//! The replica arithmetic of upstream's `deployment_util.go` (v1.32): resolving
//! `maxSurge`/`maxUnavailable` against `spec.replicas` (surge rounds up, unavailable rounds
//! down, both zero means one unavailable), how far the new ReplicaSet may grow
//! (`NewRSNewReplicas`), proportional shares when a Deployment is resized mid-rollout
//! (`GetReplicaSetProportion`), saturation, and replica counts over ReplicaSet lists.

use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::util::{
    d_replicas, desired_replicas_annotation, max_replicas_annotation, rs_actual, rs_available,
    rs_ready, rs_replicas,
};

/// Upstream `intstr.GetScaledValueFromIntOrPercent`: an integer as is, or a percentage of
/// `total` rounded up or down. Worked example: `25%` of 10 is 3 rounded up, 2 rounded down.
pub fn scaled_value(v: &IntOrString, total: i32, round_up: bool) -> Result<i32, String> {
    match v {
        IntOrString::Int(n) => Ok(*n),
        IntOrString::String(s) => {
            let Some(digits) = s.strip_suffix('%') else {
                return Err(
                    "invalid value for IntOrString: invalid type: string is not a percentage"
                        .to_string(),
                );
            };
            let pct: i64 = digits.parse().map_err(|_| {
                format!("invalid value for IntOrString: invalid value {s:?}: invalid syntax")
            })?;
            let product = pct.saturating_mul(i64::from(total));
            let value = if round_up {
                product.div_euclid(100) + i64::from(product.rem_euclid(100) != 0)
            } else {
                product.div_euclid(100)
            };
            Ok(value.clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32)
        }
    }
}

/// Upstream `ResolveFenceposts`: `(maxSurge, maxUnavailable)` for `desired` replicas. A
/// missing value counts as 0. When both resolve to 0 (validation forbids writing both as 0,
/// but rounding down can produce it), maxUnavailable becomes 1 so a rollout can move.
///
/// Worked examples: 10 replicas, 25%/25% → (3, 2); 1 replica, 25%/25% → (1, 0);
/// 1 replica, 0%/1% → (0, 1).
pub fn resolve_fenceposts(
    max_surge: Option<&IntOrString>,
    max_unavailable: Option<&IntOrString>,
    desired: i32,
) -> Result<(i32, i32), String> {
    let zero = IntOrString::Int(0);
    let surge = scaled_value(max_surge.unwrap_or(&zero), desired, true)?;
    let mut unavailable = scaled_value(max_unavailable.unwrap_or(&zero), desired, false)?;
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    Ok((surge, unavailable))
}

/// Whether the strategy is `RollingUpdate`.
pub fn is_rolling_update(d: &Deployment) -> bool {
    strategy_type(d) == "RollingUpdate"
}

/// The strategy type as written (`RollingUpdate` by default).
pub fn strategy_type(d: &Deployment) -> &str {
    d.spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.type_.as_deref())
        .unwrap_or("RollingUpdate")
}

fn fenceposts(d: &Deployment) -> (i32, i32) {
    let ru = d
        .spec
        .as_ref()
        .and_then(|s| s.strategy.as_ref())
        .and_then(|s| s.rolling_update.as_ref());
    let surge = ru.and_then(|r| r.max_surge.as_ref());
    let unavailable = ru.and_then(|r| r.max_unavailable.as_ref());
    // Validation rejects bad values, so an error here is treated as zero, as upstream
    // ignores the error it says validation caught.
    resolve_fenceposts(surge, unavailable, d_replicas(d)).unwrap_or((0, 0))
}

/// Upstream `MaxUnavailable`: 0 unless rolling with replicas, and never above replicas.
pub fn max_unavailable(d: &Deployment) -> i32 {
    if !is_rolling_update(d) || d_replicas(d) == 0 {
        return 0;
    }
    fenceposts(d).1.min(d_replicas(d))
}

/// Upstream `MaxSurge`: 0 unless rolling.
pub fn max_surge(d: &Deployment) -> i32 {
    if !is_rolling_update(d) {
        return 0;
    }
    fenceposts(d).0
}

/// Upstream `GetReplicaCountForReplicaSets`: the sum of `spec.replicas`.
pub fn replica_count(rss: &[ReplicaSet]) -> i32 {
    rss.iter().map(rs_replicas).fold(0, i32::saturating_add)
}

/// Upstream `GetActualReplicaCountForReplicaSets`: the sum of `status.replicas`.
pub fn actual_replica_count(rss: &[ReplicaSet]) -> i32 {
    rss.iter().map(rs_actual).fold(0, i32::saturating_add)
}

/// Upstream `GetReadyReplicaCountForReplicaSets`.
pub fn ready_replica_count(rss: &[ReplicaSet]) -> i32 {
    rss.iter().map(rs_ready).fold(0, i32::saturating_add)
}

/// Upstream `GetAvailableReplicaCountForReplicaSets`.
pub fn available_replica_count(rss: &[ReplicaSet]) -> i32 {
    rss.iter().map(rs_available).fold(0, i32::saturating_add)
}

/// Upstream `NewRSNewReplicas`: how many replicas the new ReplicaSet should have now.
/// Rolling: grow by what the surge budget leaves, never past `spec.replicas`. Recreate: all.
///
/// Worked example: 10 replicas, maxSurge 25% (3), old ReplicaSet at 10, new at 0: the total
/// may reach 13, so the new ReplicaSet gets min(13 − 10, 10 − 0) = 3.
pub fn new_rs_new_replicas(
    d: &Deployment,
    all_rss: &[ReplicaSet],
    new_rs: &ReplicaSet,
) -> Result<i32, String> {
    let desired = d_replicas(d);
    match strategy_type(d) {
        "RollingUpdate" => {
            let surge = d
                .spec
                .as_ref()
                .and_then(|s| s.strategy.as_ref())
                .and_then(|s| s.rolling_update.as_ref())
                .and_then(|r| r.max_surge.as_ref())
                .ok_or_else(|| "nil value for IntOrString".to_string())?;
            let max_surge = scaled_value(surge, desired, true)?;
            let current = replica_count(all_rss);
            let max_total = desired.saturating_add(max_surge);
            let new_replicas = rs_replicas(new_rs);
            if current >= max_total {
                return Ok(new_replicas);
            }
            let scale_up = (max_total - current).min(desired - new_replicas);
            Ok(new_replicas + scale_up)
        }
        "Recreate" => Ok(desired),
        other => Err(format!("deployment type {other} isn't supported")),
    }
}

/// Upstream `IsSaturated`: the ReplicaSet has all the Deployment's replicas, believes so
/// (desired-replicas annotation), and all of them are available.
pub fn is_saturated(d: &Deployment, rs: Option<&ReplicaSet>) -> bool {
    let Some(rs) = rs else {
        return false;
    };
    let Some(desired) = desired_replicas_annotation(rs) else {
        return false;
    };
    let replicas = d_replicas(d);
    rs_replicas(rs) == replicas && desired == replicas && rs_available(rs) == replicas
}

/// Upstream `GetReplicaSetProportion`: how many replicas to add to (or remove from) this
/// ReplicaSet in a proportional scale, given what is still to distribute.
pub fn replica_set_proportion(rs: &ReplicaSet, d: &Deployment, to_add: i32, added: i32) -> i32 {
    if rs_replicas(rs) == 0 || to_add == 0 || to_add == added {
        return 0;
    }
    let fraction = replica_set_fraction(rs, d);
    let allowed = to_add - added;
    if to_add > 0 {
        fraction.min(allowed)
    } else {
        fraction.max(allowed)
    }
}

/// Upstream `getReplicaSetFraction`: the ReplicaSet's size scaled by the Deployment's new
/// maximum over the maximum it was last sized for (the max-replicas annotation), minus its
/// size, rounded half away from zero.
///
/// Worked example: a ReplicaSet of 3 last sized when the maximum was 5; the Deployment now
/// allows 10: round(3 × 10 / 5) − 3 = 3 more.
fn replica_set_fraction(rs: &ReplicaSet, d: &Deployment) -> i32 {
    let replicas = d_replicas(d);
    if replicas == 0 {
        return -rs_replicas(rs);
    }
    let max_now = replicas.saturating_add(max_surge(d));
    let before = match max_replicas_annotation(rs).filter(|n| *n != 0) {
        Some(n) => n,
        None => {
            // Without the annotation, fall back to the Deployment's current size.
            let n = d.status.as_ref().and_then(|s| s.replicas).unwrap_or(0);
            if n == 0 {
                return 0;
            }
            n
        }
    };
    let base = rs_replicas(rs);
    let size = f64::from(base) * f64::from(max_now) / f64::from(before);
    let rounded = size.round().clamp(f64::from(i32::MIN), f64::from(i32::MAX)) as i32;
    rounded.saturating_sub(base)
}
