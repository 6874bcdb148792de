//! What every resource module imports: extractors, errors, response shapes and the list macros.

pub use axum::Router;
pub use axum::extract::State;
pub use axum::http::StatusCode;
pub use axum::routing::{get, post};
pub use wadah_domain::Code;
pub use wadah_store::DeleteMode;

pub use crate::error::{ApiError, ApiResult};
pub use crate::extract::{Caller, IfMatch, Json, MaybeIfMatch, Path, Query};
pub(crate) use crate::pagination::{list_error, list_query, narrow, page_type};
pub use crate::response::{Tagged, no_content};
pub use crate::state::AppState;

/// `?cascade=true` on deletes of objects that may have dependents.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DeleteQuery {
    /// Also delete dependents (applications, services, credentials, rights…).
    pub cascade: Option<bool>,
}

impl DeleteQuery {
    pub fn mode(&self, expected_version: Option<i64>) -> DeleteMode {
        DeleteMode {
            expected_version,
            cascade: self.cascade.unwrap_or(false),
        }
    }
}

/// Codes are immutable (they are part of every route): an update must repeat the path's code.
pub fn keep_code(path: &Code, body: &Code, field: &'static str) -> ApiResult<()> {
    if path == body {
        Ok(())
    } else {
        Err(ApiError::validation(
            field,
            format!("{field}: the code cannot change (the path says {path}, the body {body})"),
        ))
    }
}
