//! Watches: a cursor over the store's event log for one kind (and optionally one
//! namespace). Every event after the cursor's revision is delivered exactly once, in
//! order; a cursor that fell below the compaction window gets `Gone` ("too old resource
//! version"), and its owner relists, as informers do.

use std::rc::Rc;

use crate::apiserver::ApiError;
use crate::model::{Kind, Object};
use crate::sim::WriteMeta;
use crate::store::{EventType, Revision, Store};

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

/// The revisions that wrote each kind, oldest first, trimmed to the store's retained
/// window. A watch on a kind walks only these, so a thousand watchers of pods never read
/// the writes to leases or events.
///
/// Worked example: writes at revisions 5 (pod), 6 (lease), 7 (pod) give
/// `pods: [5, 7]`, `leases: [6]`; a pod watch from revision 5 binary-searches to the
/// first entry above 5 and reads revision 7 only.
#[derive(Clone, Debug, Default)]
pub(crate) struct KindIndex {
    by_kind: std::collections::BTreeMap<Kind, std::collections::VecDeque<Revision>>,
}

impl KindIndex {
    /// Notes that `rev` wrote an object of `kind`, forgetting revisions at or below
    /// `compacted` (the store no longer has their events).
    pub(crate) fn record(&mut self, kind: Kind, rev: Revision, compacted: Revision) {
        let log = self.by_kind.entry(kind).or_default();
        log.push_back(rev);
        while log.front().is_some_and(|r| *r <= compacted) {
            log.pop_front();
        }
    }

    fn since(&self, kind: Kind, after: Revision) -> impl Iterator<Item = Revision> + '_ {
        let log = self.by_kind.get(&kind);
        let start = log.map(|l| l.partition_point(|r| *r <= after)).unwrap_or(0);
        log.into_iter().flat_map(move |l| l.range(start..).copied())
    }
}

pub(crate) fn poll(
    store: &Store<Rc<Object>, WriteMeta>,
    index: &KindIndex,
    cursor: &mut WatchCursor,
) -> Result<Vec<WatchEvent>, ApiError> {
    if cursor.after < store.compacted() {
        return Err(ApiError::Gone {
            message: format!(
                "too old resource version: {} ({})",
                cursor.after,
                store.compacted()
            ),
        });
    }
    let events = index
        .since(cursor.kind, cursor.after)
        .filter_map(|rev| store.event(rev))
        .filter(|e| e.key.starts_with(cursor.prefix.as_str()));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_index_finds_only_its_kind_after_a_revision_and_forgets_compacted() {
        let mut idx = KindIndex::default();
        idx.record(Kind::Pod, 5, 1);
        idx.record(Kind::Lease, 6, 1);
        idx.record(Kind::Pod, 7, 1);
        assert_eq!(idx.since(Kind::Pod, 5).collect::<Vec<_>>(), [7]);
        assert_eq!(idx.since(Kind::Pod, 0).collect::<Vec<_>>(), [5, 7]);
        assert_eq!(idx.since(Kind::Lease, 0).collect::<Vec<_>>(), [6]);
        assert_eq!(idx.since(Kind::Node, 0).count(), 0);
        // A write after compaction to 6 drops pod revision 5.
        idx.record(Kind::Pod, 8, 6);
        assert_eq!(idx.since(Kind::Pod, 0).collect::<Vec<_>>(), [7, 8]);
    }
}
