//! The store's public value types: revisions, preconditions, errors, key-values and events.
//!
//! These are plain data shared by the [`Store`](super::Store) and its callers; the store
//! re-exports all of them, so callers name them as `store::KeyValue` and so on.

use std::fmt;
use std::rc::Rc;

/// A global revision. The empty store is at revision 1, like etcd, so the first write
/// gets revision 2.
pub type Revision = u64;

/// What a write requires of the key's current state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Precondition {
    /// No requirement: a put creates or updates; a delete still needs the key to exist.
    None,
    /// The key must not exist (a create).
    MustNotExist,
    /// The key must exist (an update or delete).
    MustExist,
    /// The key must exist and its `mod_revision` must equal this revision (optimistic
    /// concurrency, what the API server derives from `metadata.resourceVersion`).
    ModRevision(Revision),
}

impl Precondition {
    /// Checks this precondition against the key's current state (`current` is `None`
    /// when the key does not exist).
    pub(super) fn check<V>(
        self,
        key: &str,
        current: Option<&KeyValue<V>>,
    ) -> Result<(), StoreError> {
        match (self, current) {
            (Precondition::None, _) => Ok(()),
            (Precondition::MustNotExist, None) => Ok(()),
            (Precondition::MustNotExist, Some(_)) => Err(StoreError::AlreadyExists {
                key: key.to_string(),
            }),
            (Precondition::MustExist | Precondition::ModRevision(_), None) => {
                Err(StoreError::NotFound {
                    key: key.to_string(),
                })
            }
            (Precondition::MustExist, Some(_)) => Ok(()),
            (Precondition::ModRevision(expected), Some(kv)) => {
                if kv.mod_revision == expected {
                    Ok(())
                } else {
                    Err(StoreError::Conflict {
                        key: key.to_string(),
                        expected,
                        actual: kv.mod_revision,
                    })
                }
            }
        }
    }
}

/// Why a store operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// The precondition was `MustNotExist` but the key exists.
    AlreadyExists {
        /// The key written.
        key: String,
    },
    /// The precondition was `MustExist` or `ModRevision`, or a delete named a missing key.
    NotFound {
        /// The key written.
        key: String,
    },
    /// The precondition was `ModRevision(expected)` but the key's mod revision is `actual`.
    Conflict {
        /// The key written.
        key: String,
        /// The mod revision the writer expected.
        expected: Revision,
        /// The key's current mod revision.
        actual: Revision,
    },
    /// A read or watch asked for history that compaction has already dropped.
    Compacted {
        /// The revision asked for.
        requested: Revision,
        /// The store's compaction revision ([`Store::compacted`](super::Store::compacted)).
        compacted: Revision,
    },
    /// A read or watch asked for a revision the store has not reached yet.
    FutureRevision {
        /// The revision asked for.
        requested: Revision,
        /// The store's current revision ([`Store::revision`](super::Store::revision)).
        current: Revision,
    },
}

/// A key with its value and etcd's per-key revision bookkeeping.
#[derive(Clone, Debug, PartialEq)]
pub struct KeyValue<V> {
    /// The key.
    pub key: Rc<str>,
    /// The value.
    pub value: V,
    /// The revision that created the key's current life; a re-create after a delete
    /// starts a new life with a new create revision.
    pub create_revision: Revision,
    /// The revision of the key's last write.
    pub mod_revision: Revision,
    /// The number of writes in the current life: 1 after the create, reset by a delete.
    pub version: u64,
}

/// Whether an event wrote a value or deleted the key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// A create or update.
    Put,
    /// A delete.
    Delete,
}

/// One write. Every revision after 1 is exactly one event (one write per revision).
#[derive(Clone, Debug, PartialEq)]
pub struct Event<V, M> {
    /// The revision of the write.
    pub revision: Revision,
    /// Whether the write was a put or a delete.
    pub event_type: EventType,
    /// The key written.
    pub key: Rc<str>,
    /// The new value (`None` for a delete).
    pub value: Option<V>,
    /// The value before this write (`None` for a create).
    pub prev: Option<V>,
    /// The create revision of the key's current life (for a delete, the life it ended).
    pub create_revision: Revision,
    /// The key's version after the write (0 for a delete).
    pub version: u64,
    /// Who wrote it and why; opaque to the store.
    pub meta: M,
}

impl fmt::Display for StoreError {
    /// Describes the error in etcd's words where etcd has them ("mvcc: required revision
    /// has been compacted", "mvcc: required revision is a future revision").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::AlreadyExists { key } => write!(f, "key {key:?} already exists"),
            StoreError::NotFound { key } => write!(f, "key {key:?} not found"),
            StoreError::Conflict {
                key,
                expected,
                actual,
            } => write!(
                f,
                "key {key:?} was modified at revision {actual}, expected {expected}"
            ),
            StoreError::Compacted {
                requested,
                compacted,
            } => write!(
                f,
                "mvcc: required revision has been compacted \
                 (requested {requested}, compacted {compacted})"
            ),
            StoreError::FutureRevision { requested, current } => write!(
                f,
                "mvcc: required revision is a future revision \
                 (requested {requested}, current {current})"
            ),
        }
    }
}

impl std::error::Error for StoreError {}
