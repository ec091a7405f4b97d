//! The etcd-like MVCC key-value store that backs the API server.
//!
//! The store owns three things, all in memory and single-threaded:
//!
//! - the **current state**, a `BTreeMap` from key to [`KeyValue`], so a prefix list is a
//!   `BTreeMap::range` that stops at the first key without the prefix: O(log n + k);
//! - the **per-key history** (etcd's `keyIndex`), the retained writes to each key, so
//!   [`Store::get_at`] and [`Store::range_at`] can answer "as of revision R";
//! - the **event log**, one [`Event`] per revision in a `VecDeque` whose front holds
//!   revision `compacted() + 1`, so [`Store::events_since`] finds its starting point in O(1).
//!
//! # Revisions
//!
//! Like etcd, the empty store is at revision 1 and every successful write (put or delete)
//! takes the next revision, so the first write gets revision 2 and revision R (> 1) is
//! exactly one event. Each key also carries etcd's bookkeeping: `create_revision` (the
//! write that started the key's current life), `mod_revision` (its last write) and
//! `version` (writes in the current life, 1 after a create). A delete ends a life; a later
//! put starts a new one with a new `create_revision` and `version` back at 1. Revision 0 is
//! not special here: it is below every compaction revision, so reads at 0 are `Compacted`;
//! callers that mean "latest" (Kubernetes' `resourceVersion=0`) use `get`/`range` instead.
//!
//! # A key's history, worked through
//!
//! Take this sequence of writes on a fresh store (key `b` is only there to show that
//! other keys' writes advance the revision too):
//!
//! ```text
//! rev 2: put    a = "x"    a: create 2, version 1
//! rev 3: put    b = "y"
//! rev 4: put    a = "z"    a: create 2, version 2
//! rev 5: delete a          a: tombstone, life 1 ends
//! rev 6: put    a = "w"    a: create 6, version 1 (a new life)
//! rev 7: delete a          a: tombstone, life 2 ends
//! ```
//!
//! The history of `a` is a list of entries in revision order; each entry is a value or a
//! tombstone `(t)`. A run of entries with the same create revision, closed by a
//! tombstone, is what etcd calls a generation:
//!
//! ```text
//! key: "a"
//! entries:  2:"x" v1   4:"z" v2   5(t)   |   6:"w" v1   7(t)
//!           \_____ generation 1 _____/       \_ generation 2 _/
//! ```
//!
//! `get_at("a", R)` binary-searches for the last entry with revision <= R; a tombstone
//! there, or no entry at all, means the key did not exist at R:
//!
//! ```text
//! R            1     2     3     4     5     6     7
//! get_at(a,R)  None  "x"   "x"   "z"   None  "w"   None
//! mod_revision       2     2     4           6
//! version            1     1     2           1
//! ```
//!
//! # Compaction
//!
//! Compacting to C drops everything no revision >= C can observe: the events with
//! revision <= C, and in each key's history every entry before the one visible at C.
//! The entry visible at C is kept if it holds a value (reads at C still see it) and
//! dropped if it is a tombstone (no entry at or before C already reads as "absent"); a
//! key left with no entries is forgotten. On the example above:
//!
//! ```text
//! compact(3):  2:"x"  4:"z"  5(t)  6:"w"  7(t)   "x" is visible at 3, nothing dropped
//! compact(4):         4:"z"  5(t)  6:"w"  7(t)   "x" is invisible from 4 on
//! compact(5):                      6:"w"  7(t)   the tombstone visible at 5 goes too
//! compact(6):                      6:"w"  7(t)   "w" is visible at 6
//! compact(7):                      {empty}       the key is forgotten
//! ```
//!
//! etcd keeps the tombstone visible at C until the next compaction (its `compact(5)`
//! leaves `{5(t)}`); dropping it at once answers every read the same way and frees the
//! key earlier.
//!
//! After compaction to C, [`Store::compacted`] is C and the readable window is
//! `C ..= revision()`: `get_at`/`range_at` at C work and at C - 1 fail with
//! [`StoreError::Compacted`]. `events_since(prefix, C)` still works (it returns the events
//! after C, all retained), and `events_since(prefix, C - 1)` fails, because the event at C
//! is gone. So a watcher that has seen everything up to revision W can resume with
//! `events_since(W)` as long as `W >= compacted()`.
//!
//! Every write auto-compacts to `revision() - history_window` (when that is above the
//! current compaction revision), so the log holds at most `history_window` events. Only
//! keys written at the dropped revisions can lose history entries, so each compaction
//! step visits exactly the keys of the events it drops: amortised O(log n) per write, never
//! a scan of all keys. [`Store::compact`] compacts explicitly, like etcd's `Compact`.
//!
//! # Costs
//!
//! `get`: O(log n). `range`/`count`: O(log n + k). `get_at`: O(log n + log h) for h
//! retained entries of the key. `range_at`: O(k log h) over keys with retained history
//! under the prefix. `put`/`delete`: O(log n) amortised. `events_since(after)`: O(1) to
//! start, then O(events after `after`), filtering by prefix on the way.

mod history;
#[cfg(test)]
mod random_tests;
#[cfg(test)]
mod tests;
mod types;

use history::{Entry, KeyHistory};
use std::collections::{BTreeMap, VecDeque};
use std::ops::Bound;
use std::rc::Rc;

pub use types::{Event, EventType, KeyValue, Precondition, Revision, StoreError};

/// The MVCC store: current state, per-key history and the event log.
///
/// Invariants: `events[i].revision == compacted + 1 + i`, so `events.len() == rev -
/// compacted`; every live key has a history whose last entry is its current value.
#[derive(Clone, Debug)]
pub struct Store<V, M> {
    /// The current state, in key order.
    live: BTreeMap<Rc<str>, KeyValue<V>>,
    /// Retained history of every live key and of keys deleted after `compacted`.
    history: BTreeMap<Rc<str>, KeyHistory<V>>,
    /// The writes with revisions `compacted + 1 ..= rev`.
    events: VecDeque<Event<V, M>>,
    /// The current revision.
    rev: Revision,
    /// The oldest revision that can still be read or watched from.
    compacted: Revision,
    /// How many events auto-compaction retains.
    history_window: u64,
}

impl<V: Clone, M: Clone> Store<V, M> {
    /// Creates an empty store at revision 1 that retains the last `history_window`
    /// events (the engine uses 10 000).
    pub fn new(history_window: u64) -> Self {
        Store {
            live: BTreeMap::new(),
            history: BTreeMap::new(),
            events: VecDeque::new(),
            rev: 1,
            compacted: 1,
            history_window,
        }
    }

    /// The current revision: the revision of the last write, or 1 if nothing was written.
    pub fn revision(&self) -> Revision {
        self.rev
    }

    /// The revision the next write will get (`revision() + 1`).
    pub fn next_revision(&self) -> Revision {
        self.rev.saturating_add(1)
    }

    /// The oldest revision that can still be read (`get_at`, `range_at`) or watched from
    /// (`events_since`).
    pub fn compacted(&self) -> Revision {
        self.compacted
    }

    /// How many events auto-compaction retains.
    pub fn history_window(&self) -> u64 {
        self.history_window
    }

    /// The number of live keys.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// Whether no key is live.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    /// The current value of `key`.
    pub fn get(&self, key: &str) -> Option<&KeyValue<V>> {
        self.live.get(key)
    }

    /// The value of `key` as of revision `rev` (`compacted() <= rev <= revision()`).
    pub fn get_at(&self, key: &str, rev: Revision) -> Result<Option<KeyValue<V>>, StoreError> {
        self.check_readable(rev)?;
        Ok(self
            .history
            .get_key_value(key)
            .and_then(|(k, h)| h.at(k, rev)))
    }

    /// The live keys starting with `prefix`, in key order, in O(log n + k).
    pub fn range<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = &'a KeyValue<V>> + 'a {
        self.live
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(move |(k, _)| k.starts_with(prefix))
            .map(|(_, kv)| kv)
    }

    /// The current keys starting with `prefix`, last key first: O(log n + k) for the k
    /// entries taken, so "the newest few" of a long range is cheap.
    pub fn range_rev<'a>(&'a self, prefix: &str) -> Box<dyn Iterator<Item = &'a KeyValue<V>> + 'a> {
        // The smallest string above every key with this prefix: the prefix with its last
        // byte incremented (ASCII only; otherwise scan from the prefix forward).
        match prefix.as_bytes().last() {
            Some(&b) if b < 0x7f => {
                let mut end = prefix[..prefix.len() - 1].to_string();
                end.push((b + 1) as char);
                let range = self
                    .live
                    .range::<str, _>((Bound::Included(prefix), Bound::Excluded(end.as_str())));
                Box::new(range.rev().map(|(_, kv)| kv))
            }
            _ => {
                let owned = prefix.to_string();
                let mut all: Vec<&KeyValue<V>> = self
                    .live
                    .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
                    .take_while(|(k, _)| k.starts_with(owned.as_str()))
                    .map(|(_, kv)| kv)
                    .collect();
                all.reverse();
                Box::new(all.into_iter())
            }
        }
    }

    /// The keys starting with `prefix` as they were at revision `rev`, in key order.
    pub fn range_at(&self, prefix: &str, rev: Revision) -> Result<Vec<KeyValue<V>>, StoreError> {
        self.check_readable(rev)?;
        if rev == self.rev {
            return Ok(self.range(prefix).cloned().collect());
        }
        Ok(self
            .history
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(k, _)| k.starts_with(prefix))
            .filter_map(|(k, h)| h.at(k, rev))
            .collect())
    }

    /// The number of live keys starting with `prefix`.
    pub fn count(&self, prefix: &str) -> usize {
        self.range(prefix).count()
    }

    /// Writes `value` at `key` if `pre` holds, and returns the new revision.
    pub fn put(
        &mut self,
        key: &str,
        value: V,
        pre: Precondition,
        meta: M,
    ) -> Result<Revision, StoreError> {
        let current = self.live.get_key_value(key);
        pre.check(key, current.map(|(_, kv)| kv))?;
        let rev = self.next_revision();
        let (key, create_revision, version, prev) = match current {
            Some((k, kv)) => (
                Rc::clone(k),
                kv.create_revision,
                kv.version.saturating_add(1),
                Some(kv.value.clone()),
            ),
            None => (self.intern(key), rev, 1, None),
        };
        let kv = KeyValue {
            key: Rc::clone(&key),
            value: value.clone(),
            create_revision,
            mod_revision: rev,
            version,
        };
        self.live.insert(Rc::clone(&key), kv);
        self.record(Event {
            revision: rev,
            event_type: EventType::Put,
            key,
            value: Some(value),
            prev,
            create_revision,
            version,
            meta,
        });
        Ok(rev)
    }

    /// Deletes `key` if it exists and `pre` holds, and returns the new revision.
    ///
    /// Deleting a missing key is `NotFound` whatever the precondition; `MustNotExist` on an
    /// existing key is `AlreadyExists`.
    pub fn delete(
        &mut self,
        key: &str,
        pre: Precondition,
        meta: M,
    ) -> Result<Revision, StoreError> {
        let current = self.live.get(key);
        pre.check(key, current)?;
        let Some(old) = self.live.remove(key) else {
            return Err(StoreError::NotFound {
                key: key.to_string(),
            });
        };
        let rev = self.next_revision();
        self.record(Event {
            revision: rev,
            event_type: EventType::Delete,
            key: old.key,
            value: None,
            prev: Some(old.value),
            create_revision: old.create_revision,
            version: 0,
            meta,
        });
        Ok(rev)
    }

    /// The events with revision `> after` whose key starts with `prefix`, in revision
    /// order. Fails with `Compacted` if `after < compacted()` and with `FutureRevision` if
    /// `after > revision()`.
    pub fn events_since<'a>(
        &'a self,
        prefix: &'a str,
        after: Revision,
    ) -> Result<impl Iterator<Item = &'a Event<V, M>> + 'a, StoreError> {
        self.check_readable(after)?;
        let start = usize::try_from(after - self.compacted).unwrap_or(usize::MAX);
        let start = start.min(self.events.len());
        Ok(self
            .events
            .range(start..)
            .filter(move |e| e.key.starts_with(prefix)))
    }

    /// The write at revision `rev`, if it is retained (`compacted() < rev <= revision()`).
    pub fn event(&self, rev: Revision) -> Option<&Event<V, M>> {
        let index = rev.checked_sub(self.compacted)?.checked_sub(1)?;
        self.events.get(usize::try_from(index).ok()?)
    }

    /// Compacts history to `rev`, like etcd's compact: afterwards reads below `rev` fail.
    ///
    /// Fails with `Compacted` if `rev <= compacted()` and with `FutureRevision` if
    /// `rev > revision()`.
    pub fn compact(&mut self, rev: Revision) -> Result<(), StoreError> {
        if rev > self.rev {
            return Err(StoreError::FutureRevision {
                requested: rev,
                current: self.rev,
            });
        }
        if rev <= self.compacted {
            return Err(StoreError::Compacted {
                requested: rev,
                compacted: self.compacted,
            });
        }
        self.compact_to(rev);
        Ok(())
    }

    /// Checks that `rev` is inside the readable window `compacted() ..= revision()`.
    fn check_readable(&self, rev: Revision) -> Result<(), StoreError> {
        if rev < self.compacted {
            return Err(StoreError::Compacted {
                requested: rev,
                compacted: self.compacted,
            });
        }
        if rev > self.rev {
            return Err(StoreError::FutureRevision {
                requested: rev,
                current: self.rev,
            });
        }
        Ok(())
    }

    /// Returns the shared `Rc<str>` for `key`, reusing the history's copy if any.
    fn intern(&self, key: &str) -> Rc<str> {
        match self.history.get_key_value(key) {
            Some((k, _)) => Rc::clone(k),
            None => Rc::from(key),
        }
    }

    /// Appends a write to the key's history and the event log, then auto-compacts.
    fn record(&mut self, event: Event<V, M>) {
        debug_assert_eq!(event.revision, self.next_revision());
        self.rev = event.revision;
        let entry = Entry {
            mod_revision: event.revision,
            create_revision: event.create_revision,
            version: event.version,
            value: event.value.clone(),
        };
        self.history
            .entry(Rc::clone(&event.key))
            .or_insert_with(KeyHistory::new)
            .push(entry);
        self.events.push_back(event);
        let target = self.rev.saturating_sub(self.history_window);
        if target > self.compacted {
            self.compact_to(target);
        }
    }

    /// Moves the compaction revision to `rev` (`compacted < rev <= self.rev`).
    ///
    /// Only keys written in `compacted + 1 ..= rev` can have entries that become
    /// invisible, and those are exactly the keys of the events dropped here, so the cost
    /// is proportional to the number of dropped events, not to the number of keys.
    fn compact_to(&mut self, rev: Revision) {
        self.compacted = rev;
        while self.events.front().is_some_and(|e| e.revision <= rev) {
            let Some(event) = self.events.pop_front() else {
                break;
            };
            if let Some(history) = self.history.get_mut(&event.key) {
                if history.compact(rev) {
                    self.history.remove(&event.key);
                }
            }
        }
    }
}
