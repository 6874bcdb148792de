//! Validation of the JWTs a provider sends: ID tokens (OpenID Connect Core §3.1.3.7) and
//! back-channel logout tokens (OpenID Connect Back-Channel Logout §2.6).
//!
//! The order matters and every step refuses rather than guesses:
//! 1. size and shape (three base64url parts, at most [`MAX_TOKEN_BYTES`]);
//! 2. the header's `alg` must be one of [`ALLOWED_ALGORITHMS`] — asymmetric only, so `none`
//!    and every `HS*` (which would let a public key be used as an HMAC secret) are refused
//!    before any key is looked at;
//! 3. the key: the one whose `kid` matches (an unknown `kid` is reported as
//!    [`TokenError::UnknownKey`] so the caller can refetch the provider's keys once), of the
//!    family and curve the algorithm needs, never marked for encryption;
//! 4. the signature (`jsonwebtoken` over aws-lc-rs);
//! 5. the claims, against the state's clock: `iss` exactly the configured issuer, `aud`
//!    containing the client id (and, with several audiences, `azp` equal to it), `exp` in the
//!    future and `iat`/`nbf` not in it beyond [`SKEW_SECS`], `iat` not older than
//!    [`MAX_AGE_SECS`], and `nonce` equal to the login's (compared in constant time).

use std::collections::HashSet;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use serde_json::{Map, Value};
use subtle::ConstantTimeEq;
use wadah_domain::Timestamp;

/// Algorithms accepted for signatures: RSA (PKCS#1 v1.5 and PSS), ECDSA and EdDSA.
pub const ALLOWED_ALGORITHMS: &[&str] = &[
    "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
];
/// Clock difference tolerated between Wadah and the provider.
pub const SKEW_SECS: i64 = 60;
/// An ID token issued longer ago than this is refused (a login takes minutes, not hours).
pub const MAX_AGE_SECS: i64 = 600;
/// The largest token accepted.
pub const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// The event a back-channel logout token must carry.
pub const BACKCHANNEL_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";

/// Why a token was refused. The messages go to logs; people see a generic page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is not a well-formed signed JWT")]
    Malformed,
    #[error("the token's algorithm {0:?} is not allowed")]
    Algorithm(String),
    #[error("the token names a key the provider does not publish")]
    UnknownKey,
    #[error("the token's signature does not verify")]
    Signature,
    #[error("the token's issuer is not the provider's")]
    Issuer,
    #[error("the token is not meant for this client")]
    Audience,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet or was issued in the future")]
    NotYetValid,
    #[error("the token was issued too long ago")]
    TooOld,
    #[error("the token's nonce is not this login's")]
    Nonce,
    #[error("the token lacks a required claim or has a wrong one: {0}")]
    Claims(&'static str),
}

/// `aud`: one string or several.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
}

impl Audience {
    fn values(&self) -> Vec<&str> {
        match self {
            Self::One(a) => vec![a.as_str()],
            Self::Many(all) => all.iter().map(String::as_str).collect(),
        }
    }
}

/// The claims of a validated ID token.
#[derive(Debug, Clone, Deserialize)]
pub struct IdClaims {
    pub iss: String,
    pub sub: String,
    pub aud: Audience,
    pub exp: i64,
    pub iat: i64,
    #[serde(default)]
    pub nbf: Option<i64>,
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub azp: Option<String>,
    #[serde(default)]
    pub sid: Option<String>,
    /// Every other claim (names, groups…), for the role mapping.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// What the token is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub issuer: &'a str,
    pub client_id: &'a str,
    pub now: Timestamp,
}

#[derive(Deserialize)]
struct Head {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
}

/// Steps 1–4: the verified claims as JSON.
pub fn verify_signature(token: &str, keys: &[Jwk]) -> Result<Value, TokenError> {
    if token.len() > MAX_TOKEN_BYTES || token.split('.').count() != 3 {
        return Err(TokenError::Malformed);
    }
    let head = token.split('.').next().unwrap_or_default();
    let head: Head = URL_SAFE_NO_PAD
        .decode(head)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or(TokenError::Malformed)?;
    if !ALLOWED_ALGORITHMS.contains(&head.alg.as_str()) {
        return Err(TokenError::Algorithm(head.alg.chars().take(16).collect()));
    }
    let alg: Algorithm = head
        .alg
        .parse()
        .map_err(|_| TokenError::Algorithm(head.alg.clone()))?;
    let candidates: Vec<&Jwk> = keys
        .iter()
        .filter(|k| match &head.kid {
            Some(kid) => k.common.key_id.as_deref() == Some(kid.as_str()),
            None => true,
        })
        .collect();
    if candidates.is_empty() {
        return Err(if head.kid.is_some() {
            TokenError::UnknownKey
        } else {
            TokenError::Signature
        });
    }
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.required_spec_claims = HashSet::new();
    for key in candidates.into_iter().filter(|k| fits(k, alg)) {
        let Ok(decoding) = DecodingKey::from_jwk(key) else {
            continue;
        };
        if let Ok(data) = jsonwebtoken::decode::<Value>(token, &decoding, &validation) {
            return Ok(data.claims);
        }
    }
    Err(TokenError::Signature)
}

/// Whether `key` may verify `alg`: the right family and curve, a signing key.
fn fits(key: &Jwk, alg: Algorithm) -> bool {
    if matches!(key.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return false;
    }
    if let Some(key_alg) = key.common.key_algorithm
        && key_alg.to_string() != format!("{alg:?}")
    {
        return false;
    }
    match (&key.algorithm, alg) {
        (
            AlgorithmParameters::RSA(_),
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512,
        ) => true,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES256) => ec.curve == EllipticCurve::P256,
        (AlgorithmParameters::EllipticCurve(ec), Algorithm::ES384) => ec.curve == EllipticCurve::P384,
        (AlgorithmParameters::OctetKeyPair(_), Algorithm::EdDSA) => true,
        _ => false,
    }
}

fn check_issuer_and_audience(
    iss: &str,
    aud: &Audience,
    azp: Option<&str>,
    expected: &Expected<'_>,
) -> Result<(), TokenError> {
    if iss != expected.issuer {
        return Err(TokenError::Issuer);
    }
    let audiences = aud.values();
    if !audiences.contains(&expected.client_id) {
        return Err(TokenError::Audience);
    }
    match azp {
        Some(azp) if azp != expected.client_id => Err(TokenError::Audience),
        None if audiences.len() > 1 => Err(TokenError::Audience),
        _ => Ok(()),
    }
}

fn check_times(exp: Option<i64>, iat: i64, nbf: Option<i64>, now: i64) -> Result<(), TokenError> {
    if exp.is_some_and(|exp| exp + SKEW_SECS <= now) {
        return Err(TokenError::Expired);
    }
    if iat > now + SKEW_SECS || nbf.is_some_and(|nbf| nbf > now + SKEW_SECS) {
        return Err(TokenError::NotYetValid);
    }
    if iat < now - MAX_AGE_SECS - SKEW_SECS {
        return Err(TokenError::TooOld);
    }
    Ok(())
}

fn valid_subject(sub: &str) -> bool {
    !sub.is_empty() && sub.len() <= 255 && !sub.chars().any(char::is_control)
}

/// Validates an ID token signed by one of `keys`, for the login whose nonce is `nonce`.
pub fn validate_id_token(
    token: &str,
    keys: &[Jwk],
    expected: &Expected<'_>,
    nonce: &str,
) -> Result<IdClaims, TokenError> {
    let claims = verify_signature(token, keys)?;
    let claims: IdClaims =
        serde_json::from_value(claims).map_err(|_| TokenError::Claims("iss, sub, aud, exp, iat"))?;
    check_issuer_and_audience(&claims.iss, &claims.aud, claims.azp.as_deref(), expected)?;
    check_times(Some(claims.exp), claims.iat, claims.nbf, expected.now.timestamp())?;
    let matches = claims
        .nonce
        .as_deref()
        .is_some_and(|n| bool::from(n.as_bytes().ct_eq(nonce.as_bytes())));
    if !matches {
        return Err(TokenError::Nonce);
    }
    if !valid_subject(&claims.sub) {
        return Err(TokenError::Claims("sub"));
    }
    Ok(claims)
}

/// The claims of a validated back-channel logout token: whose sessions to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogoutClaims {
    pub sub: Option<String>,
    pub sid: Option<String>,
}

#[derive(Deserialize)]
struct RawLogout {
    iss: String,
    aud: Audience,
    iat: i64,
    #[serde(default)]
    exp: Option<i64>,
    #[serde(default)]
    azp: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    sid: Option<String>,
    #[serde(default)]
    nonce: Option<Value>,
    #[serde(default)]
    events: Option<Map<String, Value>>,
    #[serde(default)]
    jti: Option<String>,
}

/// Validates a back-channel logout token (§2.6): signature, `iss`, `aud`, times, the logout
/// event, no `nonce`, a `jti`, and a `sid` or `sub`.
pub fn validate_logout_token(
    token: &str,
    keys: &[Jwk],
    expected: &Expected<'_>,
) -> Result<LogoutClaims, TokenError> {
    let claims = verify_signature(token, keys)?;
    let raw: RawLogout = serde_json::from_value(claims).map_err(|_| TokenError::Claims("iss, aud, iat"))?;
    check_issuer_and_audience(&raw.iss, &raw.aud, raw.azp.as_deref(), expected)?;
    check_times(raw.exp, raw.iat, None, expected.now.timestamp())?;
    let event = raw
        .events
        .as_ref()
        .and_then(|e| e.get(BACKCHANNEL_EVENT))
        .is_some_and(Value::is_object);
    if !event {
        return Err(TokenError::Claims("events"));
    }
    if raw.nonce.is_some() {
        return Err(TokenError::Claims("nonce"));
    }
    if raw.jti.as_deref().is_none_or(str::is_empty) {
        return Err(TokenError::Claims("jti"));
    }
    let sub = raw.sub.filter(|s| valid_subject(s));
    let sid = raw.sid.filter(|s| valid_subject(s));
    if sub.is_none() && sid.is_none() {
        return Err(TokenError::Claims("sid or sub"));
    }
    Ok(LogoutClaims { sub, sid })
}

#[cfg(test)]
#[path = "id_token_tests.rs"]
mod tests;
