//! `GET|POST /console/masuk` (sign in) and `POST /console/keluar` (sign out).
//!
//! The sign-in form posts username and password; the answer to a wrong password, an unknown
//! user and a disabled account is the same sentence, and a throttled attempt gets its own
//! sentence whoever the username names (see `session::local`). The sign-in post has no session
//! yet, so it is protected against login CSRF by the same-origin check only.

use std::net::{IpAddr, SocketAddr};

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wadah_store::SignInMethod;

use super::view::{Frame, render};
use crate::portal::Lang;
use crate::portal::layout::encode_component;
use crate::session::{self, FormData, Posted, local};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/signin.html")]
struct SignInPage {
    frame: Frame,
    error: Option<String>,
    username: String,
    next: String,
    /// One button per configured identity provider: (href, label).
    providers: Vec<(String, String)>,
}

#[derive(Debug, Deserialize, Default)]
pub struct NextParam {
    #[serde(default)]
    kembali: String,
}

/// Only a path of Wadah's own front doors (`/console`, `/asn`, `/developer`) is followed after
/// sign-in, never another site (no open redirect): see [`crate::sso::return_to`].
fn safe_next(raw: &str) -> String {
    crate::sso::return_to::or_default(raw)
}

fn page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    error: Option<String>,
    username: &str,
    next: &str,
) -> Response {
    let here = "/console/masuk";
    let providers = state
        .config()
        .sso
        .providers
        .iter()
        .map(|p| {
            let href = format!("/sso/{}/masuk?kembali={}", p.id, encode_component(next));
            (href, lang.t_args("sso-sign-in-with", &[("name", &p.name)]))
        })
        .collect();
    let view = SignInPage {
        frame: Frame::new(lang, lang.t("console-sign-in-title"), here, None),
        error,
        username: username.to_owned(),
        next: next.to_owned(),
        providers,
    };
    render(status, &view)
}

/// `GET /console/masuk`: the form, or straight on when already signed in.
pub async fn form(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    query: Result<axum::extract::Query<NextParam>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let next = safe_next(&query.map(|q| q.0.kembali).unwrap_or_default());
    if let Ok(Some(_)) = session::current(&uri, &headers, &state).await {
        return Redirect::to(&next).into_response();
    }
    page(&state, lang, StatusCode::OK, None, "", &next)
}

/// The client's address: the connection's peer (X-Forwarded-For is not believed: it is the
/// client's to write; behind a proxy every attempt counts under the proxy's address, which
/// the per-address limit allows for).
fn address(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// `POST /console/masuk`.
pub async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let (mut parts, body) = request.into_parts();
    let lang = Lang::from_request_parts(&mut parts, &state)
        .await
        .unwrap_or_default();
    if !session::csrf::same_origin(&parts.uri, &parts.headers) {
        return session::SessionRejection::Forged(lang).into_response();
    }
    let Ok(bytes) = axum::body::to_bytes(body, 16 * 1024).await else {
        return session::SessionRejection::BadForm(lang).into_response();
    };
    let Some(form) = FormData::parse(&bytes) else {
        return session::SessionRejection::BadForm(lang).into_response();
    };
    let (username, password) = (form.get("username"), form.get("password"));
    let next = safe_next(form.get("kembali"));
    let outcome = match local::sign_in(&state, username, password, address(&parts)).await {
        Ok(outcome) => outcome,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in could not reach the store");
            return session::SessionRejection::Unavailable(lang).into_response();
        }
    };
    let user = match outcome {
        local::Outcome::SignedIn(user) => user,
        local::Outcome::Failed => {
            let error = Some(lang.t("console-sign-in-failed"));
            return page(&state, lang, StatusCode::UNAUTHORIZED, error, username, &next);
        }
        local::Outcome::Throttled => {
            let error = Some(lang.t("console-sign-in-throttled"));
            return page(
                &state,
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                error,
                username,
                &next,
            );
        }
    };
    // Staff administer nothing: their front door is the staff portal, not the console.
    let next = if user.spec.role == wadah_domain::user::Role::Staff && next.starts_with("/console") {
        crate::console::STAFF_HOME.to_owned()
    } else {
        next
    };
    let https = state.config().sessions.is_https(&parts.uri, &parts.headers);
    match session::start(&state, &user, SignInMethod::Local, https).await {
        Ok(cookie) => session::with_cookie(Redirect::to(&next).into_response(), &cookie),
        Err(e) => {
            tracing::warn!(error = %e, "cannot store the session");
            session::SessionRejection::Unavailable(lang).into_response()
        }
    }
}

/// `POST /console/keluar`: ends the session and clears the cookie; a session opened by single
/// sign-on then goes on to the provider's logout (RP-initiated logout).
///
/// That last step is a page of our own that moves on by `<meta http-equiv="refresh">` (with
/// a link for when it does not), not a redirect: the pages' CSP says `form-action 'self'`,
/// and browsers apply it to every redirect after a form is sent, so a 303 to the provider
/// would be blocked and leave the person looking at a page they had left.
pub async fn sign_out(State(state): State<AppState>, lang: Lang, posted: Posted) -> Response {
    let link = state
        .store()
        .sso_session(posted.who.id_digest())
        .await
        .ok()
        .flatten();
    if let Err(e) = posted.who.end(&state).await {
        tracing::warn!(error = %e, "cannot end the session");
    }
    let cookie = state.config().sessions.clear_cookie(posted.who.https());
    let provider_logout = match link {
        Some(link) => crate::sso::rp_logout_url(&state, &link).await,
        None => None,
    };
    let response = match provider_logout {
        Some(url) => crate::portal::security_headers::add_to(leaving_page(lang, &url)),
        None => Redirect::to("/console/masuk").into_response(),
    };
    session::with_cookie(response, &cookie)
}

/// The page that sends the browser on to the provider's logout.
fn leaving_page(lang: Lang, url: &str) -> Response {
    let attr = url
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let title = lang.t("sso-leaving-title");
    let link = lang.t("sso-leaving-link");
    let html = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"refresh\" content=\"0;url={attr}\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p><a id=\"lanjut-keluar\" href=\"{attr}\">{link}</a></p></main></body></html>",
        lang.tag()
    );
    (
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        axum::response::Html(html),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_front_door_paths_are_followed_after_sign_in() {
        assert_eq!(safe_next("/console/instansi/bpsdm"), "/console/instansi/bpsdm");
        assert_eq!(safe_next("/asn"), "/asn");
        assert_eq!(safe_next("/developer/permohonan"), "/developer/permohonan");
        for bad in [
            "https://evil.example",
            "//evil.example",
            "/",
            "/console/masuk",
            "/console\\x",
            "/\\evil.example",
            "/console/%2f%2fevil",
        ] {
            assert_eq!(safe_next(bad), "/console", "{bad}");
        }
    }
}
