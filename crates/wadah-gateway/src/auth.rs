//! Phase 1, authenticate: find the consumer behind the request's API key. The key comes as
//! `Authorization: Bearer wdh_…` or `apikey: wdh_…`; its SHA-256 is looked up in the snapshot
//! and compared in constant time. Only usable keys are in the snapshot (revoked ones are left
//! out when it is built; expiry is checked here against the clock). The key itself never
//! leaves this phase: `forward` drops both headers before anything goes upstream. Client
//! certificates (mTLS) are `cert`'s, which calls in here for header credentials.

pub mod cert;

use std::sync::Arc;

use axum::http::{HeaderMap, header};
use sha2::{Digest, Sha256};
use wadah_domain::Timestamp;

use crate::problem::GatewayError;
use crate::snapshot::{Consumer, Snapshot};

/// The longest credential the gateway looks at.
const MAX_CREDENTIAL: usize = 512;

/// The headers a consumer's credential travels in (removed before forwarding).
pub const CREDENTIAL_HEADERS: [&str; 2] = ["authorization", "apikey"];

pub fn authenticate(
    snapshot: &Snapshot,
    headers: &HeaderMap,
    now: Timestamp,
) -> Result<Arc<Consumer>, GatewayError> {
    let presented = presented_key(headers).ok_or_else(|| GatewayError::unauthenticated(false))?;
    if presented.len() > MAX_CREDENTIAL || !presented.starts_with("wdh_") {
        return Err(GatewayError::unauthenticated(true));
    }
    let digest: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
    match snapshot.consumer(&digest) {
        Some(c) if c.expires_at.is_none_or(|t| t > now) => Ok(c.clone()),
        _ => Err(GatewayError::unauthenticated(true)),
    }
}

/// The key from `Authorization: Bearer …` (scheme case-insensitive), else from `apikey`.
fn presented_key(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim());
    }
    headers.get("apikey")?.to_str().ok().map(str::trim)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn keys_come_from_bearer_or_apikey() {
        assert_eq!(
            presented_key(&headers(&[("authorization", "Bearer wdh_x")])),
            Some("wdh_x")
        );
        assert_eq!(
            presented_key(&headers(&[("authorization", "bearer  wdh_x ")])),
            Some("wdh_x")
        );
        assert_eq!(presented_key(&headers(&[("apikey", "wdh_y")])), Some("wdh_y"));
        assert_eq!(presented_key(&headers(&[("authorization", "Basic abc")])), None);
        assert_eq!(presented_key(&headers(&[])), None);
    }

    #[test]
    fn unknown_keys_are_refused_as_bad_credentials() {
        let snapshot = Snapshot::default();
        let now = wadah_domain::time::from_millis(0);
        let err = authenticate(&snapshot, &headers(&[("apikey", "wdh_nope")]), now).unwrap_err();
        assert_eq!(err.code, crate::problem::Code::Unauthenticated);
        assert!(authenticate(&snapshot, &headers(&[]), now).is_err());
    }
}
