//! What every handler shares: the store, the clock, the source of randomness, the metrics handle
//! and the configuration. Cheap to clone (one `Arc`). Nothing here is global, so tests can run
//! many apps side by side.

use std::sync::Arc;

use metrics_exporter_prometheus::PrometheusHandle;
use wadah_domain::Clock;
use wadah_domain::policy::Principal;
use wadah_domain::secret::Random;
use wadah_domain::{Actor, Timestamp};
use wadah_seal::{KeyRing, MasterKey};
use wadah_store::{Change, Store};

use crate::config::WebConfig;

/// The shared state of the web router.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
    /// Seals the secrets the web API stores for later use (upstream credentials).
    keys: Arc<KeyRing>,
    /// Drain mode and the gateway's view of the store, for `/readyz`.
    node: crate::NodeState,
    /// Single sign-on's per-node caches (provider documents and keys) and client.
    sso: Arc<crate::sso::SsoRuntime>,
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    random: Arc<dyn Random>,
    metrics: PrometheusHandle,
    config: WebConfig,
}

impl AppState {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        random: Arc<dyn Random>,
        metrics: PrometheusHandle,
        config: WebConfig,
    ) -> Self {
        let sso = Arc::new(crate::sso::SsoRuntime::new(&config.sso));
        Self {
            sso,
            inner: Arc::new(Inner {
                store,
                clock,
                random,
                metrics,
                config,
            }),
            keys: Arc::new(KeyRing::new(ephemeral_key())),
            node: crate::NodeState::default(),
        }
    }

    /// The node's drain flag and its gateway's store status (default: not draining, no gateway).
    #[must_use]
    pub fn with_node(mut self, node: crate::NodeState) -> Self {
        self.node = node;
        self
    }

    pub fn node(&self) -> &crate::NodeState {
        &self.node
    }

    /// The node's master key ring; without this call, a random key that lives as long as the
    /// process (enough for tests, wrong for a server, whose sealed values must outlive it).
    #[must_use]
    pub fn with_keys(mut self, keys: Arc<KeyRing>) -> Self {
        self.keys = keys;
        self
    }

    pub fn sso(&self) -> &crate::sso::SsoRuntime {
        &self.sso
    }

    pub fn keys(&self) -> &KeyRing {
        &self.keys
    }

    pub fn store(&self) -> &dyn Store {
        self.inner.store.as_ref()
    }

    /// The store as a shared handle, for background tasks that outlive a request.
    pub fn store_handle(&self) -> Arc<dyn Store> {
        self.inner.store.clone()
    }

    /// The clock as a shared handle, for background tasks.
    pub fn clock_handle(&self) -> Arc<dyn Clock> {
        self.inner.clock.clone()
    }

    pub fn random(&self) -> &dyn Random {
        self.inner.random.as_ref()
    }

    pub fn now(&self) -> Timestamp {
        self.inner.clock.now()
    }

    pub fn metrics(&self) -> &PrometheusHandle {
        &self.inner.metrics
    }

    pub fn config(&self) -> &WebConfig {
        &self.inner.config
    }

    /// The "who and when" every write records.
    pub fn change_by(&self, principal: &Principal) -> Change {
        Change {
            actor: Actor::user(&principal.username),
            at: self.now(),
        }
    }
}

fn ephemeral_key() -> MasterKey {
    let mut bytes = [0u8; 32];
    if getrandom::fill(&mut bytes).is_err() {
        // Only sealing in this process depends on it; a zero key would be guessable, so stop.
        std::process::abort();
    }
    MasterKey::from_bytes(&bytes)
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("engine", &self.inner.store.engine())
            .field("clock", &self.inner.clock)
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}
