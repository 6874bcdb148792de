//! `X-Request-Id` on every gateway response: the caller's own id when it is a valid one (1 to
//! 64 characters of `A-Z a-z 0-9 . _ -`), otherwise a fresh UUID from the gateway's `Random`.
//! A middleware sets it before any phase runs, so refusals carry it too.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::Shared;

pub const HEADER: &str = "x-request-id";

/// The request's id, in its extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn is_valid(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

pub async fn layer(State(gw): State<Arc<Shared>>, mut req: Request, next: Next) -> Response {
    let id = match req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        Some(given) if is_valid(given) => given.to_owned(),
        _ => fresh(gw.random.as_ref()),
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

pub(crate) fn fresh(random: &dyn wadah_domain::secret::Random) -> String {
    let mut bytes = [0u8; 16];
    random.fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_short_plain_ids_are_taken_from_callers() {
        assert!(super::is_valid("req-2026.11_29"));
        assert!(super::is_valid(&"a".repeat(64)));
        for bad in ["", "a b", "a\u{e9}", "x;y", "../x"] {
            assert!(!super::is_valid(bad), "{bad}");
        }
        assert!(!super::is_valid(&"a".repeat(65)));
    }
}
