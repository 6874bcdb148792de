//! Single sign-on: Wadah as an OpenID Connect relying party for the console and the staff and
//! developer portals. Several providers can be configured at once (one for civil servants, one
//! for citizens…); each gets a "Masuk dengan …" button on the sign-in page.
//!
//! The flow (authorization code with PKCE S256, `state` and `nonce`):
//! 1. `GET /sso/{provider}/masuk?kembali=/asn` ([`routes`]): a random `state`, `nonce` and PKCE
//!    verifier are kept **server-side** as a pending login ([`wadah_store::SsoStore`]), sealed
//!    with the node's key ring and bound to this browser by a random cookie; the browser goes
//!    to the provider's authorization endpoint ([`flow::begin`]).
//! 2. `GET /sso/{provider}/callback` (the exact redirect URI registered at the provider): the
//!    pending login is *taken* (single use, on any node), the browser cookie must match, the code
//!    is exchanged with `client_secret_basic` or `private_key_jwt` ([`client_auth`]) and the ID token validated ([`id_token`]:
//!    allow-listed asymmetric algorithms only, `iss` exact, `aud`/`azp`, `exp`/`iat`/`nbf` with a
//!    small skew, `nonce`). Signing keys come from the provider's JWKS, cached and refetched
//!    when an unknown `kid` appears, at most once per [`discovery::JWKS_REFETCH_SECS`].
//! 3. The person is the Wadah user linked to `(iss, sub)` — never found by e-mail — created on
//!    first login with a username derived from a hash and the role and agency the configured
//!    [`mapping`] gives (least privilege, `staff`, when it says nothing); a session starts with
//!    `SignInMethod::Oidc` and is linked to the provider's `sid`.
//! 4. Sign-out ends the Wadah session and sends the browser to the provider's
//!    `end_session_endpoint` (RP-initiated logout, with `id_token_hint`); the provider's
//!    back-channel logout (`POST /sso/{provider}/backchannel-logout`, [`logout`]) ends the
//!    sessions of the provider session it names.
//!
//! No token reaches the browser's storage: the ID token is kept sealed in the store (for the
//! logout hint) and the access token is dropped. Names and e-mail addresses are never logged.

pub mod client_auth;
pub mod discovery;
mod flow;
mod http;
pub mod id_token;
mod limit;
pub mod logout;
pub mod mapping;
pub mod return_to;
mod routes;
mod users;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

pub use flow::{LOGIN_COOKIE, LoginError, rp_logout_url};
pub use routes::routes;

/// A value that never prints (client secrets).
#[derive(Clone, PartialEq, Eq)]
pub struct SecretText(String);

impl SecretText {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// One configured identity provider.
#[derive(Debug, Clone)]
pub struct ProviderConfig {
    /// The id in paths and configuration (`a-z 0-9 -`), e.g. `asn`.
    pub id: String,
    /// The button's label ("Masuk dengan {name}").
    pub name: String,
    /// The issuer, exactly as the provider's ID tokens carry it.
    pub issuer: String,
    pub client_id: String,
    /// `client_secret_basic` or `private_key_jwt` ([`client_auth`]).
    pub client_auth: client_auth::ClientAuth,
    /// Scopes asked for (always including `openid`).
    pub scopes: Vec<String>,
    /// How claims become a role and an agency.
    pub mapping: mapping::Mapping,
}

/// Single sign-on settings.
#[derive(Debug, Clone, Default)]
pub struct SsoConfig {
    /// Where people reach Wadah (`https://wadah.example.go.id`), without a trailing slash: the
    /// redirect URIs are `{public_url}/sso/{provider}/callback`.
    pub public_url: String,
    pub providers: Vec<ProviderConfig>,
}

impl SsoConfig {
    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The exact redirect URI registered for `provider`.
    pub fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/sso/{provider}/callback", self.public_url)
    }

    /// The exact post-logout redirect URI (register it at the provider too).
    pub fn post_logout_uri(&self) -> String {
        format!("{}/sso/selesai", self.public_url)
    }

    /// The back-channel logout URI of `provider` (register it at the provider).
    pub fn backchannel_uri(&self, provider: &str) -> String {
        format!("{}/sso/{provider}/backchannel-logout", self.public_url)
    }
}

/// What single sign-on keeps between requests on one node: the HTTP client and each
/// provider's discovery document and keys. Everything else lives in the store, so any node
/// can finish a login another node began.
#[derive(Default)]
pub struct SsoRuntime {
    client: OnceLock<http::Client>,
    caches: HashMap<String, Arc<discovery::ProviderCache>>,
    /// Login starts per client address ([`limit`]).
    starts: limit::StartLimit,
}

impl fmt::Debug for SsoRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SsoRuntime")
            .field("providers", &self.caches.len())
            .finish_non_exhaustive()
    }
}

impl SsoRuntime {
    pub fn new(config: &SsoConfig) -> Self {
        Self {
            client: OnceLock::new(),
            caches: config
                .providers
                .iter()
                .map(|p| (p.id.clone(), Arc::new(discovery::ProviderCache::default())))
                .collect(),
            starts: limit::StartLimit::default(),
        }
    }

    /// The outbound client (built on first use: deployments without providers never load
    /// the system's CA roots for it).
    pub(crate) fn client(&self) -> &http::Client {
        self.client.get_or_init(http::Client::new)
    }

    /// Counts a login start by `ip`; `Err(retry_after_secs)` past the limit.
    pub(crate) fn admit_start(&self, ip: std::net::IpAddr, now: i64) -> Result<(), i64> {
        self.starts.admit(ip, now)
    }

    pub(crate) fn cache(&self, provider: &str) -> Option<Arc<discovery::ProviderCache>> {
        self.caches.get(provider).cloned()
    }
}

/// What `wadah config check` reports of one provider.
#[derive(Debug, Clone)]
pub struct ProviderCheck {
    pub keys: usize,
    pub end_session: bool,
    pub backchannel_logout: bool,
}

/// Checks that `provider` can be used now: its discovery document is reachable and names the
/// configured issuer, and it publishes signing keys Wadah can verify with.
pub async fn check_provider(
    provider: &ProviderConfig,
    now: wadah_domain::Timestamp,
) -> Result<ProviderCheck, discovery::DiscoveryError> {
    let client = http::Client::new();
    let cache = discovery::ProviderCache::default();
    let metadata = cache.metadata(&client, &provider.issuer, now).await?;
    let keys = cache.keys(&client, &metadata, now, false).await?;
    Ok(ProviderCheck {
        keys: keys.len(),
        end_session: metadata.end_session_endpoint.is_some(),
        backchannel_logout: metadata.backchannel_logout_supported == Some(true),
    })
}
