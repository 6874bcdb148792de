//! Cross-site request forgery defences for form posts, two of them because each alone has
//! gaps: a synchronizer token (the session's random token in a hidden `csrf` field, compared
//! in constant time) stops forms built on other sites, and the same-origin check (`Origin`,
//! else `Referer`, must name this host) stops what the token cannot see, such as a sign-in
//! form posted from another site before any session exists. `SameSite=Lax` on the cookie is
//! a third layer, not relied upon.

use axum::http::{HeaderMap, Uri, header};
use wadah_domain::secret::SecretDigest;

/// The form field that carries the token.
pub const FIELD: &str = "csrf";

/// Whether `sent` is the session's token (constant time; an empty token never matches).
pub fn token_matches(expected: &str, sent: &str) -> bool {
    !expected.is_empty() && !sent.is_empty() && SecretDigest::of(expected).matches(sent)
}

/// Whether the request says it comes from a page of this host. A request with neither
/// `Origin` nor `Referer` (some privacy tools strip both) passes here; the token still has to
/// match. `Origin: null` (sandboxed frames, some redirects) never passes.
pub fn same_origin(uri: &Uri, headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()));
    let claimed = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match (claimed, host) {
        (None, _) => true,
        (Some(claimed), Some(host)) => authority(claimed).is_some_and(|a| a.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

/// `host[:port]` of an absolute http(s) URL.
fn authority(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest.get(..end).filter(|a| !a.is_empty())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn only_this_host_may_post() {
        let uri: Uri = "/console/keluar".parse().unwrap();
        let ok = headers(&[
            ("host", "wadah.example:8080"),
            ("origin", "http://wadah.example:8080"),
        ]);
        assert!(same_origin(&uri, &ok));
        let referer = headers(&[
            ("host", "wadah.example"),
            ("referer", "https://wadah.example/console?x=1"),
        ]);
        assert!(same_origin(&uri, &referer));
        let evil = headers(&[("host", "wadah.example"), ("origin", "https://evil.example")]);
        assert!(!same_origin(&uri, &evil));
        let sneaky = headers(&[
            ("host", "wadah.example"),
            ("origin", "https://wadah.example.evil.example"),
        ]);
        assert!(!same_origin(&uri, &sneaky));
        assert!(!same_origin(
            &uri,
            &headers(&[("host", "wadah.example"), ("origin", "null")])
        ));
        assert!(same_origin(&uri, &headers(&[("host", "wadah.example")])));
    }

    #[test]
    fn tokens_match_exactly() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abc", "abd"));
        assert!(!token_matches("abc", ""));
        assert!(!token_matches("", ""));
    }
}
