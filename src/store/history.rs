//! Per-key revision history: the store's version of etcd's `keyIndex`.
//!
//! A [`KeyHistory`] owns every retained write to one key, oldest first, so the store can
//! answer "what did this key hold at revision R" with one binary search. It knows nothing
//! about the event log or the global revision counter; the [`Store`](super::Store) drives it.

use super::{KeyValue, Revision};
use std::rc::Rc;

/// One retained write to a key: a value, or a tombstone when `value` is `None`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Entry<V> {
    /// The revision of the write.
    pub mod_revision: Revision,
    /// The revision that created the life (generation) this write belongs to.
    pub create_revision: Revision,
    /// The key's version after the write; 0 for a tombstone.
    pub version: u64,
    /// The value written, or `None` for a delete (tombstone).
    pub value: Option<V>,
}

/// The retained writes to one key in increasing `mod_revision` order.
///
/// Generations are implicit: a generation is a maximal run of entries sharing a
/// `create_revision`, closed by a tombstone entry. Invariant: `entries` is never empty
/// while the history is stored in the store's map, and revisions strictly increase.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct KeyHistory<V> {
    entries: Vec<Entry<V>>,
}

impl<V: Clone> KeyHistory<V> {
    /// Creates an empty history; the caller records the first write right after.
    pub fn new() -> Self {
        KeyHistory {
            entries: Vec::new(),
        }
    }

    /// Appends a write; `entry.mod_revision` must exceed every retained revision.
    pub fn push(&mut self, entry: Entry<V>) {
        debug_assert!(self
            .entries
            .last()
            .is_none_or(|last| last.mod_revision < entry.mod_revision));
        self.entries.push(entry);
    }

    /// Returns the key as it was at revision `rev`, or `None` if it did not exist then.
    ///
    /// The visible entry is the last one with `mod_revision <= rev`; a tombstone there,
    /// or no such entry, means the key did not exist at `rev`.
    pub fn at(&self, key: &Rc<str>, rev: Revision) -> Option<KeyValue<V>> {
        let visible = self.entries.partition_point(|e| e.mod_revision <= rev);
        let entry = self.entries.get(visible.checked_sub(1)?)?;
        let value = entry.value.clone()?;
        Some(KeyValue {
            key: Rc::clone(key),
            value,
            create_revision: entry.create_revision,
            mod_revision: entry.mod_revision,
            version: entry.version,
        })
    }

    /// Drops every entry that no revision `>= rev` can see, and reports whether the
    /// history is now empty (so the store should forget the key).
    ///
    /// The entry visible at `rev` is kept when it holds a value, because reads at `rev`
    /// and later still see it until the next write; it is dropped when it is a tombstone,
    /// because "no entry at or before `rev`" already reads as "did not exist".
    pub fn compact(&mut self, rev: Revision) -> bool {
        let visible = self.entries.partition_point(|e| e.mod_revision <= rev);
        if let Some(last) = visible.checked_sub(1) {
            let keep_from = match self.entries.get(last) {
                Some(entry) if entry.value.is_some() => last,
                _ => visible,
            };
            self.entries.drain(..keep_from);
        }
        self.entries.is_empty()
    }

    /// Returns the retained entries, oldest first (for tests and debugging views).
    #[cfg(test)]
    pub fn entries(&self) -> &[Entry<V>] {
        &self.entries
    }
}
