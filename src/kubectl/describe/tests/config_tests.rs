//! Golden tests of the ConfigMap and Secret describers (upstream v1.32
//! `ConfigMapDescriber`, `describeSecret`).

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// The talk's `special-config` applied with kubectl: the last-applied annotation stays
/// hidden; each value prints under its key and a `----` rule, followed by an empty
/// BinaryData section and the Events.
#[test]
fn describe_special_config() {
    let mut h = Harness::new();
    h.cluster.apply_yaml(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: special-config\n  namespace: default\ndata:\n  special.how: very\n",
    );
    assert_text(
        &h.describe("cm special-config"),
        "\
Name:         special-config
Namespace:    default
Labels:       <none>
Annotations:  <none>

Data
====
special.how:
----
very


BinaryData
====

Events:  <none>
",
    );
}

/// Upstream `TestDescribeConfigMap`: several keys (sorted here; Go's map order is
/// random), binary data shown by size, and an event about the ConfigMap.
#[test]
fn upstream_describe_config_map() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "mycm", "namespace": "default", "labels": {"app": "demo"}},
        "data": {"key1": "value1", "key2": "value2\nwith a second line"},
        "binaryData": {"logo.png": "iVBORw0KGgo="}
    }));
    h.event(
        Kind::ConfigMap,
        "default",
        "mycm",
        true,
        "Invalid",
        "key2 is not valid",
        "config-checker",
        None,
    );
    h.advance(3);
    assert_text(
        &h.describe("configmap mycm"),
        "\
Name:         mycm
Namespace:    default
Labels:       app=demo
Annotations:  <none>

Data
====
key1:
----
value1

key2:
----
value2
with a second line


BinaryData
====
logo.png: 8 bytes

Events:
  Type     Reason   Age   From            Message
  ----     ------   ----  ----            -------
  Warning  Invalid  3s    config-checker  key2 is not valid
",
    );
}

/// Upstream `TestDescribeSecret`: sizes, never values; a service-account token shows
/// its token; no Events section.
#[test]
fn upstream_describe_secret() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "default"},
        "type": "Opaque",
        "data": {"password": "czNjcjN0", "special.how": "dmVyeQ==", "username": "YWRtaW4="}
    }));
    h.create(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "build-robot-secret", "namespace": "default",
                     "annotations": {"kubernetes.io/service-account.name": "build-robot"}},
        "type": "kubernetes.io/service-account-token",
        "data": {"token": "ZXlKaGJHY2lPaUpTVXpJMU5pSjk=", "namespace": "ZGVmYXVsdA=="}
    }));
    assert_text(
        &h.describe("secret db"),
        "\
Name:         db
Namespace:    default
Labels:       <none>
Annotations:  <none>

Type:  Opaque

Data
====
password:     6 bytes
special.how:  4 bytes
username:     5 bytes
",
    );
    assert_text(
        &h.describe("secrets build-robot-secret"),
        "\
Name:         build-robot-secret
Namespace:    default
Labels:       <none>
Annotations:  kubernetes.io/service-account.name: build-robot

Type:  kubernetes.io/service-account-token

Data
====
namespace:  7 bytes
token:      eyJhbGciOiJSUzI1NiJ9
",
    );
}
