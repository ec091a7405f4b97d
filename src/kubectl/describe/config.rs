//! `kubectl describe` for ConfigMaps and Secrets (upstream v1.32 `ConfigMapDescriber`,
//! `describeSecret`).
//!
//! A ConfigMap shows each value under its key and a `----` rule; binary data and Secret
//! data show only sizes (`special.how:  4 bytes`), never values, except a
//! service-account token Secret's `token`. Go prints map keys in random order; kubeniwa
//! prints them sorted. Secrets have no Events section, ConfigMaps do.
//!
//! ```text
//! Name:         special-config
//! Namespace:    default
//! Labels:       <none>
//! Annotations:  <none>
//!
//! Data
//! ====
//! special.how:
//! ----
//! very
//!
//!
//! BinaryData
//! ====
//!
//! Events:  <none>
//! ```

use k8s_openapi::api::core::v1::{ConfigMap, Secret};

use super::events;
use super::multiline::print_object_header;
use super::writer::{PrefixWriter, LEVEL_0};
use super::Env;
use crate::model::Kind;

/// `ConfigMapDescriber.Describe`.
pub(super) fn describe_config_map(env: &Env, cm: &ConfigMap) -> String {
    let meta = &cm.metadata;
    let events = events::about(env, Kind::ConfigMap, meta);
    let mut w = PrefixWriter::new();
    print_object_header(&mut w, meta);
    w.write(LEVEL_0, "\nData\n====\n");
    for (key, value) in cm.data.iter().flatten() {
        put!(w, LEVEL_0, "{key}:\n----\n");
        put!(w, LEVEL_0, "{value}\n");
        w.write(LEVEL_0, "\n");
    }
    w.write(LEVEL_0, "\nBinaryData\n====\n");
    for (key, value) in cm.binary_data.iter().flatten() {
        put!(w, LEVEL_0, "{key}: {} bytes\n", value.0.len());
    }
    w.write(LEVEL_0, "\n");
    events::describe_if(&mut w, events.as_deref(), env);
    w.finish()
}

/// `describeSecret`.
pub(super) fn describe_secret(secret: &Secret) -> String {
    let meta = &secret.metadata;
    let kind = secret.type_.as_deref().unwrap_or("");
    let mut w = PrefixWriter::new();
    print_object_header(&mut w, meta);
    put!(w, LEVEL_0, "\nType:\t{kind}\n");
    w.write(LEVEL_0, "\nData\n====\n");
    for (key, value) in secret.data.iter().flatten() {
        if key == "token" && kind == "kubernetes.io/service-account-token" {
            put!(
                w,
                LEVEL_0,
                "{key}:\t{}\n",
                String::from_utf8_lossy(&value.0)
            );
        } else {
            put!(w, LEVEL_0, "{key}:\t{} bytes\n", value.0.len());
        }
    }
    w.finish()
}
