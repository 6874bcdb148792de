//! The credential a request presents (`wadah_gateway::auth::parse_presented_credential`) over
//! arbitrary headers, and the digest check the gateway runs on API keys
//! (`wadah_domain::secret::SecretDigest`): never a panic; an API key is the trimmed token of the
//! header it must come from (`Authorization: Bearer` first, else `apikey`); an access token
//! was split from that same text and only ever claims ES256.
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use wadah_domain::secret::SecretDigest;
use wadah_gateway::auth::{Presented, parse_presented_credential};

/// The text the credential must have come from.
fn source(headers: &HeaderMap) -> Option<&str> {
    match headers.get("authorization") {
        Some(value) => {
            let (scheme, token) = value.to_str().ok()?.split_once(' ')?;
            assert!(scheme.eq_ignore_ascii_case("bearer"), "{value:?}");
            Some(token.trim())
        }
        None => headers.get("apikey")?.to_str().ok().map(str::trim),
    }
}

// Input: header lines `name:value`, separated by `\n`; a line without `:` is skipped.
fuzz_target!(|data: &[u8]| {
    let mut headers = HeaderMap::new();
    for line in data.split(|b| *b == b'\n').take(64) {
        let Some(colon) = line.iter().position(|b| *b == b':') else {
            continue;
        };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(&line[colon + 1..]),
        ) else {
            continue;
        };
        headers.append(name, value);
    }
    match parse_presented_credential(&headers) {
        Presented::Nothing | Presented::Malformed(_) => {}
        Presented::ApiKey(key) => {
            assert!(key.starts_with("wdh_"));
            assert_eq!(source(&headers), Some(key));
            let digest = SecretDigest::of(key);
            assert!(digest.matches(key));
            assert!(!digest.matches(&format!("{key}x")));
        }
        Presented::AccessToken(token) => {
            assert_eq!(token.header.alg, "ES256");
            let text = source(&headers).expect("a token came from a credential header");
            assert_eq!(text.matches('.').count(), 2, "{text:?}");
        }
    }
});
