//! This node's standing in a cluster, as `/readyz` reports it: whether it is draining (drain
//! or maintenance mode, and the start of a graceful shutdown) and what its gateway last heard
//! from the store. The binary hands in the flags the gateway keeps; the web crate only reads
//! them (it never calls the gateway, DESIGN.md §5).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wadah_store::FeedStatus;

/// Shared flags; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct NodeState {
    draining: Arc<AtomicBool>,
    feed: Option<Arc<FeedStatus>>,
}

impl NodeState {
    /// `draining` is the node's drain flag (shared with its gateway); `feed` what the gateway's
    /// snapshot refresher last heard from the store.
    pub fn new(draining: Arc<AtomicBool>, feed: Option<Arc<FeedStatus>>) -> Self {
        Self { draining, feed }
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }

    /// Enters (`true`) or leaves drain mode.
    pub fn set_draining(&self, on: bool) {
        self.draining.store(on, Ordering::Release);
    }

    /// The registry version the gateway serves, when this node runs one.
    pub fn serving_version(&self) -> Option<i64> {
        self.feed.as_ref().map(|f| f.version())
    }
}
