//! The keys that sign access tokens and gateway assertions: kept in the store (shared by every
//! node, sealed with the master key ring under the context `signing-key:{kid}`), held in
//! memory as a [`KeySet`] swapped whole, and published at `GET /.well-known/jwks.json`.
//! No request touches the store: a task reloads the set every `key_refresh_interval`.
//!
//! Rotation policy ([`OauthConfig::key_rotation`], 30 days by default):
//! - a key signs from `activates_at` until `retires_at` (one rotation period); of several keys
//!   active at one instant the highest generation signs, so every node picks the same one;
//! - when the signing key has less than [`publish_ahead`] left (a quarter of the period, at most
//!   one day), the next generation is created, activating when the current one retires; it is
//!   in the JWKS from then on, so verifiers that cache the JWKS know it before it signs;
//! - a retired key stays published (and accepted) for [`RETIRED_GRACE`] after it retires:
//!   longer than any token it signed can live;
//! - creating a key is race-safe across nodes: a generation has one key (unique in the store),
//!   so of two nodes starting at once one adds the key and the other loads it;
//! - `wadah keys rotate` ([`rotate_now`]) adds the next generation activating in
//!   [`ROTATE_DELAY`] (time for every node to load it) and retires the older ones then.

use std::collections::HashMap;
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use wadah_domain::{Clock, Timestamp};
use wadah_seal::KeyRing;
use wadah_store::{SigningKeys, StoreError, StoredSigningKey};

use crate::Shared;
use crate::jwt::{self, SigningKey, VerifyingKey};

/// The longest access-token lifetime the configuration allows.
pub const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// How long a retired key stays published and accepted: the longest token lifetime plus
/// clock leeway, whatever the node's own lifetime setting.
pub const RETIRED_GRACE: Duration = Duration::from_secs(3600 + 300);
/// How far in the future a forced rotation's key activates.
pub const ROTATE_DELAY: Duration = Duration::from_secs(60);
/// Keys retired longer ago than this are deleted from the store.
const PURGE_AFTER: Duration = Duration::from_secs(7 * 24 * 3600);
/// What the JWKS answer may be cached for (shorter than any `publish_ahead`).
const JWKS_MAX_AGE: &str = "public, max-age=300";

/// Tokens, assertions and keys: what the gateway is told at start.
#[derive(Debug, Clone)]
pub struct OauthConfig {
    /// `iss` of every token and assertion; `None`: `http://{the gateway's address}`. Set it
    /// when several nodes serve one address.
    pub issuer: Option<String>,
    /// `expires_in` of access tokens (at most [`MAX_TOKEN_LIFETIME`]).
    pub token_lifetime: Duration,
    /// How long one key signs before the next takes over.
    pub key_rotation: Duration,
    /// How often the keys are reloaded from the store and the rotation policy applied.
    pub key_refresh_interval: Duration,
}

impl Default for OauthConfig {
    fn default() -> Self {
        Self {
            issuer: None,
            token_lifetime: Duration::from_secs(300),
            key_rotation: Duration::from_secs(30 * 24 * 3600),
            key_refresh_interval: Duration::from_secs(10),
        }
    }
}

/// How long before its successor activates a key is created: a quarter of the rotation
/// period, at most one day.
pub fn publish_ahead(rotation: Duration) -> Duration {
    (rotation / 4).min(Duration::from_secs(24 * 3600))
}

/// One loaded key: its window, its public half, and its private half when this node could
/// unseal it.
#[derive(Debug)]
struct Loaded {
    generation: i64,
    activates_at: Timestamp,
    retires_at: Timestamp,
    verifying: VerifyingKey,
    signing: Option<Arc<SigningKey>>,
}

/// The keys in memory: which signs now, which verify, and the JWKS document.
#[derive(Debug)]
pub struct KeySet {
    issuer: String,
    keys: HashMap<String, Loaded>,
    jwks: bytes::Bytes,
}

impl KeySet {
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The key that signs at `now`: of the active ones, the highest generation.
    pub fn signer(&self, now: Timestamp) -> Option<&Arc<SigningKey>> {
        self.keys
            .values()
            .filter(|k| k.activates_at <= now && now < k.retires_at)
            .max_by_key(|k| k.generation)
            .and_then(|k| k.signing.as_ref())
    }

    /// The key `kid` names, if it is published at `now`.
    pub fn verifier(&self, kid: &str, now: Timestamp) -> Option<&VerifyingKey> {
        self.keys
            .get(kid)
            .filter(|k| now < k.retires_at + grace())
            .map(|k| &k.verifying)
    }
}

fn grace() -> chrono::Duration {
    chrono::Duration::from_std(RETIRED_GRACE).unwrap_or_default()
}

fn dur(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("cannot make a signing key: {0}")]
    Jwt(#[from] jwt::JwtError),
    #[error("cannot seal the signing key: {0}")]
    Seal(#[from] wadah_seal::SealError),
}

/// Applies the rotation policy at `now` (creating a key if one is due) and loads the set.
/// `previous` spares unsealing keys already loaded.
pub async fn refresh(
    store: &dyn SigningKeys,
    ring: &KeyRing,
    config: &OauthConfig,
    issuer: &str,
    now: Timestamp,
    previous: Option<&KeySet>,
) -> Result<KeySet, KeyError> {
    let mut stored = store.signing_keys().await?;
    if let Some(due) = due_key(&stored, config, now) {
        add(store, ring, due.0, due.1, due.2, now).await?;
        stored = store.signing_keys().await?;
    }
    let purge_before = now - grace() - dur(PURGE_AFTER);
    if stored.iter().any(|k| k.retires_at < purge_before) {
        store.purge_signing_keys(purge_before).await?;
    }
    Ok(load(&stored, ring, issuer, now, previous))
}

/// How far apart the clocks of nodes starting together may be.
const CLOCK_SKEW: Duration = Duration::from_secs(2);

/// The key the policy wants created at `now`, as (generation, activates, retires), if any.
fn due_key(
    stored: &[StoredSigningKey],
    config: &OauthConfig,
    now: Timestamp,
) -> Option<(i64, Timestamp, Timestamp)> {
    let period = dur(config.key_rotation);
    let latest = stored.iter().map(|k| k.generation).max().unwrap_or(0);
    let active = stored
        .iter()
        .filter(|k| k.activates_at <= now && now < k.retires_at)
        .max_by_key(|k| k.generation);
    match active {
        // A first key another node added a moment ago, by a clock a little ahead of ours, is
        // not active for us yet but will be within the skew: it is the key, not a reason for
        // another generation (two nodes starting at once must end with one key).
        None if stored.iter().any(|k| {
            k.generation == latest && k.activates_at > now && k.activates_at - now <= dur(CLOCK_SKEW)
        }) =>
        {
            None
        }
        None => Some((latest + 1, now, now + period)),
        Some(a)
            if a.generation == latest && a.retires_at - now <= dur(publish_ahead(config.key_rotation)) =>
        {
            Some((latest + 1, a.retires_at, a.retires_at + period))
        }
        Some(_) => None,
    }
}

async fn add(
    store: &dyn SigningKeys,
    ring: &KeyRing,
    generation: i64,
    activates_at: Timestamp,
    retires_at: Timestamp,
    now: Timestamp,
) -> Result<Option<String>, KeyError> {
    let (pkcs8, jwk) = SigningKey::generate()?;
    let kid = jwk["kid"].as_str().unwrap_or_default().to_owned();
    let key = StoredSigningKey {
        private_sealed: ring.seal(&pkcs8, &format!("signing-key:{kid}"))?,
        kid: kid.clone(),
        generation,
        alg: jwt::ALG.into(),
        public_jwk: jwk.to_string(),
        created_at: now,
        activates_at,
        retires_at,
    };
    let added = store.add_signing_key(&key).await?;
    if added {
        tracing::info!(%kid, generation, %activates_at, "created a token signing key");
    }
    Ok(added.then_some(kid))
}

fn load(
    stored: &[StoredSigningKey],
    ring: &KeyRing,
    issuer: &str,
    now: Timestamp,
    previous: Option<&KeySet>,
) -> KeySet {
    let mut keys = HashMap::new();
    let mut published = Vec::new();
    for k in stored {
        if now >= k.retires_at + grace() {
            continue;
        }
        let Ok(jwk) = serde_json::from_str::<serde_json::Value>(&k.public_jwk) else {
            tracing::error!(kid = %k.kid, "a stored signing key has a malformed public JWK; skipped");
            continue;
        };
        let Ok(verifying) = VerifyingKey::from_jwk(&jwk) else {
            tracing::error!(kid = %k.kid, "a stored signing key is not a P-256 key; skipped");
            continue;
        };
        let signing = previous
            .and_then(|p| p.keys.get(&k.kid))
            .and_then(|l| l.signing.clone())
            .or_else(|| unseal(k, ring));
        published.push(jwk);
        keys.insert(
            k.kid.clone(),
            Loaded {
                generation: k.generation,
                activates_at: k.activates_at,
                retires_at: k.retires_at,
                verifying,
                signing,
            },
        );
    }
    let jwks = serde_json::to_vec(&serde_json::json!({ "keys": published })).unwrap_or_default();
    KeySet {
        issuer: issuer.to_owned(),
        keys,
        jwks: jwks.into(),
    }
}

fn unseal(k: &StoredSigningKey, ring: &KeyRing) -> Option<Arc<SigningKey>> {
    let opened = ring.open(&k.private_sealed, &format!("signing-key:{}", k.kid));
    match opened
        .map_err(|e| e.to_string())
        .and_then(|pkcs8| SigningKey::from_pkcs8(&pkcs8).map_err(|e| e.to_string()))
    {
        Ok(key) if key.kid == k.kid => Some(Arc::new(key)),
        Ok(_) => {
            tracing::error!(kid = %k.kid, "a stored signing key does not match its kid; it will not sign");
            None
        }
        Err(e) => {
            tracing::error!(kid = %k.kid, error = %e, "cannot open a stored signing key (is this node's master key the cluster's?); it will not sign");
            None
        }
    }
}

/// Reloads the set every `config.key_refresh_interval` until the gateway is gone. A failing
/// store keeps the last set (logged once, and the recovery once).
pub fn spawn(
    store: Arc<dyn SigningKeys>,
    ring: Arc<KeyRing>,
    clock: Arc<dyn Clock>,
    config: OauthConfig,
    set: Weak<ArcSwap<KeySet>>,
) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(config.key_refresh_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticker.tick().await;
        let mut failing = false;
        loop {
            ticker.tick().await;
            let Some(set) = set.upgrade() else { return };
            let current = set.load_full();
            let result = refresh(
                store.as_ref(),
                &ring,
                &config,
                current.issuer(),
                clock.now(),
                Some(&current),
            )
            .await;
            match result {
                Ok(next) => {
                    if failing {
                        tracing::info!("the gateway reads its signing keys again");
                    }
                    failing = false;
                    set.store(Arc::new(next));
                }
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "cannot refresh the signing keys; keeping the last ones");
                }
                Err(_) => {}
            }
        }
    });
}

/// Forces a rotation (`wadah keys rotate`): a new key activating at `now + ROTATE_DELAY`, older
/// keys retiring then (still published for their tokens' lifetime). Answers the new kid.
pub async fn rotate_now(
    store: &dyn SigningKeys,
    ring: &KeyRing,
    rotation: Duration,
    now: Timestamp,
) -> Result<String, KeyError> {
    let latest = store
        .signing_keys()
        .await?
        .iter()
        .map(|k| k.generation)
        .max()
        .unwrap_or(0);
    let activates = now + dur(ROTATE_DELAY);
    let period = dur(rotation);
    match add(store, ring, latest + 1, activates, activates + period, now).await? {
        Some(kid) => {
            store.retire_signing_keys(latest + 1, activates).await?;
            Ok(kid)
        }
        None => Err(KeyError::Store(StoreError::InvalidState(
            "another node created a key at the same moment; run the rotation again".into(),
        ))),
    }
}

/// `GET /.well-known/jwks.json`: the published public keys (RFC 7517).
pub(crate) async fn jwks(State(gw): State<Arc<Shared>>) -> Response {
    let set = gw.signing.load();
    let mut response = set.jwks.clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/jwk-set+json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(JWKS_MAX_AGE));
    response
}

#[cfg(test)]
pub(crate) mod tests_support {
    /// A set with no keys: every token is refused.
    pub fn empty(issuer: &str) -> super::KeySet {
        super::KeySet {
            issuer: issuer.to_owned(),
            keys: std::collections::HashMap::new(),
            jwks: bytes::Bytes::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(generation: i64, activates: i64, retires: i64) -> StoredSigningKey {
        StoredSigningKey {
            kid: format!("k{generation}"),
            generation,
            alg: "ES256".into(),
            public_jwk: String::new(),
            private_sealed: String::new(),
            created_at: t(0),
            activates_at: t(activates),
            retires_at: t(retires),
        }
    }

    fn t(secs: i64) -> Timestamp {
        wadah_domain::time::from_millis(secs * 1000)
    }

    #[test]
    fn the_policy_creates_the_first_key_then_the_next_ahead_of_time() {
        let config = OauthConfig {
            key_rotation: Duration::from_secs(400),
            ..OauthConfig::default()
        };
        assert_eq!(due_key(&[], &config, t(10)), Some((1, t(10), t(410))));
        let one = [stored(1, 10, 410)];
        assert_eq!(due_key(&one, &config, t(300)), None, "more than a quarter left");
        assert_eq!(due_key(&one, &config, t(310)), Some((2, t(410), t(810))));
        let two = [stored(1, 10, 410), stored(2, 410, 810)];
        assert_eq!(due_key(&two, &config, t(320)), None, "the next one exists");
        assert_eq!(due_key(&two, &config, t(500)), None, "the next one signs");
        assert_eq!(
            due_key(&two, &config, t(900)),
            Some((3, t(900), t(1300))),
            "all expired"
        );
        // Another node's first key, stamped a moment after our `now`: not due again.
        assert_eq!(due_key(&[stored(1, 11, 411)], &config, t(10)), None);
        assert_eq!(
            due_key(&[stored(1, 60, 460)], &config, t(10)),
            Some((2, t(10), t(410))),
            "a key far in the future does not cover now"
        );
        assert_eq!(
            publish_ahead(Duration::from_secs(30 * 24 * 3600)),
            Duration::from_secs(24 * 3600)
        );
    }
}
