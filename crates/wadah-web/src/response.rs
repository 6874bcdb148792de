//! Response shapes shared by handlers: a single object with its `ETag` (and `Location` when
//! created), and the empty `204`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One object, tagged with its version for optimistic concurrency.
#[derive(Debug)]
pub struct Tagged<T> {
    status: StatusCode,
    version: i64,
    location: Option<String>,
    body: T,
}

impl<T: Serialize> Tagged<T> {
    pub fn ok(version: i64, body: T) -> Self {
        Self {
            status: StatusCode::OK,
            version,
            location: None,
            body,
        }
    }

    /// The version and the object, for callers that render it themselves (the console).
    pub fn into_parts(self) -> (i64, T) {
        (self.version, self.body)
    }

    /// `201 Created` with the new object's address.
    pub fn created(version: i64, location: String, body: T) -> Self {
        Self {
            status: StatusCode::CREATED,
            version,
            location: Some(location),
            body,
        }
    }
}

/// The value of an `ETag` for `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = (self.status, axum::Json(self.body)).into_response();
        let headers = response.headers_mut();
        if let Ok(v) = HeaderValue::from_str(&etag(self.version)) {
            headers.insert(header::ETAG, v);
        }
        if let Some(v) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, v);
        }
        response
    }
}

/// `204 No Content`.
pub fn no_content() -> StatusCode {
    StatusCode::NO_CONTENT
}
