//! The public portal (`/`) and the parts every server-rendered page shares.
//!
//! Pages are askama templates (`templates/`), words come from Fluent files (`locales/`), the
//! only script is htmx 2 served from the binary, and every response carries a strict CSP
//! without inline script or style. Every page works without JavaScript; htmx only makes the
//! search update as one types.
//!
//! # Paths (Indonesian, as the readers are)
//! | path | page |
//! |---|---|
//! | `/` | every public service, grouped by agency; search; topics; agencies |
//! | `/cari?q=` | search results |
//! | `/topik/{topic}` | services under a topic or life event |
//! | `/instansi/{agency}` | one agency's public services |
//! | `/layanan/{agency}/{code}` | one public service, its link status and satisfaction |
//! | `POST /layanan/{agency}/{code}/masukan` | anonymous feedback (rating, comment) |
//! | `/bahasa/{id\|en}?kembali=` | language switch (cookie), back to the page |
//! | `/aset/{name}.{hash}.{ext}` | CSS and htmx, cached for a year |
//!
//! # Modules
//! - `i18n`: the language of a request and its messages; `format`: numbers and dates per
//!   language; `layout`: the frame every page shares (later portals reuse it); `account`:
//!   the signed-in links of that frame on the staff and developer portals.
//! - `catalog`: the in-memory copy of the public catalogue, refreshed by registry version;
//!   `search`: ranking and typo tolerance on top of the store's word search.
//! - `pages`: the handlers; `assets`: static files; `security_headers`: CSP and friends.

pub mod account;
pub(crate) mod assets;
mod catalog;
pub mod feedback;
pub mod format;
pub mod i18n;
pub mod layout;
mod link_status;
mod pages;
mod search;
pub mod security_headers;
mod service_page;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::state::AppState;

pub use i18n::Lang;
pub use pages::not_found;
pub(crate) use pages::{here, html, topic_label, unavailable};

/// The public portal's routes, with the security headers on every response.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/cari", get(pages::find))
        .route("/topik/{topic}", get(pages::topic))
        .route("/instansi/{agency}", get(pages::agency))
        .route("/layanan/{agency}/{code}", get(service_page::show))
        .route(
            "/layanan/{agency}/{code}/masukan",
            axum::routing::post(feedback::submit),
        )
        .route("/bahasa/{lang}", get(pages::switch_language))
        .route("/aset/{file}", get(assets::serve))
        .layer(axum::Extension(Arc::new(catalog::CatalogCache::default())))
        .layer(axum::Extension(Arc::new(feedback::Limiter::default())))
        .layer(axum::middleware::from_fn(security_headers::add))
}

/// Whether an unmatched request should get the HTML 404 page rather than a problem document:
/// outside the API, from a client that asks for HTML (a browser).
pub fn wants_html(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> bool {
    !uri.path().starts_with("/api/")
        && headers
            .get(axum::http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}
