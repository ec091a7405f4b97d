//! Unit tests for the MVCC store: preconditions, etcd's per-key revision bookkeeping,
//! time-travel reads, the event log and compaction (automatic and explicit).
//!
//! The randomized model check lives in `random_tests.rs`.

use super::*;

/// The store under test: string values, and a small integer as the write's metadata.
type S = Store<&'static str, u32>;

/// Builds the module doc's worked example: a, b, a, delete a, a, delete a (revs 2..=7).
fn worked_example(window: u64) -> S {
    let mut s = S::new(window);
    assert_eq!(s.put("a", "x", Precondition::None, 0), Ok(2));
    assert_eq!(s.put("b", "y", Precondition::None, 0), Ok(3));
    assert_eq!(s.put("a", "z", Precondition::None, 0), Ok(4));
    assert_eq!(s.delete("a", Precondition::None, 0), Ok(5));
    assert_eq!(s.put("a", "w", Precondition::None, 0), Ok(6));
    assert_eq!(s.delete("a", Precondition::None, 0), Ok(7));
    s
}

/// Reads `key` at `rev` as (value, create_revision, mod_revision, version).
fn at(s: &S, key: &str, rev: Revision) -> Option<(&'static str, u64, u64, u64)> {
    let kv = s.get_at(key, rev).ok()??;
    Some((kv.value, kv.create_revision, kv.mod_revision, kv.version))
}

/// A retained history entry as (mod_revision, value or `None` for a tombstone).
type HistoryEntry = (u64, Option<&'static str>);

/// Retained history entries of `key`.
fn entries(s: &S, key: &str) -> Vec<HistoryEntry> {
    s.history.get(key).map_or_else(Vec::new, |h| {
        h.entries()
            .iter()
            .map(|e| (e.mod_revision, e.value))
            .collect()
    })
}

#[test]
fn empty_store_is_at_revision_one_and_first_write_gets_two() {
    // etcd: a new store's current revision is 1; the first write creates revision 2.
    let mut s = S::new(10);
    assert_eq!((s.revision(), s.next_revision(), s.compacted()), (1, 2, 1));
    assert_eq!(s.get_at("a", 1), Ok(None));
    assert_eq!(s.put("a", "x", Precondition::None, 7), Ok(2));
    assert_eq!((s.revision(), s.next_revision()), (2, 3));
    let e = s.event(2).cloned();
    assert_eq!(e.map(|e| (e.event_type, e.meta)), Some((EventType::Put, 7)));
}

#[test]
fn preconditions_on_put() {
    // Kubernetes create = MustNotExist, update = ModRevision(resourceVersion).
    let mut s = S::new(10);
    let nf = |k: &str| Err(StoreError::NotFound { key: k.into() });
    assert_eq!(s.put("a", "1", Precondition::MustExist, 0), nf("a"));
    assert_eq!(s.put("a", "1", Precondition::ModRevision(1), 0), nf("a"));
    assert_eq!(s.put("a", "1", Precondition::MustNotExist, 0), Ok(2));
    assert_eq!(
        s.put("a", "2", Precondition::MustNotExist, 0),
        Err(StoreError::AlreadyExists { key: "a".into() })
    );
    assert_eq!(s.put("a", "2", Precondition::MustExist, 0), Ok(3));
    assert_eq!(
        s.put("a", "3", Precondition::ModRevision(2), 0),
        Err(StoreError::Conflict {
            key: "a".into(),
            expected: 2,
            actual: 3
        })
    );
    assert_eq!(s.put("a", "3", Precondition::ModRevision(3), 0), Ok(4));
    assert_eq!(s.put("a", "4", Precondition::None, 0), Ok(5));
    assert_eq!(s.put("b", "1", Precondition::None, 0), Ok(6));
    // Failed writes take no revision and leave no event.
    assert_eq!(s.revision(), 6);
    assert_eq!(s.events_since("", 1).map(|i| i.count()), Ok(5));
    assert_eq!(s.get("a").map(|kv| kv.value), Some("4"));
}

#[test]
fn preconditions_on_delete() {
    // etcd's DeleteRange of a missing key deletes nothing; the Kubernetes registry turns that
    // into NotFound, which the store reports directly whatever the precondition.
    let mut s = S::new(10);
    for pre in [
        Precondition::None,
        Precondition::MustExist,
        Precondition::MustNotExist,
        Precondition::ModRevision(1),
    ] {
        assert_eq!(
            s.delete("a", pre, 0),
            Err(StoreError::NotFound { key: "a".into() })
        );
    }
    assert_eq!(s.put("a", "1", Precondition::None, 0), Ok(2));
    assert_eq!(
        s.delete("a", Precondition::MustNotExist, 0),
        Err(StoreError::AlreadyExists { key: "a".into() })
    );
    assert_eq!(
        s.delete("a", Precondition::ModRevision(9), 0),
        Err(StoreError::Conflict {
            key: "a".into(),
            expected: 9,
            actual: 2
        })
    );
    assert_eq!(s.revision(), 2);
    assert_eq!(s.delete("a", Precondition::ModRevision(2), 0), Ok(3));
    assert_eq!(s.put("a", "1", Precondition::None, 0), Ok(4));
    assert_eq!(s.delete("a", Precondition::MustExist, 0), Ok(5));
    assert_eq!(s.put("a", "1", Precondition::None, 0), Ok(6));
    assert_eq!(s.delete("a", Precondition::None, 0), Ok(7));
    assert!(s.get("a").is_none());
}

#[test]
fn versions_and_revisions_across_delete_and_recreate() {
    // etcd: version counts writes in the current life and a delete resets it; a re-create
    // gets a new create_revision. This is the module doc's table, row by row.
    let s = worked_example(100);
    let expected = [
        (1, None),
        (2, Some(("x", 2, 2, 1))),
        (3, Some(("x", 2, 2, 1))),
        (4, Some(("z", 2, 4, 2))),
        (5, None),
        (6, Some(("w", 6, 6, 1))),
        (7, None),
    ];
    for (rev, want) in expected {
        assert_eq!(at(&s, "a", rev), want, "get_at(a, {rev})");
    }
    // The events carry the same bookkeeping, and prev is the value each write replaced.
    let got: Vec<_> = s
        .events_since("a", 1)
        .into_iter()
        .flatten()
        .map(|e| {
            (
                e.revision,
                e.event_type,
                e.value,
                e.prev,
                e.create_revision,
                e.version,
            )
        })
        .collect();
    use EventType::{Delete, Put};
    let want = vec![
        (2, Put, Some("x"), None, 2, 1),
        (4, Put, Some("z"), Some("x"), 2, 2),
        (5, Delete, None, Some("z"), 2, 0),
        (6, Put, Some("w"), None, 6, 1),
        (7, Delete, None, Some("w"), 6, 0),
    ];
    assert_eq!(got, want);
}

#[test]
fn compaction_keeps_what_the_module_doc_says() {
    // etcd key_index.go: compaction removes the revisions <= C except the one visible at C;
    // here a tombstone visible at C goes too, and an empty history forgets the key.
    let mut s = worked_example(100);
    let all = [
        (2, Some("x")),
        (4, Some("z")),
        (5, None),
        (6, Some("w")),
        (7, None),
    ];
    let steps: [(u64, &[HistoryEntry]); 5] = [
        (3, &all[..]),
        (4, &all[1..]),
        (5, &all[3..]),
        (6, &all[3..]),
        (7, &[]),
    ];
    for (c, want) in steps {
        assert_eq!(s.compact(c), Ok(()));
        assert_eq!(entries(&s, "a"), want, "history of a after compact({c})");
        // Every read at or after C still gives the uncompacted answer.
        let fresh = worked_example(100);
        for rev in c..=7 {
            assert_eq!(s.get_at("a", rev), fresh.get_at("a", rev), "rev {rev}");
        }
    }
    assert!(!s.history.contains_key("a"));
    // The untouched key b keeps its one live entry.
    assert_eq!(entries(&s, "b"), vec![(3, Some("y"))]);
}

#[test]
fn get_at_and_range_at_at_every_past_revision() {
    // etcd Range with a revision returns the state as of that revision, for every
    // retained revision, including keys absent then.
    let mut s = S::new(100);
    let ops = [
        ("/p/a", "1"),
        ("/p/b", "2"),
        ("/q/a", "3"),
        ("/p/a", "4"),
        ("/p/b", ""),
        ("/p/b", "5"),
        ("/p/a", ""),
        ("/p/c", "6"),
        ("/p/b", "7"),
    ];
    let keys = ["/p/a", "/p/b", "/p/c", "/q/a"];
    let snapshot = |s: &S| {
        let listed: Vec<_> = s.range("/p/").cloned().collect();
        let got: Vec<_> = keys.iter().map(|k| s.get(k).cloned()).collect();
        (listed, got)
    };
    let mut snapshots = vec![snapshot(&s)]; // snapshots[i] is revision i + 1
    for (key, value) in ops {
        let written = if value.is_empty() {
            s.delete(key, Precondition::MustExist, 0)
        } else {
            s.put(key, value, Precondition::None, 0)
        };
        assert_eq!(written, Ok(snapshots.len() as u64 + 1));
        snapshots.push(snapshot(&s));
    }
    for (i, (listed, got)) in snapshots.iter().enumerate() {
        let rev = i as u64 + 1;
        assert_eq!(
            s.range_at("/p/", rev).as_ref(),
            Ok(listed),
            "range_at {rev}"
        );
        for (key, want) in keys.iter().zip(got) {
            assert_eq!(
                s.get_at(key, rev).as_ref(),
                Ok(want),
                "get_at({key}, {rev})"
            );
        }
    }
}

#[test]
fn events_since_every_retained_revision() {
    // A watch from resourceVersion W delivers every write after W exactly once, in order.
    let s = worked_example(100);
    for after in 1..=7 {
        let revs: Vec<_> = s
            .events_since("", after)
            .into_iter()
            .flatten()
            .map(|e| e.revision)
            .collect();
        assert_eq!(revs, ((after + 1)..=7).collect::<Vec<_>>());
    }
    let only_b: Vec<_> = s
        .events_since("b", 1)
        .into_iter()
        .flatten()
        .map(|e| e.revision)
        .collect();
    assert_eq!(only_b, vec![3]);
}

#[test]
fn compaction_boundaries() {
    // etcd: reads below the compact revision fail with ErrCompacted, above the current
    // revision with ErrFutureRev; compacting at or below the compact revision is
    // ErrCompacted and above the current revision ErrFutureRev.
    let mut s = worked_example(100);
    assert_eq!(
        s.compact(8),
        Err(StoreError::FutureRevision {
            requested: 8,
            current: 7
        })
    );
    assert_eq!(s.compact(4), Ok(()));
    assert_eq!(s.compacted(), 4);
    let compacted = |requested| StoreError::Compacted {
        requested,
        compacted: 4,
    };
    assert_eq!(s.compact(4), Err(compacted(4)));
    assert_eq!(s.compact(3), Err(compacted(3)));
    assert_eq!(s.get_at("a", 3), Err(compacted(3)));
    assert_eq!(s.range_at("", 3), Err(compacted(3)));
    assert!(matches!(s.events_since("", 3), Err(e) if e == compacted(3)));
    assert_eq!(at(&s, "a", 4), Some(("z", 2, 4, 2)));
    assert_eq!(s.range_at("", 4).map(|v| v.len()), Ok(2));
    let revs: Vec<_> = s
        .events_since("", 4)
        .into_iter()
        .flatten()
        .map(|e| e.revision)
        .collect();
    assert_eq!(revs, vec![5, 6, 7]);
    assert!(s.event(4).is_none());
    assert_eq!(s.event(5).map(|e| e.revision), Some(5));
    assert_eq!(s.event(7).map(|e| e.revision), Some(7));
    assert!(s.event(8).is_none());
    let future = StoreError::FutureRevision {
        requested: 8,
        current: 7,
    };
    assert_eq!(s.get_at("a", 8), Err(future.clone()));
    assert_eq!(s.range_at("", 8), Err(future.clone()));
    assert!(matches!(s.events_since("", 8), Err(e) if e == future));
    assert_eq!(s.events_since("", 7).map(|i| i.count()), Ok(0));
}

#[test]
fn auto_compaction_keeps_the_last_window_events() {
    // The engine's stand-in for the API server's periodic etcd compaction.
    let mut s = S::new(3);
    for i in 0..10u32 {
        let key = if i % 2 == 0 { "a" } else { "b" };
        assert!(s.put(key, "v", Precondition::None, i).is_ok());
    }
    assert_eq!((s.revision(), s.compacted()), (11, 8));
    assert_eq!(s.events.len(), 3);
    assert!(s.event(8).is_none());
    assert_eq!(s.event(9).map(|e| e.meta), Some(7));
    assert!(s.events_since("", 7).is_err());
    assert_eq!(s.events_since("", 8).map(|i| i.count()), Ok(3));
    // a was written at 2, 4, .., 10 and b at 3, .., 11: only entries visible from 8 on stay.
    assert_eq!(entries(&s, "a"), vec![(8, Some("v")), (10, Some("v"))]);
    assert_eq!(
        entries(&s, "b"),
        vec![(7, Some("v")), (9, Some("v")), (11, Some("v"))]
    );
    // A deleted key is forgotten once its tombstone leaves the window.
    assert_eq!(s.delete("a", Precondition::None, 0), Ok(12));
    assert!(s.history.contains_key("a"));
    for _ in 0..3 {
        assert!(s.put("b", "w", Precondition::None, 0).is_ok());
    }
    assert_eq!(s.compacted(), 12);
    assert!(!s.history.contains_key("a"));
    assert_eq!(s.get_at("a", 12), Ok(None));
}

#[test]
fn zero_window_keeps_only_the_current_state() {
    // With no history at all, reads at the current revision and an empty watch still work.
    let mut s = S::new(0);
    assert_eq!(s.put("a", "x", Precondition::None, 0), Ok(2));
    assert_eq!(s.delete("a", Precondition::None, 0), Ok(3));
    assert_eq!(s.put("b", "y", Precondition::None, 0), Ok(4));
    assert_eq!(s.compacted(), 4);
    assert!(s.events.is_empty());
    assert!(!s.history.contains_key("a"));
    assert_eq!(at(&s, "b", 4), Some(("y", 4, 4, 1)));
    assert_eq!(s.events_since("", 4).map(|i| i.count()), Ok(0));
}

#[test]
fn prefixes_are_plain_byte_prefixes() {
    // etcd ranges over [prefix, prefix+1): "/registry/pods/" never matches
    // "/registry/podsx/..", while the prefix without '/' matches both.
    let mut s = S::new(100);
    for key in [
        "/registry/pod",
        "/registry/pods",
        "/registry/pods/default/a",
        "/registry/pods/kube-system/b",
        "/registry/podsx/default/c",
        "/registry/pods0",
        "/registry/services/default/d",
    ] {
        assert!(s.put(key, "v", Precondition::None, 0).is_ok());
    }
    let keys = |p: &str| s.range(p).map(|kv| kv.key.to_string()).collect::<Vec<_>>();
    assert_eq!(
        keys("/registry/pods/"),
        vec!["/registry/pods/default/a", "/registry/pods/kube-system/b"]
    );
    assert_eq!(keys("/registry/pods").len(), 5);
    assert_eq!(s.count("/registry/pods/"), 2);
    assert_eq!(s.count(""), 7);
    assert_eq!(s.count("/registry/pods/z"), 0);
    assert_eq!(s.count("~"), 0);
    let at_now = s
        .range_at("/registry/pods/", s.revision())
        .unwrap_or_default();
    assert_eq!(at_now.len(), 2);
    let at_past = s.range_at("/registry/pods/", 5).unwrap_or_default();
    assert_eq!(at_past.len(), 2);
    let watched = s.events_since("/registry/pods/", 1).map(|i| i.count());
    assert_eq!(watched, Ok(2));
}

#[test]
fn extreme_inputs_do_not_panic() {
    // The store runs in a browser page: no input may panic it.
    let mut s = worked_example(2);
    let max = u64::MAX;
    assert!(s.get_at("a", max).is_err() && s.get_at("a", 0).is_err());
    assert!(s.range_at("", max).is_err() && s.range_at("", 0).is_err());
    assert!(s.events_since("", max).is_err() && s.events_since("", 0).is_err());
    assert!(s.event(0).is_none() && s.event(max).is_none());
    assert!(s.compact(0).is_err() && s.compact(max).is_err());
    assert!(s.put("a", "v", Precondition::ModRevision(max), 0).is_err());
    assert!(s.put("", "empty key", Precondition::None, 0).is_ok());
    assert_eq!(s.get("").map(|kv| kv.value), Some("empty key"));
    let mut big = Store::<&str, ()>::new(max);
    assert_eq!(big.put("a", "v", Precondition::None, ()), Ok(2));
    assert_eq!(big.compacted(), 1);
}

#[test]
fn display_uses_etcd_messages() {
    // etcd's ErrCompacted and ErrFutureRev texts, which clients match on.
    let c = StoreError::Compacted {
        requested: 3,
        compacted: 4,
    };
    assert!(c
        .to_string()
        .starts_with("mvcc: required revision has been compacted"));
    let f = StoreError::FutureRevision {
        requested: 9,
        current: 7,
    };
    assert!(f
        .to_string()
        .starts_with("mvcc: required revision is a future revision"));
}

#[test]
fn range_rev_walks_a_prefix_newest_key_first() {
    let mut s: Store<u32, ()> = Store::new(100);
    for k in [
        "/e/ns/web.01",
        "/e/ns/web.02",
        "/e/ns/web.03",
        "/e/ns/webx.01",
        "/e/ns/wea.09",
    ] {
        assert!(s.put(k, 1, Precondition::None, ()).is_ok());
    }
    let keys: Vec<&str> = s.range_rev("/e/ns/web.").map(|kv| &*kv.key).collect();
    assert_eq!(keys, ["/e/ns/web.03", "/e/ns/web.02", "/e/ns/web.01"]);
    // A non-ASCII last byte falls back to a forward scan, reversed.
    assert!(s.put("/e/é", 1, Precondition::None, ()).is_ok());
    assert_eq!(s.range_rev("/e/é").count(), 1);
    assert_eq!(s.range_rev("").count(), 6);
}
