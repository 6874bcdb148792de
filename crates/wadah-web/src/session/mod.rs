//! Sign-in sessions of people on the web listener: the console now, the staff and developer
//! portals later (they reuse [`SignedIn`] and [`Posted`] as they are).
//!
//! - The browser holds only a random 256-bit session id, in a cookie that is `HttpOnly`,
//!   `SameSite=Lax`, and — when the request came over HTTPS — `Secure` with the `__Host-`
//!   prefix (so no subdomain and no plain-HTTP page can plant or read it). The store keeps the
//!   id's SHA-256 digest ([`wadah_store::SessionStore`]), never the id.
//! - A session ends when idle for [`SessionConfig::idle_timeout`], at the latest
//!   [`SessionConfig::absolute_timeout`] after sign-in, at sign-out, or when its user is
//!   disabled or deleted. Times come from the state's `Clock`.
//! - Every state-changing request is a form `POST` checked by [`Posted`]: same origin
//!   (`Origin`, else `Referer`) and the session's synchronizer token in the `csrf` field,
//!   compared in constant time ([`csrf`]).
//! - The session records how the person signed in ([`SignInMethod`]): `local` (password,
//!   [`local`]) or `oidc` (single sign-on, `crate::sso`, which calls [`start_session`] and links
//!   the session to the provider's).
//!
//! Whether a request came over HTTPS: `sessions.secure_cookies = true` (set it whenever people
//! reach Wadah over HTTPS, directly or through a TLS-terminating proxy), or, only with
//! `sessions.trust_forwarded_proto = true` (the listener is reachable *only* through a proxy
//! that sets the header), `X-Forwarded-Proto: https`.

pub mod csrf;
pub mod local;
pub mod throttle;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use wadah_domain::policy::Principal;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::User;
use wadah_store::{NewSession, SignInMethod, StoreError};

use crate::extract::Caller;
use crate::portal::Lang;
use crate::portal::layout::encode_component;
use crate::state::AppState;

/// Cookie name over plain HTTP.
pub const COOKIE: &str = "wadah_sesi";
/// Cookie name over HTTPS: the `__Host-` prefix makes browsers insist on `Secure`, `Path=/`
/// and no `Domain`.
pub const SECURE_COOKIE: &str = "__Host-wadah_sesi";
/// Where people sign in.
pub const SIGN_IN_PATH: &str = "/console/masuk";
/// Activity is written back at most this often (seconds), so browsing is not a write per page.
const TOUCH_EVERY_SECS: i64 = 60;
/// Longest cookie value worth hashing (ids are 43 characters).
const MAX_ID_LEN: usize = 128;
/// Largest form accepted (a service's OpenAPI document is the biggest field).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;

/// Lifetimes, cookie security and sign-in throttling.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// A session unused this long ends (default 30 minutes).
    pub idle_timeout: chrono::Duration,
    /// A session ends this long after sign-in however active (default 12 hours).
    pub absolute_timeout: chrono::Duration,
    /// Always mark cookies `Secure` (`__Host-` prefix): people reach Wadah over HTTPS.
    pub secure_cookies: bool,
    /// Believe `X-Forwarded-Proto: https` (only behind a proxy that always sets it).
    pub trust_forwarded_proto: bool,
    /// Failed sign-ins for one username before it is locked for `lockout` (default 5).
    pub max_failures_per_user: u32,
    /// Failed sign-ins from one address before it is locked (default 20: offices share one).
    pub max_failures_per_address: u32,
    /// How long a lock lasts, and how long failures are remembered (default 15 minutes).
    pub lockout: chrono::Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_timeout: chrono::Duration::minutes(30),
            absolute_timeout: chrono::Duration::hours(12),
            secure_cookies: false,
            trust_forwarded_proto: false,
            max_failures_per_user: 5,
            max_failures_per_address: 20,
            lockout: chrono::Duration::minutes(15),
        }
    }
}

impl SessionConfig {
    /// Whether this request reached us over HTTPS (see the module docs).
    pub fn is_https(&self, parts_uri: &axum::http::Uri, headers: &HeaderMap) -> bool {
        if self.secure_cookies || parts_uri.scheme_str() == Some("https") {
            return true;
        }
        self.trust_forwarded_proto
            && headers
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
    }

    fn cookie_name(https: bool) -> &'static str {
        if https { SECURE_COOKIE } else { COOKIE }
    }

    /// The `Set-Cookie` value carrying `id`.
    pub fn set_cookie(&self, https: bool, id: &str) -> String {
        let secure = if https { "; Secure" } else { "" };
        format!(
            "{}={id}; Path=/; HttpOnly; SameSite=Lax{secure}",
            Self::cookie_name(https)
        )
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear_cookie(&self, https: bool) -> String {
        let secure = if https { "; Secure" } else { "" };
        format!(
            "{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}",
            Self::cookie_name(https)
        )
    }
}

/// A signed-in person, taken from a live session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub principal: Principal,
    pub display_name: String,
    pub method: SignInMethod,
    csrf_token: String,
    id_digest: SecretDigest,
    https: bool,
}

impl SignedIn {
    /// The same caller the admin API's handlers take, so the console asks the same policy.
    pub fn caller(&self) -> Caller {
        Caller(self.principal.clone())
    }

    /// The token every form of this session carries in its `csrf` field.
    pub fn csrf_token(&self) -> &str {
        &self.csrf_token
    }

    pub fn https(&self) -> bool {
        self.https
    }

    /// The digest of the session's id, as the store knows it.
    pub fn id_digest(&self) -> &SecretDigest {
        &self.id_digest
    }

    /// Ends the session in the store (sign-out).
    pub async fn end(&self, state: &AppState) -> Result<(), StoreError> {
        state.store().delete_session(&self.id_digest).await.map(|_| ())
    }
}

fn principal_of(user: &User) -> Principal {
    Principal {
        username: user.spec.username.as_str().to_owned(),
        role: user.spec.role,
        agency: user.spec.agency.clone(),
        application: user.spec.application.clone(),
    }
}

fn cookie_value<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| n.trim() == name)
        .map(|(_, v)| v.trim())
}

/// The live session of a request, if any. An ended session (idle or past its end) is deleted
/// here, so it cannot come back.
pub async fn current(
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    state: &AppState,
) -> Result<Option<SignedIn>, StoreError> {
    let config = &state.config().sessions;
    let https = config.is_https(uri, headers);
    let Some(id) = cookie_value(headers, SessionConfig::cookie_name(https))
        .filter(|id| !id.is_empty() && id.len() <= MAX_ID_LEN)
    else {
        return Ok(None);
    };
    let digest = SecretDigest::of(id);
    let Some(session) = state.store().session(&digest).await? else {
        return Ok(None);
    };
    let now = state.now();
    if now >= session.expires_at || now - session.last_seen_at >= config.idle_timeout {
        state.store().delete_session(&digest).await?;
        return Ok(None);
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECS {
        state.store().touch_session(&digest, now).await?;
    }
    Ok(Some(SignedIn {
        principal: principal_of(&session.user),
        display_name: session.user.spec.display_name.as_str().to_owned(),
        method: session.method,
        csrf_token: session.csrf_token,
        id_digest: digest,
        https,
    }))
}

/// Starts a session for `user` signed in by `method`; answers the `Set-Cookie` value. Also
/// sweeps sessions that have ended, so the table does not grow without a background task.
pub async fn start(
    state: &AppState,
    user: &User,
    method: SignInMethod,
    https: bool,
) -> Result<String, StoreError> {
    start_session(state, user, method, https)
        .await
        .map(|(cookie, _)| cookie)
}

/// [`start`], also answering the new session's id digest (single sign-on links it to the
/// provider's session).
pub async fn start_session(
    state: &AppState,
    user: &User,
    method: SignInMethod,
    https: bool,
) -> Result<(String, SecretDigest), StoreError> {
    let config = &state.config().sessions;
    let id = random_token(state);
    let now = state.now();
    let digest = SecretDigest::of(&id);
    let session = NewSession {
        id_digest: digest.clone(),
        username: user.spec.username.clone(),
        method,
        csrf_token: random_token(state),
        created_at: now,
        expires_at: now + config.absolute_timeout,
    };
    state.store().create_session(&session).await?;
    state
        .store()
        .purge_sessions(now, now - config.idle_timeout)
        .await?;
    Ok((config.set_cookie(https, &id), digest))
}

/// 32 random bytes, base64url.
fn random_token(state: &AppState) -> String {
    let mut bytes = [0u8; 32];
    state.random().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Why a page that needs a signed-in person was not served.
#[derive(Debug)]
pub enum SessionRejection {
    /// No live session: go and sign in, then come back to `next`.
    SignIn {
        next: String,
    },
    /// A form without the session's token, or from another origin.
    Forged(Lang),
    /// The form could not be read (too large, not a form).
    BadForm(Lang),
    Unavailable(Lang),
    /// Signed in, but this part of the site is not for the person's role: go to `to`.
    NotHere {
        to: &'static str,
    },
}

impl IntoResponse for SessionRejection {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn { next } => {
                Redirect::to(&format!("{SIGN_IN_PATH}?kembali={}", encode_component(&next))).into_response()
            }
            Self::Forged(lang) => crate::console::view::message(
                lang,
                StatusCode::FORBIDDEN,
                "console-forged-title",
                "console-forged-text",
            ),
            Self::BadForm(lang) => crate::console::view::message(
                lang,
                StatusCode::BAD_REQUEST,
                "console-bad-form-title",
                "console-bad-form-text",
            ),
            Self::Unavailable(lang) => crate::console::view::message(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-title",
                "console-unavailable-text",
            ),
            Self::NotHere { to } => Redirect::to(to).into_response(),
        }
    }
}

fn here(parts: &Parts) -> String {
    parts
        .uri
        .path_and_query()
        .map_or_else(|| "/console".to_owned(), |p| p.as_str().to_owned())
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await.unwrap_or_default();
        match current(&parts.uri, &parts.headers, state).await {
            Ok(Some(signed)) => Ok(signed),
            Ok(None) => Err(SessionRejection::SignIn { next: here(parts) }),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the session");
                Err(SessionRejection::Unavailable(lang))
            }
        }
    }
}

/// The fields of a submitted form, in order.
#[derive(Debug, Clone, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Option<Self> {
        serde_urlencoded::from_bytes(body).ok().map(Self)
    }

    /// The first value of `name` (empty when absent).
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Replaces (or adds) the value of `name`.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.retain(|(n, _)| n != name);
        self.0.push((name.to_owned(), value.to_owned()));
    }
}

/// A form `POST` of a signed-in person, checked against cross-site request forgery: same
/// origin and the session's synchronizer token. Handlers that change anything take this, so
/// a forged form never reaches them.
#[derive(Debug)]
pub struct Posted {
    pub who: SignedIn,
    pub form: FormData,
}

impl FromRequest<AppState> for Posted {
    type Rejection = SessionRejection;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let lang = Lang::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_default();
        let who = SignedIn::from_request_parts(&mut parts, state).await?;
        if !csrf::same_origin(&parts.uri, &parts.headers) {
            return Err(SessionRejection::Forged(lang));
        }
        let bytes = axum::body::to_bytes(body, MAX_FORM_BYTES)
            .await
            .map_err(|_| SessionRejection::BadForm(lang))?;
        let form = FormData::parse(&bytes).ok_or(SessionRejection::BadForm(lang))?;
        if !csrf::token_matches(who.csrf_token(), form.get(csrf::FIELD)) {
            return Err(SessionRejection::Forged(lang));
        }
        Ok(Self { who, form })
    }
}

/// A `multipart/form-data` post of a signed-in person (a file upload form). The same origin
/// is checked here, as [`Posted`] checks it; the synchronizer token travels inside the multipart
/// body, so the handler reads the parts and then asks [`PostedMultipart::token_matches`] (the
/// same constant-time comparison as [`Posted`]) before it uses anything it read. The body limit
/// is the route's own (`DefaultBodyLimit` on that route only).
#[derive(Debug)]
pub struct PostedMultipart {
    pub who: SignedIn,
    pub lang: Lang,
    pub multipart: axum::extract::Multipart,
}

impl PostedMultipart {
    /// Whether `sent` (the form's `csrf` field) is the session's token.
    pub fn token_matches(&self, sent: &str) -> bool {
        csrf::token_matches(self.who.csrf_token(), sent)
    }

    /// The refusal of a post whose token did not match.
    pub fn forged(&self) -> SessionRejection {
        SessionRejection::Forged(self.lang)
    }
}

impl FromRequest<AppState> for PostedMultipart {
    type Rejection = SessionRejection;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let lang = Lang::from_request_parts(&mut parts, state)
            .await
            .unwrap_or_default();
        let who = SignedIn::from_request_parts(&mut parts, state).await?;
        if !csrf::same_origin(&parts.uri, &parts.headers) {
            return Err(SessionRejection::Forged(lang));
        }
        let request = Request::from_parts(parts, body);
        let multipart = axum::extract::Multipart::from_request(request, state)
            .await
            .map_err(|_| SessionRejection::BadForm(lang))?;
        Ok(Self { who, lang, multipart })
    }
}

/// A response with a cookie set (sign-in, sign-out).
pub fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_host_prefixed_over_https() {
        let c = SessionConfig::default();
        assert_eq!(
            c.set_cookie(false, "abc"),
            "wadah_sesi=abc; Path=/; HttpOnly; SameSite=Lax"
        );
        assert_eq!(
            c.set_cookie(true, "abc"),
            "__Host-wadah_sesi=abc; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(c.clear_cookie(true).contains("Max-Age=0"));
    }

    #[test]
    fn forwarded_proto_counts_only_when_trusted() {
        let uri: axum::http::Uri = "/console".parse().unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let mut c = SessionConfig::default();
        assert!(!c.is_https(&uri, &h));
        c.trust_forwarded_proto = true;
        assert!(c.is_https(&uri, &h));
        assert!(!c.is_https(&uri, &HeaderMap::new()));
        c.secure_cookies = true;
        assert!(c.is_https(&uri, &HeaderMap::new()));
    }

    #[test]
    fn the_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("wadah_lang=en; wadah_sesi=xyz"),
        );
        assert_eq!(cookie_value(&h, COOKIE), Some("xyz"));
        assert_eq!(cookie_value(&h, SECURE_COOKIE), None);
    }
}
