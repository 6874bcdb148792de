//! What the gateway is told at start: where to listen (and whether with TLS), where its
//! evidence log lives and how durable it is, and the size limits every request meets. The binary builds it from the
//! validated configuration file; tests build it with [`GatewayConfig::new`].

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

pub use crate::breaker::BreakerConfig;
use crate::tls::TlsConfig;

/// When an admission record counts as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuditDurability {
    /// The request is forwarded only after its admission record is on disk (fdatasync; many
    /// requests share one sync). The default: evidence before access (DESIGN.md §4).
    #[default]
    Strict,
    /// The request is forwarded once its record is queued; a crash can lose the last few
    /// records. For deployments that accept that window for lower latency.
    Async,
}

impl AuditDurability {
    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "strict" => Some(Self::Strict),
            "async" => Some(Self::Async),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct GatewayConfig {
    /// The gateway listener (port 0 picks a free port).
    pub listen: SocketAddr,
    /// The evidence log's directory (`DATA_DIR/audit`).
    pub audit_dir: PathBuf,
    pub durability: AuditDurability,
    /// This node's name in its records.
    pub node_id: String,
    /// A segment file is closed and a new one started past this size.
    pub segment_bytes: u64,
    /// A segment file is also closed once its first record is this old.
    pub segment_max_age: Duration,
    /// A signed checkpoint is written at least this often while records are written…
    pub checkpoint_interval: Duration,
    /// …and after this many records.
    pub checkpoint_records: u64,
    /// Closed segments whose records are all older than this many days are deleted (0: keep
    /// everything).
    pub retention_days: u32,
    /// How often the indexer copies new durable records into the store's evidence index.
    pub index_interval: Duration,
    /// The largest request body forwarded (413 beyond).
    pub max_body_bytes: u64,
    /// Bodies of known length up to this size are read before forwarding so the admission
    /// record can hold their digest; larger or chunked bodies are streamed and digested on
    /// the way (the digest goes into the outcome record).
    pub digest_body_bytes: u64,
    /// The most request headers accepted (431 beyond).
    pub max_headers: usize,
    /// The most bytes of request headers accepted, names and values together (431 beyond).
    pub max_header_bytes: usize,
    /// How long a client may take to send its request head (slow-client protection).
    pub header_read_timeout: Duration,
    /// How often the registry version is polled; a change is live within about this long.
    pub refresh_interval: Duration,
    /// Rejections before admission are counted per window of this length, one record each.
    pub rejection_window: Duration,
    /// Access tokens, assertions and their signing keys.
    pub oauth: crate::OauthConfig,
    /// How long a streamed body (the consumer's upload or the upstream's answer) may send
    /// nothing before the exchange is ended as incomplete.
    pub body_idle_timeout: Duration,
    /// When an upstream's circuit opens and how it recovers (`breaker`).
    pub breaker: BreakerConfig,
    /// TLS on the listener, with optional client certificates; `None`: plain HTTP (default).
    pub tls: Option<TlsConfig>,
    /// At shutdown, how long requests in flight may take to finish before they are cut.
    pub drain_timeout: Duration,
    /// Cluster-wide rate limits in Redis (`None`: the local limit alone).
    pub cluster_limit: Option<crate::cluster_limit::ClusterLimitConfig>,
}

impl GatewayConfig {
    /// The defaults, listening on `listen` and logging under `data_dir/audit`.
    pub fn new(listen: SocketAddr, data_dir: &Path) -> Self {
        Self {
            listen,
            audit_dir: data_dir.join("audit"),
            durability: AuditDurability::Strict,
            node_id: default_node_id(),
            segment_bytes: 64 * 1024 * 1024,
            segment_max_age: Duration::from_secs(86_400),
            checkpoint_interval: Duration::from_secs(10),
            checkpoint_records: 10_000,
            retention_days: 400,
            index_interval: Duration::from_secs(1),
            max_body_bytes: 10 * 1024 * 1024,
            digest_body_bytes: 64 * 1024,
            max_headers: 100,
            max_header_bytes: 32 * 1024,
            header_read_timeout: Duration::from_secs(10),
            refresh_interval: Duration::from_millis(200),
            rejection_window: Duration::from_secs(60),
            oauth: crate::OauthConfig::default(),
            body_idle_timeout: Duration::from_secs(30),
            breaker: BreakerConfig::default(),
            tls: None,
            drain_timeout: Duration::from_secs(30),
            cluster_limit: None,
        }
    }

    /// The listener's scheme, as upstreams learn it from `X-Forwarded-Proto`.
    pub fn scheme(&self) -> &'static str {
        if self.tls.is_some() { "https" } else { "http" }
    }
}

/// The host name (Linux), else `wadah`: a node id that differs between machines by default.
pub fn default_node_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty() && s.len() <= 64)
        .unwrap_or_else(|| "wadah".to_owned())
}
