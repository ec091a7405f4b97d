//! Simulated time and the one seeded random source.
//!
//! Nothing in the engine reads a wall clock or global randomness: `SimTime` advances only when
//! the driver (browser, shell, API server) asks, and every random choice — name suffixes, UIDs,
//! IPs, jitter — is drawn from the one `SimRng`, seeded by the user. Same seed, same inputs,
//! same run, byte for byte.

mod duration;
pub mod rng;
mod trace;

pub use duration::{format_go_duration, parse_go_duration};
pub use rng::SimRng;
pub use trace::{Actor, WriteMeta};

use chrono::{DateTime, TimeZone, Utc};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// A point in simulated time: milliseconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct SimTime(pub i64);

/// Where every new cluster's clock starts: 2025-01-01T00:00:00Z. A fixed date keeps runs
/// reproducible; it is also a plausible "now" for a v1.32 cluster.
pub const EPOCH_MS: i64 = 1_735_689_600_000;

impl SimTime {
    /// The start of every cluster's clock.
    pub const START: SimTime = SimTime(EPOCH_MS);

    /// This instant plus `ms` milliseconds (saturating).
    pub fn plus_ms(self, ms: i64) -> SimTime {
        SimTime(self.0.saturating_add(ms))
    }

    /// This instant plus whole seconds (saturating).
    pub fn plus_secs(self, secs: i64) -> SimTime {
        self.plus_ms(secs.saturating_mul(1000))
    }

    /// Milliseconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn since(self, earlier: SimTime) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// As a chrono timestamp (the engine's clock never leaves chrono's range; an
    /// out-of-range value clamps to the epoch rather than panicking).
    pub fn to_datetime(self) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(self.0)
            .single()
            .unwrap_or_default()
    }

    /// As a Kubernetes `Time` truncated to whole seconds, as the API serialises it.
    pub fn to_k8s_time(self) -> Time {
        SimTime(self.0 - self.0.rem_euclid(1000)).to_k8s_time_precise()
    }

    /// As a Kubernetes `Time` keeping milliseconds (used for MicroTime-like fields).
    pub fn to_k8s_time_precise(self) -> Time {
        Time(self.to_datetime())
    }

    /// From a Kubernetes `Time`.
    pub fn from_k8s_time(t: &Time) -> SimTime {
        SimTime(t.0.timestamp_millis())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_is_2025_new_year_utc() {
        assert_eq!(
            SimTime::START.to_datetime().to_rfc3339(),
            "2025-01-01T00:00:00+00:00"
        );
    }

    #[test]
    fn k8s_time_is_truncated_to_seconds() {
        // metav1.Time serialises with second precision (RFC 3339).
        let t = SimTime::START.plus_ms(1_999).to_k8s_time();
        assert_eq!(SimTime::from_k8s_time(&t), SimTime::START.plus_secs(1));
    }
}
