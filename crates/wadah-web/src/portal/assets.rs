//! The portal's static files, compiled into the binary (the portals must work on an intranet
//! with no internet, so there is no CDN): one CSS file and htmx 2 (vendored from npm
//! `htmx.org@2.0.11`, Zero-Clause BSD, licence in `assets/htmx.LICENSE`).
//!
//! Each file is served under a name carrying a hash of its content (`/aset/portal.<hash>.css`),
//! so it can be cached for a year as `immutable`: a new binary with a changed file has a new
//! name, and no reader ever sees a stale mix.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

pub struct Asset {
    /// The served path, with the content hash.
    pub path: String,
    content_type: &'static str,
    body: &'static [u8],
}

fn asset(stem: &str, ext: &str, content_type: &'static str, body: &'static [u8]) -> Asset {
    let digest = Sha256::digest(body);
    let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
    Asset {
        path: format!("/aset/{stem}.{hash}.{ext}"),
        content_type,
        body,
    }
}

pub static CSS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "portal",
        "css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/portal.css"),
    )
});

pub static HTMX: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "htmx-2.0.11",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/htmx-2.0.11.min.js"),
    )
});

/// The console's "load from a file" for document fields (progressive: pasting works without it).
pub static CONSOLE_FILE_JS: LazyLock<Asset> = LazyLock::new(|| {
    asset(
        "console-file",
        "js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/console-file.js"),
    )
});

/// `GET /aset/{file}`: a file under its current hashed name; anything else is a 404.
pub async fn serve(Path(file): Path<String>) -> Response {
    let wanted = format!("/aset/{file}");
    for asset in [&*CSS, &*HTMX, &*CONSOLE_FILE_JS] {
        if asset.path == wanted {
            return (
                [
                    (header::CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                    (
                        header::CACHE_CONTROL,
                        HeaderValue::from_static("public, max-age=31536000, immutable"),
                    ),
                ],
                asset.body,
            )
                .into_response();
        }
    }
    StatusCode::NOT_FOUND.into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_names_carry_their_content_hash() {
        assert!(CSS.path.starts_with("/aset/portal.") && CSS.path.ends_with(".css"));
        assert_eq!(CSS.path.len(), "/aset/portal.".len() + 12 + ".css".len());
        assert_ne!(CSS.path, asset("portal", "css", "text/css", b"other").path);
    }

    #[test]
    fn vendored_htmx_is_version_2_and_keeps_its_licence_notice() {
        let text = std::str::from_utf8(HTMX.body).unwrap();
        assert!(text.starts_with("/*! htmx.org 2.0.11"));
        assert!(
            text.contains("version:\"2.0.11\""),
            "the file is the version its name says"
        );
    }
}
