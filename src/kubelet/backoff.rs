//! The kubelet's two back-offs as pure arithmetic over simulated time: restarting a
//! crashed container (CrashLoopBackOff) and retrying a failed image pull
//! (ImagePullBackOff). Both are client-go `flowcontrol.Backoff(10s, 300s)`: the delay
//! starts at 10 s and doubles up to 5 min, and an entry untouched for twice the maximum
//! (10 min) starts over. The pod worker looks again 10 s after every sync that ended in
//! an error (its `backOffPeriod`; kubeniwa leaves out the up-to-50 % jitter), which is when
//! the `BackOff` events repeat and when a waiting reason reaches the pod's status.
//!
//! Everything here is a function of durable facts (a container's `finishedAt`, the
//! sandbox's creation time), so a level-triggered kubelet recomputes the same schedule on
//! every reconcile and keeps nothing in memory.

use crate::sim::SimTime;

/// The first back-off delay.
pub const INITIAL_MS: i64 = 10_000;
/// The largest back-off delay (`MaxContainerBackOff`).
pub const MAX_MS: i64 = 300_000;
/// How long a container must run for its back-off to start over (2 × `MAX_MS`).
pub const RESET_AFTER_MS: i64 = 2 * MAX_MS;
/// The pod worker's retry period after a failed sync.
pub const SYNC_RETRY_MS: i64 = 10_000;

/// The delay after the `n`-th consecutive failure (n ≥ 1): 10 s, 20 s, 40 s, 80 s, 160 s,
/// then 300 s. Worked example: n = 5 gives 10 s × 2⁴ = 160 s; n = 6 would be 320 s, capped
/// to 300 s.
pub fn delay_ms(n: u32) -> i64 {
    let exp = n.saturating_sub(1).min(16);
    (INITIAL_MS << exp).min(MAX_MS)
}

/// When a container that exited is started again: `None` means at once, `Some(ms)` after
/// that back-off (`kuberuntime`'s `doBackOff`). The back-off entry is created by the first
/// restart, so the first exit restarts at once; it expires when the container ran longer
/// than `RESET_AFTER_MS`, which also restarts at once. Otherwise the entry doubled when the
/// container was last started, and `gap_ms` (the time between the previous exit and the
/// last start) is that previous delay — 0 when that start was itself immediate.
///
/// Worked example: a container that fails at once each time exits at t=0 (restart at once,
/// gap 0), at t=0 again (back-off 10 s), restarts at 10 s (gap 10 s) and exits, so it waits
/// 20 s, then 40 s, 80 s, 160 s, 300 s, 300 s, ...
pub fn crash_restart_delay(restart_count: i32, run_ms: i64, gap_ms: Option<i64>) -> Option<i64> {
    if restart_count == 0 || run_ms > RESET_AFTER_MS {
        return None;
    }
    Some(match gap_ms {
        Some(gap) if gap > 0 => gap.saturating_mul(2).clamp(INITIAL_MS, MAX_MS),
        _ => INITIAL_MS,
    })
}

/// The pod-worker syncs during a crash back-off that started with an exit at `finished`:
/// at the exit itself and every 10 s while the delay lasts. Each emits a `BackOff` event.
pub fn crash_backoff_syncs(finished: SimTime, delay: i64) -> impl Iterator<Item = SimTime> {
    (0..)
        .map(move |j: i64| finished.plus_ms(j * SYNC_RETRY_MS))
        .take_while(move |t| t.since(finished) < delay)
}

/// The waiting reason a failing image pull shows in the pod's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullReason {
    /// Right after a failed attempt.
    ErrImagePull,
    /// While waiting for the next attempt.
    ImagePullBackOff,
}

/// Something the kubelet does at one instant of a failing pull's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PullStep {
    /// An attempt starts: `Pulling image "..."`.
    Attempt,
    /// The attempt failed: `Failed to pull image ...` and `Error: ErrImagePull`.
    Failed,
    /// A sync inside the back-off: `Back-off pulling image ...` and
    /// `Error: ImagePullBackOff`.
    BackOff,
}

/// A failing pull seen at instant `t`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PullAt {
    /// The reason the status shows at `t` (`None` before the first failure is reported).
    pub reason: Option<PullReason>,
    /// The steps that happen exactly at `t`, in order.
    pub steps: Vec<PullStep>,
    /// The next instant after `t` at which something happens.
    pub next: SimTime,
    /// How many attempts have started by `t`.
    pub attempts: u32,
}

/// The life of an image pull that always fails, started at `start` (sandbox ready), each
/// attempt failing after `fail_ms`. The pod worker's syncs: attempt k at `a_k`, failure at
/// `f_k = a_k + fail_ms` with back-off `b_k = delay_ms(k)`; the sync that follows the first
/// failure at once (the sandbox's PLEG event was pending) and the syncs every 10 s inside
/// the back-off report `BackOff`; attempt k+1 starts at `f_k + b_k`. A sync writes the
/// outcome of the previous one, so the status shows `ErrImagePull` from `f_1` and from
/// `f_k + 10 s` (k ≥ 2), and `ImagePullBackOff` from `a_2` and from `f_k + 20 s`.
///
/// Worked example with `start` = 1 s and `fail_ms` = 1 s: attempt at 1 s, ErrImagePull at
/// 2 s, ImagePullBackOff and attempt 2 at 12 s (failing at 13 s), ErrImagePull at 23 s,
/// ImagePullBackOff and attempt 3 at 33 s, ErrImagePull at 44 s, attempt 4 at 74 s.
pub fn failing_pull_at(start: SimTime, fail_ms: i64, t: SimTime) -> PullAt {
    if t < start {
        return PullAt {
            reason: None,
            steps: Vec::new(),
            next: start,
            attempts: 0,
        };
    }
    let mut a = start;
    let mut k: u32 = 1;
    loop {
        let f = a.plus_ms(fail_ms);
        let b = delay_ms(k);
        let next_a = f.plus_ms(b);
        if t >= next_a {
            if b == MAX_MS {
                // From here on every cycle lasts `fail_ms + MAX_MS`: skip whole cycles.
                let period = fail_ms.max(0) + MAX_MS;
                let cycles = t.since(a) / period;
                a = a.plus_ms(cycles.saturating_mul(period));
                k = k.saturating_add(u32::try_from(cycles).unwrap_or(u32::MAX));
            } else {
                a = next_a;
                k += 1;
            }
            continue;
        }
        // t lies in cycle k: [a, next_a).
        let mut points: Vec<(SimTime, Vec<PullStep>, Option<PullReason>)> = Vec::new();
        points.push((
            a,
            vec![PullStep::Attempt],
            (k > 1).then_some(PullReason::ImagePullBackOff),
        ));
        if k == 1 {
            points.push((
                f,
                vec![PullStep::Failed, PullStep::BackOff],
                Some(PullReason::ErrImagePull),
            ));
        } else {
            points.push((f, vec![PullStep::Failed], None));
            let mut j = 1;
            while j * SYNC_RETRY_MS < b {
                let reason = if j == 1 {
                    PullReason::ErrImagePull
                } else {
                    PullReason::ImagePullBackOff
                };
                points.push((
                    f.plus_ms(j * SYNC_RETRY_MS),
                    vec![PullStep::BackOff],
                    Some(reason),
                ));
                j += 1;
            }
        }
        let mut reason = if k == 1 {
            None
        } else {
            Some(PullReason::ImagePullBackOff)
        };
        let mut steps = Vec::new();
        let mut next = next_a;
        for (at, s, r) in points {
            if at <= t {
                if r.is_some() {
                    reason = r;
                }
                if at == t {
                    steps.extend(s);
                }
            } else if at < next {
                next = at;
            }
        }
        return PullAt {
            reason,
            steps,
            next,
            attempts: k,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: i64) -> SimTime {
        SimTime(s * 1000)
    }

    #[test]
    fn delays_double_from_10s_to_300s() {
        // flowcontrol.NewBackOff(10s, 300s) as the kubelet configures it.
        let got: Vec<i64> = (1..=8).map(|n| delay_ms(n) / 1000).collect();
        assert_eq!(got, [10, 20, 40, 80, 160, 300, 300, 300]);
        assert_eq!(delay_ms(u32::MAX), MAX_MS);
    }

    #[test]
    fn crash_loop_restarts_at_once_then_backs_off() {
        // doBackOff: no entry on the first exit.
        assert_eq!(crash_restart_delay(0, 0, None), None);
        // Second exit after an immediate restart: 10 s.
        assert_eq!(crash_restart_delay(1, 0, Some(0)), Some(10_000));
        // Each further quick exit doubles the previous wait.
        assert_eq!(crash_restart_delay(2, 0, Some(10_000)), Some(20_000));
        assert_eq!(crash_restart_delay(3, 0, Some(20_000)), Some(40_000));
        assert_eq!(crash_restart_delay(6, 0, Some(160_000)), Some(300_000));
        assert_eq!(crash_restart_delay(7, 0, Some(300_000)), Some(300_000));
        // Running for more than 10 minutes resets the back-off.
        assert_eq!(crash_restart_delay(7, 600_001, Some(300_000)), None);
        assert_eq!(
            crash_restart_delay(7, 600_000, Some(300_000)),
            Some(300_000)
        );
    }

    #[test]
    fn crash_backoff_syncs_every_10s_until_the_restart() {
        let v: Vec<SimTime> = crash_backoff_syncs(at(100), 40_000).collect();
        assert_eq!(v, [at(100), at(110), at(120), at(130)]);
        assert_eq!(crash_backoff_syncs(at(5), 10_000).count(), 1);
    }

    #[test]
    fn failing_pull_timeline() {
        let p = |t| failing_pull_at(at(1), 1_000, at(t));
        assert_eq!(p(0).reason, None);
        assert_eq!(p(1).steps, [PullStep::Attempt]);
        assert_eq!(p(1).reason, None);
        assert_eq!(p(1).next, at(2));
        assert_eq!(p(2).steps, [PullStep::Failed, PullStep::BackOff]);
        assert_eq!(p(2).reason, Some(PullReason::ErrImagePull));
        assert_eq!(p(2).next, at(12));
        assert_eq!(p(12).steps, [PullStep::Attempt]);
        assert_eq!(p(12).reason, Some(PullReason::ImagePullBackOff));
        assert_eq!(p(13).steps, [PullStep::Failed]);
        assert_eq!(p(13).reason, Some(PullReason::ImagePullBackOff));
        assert_eq!(p(23).steps, [PullStep::BackOff]);
        assert_eq!(p(23).reason, Some(PullReason::ErrImagePull));
        assert_eq!(p(33).steps, [PullStep::Attempt]);
        assert_eq!(p(33).attempts, 3);
        assert_eq!(p(34).steps, [PullStep::Failed]);
        assert_eq!(p(44).reason, Some(PullReason::ErrImagePull));
        assert_eq!(p(54).reason, Some(PullReason::ImagePullBackOff));
        assert_eq!(p(64).steps, [PullStep::BackOff]);
        assert_eq!(p(74).steps, [PullStep::Attempt]);
        assert_eq!(p(75).next, at(85));
        // Far in the future the attempts are 300 s + 1 s apart and nothing panics.
        let late = failing_pull_at(at(1), 1_000, at(100_000));
        assert!(late.attempts > 300);
        assert!(late.next > at(100_000));
        let year = failing_pull_at(at(1), 1_000, at(365 * 86_400));
        assert!(year.next > at(365 * 86_400));
        assert_eq!(failing_pull_at(at(1), 1_000, at(74)).attempts, 4);
        // Attempts 5 to 9: 155 s, 316 s, then every 301 s.
        assert_eq!(
            failing_pull_at(at(1), 1_000, at(316)).steps,
            [PullStep::Attempt]
        );
        assert_eq!(
            failing_pull_at(at(1), 1_000, at(1219)).steps,
            [PullStep::Attempt]
        );
        assert_eq!(failing_pull_at(at(1), 1_000, at(1219)).attempts, 9);
        assert_eq!(
            failing_pull_at(at(1), 1_000, at(1220)).steps,
            [PullStep::Failed]
        );
    }
}
