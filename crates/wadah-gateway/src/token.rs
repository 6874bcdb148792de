//! `POST /oauth2/token`: OAuth2 client-credentials (RFC 6749 §4.4), the flow Indonesia's
//! national SPLP uses. The body is `application/x-www-form-urlencoded` (at most
//! [`MAX_BODY`] bytes; no parameter twice) with `grant_type=client_credentials`. The client
//! authenticates with HTTP Basic (§2.3.1: id and secret form-urlencoded, then base64) or with
//! the form fields `client_id` and `client_secret`, never both. Clients come from the
//! snapshot (OAuth2 credentials; revoked ones are absent), the secret's SHA-256 is compared
//! in constant time, and an expired client is refused.
//!
//! `scope`: Wadah defines no scopes. A token stands for its client's application, and what it
//! may call is decided per request by the application's access rights (deny by default), so
//! any non-empty `scope` is answered `invalid_scope` rather than silently ignored.
//!
//! Success: 200 `{"access_token", "token_type": "Bearer", "expires_in"}`, an ES256 JWT (see
//! `auth` for what it claims and how it is checked). Errors use RFC 6749 §5.2's format, not
//! problem+json: `{"error", "error_description"}` with `invalid_request`, `invalid_client`
//! (401 with `WWW-Authenticate: Basic` when no or Basic authentication was sent, else 400),
//! `unsupported_grant_type` and `invalid_scope`. `unauthorized_client` is never sent: every
//! OAuth2 client may use this grant. Both answers carry `Cache-Control: no-store`.
//!
//! Brute force: failed client authentications are counted per client id and per source
//! address ([`FAILURES_PER_MINUTE`] each, GCRA cells in two fixed-size tables, so memory is
//! bounded whatever the callers send). Past that, the endpoint answers 429 `slow_down` with
//! `Retry-After` without looking at the secret, even a right one. Every outcome is counted in
//! `wadah_gateway_token_requests_total{outcome}`.

use std::hash::BuildHasher;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use serde::Serialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::auth::{ACCESS_TOKEN_TYP, AccessClaims};
use crate::limit::{Gcra, ceil_secs};
use crate::pipeline::ClientAddr;
use crate::snapshot::OauthClient;
use crate::{Shared, metrics};

/// The largest token request body read.
pub const MAX_BODY: usize = 8 * 1024;
/// Failed client authentications allowed per minute per client id and per source address.
pub const FAILURES_PER_MINUTE: u32 = 20;
/// Cells per brute-force table (keys hash into them; collisions only share a budget).
const CELLS: usize = 4096;

/// The failure counters of the token endpoint.
#[derive(Debug)]
pub struct Throttle {
    by_client: Box<[Gcra]>,
    by_address: Box<[Gcra]>,
    hasher: std::collections::hash_map::RandomState,
}

impl Default for Throttle {
    fn default() -> Self {
        let table = || {
            (0..CELLS)
                .map(|_| Gcra::new())
                .collect::<Vec<_>>()
                .into_boxed_slice()
        };
        Self {
            by_client: table(),
            by_address: table(),
            hasher: std::collections::hash_map::RandomState::new(),
        }
    }
}

impl Throttle {
    fn cell<'a>(&self, table: &'a [Gcra], key: &str) -> Option<&'a Gcra> {
        let index = usize::try_from(self.hasher.hash_one(key)).unwrap_or(0) % CELLS;
        table.get(index)
    }
}

/// An RFC 6749 §5.2 error answer.
#[derive(Debug)]
struct OauthError {
    status: StatusCode,
    error: &'static str,
    description: String,
    headers: Vec<(header::HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    error_description: &'a str,
}

impl OauthError {
    fn new(error: &'static str, description: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            error,
            description: description.into(),
            headers: Vec::new(),
        }
    }

    fn request(description: impl Into<String>) -> Self {
        Self::new("invalid_request", description)
    }

    /// `invalid_client`: 401 with a Basic challenge unless the client used the form fields.
    fn client(method: AuthMethod, description: &str) -> Self {
        let mut e = Self::new("invalid_client", description);
        if method != AuthMethod::Form {
            e.status = StatusCode::UNAUTHORIZED;
            e.headers.push((
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"wadah\", charset=\"UTF-8\""),
            ));
        }
        e
    }
}

impl IntoResponse for OauthError {
    fn into_response(self) -> Response {
        metrics::token_request(self.error);
        let body = ErrorBody {
            error: self.error,
            error_description: &self.description,
        };
        let mut response = (self.status, axum::Json(body)).into_response();
        no_store(response.headers_mut());
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AuthMethod {
    None,
    Basic,
    Form,
}

#[derive(Serialize)]
struct TokenBody<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: u64,
}

/// `POST /oauth2/token`.
pub async fn issue(State(gw): State<Arc<Shared>>, req: Request) -> Response {
    match token(&gw, req).await {
        Ok(response) => response,
        Err(e) => {
            gw.audit.reject(refusal_code(e.error), None, None);
            e.into_response()
        }
    }
}

/// The evidence-log code of a refused token request: the RFC 6749 error, marked as the token
/// endpoint's so it is not read as a refusal of an exchange. Refusals are only counted (in the
/// aggregated refusal record), so a flood of bad client secrets cannot fill the disk. Issued
/// tokens are counted in metrics; every use of one is an exchange with its own record.
fn refusal_code(error: &'static str) -> &'static str {
    match error {
        "invalid_client" => "token_invalid_client",
        "invalid_request" => "token_invalid_request",
        "invalid_scope" => "token_invalid_scope",
        "unsupported_grant_type" => "token_unsupported_grant_type",
        "slow_down" => "token_slow_down",
        _ => "token_unavailable",
    }
}

/// Any other method on `/oauth2/token`.
pub async fn wrong_method() -> Response {
    let mut e = OauthError::request("the token endpoint only answers POST");
    e.status = StatusCode::METHOD_NOT_ALLOWED;
    e.headers.push((header::ALLOW, HeaderValue::from_static("POST")));
    e.into_response()
}

async fn token(gw: &Shared, req: Request) -> Result<Response, OauthError> {
    let address = req
        .extensions()
        .get::<ClientAddr>()
        .map(|a| a.0.ip().to_string())
        .unwrap_or_default();
    let now_ns = u64::try_from(gw.origin.elapsed().as_nanos()).unwrap_or(u64::MAX);
    let address_cell = gw.throttle.cell(&gw.throttle.by_address, &address);
    throttled(address_cell, now_ns)?;
    let (parts, body) = req.into_parts();
    let form = read_form(&parts.headers, body).await?;
    let (method, client_id, secret) = client_credentials(&parts.headers, &form)?;
    match form.get("grant_type") {
        None => return Err(OauthError::request("grant_type is missing")),
        Some("client_credentials") => {}
        Some(_) => {
            return Err(OauthError::new(
                "unsupported_grant_type",
                "this endpoint only issues client_credentials tokens",
            ));
        }
    }
    let client_cell = gw.throttle.cell(&gw.throttle.by_client, &client_id);
    throttled(client_cell, now_ns)?;
    let snapshot = gw.snapshot.load_full();
    let now = gw.clock.now();
    let client = match authenticate(snapshot.client(&client_id), &secret, now) {
        Ok(client) => client,
        Err(why) => {
            for cell in [address_cell, client_cell].into_iter().flatten() {
                cell.check(now_ns, FAILURES_PER_MINUTE);
            }
            return Err(OauthError::client(method, why));
        }
    };
    if form.get("scope").is_some_and(|s| !s.trim().is_empty()) {
        return Err(OauthError::new(
            "invalid_scope",
            "Wadah defines no scopes: a token carries its application's access rights; omit scope",
        ));
    }
    let lifetime = gw.config.oauth.token_lifetime.as_secs();
    let keys = gw.signing.load();
    let signer = keys.signer(now).ok_or_else(|| {
        tracing::error!("no signing key can sign now; access tokens cannot be issued");
        let mut e = OauthError::new(
            "temporarily_unavailable",
            "no signing key is available; try again later",
        );
        e.status = StatusCode::SERVICE_UNAVAILABLE;
        e
    })?;
    let iat = now.timestamp();
    let claims = AccessClaims {
        iss: keys.issuer().to_owned(),
        sub: client_id.clone(),
        aud: keys.issuer().to_owned(),
        exp: iat + i64::try_from(lifetime).unwrap_or(300),
        iat,
        nbf: iat,
        jti: wadah_domain::secret::public_id("", gw.random.as_ref()),
        client_id,
        agency: client.consumer.agency.to_string(),
        application: client.consumer.application.to_string(),
        ver: client.version,
    };
    let access_token = signer.sign(ACCESS_TOKEN_TYP, &claims).map_err(|e| {
        tracing::error!(error = %e, "signing an access token failed");
        let mut e = OauthError::new("temporarily_unavailable", "the token could not be signed");
        e.status = StatusCode::SERVICE_UNAVAILABLE;
        e
    })?;
    metrics::token_request("issued");
    let body = TokenBody {
        access_token: &access_token,
        token_type: "Bearer",
        expires_in: lifetime,
    };
    let mut response = axum::Json(body).into_response();
    no_store(response.headers_mut());
    Ok(response)
}

fn throttled(cell: Option<&Gcra>, now_ns: u64) -> Result<(), OauthError> {
    let Some(wait) = cell.and_then(|c| c.blocked_for(now_ns, FAILURES_PER_MINUTE)) else {
        return Ok(());
    };
    let secs = ceil_secs(wait).max(1);
    let mut e = OauthError::new(
        "slow_down",
        format!("too many failed client authentications; retry after {secs} s"),
    );
    e.status = StatusCode::TOO_MANY_REQUESTS;
    e.headers.push((header::RETRY_AFTER, HeaderValue::from(secs)));
    Err(e)
}

/// The client behind `client_id` if `secret` is its current secret and it has not expired.
fn authenticate<'s>(
    client: Option<&'s OauthClient>,
    secret: &str,
    now: wadah_domain::Timestamp,
) -> Result<&'s OauthClient, &'static str> {
    let digest: [u8; 32] = Sha256::digest(secret.as_bytes()).into();
    let Some(client) = client else {
        return Err("the client is unknown, revoked, or the secret is wrong");
    };
    if !bool::from(client.digest.ct_eq(&digest)) {
        return Err("the client is unknown, revoked, or the secret is wrong");
    }
    if client.consumer.expires_at.is_some_and(|t| t <= now) {
        return Err("the client has expired");
    }
    Ok(client)
}

/// The form parameters, each at most once (RFC 6749 §3.2); empty values count as absent.
#[derive(Debug, Default)]
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, v)| n == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }
}

async fn read_form(headers: &HeaderMap, body: Body) -> Result<Form, OauthError> {
    let form_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    if !form_type {
        return Err(OauthError::request(
            "send the parameters as application/x-www-form-urlencoded",
        ));
    }
    let bytes = axum::body::to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| OauthError::request(format!("the body may have at most {MAX_BODY} bytes")))?;
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (name, value) in url::form_urlencoded::parse(&bytes) {
        if pairs.iter().any(|(n, _)| *n == name) {
            return Err(OauthError::request(format!("{name} is sent more than once")));
        }
        pairs.push((name.into_owned(), value.into_owned()));
    }
    Ok(Form(pairs))
}

/// (how the client authenticated, client id, secret).
fn client_credentials(headers: &HeaderMap, form: &Form) -> Result<(AuthMethod, String, String), OauthError> {
    let basic = match headers.get(header::AUTHORIZATION) {
        None => None,
        Some(value) => Some(basic(value).ok_or_else(|| {
            OauthError::client(
                AuthMethod::Basic,
                "Authorization must be Basic base64(client_id:client_secret)",
            )
        })?),
    };
    let in_form = form.get("client_id").is_some() || form.get("client_secret").is_some();
    match (basic, in_form) {
        (Some(_), true) => Err(OauthError::request(
            "authenticate the client either with Basic or with client_id/client_secret, not both",
        )),
        (Some((id, secret)), false) => Ok((AuthMethod::Basic, id, secret)),
        (None, true) => match (form.get("client_id"), form.get("client_secret")) {
            (Some(id), Some(secret)) => Ok((AuthMethod::Form, id.to_owned(), secret.to_owned())),
            _ => Err(OauthError::client(
                AuthMethod::Form,
                "send both client_id and client_secret",
            )),
        },
        (None, false) => Err(OauthError::client(
            AuthMethod::None,
            "authenticate the client with Basic or with client_id and client_secret",
        )),
    }
}

/// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1).
fn basic(value: &HeaderValue) -> Option<(String, String)> {
    let value = value.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") || encoded.len() > 2048 {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// One form-urlencoded value: `+` is a space, `%XX` a byte; the result must be UTF-8.
fn form_decode(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 2;
            }
            _ => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_decoded() {
        let value = |s: &str| {
            let enc = base64::engine::general_purpose::STANDARD.encode(s);
            HeaderValue::from_str(&format!("Basic {enc}")).unwrap()
        };
        assert_eq!(
            basic(&value("wdhc_1:wdhs_a%2Bb+c%3A")),
            Some(("wdhc_1".into(), "wdhs_a+b c:".into()))
        );
        assert_eq!(basic(&value("no-colon")), None);
        assert_eq!(basic(&value("a:%ZZ")), None);
        assert_eq!(basic(&value("a:%4")), None);
        assert_eq!(basic(&HeaderValue::from_static("Bearer abc")), None);
    }
}
