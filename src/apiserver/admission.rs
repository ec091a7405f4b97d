//! Admission plugins that v1.32 enables by default and that a user can observe:
//! NamespaceLifecycle (no content in a missing or terminating namespace) and
//! ServiceAccount (the `default` service account and its token volume) live here;
//! DefaultTolerationSeconds, Priority, the node not-ready taint and storage-object-in-use
//! protection are in `defaults::admission`.

use k8s_openapi::api::core::v1::{
    ConfigMapProjection, DownwardAPIProjection, DownwardAPIVolumeFile, KeyToPath,
    ObjectFieldSelector, Pod, ProjectedVolumeSource, ServiceAccountTokenProjection, Volume,
    VolumeMount, VolumeProjection,
};

use crate::apiserver::requests::Ctx;
use crate::apiserver::{defaults, ApiError, ApiServer};
use crate::model::{Kind, Object};

/// Where the ServiceAccount admission plugin mounts the token.
const TOKEN_MOUNT_PATH: &str = "/var/run/secrets/kubernetes.io/serviceaccount";

/// Runs the mutating and validating admission plugins on a create.
pub(crate) fn admit_create(
    api: &ApiServer,
    ctx: &mut Ctx,
    obj: &mut Object,
) -> Result<(), ApiError> {
    namespace_lifecycle(api, obj)?;
    match obj {
        Object::Pod(pod) => {
            service_account(api, ctx, pod)?;
            defaults::default_toleration_seconds(pod);
            defaults::admit_priority(pod)?;
        }
        Object::Node(node) => defaults::add_not_ready_taint(node),
        Object::PersistentVolumeClaim(_) | Object::PersistentVolume(_) => {
            defaults::add_storage_protection_finalizer(obj)
        }
        _ => {}
    }
    Ok(())
}

/// NamespaceLifecycle: a namespaced object needs an existing namespace that is not being
/// terminated.
fn namespace_lifecycle(api: &ApiServer, obj: &Object) -> Result<(), ApiError> {
    let info = obj.kind().info();
    if !info.namespaced {
        return Ok(());
    }
    let ns = obj.namespace();
    let Some(namespace) = api.try_get(Kind::Namespace, "", ns) else {
        return Err(ApiError::NotFound {
            resource: "namespaces".to_string(),
            name: ns.to_string(),
        });
    };
    let terminating = match &*namespace {
        Object::Namespace(n) => {
            n.status.as_ref().and_then(|s| s.phase.as_deref()) == Some("Terminating")
        }
        _ => false,
    };
    // Events about the namespace's own teardown are still allowed, as upstream does.
    if terminating && obj.kind() != Kind::Event {
        let meta = obj.meta();
        let name = meta
            .name
            .clone()
            .filter(|n| !n.is_empty())
            .or_else(|| meta.generate_name.clone())
            .unwrap_or_default();
        return Err(ApiError::Forbidden {
            message: format!(
                "{} \"{}\" is forbidden: unable to create new content in namespace {} because it is being terminated",
                info.qualified_plural(),
                name,
                ns
            ),
        });
    }
    Ok(())
}

/// ServiceAccount: defaults `serviceAccountName` to `default`, requires the account to
/// exist, and mounts the projected `kube-api-access-<suffix>` token volume into every
/// container unless automounting is off. Mirror (static) pods are left alone.
fn service_account(api: &ApiServer, ctx: &mut Ctx, pod: &mut Pod) -> Result<(), ApiError> {
    let mirror = pod
        .metadata
        .annotations
        .as_ref()
        .is_some_and(|a| a.contains_key("kubernetes.io/config.mirror"));
    let Some(spec) = pod.spec.as_mut() else {
        return Ok(());
    };
    if mirror {
        return Ok(());
    }
    let sa_name = spec
        .service_account_name
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "default".to_string());
    spec.service_account_name = Some(sa_name.clone());
    spec.service_account = Some(sa_name.clone());
    let ns = pod.metadata.namespace.clone().unwrap_or_default();
    // Before name generation the request names only its prefix, as upstream's errors show.
    let name = pod
        .metadata
        .name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| pod.metadata.generate_name.clone())
        .unwrap_or_default();
    let Some(sa) = api.try_get(Kind::ServiceAccount, &ns, &sa_name) else {
        return Err(ApiError::Forbidden {
            message: format!(
                "pods \"{name}\" is forbidden: error looking up service account {ns}/{sa_name}: serviceaccount \"{sa_name}\" not found"
            ),
        });
    };
    let sa_automount = match &*sa {
        Object::ServiceAccount(s) => s.automount_service_account_token,
        _ => None,
    };
    let automount = spec
        .automount_service_account_token
        .or(sa_automount)
        .unwrap_or(true);
    if !automount {
        return Ok(());
    }
    let all = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten());
    let already = all
        .flat_map(|c| c.volume_mounts.iter().flatten())
        .any(|m| m.mount_path == TOKEN_MOUNT_PATH);
    if already {
        return Ok(());
    }
    let volume_name = format!("kube-api-access-{}", ctx.rng.suffix(5));
    spec.volumes
        .get_or_insert_with(Vec::new)
        .push(token_volume(&volume_name));
    let mount = VolumeMount {
        name: volume_name,
        mount_path: TOKEN_MOUNT_PATH.to_string(),
        read_only: Some(true),
        ..Default::default()
    };
    for c in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut().flatten())
    {
        c.volume_mounts
            .get_or_insert_with(Vec::new)
            .push(mount.clone());
    }
    Ok(())
}

/// The projected token volume exactly as v1.32's ServiceAccount plugin writes it.
fn token_volume(name: &str) -> Volume {
    Volume {
        name: name.to_string(),
        projected: Some(ProjectedVolumeSource {
            default_mode: Some(420),
            sources: Some(vec![
                VolumeProjection {
                    service_account_token: Some(ServiceAccountTokenProjection {
                        expiration_seconds: Some(3607),
                        path: "token".to_string(),
                        audience: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    config_map: Some(ConfigMapProjection {
                        name: "kube-root-ca.crt".to_string(),
                        items: Some(vec![KeyToPath {
                            key: "ca.crt".to_string(),
                            path: "ca.crt".to_string(),
                            mode: None,
                        }]),
                        optional: None,
                    }),
                    ..Default::default()
                },
                VolumeProjection {
                    downward_api: Some(DownwardAPIProjection {
                        items: Some(vec![DownwardAPIVolumeFile {
                            path: "namespace".to_string(),
                            field_ref: Some(ObjectFieldSelector {
                                api_version: Some("v1".to_string()),
                                field_path: "metadata.namespace".to_string(),
                            }),
                            ..Default::default()
                        }]),
                    }),
                    ..Default::default()
                },
            ]),
        }),
        ..Default::default()
    }
}
