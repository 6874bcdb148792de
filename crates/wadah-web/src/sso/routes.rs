//! The single sign-on endpoints.
//!
//! | path | what |
//! |---|---|
//! | `GET /sso/{provider}/masuk?kembali=` | begin a login: to the provider |
//! | `GET /sso/{provider}/callback` | the redirect URI: finish the login, start a session |
//! | `POST /sso/{provider}/backchannel-logout` | the provider ends its session: end ours |
//! | `GET /sso/selesai` | where the provider sends the browser after logout |
//!
//! Failures show a page in the reader's language and are logged by kind (never with names
//! or tokens); the local sign-in form keeps working whatever a provider does.

use axum::Router;
use axum::extract::rejection::QueryRejection;
use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use wadah_store::{SignInMethod, SsoSessionLink};

use super::flow::{self, Answer, LOGIN_COOKIE, LOGIN_TTL_SECS, LoginError};
use super::logout;
use super::return_to;
use crate::console::view::message;
use crate::portal::Lang;
use crate::session::{self, SIGN_IN_PATH};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/sso/{provider}/masuk", get(begin))
        .route("/sso/{provider}/callback", get(callback))
        .route("/sso/{provider}/backchannel-logout", post(logout::backchannel))
        .route("/sso/selesai", get(|| async { Redirect::to(SIGN_IN_PATH) }))
}

#[derive(Debug, Default, Deserialize)]
struct Kembali {
    #[serde(default)]
    kembali: String,
}

fn login_cookie(https: bool, value: &str, max_age: i64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!("{LOGIN_COOKIE}={value}; Path=/sso; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}")
}

/// The page for a failed login, and the log line saying why.
fn failure(lang: Lang, error: &LoginError) -> Response {
    tracing::warn!(error = %error, "single sign-on failed");
    let (status, title, text) = match error {
        LoginError::UnknownProvider => (StatusCode::NOT_FOUND, "sso-failed-title", "sso-failed-text"),
        LoginError::Provider(_) | LoginError::TokenEndpoint(_) => (
            StatusCode::BAD_GATEWAY,
            "sso-unavailable-title",
            "sso-unavailable-text",
        ),
        LoginError::State => (StatusCode::BAD_REQUEST, "sso-failed-title", "sso-state-text"),
        LoginError::Denied(_) => (StatusCode::FORBIDDEN, "sso-failed-title", "sso-denied-text"),
        LoginError::Disabled => (StatusCode::FORBIDDEN, "sso-failed-title", "sso-disabled-text"),
        LoginError::Token(_) | LoginError::Claims => {
            (StatusCode::UNAUTHORIZED, "sso-failed-title", "sso-failed-text")
        }
        LoginError::Store(_) | LoginError::Seal => (
            StatusCode::SERVICE_UNAVAILABLE,
            "error-title",
            "console-unavailable-text",
        ),
    };
    message(lang, status, title, text)
}

/// `GET /sso/{provider}/masuk`.
async fn begin(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Path(provider): Path<String>,
    query: Result<Query<Kembali>, QueryRejection>,
    extensions: axum::http::Extensions,
) -> Response {
    let Some(config) = state.config().sso.provider(&provider).cloned() else {
        return failure(lang, &LoginError::UnknownProvider);
    };
    let ip = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if let Err(retry) = state.sso().admit_start(ip, state.now().timestamp()) {
        tracing::warn!(%ip, "too many single sign-on starts from one address");
        let mut page = message(
            lang,
            StatusCode::TOO_MANY_REQUESTS,
            "sso-too-many-title",
            "sso-too-many-text",
        );
        page.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(retry.max(1)));
        return page;
    }
    let back = return_to::or_default(&query.map(|q| q.0.kembali).unwrap_or_default());
    match flow::begin(&state, &config, &back).await {
        Ok((url, browser)) => {
            let https = state.config().sessions.is_https(&uri, &headers);
            session::with_cookie(
                Redirect::to(&url).into_response(),
                &login_cookie(https, &browser, LOGIN_TTL_SECS),
            )
        }
        Err(e) => failure(lang, &e),
    }
}

fn browser_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| n.trim() == LOGIN_COOKIE)
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// `GET /sso/{provider}/callback`.
async fn callback(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    headers: HeaderMap,
    Path(provider): Path<String>,
    query: Result<Query<Answer>, QueryRejection>,
) -> Response {
    let https = state.config().sessions.is_https(&uri, &headers);
    let clear = login_cookie(https, "", 0);
    let Some(config) = state.config().sso.provider(&provider).cloned() else {
        return failure(lang, &LoginError::UnknownProvider);
    };
    let answer = query.map(|q| q.0).unwrap_or_default();
    let finished = match flow::finish(&state, &config, &answer, browser_token(&headers).as_deref()).await {
        Ok(finished) => finished,
        Err(e) => return session::with_cookie(failure(lang, &e), &clear),
    };
    let (cookie, digest) =
        match session::start_session(&state, &finished.user, SignInMethod::Oidc, https).await {
            Ok(started) => started,
            Err(e) => return session::with_cookie(failure(lang, &LoginError::Store(e)), &clear),
        };
    let sealed = state
        .keys()
        .seal(finished.id_token.as_bytes(), &flow::id_token_context(&digest))
        .ok();
    let link = SsoSessionLink {
        session_digest: digest,
        provider: config.id.clone(),
        issuer: finished.claims.iss.clone(),
        subject: finished.claims.sub.clone(),
        sid: finished.claims.sid.clone(),
        id_token_sealed: sealed,
    };
    if let Err(e) = state.store().link_sso_session(&link).await {
        // Without the link a provider's logout could not end this session: refuse it.
        let _ = state.store().delete_session(&link.session_digest).await;
        return session::with_cookie(failure(lang, &LoginError::Store(e)), &clear);
    }
    tracing::info!(provider = %config.id, username = %finished.user.spec.username.as_str(),
        "signed in through single sign-on");
    let mut response = Redirect::to(&finished.return_to).into_response();
    for value in [cookie, clear] {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}
