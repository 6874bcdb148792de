//! Logging out with a provider.
//!
//! - **Back-channel** (`POST /sso/{provider}/backchannel-logout`, OpenID Connect Back-Channel
//!   Logout 1.0): the provider posts a signed logout token; once it validates
//!   ([`super::id_token::validate_logout_token`]), every Wadah session linked to its `sid`
//!   (or, without one, its subject) at that issuer ends, on every node (sessions live in the
//!   store). Answers `200` when done, `400` with an OAuth-style error for a bad token, `501`
//!   when the store cannot be reached, `Cache-Control: no-store` always.
//! - **RP-initiated** (the sign-out button): the Wadah session ends, then the browser is sent to
//!   the provider's `end_session_endpoint` ([`super::rp_logout_url`]).

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::flow;
use crate::session::FormData;
use crate::state::AppState;

/// The largest logout request read.
const MAX_BODY: usize = 32 * 1024;

fn answer(status: StatusCode, error: Option<&str>) -> Response {
    let mut response = match error {
        Some(e) => (
            status,
            axum::Json(json!({"error": "invalid_request", "error_description": e})),
        )
            .into_response(),
        None => status.into_response(),
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `POST /sso/{provider}/backchannel-logout`.
pub async fn backchannel(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    body: axum::body::Body,
) -> Response {
    let Some(config) = state.config().sso.provider(&provider).cloned() else {
        return answer(StatusCode::NOT_FOUND, Some("unknown provider"));
    };
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return answer(StatusCode::BAD_REQUEST, Some("body too large"));
    };
    let form = FormData::parse(&bytes).unwrap_or_default();
    let token = form.get("logout_token");
    if token.is_empty() {
        return answer(StatusCode::BAD_REQUEST, Some("logout_token is missing"));
    }
    let claims = match flow::logout_claims(&state, &config, token).await {
        Ok(claims) => claims,
        Err(e) => {
            tracing::warn!(provider = %config.id, error = %e, "refused a back-channel logout token");
            return answer(StatusCode::BAD_REQUEST, Some("the logout token is not valid"));
        }
    };
    match state
        .store()
        .end_sso_sessions(&config.issuer, claims.sub.as_deref(), claims.sid.as_deref())
        .await
    {
        Ok(ended) => {
            tracing::info!(provider = %config.id, ended, "back-channel logout ended sessions");
            answer(StatusCode::OK, None)
        }
        Err(e) => {
            tracing::warn!(error = %e, "back-channel logout could not reach the store");
            answer(StatusCode::NOT_IMPLEMENTED, Some("sessions could not be ended"))
        }
    }
}
