//! The web listener's settings that the binary hands in. Only what the router itself needs;
//! addresses, TLS and the like belong to the binary.

/// Settings of the web router.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The largest request body accepted, in bytes (larger: `413 payload_too_large`).
    pub max_body_bytes: usize,
    /// The running version, reported by `/healthz`.
    pub version: &'static str,
    /// Where consumers reach the gateway (`https://gw.example`), shown by the developer
    /// portal; empty when unknown (the portal then shows only the route's path).
    pub gateway_url: String,
    /// How the background link checker of public services behaves.
    pub link_check: crate::link_check::LinkCheckConfig,
    /// How much anonymous feedback the public portal accepts.
    pub feedback: crate::portal::feedback::FeedbackLimits,
    /// Sign-in sessions of the console (and later portals): lifetimes, cookies, throttling.
    pub sessions: crate::session::SessionConfig,
    /// Single sign-on: the identity providers and Wadah's public URL.
    pub sso: crate::sso::SsoConfig,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            version: env!("CARGO_PKG_VERSION"),
            gateway_url: String::new(),
            link_check: crate::link_check::LinkCheckConfig::default(),
            feedback: crate::portal::feedback::FeedbackLimits::default(),
            sessions: crate::session::SessionConfig::default(),
            sso: crate::sso::SsoConfig::default(),
        }
    }
}
