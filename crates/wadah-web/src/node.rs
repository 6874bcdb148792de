//! This node's standing in a cluster, as `/readyz` reports it: whether it is draining (drain
//! or maintenance mode, and the start of a graceful shutdown) and what its gateway last heard
//! from the store. The binary hands in the flags the gateway keeps; the web crate only reads
//! them (it never calls the gateway, DESIGN.md §5).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use wadah_store::FeedStatus;

/// What this node's gateway knows of a service's upstream: `(health, circuit)` as
/// `unknown|up|down` and `closed|open|half_open`. Each node judges its upstreams itself, so
/// this is this node's view (DESIGN.md §5: the web crate never calls the gateway; the binary
/// hands this in).
pub trait UpstreamHealth: Send + Sync {
    fn service_status(&self, service: &str) -> Option<(&'static str, &'static str)>;
}

/// Shared flags; cheap to clone.
#[derive(Clone, Default)]
pub struct NodeState {
    draining: Arc<AtomicBool>,
    feed: Option<Arc<FeedStatus>>,
    upstreams: Option<Arc<dyn UpstreamHealth>>,
    /// The gateway's forwarding to web applications (`/app/…`); `None` without a gateway.
    web_apps: Option<Arc<dyn crate::webapp::WebAppForwarder>>,
}

impl std::fmt::Debug for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeState")
            .field("draining", &self.is_draining())
            .field("serving_version", &self.serving_version())
            .finish_non_exhaustive()
    }
}

impl NodeState {
    /// `draining` is the node's drain flag (shared with its gateway); `feed` what the gateway's
    /// snapshot refresher last heard from the store.
    pub fn new(draining: Arc<AtomicBool>, feed: Option<Arc<FeedStatus>>) -> Self {
        Self {
            draining,
            feed,
            upstreams: None,
            web_apps: None,
        }
    }

    /// This node's gateway's view of upstream health (the console's dashboard shows it).
    #[must_use]
    pub fn with_upstreams(mut self, upstreams: Arc<dyn UpstreamHealth>) -> Self {
        self.upstreams = Some(upstreams);
        self
    }

    /// This node's gateway's forwarding to web applications.
    #[must_use]
    pub fn with_web_apps(mut self, web_apps: Arc<dyn crate::webapp::WebAppForwarder>) -> Self {
        self.web_apps = Some(web_apps);
        self
    }

    pub fn web_apps(&self) -> Option<&dyn crate::webapp::WebAppForwarder> {
        self.web_apps.as_deref()
    }

    /// `(health, circuit)` of `service`'s upstream as this node's gateway sees it.
    pub fn upstream_status(&self, service: &str) -> Option<(&'static str, &'static str)> {
        self.upstreams.as_ref()?.service_status(service)
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
