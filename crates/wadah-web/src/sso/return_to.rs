//! Where a person goes after signing in (`kembali`): only a path of Wadah's own front doors —
//! the staff portal (`/asn`), the console (`/console`), the developer portal (`/developer`) or a
//! web application reached through Wadah (`/app/…`) —
//! never another site. Anything doubtful becomes the default rather than an error.
//!
//! Refused: absolute URLs and schemes, protocol-relative `//host`, backslashes (browsers read
//! `/\host` as `//host`), control characters and spaces, percent-encoded slashes, backslashes,
//! dots and controls (`/%2f%2fevil`, `/%5cevil`, `/console/%2e%2e/`), dot segments, and the
//! sign-in and sign-out pages themselves (no loops).

/// Where people go when `kembali` is absent or refused.
pub const DEFAULT: &str = "/console";
const MAX_LEN: usize = 2048;
const ROOTS: &[&str] = &["/asn", "/console", "/developer", "/app"];
const NO_RETURN: &[&str] = &["/console/masuk", "/console/keluar"];

/// `raw` when it is a safe local path, else `None`.
pub fn check(raw: &str) -> Option<&str> {
    if raw.is_empty() || raw.len() > MAX_LEN {
        return None;
    }
    if !raw.bytes().all(|b| b.is_ascii_graphic()) || raw.contains('\\') {
        return None;
    }
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    let under_root = ROOTS.iter().any(|root| {
        path.strip_prefix(root)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    });
    if !under_root || path.contains("//") {
        return None;
    }
    let lower = path.to_ascii_lowercase();
    for encoded in ["%2f", "%5c", "%2e", "%00", "%0a", "%0d", "%09", "%20"] {
        if lower.contains(encoded) {
            return None;
        }
    }
    if path.split('/').any(|seg| seg == "." || seg == "..") {
        return None;
    }
    if NO_RETURN.iter().any(|p| {
        path.strip_prefix(p)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }) {
        return None;
    }
    Some(raw)
}

/// `raw` when safe, else [`DEFAULT`].
pub fn or_default(raw: &str) -> String {
    check(raw).unwrap_or(DEFAULT).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_front_door_paths_are_kept() {
        for ok in [
            "/asn",
            "/asn/aplikasi?x=1",
            "/console",
            "/console/instansi/bpsdm",
            "/developer/layanan/bpsdm/simpeg#top",
            "/app/bpsdm/e-cuti/ajukan?jenis=tahunan",
        ] {
            assert_eq!(check(ok), Some(ok));
        }
    }

    #[test]
    fn open_redirect_attempts_fall_back_to_the_console() {
        for bad in [
            "",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "/asn\\..\\evil",
            "\\\\evil.example",
            "/%2f%2fevil.example",
            "/asn/%2F%2Fevil",
            "/asn/%5cevil",
            "/console/%2e%2e/%2e%2e/evil",
            "/console/../../evil",
            "/console/./x",
            "/asn//evil.example",
            "/asnevil",
            "/apps/x",
            "/app/bpsdm/%2e%2e/x",
            "/consoles",
            "/",
            "/api/v1/users",
            " /console",
            "/console\r\nSet-Cookie: x=1",
            "/console\t",
            "/console/masuk",
            "/console/masuk?kembali=/asn",
            "/console/keluar",
            "asn",
            "evil.example/asn",
        ] {
            assert_eq!(check(bad), None, "{bad:?}");
            assert_eq!(or_default(bad), DEFAULT, "{bad:?}");
        }
        assert_eq!(check(&format!("/asn/{}", "a".repeat(MAX_LEN))), None);
    }
}
