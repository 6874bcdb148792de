//! The security headers of every portal response, in one place so they can be read (and
//! reviewed) at once.
//!
//! - `Content-Security-Policy`: everything from our own origin only (`default-src 'self'`), no
//!   inline script or style (no `'unsafe-inline'`, no `'unsafe-eval'`), no plugins, no framing
//!   (`frame-ancestors 'none'`), forms post only to us. htmx is served from the binary and
//!   configured by a `<meta>` element, so it needs neither inline script nor eval.
//! - `X-Content-Type-Options: nosniff`, `Referrer-Policy: same-origin` (service pages must not
//!   leak what a citizen searched for to an agency's external site), `X-Frame-Options: DENY`
//!   for browsers that predate `frame-ancestors`, and a `Permissions-Policy` that turns off
//!   powerful features the portal never uses.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";

/// Middleware adding the headers to every response that does not set them itself.
pub async fn add(request: Request, next: Next) -> Response {
    add_to(next.run(request).await)
}

/// Adds the headers to one response (for pages served outside the portal's router, such as
/// the HTML 404 of the listener's fallback).
pub fn add_to(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY),
    ];
    for (name, value) in set {
        headers.entry(name).or_insert(HeaderValue::from_static(value));
    }
    response
}
