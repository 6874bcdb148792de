//! The gateway's published error codes (code → HTTP status → title, DESIGN.md §3 "Errors") and
//! the one place a gateway error becomes a response: an RFC 9457 `application/problem+json`
//! body with `type`, `title`, `status`, `detail` and `code`. Consumers integrate against the
//! codes, never the wording of `detail`; internal causes are logged, never sent.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Where problem types are documented; the code is appended (the same base as the web listener).
pub const PROBLEM_BASE: &str = "https://wadah.go.id/problems/";

/// Who caused a failure, which decides whether retrying can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The caller sent something it must change.
    Client,
    /// The upstream refused, broke or was too slow.
    Upstream,
    /// Wadah itself (its evidence log, a bug).
    Gateway,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = ($code:literal, $status:ident, $title:literal, $source:ident, $retry:literal); )*) => {
        /// A stable, machine-readable gateway error code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Code { $( $(#[$doc])* $variant, )* }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code,)* } }
            pub fn status(self) -> StatusCode { match self { $(Code::$variant => StatusCode::$status,)* } }
            pub fn title(self) -> &'static str { match self { $(Code::$variant => $title,)* } }
            pub fn source(self) -> Source { match self { $(Code::$variant => Source::$source,)* } }
            /// Whether the same request may succeed if sent again later.
            pub fn retryable(self) -> bool { match self { $(Code::$variant => $retry,)* } }
        }
    };
}

codes! {
    /// No API key, or one that is unknown, revoked or expired.
    Unauthenticated = ("unauthenticated", UNAUTHORIZED, "Authentication required", Client, false);
    /// Authenticated, but no right admits this method and path.
    AccessDenied = ("access_denied", FORBIDDEN, "Access denied", Client, false);
    /// No service at `/{agency}/{application}/{service}`.
    ServiceNotFound = ("service_not_found", NOT_FOUND, "Service not found", Client, false);
    /// A path the gateway reserves for itself, or an unknown gateway endpoint.
    NotFound = ("not_found", NOT_FOUND, "Not found", Client, false);
    /// A method the gateway does not forward (TRACE, CONNECT…) or an endpoint does not take.
    MethodNotAllowed = ("method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed", Client, false);
    /// A path that could escape the service (dot segments, encoded slashes, `//`…).
    InvalidPath = ("invalid_path", BAD_REQUEST, "Invalid path", Client, false);
    /// A malformed header (`X-Wadah-User`…).
    InvalidRequest = ("invalid_request", BAD_REQUEST, "Invalid request", Client, false);
    /// The body is larger than the gateway accepts.
    PayloadTooLarge = ("payload_too_large", PAYLOAD_TOO_LARGE, "Request body too large", Client, false);
    /// Too many or too large request headers.
    HeadersTooLarge = ("headers_too_large", REQUEST_HEADER_FIELDS_TOO_LARGE, "Request headers too large", Client, false);
    /// The consumer's limit for this service is used up; see `Retry-After`.
    RateLimited = ("rate_limited", TOO_MANY_REQUESTS, "Rate limit exceeded", Client, true);
    /// The cluster-wide limit (Redis) cannot be asked and the policy is `fail_closed`.
    RateLimitUnavailable = ("rate_limit_unavailable", SERVICE_UNAVAILABLE, "Rate limit unavailable", Gateway, true);
    /// The upstream could not be reached (connection refused, DNS, no route).
    UpstreamUnavailable = ("upstream_unavailable", BAD_GATEWAY, "Upstream unavailable", Upstream, true);
    /// The upstream broke the exchange (reset, malformed response).
    UpstreamError = ("upstream_error", BAD_GATEWAY, "Upstream failed", Upstream, true);
    /// The upstream's TLS certificate could not be verified (unknown CA: set the service's
    /// `upstream_ca_pem`; wrong name; expired) or no TLS session could be agreed.
    UpstreamTlsError = ("upstream_tls_error", BAD_GATEWAY, "Upstream TLS failed", Upstream, false);
    /// The gateway could not present the service's upstream credential: its token endpoint
    /// issued no token, or the stored credential cannot be opened.
    UpstreamCredentialFailed = ("upstream_credential_failed", BAD_GATEWAY, "Upstream credential failed", Upstream, true);
    /// The upstream did not answer within the service's timeout.
    UpstreamTimeout = ("upstream_timeout", GATEWAY_TIMEOUT, "Upstream timed out", Upstream, true);
    /// The upstream's circuit is open (it failed repeatedly or its health check says down);
    /// the gateway did not call it. See `Retry-After`.
    UpstreamCircuitOpen = ("upstream_circuit_open", SERVICE_UNAVAILABLE, "Upstream circuit open", Upstream, true);
    /// The consumer stopped sending its request body for longer than the gateway waits.
    RequestTimeout = ("request_timeout", REQUEST_TIMEOUT, "Request body stalled", Client, true);
    /// The evidence log cannot be written, so nothing is forwarded (strict durability).
    AuditUnavailable = ("audit_unavailable", SERVICE_UNAVAILABLE, "Evidence log unavailable", Gateway, true);
    /// This node is in drain (maintenance) mode: its health check says so, so that a load
    /// balancer sends new traffic to other nodes.
    Draining = ("draining", SERVICE_UNAVAILABLE, "Node draining", Gateway, true);
    /// A fault on our side; the details are in the gateway's log.
    Internal = ("internal", INTERNAL_SERVER_ERROR, "Internal error", Gateway, true);
}

/// A refused or failed gateway request.
#[derive(Debug, Clone)]
pub struct GatewayError {
    pub code: Code,
    pub detail: String,
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`, `RateLimit-*`).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "type")]
    problem_type: String,
    title: &'a str,
    status: u16,
    detail: &'a str,
    code: Code,
}

impl GatewayError {
    pub fn new(code: Code, detail: impl Into<String>) -> Self {
        Self {
            code,
            detail: detail.into(),
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }

    /// A 401 with the `WWW-Authenticate` challenge RFC 6750 asks for.
    pub fn unauthenticated(bad_credential: bool) -> Self {
        let (detail, challenge) = if bad_credential {
            (
                "the API key is unknown, revoked or expired",
                "Bearer realm=\"wadah\", error=\"invalid_token\"",
            )
        } else {
            (
                "send an API key as `Authorization: Bearer wdh_…` or `apikey: wdh_…`",
                "Bearer realm=\"wadah\"",
            )
        };
        Self::new(Code::Unauthenticated, detail)
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static(challenge))
    }

    /// Logs the cause (never sent) and answers `internal`.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "gateway internal error");
        Self::new(Code::Internal, "an internal error occurred; it has been logged")
    }
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        let body = Body {
            problem_type: format!("{PROBLEM_BASE}{}", self.code.as_str()),
            title: self.code.title(),
            status: self.code.status().as_u16(),
            detail: &self.detail,
            code: self.code,
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut response = (self.code.status(), json).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_map_to_their_documented_status() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code:?} twice");
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
        }
        for (code, status) in [
            (Code::Unauthenticated, 401),
            (Code::AccessDenied, 403),
            (Code::ServiceNotFound, 404),
            (Code::RateLimited, 429),
            (Code::PayloadTooLarge, 413),
            (Code::InvalidPath, 400),
            (Code::UpstreamUnavailable, 502),
            (Code::UpstreamTimeout, 504),
            (Code::UpstreamCircuitOpen, 503),
            (Code::RequestTimeout, 408),
            (Code::AuditUnavailable, 503),
            (Code::Internal, 500),
        ] {
            assert_eq!(code.status().as_u16(), status, "{code:?}");
        }
    }

    /// The published table (docs/errors.md) lists every gateway code with its status.
    #[test]
    fn the_published_table_lists_every_code_with_its_status() {
        let doc = include_str!("../../../docs/errors.md");
        let gateway = doc.split("## Gateway listener").nth(1).unwrap_or_default();
        for code in Code::ALL {
            let row = format!("| `{}` | {} |", code.as_str(), code.status().as_u16());
            assert!(
                gateway.contains(&row),
                "docs/errors.md (gateway) lacks the row {row}"
            );
        }
    }
}
