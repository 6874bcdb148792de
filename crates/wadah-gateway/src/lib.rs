//! The gateway: the exchange between agency applications (DESIGN.md §1, §3, §4).
//!
//! Every call on the gateway listener runs one explicit pipeline of phases over a
//! [`ctx::RequestCtx`]. The hot path reads only an immutable [`snapshot::Snapshot`] of the
//! registry, swapped atomically when the registry changes; it never touches the store.
//!
//! ```text
//!             ┌───────────── Snapshot (ArcSwap; rebuilt by `refresh` when the registry version moves)
//!             │   routes · API-key digests · certificate fingerprints · rights · rate-limit cells
//!             ▼
//! [tls: handshake in the connection's task; verified client certificate → request extension]
//! request ─▶ request_id ─▶ auth ─▶ route ─▶ authorize ─▶ limit ─▶ audit: admission ─▶ forward ─▶ upstream
//!              (every       401     400/404    403         429     (strict: durable     │  502/504/413
//!               response                                           before forwarding;   │
//!               has one)    └────── refused: counted in metrics + one    503 if not)    ▼
//!                                   aggregated evidence record per window    response streamed back
//!                                                                            └▶ audit: outcome
//! ```
//!
//! # Layout
//! - [`Gateway`] (`gateway.rs`): build, bind, serve, drain; [`GatewayConfig`] (`config.rs`);
//! - `pipeline`: the phases in order; `auth`, `path`, `authorize`, `limit`, `forward`
//!   (`headers`, `body`): one module per phase; `problem`: the error-code table;
//! - `snapshot`, `refresh`: the registry picture and its 200 ms poll;
//! - [`audit`]: the evidence log (writer thread with group commit, segment files, verify and
//!   export; the record format is `wadah_domain::audit`);
//! - `directory`: `/_wadah/services`; `metrics`; `request_id`;
//! - [`tls`]: the optional TLS listener and client certificates (`auth::cert` maps them to
//!   consumers).

pub mod audit;
mod auth;
mod authorize;
mod body;
mod config;
mod ctx;
mod directory;
mod forward;
mod gateway;
mod headers;
mod limit;
mod metrics;
pub mod path;
mod pipeline;
pub mod problem;
mod refresh;
mod request_id;
mod snapshot;
pub mod tls;

use std::sync::Arc;
use std::time::Instant;

use arc_swap::ArcSwap;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use wadah_domain::Clock;
use wadah_domain::secret::Random;

pub use config::{AuditDurability, GatewayConfig, default_node_id};
pub use gateway::{Gateway, StartError};
pub use request_id::RequestId;
pub use tls::{ClientAuth, PeerCertificate, TlsConfig};

/// What every phase shares: read-mostly, cheap to clone behind an `Arc`.
pub(crate) struct Shared {
    pub config: GatewayConfig,
    pub clock: Arc<dyn Clock>,
    pub random: Arc<dyn Random>,
    /// Opens the sealed secrets in the registry (upstream credentials, signing keys).
    #[expect(
        dead_code,
        reason = "read by upstream credentials and signing keys, landing next"
    )]
    pub keys: Arc<wadah_seal::KeyRing>,
    pub snapshot: Arc<ArcSwap<snapshot::Snapshot>>,
    pub audit: audit::AuditLog,
    pub client: Client<HttpConnector, forward::Outgoing>,
    /// The monotonic origin of rate-limit time.
    pub origin: Instant,
}
