//! Golden tests of the PersistentVolume and PersistentVolumeClaim describers (upstream
//! v1.32 `describePersistentVolume`, `describePersistentVolumeClaim`,
//! `printVolumeNodeAffinity`, `getPodsForPVC`), and of a generic ephemeral volume's
//! claim template inside a pod.

use serde_json::json;

use super::{assert_text, Harness};
use crate::model::Kind;

/// A bound hostPath volume and a local volume pinned to a node, upstream
/// `TestPersistentVolumeDescriber`'s `hostpath` and `local` cases restated.
#[test]
fn upstream_describe_persistent_volumes() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "pv-data", "labels": {"type": "local"}},
        "spec": {"storageClassName": "manual", "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteOnce"],
                 "hostPath": {"path": "/mnt/data", "type": "DirectoryOrCreate"},
                 "claimRef": {"namespace": "default", "name": "data"}}
    }));
    h.set_status(
        Kind::PersistentVolume,
        "",
        "pv-data",
        json!({"phase": "Bound"}),
    );
    h.create(json!({
        "apiVersion": "v1", "kind": "PersistentVolume",
        "metadata": {"name": "local-pv"},
        "spec": {"storageClassName": "local-storage", "capacity": {"storage": "5Gi"}, "accessModes": ["ReadWriteOnce", "ReadOnlyMany"],
                 "persistentVolumeReclaimPolicy": "Delete", "volumeMode": "Filesystem",
                 "local": {"path": "/mnt/disks/ssd1"},
                 "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
                     {"key": "kubernetes.io/hostname", "operator": "In", "values": ["worker01", "worker02"]},
                     {"key": "disk", "operator": "Exists"}
                 ]}]}}}
    }));
    h.set_status(
        Kind::PersistentVolume,
        "",
        "local-pv",
        json!({"phase": "Available"}),
    );
    h.event(
        Kind::PersistentVolume,
        "",
        "local-pv",
        false,
        "Provisioned",
        "Volume provisioned",
        "local-provisioner",
        None,
    );
    h.advance(20);
    assert_text(
        &h.describe("pv pv-data"),
        "\
Name:            pv-data
Labels:          type=local
Annotations:     <none>
Finalizers:      [kubernetes.io/pv-protection]
StorageClass:    manual
Status:          Bound
Claim:           default/data
Reclaim Policy:  Retain
Access Modes:    RWO
VolumeMode:      Filesystem
Capacity:        10Gi
Node Affinity:   <none>
Message:         
Source:
    Type:          HostPath (bare host directory volume)
    Path:          /mnt/data
    HostPathType:  DirectoryOrCreate
Events:            <none>
",
    );
    assert_text(
        &h.describe("pv local-pv"),
        "\
Name:              local-pv
Labels:            <none>
Annotations:       <none>
Finalizers:        [kubernetes.io/pv-protection]
StorageClass:      local-storage
Status:            Available
Claim:             
Reclaim Policy:    Delete
Access Modes:      RWO,ROX
VolumeMode:        Filesystem
Capacity:          5Gi
Node Affinity:     
  Required Terms:  
    Term 0:        kubernetes.io/hostname in [worker01, worker02]
                   disk exists
Message:           
Source:
    Type:  LocalVolume (a persistent volume backed by local storage on a node)
    Path:  /mnt/disks/ssd1
Events:
  Type    Reason       Age   From               Message
  ----    ------       ----  ----               -------
  Normal  Provisioned  20s   local-provisioner  Volume provisioned
",
    );
}

/// A bound claim used by a pod, with a resize condition; and a pending claim that
/// nothing uses (no volume, so no capacity or access modes).
#[test]
fn describe_persistent_volume_claims() {
    let mut h = Harness::new();
    h.create(json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "default"},
        "spec": {"storageClassName": "manual", "accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "3Gi"}},
                 "volumeName": "pv-data"}
    }));
    h.set_status(Kind::PersistentVolumeClaim, "default", "data", json!({
        "phase": "Bound", "accessModes": ["ReadWriteOnce"], "capacity": {"storage": "10Gi"},
        "conditions": [{"type": "Resizing", "status": "True", "lastProbeTime": null, "lastTransitionTime": "2025-01-01T00:00:03Z"}]
    }));
    h.create(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "task-pv-pod", "namespace": "default"},
        "spec": {"containers": [{"name": "task-pv-container", "image": "nginx",
                                 "volumeMounts": [{"name": "task-pv-storage", "mountPath": "/usr/share/nginx/html"}]}],
                 "volumes": [{"name": "task-pv-storage", "persistentVolumeClaim": {"claimName": "data"}},
                             {"name": "scratch", "ephemeral": {"volumeClaimTemplate": {
                                 "metadata": {"labels": {"type": "scratch"}},
                                 "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "scratch-storage-class",
                                          "resources": {"requests": {"storage": "1Gi"}}}}}}]}
    }));
    h.create(json!({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "waiting", "namespace": "default"},
        "spec": {"accessModes": ["ReadWriteMany"], "resources": {"requests": {"storage": "1Gi"}}, "volumeMode": "Block"}
    }));
    h.set_status(
        Kind::PersistentVolumeClaim,
        "default",
        "waiting",
        json!({"phase": "Pending"}),
    );
    h.event(
        Kind::PersistentVolumeClaim,
        "default",
        "waiting",
        false,
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
        "persistentvolume-controller",
        None,
    );
    h.advance(60);
    h.event(
        Kind::PersistentVolumeClaim,
        "default",
        "waiting",
        false,
        "FailedBinding",
        "no persistent volumes available for this claim and no storage class is set",
        "persistentvolume-controller",
        None,
    );
    h.advance(15);
    assert_text(&h.describe("pvc"), "\
Name:          data
Namespace:     default
StorageClass:  manual
Status:        Bound
Volume:        pv-data
Labels:        <none>
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      10Gi
Access Modes:  RWO
VolumeMode:    Filesystem
Used By:       task-pv-pod
Conditions:
  Type       Status  LastProbeTime                     LastTransitionTime                Reason  Message
  ----       ------  -----------------                 ------------------                ------  -------
  Resizing   True    Mon, 01 Jan 0001 00:00:00 +0000   Wed, 01 Jan 2025 00:00:03 +0000           
Events:      <none>


Name:          waiting
Namespace:     default
StorageClass:  
Status:        Pending
Volume:        
Labels:        <none>
Annotations:   <none>
Finalizers:    [kubernetes.io/pvc-protection]
Capacity:      
Access Modes:  
VolumeMode:    Block
Used By:       <none>
Events:
  Type    Reason         Age                From                         Message
  ----    ------         ----               ----                         -------
  Normal  FailedBinding  15s (x2 over 75s)  persistentvolume-controller  no persistent volumes available for this claim and no storage class is set
");
    let pod = h.describe("pod task-pv-pod");
    let volumes = &pod[pod.find("Volumes:").unwrap_or(0)..pod.find("QoS Class:").unwrap_or(0)];
    assert_text(volumes, "\
Volumes:
  task-pv-storage:
    Type:       PersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)
    ClaimName:  data
    ReadOnly:   false
  scratch:
    Type:          EphemeralVolume (an inline specification for a volume that gets created and deleted with the pod)
    StorageClass:  scratch-storage-class
    Volume:        
    Labels:            type=scratch
    Annotations:       <none>
    Capacity:      
    Access Modes:  
    VolumeMode:    Filesystem
  kube-api-access-pfzk7:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
");
}
