//! The change feed: how a node learns that the registry may have changed (DESIGN.md §5), and
//! what it last heard from the store.
//!
//! A signal is a *hint*, never the truth: a reader that wakes still compares
//! `registry_version()` and reads a consistent view, and keeps a slow poll as a safety net,
//! so a lost signal (a dropped LISTEN connection, a restart) only delays a change, never
//! loses it. The embedded engine signals in-process after each commit; PostgreSQL also
//! relays other nodes' commits (`NOTIFY` in the write transaction, `LISTEN` per node).

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

/// Wakes (its value moves) whenever a registry change may have been committed.
pub type ChangeSignal = tokio::sync::watch::Receiver<u64>;

/// The engine's change feed.
pub trait ChangeFeed: Send + Sync {
    /// A fresh subscription; `None` when the engine has no feed (readers then only poll).
    fn subscribe_changes(&self) -> Option<ChangeSignal>;
}

/// What this node last heard from the store, written by the one that polls (the gateway's
/// snapshot refresher) and read by `/readyz` and the metrics. Lock-free, shared by `Arc`.
#[derive(Debug)]
pub struct FeedStatus {
    reachable: AtomicBool,
    version: AtomicI64,
    /// When the store was last reached (ms since the epoch; 0: never).
    last_ok_ms: AtomicI64,
}

impl Default for FeedStatus {
    fn default() -> Self {
        Self {
            reachable: AtomicBool::new(true),
            version: AtomicI64::new(0),
            last_ok_ms: AtomicI64::new(0),
        }
    }
}

impl FeedStatus {
    /// The store answered at `now_ms`; the snapshot serves `version`.
    pub fn reached(&self, version: i64, now_ms: i64) {
        self.version.store(version, Ordering::Relaxed);
        self.last_ok_ms.store(now_ms, Ordering::Relaxed);
        self.reachable.store(true, Ordering::Release);
    }

    /// The store did not answer; the node keeps serving its last snapshot.
    pub fn unreachable(&self) {
        self.reachable.store(false, Ordering::Release);
    }

    pub fn is_reachable(&self) -> bool {
        self.reachable.load(Ordering::Acquire)
    }

    /// The registry version the node serves.
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Relaxed)
    }

    /// When the store was last reached (ms since the epoch), if ever.
    pub fn last_ok_ms(&self) -> Option<i64> {
        Some(self.last_ok_ms.load(Ordering::Relaxed)).filter(|ms| *ms > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_last_answer() {
        let s = FeedStatus::default();
        assert!(s.is_reachable() && s.last_ok_ms().is_none());
        s.reached(7, 1_000);
        s.unreachable();
        assert!(!s.is_reachable());
        assert_eq!((s.version(), s.last_ok_ms()), (7, Some(1_000)));
        s.reached(8, 2_000);
        assert!(s.is_reachable());
    }
}
