//! `/app/{agency}/{application}/…`: an agency's *web application* (an application whose
//! registry entry has a `web_upstream`), opened through Wadah already signed in.
//!
//! Path mapping on the web listener, not a host per application: the application is then on
//! the same origin as the portal's session cookie, so no cookie has to be shared across host
//! names and nothing needs a DNS name or certificate per application (see `docs/sso.md` for the
//! trade-off and when a separate host is the better choice).
//!
//! This handler decides *whether* a person may go through: no live session → the sign-in
//! page, back here afterwards (`kembali`, checked by `sso::return_to`); an unknown
//! application, or one that is not a web application → 404; a person the application is not
//! for → 403 page. Who may use it follows the staff portal: applications for civil servants
//! (`asn`) and for the public are open to every signed-in person; back-office (`internal`)
//! ones only to their own agency's people and platform administrators; retired ones to no one.
//!
//! The forwarding itself is the gateway's (`wadah_gateway::webapp`, wired by the binary
//! through [`WebAppForwarder`]): the same path rules, evidence log, header hygiene and signed
//! assertion as every exchange, so there is one proxy, not two.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::any;
use wadah_domain::Code;
use wadah_domain::application::{Application, Audience, LifecycleStage};
use wadah_domain::policy::Principal;
use wadah_domain::user::Role;
use wadah_store::StoreError;

use crate::portal::Lang;
use crate::portal::layout::encode_component;
use crate::portal::security_headers;
use crate::session::{self, SIGN_IN_PATH};
use crate::state::AppState;

/// Where web applications are mounted.
pub const PREFIX: &str = "/app";

/// One visit, as the web listener hands it to the forwarder.
#[derive(Debug)]
pub struct WebVisit {
    pub agency: Code,
    pub application: Code,
    /// The application's `web_upstream`.
    pub base_url: String,
    /// The raw path below `/app/{agency}/{application}` (empty or starting with `/`).
    pub rest: String,
    /// The Wadah username (`sso-…` for single sign-on users).
    pub user: String,
    pub name: String,
    pub user_agency: Option<String>,
    pub roles: Vec<String>,
    /// Cookies the application must never receive or set.
    pub hidden_cookies: Vec<String>,
    pub client: SocketAddr,
}

/// A future answering one forwarded visit.
pub type Forwarded = Pin<Box<dyn Future<Output = Response> + Send>>;

/// Forwards visits to web applications (the gateway's forwarder, wired by the binary).
pub trait WebAppForwarder: Send + Sync {
    fn forward(&self, visit: WebVisit, request: Request) -> Forwarded;
}

/// The routes under [`PREFIX`].
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/app/{agency}/{application}", any(visit))
        .route("/app/{agency}/{application}/", any(visit))
        .route("/app/{agency}/{application}/{*rest}", any(visit))
}

/// The link that opens `application` of `agency` through Wadah.
pub fn href(agency: &Code, application: &Code) -> String {
    format!("{PREFIX}/{agency}/{application}/")
}

/// `(agency, application, rest)` of a raw `/app/…` path; `rest` stays percent-encoded.
fn split(path: &str) -> Option<(Code, Code, &str)> {
    let below = path.strip_prefix(PREFIX)?.strip_prefix('/')?;
    let mut parts = below.splitn(3, '/');
    let agency = Code::parse(parts.next()?).ok()?;
    let application = Code::parse(parts.next()?).ok()?;
    let rest = match parts.next() {
        Some(r) => &below[below.len() - r.len() - 1..],
        None => "",
    };
    Some((agency, application, rest))
}

/// Whether `who` may use `app` (see the module docs).
pub fn may_use(who: &Principal, app: &Application) -> bool {
    if app.spec.lifecycle.stage == LifecycleStage::EndOfLife {
        return false;
    }
    match app.spec.audience {
        Audience::Asn | Audience::Public => true,
        Audience::Internal => who.role == Role::PlatformAdmin || who.agency.as_ref() == Some(&app.agency),
    }
}

fn page(lang: Lang, status: StatusCode, heading: &str, text: &str) -> Response {
    security_headers::add_to(crate::console::view::message(lang, status, heading, text))
}

async fn visit(State(state): State<AppState>, lang: Lang, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let Some((agency, application, rest)) = split(&path) else {
        return security_headers::add_to(crate::portal::not_found(lang, &path));
    };
    let rest = rest.to_owned();
    let signed = match session::current(request.uri(), request.headers(), &state).await {
        Ok(Some(signed)) => signed,
        Ok(None) => {
            let here = request
                .uri()
                .path_and_query()
                .map_or(path.as_str(), |p| p.as_str());
            let to = format!("{SIGN_IN_PATH}?kembali={}", encode_component(here));
            return Redirect::to(&to).into_response();
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the session");
            return page(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-title",
                "console-unavailable-text",
            );
        }
    };
    let app = match state.store().get_application(&agency, &application).await {
        Ok(app) => app,
        Err(StoreError::NotFound { .. }) => {
            return security_headers::add_to(crate::portal::not_found(lang, &path));
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot read a web application");
            return page(
                lang,
                StatusCode::SERVICE_UNAVAILABLE,
                "error-title",
                "console-unavailable-text",
            );
        }
    };
    let Some(base) = app.spec.web_upstream.as_ref() else {
        return security_headers::add_to(crate::portal::not_found(lang, &path));
    };
    if !may_use(&signed.principal, &app) {
        return page(
            lang,
            StatusCode::FORBIDDEN,
            "webapp-denied-title",
            "webapp-denied-text",
        );
    }
    let Some(forwarder) = state.node().web_apps() else {
        return page(
            lang,
            StatusCode::SERVICE_UNAVAILABLE,
            "error-title",
            "webapp-unavailable-text",
        );
    };
    let client = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0);
    let principal = &signed.principal;
    let visit = WebVisit {
        agency,
        application,
        base_url: base.as_str().to_owned(),
        rest,
        user: principal.username.clone(),
        name: signed.display_name.clone(),
        user_agency: principal.agency.as_ref().map(ToString::to_string),
        roles: vec![principal.role.as_str().to_owned()],
        hidden_cookies: vec![
            session::COOKIE.to_owned(),
            session::SECURE_COOKIE.to_owned(),
            crate::sso::LOGIN_COOKIE.to_owned(),
        ],
        client,
    };
    forwarder.forward(visit, request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_agency_application_and_the_raw_rest() {
        let (a, b, rest) = split("/app/bpsdm/e-cuti/ajukan/%2e%2e").unwrap();
        assert_eq!(
            (a.as_str(), b.as_str(), rest),
            ("bpsdm", "e-cuti", "/ajukan/%2e%2e")
        );
        assert_eq!(split("/app/bpsdm/e-cuti").unwrap().2, "");
        assert_eq!(split("/app/bpsdm/e-cuti/").unwrap().2, "/");
        assert!(split("/app/bpsdm").is_none());
        assert!(split("/app/BAD CODE/x").is_none());
    }
}
