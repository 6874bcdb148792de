//! Operations endpoints of the web listener: `/healthz` (the process answers), `/readyz` (the
//! store is reachable and migrated), `/metrics` (Prometheus text), and the middleware that counts
//! requests and their latency per matched route, method and status class. Labels are bounded:
//! route templates, not raw paths.

use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics::Label;
use serde::Serialize;
use utoipa::ToSchema;

use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::state::AppState;
use crate::telemetry::{REQUEST_DURATION, REQUESTS_TOTAL};

/// The answer of `/healthz` and `/readyz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` (alive) or `ready` (store reachable).
    pub status: &'static str,
    pub version: &'static str,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
}

/// The process is alive.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = Health)))]
pub async fn healthz(State(state): State<AppState>) -> axum::Json<Health> {
    axum::Json(Health {
        status: "ok",
        version: state.config().version,
    })
}

/// How long `/readyz` waits for the store: a load balancer's probe must get an answer, not
/// a hang, while the database is unreachable.
const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

/// The store is reachable and fully migrated, and the node is not draining.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = Health),
        (status = 503, response = crate::openapi::StoreUnavailable)))]
pub async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Health>, ApiError> {
    let node = state.node();
    if node.is_draining() {
        return Err(ApiError::new(
            ErrorCode::Draining,
            "this node is draining (maintenance or shutdown); use another node",
        ));
    }
    let ready = match tokio::time::timeout(READY_TIMEOUT, state.store().ready()).await {
        Ok(result) => result,
        Err(_) => Err(wadah_store::StoreError::Unavailable(
            "no answer within 2 s".into(),
        )),
    };
    match ready {
        Ok(()) => Ok(axum::Json(Health {
            status: "ready",
            version: state.config().version,
        })),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            let detail = match node.serving_version() {
                Some(version) => format!(
                    "the store is not ready; admin writes fail, and the gateway keeps serving \
                     from its last snapshot (registry version {version})"
                ),
                None => "the store is not ready".to_owned(),
            };
            Err(ApiError::new(ErrorCode::StoreUnavailable, detail))
        }
    }
}

/// Metrics in the Prometheus text format.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let body = state.metrics().render();
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}

/// Counts every request and records its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = vec![
        Label::new("route", route),
        Label::new("method", method),
        Label::new("status", status_class(response.status())),
    ];
    metrics::counter!(REQUESTS_TOTAL, labels.clone()).increment(1);
    metrics::histogram!(REQUEST_DURATION, labels).record(started.elapsed().as_secs_f64());
    response
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}
