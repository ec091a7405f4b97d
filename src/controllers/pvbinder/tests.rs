//! Tests of the binder, the provisioner and the protection finalizers through a `Cluster`.

use super::*;
use crate::controllers::history::testkit::*;
use crate::Cluster;

fn claim(c: &mut Cluster, name: &str, extra: &str) {
    let out = c.run_script(&format!(
        "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n{extra}  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\nEOF"
    ));
    assert_eq!(out.exit_code, 0, "{out:?}");
}

fn pvc(c: &Cluster, name: &str) -> PersistentVolumeClaim {
    match get(c, Kind::PersistentVolumeClaim, "default", name) {
        Object::PersistentVolumeClaim(p) => p,
        _ => unreachable!(),
    }
}

#[test]
fn a_claim_without_class_gets_standard_and_a_provisioned_volume() {
    let mut c = Cluster::builder().build();
    claim(&mut c, "data", "");
    let p = pvc(&c, "data");
    let uid = p.metadata.uid.clone().unwrap();
    let spec = p.spec.clone().unwrap();
    assert_eq!(spec.storage_class_name.as_deref(), Some("standard"));
    assert_eq!(spec.volume_name, Some(format!("pvc-{uid}")));
    let st = p.status.clone().unwrap();
    assert_eq!(st.phase.as_deref(), Some("Bound"));
    assert_eq!(st.capacity.unwrap()["storage"].0, "1Gi");
    let ann = p.metadata.annotations.clone().unwrap();
    assert_eq!(ann["pv.kubernetes.io/bind-completed"], "yes");
    assert_eq!(ann["volume.kubernetes.io/storage-provisioner"], PROVISIONER);
    let Object::PersistentVolume(pv) = get(&c, Kind::PersistentVolume, "", &format!("pvc-{uid}"))
    else {
        unreachable!()
    };
    let vs = pv.spec.clone().unwrap();
    assert_eq!(vs.claim_ref.unwrap().name.as_deref(), Some("data"));
    assert_eq!(
        vs.persistent_volume_reclaim_policy.as_deref(),
        Some("Delete")
    );
    assert_eq!(pv.status.unwrap().phase.as_deref(), Some("Bound"));
    let out = c.run_script("kubectl get pvc data");
    assert!(out.stdout.contains("Bound    pvc-"), "{}", out.stdout);
    assert!(
        out.stdout.contains("1Gi        RWO            standard"),
        "{}",
        out.stdout
    );
}

#[test]
fn deleting_the_claim_deletes_its_dynamic_volume() {
    let mut c = Cluster::builder().build();
    claim(&mut c, "data", "");
    assert_eq!(c.api.count(Kind::PersistentVolume), 1);
    assert_eq!(c.run_script("kubectl delete pvc data").exit_code, 0);
    assert!(c
        .api
        .try_get(Kind::PersistentVolumeClaim, "default", "data")
        .is_none());
    assert_eq!(c.api.count(Kind::PersistentVolume), 0);
}

#[test]
fn a_claim_in_use_by_a_scheduled_pod_stays_terminating() {
    let mut c = Cluster::builder().build();
    add_node(&mut c, "worker01", false);
    claim(&mut c, "data", "");
    let out = c.run_script("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Pod\nmetadata:\n  name: user\nspec:\n  nodeName: worker01\n  containers:\n  - name: c\n    image: busybox\n  volumes:\n  - name: d\n    persistentVolumeClaim:\n      claimName: data\nEOF");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        c.run_script("kubectl delete pvc data --wait=false")
            .exit_code,
        0
    );
    assert!(pvc(&c, "data").metadata.deletion_timestamp.is_some());
    let gone = c.run_script("kubectl delete pod user --grace-period=0 --force");
    assert_eq!(gone.exit_code, 0, "{gone:?}");
    assert!(wait_until(&mut c, 60, |c| c
        .api
        .try_get(Kind::PersistentVolumeClaim, "default", "data")
        .is_none()));
}

#[test]
fn static_volumes_bind_smallest_fit_and_unknown_classes_wait() {
    let mut c = Cluster::builder().build();
    for (name, size) in [("big", "10Gi"), ("small", "2Gi"), ("tiny", "500Mi")] {
        let out = c.run_script(&format!("cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: {name}\nspec:\n  storageClassName: manual\n  accessModes: [ReadWriteOnce]\n  capacity:\n    storage: {size}\n  hostPath:\n    path: /data/{name}\nEOF"));
        assert_eq!(out.exit_code, 0, "{out:?}");
    }
    claim(&mut c, "data", "  storageClassName: manual\n");
    assert_eq!(
        pvc(&c, "data").spec.unwrap().volume_name.as_deref(),
        Some("small")
    );
    claim(&mut c, "fast", "  storageClassName: fast\n");
    assert_eq!(
        pvc(&c, "fast").status.unwrap().phase.as_deref(),
        Some("Pending")
    );
    let events = event_messages(&c, "default", "fast");
    assert_eq!(
        events,
        ["ProvisioningFailed storageclass.storage.k8s.io \"fast\" not found"]
    );
}
