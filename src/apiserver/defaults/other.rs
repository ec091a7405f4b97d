//! Defaulting for the smaller groups kubeniwa serves: `discovery.k8s.io/v1` (EndpointSlice
//! ports, after `pkg/apis/discovery/v1/defaults.go`), `policy/v1` and
//! `coordination.k8s.io/v1`, plus their strategies' create-time mutations.
//!
//! `policy/v1` registers no defaulters. `coordination.k8s.io/v1` Leases get none in
//! v1.32 either: the `spec.strategy` default belongs to CoordinatedLeaderElection, which
//! is off, and the Lease strategy drops the field.

use k8s_openapi::api::discovery::v1::EndpointSlice;
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetStatus};

/// `SetDefaults_EndpointPort`: every port gets `name: ""` and `protocol: TCP` when unset
/// (both are pointers in Go, so an explicit empty name stays).
pub(super) fn default_endpoint_slice(slice: &mut EndpointSlice) {
    for port in slice.ports.iter_mut().flatten() {
        port.name.get_or_insert_with(String::new);
        port.protocol.get_or_insert_with(|| "TCP".into());
    }
}

/// The EndpointSlice strategy's `PrepareForCreate`: `metadata.generation: 1`.
pub(super) fn prepare_endpoint_slice(slice: &mut EndpointSlice) {
    slice.metadata.generation = Some(1);
}

/// The PodDisruptionBudget strategy's `PrepareForCreate`: status reset (v1.32 prints its
/// four counters as 0) and `metadata.generation: 1`.
pub(super) fn prepare_pdb(pdb: &mut PodDisruptionBudget) {
    pdb.status = Some(PodDisruptionBudgetStatus::default());
    pdb.metadata.generation = Some(1);
}

#[cfg(test)]
mod tests;
