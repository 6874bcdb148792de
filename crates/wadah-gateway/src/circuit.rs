//! The per-upstream state the hot path consults before calling out: the [`Breaker`] and the
//! active health checks' verdict. One [`Circuit`] per distinct upstream (`scheme://host:port`):
//! services that share an upstream share its circuit, because refused connections and
//! timeouts are facts about the host, not about one service. The [`Circuits`] map lives in
//! the snapshot and is carried over when the snapshot is rebuilt (like the rate-limit cells),
//! so a registry change never closes an open circuit or forgets a down upstream.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

use axum::http::{HeaderValue, header};

use crate::breaker::{Admit, Breaker, BreakerConfig, State, Transition};
use crate::limit::ceil_secs;
use crate::metrics;
use crate::problem::{Code, GatewayError};

/// What the active health checks last concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// No check configured, or not enough probes yet.
    Unknown = 0,
    Up = 1,
    Down = 2,
}

/// One upstream's breaker and health.
#[derive(Debug)]
pub struct Circuit {
    /// `scheme://authority`: the metrics label and the map key.
    pub upstream: String,
    breaker: Breaker,
    health: AtomicU8,
}

impl Circuit {
    fn new(upstream: String) -> Self {
        metrics::circuit_state(&upstream, State::Closed);
        Self {
            upstream,
            breaker: Breaker::new(),
            health: AtomicU8::new(Health::Unknown as u8),
        }
    }

    /// Before calling the upstream: `Ok` to go ahead, or the 503 that refuses without a call.
    pub fn admit(&self, config: &BreakerConfig, now_ms: u64) -> Result<(), GatewayError> {
        let (admit, transition) = self.breaker.admit(config, now_ms);
        self.note(transition);
        match admit {
            Admit::Yes | Admit::Probe => Ok(()),
            Admit::No { retry_after } => {
                let secs = ceil_secs(u64::try_from(retry_after.as_nanos()).unwrap_or(u64::MAX)).max(1);
                Err(GatewayError::new(
                    Code::UpstreamCircuitOpen,
                    "the upstream failed repeatedly or is down; the gateway is not calling it for now",
                )
                .with_header(header::RETRY_AFTER, HeaderValue::from(secs)))
            }
        }
    }

    /// After an exchange: whether the upstream answered usably (see `breaker` for the rule).
    pub fn record(&self, config: &BreakerConfig, now_ms: u64, success: bool) {
        let transition = self.breaker.record(config, now_ms, success);
        self.note(transition);
    }

    pub fn state(&self) -> State {
        self.breaker.state()
    }

    pub fn health(&self) -> Health {
        match self.health.load(Ordering::Relaxed) {
            1 => Health::Up,
            2 => Health::Down,
            _ => Health::Unknown,
        }
    }

    /// A health verdict: down opens the circuit (and keeps it open while probes fail), up
    /// after being down closes it.
    pub fn set_health(&self, health: Health, now_ms: u64) {
        let before = self.health.swap(health as u8, Ordering::Relaxed);
        metrics::upstream_up(&self.upstream, health);
        match health {
            Health::Down => self.note(self.breaker.trip(now_ms)),
            Health::Up if before == Health::Down as u8 => self.note(self.breaker.reset()),
            _ => {}
        }
    }

    fn note(&self, transition: Option<Transition>) {
        if let Some(t) = transition {
            tracing::info!(upstream = %self.upstream, from = t.from.as_str(), to = t.to.as_str(), "upstream circuit changed");
            metrics::circuit_transition(&self.upstream, t.to);
        }
    }
}

/// The gateway's monotonic ms (the breaker's time), from its origin instant.
pub fn now_ms(origin: std::time::Instant) -> u64 {
    u64::try_from(origin.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Whether an exchange's result speaks for or against the upstream (failed: no usable answer).
pub fn failed(result: Result<u16, Code>) -> Option<bool> {
    match result {
        Ok(status) => Some(matches!(status, 502..=504)),
        Err(Code::UpstreamUnavailable | Code::UpstreamError | Code::UpstreamTimeout) => Some(true),
        // The consumer's fault (body too large or stalled): says nothing about the upstream.
        Err(_) => None,
    }
}

/// Every upstream's circuit, by `scheme://authority`.
#[derive(Debug, Default)]
pub struct Circuits {
    map: HashMap<String, Arc<Circuit>>,
}

impl Circuits {
    /// The circuit of `upstream`, carried over from `previous` when it had one.
    pub fn attach(&mut self, upstream: String, previous: Option<&Circuits>) -> Arc<Circuit> {
        if let Some(c) = self.map.get(&upstream) {
            return c.clone();
        }
        let circuit = previous
            .and_then(|p| p.map.get(&upstream).cloned())
            .unwrap_or_else(|| Arc::new(Circuit::new(upstream.clone())));
        self.map.insert(upstream, circuit.clone());
        circuit
    }

    pub fn get(&self, upstream: &str) -> Option<&Arc<Circuit>> {
        self.map.get(upstream)
    }
}

/// A read-only view of the circuits, for tests and tools (`Gateway::circuits`).
#[derive(Clone)]
pub struct CircuitView(Arc<arc_swap::ArcSwap<crate::snapshot::Snapshot>>);

impl std::fmt::Debug for CircuitView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CircuitView").finish_non_exhaustive()
    }
}

impl CircuitView {
    pub(crate) fn new(snapshot: Arc<arc_swap::ArcSwap<crate::snapshot::Snapshot>>) -> Self {
        Self(snapshot)
    }

    /// `(health, circuit state)` of `scheme://authority`: `unknown|up|down`,
    /// `closed|open|half_open`; `None` for an upstream no service uses.
    pub fn status(&self, upstream: &str) -> Option<(&'static str, &'static str)> {
        let snapshot = self.0.load();
        snapshot.circuits().get(upstream).map(|c| describe(c))
    }

    /// The same for the upstream of the service `agency/application/service`; `None` for an
    /// unknown service or one without an upstream the gateway can reach.
    pub fn service_status(&self, service: &str) -> Option<(&'static str, &'static str)> {
        let snapshot = self.0.load();
        snapshot.route(service)?.circuit.as_deref().map(describe)
    }
}

fn describe(c: &Circuit) -> (&'static str, &'static str) {
    let health = match c.health() {
        Health::Unknown => "unknown",
        Health::Up => "up",
        Health::Down => "down",
    };
    (health, c.state().as_str())
}
