//! Pod and pod-spec defaulting: `SetDefaults_Pod`, `SetDefaults_PodSpec` and every nested
//! defaulter `zz_generated.defaults.go` calls for a pod spec (containers, ports, probes,
//! lifecycle hooks, env field references, volumes), plus the pod strategy's
//! `PrepareForCreate`. Template-bearing kinds reuse [`default_pod_template`], which, like
//! upstream, skips the Pod-only defaults (`enableServiceLinks`, requests from limits).

use super::super::{set_nonzero, set_str};
use super::image::pull_policy_for;
use super::{default_pvc_spec, qos};
use k8s_openapi::api::core::v1::{
    AzureDiskVolumeSource, Container, EphemeralContainer, HTTPGetAction, Lifecycle,
    ObjectFieldSelector, Pod, PodCondition, PodSpec, PodStatus, PodTemplateSpec, Probe, Volume,
};

/// Mode 0644, the default `defaultMode` of secret, configMap, downwardAPI and projected
/// volumes (`SecretVolumeSourceDefaultMode` and friends).
const DEFAULT_FILE_MODE: i32 = 0o644;

/// `SetObjectDefaults_Pod`: the Pod-only defaults of `SetDefaults_Pod`, then
/// [`default_pod_spec`].
pub(in super::super) fn default_pod(pod: &mut Pod) {
    let spec = pod.spec.get_or_insert_with(Default::default);
    // SetDefaults_Pod: a container with limits but no request for a resource requests
    // exactly its limit (containers and init containers, not ephemeral ones).
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        let Some(resources) = c.resources.as_mut() else {
            continue;
        };
        let Some(limits) = resources.limits.as_ref().filter(|l| !l.is_empty()) else {
            continue;
        };
        let requests = resources.requests.get_or_insert_with(Default::default);
        for (name, value) in limits {
            requests
                .entry(name.clone())
                .or_insert_with(|| value.clone());
        }
    }
    spec.enable_service_links.get_or_insert(true);
    // SetDefaults_Pod: with host networking every container port is also a host port.
    if spec.host_network == Some(true) {
        for c in spec
            .containers
            .iter_mut()
            .chain(spec.init_containers.iter_mut().flatten())
        {
            for port in c.ports.iter_mut().flatten() {
                set_nonzero(&mut port.host_port, port.container_port);
            }
        }
    }
    default_pod_spec(spec);
}

/// `SetDefaults_PodSpec` plus the nested defaulters of a pod spec, exactly what every
/// template-bearing kind (Deployment, ReplicaSet, DaemonSet, StatefulSet, Job, CronJob)
/// gets for its template: `dnsPolicy: ClusterFirst`, `restartPolicy: Always`,
/// `securityContext: {}`, `terminationGracePeriodSeconds: 30`,
/// `schedulerName: default-scheduler`, then volumes and containers.
pub fn default_pod_spec(spec: &mut PodSpec) {
    set_str(&mut spec.dns_policy, "ClusterFirst");
    set_str(&mut spec.restart_policy, "Always");
    spec.security_context.get_or_insert_with(Default::default);
    spec.termination_grace_period_seconds.get_or_insert(30);
    set_str(&mut spec.scheduler_name, "default-scheduler");
    // Not a defaulter but the v1 conversion every read goes through: the deprecated
    // `serviceAccount` fills an empty `serviceAccountName`, then mirrors it.
    if spec
        .service_account_name
        .as_deref()
        .is_none_or(str::is_empty)
    {
        spec.service_account_name = spec.service_account.clone().filter(|s| !s.is_empty());
    }
    spec.service_account = spec.service_account_name.clone();
    for v in spec.volumes.iter_mut().flatten() {
        default_volume(v);
    }
    for c in spec.init_containers.iter_mut().flatten() {
        default_container(c);
    }
    for c in spec.containers.iter_mut() {
        default_container(c);
    }
    for c in spec.ephemeral_containers.iter_mut().flatten() {
        default_ephemeral_container(c);
    }
}

/// Defaults a pod template as the apps and batch defaulters do: the spec gets
/// [`default_pod_spec`]. `metadata` and `spec` are Go structs that are not pointers, so
/// v1.32 always prints them; they are materialised here.
pub fn default_pod_template(template: &mut PodTemplateSpec) {
    template.metadata.get_or_insert_with(Default::default);
    default_pod_spec(template.spec.get_or_insert_with(Default::default));
}

/// Fills the container defaults shared by `Container` and `EphemeralContainer`, which
/// `k8s-openapi` models as two structs with the same field names.
macro_rules! container_defaults {
    ($c:expr) => {{
        let c = $c;
        // SetDefaults_Container.
        set_str(
            &mut c.image_pull_policy,
            pull_policy_for(c.image.as_deref().unwrap_or("")),
        );
        set_str(&mut c.termination_message_path, "/dev/termination-log");
        set_str(&mut c.termination_message_policy, "File");
        // Generated: ports get `protocol: TCP`, env field references `apiVersion: v1`.
        for port in c.ports.iter_mut().flatten() {
            set_str(&mut port.protocol, "TCP");
        }
        for env in c.env.iter_mut().flatten() {
            if let Some(field_ref) = env.value_from.as_mut().and_then(|v| v.field_ref.as_mut()) {
                default_field_ref(field_ref);
            }
        }
        // `resources` is a Go struct, not a pointer: v1.32 prints `resources: {}`.
        c.resources.get_or_insert_with(Default::default);
        for probe in [
            &mut c.liveness_probe,
            &mut c.readiness_probe,
            &mut c.startup_probe,
        ] {
            if let Some(p) = probe.as_mut() {
                default_probe(p);
            }
        }
        if let Some(lifecycle) = c.lifecycle.as_mut() {
            default_lifecycle(lifecycle);
        }
    }};
}

/// `SetDefaults_Container` and the generated defaults of its ports, env, probes and
/// lifecycle hooks: `imagePullPolicy` (`Always` for a `:latest` or untagged image, else
/// `IfNotPresent`), `terminationMessagePath: /dev/termination-log`,
/// `terminationMessagePolicy: File`, `resources: {}`, port `protocol: TCP`.
pub fn default_container(c: &mut Container) {
    container_defaults!(c);
}

/// `SetDefaults_EphemeralContainer`: the same as [`default_container`].
fn default_ephemeral_container(c: &mut EphemeralContainer) {
    container_defaults!(c);
}

/// `SetDefaults_Probe` (timeout 1s, period 10s, success 1, failure 3), plus the HTTP and
/// gRPC handler defaults (gRPC `service` is declared `+default=""`).
fn default_probe(p: &mut Probe) {
    set_nonzero(&mut p.timeout_seconds, 1);
    set_nonzero(&mut p.period_seconds, 10);
    set_nonzero(&mut p.success_threshold, 1);
    set_nonzero(&mut p.failure_threshold, 3);
    if let Some(get) = p.http_get.as_mut() {
        default_http_get(get);
    }
    if let Some(grpc) = p.grpc.as_mut() {
        grpc.service.get_or_insert_with(String::new);
    }
}

/// The generated defaults of `postStart`/`preStop` handlers: only HTTP gets have any.
fn default_lifecycle(l: &mut Lifecycle) {
    for handler in [&mut l.post_start, &mut l.pre_stop].into_iter().flatten() {
        if let Some(get) = handler.http_get.as_mut() {
            default_http_get(get);
        }
    }
}

/// `SetDefaults_HTTPGetAction`: `path: /`, `scheme: HTTP`.
fn default_http_get(get: &mut HTTPGetAction) {
    set_str(&mut get.path, "/");
    set_str(&mut get.scheme, "HTTP");
}

/// `SetDefaults_ObjectFieldSelector`: `apiVersion: v1`.
fn default_field_ref(f: &mut ObjectFieldSelector) {
    set_str(&mut f.api_version, "v1");
}

/// `SetDefaults_Volume` (a volume with no source is an `emptyDir: {}`) and the source
/// defaulters the generated code calls for each volume source.
fn default_volume(v: &mut Volume) {
    // Destructuring keeps this exhaustive: a new source in k8s-openapi fails to compile.
    let Volume {
        name: _,
        aws_elastic_block_store,
        azure_disk,
        azure_file,
        cephfs,
        cinder,
        config_map,
        csi,
        downward_api,
        empty_dir,
        ephemeral,
        fc,
        flex_volume,
        flocker,
        gce_persistent_disk,
        git_repo,
        glusterfs,
        host_path,
        image,
        iscsi,
        nfs,
        persistent_volume_claim,
        photon_persistent_disk,
        portworx_volume,
        projected,
        quobyte,
        rbd,
        scale_io,
        secret,
        storageos,
        vsphere_volume,
    } = v;
    let has_source = aws_elastic_block_store.is_some()
        || azure_disk.is_some()
        || azure_file.is_some()
        || cephfs.is_some()
        || cinder.is_some()
        || config_map.is_some()
        || csi.is_some()
        || downward_api.is_some()
        || empty_dir.is_some()
        || ephemeral.is_some()
        || fc.is_some()
        || flex_volume.is_some()
        || flocker.is_some()
        || gce_persistent_disk.is_some()
        || git_repo.is_some()
        || glusterfs.is_some()
        || host_path.is_some()
        || image.is_some()
        || iscsi.is_some()
        || nfs.is_some()
        || persistent_volume_claim.is_some()
        || photon_persistent_disk.is_some()
        || portworx_volume.is_some()
        || projected.is_some()
        || quobyte.is_some()
        || rbd.is_some()
        || scale_io.is_some()
        || secret.is_some()
        || storageos.is_some()
        || vsphere_volume.is_some();
    if !has_source {
        *empty_dir = Some(Default::default());
    }
    // SetDefaults_HostPathVolumeSource: `type: ""` (HostPathUnset) is printed.
    if let Some(hp) = host_path.as_mut() {
        hp.type_.get_or_insert_with(String::new);
    }
    if let Some(s) = secret.as_mut() {
        s.default_mode.get_or_insert(DEFAULT_FILE_MODE);
    }
    if let Some(cm) = config_map.as_mut() {
        cm.default_mode.get_or_insert(DEFAULT_FILE_MODE);
    }
    if let Some(d) = downward_api.as_mut() {
        d.default_mode.get_or_insert(DEFAULT_FILE_MODE);
        for item in d.items.iter_mut().flatten() {
            if let Some(f) = item.field_ref.as_mut() {
                default_field_ref(f);
            }
        }
    }
    if let Some(p) = projected.as_mut() {
        p.default_mode.get_or_insert(DEFAULT_FILE_MODE);
        for source in p.sources.iter_mut().flatten() {
            for item in source
                .downward_api
                .iter_mut()
                .flat_map(|d| d.items.iter_mut().flatten())
            {
                if let Some(f) = item.field_ref.as_mut() {
                    default_field_ref(f);
                }
            }
            // SetDefaults_ServiceAccountTokenProjection: one hour.
            if let Some(token) = source.service_account_token.as_mut() {
                token.expiration_seconds.get_or_insert(3600);
            }
        }
    }
    if let Some(claim) = ephemeral
        .as_mut()
        .and_then(|e| e.volume_claim_template.as_mut())
    {
        default_pvc_spec(&mut claim.spec);
    }
    if let Some(i) = iscsi.as_mut() {
        set_str(&mut i.iscsi_interface, "default");
    }
    if let Some(r) = rbd.as_mut() {
        set_str(&mut r.pool, "rbd");
        set_str(&mut r.user, "admin");
        set_str(&mut r.keyring, "/etc/ceph/keyring");
    }
    if let Some(disk) = azure_disk.as_mut() {
        default_azure_disk(disk);
    }
    if let Some(s) = scale_io.as_mut() {
        set_str(&mut s.storage_mode, "ThinProvisioned");
        set_str(&mut s.fs_type, "xfs");
    }
}

/// `SetDefaults_AzureDiskVolumeSource`: caching `ReadWrite`, kind `Shared`, `ext4`,
/// not read-only.
pub(in super::super) fn default_azure_disk(disk: &mut AzureDiskVolumeSource) {
    disk.caching_mode.get_or_insert_with(|| "ReadWrite".into());
    disk.kind.get_or_insert_with(|| "Shared".into());
    disk.fs_type.get_or_insert_with(|| "ext4".into());
    disk.read_only.get_or_insert(false);
}

/// The pod strategy's `PrepareForCreate`: status is reset to `phase: Pending` with the
/// QoS class (a `qosClass` the client sent is kept, as `qos.GetPodQOS` does), and a pod
/// with scheduling gates gets the `PodScheduled=False` / `SchedulingGated` condition.
pub(in super::super) fn prepare_pod(pod: &mut Pod) {
    let sent_qos = pod
        .status
        .as_ref()
        .and_then(|s| s.qos_class.clone())
        .filter(|q| !q.is_empty());
    let spec = pod.spec.get_or_insert_with(Default::default);
    let qos_class = sent_qos.unwrap_or_else(|| qos::pod_qos_class(spec).to_string());
    let mut status = PodStatus {
        phase: Some("Pending".into()),
        qos_class: Some(qos_class),
        ..Default::default()
    };
    if spec
        .scheduling_gates
        .as_ref()
        .is_some_and(|g| !g.is_empty())
    {
        status.conditions = Some(vec![PodCondition {
            type_: "PodScheduled".into(),
            status: "False".into(),
            reason: Some("SchedulingGated".into()),
            message: Some("Scheduling is blocked due to non-empty scheduling gates".into()),
            ..Default::default()
        }]);
    }
    pod.status = Some(status);
}
