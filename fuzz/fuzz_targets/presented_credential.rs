//! The credential a request presents (`wadah_gateway::parse_presented_credential`) over
//! arbitrary headers, and the digest check the gateway runs on it
//! (`wadah_domain::secret::SecretDigest`): never a panic, and what comes out is the trimmed
//! token of the header it must come from (`Authorization: Bearer` first, else `apikey`).
#![no_main]

use http::{HeaderMap, HeaderName, HeaderValue};
use libfuzzer_sys::fuzz_target;
use wadah_domain::secret::SecretDigest;

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
    let Some(key) = wadah_gateway::parse_presented_credential(&headers) else {
        return;
    };
    assert_eq!(key, key.trim(), "the credential is trimmed");
    match headers.get("authorization") {
        Some(value) => {
            let value = value.to_str().expect("a parsed credential came from a text header");
            let (scheme, token) = value.split_once(' ').expect("a scheme and a token");
            assert!(scheme.eq_ignore_ascii_case("bearer"), "{value:?}");
            assert_eq!(token.trim(), key);
        }
        None => {
            let value = headers.get("apikey").expect("the key came from apikey");
            assert_eq!(value.to_str().ok().map(str::trim), Some(key));
        }
    }
    let digest = SecretDigest::of(key);
    assert!(digest.matches(key));
    assert_eq!(digest.as_str().len(), 64);
    let other = format!("{key}x");
    assert!(!digest.matches(&other));
    assert!(!SecretDigest::from_stored(digest.as_str().to_uppercase()).matches(&other));
});
