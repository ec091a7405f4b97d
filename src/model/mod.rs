//! Kinds and objects on top of the Kubernetes API types: the `Object` enum and `Kind`
//! registry, labels and selectors, quantities, and the YAML/JSON codec.

pub mod codec;
pub mod fields;
pub mod object;
pub mod quantity;
pub mod selector;

pub use object::{DecodeError, Kind, KindInfo, Object};
