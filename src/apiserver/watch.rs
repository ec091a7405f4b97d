//! Watches: a cursor over the store's event log for one kind (and optionally one
//! namespace). Every event after the cursor's revision is delivered exactly once, in
//! order; a cursor that fell below the compaction window gets `Gone` ("too old resource
//! version"), and its owner relists, as informers do.

use std::rc::Rc;

use crate::apiserver::ApiError;
use crate::model::{Kind, Object};
use crate::sim::WriteMeta;
use crate::store::{EventType, Revision, Store, StoreError};

/// A watch in progress.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchCursor {
    kind: Kind,
    prefix: String,
    after: Revision,
}

impl WatchCursor {
    pub(crate) fn new(kind: Kind, prefix: String, after: Revision) -> Self {
        WatchCursor {
            kind,
            prefix,
            after,
        }
    }

    /// The kind watched.
    pub fn kind(&self) -> Kind {
        self.kind
    }

    /// The revision of the last event delivered (or the starting revision).
    pub fn revision(&self) -> Revision {
        self.after
    }
}

/// One watch event, as `kubectl get -w` and informers see it.
#[derive(Clone, Debug, PartialEq)]
pub enum WatchEvent {
    /// A new object.
    Added {
        revision: Revision,
        object: Rc<Object>,
        meta: WriteMeta,
    },
    /// A changed object (its new state).
    Modified {
        revision: Revision,
        object: Rc<Object>,
        old: Rc<Object>,
        meta: WriteMeta,
    },
    /// A removed object (its last state).
    Deleted {
        revision: Revision,
        object: Rc<Object>,
        meta: WriteMeta,
    },
}

impl WatchEvent {
    /// The object the event is about.
    pub fn object(&self) -> &Rc<Object> {
        match self {
            WatchEvent::Added { object, .. }
            | WatchEvent::Modified { object, .. }
            | WatchEvent::Deleted { object, .. } => object,
        }
    }

    /// The store revision of the event.
    pub fn revision(&self) -> Revision {
        match self {
            WatchEvent::Added { revision, .. }
            | WatchEvent::Modified { revision, .. }
            | WatchEvent::Deleted { revision, .. } => *revision,
        }
    }

    /// `ADDED`, `MODIFIED` or `DELETED`, as in the watch stream's `type` field.
    pub fn type_name(&self) -> &'static str {
        match self {
            WatchEvent::Added { .. } => "ADDED",
            WatchEvent::Modified { .. } => "MODIFIED",
            WatchEvent::Deleted { .. } => "DELETED",
        }
    }
}

pub(crate) fn poll(
    store: &Store<Rc<Object>, WriteMeta>,
    cursor: &mut WatchCursor,
) -> Result<Vec<WatchEvent>, ApiError> {
    let events = match store.events_since(&cursor.prefix, cursor.after) {
        Ok(events) => events,
        Err(StoreError::Compacted {
            requested,
            compacted,
        }) => {
            return Err(ApiError::Gone {
                message: format!("too old resource version: {requested} ({compacted})"),
            })
        }
        Err(e) => {
            return Err(ApiError::Internal {
                message: format!("{e:?}"),
            })
        }
    };
    let mut out = Vec::new();
    for e in events {
        let meta = e.meta.clone();
        let revision = e.revision;
        let event = match (e.event_type, &e.value, &e.prev) {
            (EventType::Put, Some(object), None) => WatchEvent::Added {
                revision,
                object: object.clone(),
                meta,
            },
            (EventType::Put, Some(object), Some(old)) => WatchEvent::Modified {
                revision,
                object: object.clone(),
                old: old.clone(),
                meta,
            },
            (EventType::Delete, _, Some(old)) => {
                // A deleted object is delivered with the resourceVersion of its deletion.
                let mut last = (**old).clone();
                last.meta_mut().resource_version = Some(revision.to_string());
                WatchEvent::Deleted {
                    revision,
                    object: Rc::new(last),
                    meta,
                }
            }
            _ => continue,
        };
        out.push(event);
    }
    cursor.after = store.revision();
    Ok(out)
}
