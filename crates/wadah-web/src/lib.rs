//! Wadah's web listener: the public portal (`/`), the admin REST API (`/api/v1/…`, with its
//! OpenAPI 3.1 document), and the operations endpoints `/healthz`, `/readyz` and `/metrics`.
//!
//! The crate holds routes, extractors and response shapes, nothing else: who may do what is
//! asked of `wadah_domain::policy`, rules live on the domain types, and storage goes through the
//! `wadah_store` traits. [`router`] is a pure function of an [`AppState`], so tests drive it
//! without a process.
//!
//! # Layout
//! - [`codes`]: the published error-code table; `error`: the one error type and its problem
//!   document.
//! - `extract`: authentication ([`extract::Caller`]), strict JSON, query, path and `If-Match`.
//! - `api`: one module per resource; `pagination`: lists and cursors.
//! - [`openapi()`]: the generated document; `ops`: health, readiness and metrics.
//! - [`spbe`]: the SPBE assessment report (HTML, SVG), XLSX export and platform facts.
//! - [`portal`]: the server-rendered public portal (askama, Fluent, htmx) and the page frame
//!   later portals share.
//! - [`sso`]: single sign-on with OpenID Connect providers (relying party, logout).

pub mod api;
pub mod codes;
mod config;
pub mod console;
pub mod developer;
pub mod error;
pub mod extract;
pub mod link_check;
mod node;
mod openapi;
mod ops;
mod pagination;
pub mod password;
pub mod portal;
mod response;
pub mod session;
pub mod spbe;
pub mod sso;
pub mod staff;
mod state;
pub mod telemetry;
pub mod webapp;

use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderValue, Response, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

pub use config::WebConfig;
pub use node::{NodeState, UpstreamHealth};
pub use openapi::{openapi, openapi_json};
pub use state::AppState;

use crate::codes::ErrorCode;
use crate::error::ApiError;

/// Everything the web listener serves.
pub fn router(state: AppState) -> Router {
    let max_body = state.config().max_body_bytes;
    let document = openapi_json();
    Router::new()
        .merge(api::routes())
        .merge(ops::routes())
        .merge(portal::routes())
        .merge(developer::routes())
        .merge(console::routes())
        .merge(staff::routes())
        .merge(sso::routes())
        .merge(webapp::routes())
        .route(
            "/api/v1/openapi.json",
            get(move || async move {
                (
                    [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
                    document,
                )
            }),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(ops::track))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

async fn not_found(
    lang: portal::Lang,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> Response<Body> {
    if portal::wants_html(&uri, &headers) {
        let here = uri.path_and_query().map_or("/", |p| p.as_str());
        return portal::security_headers::add_to(portal::not_found(lang, here));
    }
    ApiError::new(ErrorCode::NotFound, format!("no route {}", uri.path())).into_response()
}

async fn method_not_allowed(method: axum::http::Method, uri: axum::http::Uri) -> ApiError {
    ApiError::new(
        ErrorCode::MethodNotAllowed,
        format!("{method} is not allowed on {}", uri.path()),
    )
}

fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    ApiError::internal("a handler panicked").into_response()
}
