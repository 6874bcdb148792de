//! The web listener's settings that the binary hands in. Only what the router itself needs;
//! addresses, TLS and the like belong to the binary.

/// Settings of the web router.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The largest request body accepted, in bytes (larger: `413 payload_too_large`).
    pub max_body_bytes: usize,
    /// The running version, reported by `/healthz`.
    pub version: &'static str,
    /// Sign-in sessions of the console (and later portals): lifetimes, cookies, throttling.
    pub sessions: crate::session::SessionConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            version: env!("CARGO_PKG_VERSION"),
            sessions: crate::session::SessionConfig::default(),
        }
    }
}
