//! Request paths on the gateway: split `/{agency}/{application}/{service}/{rest…}` and make
//! `rest` safe to append to the service's base path. A consumer can never climb out of the
//! service: dot segments (plain or percent-encoded, in any case), encoded slashes and
//! backslashes, NUL and control bytes, and empty segments are refused rather than "fixed",
//! because a proxy and an upstream that normalise differently are how path confusion attacks
//! work. Path parameters count too: `..;x` is `..` to servlet containers.

/// Why a path was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// Fewer than three segments: no service named.
    NoService,
    /// A segment that could change the meaning of the path upstream.
    Unsafe(&'static str),
    /// Longer than the gateway accepts.
    TooLong,
}

/// The longest path the gateway forwards (the query is bounded separately).
pub const MAX_PATH_BYTES: usize = 4096;

/// A parsed gateway path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutePath<'a> {
    pub agency: &'a str,
    pub application: &'a str,
    pub service: &'a str,
    /// `agency/application/service`: the route's key, borrowed from the raw path.
    pub key: &'a str,
    /// The remainder, starting with `/` (or empty), still percent-encoded as received.
    pub rest: &'a str,
}

/// Splits and checks a raw request path (without the query).
pub fn parse(raw: &str) -> Result<RoutePath<'_>, PathError> {
    if raw.len() > MAX_PATH_BYTES {
        return Err(PathError::TooLong);
    }
    let trimmed = raw
        .strip_prefix('/')
        .ok_or(PathError::Unsafe("the path must start with '/'"))?;
    let mut parts = trimmed.splitn(4, '/');
    let agency = parts
        .next()
        .filter(|s| !s.is_empty())
        .ok_or(PathError::NoService)?;
    let application = parts
        .next()
        .filter(|s| !s.is_empty())
        .ok_or(PathError::NoService)?;
    let service = parts
        .next()
        .filter(|s| !s.is_empty())
        .ok_or(PathError::NoService)?;
    let rest = match parts.next() {
        Some(r) => &raw[raw.len() - r.len() - 1..],
        None => "",
    };
    check_rest(rest)?;
    let key = &trimmed[..agency.len() + application.len() + service.len() + 2];
    Ok(RoutePath {
        agency,
        application,
        service,
        key,
        rest,
    })
}

/// Refuses every segment of `rest` that could escape or confuse the base path.
fn check_rest(rest: &str) -> Result<(), PathError> {
    if rest.is_empty() || rest == "/" {
        return Ok(());
    }
    if rest
        .bytes()
        .any(|b| b.is_ascii_control() || b == b'\\' || b == b' ')
    {
        return Err(PathError::Unsafe(
            "control characters, spaces and backslashes are not allowed",
        ));
    }
    let body = &rest[1..];
    let segments: Vec<&str> = body.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        if segment.is_empty() && !last {
            return Err(PathError::Unsafe("empty path segments ('//') are not allowed"));
        }
        let decoded = percent_decode(segment).ok_or(PathError::Unsafe("malformed percent-encoding"))?;
        // `..;x` is `..` to servlet containers that strip path parameters (Tomcat, Jetty).
        let before_params = decoded.split(|b| *b == b';').next().unwrap_or_default();
        if before_params == b"." || before_params == b".." {
            return Err(PathError::Unsafe("dot segments ('.', '..') are not allowed"));
        }
        if decoded
            .iter()
            .any(|b| matches!(b, b'/' | b'\\' | 0) || b.is_ascii_control())
        {
            return Err(PathError::Unsafe(
                "encoded slashes, backslashes and control bytes are not allowed",
            ));
        }
        // A segment that still contains '%' after one decoding was double-encoded: upstreams
        // that decode twice would see something else than we checked.
        if decoded.contains(&b'%') {
            return Err(PathError::Unsafe("double percent-encoding is not allowed"));
        }
    }
    Ok(())
}

/// Decodes `%XX` escapes; `None` for a malformed escape.
fn percent_decode(segment: &str) -> Option<Vec<u8>> {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hi = (hex[0] as char).to_digit(16)?;
            let lo = (hex[1] as char).to_digit(16)?;
            out.push((hi * 16 + lo) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The upstream path: the base path, without a trailing slash, then `rest`.
pub fn join(base_path: &str, rest: &str) -> String {
    let base = base_path.trim_end_matches('/');
    if rest.is_empty() {
        if base.is_empty() {
            "/".to_owned()
        } else {
            base.to_owned()
        }
    } else {
        format!("{base}{rest}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn routes_split_into_three_codes_and_the_rest() {
        let p = parse("/bpsdm/simpeg/pegawai/pegawai/7").unwrap();
        assert_eq!(
            (p.agency, p.application, p.service, p.rest),
            ("bpsdm", "simpeg", "pegawai", "/pegawai/7")
        );
        assert_eq!(p.key, "bpsdm/simpeg/pegawai");
        assert_eq!(parse("/bpsdm/simpeg/pegawai").unwrap().rest, "");
        assert_eq!(parse("/bpsdm/simpeg/pegawai/").unwrap().rest, "/");
        assert_eq!(parse("/bpsdm/simpeg"), Err(PathError::NoService));
        assert_eq!(parse("//simpeg/x"), Err(PathError::NoService));
    }

    #[test]
    fn escapes_from_the_base_path_are_refused() {
        for bad in [
            "/a/b/c/../d",
            "/a/b/c/./d",
            "/a/b/c/%2e%2e/d",
            "/a/b/c/%2E%2e",
            "/a/b/c/.%2e/x",
            "/a/b/c/x%2fy",
            "/a/b/c/x%2F..%2Fy",
            "/a/b/c/x%5cy",
            "/a/b/c/x\\y",
            "/a/b/c//etc",
            "/a/b/c/%252e%252e",
            "/a/b/c/x%00",
            "/a/b/c/x%zz",
            "/a/b/c/x%2",
            "/a/b/c/..;/admin",
            "/a/b/c/.%2e;jsessionid=1/x",
        ] {
            assert!(matches!(parse(bad), Err(PathError::Unsafe(_))), "{bad}");
        }
        assert_eq!(
            parse(&format!("/a/b/c/{}", "x".repeat(MAX_PATH_BYTES))),
            Err(PathError::TooLong)
        );
    }

    #[test]
    fn ordinary_paths_pass_unchanged() {
        let p = parse("/a/b/c/pegawai/199001012020011001/riwayat%20jabatan").unwrap();
        assert_eq!(p.rest, "/pegawai/199001012020011001/riwayat%20jabatan");
        assert_eq!(
            join("/api/v1/", p.rest),
            "/api/v1/pegawai/199001012020011001/riwayat%20jabatan"
        );
        assert_eq!(join("/", ""), "/");
        assert_eq!(join("/api", ""), "/api");
    }

    proptest! {
        /// Whatever passes, the joined upstream path stays under the base path and, decoded
        /// once, contains no dot segment.
        #[test]
        fn accepted_paths_never_leave_the_base(rest in "(/([a-zA-Z0-9._~-]|%[0-9a-fA-F]{2}){0,6}){0,5}") {
            let raw = format!("/a/b/c{rest}");
            if let Ok(p) = parse(&raw) {
                let joined = join("/base", p.rest);
                prop_assert!(joined.starts_with("/base"));
                for seg in joined.split('/') {
                    let decoded = percent_decode(seg).unwrap();
                    prop_assert!(decoded != b".." && decoded != b".");
                }
            }
        }
    }
}
