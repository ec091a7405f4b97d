//! The column definitions of every table kubeniwa prints, per kind.
//!
//! Names and priorities come from `AddHandlers` in upstream's
//! `pkg/printers/internalversion/printers.go` (v1.32), already upper-cased
//! the way kubectl prints headers. Priority 1 columns appear only with
//! `-o wide`. Row functions return one cell per column listed here, in order.

use super::Column;

const fn c(name: &'static str) -> Column {
    Column { name, priority: 0 }
}

const fn wide(name: &'static str) -> Column {
    Column { name, priority: 1 }
}

const POD: &[Column] = &[
    c("NAME"),
    c("READY"),
    c("STATUS"),
    c("RESTARTS"),
    c("AGE"),
    wide("IP"),
    wide("NODE"),
    wide("NOMINATED NODE"),
    wide("READINESS GATES"),
];

const REPLICA_SET: &[Column] = &[
    c("NAME"),
    c("DESIRED"),
    c("CURRENT"),
    c("READY"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

const DEPLOYMENT: &[Column] = &[
    c("NAME"),
    c("READY"),
    c("UP-TO-DATE"),
    c("AVAILABLE"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

const DAEMON_SET: &[Column] = &[
    c("NAME"),
    c("DESIRED"),
    c("CURRENT"),
    c("READY"),
    c("UP-TO-DATE"),
    c("AVAILABLE"),
    c("NODE SELECTOR"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

const STATEFUL_SET: &[Column] = &[
    c("NAME"),
    c("READY"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
];

const JOB: &[Column] = &[
    c("NAME"),
    c("STATUS"),
    c("COMPLETIONS"),
    c("DURATION"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

const CRON_JOB: &[Column] = &[
    c("NAME"),
    c("SCHEDULE"),
    c("TIMEZONE"),
    c("SUSPEND"),
    c("ACTIVE"),
    c("LAST SCHEDULE"),
    c("AGE"),
    wide("CONTAINERS"),
    wide("IMAGES"),
    wide("SELECTOR"),
];

const SERVICE: &[Column] = &[
    c("NAME"),
    c("TYPE"),
    c("CLUSTER-IP"),
    c("EXTERNAL-IP"),
    c("PORT(S)"),
    c("AGE"),
    wide("SELECTOR"),
];

const ENDPOINTS: &[Column] = &[c("NAME"), c("ENDPOINTS"), c("AGE")];

const ENDPOINT_SLICE: &[Column] = &[
    c("NAME"),
    c("ADDRESSTYPE"),
    c("PORTS"),
    c("ENDPOINTS"),
    c("AGE"),
];

const CONFIG_MAP: &[Column] = &[c("NAME"), c("DATA"), c("AGE")];

const SECRET: &[Column] = &[c("NAME"), c("TYPE"), c("DATA"), c("AGE")];

const NAMESPACE: &[Column] = &[c("NAME"), c("STATUS"), c("AGE")];

const NODE: &[Column] = &[
    c("NAME"),
    c("STATUS"),
    c("ROLES"),
    c("AGE"),
    c("VERSION"),
    wide("INTERNAL-IP"),
    wide("EXTERNAL-IP"),
    wide("OS-IMAGE"),
    wide("KERNEL-VERSION"),
    wide("CONTAINER-RUNTIME"),
];

const SERVICE_ACCOUNT: &[Column] = &[c("NAME"), c("SECRETS"), c("AGE")];

/// Upstream's Event table: note NAME is a wide-only column at the end, so
/// `kubectl get events` has no name column (and no `event/` kind prefix
/// shows) unless `-o wide` is given.
const EVENT: &[Column] = &[
    c("LAST SEEN"),
    c("TYPE"),
    c("REASON"),
    c("OBJECT"),
    wide("SUBOBJECT"),
    wide("SOURCE"),
    c("MESSAGE"),
    wide("FIRST SEEN"),
    wide("COUNT"),
    wide("NAME"),
];

const PERSISTENT_VOLUME_CLAIM: &[Column] = &[
    c("NAME"),
    c("STATUS"),
    c("VOLUME"),
    c("CAPACITY"),
    c("ACCESS MODES"),
    c("STORAGECLASS"),
    c("VOLUMEATTRIBUTESCLASS"),
    c("AGE"),
    wide("VOLUMEMODE"),
];

const PERSISTENT_VOLUME: &[Column] = &[
    c("NAME"),
    c("CAPACITY"),
    c("ACCESS MODES"),
    c("RECLAIM POLICY"),
    c("STATUS"),
    c("CLAIM"),
    c("STORAGECLASS"),
    c("VOLUMEATTRIBUTESCLASS"),
    c("REASON"),
    c("AGE"),
    wide("VOLUMEMODE"),
];

const LEASE: &[Column] = &[c("NAME"), c("HOLDER"), c("AGE")];

const CONTROLLER_REVISION: &[Column] = &[c("NAME"), c("CONTROLLER"), c("REVISION"), c("AGE")];

const POD_DISRUPTION_BUDGET: &[Column] = &[
    c("NAME"),
    c("MIN AVAILABLE"),
    c("MAX UNAVAILABLE"),
    c("ALLOWED DISRUPTIONS"),
    c("AGE"),
];

/// The API server's default table (`rest.DefaultTableConvertor`), used for
/// built-in kinds that have no printer: the name and the creation time in
/// RFC 3339 (see `created_at_row`).
const CREATED_AT: &[Column] = &[c("NAME"), c("CREATED AT")];

/// NAME and AGE: what a custom resource without additional printer columns
/// shows (and cli-runtime's fallback when no table is served).
const DEFAULT: &[Column] = &[c("NAME"), c("AGE")];

/// The columns of `kind`'s table. Built-in kinds without an upstream printer
/// (Role, ClusterRole, LimitRange, CustomResourceDefinition) get the API
/// server's NAME / CREATED AT table; any other kind gets NAME / AGE.
pub fn columns(kind: &str) -> &'static [Column] {
    match kind {
        "Pod" => POD,
        "ReplicaSet" => REPLICA_SET,
        "Deployment" => DEPLOYMENT,
        "DaemonSet" => DAEMON_SET,
        "StatefulSet" => STATEFUL_SET,
        "Job" => JOB,
        "CronJob" => CRON_JOB,
        "Service" => SERVICE,
        "Endpoints" => ENDPOINTS,
        "EndpointSlice" => ENDPOINT_SLICE,
        "ConfigMap" => CONFIG_MAP,
        "Secret" => SECRET,
        "Namespace" => NAMESPACE,
        "Node" => NODE,
        "ServiceAccount" => SERVICE_ACCOUNT,
        "Event" => EVENT,
        "PersistentVolumeClaim" => PERSISTENT_VOLUME_CLAIM,
        "PersistentVolume" => PERSISTENT_VOLUME,
        "Lease" => LEASE,
        "ControllerRevision" => CONTROLLER_REVISION,
        "PodDisruptionBudget" => POD_DISRUPTION_BUDGET,
        "Role" | "ClusterRole" | "LimitRange" | "CustomResourceDefinition" => CREATED_AT,
        _ => DEFAULT,
    }
}
