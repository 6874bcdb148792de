//! Phase 1, authenticate: find the consumer behind the request's credential. Two kinds arrive
//! as `Authorization: Bearer …` (scheme case-insensitive) or `apikey: …`:
//!
//! - an **API key** (`wdh_…`): its SHA-256 is looked up in the snapshot and compared in
//!   constant time;
//! - an **access token** (anything else, a JWT from `POST /oauth2/token`): verified locally,
//!   with no store access: `alg` exactly ES256, `typ` `at+jwt`, a `kid` this gateway publishes,
//!   the signature, `exp`/`nbf` against the gateway's clock (with [`LEEWAY_SECS`]), `iss` and
//!   `aud` (both the gateway's issuer), and then the client itself in the current snapshot: it
//!   must still exist unrevoked and unexpired, at the credential version the token was issued
//!   at, so revoking or rotating a client cuts its tokens off as fast as the snapshot moves.
//!
//! Only usable credentials are in the snapshot (revoked ones are left out when it is built;
//! expiry is checked here against the clock). Every failure is 401 `unauthenticated` with an
//! RFC 6750 `WWW-Authenticate` challenge; the `detail` says which check failed. The credential
//! never leaves this phase: `forward` drops both headers before anything goes upstream.
//!
//! [`parse_presented_credential`] is the pure, panic-free first step (header → which kind of
//! credential, token split and decoded but unverified), public for the fuzz targets.
//!
//! Client certificates (mTLS) are `cert`'s, which calls in here for header credentials.

pub mod cert;

use std::sync::Arc;

use axum::http::{HeaderMap, HeaderValue, header};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use wadah_domain::Timestamp;

use crate::jwt::{self, JwtError, Unverified};
use crate::keys::KeySet;
use crate::problem::{Code, GatewayError};
use crate::snapshot::{Consumer, Snapshot};

/// The longest API key the gateway looks at (tokens: [`jwt::MAX_TOKEN`]).
const MAX_API_KEY: usize = 512;
/// Clock difference tolerated on `exp`, `nbf` and `iat` (between nodes, and for the caller).
pub const LEEWAY_SECS: i64 = 30;
/// The `typ` of access tokens (RFC 9068).
pub const ACCESS_TOKEN_TYP: &str = "at+jwt";

/// The headers a consumer's credential travels in (removed before forwarding).
pub const CREDENTIAL_HEADERS: [&str; 2] = ["authorization", "apikey"];

/// What a request presents, before anything is looked up or verified.
#[derive(Debug)]
pub enum Presented<'a> {
    /// No credential header (or an `Authorization` scheme other than Bearer).
    Nothing,
    /// A `wdh_…` API key.
    ApiKey(&'a str),
    /// A JWT, split and decoded, its signature not yet checked.
    AccessToken(Unverified<'a>),
    /// Something that can be neither; the reason goes into the 401.
    Malformed(&'static str),
}

/// The claims of a Wadah access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    /// The OAuth2 `client_id`.
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub iat: i64,
    pub nbf: i64,
    pub jti: String,
    pub client_id: String,
    /// The consuming agency and application.
    pub agency: String,
    pub application: String,
    /// The client credential's version when the token was issued.
    pub ver: i64,
}

/// Reads the credential out of `headers`. Pure and total: never panics, whatever the input.
pub fn parse_presented_credential(headers: &HeaderMap) -> Presented<'_> {
    let Some(raw) = raw_credential(headers) else {
        return Presented::Nothing;
    };
    let Ok(value) = raw else {
        return Presented::Malformed("the credential header is not visible ASCII");
    };
    if value.starts_with("wdh_") {
        return if value.len() > MAX_API_KEY {
            Presented::Malformed("the API key is too long")
        } else {
            Presented::ApiKey(value)
        };
    }
    match jwt::parse(value) {
        Ok(token) => Presented::AccessToken(token),
        Err(JwtError::Algorithm) => Presented::Malformed("the access token's algorithm is not ES256"),
        Err(_) => Presented::Malformed("neither an API key (wdh_…) nor a well-formed access token"),
    }
}

/// The credential text from `Authorization: Bearer …`, else from `apikey`.
fn raw_credential(headers: &HeaderMap) -> Option<Result<&str, ()>> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let Ok(value) = value.to_str() else {
            return Some(Err(()));
        };
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| Ok(token.trim()));
    }
    let value = headers.get("apikey")?;
    Some(value.to_str().map(str::trim).map_err(|_| ()))
}

pub fn authenticate(
    snapshot: &Snapshot,
    keys: &KeySet,
    headers: &HeaderMap,
    now: Timestamp,
) -> Result<Arc<Consumer>, GatewayError> {
    match parse_presented_credential(headers) {
        Presented::Nothing => Err(GatewayError::unauthenticated(false)),
        Presented::ApiKey(key) => api_key(snapshot, key, now),
        Presented::AccessToken(token) => access_token(snapshot, keys, token, now),
        Presented::Malformed(why) => Err(invalid(why)),
    }
}

fn api_key(snapshot: &Snapshot, presented: &str, now: Timestamp) -> Result<Arc<Consumer>, GatewayError> {
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    match snapshot.consumer(&digest) {
        Some(c) if c.expires_at.is_none_or(|t| t > now) => Ok(c.clone()),
        _ => Err(GatewayError::unauthenticated(true)),
    }
}

fn access_token(
    snapshot: &Snapshot,
    keys: &KeySet,
    token: Unverified<'_>,
    now: Timestamp,
) -> Result<Arc<Consumer>, GatewayError> {
    if token.header.typ.as_deref() != Some(ACCESS_TOKEN_TYP) {
        return Err(invalid("the token is not a Wadah access token (typ at+jwt)"));
    }
    let key = keys
        .verifier(&token.header.kid, now)
        .ok_or_else(|| invalid("the access token is signed with a key this gateway does not publish"))?;
    let claims: AccessClaims = token.verify(key).map_err(|e| match e {
        JwtError::Signature => invalid("the access token's signature does not verify"),
        _ => invalid("the access token's claims are missing or malformed"),
    })?;
    let secs = now.timestamp();
    if claims.exp + LEEWAY_SECS <= secs {
        return Err(invalid(
            "the access token has expired; ask POST /oauth2/token for a new one",
        ));
    }
    if claims.nbf - LEEWAY_SECS > secs || claims.iat - LEEWAY_SECS > secs {
        return Err(invalid("the access token is not valid yet"));
    }
    if claims.iss != keys.issuer() || claims.aud != keys.issuer() {
        return Err(invalid("the access token was issued for another gateway"));
    }
    let client = snapshot
        .client(&claims.sub)
        .filter(|c| c.version == claims.ver)
        .filter(|c| c.consumer.expires_at.is_none_or(|t| t > now))
        .ok_or_else(|| invalid("the access token's client is revoked, rotated or expired"))?;
    Ok(client.consumer.clone())
}

/// A 401 for a credential that was presented but not accepted.
fn invalid(detail: &str) -> GatewayError {
    GatewayError::new(Code::Unauthenticated, detail).with_header(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"wadah\", error=\"invalid_token\""),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn keys_come_from_bearer_or_apikey() {
        let key = |h: &HeaderMap| match parse_presented_credential(h) {
            Presented::ApiKey(k) => Some(k.to_owned()),
            _ => None,
        };
        assert_eq!(
            key(&headers(&[("authorization", "Bearer wdh_x")])).as_deref(),
            Some("wdh_x")
        );
        assert_eq!(
            key(&headers(&[("authorization", "bearer  wdh_x ")])).as_deref(),
            Some("wdh_x")
        );
        assert_eq!(key(&headers(&[("apikey", "wdh_y")])).as_deref(), Some("wdh_y"));
        assert!(matches!(
            parse_presented_credential(&headers(&[("authorization", "Basic abc")])),
            Presented::Nothing
        ));
        assert!(matches!(
            parse_presented_credential(&headers(&[])),
            Presented::Nothing
        ));
        assert!(matches!(
            parse_presented_credential(&headers(&[("authorization", "Bearer not-a-token")])),
            Presented::Malformed(_)
        ));
    }

    #[test]
    fn unknown_keys_are_refused_as_bad_credentials() {
        let snapshot = Snapshot::default();
        let keys = crate::keys::tests_support::empty("http://gw");
        let now = wadah_domain::time::from_millis(0);
        let err = authenticate(&snapshot, &keys, &headers(&[("apikey", "wdh_nope")]), now).unwrap_err();
        assert_eq!(err.code, crate::problem::Code::Unauthenticated);
        assert!(authenticate(&snapshot, &keys, &headers(&[]), now).is_err());
    }

    proptest::proptest! {
        #[test]
        fn parsing_any_header_never_panics(value in "[ -~]{0,600}", bearer in proptest::bool::ANY) {
            let mut h = HeaderMap::new();
            if let Ok(v) = HeaderValue::from_str(&value) {
                if bearer {
                    if let Ok(b) = HeaderValue::from_str(&format!("Bearer {value}")) {
                        h.insert(header::AUTHORIZATION, b);
                    }
                } else {
                    h.insert("apikey", v);
                }
            }
            let _ = parse_presented_credential(&h);
        }
    }
}
