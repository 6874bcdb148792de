//! The gateway: the exchange between agency applications (DESIGN.md §1, §3, §4).
//!
//! Every call on the gateway listener runs one explicit pipeline of phases over a
//! [`ctx::RequestCtx`]. The hot path reads only an immutable [`snapshot::Snapshot`] of the
//! registry, swapped atomically when the registry changes; it never touches the store.
//!
//! ```text
//!             ┌───────────── Snapshot (ArcSwap; rebuilt by `refresh` when the registry version moves)
//!             │   routes (+ upstream client, opened upstream credential) · API-key digests ·
//!             │   OAuth2 clients · certificate fingerprints · rights · rate-limit cells · circuits
//!             │           ┌── KeySet (ArcSwap; `keys` reloads it): signs tokens and assertions
//!             ▼           ▼
//! [tls: handshake in the connection's task; verified client certificate → request extension]
//! request ─▶ request_id ─▶ auth ─▶ route ─▶ authorize ─▶ limit ─▶ audit: admission ─▶ forward ─▶ upstream
//!              (every       401     400/404    403         429     (strict: durable     │  circuit open: 503
//!               response                                           before forwarding;   │  502/504/413/408
//!               has one)    └────── refused: counted in metrics + one    503 if not)    │  (consumer credential out,
//!                                   aggregated evidence record per window               │   upstream credential in)
//!                                                                                       ▼
//!                                                                            response streamed back
//!                                                                            └▶ audit: outcome
//!
//! health: one probe loop per upstream with a check ──▶ circuit (down: open)
//! audit writer thread ── group commit + fdatasync ── segment files ── signed checkpoints
//!        │ (durable mark)                                   (every 10 s / N records / segment end / stop)
//!        └─▶ indexer task ── batches ──▶ store evidence index (`/api/v1/audit`; never per request)
//! ```
//!
//! `auth` accepts API keys (`wdh_…`) and access tokens (ES256 JWTs from `POST /oauth2/token`,
//! `token`), verified locally against the `KeySet` and the snapshot. `forward` adds a signed
//! gateway assertion (`X-Wadah-Assertion`, `assertion`) that an upstream verifies with the
//! keys at `GET /.well-known/jwks.json`.
//!
//! # Layout
//! - [`Gateway`] (`gateway.rs`): build, bind, serve, drain; [`GatewayConfig`] (`config.rs`);
//! - `pipeline`: the phases in order; `auth`, `path`, `authorize`, `limit`, `forward`
//!   (`headers`, `body`): one module per phase; `problem`: the error-code table;
//! - `snapshot`, `refresh`: the registry picture and its 200 ms poll;
//! - `upstream`: pooled upstream clients (TLS with system roots + per-service CA, HTTP/2 by
//!   ALPN) and upstream credentials (opened at snapshot build, OAuth2 tokens cached);
//! - `circuit` (`breaker`): each upstream's circuit breaker and health verdict, shared by its
//!   routes and carried across snapshots; `health`: the active health-check loops;
//! - [`audit`]: the evidence log (writer thread with group commit, signed checkpoints,
//!   rotation and retention, segment files, verify and export, the background indexer; the
//!   record format is `wadah_domain::audit`);
//! - `directory`: `/_wadah/services`; `metrics`; `request_id`;
//! - `token` (`POST /oauth2/token`), [`jwt`] (ES256 compact JWS), [`keys`] (signing keys in
//!   the store, rotation, `/.well-known/jwks.json`), `assertion` (`X-Wadah-Assertion`).
//! - [`tls`]: the optional TLS listener and client certificates (`auth::cert` maps them to
//!   consumers).

mod assertion;
pub mod audit;
pub mod auth;
mod authorize;
mod body;
mod breaker;
mod circuit;
pub mod cluster_limit;
mod config;
mod ctx;
mod directory;
mod forward;
mod gateway;
mod headers;
mod health;
pub mod jwt;
pub mod keys;
mod limit;
mod metrics;
pub mod path;
mod pipeline;
pub mod problem;
mod refresh;
mod request_id;
mod snapshot;
pub mod tls;
mod token;
mod upstream;
pub mod webapp;

use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;
use wadah_domain::Clock;
use wadah_domain::secret::Random;

pub use circuit::CircuitView;
pub use cluster_limit::{ClusterLimitConfig, RedisUnavailable};
pub use config::{AuditDurability, BreakerConfig, GatewayConfig, default_node_id};
pub use gateway::{Gateway, StartError};
pub use keys::OauthConfig;
pub use request_id::RequestId;
pub use tls::{ClientAuth, PeerCertificate, TlsConfig};

/// What every phase shares: read-mostly, cheap to clone behind an `Arc`.
pub(crate) struct Shared {
    pub config: GatewayConfig,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    pub snapshot: Arc<ArcSwap<snapshot::Snapshot>>,
    pub audit: audit::AuditLog,
    /// The keys that sign access tokens and assertions (reloaded by `keys::spawn`).
    pub signing: Arc<ArcSwap<keys::KeySet>>,
    /// Failed-authentication counters of the token endpoint.
    pub throttle: token::Throttle,
    /// The monotonic origin of rate-limit time.
    pub origin: Instant,
    /// What the refresher last heard from the store (`/healthz` says whether it is degraded).
    pub feed: Arc<wadah_store::FeedStatus>,
    /// Drain (maintenance) mode: `/healthz` answers 503 so a load balancer moves traffic away,
    /// while requests are still served.
    pub draining: Arc<std::sync::atomic::AtomicBool>,
    /// The cluster-wide limit in Redis, asked after the local limit admits (`None`: local only).
    pub cluster_limit: Option<Arc<cluster_limit::ClusterLimiter>>,
}
