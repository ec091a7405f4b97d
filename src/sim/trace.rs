//! Who made each write, and why: every store write carries a `WriteMeta`, so the UI can
//! answer "why did this change?" by walking `cause` revisions back to the user's action.

use std::fmt;

/// A component that writes through the API server.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Actor {
    /// The user, through kubectl (the browser terminal, the editor, or the shell).
    Kubectl,
    /// A controller of the controller manager, by its upstream name
    /// (`replicaset-controller`, `deployment-controller`, ...).
    Controller(&'static str),
    /// The scheduler (`default-scheduler`).
    Scheduler,
    /// The kubelet of the named node.
    Kubelet(String),
    /// The API server itself (bootstrap objects, the `kubernetes` Service).
    ApiServer,
    /// The cluster's initial set-up (kubeadm's role).
    Bootstrap,
}

impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::Kubectl => f.write_str("kubectl"),
            Actor::Controller(name) => f.write_str(name),
            Actor::Scheduler => f.write_str("default-scheduler"),
            Actor::Kubelet(node) => write!(f, "kubelet/{node}"),
            Actor::ApiServer => f.write_str("kube-apiserver"),
            Actor::Bootstrap => f.write_str("kubeadm"),
        }
    }
}

/// What the store records with each write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WriteMeta {
    /// Who wrote it.
    pub actor: Actor,
    /// The store revision whose watch event led to this write, if any (`None` for the
    /// user's own actions and for timers).
    pub cause: Option<u64>,
}

impl WriteMeta {
    /// A write by the user.
    pub fn user() -> Self {
        WriteMeta {
            actor: Actor::Kubectl,
            cause: None,
        }
    }

    /// A write by `actor` caused by the event at revision `cause`.
    pub fn by(actor: Actor, cause: Option<u64>) -> Self {
        WriteMeta { actor, cause }
    }
}
