//! Phase 3, authorize: deny by default. A request passes only through a right granted on its
//! service to the consumer's application or to its whole agency, that admits the method and
//! the path below the service at this time (`AccessRightSpec::admits`). When several rights
//! admit a call, the most generous rate limit applies; without one on the right, the
//! service's default.

use wadah_domain::Timestamp;
use wadah_domain::access::Method;

use crate::problem::{Code, GatewayError};
use crate::snapshot::{Consumer, Route};

/// What the right that admitted a call allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    pub limit_per_minute: u32,
}

pub fn authorize(
    route: &Route,
    consumer: &Consumer,
    method: Method,
    rest: &str,
    now: Timestamp,
) -> Result<Grant, GatewayError> {
    route
        .rights
        .iter()
        .filter(|r| {
            let c = &r.spec.consumer;
            c.agency == consumer.agency && c.application.as_ref().is_none_or(|a| *a == consumer.application)
        })
        .filter(|r| r.spec.admits(method, rest, now))
        .map(|r| r.spec.limit_per_minute.unwrap_or(route.default_limit))
        .max()
        .map(|limit_per_minute| Grant { limit_per_minute })
        .ok_or_else(|| {
            GatewayError::new(
                Code::AccessDenied,
                format!(
                    "{} has no right to {} {} on {}",
                    consumer.label,
                    method_name(method),
                    if rest.is_empty() { "/" } else { rest },
                    route.key
                ),
            )
        })
}

/// The domain method for an HTTP method; `None` for methods the gateway never forwards.
pub fn method(m: &axum::http::Method) -> Option<Method> {
    Some(match m.as_str() {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "PUT" => Method::Put,
        "PATCH" => Method::Patch,
        "DELETE" => Method::Delete,
        "OPTIONS" => Method::Options,
        _ => return None,
    })
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Patch => "PATCH",
        Method::Delete => "DELETE",
        Method::Options => "OPTIONS",
    }
}
