//! Kinds and objects on top of the Kubernetes API types: the `Object` enum and `Kind`
//! registry, labels and selectors, quantities, and the YAML/JSON codec.

pub mod object;

pub use object::{DecodeError, Kind, KindInfo, Object};
