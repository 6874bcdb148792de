//! Upstream credentials: what Wadah presents to a provider's upstream in place of the
//! consumer's own credential (which never leaves the gateway). The sealed secret is opened
//! when a snapshot is built, never per request; a secret that does not open (wrong master
//! key, moved row) leaves the service refusing calls with `upstream_credential_failed` rather
//! than calling the upstream without its credential.
//!
//! OAuth2 client credentials (RFC 6749 §4.4, how a city reaches the national SPLP): the token
//! is fetched on first use with Basic client authentication, cached until shortly before its
//! `expires_in`, and refreshed by one request at a time (a burst waits for that one fetch
//! instead of sending a hundred). A 401 from the upstream drops the token it was sent with,
//! so the caller can retry once with a fresh one when the body can be sent again. Token
//! caches survive snapshot swaps while the credential is unchanged.
//!
//! Secrets never appear in `Debug`, logs or problem details.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Request, Uri, header};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http_body_util::{BodyExt, Either, Full, Limited};
use wadah_domain::upstream::{UpstreamCredentialSpec, seal_context};
use wadah_domain::{Clock, Timestamp};
use wadah_seal::KeyRing;
use wadah_store::GatewayUpstreamCredential;

use super::client::HttpsClient;
use crate::problem::{Code, GatewayError};

/// The largest token response read.
const MAX_TOKEN_RESPONSE: usize = 64 * 1024;
/// Used when the token response has no `expires_in`.
const DEFAULT_LIFETIME_SECS: i64 = 300;
/// The longest a token is cached, whatever the endpoint says.
const MAX_LIFETIME_SECS: i64 = 24 * 3600;
/// How long before expiry a token is refreshed (at most; half the lifetime for short ones).
const REFRESH_MARGIN_SECS: i64 = 60;

/// A service's opened upstream credential.
pub struct UpstreamAuth {
    /// The stored version and sealed text it was opened from (to reuse it across snapshots).
    version: i64,
    sealed: String,
    kind: Kind,
}

enum Kind {
    Header(HeaderName, HeaderValue),
    Basic(HeaderValue),
    OAuth2(Box<TokenSource>),
    /// The secret could not be opened; calls are refused.
    Unusable,
}

impl std::fmt::Debug for UpstreamAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.kind {
            Kind::Header(name, _) => format!("header {name}"),
            Kind::Basic(_) => "basic".into(),
            Kind::OAuth2(t) => format!("oauth2 {}", t.token_url),
            Kind::Unusable => "unusable".into(),
        };
        f.debug_struct("UpstreamAuth")
            .field("version", &self.version)
            .field("kind", &kind)
            .finish_non_exhaustive()
    }
}

impl UpstreamAuth {
    /// Opens `stored` with the key ring; reuses `previous` (and its cached token) when the
    /// credential did not change.
    pub fn open(
        stored: &GatewayUpstreamCredential,
        keys: &KeyRing,
        client: &HttpsClient,
        previous: Option<&Arc<UpstreamAuth>>,
    ) -> Arc<Self> {
        if let Some(p) = previous.filter(|p| p.version == stored.version && p.sealed == stored.sealed_secret)
        {
            return p.clone();
        }
        let kind = match keys.open(&stored.sealed_secret, &seal_context(&stored.service)) {
            Ok(secret) => match String::from_utf8(secret) {
                Ok(secret) => kind_of(stored.public.with_secret(secret), client),
                Err(_) => None,
            },
            Err(e) => {
                tracing::error!(service = %stored.service, error = %e,
                    "the upstream credential cannot be opened; the service refuses calls until it is set again");
                None
            }
        };
        Arc::new(Self {
            version: stored.version,
            sealed: stored.sealed_secret.clone(),
            kind: kind.unwrap_or(Kind::Unusable),
        })
    }

    /// Adds the credential to the upstream request's headers.
    pub async fn apply(
        &self,
        headers: &mut HeaderMap,
        clock: &dyn Clock,
        timeout: Duration,
    ) -> Result<(), GatewayError> {
        match &self.kind {
            Kind::Header(name, value) => {
                headers.insert(name.clone(), value.clone());
            }
            Kind::Basic(value) => {
                headers.insert(header::AUTHORIZATION, value.clone());
            }
            Kind::OAuth2(source) => {
                let bearer = source.bearer(clock, timeout).await?;
                headers.insert(header::AUTHORIZATION, bearer);
            }
            Kind::Unusable => {
                return Err(GatewayError::new(
                    Code::UpstreamCredentialFailed,
                    "the service's upstream credential cannot be used; its provider must set it again",
                ));
            }
        }
        Ok(())
    }

    /// After a 401 from the upstream: forgets the token sent in `headers`, and says whether a
    /// retry with a fresh token can help (OAuth2 only).
    pub fn renew(&self, headers: &HeaderMap) -> bool {
        let Kind::OAuth2(source) = &self.kind else {
            return false;
        };
        if let Some(sent) = headers.get(header::AUTHORIZATION) {
            source.forget(sent);
        }
        true
    }
}

fn kind_of(spec: UpstreamCredentialSpec, client: &HttpsClient) -> Option<Kind> {
    match spec {
        UpstreamCredentialSpec::Header { name, value } => {
            let name = HeaderName::from_bytes(name.as_bytes()).ok()?;
            let mut value = HeaderValue::from_str(&value).ok()?;
            value.set_sensitive(true);
            Some(Kind::Header(name, value))
        }
        UpstreamCredentialSpec::Basic { username, password } => {
            Some(Kind::Basic(basic(&username, &password)?))
        }
        UpstreamCredentialSpec::Oauth2ClientCredentials {
            token_url,
            client_id,
            client_secret,
            scope,
        } => {
            // RFC 6749 §2.3.1: id and secret are form-encoded before Basic encoding.
            let id: String = url::form_urlencoded::byte_serialize(client_id.as_bytes()).collect();
            let secret: String = url::form_urlencoded::byte_serialize(client_secret.as_bytes()).collect();
            let mut form = url::form_urlencoded::Serializer::new(String::new());
            form.append_pair("grant_type", "client_credentials");
            if let Some(scope) = &scope {
                form.append_pair("scope", scope);
            }
            Some(Kind::OAuth2(Box::new(TokenSource {
                token_url: token_url.parse().ok()?,
                client_auth: basic(&id, &secret)?,
                form: Bytes::from(form.finish()),
                client: client.clone(),
                cached: RwLock::new(None),
                refresh: tokio::sync::Mutex::new(()),
            })))
        }
    }
}

fn basic(user: &str, password: &str) -> Option<HeaderValue> {
    let encoded = STANDARD.encode(format!("{user}:{password}"));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// Fetches and caches the access token of one service's OAuth2 client.
struct TokenSource {
    token_url: Uri,
    client_auth: HeaderValue,
    form: Bytes,
    client: HttpsClient,
    cached: RwLock<Option<Token>>,
    /// Held while fetching, so concurrent callers wait for one fetch.
    refresh: tokio::sync::Mutex<()>,
}

#[derive(Clone)]
struct Token {
    bearer: HeaderValue,
    refresh_at: Timestamp,
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<i64>,
}

impl TokenSource {
    fn fresh(&self, now: Timestamp) -> Option<HeaderValue> {
        let cached = self.cached.read().ok()?;
        cached
            .as_ref()
            .filter(|t| now < t.refresh_at)
            .map(|t| t.bearer.clone())
    }

    async fn bearer(&self, clock: &dyn Clock, timeout: Duration) -> Result<HeaderValue, GatewayError> {
        if let Some(bearer) = self.fresh(clock.now()) {
            return Ok(bearer);
        }
        let _one_at_a_time = self.refresh.lock().await;
        if let Some(bearer) = self.fresh(clock.now()) {
            return Ok(bearer);
        }
        let token = self.fetch(clock, timeout).await.map_err(|why| {
            tracing::warn!(token_url = %self.token_url, why = %why, "the upstream's token endpoint issued no token");
            GatewayError::new(
                Code::UpstreamCredentialFailed,
                "the gateway could not obtain an access token for the upstream",
            )
        })?;
        if let Ok(mut cached) = self.cached.write() {
            *cached = Some(token.clone());
        }
        Ok(token.bearer)
    }

    fn forget(&self, sent: &HeaderValue) {
        if let Ok(mut cached) = self.cached.write()
            && cached.as_ref().is_some_and(|t| t.bearer == sent)
        {
            *cached = None;
        }
    }

    /// One token request; the error is a reason for the log (never a secret).
    async fn fetch(&self, clock: &dyn Clock, timeout: Duration) -> Result<Token, String> {
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.token_url.clone())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Either::Left(Full::new(self.form.clone())))
            .map_err(|e| e.to_string())?;
        request
            .headers_mut()
            .insert(header::AUTHORIZATION, self.client_auth.clone());
        let exchange = async {
            let response = self.client.request(request).await.map_err(|e| format!("{e:?}"))?;
            let status = response.status();
            let body = Limited::new(response.into_body(), MAX_TOKEN_RESPONSE)
                .collect()
                .await
                .map_err(|e| e.to_string())?
                .to_bytes();
            Ok::<_, String>((status, body))
        };
        let (status, body) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| format!("no answer within {} ms", timeout.as_millis()))??;
        if !status.is_success() {
            return Err(format!("the token endpoint answered {status}"));
        }
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|e| format!("the token response is not valid JSON: {e}"))?;
        if parsed
            .token_type
            .as_deref()
            .is_some_and(|t| !t.eq_ignore_ascii_case("bearer"))
        {
            return Err("the token is not a bearer token".into());
        }
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", parsed.access_token))
            .map_err(|_| "the access token is not valid in a header".to_owned())?;
        bearer.set_sensitive(true);
        let lifetime = parsed
            .expires_in
            .unwrap_or(DEFAULT_LIFETIME_SECS)
            .clamp(1, MAX_LIFETIME_SECS);
        let margin = REFRESH_MARGIN_SECS.min(lifetime / 2);
        let refresh_at = clock.now() + chrono::Duration::seconds(lifetime - margin);
        Ok(Token { bearer, refresh_at })
    }
}
