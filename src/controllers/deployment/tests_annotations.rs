//! Unit tests of the annotation, template and revision helpers, restating upstream's
//! `deployment_util_test.go` (v1.32) `TestAnnotationUtils`,
//! `TestReplicasAnnotationsNeedUpdate`, `TestEqualIgnoreHash`, `TestFindNewReplicaSet` and
//! `TestFindOldReplicaSets`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{ObjectMeta, Time};

use super::find::{find_new_replica_set, find_old_replica_sets};
use super::tests::{new_deployment, template};
use super::tests_util::rs_of_size;
use super::util::*;
use crate::sim::SimTime;

#[test]
fn annotation_utils() {
    // TestAnnotationUtils: revisions 11..20 with a 5-character history limit keep the
    // last two old revisions; then the replicas annotations; then IsSaturated.
    let mut d = new_deployment(1, None, None, None);
    d.metadata
        .annotations
        .get_or_insert_with(BTreeMap::new)
        .insert(REVISION_ANNOTATION.into(), "1".into());
    let mut rs = rs_of_size("rs", 0);
    for i in 10..20 {
        let next = (i + 1).to_string();
        set_new_replica_set_annotations(&d, &mut rs, &next, true, 5);
        let a = rs.metadata.annotations.as_ref().unwrap();
        if i >= 12 {
            assert_eq!(a[REVISION_HISTORY_ANNOTATION], format!("{},{}", i - 1, i));
        }
        assert_eq!(a[REVISION_ANNOTATION], next);
    }
    assert!(set_replicas_annotations(&mut rs, 10, 11));
    let a = rs.metadata.annotations.as_ref().unwrap();
    assert_eq!(a[DESIRED_REPLICAS_ANNOTATION], "10");
    assert_eq!(a[MAX_REPLICAS_ANNOTATION], "11");
    rs.metadata
        .annotations
        .as_mut()
        .unwrap()
        .insert(DESIRED_REPLICAS_ANNOTATION.into(), "1".into());
    set_rs_replicas(&mut rs, 1);
    rs.status = Some(k8s_openapi::api::apps::v1::ReplicaSetStatus {
        available_replicas: Some(1),
        ..Default::default()
    });
    assert!(super::replicas::is_saturated(&d, Some(&rs)));
}

#[test]
fn replicas_annotations_need_update_table() {
    // TestReplicasAnnotationsNeedUpdate, for desired 10 and max 20.
    let with = |a: Option<(&str, &str)>| {
        let mut rs = rs_of_size("hello", 0);
        if let Some((desired, max)) = a {
            rs.metadata.annotations = Some(BTreeMap::from([
                (DESIRED_REPLICAS_ANNOTATION.to_string(), desired.to_string()),
                (MAX_REPLICAS_ANNOTATION.to_string(), max.to_string()),
            ]));
        }
        rs
    };
    assert!(replicas_annotations_need_update(&with(None), 10, 20));
    assert!(replicas_annotations_need_update(
        &with(Some(("8", "20"))),
        10,
        20
    ));
    assert!(replicas_annotations_need_update(
        &with(Some(("10", "16"))),
        10,
        20
    ));
    assert!(!replicas_annotations_need_update(
        &with(Some(("10", "20"))),
        10,
        20
    ));
}

fn tmpl(
    name: &str,
    node: &str,
    annotations: &[(&str, &str)],
    labels: &[(&str, &str)],
) -> PodTemplateSpec {
    let map = |kv: &[(&str, &str)]| {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            name: Some(name.into()),
            annotations: Some(map(annotations)),
            labels: Some(map(labels)),
            ..Default::default()
        }),
        spec: Some(k8s_openapi::api::core::v1::PodSpec {
            node_name: Some(node.into()),
            ..Default::default()
        }),
    }
}

#[test]
fn equal_ignore_hash_table() {
    // TestEqualIgnoreHash, each case in both orders.
    const H: &str = "pod-template-hash";
    let cases = [
        (
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-1"), ("something", "else")],
            ),
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-1"), ("something", "else")],
            ),
            true,
        ),
        (
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-1"), ("something", "else")],
            ),
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-2"), ("something", "else")],
            ),
            true,
        ),
        (
            tmpl("foo", "foo-node", &[], &[("something", "else")]),
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-2"), ("something", "else")],
            ),
            true,
        ),
        (
            tmpl("foo", "foo-node", &[], &[(H, "value-1")]),
            tmpl(
                "foo",
                "foo-node",
                &[],
                &[(H, "value-1"), ("something", "else")],
            ),
            false,
        ),
        (
            tmpl(
                "foo",
                "foo-node",
                &[("former", "value")],
                &[(H, "value-1"), ("something", "else")],
            ),
            tmpl(
                "foo",
                "foo-node",
                &[("latter", "value")],
                &[(H, "value-1"), ("something", "else")],
            ),
            false,
        ),
        (
            tmpl(
                "foo-1",
                "foo-node",
                &[],
                &[(H, "value-1"), ("something", "else")],
            ),
            tmpl(
                "foo-2",
                "foo-node",
                &[],
                &[(H, "value-2"), ("something", "else")],
            ),
            false,
        ),
        (
            tmpl("foo-1", "foo-node-1", &[], &[("something", "else")]),
            tmpl(
                "foo-2",
                "foo-node-2",
                &[],
                &[(H, "value-2"), ("something", "else")],
            ),
            false,
        ),
        (
            tmpl("foo", "foo-node-1", &[], &[("something", "else")]),
            tmpl("foo", "foo-node-2", &[], &[("nothing", "else")]),
            false,
        ),
    ];
    for (i, (a, b, expected)) in cases.iter().enumerate() {
        assert_eq!(equal_ignore_hash(a, b), *expected, "case {i}");
        assert_eq!(equal_ignore_hash(b, a), *expected, "case {i} reversed");
    }
}

#[test]
fn find_new_and_old_replica_sets() {
    // TestFindNewReplicaSet / TestFindOldReplicaSets: the oldest ReplicaSet with the
    // Deployment's template (hash label ignored) is the new one; the rest are old.
    let d = new_deployment(1, None, None, None);
    let labels = BTreeMap::from([("foo".to_string(), "bar".to_string())]);
    let mk = |name: &str, secs: i64, image: &str, hash: &str| {
        let mut t = template(labels.clone(), image);
        t.metadata
            .as_mut()
            .unwrap()
            .labels
            .as_mut()
            .unwrap()
            .insert("pod-template-hash".into(), hash.into());
        let mut rs = rs_of_size(name, 1);
        rs.metadata.creation_timestamp = Some(Time(SimTime::START.plus_secs(secs).to_datetime()));
        rs.spec.as_mut().unwrap().template = Some(t);
        rs
    };
    let new_rs = mk("new", 60, "foo/bar", "hash");
    let dup = mk("dup", 0, "foo/bar", "different-hash");
    let old = mk("old", 0, "nginx-old-1", "x");
    assert_eq!(
        find_new_replica_set(&d, &[new_rs.clone(), old.clone()])
            .unwrap()
            .metadata
            .name
            .unwrap(),
        "new"
    );
    assert_eq!(
        find_new_replica_set(&d, &[new_rs.clone(), old.clone(), dup.clone()])
            .unwrap()
            .metadata
            .name
            .unwrap(),
        "dup"
    );
    assert!(find_new_replica_set(&d, std::slice::from_ref(&old)).is_none());
    let olds = find_old_replica_sets(&d, &[new_rs, old, dup]);
    let names: Vec<_> = olds
        .iter()
        .map(|r| r.metadata.name.clone().unwrap())
        .collect();
    assert_eq!(names, vec!["new", "old"]);
}

#[test]
fn revisions() {
    // MaxRevision / LastRevision: the highest, and the one before it; unparsable skipped.
    let with = |v: &str| {
        let mut rs = rs_of_size("r", 0);
        rs.metadata.annotations = Some(BTreeMap::from([(
            REVISION_ANNOTATION.to_string(),
            v.to_string(),
        )]));
        rs
    };
    let rss = [with("1"), with("3"), with("2"), with("x")];
    assert_eq!(max_revision(&rss), 3);
    assert_eq!(last_revision(&rss), 2);
    assert_eq!(last_revision(&[with("3"), with("3")]), 3);
    assert_eq!(max_revision(&[]), 0);
}
