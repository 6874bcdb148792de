//! A provider's discovery document (`/.well-known/openid-configuration`) and signing keys
//! (JWKS), fetched on first use and cached per node.
//!
//! - The document's `issuer` must equal the configured issuer exactly (OpenID Connect
//!   Discovery §4.3), and its endpoints must be http(s) URLs; it is kept for
//!   [`METADATA_TTL_SECS`].
//! - Keys are kept for [`JWKS_TTL_SECS`]. A token naming a `kid` the cache does not know
//!   (the provider rotated its keys) triggers one refetch — at most once per
//!   [`JWKS_REFETCH_SECS`], so tokens with made-up `kid`s cannot make Wadah hammer the
//!   provider. Keys marked `"use": "enc"` and key types Wadah cannot verify with are skipped.
//!
//! Times come from the caller (the state's `Clock`).

use std::sync::Arc;

use jsonwebtoken::jwk::Jwk;
use serde::Deserialize;
use tokio::sync::Mutex;
use wadah_domain::Timestamp;

use super::http::{Client, HttpError};

pub const METADATA_TTL_SECS: i64 = 3600;
pub const JWKS_TTL_SECS: i64 = 3600;
pub const JWKS_REFETCH_SECS: i64 = 30;
/// More keys than this in one set is not a real provider.
const MAX_KEYS: usize = 64;

/// The parts of a provider's discovery document Wadah uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Metadata {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    #[serde(default)]
    pub backchannel_logout_supported: Option<bool>,
}

/// Why a provider's configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    #[error(transparent)]
    Http(#[from] HttpError),
    #[error("the discovery document names issuer {found:?}, not the configured {expected:?}")]
    IssuerMismatch { expected: String, found: String },
    #[error("the discovery document's {0} is not an http(s) URL")]
    BadEndpoint(&'static str),
    #[error("the provider does not support PKCE with S256")]
    NoPkce,
    #[error("the provider publishes no signing key Wadah can use")]
    NoKeys,
}

impl Metadata {
    fn check(&self, issuer: &str) -> Result<(), DiscoveryError> {
        if self.issuer != issuer {
            return Err(DiscoveryError::IssuerMismatch {
                expected: issuer.to_owned(),
                found: self.issuer.clone(),
            });
        }
        for (name, url) in [
            ("authorization_endpoint", Some(&self.authorization_endpoint)),
            ("token_endpoint", Some(&self.token_endpoint)),
            ("jwks_uri", Some(&self.jwks_uri)),
            ("end_session_endpoint", self.end_session_endpoint.as_ref()),
        ] {
            let Some(url) = url else { continue };
            let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https"));
            if !ok {
                return Err(DiscoveryError::BadEndpoint(name));
            }
        }
        // A provider that lists its PKCE methods must list S256 (absent: it may still do it).
        if let Some(methods) = &self.code_challenge_methods_supported
            && !methods.iter().any(|m| m == "S256")
        {
            return Err(DiscoveryError::NoPkce);
        }
        Ok(())
    }
}

/// The signing keys Wadah can verify with, from a JWKS document.
pub fn usable_keys(document: &serde_json::Value) -> Vec<Jwk> {
    let Some(keys) = document.get("keys").and_then(|k| k.as_array()) else {
        return Vec::new();
    };
    keys.iter()
        .take(MAX_KEYS)
        .filter(|k| k.get("use").and_then(|u| u.as_str()) != Some("enc"))
        .filter(|k| matches!(k.get("kty").and_then(|t| t.as_str()), Some("RSA" | "EC" | "OKP")))
        .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
        .collect()
}

#[derive(Debug, Default)]
struct Cached {
    metadata: Option<(Arc<Metadata>, Timestamp)>,
    keys: Option<(Arc<Vec<Jwk>>, Timestamp)>,
}

/// One provider's cached document and keys.
#[derive(Debug, Default)]
pub struct ProviderCache {
    inner: Mutex<Cached>,
}

fn fresh(at: Timestamp, now: Timestamp, ttl: i64) -> bool {
    (now - at).num_seconds() < ttl && now >= at
}

impl ProviderCache {
    /// The provider's discovery document (cached).
    pub async fn metadata(
        &self,
        client: &Client,
        issuer: &str,
        now: Timestamp,
    ) -> Result<Arc<Metadata>, DiscoveryError> {
        let mut cached = self.inner.lock().await;
        if let Some((metadata, at)) = &cached.metadata
            && fresh(*at, now, METADATA_TTL_SECS)
        {
            return Ok(metadata.clone());
        }
        let url = format!(
            "{}/.well-known/openid-configuration",
            issuer.trim_end_matches('/')
        );
        let metadata: Metadata = client.get_json(&url).await?;
        metadata.check(issuer)?;
        let metadata = Arc::new(metadata);
        cached.metadata = Some((metadata.clone(), now));
        Ok(metadata)
    }

    /// The signing keys (cached); `refresh`: the caller met an unknown `kid`, so fetch again
    /// unless the last fetch was less than [`JWKS_REFETCH_SECS`] ago.
    pub async fn keys(
        &self,
        client: &Client,
        metadata: &Metadata,
        now: Timestamp,
        refresh: bool,
    ) -> Result<Arc<Vec<Jwk>>, DiscoveryError> {
        let mut cached = self.inner.lock().await;
        if let Some((keys, at)) = &cached.keys {
            let ttl = if refresh { JWKS_REFETCH_SECS } else { JWKS_TTL_SECS };
            if fresh(*at, now, ttl) {
                return Ok(keys.clone());
            }
        }
        let document: serde_json::Value = client.get_json(&metadata.jwks_uri).await?;
        let keys = usable_keys(&document);
        if keys.is_empty() {
            return Err(DiscoveryError::NoKeys);
        }
        let keys = Arc::new(keys);
        cached.keys = Some((keys.clone(), now));
        Ok(keys)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn metadata(issuer: &str) -> Metadata {
        serde_json::from_value(json!({
            "issuer": issuer,
            "authorization_endpoint": format!("{issuer}/auth"),
            "token_endpoint": format!("{issuer}/token"),
            "jwks_uri": format!("{issuer}/jwks"),
            "code_challenge_methods_supported": ["S256"],
        }))
        .unwrap()
    }

    #[test]
    fn the_document_must_name_the_configured_issuer_exactly() {
        assert!(
            metadata("https://idp.example")
                .check("https://idp.example")
                .is_ok()
        );
        for other in [
            "https://idp.example/",
            "https://evil.example",
            "http://idp.example",
        ] {
            assert!(
                matches!(
                    metadata(other).check("https://idp.example"),
                    Err(DiscoveryError::IssuerMismatch { .. })
                ),
                "{other}"
            );
        }
    }

    #[test]
    fn endpoints_must_be_web_urls_and_pkce_s256_offered() {
        let mut m = metadata("https://idp.example");
        m.token_endpoint = "javascript:alert(1)".into();
        assert!(matches!(
            m.check("https://idp.example"),
            Err(DiscoveryError::BadEndpoint(_))
        ));
        let mut m = metadata("https://idp.example");
        m.code_challenge_methods_supported = Some(vec!["plain".into()]);
        assert!(matches!(
            m.check("https://idp.example"),
            Err(DiscoveryError::NoPkce)
        ));
    }

    #[test]
    fn encryption_and_symmetric_keys_are_never_used_for_signatures() {
        let doc = json!({"keys": [
            {"kty": "oct", "k": "c2VjcmV0", "kid": "hmac"},
            {"kty": "EC", "crv": "P-256", "use": "enc", "kid": "enc",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
            {"kty": "EC", "crv": "P-256", "use": "sig", "kid": "sig",
             "x": "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", "y": "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
        ]});
        let keys = usable_keys(&doc);
        assert_eq!(keys.len(), 1);
        assert_eq!(keys[0].common.key_id.as_deref(), Some("sig"));
        assert!(usable_keys(&json!({"nokeys": 1})).is_empty());
    }
}
