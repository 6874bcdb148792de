//! Gateway path handling (`wadah_gateway::path::parse` then `join`): whatever a consumer sends,
//! an accepted path names its service by the first three segments and the upstream path stays
//! under the service's base path, with no dot segment (plain or encoded), no encoded slash or
//! backslash, no control byte and no `//` appended.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wadah_gateway::path::{self, MAX_PATH_BYTES};

/// Base paths as upstream URLs have them (validated by the admin API before they get here).
const BASES: [&str; 6] = ["", "/", "/api", "/api/v1/", "/sample/bpsdm/simpeg/pegawai", "/a%20b/c"];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, raw)) = data.split_first() else {
        return;
    };
    let Ok(raw) = std::str::from_utf8(raw) else {
        return;
    };
    let Ok(route) = path::parse(raw) else {
        return;
    };
    assert!(raw.len() <= MAX_PATH_BYTES);
    assert_eq!(
        format!("/{}{}", route.key, route.rest),
        raw,
        "the key and the rest are the whole path"
    );
    assert_eq!(
        route.key,
        format!("{}/{}/{}", route.agency, route.application, route.service)
    );
    for part in [route.agency, route.application, route.service] {
        assert!(!part.is_empty() && !part.contains('/'));
    }

    let base = BASES[usize::from(pick) % BASES.len()];
    let joined = path::join(base, route.rest);
    let stem = base.trim_end_matches('/');
    assert!(joined.starts_with('/'), "{joined:?}");
    assert!(joined.starts_with(stem), "{joined:?} escapes {base:?}");
    let added = &joined[stem.len()..];
    assert!(
        added.is_empty() || added.starts_with('/'),
        "{joined:?} extends the last base segment of {base:?}"
    );
    assert!(!joined.contains("//"), "{joined:?} has an empty segment");
    assert!(
        !joined.bytes().any(|b| b.is_ascii_control() || b == b'\\'),
        "{joined:?}"
    );
    for segment in added.split('/').skip(1) {
        let decoded = decode_once(segment);
        let name = decoded.split(|b| *b == b';').next().unwrap_or_default();
        assert!(name != b"." && name != b"..", "{joined:?} has a dot segment");
        assert!(
            !decoded.iter().any(|b| matches!(b, b'/' | b'\\' | b'%' | 0)),
            "{joined:?} has an encoded slash, backslash, NUL or a second layer of encoding"
        );
    }
});

/// One round of percent-decoding, leaving malformed escapes as they are (the parser refuses
/// them, so they never get here).
fn decode_once(segment: &str) -> Vec<u8> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}
