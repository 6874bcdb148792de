//! Optimistic concurrency on the wire: `If-Match: "<version>"` (the `ETag` of a single object).
//! An update without it is `428 precondition_required`; one naming an older (or no) version is
//! `409 stale_version`, as is the store's answer when someone changed the object first.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use crate::codes::ErrorCode;
use crate::error::ApiError;

/// The version an update is based on (required).
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub i64);

/// The version a delete is based on, if the caller sent one.
#[derive(Debug, Clone, Copy)]
pub struct MaybeIfMatch(pub Option<i64>);

fn read(parts: &Parts) -> Result<Option<i64>, ApiError> {
    let Some(value) = parts.headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = value.to_str().unwrap_or_default().trim();
    if raw == "*" {
        return Err(ApiError::new(
            ErrorCode::PreconditionRequired,
            "`If-Match: *` is not accepted; send the object's ETag, e.g. `If-Match: \"3\"`",
        ));
    }
    raw.strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::StaleVersion,
                format!("If-Match {raw:?} names no version of this object; read it again for its ETag"),
            )
        })
}

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        read(parts)?.map(IfMatch).ok_or_else(|| {
            ApiError::new(
                ErrorCode::PreconditionRequired,
                "send the version you are changing as `If-Match: \"<version>\"` (the ETag of a GET)",
            )
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for MaybeIfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        read(parts).map(MaybeIfMatch)
    }
}
