//! Path parameters. A segment that cannot be a valid code or id names no object, so it is a
//! `404 not_found` problem rather than axum's plain-text `400`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::codes::ErrorCode;
use crate::error::ApiError;

/// Path parameters parsed into `T` (codes, usernames, ids).
#[derive(Debug, Clone)]
pub struct Path<T>(pub T);

impl<S, T> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(path) => Ok(Path(path.0)),
            Err(_) => Err(ApiError::new(
                ErrorCode::NotFound,
                format!("{} names no object", parts.uri.path()),
            )),
        }
    }
}
