//! `X-Request-Id` on every gateway response: the caller's own id when it is a valid one (1 to
//! 64 characters of `A-Z a-z 0-9 . _ -`), otherwise a fresh UUID from the gateway's `Random`.
//! A middleware sets it before any phase runs, so refusals carry it too.
//!
//! Fresh ids are version-7 UUIDs (RFC 9562): a millisecond timestamp, then 74 random bits.
//! Being ordered by time, they reach the evidence index's request-id index at its end, as the
//! sequence and time columns do. Random (version-4) ids each landed on a random page of that
//! index, and under load rewriting those pages was most of what indexing cost.

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
        _ => fresh(gw.random.as_ref(), gw.clock.now()),
    };
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(req).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HEADER, value);
    }
    response
}

pub(crate) fn fresh(random: &dyn wadah_domain::secret::Random, now: chrono::DateTime<chrono::Utc>) -> String {
    let mut bytes = [0u8; 10];
    random.fill(&mut bytes);
    let millis = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    uuid::Builder::from_unix_timestamp_millis(millis, &bytes)
        .into_uuid()
        .to_string()
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

    #[test]
    fn fresh_ids_are_uuids_ordered_by_time() {
        use chrono::TimeZone;
        /// Each fill differs from the last: distinct random parts, as the OS would give.
        #[derive(Debug, Default)]
        struct Counter(std::sync::atomic::AtomicU8);
        impl wadah_domain::secret::Random for Counter {
            fn fill(&self, buf: &mut [u8]) {
                let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                buf.fill(n);
            }
        }
        let random = Counter::default();
        let earlier = chrono::Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap();
        let later = earlier + chrono::Duration::milliseconds(1);
        let ids: Vec<String> = [earlier, earlier, later]
            .into_iter()
            .map(|t| super::fresh(&random, t))
            .collect();
        for id in &ids {
            let parsed = uuid::Uuid::parse_str(id).unwrap();
            assert_eq!(parsed.get_version_num(), 7, "{id}");
            assert!(super::is_valid(id), "{id}");
        }
        assert_ne!(ids[0], ids[1], "ids of one millisecond still differ");
        assert!(
            ids[0] < ids[2] && ids[1] < ids[2],
            "a later id sorts after: {ids:?}"
        );
    }
}
