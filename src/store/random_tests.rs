//! A deterministic randomized check of the store against a plain model.
//!
//! A fixed-seed xorshift drives a few thousand puts, deletes and compactions over 60 keys
//! in three key groups. After every write the test checks the store's current state, its
//! time-travel reads and its event log against a model that records a full snapshot per
//! revision, and checks the watch contract: for every retained revision R and prefix P,
//! applying `events_since(P, R)` to `range_at(P, R)` reproduces `range(P)`.

use super::*;
use std::collections::BTreeMap;

/// The model's view of one key: (value, create_revision, mod_revision, version).
type ModelKv = (u32, Revision, Revision, u64);

/// The model's whole state at one revision.
type Snapshot = BTreeMap<String, ModelKv>;

/// Marsaglia's xorshift64: tiny, deterministic, good enough to pick operations.
struct XorShift(u64);

impl XorShift {
    /// Returns the next pseudo-random number.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// Returns a number in `0..n` (n > 0).
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Converts a store key-value into the model's tuple.
fn model_kv(kv: &KeyValue<u32>) -> (String, ModelKv) {
    let t = (kv.value, kv.create_revision, kv.mod_revision, kv.version);
    (kv.key.to_string(), t)
}

/// Keeps the snapshot entries whose key starts with `prefix`.
fn under(snapshot: &Snapshot, prefix: &str) -> Snapshot {
    snapshot
        .iter()
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.clone(), *v))
        .collect()
}

/// Checks the watch contract and the time-travel reads for every retained revision.
fn check_history(s: &Store<u32, usize>, snapshots: &[Snapshot]) {
    let current = s.revision();
    for prefix in ["/a/", "/b/"] {
        let now: Snapshot = s.range(prefix).map(model_kv).collect();
        assert_eq!(now, under(&snapshots[current as usize], prefix));
        for rev in s.compacted()..=current {
            let past = s.range_at(prefix, rev).unwrap_or_default();
            let mut state: Snapshot = past.iter().map(model_kv).collect();
            assert_eq!(
                state,
                under(&snapshots[rev as usize], prefix),
                "range_at {rev}"
            );
            let mut last = rev;
            let mut seen = 0;
            for e in s.events_since(prefix, rev).into_iter().flatten() {
                assert!(e.revision > last, "events out of order at {}", e.revision);
                assert!(e.key.starts_with(prefix));
                last = e.revision;
                seen += 1;
                match (&e.event_type, e.value) {
                    (EventType::Put, Some(v)) => {
                        let t = (v, e.create_revision, e.revision, e.version);
                        state.insert(e.key.to_string(), t);
                    }
                    _ => {
                        assert_eq!(e.event_type, EventType::Delete);
                        assert!(state.remove(&*e.key).is_some());
                    }
                }
            }
            // Each write under the prefix after `rev` shows up exactly once.
            let expected = (rev + 1..=current)
                .filter(|r| s.event(*r).is_some_and(|e| e.key.starts_with(prefix)))
                .count();
            assert_eq!(seen, expected);
            assert_eq!(state, now, "events_since({prefix}, {rev}) replay");
        }
    }
}

#[test]
fn random_writes_match_the_model_and_replay_to_the_current_state() {
    // etcd's watch guarantee: a watcher that lists at R and watches from R sees the same
    // state as a fresh list, for every retained R; compaction bounds memory.
    const WINDOW: u64 = 24;
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let mut s: Store<u32, usize> = Store::new(WINDOW);
    let keys: Vec<String> = (0..60)
        .map(|i| format!("{}{}", ["/a/", "/b/", "/ax/"][i % 3], i))
        .collect();
    let mut model = Snapshot::new();
    let mut snapshots = vec![Snapshot::new(), Snapshot::new()]; // revisions 0 and 1
    let mut writes = 0;
    for step in 0..3000usize {
        let key = &keys[rng.below(keys.len() as u64) as usize];
        let old = model.get(key).copied();
        let pre = match rng.below(5) {
            0 => Precondition::MustNotExist,
            1 => Precondition::MustExist,
            2 => Precondition::ModRevision(old.map_or(1, |o| o.2)),
            3 => Precondition::ModRevision(rng.below(s.revision() + 2)),
            _ => Precondition::None,
        };
        let rev = s.next_revision();
        let wants_delete = rng.below(10) < 3;
        let result = if wants_delete {
            s.delete(key, pre, step)
        } else {
            s.put(key, step as u32, pre, step)
        };
        let allowed = match (pre, old) {
            (Precondition::None, _) => old.is_some() || !wants_delete,
            (Precondition::MustNotExist, o) => o.is_none() && !wants_delete,
            (Precondition::MustExist, o) => o.is_some(),
            (Precondition::ModRevision(r), o) => o.is_some_and(|o| o.2 == r),
        };
        assert_eq!(
            result.is_ok(),
            allowed,
            "step {step}: {pre:?} on {key}: {result:?}"
        );
        if let Ok(r) = result {
            assert_eq!(r, rev);
            writes += 1;
            if wants_delete {
                model.remove(key);
            } else {
                let (create, version) = old.map_or((rev, 1), |o| (o.1, o.3 + 1));
                model.insert(key.clone(), (step as u32, create, rev, version));
            }
            snapshots.push(model.clone());
            debug_assert_eq!(snapshots.len() as u64, rev + 1);
        }
        if rng.below(50) == 0 {
            let target = s.compacted() + rng.below(s.revision() - s.compacted() + 1);
            let allowed = target > s.compacted();
            assert_eq!(s.compact(target).is_ok(), allowed);
        }
        // Bounded memory: at most WINDOW events, and history holds exactly one entry per
        // key live at the compaction revision plus one per retained event.
        assert_eq!(s.events.len() as u64, s.revision() - s.compacted());
        assert!(s.events.len() as u64 <= WINDOW);
        let entries: usize = s.history.values().map(|h| h.entries().len()).sum();
        let live_at_compacted = snapshots[s.compacted() as usize].len();
        assert_eq!(entries, live_at_compacted + s.events.len(), "step {step}");
        check_history(&s, &snapshots);
    }
    assert!(writes > 1000, "only {writes} writes succeeded");
    assert!(s.compacted() > 1000, "compacted only to {}", s.compacted());
}
