//! The developer portal (`/developer`): the directory of published APIs, each with its OpenAPI
//! document rendered on the server, how to call it through the gateway, and the raw document.
//!
//! Public read, no sign-in: only services whose agency published them (visibility `public`)
//! appear; an internal service answers 404 exactly like a missing one, so the portal does not
//! even confirm that it exists. Upstream URLs, limits and credentials are never shown. The
//! pages share the portal's frame, words and security headers (strict CSP, no script needed).
//!
//! # Paths
//! | path | page |
//! |---|---|
//! | `/developer?q=&cursor=` | published services by agency and application, searchable |
//! | `/developer/{agency}/{application}/{service}` | one service: operations, schemas, how to call |
//! | `/developer/{agency}/{application}/{service}/openapi` | the document as the provider wrote it |
//!
//! # Modules
//! - `openapi_view`: document → view, defensive against hostile documents;
//! - `pages`: the handlers and their templates' data.

pub mod openapi_view;
mod pages;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::portal::security_headers;
use crate::state::AppState;

/// The developer portal's routes, with the portal's security headers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/developer", get(pages::directory))
        .route("/developer/{agency}/{application}/{service}", get(pages::service))
        .route(
            "/developer/{agency}/{application}/{service}/openapi",
            get(pages::document),
        )
        .layer(axum::Extension(Arc::new(pages::ViewCache::default())))
        .layer(axum::middleware::from_fn(security_headers::add))
}
