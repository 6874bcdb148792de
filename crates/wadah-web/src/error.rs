//! The web layer's one error type, [`ApiError`], and its single mapping to an RFC 9457 problem
//! document (`application/problem+json`). Store and domain errors convert into it with `?`; the
//! status comes from the code table in [`crate::codes`]. Internal causes are logged here, once,
//! and never sent to the client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::ValidationError;
use wadah_store::StoreError;

use crate::codes::ErrorCode;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Where problem types are documented; the code is appended.
pub const PROBLEM_BASE: &str = "https://wadah.go.id/problems/";

/// A problem document (RFC 9457) with Wadah's stable `code`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type, ending in the code.
    #[serde(rename = "type")]
    #[schema(example = "https://wadah.go.id/problems/not_found")]
    pub problem_type: String,
    #[schema(example = "Not found")]
    pub title: String,
    #[schema(example = 404)]
    pub status: u16,
    /// What went wrong in this case, in words a person can act on.
    pub detail: String,
    pub code: ErrorCode,
    /// For `validation_failed`: the JSON path of the offending field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A failed request, as the API answers it.
#[derive(Debug)]
pub struct ApiError {
    code: ErrorCode,
    detail: String,
    field: Option<String>,
    /// Set only when a token was sent but not accepted (RFC 6750 `invalid_token`).
    bad_token: bool,
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            field: None,
            bad_token: false,
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn unauthenticated(bad_token: bool) -> Self {
        let detail = if bad_token {
            "the bearer token is unknown, expired or revoked"
        } else {
            "send an admin API token as `Authorization: Bearer wdha_…`"
        };
        Self {
            bad_token,
            ..Self::new(ErrorCode::Unauthenticated, detail)
        }
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::Forbidden, detail)
    }

    /// The answer for a missing object and for one the caller may not see: the two must be
    /// indistinguishable, so both use this wording (the store's own).
    pub fn not_found(kind: &str, key: impl std::fmt::Display) -> Self {
        Self::new(ErrorCode::NotFound, format!("{kind} {key} not found"))
    }

    pub fn validation(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            ..Self::new(ErrorCode::ValidationFailed, detail)
        }
    }

    pub fn invalid_query(detail: impl Into<String>) -> Self {
        Self::new(ErrorCode::InvalidQuery, detail)
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        Self::new(
            ErrorCode::Internal,
            "an internal error occurred; it has been logged",
        )
    }

    /// The problem document this error becomes.
    pub fn problem(&self) -> Problem {
        Problem {
            problem_type: format!("{PROBLEM_BASE}{}", self.code.as_str()),
            title: self.code.title().to_owned(),
            status: self.code.status().as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            field: self.field.clone(),
        }
    }
}

impl From<ValidationError> for ApiError {
    fn from(e: ValidationError) -> Self {
        Self::validation(e.field, e.to_string())
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { kind, key } => Self::not_found(kind, key),
            StoreError::Duplicate { .. } => Self::new(ErrorCode::Duplicate, e.to_string()),
            StoreError::StaleVersion { .. } => Self::new(ErrorCode::StaleVersion, e.to_string()),
            StoreError::InUse { .. } => Self::new(
                ErrorCode::InUse,
                format!("{e}; delete those first or repeat with ?cascade=true"),
            ),
            StoreError::InvalidState(detail) => Self::new(ErrorCode::InvalidState, detail),
            StoreError::MissingReference { kind, .. } => Self::validation(kind, e.to_string()),
            StoreError::Unavailable(cause) => {
                tracing::warn!(error = %cause, "store unavailable");
                Self::new(
                    ErrorCode::StoreUnavailable,
                    "the store is unavailable; try again shortly",
                )
            }
            StoreError::Internal(cause) => Self::internal(cause),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        let status = self.code.status();
        let body = match serde_json::to_vec(&problem) {
            Ok(body) => body,
            Err(_) => b"{\"code\":\"internal\"}".to_vec(),
        };
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        if status == StatusCode::UNAUTHORIZED {
            let challenge = if self.bad_token {
                "Bearer realm=\"wadah\", error=\"invalid_token\""
            } else {
                "Bearer realm=\"wadah\""
            };
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_map_to_their_codes() {
        let cases = [
            (
                StoreError::NotFound {
                    kind: "agency",
                    key: "x".into(),
                },
                ErrorCode::NotFound,
            ),
            (
                StoreError::Duplicate {
                    kind: "agency",
                    key: "x".into(),
                },
                ErrorCode::Duplicate,
            ),
            (
                StoreError::StaleVersion {
                    kind: "agency",
                    key: "x".into(),
                    expected: 1,
                    actual: 2,
                },
                ErrorCode::StaleVersion,
            ),
            (
                StoreError::InUse {
                    kind: "agency",
                    key: "x".into(),
                    dependents: "apps".into(),
                },
                ErrorCode::InUse,
            ),
            (StoreError::InvalidState("no".into()), ErrorCode::InvalidState),
            (
                StoreError::MissingReference {
                    kind: "government",
                    key: "x".into(),
                },
                ErrorCode::ValidationFailed,
            ),
            (
                StoreError::Unavailable("down".into()),
                ErrorCode::StoreUnavailable,
            ),
            (StoreError::Internal("secret detail".into()), ErrorCode::Internal),
        ];
        for (err, code) in cases {
            assert_eq!(ApiError::from(err).code(), code);
        }
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        let problem = ApiError::from(StoreError::Internal("db password wrong".into())).problem();
        assert!(!problem.detail.contains("password"));
        assert_eq!(problem.status, 500);
    }

    #[test]
    fn unauthenticated_answers_carry_a_bearer_challenge() {
        let response = ApiError::unauthenticated(false).into_response();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(
            response.headers()[header::WWW_AUTHENTICATE]
                .to_str()
                .unwrap()
                .starts_with("Bearer")
        );
        assert_eq!(response.headers()[header::CONTENT_TYPE], PROBLEM_JSON);
    }
}
