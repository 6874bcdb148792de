//! Header rules of the forward phase: what an upstream receives and what a consumer gets back.
//!
//! Removed on the way up: hop-by-hop headers (RFC 9110 §7.6.1, plus any the `Connection`
//! header names), the consumer's credential (`Authorization`, `apikey`), `Host` (set from the
//! upstream URL), `Expect`, and every header Wadah sets itself, so a consumer can never spoof
//! `X-Wadah-Consumer`, `X-Wadah-Assertion`, `X-Request-Id` or `X-Forwarded-Proto/Host`. Added: `X-Request-Id`,
//! `X-Forwarded-For` (the caller's address appended to any list it sent), `-Proto`, `-Host`,
//! `X-Wadah-Consumer: {agency}/{application}` (and `X-Wadah-Assertion`, signed by `assertion`).
//! Removed on the way down: hop-by-hop headers.

use axum::http::{HeaderMap, HeaderName, HeaderValue, header};

use crate::auth::CREDENTIAL_HEADERS;
use crate::webapp::WebIdentity;

const HOP_BY_HOP: [&str; 9] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Headers only Wadah may set towards an upstream.
const OWN: [&str; 6] = [
    "x-request-id",
    "x-forwarded-proto",
    "x-forwarded-host",
    "x-wadah-consumer",
    "x-wadah-assertion",
    "forwarded",
];

/// The end user a consumer may name (forwarded and recorded).
pub const END_USER: &str = "x-wadah-user";

/// What the forward phase knows about the exchange, for the headers it adds.
#[derive(Debug)]
pub struct Forwarding<'a> {
    pub request_id: &'a str,
    pub client_ip: String,
    pub consumer: &'a str,
    /// The host the consumer addressed (`Host`, or the HTTP/2 `:authority`).
    pub host: Option<&'a str>,
    /// The gateway listener's scheme (`https` when it is TLS).
    pub proto: &'static str,
}

/// The headers an upstream receives.
pub fn upstream_request(inbound: &HeaderMap, fwd: &Forwarding<'_>) -> HeaderMap {
    let listed = connection_listed(inbound);
    let mut out = HeaderMap::with_capacity(inbound.len() + 5);
    for (name, value) in inbound {
        let n = name.as_str();
        let dropped = HOP_BY_HOP.contains(&n)
            || CREDENTIAL_HEADERS.contains(&n)
            || OWN.contains(&n)
            || listed.contains(name)
            || name == header::HOST
            || name == header::EXPECT
            || n == "x-forwarded-for"
            || (n.starts_with("x-wadah-") && n != END_USER);
        if !dropped {
            out.append(name.clone(), value.clone());
        }
    }
    let forwarded_for = match inbound.get("x-forwarded-for").and_then(|v| v.to_str().ok()) {
        Some(prior) if !prior.trim().is_empty() => format!("{}, {}", prior.trim(), fwd.client_ip),
        _ => fwd.client_ip.clone(),
    };
    set(&mut out, "x-forwarded-for", &forwarded_for);
    set(&mut out, "x-forwarded-proto", fwd.proto);
    if let Some(host) = fwd.host {
        set(&mut out, "x-forwarded-host", host);
    }
    set(&mut out, "x-request-id", fwd.request_id);
    set(&mut out, "x-wadah-consumer", fwd.consumer);
    out
}

/// What a web application receives instead of what the browser claimed (see `webapp`): every
/// `X-Wadah-*` header is replaced by the verified identity, `X-Wadah-Consumer` is dropped (no
/// consumer application is calling), `X-Forwarded-Prefix` names where the application is
/// mounted, and the cookies in `identity.hidden_cookies` are taken out of `Cookie`.
pub fn web_identity(out: &mut HeaderMap, identity: &WebIdentity, prefix: &str) {
    let names: Vec<HeaderName> = out
        .keys()
        .filter(|n| n.as_str().starts_with("x-wadah-"))
        .cloned()
        .collect();
    for name in names {
        out.remove(name);
    }
    let cookies: Vec<String> = out
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| !pair.is_empty())
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(n, _)| n).trim();
            !identity.hidden_cookies.iter().any(|h| h == name)
        })
        .map(str::to_owned)
        .collect();
    out.remove(header::COOKIE);
    if !cookies.is_empty() {
        set(out, "cookie", &cookies.join("; "));
    }
    set(out, END_USER, &identity.user);
    set(out, "x-wadah-user-name", &encode_name(&identity.name));
    if let Some(agency) = &identity.agency {
        set(out, "x-wadah-agency", agency);
    }
    set(out, "x-wadah-roles", &identity.roles.join(","));
    set(out, "x-forwarded-prefix", prefix);
}

/// Takes the cookies a web application must not set out of its response (it could otherwise
/// replace or end the person's Wadah session).
pub fn web_response(headers: &mut HeaderMap, identity: &WebIdentity) {
    let kept: Vec<HeaderValue> = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter(|v| {
            let text = v.to_str().unwrap_or_default();
            let name = text.split(['=', ';']).next().unwrap_or_default().trim();
            !identity.hidden_cookies.iter().any(|h| h == name)
        })
        .cloned()
        .collect();
    headers.remove(header::SET_COOKIE);
    for v in kept {
        headers.append(header::SET_COOKIE, v);
    }
}

/// A display name as a header value: percent-encoded UTF-8 (RFC 3986 unreserved characters
/// and spaces as `%20`), so names with any letters fit and no header can be injected.
pub fn encode_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Removes hop-by-hop headers from an upstream's response.
pub fn clean_response(headers: &mut HeaderMap) {
    for name in connection_listed(headers) {
        headers.remove(name);
    }
    for name in HOP_BY_HOP {
        headers.remove(name);
    }
}

/// The total size of the request headers, names and values.
pub fn total_bytes(headers: &HeaderMap) -> usize {
    headers.iter().map(|(n, v)| n.as_str().len() + v.len() + 4).sum()
}

fn set(headers: &mut HeaderMap, name: &'static str, value: &str) {
    if let Ok(v) = HeaderValue::from_str(value) {
        headers.insert(HeaderName::from_static(name), v);
    }
}

fn connection_listed(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|t| HeaderName::from_bytes(t.trim().as_bytes()).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_web_application_gets_the_verified_identity_and_never_the_session_cookie() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("x-wadah-user", "admin"),
            ("x-wadah-roles", "platform_admin"),
            ("x-wadah-agency", "diskominfo"),
            ("cookie", "wadah_sesi=secret; lang=id"),
            ("cookie", "app=1"),
        ] {
            h.append(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        let identity = WebIdentity {
            user: "sso-1234".into(),
            name: "Siti Rahayu\r\nX: 1".into(),
            agency: None,
            roles: vec!["staff".into()],
            application: "bpsdm/e-cuti".into(),
            hidden_cookies: vec!["wadah_sesi".into(), "__Host-wadah_sesi".into()],
        };
        web_identity(&mut h, &identity, "/app/bpsdm/e-cuti");
        assert_eq!(h["x-wadah-user"], "sso-1234");
        assert_eq!(h["x-wadah-roles"], "staff");
        assert!(!h.contains_key("x-wadah-agency"));
        assert_eq!(h["x-wadah-user-name"], "Siti%20Rahayu%0D%0AX%3A%201");
        assert_eq!(h["cookie"], "lang=id; app=1");
        assert_eq!(h["x-forwarded-prefix"], "/app/bpsdm/e-cuti");

        let mut down = HeaderMap::new();
        down.append(
            header::SET_COOKIE,
            HeaderValue::from_static("wadah_sesi=evil; Path=/"),
        );
        down.append(
            header::SET_COOKIE,
            HeaderValue::from_static("JSESSIONID=1; Path=/"),
        );
        web_response(&mut down, &identity);
        let left: Vec<_> = down.get_all(header::SET_COOKIE).iter().collect();
        assert_eq!(left, vec!["JSESSIONID=1; Path=/"]);
    }

    #[test]
    fn credentials_hop_by_hop_and_spoofed_identity_never_reach_the_upstream() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("authorization", "Bearer wdh_secret"),
            ("apikey", "wdh_secret"),
            ("connection", "keep-alive, x-private"),
            ("x-private", "1"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("x-wadah-consumer", "bpsdm/simpeg"),
            ("x-wadah-assertion", "forged.by.consumer"),
            ("x-wadah-user", "199001012020011001"),
            ("x-forwarded-for", "10.0.0.9"),
            ("host", "gw.bontang"),
            ("accept", "application/json"),
        ] {
            h.append(HeaderName::from_static(k), HeaderValue::from_static(v));
        }
        let fwd = Forwarding {
            request_id: "r-1",
            client_ip: "127.0.0.1".into(),
            consumer: "dinsos/e-bansos",
            host: Some("gw.bontang"),
            proto: "https",
        };
        let out = upstream_request(&h, &fwd);
        for gone in [
            "authorization",
            "apikey",
            "connection",
            "x-private",
            "keep-alive",
            "te",
            "host",
            "x-wadah-assertion",
        ] {
            assert!(!out.contains_key(gone), "{gone}");
        }
        assert_eq!(out["x-wadah-consumer"], "dinsos/e-bansos");
        assert_eq!(out["x-wadah-user"], "199001012020011001");
        assert_eq!(out["x-forwarded-for"], "10.0.0.9, 127.0.0.1");
        assert_eq!(out["x-forwarded-host"], "gw.bontang");
        assert_eq!(out["x-forwarded-proto"], "https");
        assert_eq!(out["x-request-id"], "r-1");
        assert_eq!(out["accept"], "application/json");
    }
}
