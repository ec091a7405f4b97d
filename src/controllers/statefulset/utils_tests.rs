//! Cases restated from v1.32 `stateful_set_utils_test.go`: `TestGetParentNameAndOrdinal`,
//! `TestIdentityMatches`, `TestStorageMatches`, `TestUpdateIdentity`, `TestUpdateStorage`,
//! `TestNewPodControllerRef`, `TestNewVersionedStatefulSetPod`, and the retention-policy
//! tables of `TestIsClaimOwnerUpToDate` and `TestUpdateClaimOwnerRefForSetAndPod`.

use super::*;
use k8s_openapi::api::apps::v1::{
    RollingUpdateStatefulSetStrategy, StatefulSetPersistentVolumeClaimRetentionPolicy,
    StatefulSetUpdateStrategy,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde_json::json;

fn set(replicas: i32) -> StatefulSet {
    serde_json::from_value(json!({
        "metadata": {"name": "foo", "namespace": "default", "uid": "set-uid"},
        "spec": {
            "replicas": replicas,
            "serviceName": "governingsvc",
            "selector": {"matchLabels": {"app": "foo"}},
            "template": {"metadata": {"labels": {"app": "foo"}},
                         "spec": {"containers": [{"name": "nginx", "image": "nginx"}],
                                  "volumes": [{"name": "home", "hostPath": {"path": "/tmp/home"}}]}},
            "volumeClaimTemplates": [{"metadata": {"name": "datadir"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}}],
            "updateStrategy": {"type": "RollingUpdate"}
        }
    }))
    .unwrap_or_default()
}

#[test]
fn parent_name_and_ordinal() {
    assert_eq!(parent_and_ordinal("foo-1"), Some(("foo", 1)));
    assert_eq!(parent_and_ordinal("a-b-12"), Some(("a-b", 12)));
    assert_eq!(parent_and_ordinal("foo"), None);
    assert_eq!(parent_and_ordinal("foo-bar"), None);
    assert_eq!(parent_and_ordinal("foo-99999999999"), None);
}

#[test]
fn new_pods_have_identity_storage_and_hostname() {
    let s = set(3);
    let pod = new_pod(&s, 1);
    assert_eq!(pod.metadata.name.as_deref(), Some("foo-1"));
    assert_eq!(pod.metadata.generate_name, None);
    assert!(identity_matches(&s, &pod));
    assert!(storage_matches(&s, &pod));
    let labels = pod.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels[POD_NAME_LABEL], "foo-1");
    assert_eq!(labels[POD_INDEX_LABEL], "1");
    let spec = pod.spec.clone().unwrap_or_default();
    assert_eq!(spec.hostname.as_deref(), Some("foo-1"));
    assert_eq!(spec.subdomain.as_deref(), Some("governingsvc"));
    // The claim volume comes first, then the template's own volumes.
    let names: Vec<_> = spec
        .volumes
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.name)
        .collect();
    assert_eq!(names, ["datadir", "home"]);
    let owner = &pod.metadata.owner_references.clone().unwrap_or_default()[0];
    assert_eq!(
        (owner.kind.as_str(), owner.controller),
        ("StatefulSet", Some(true))
    );
    // Breaking the identity or the storage is noticed.
    let mut other = pod.clone();
    other
        .metadata
        .labels
        .as_mut()
        .map(|l| l.remove(POD_NAME_LABEL));
    assert!(!identity_matches(&s, &other));
    let mut other = pod.clone();
    if let Some(sp) = other.spec.as_mut() {
        sp.volumes = None;
    }
    assert!(!storage_matches(&s, &other));
    update_storage(&s, &mut other);
    assert!(storage_matches(&s, &other));
}

#[test]
fn claims_carry_template_and_selector_labels() {
    let claims = claims_for(&set(1), 0);
    assert_eq!(claims.len(), 1);
    let (tmpl, claim) = &claims[0];
    assert_eq!(tmpl, "datadir");
    assert_eq!(claim.metadata.name.as_deref(), Some("datadir-foo-0"));
    assert_eq!(
        claim.metadata.labels.clone().unwrap_or_default()["app"],
        "foo"
    );
}

#[test]
fn versioned_pods_follow_the_partition() {
    // TestNewVersionedStatefulSetPod: below the partition the current revision.
    let mut s = set(3);
    if let Some(sp) = s.spec.as_mut() {
        sp.update_strategy = Some(StatefulSetUpdateStrategy {
            type_: Some("RollingUpdate".into()),
            rolling_update: Some(RollingUpdateStatefulSetStrategy {
                partition: Some(2),
                max_unavailable: None,
            }),
        });
    }
    let rev = |o| {
        let p = new_versioned_pod(&s, &s, "foo-cur", "foo-upd", o);
        pod_revision(&p).to_string()
    };
    assert_eq!([rev(0), rev(1), rev(2)], ["foo-cur", "foo-cur", "foo-upd"]);
    // With no rolling-update parameters, the status' currentReplicas decides.
    let mut s2 = set(3);
    s2.status = Some(k8s_openapi::api::apps::v1::StatefulSetStatus {
        current_replicas: Some(1),
        ..Default::default()
    });
    let p = new_versioned_pod(&s2, &s2, "foo-cur", "foo-upd", 0);
    assert_eq!(pod_revision(&p), "foo-cur");
    let p = new_versioned_pod(&s2, &s2, "foo-cur", "foo-upd", 1);
    assert_eq!(pod_revision(&p), "foo-upd");
}

fn with_policy(deleted: &str, scaled: &str, replicas: i32) -> StatefulSet {
    let mut s = set(replicas);
    if let Some(sp) = s.spec.as_mut() {
        sp.persistent_volume_claim_retention_policy =
            Some(StatefulSetPersistentVolumeClaimRetentionPolicy {
                when_deleted: Some(deleted.into()),
                when_scaled: Some(scaled.into()),
            });
    }
    s
}

#[test]
fn claim_owner_refs_follow_the_retention_policy() {
    // For pod ordinal 1: in range with 3 replicas, scaled down with 1.
    let cases = [
        ("Retain", "Retain", 3, (false, false)),
        ("Delete", "Retain", 3, (true, false)),
        ("Retain", "Delete", 3, (false, false)),
        ("Retain", "Delete", 1, (false, true)),
        ("Delete", "Delete", 3, (true, false)),
        ("Delete", "Delete", 1, (false, true)),
    ];
    for (deleted, scaled, replicas, (want_set, want_pod)) in cases {
        let s = with_policy(deleted, scaled, replicas);
        let mut pod = new_pod(&s, 1);
        pod.metadata.uid = Some("pod-uid".into());
        let mut claim = ObjectMeta::default();
        let fits = claim_owner_up_to_date(&claim, &s, &pod);
        assert_eq!(
            fits,
            !want_set && !want_pod,
            "{deleted}/{scaled}/{replicas}"
        );
        update_claim_owner_refs(&mut claim, &s, &pod);
        let uids: Vec<String> = claim
            .owner_references
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|r| r.uid)
            .collect();
        assert_eq!(
            uids.contains(&"set-uid".to_string()),
            want_set,
            "{deleted}/{scaled}"
        );
        assert_eq!(
            uids.contains(&"pod-uid".to_string()),
            want_pod,
            "{deleted}/{scaled}"
        );
        assert!(
            claim_owner_up_to_date(&claim, &s, &pod),
            "{deleted}/{scaled}"
        );
    }
}

#[test]
fn stale_owner_refs_are_left_alone() {
    // A reference to a previous pod of the same name (other UID) is stale: up to date.
    let s = with_policy("Retain", "Delete", 1);
    let mut pod = new_pod(&s, 1);
    pod.metadata.uid = Some("new".into());
    let mut old = pod.clone();
    old.metadata.uid = Some("old".into());
    let mut claim = ObjectMeta::default();
    update_claim_owner_refs(&mut claim, &s, &old);
    assert!(has_stale_owner_ref(&claim, &pod.metadata, "v1", "Pod"));
    assert!(claim_owner_up_to_date(&claim, &s, &pod));
}
