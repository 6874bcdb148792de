//! The developer portal (`/developer`): the directory of published APIs, each with its OpenAPI
//! document rendered on the server, how to call it through the gateway, and the raw document.
//!
//! The directory is public read, no sign-in: only services whose agency published them
//! (visibility `public`) appear; an internal service answers 404 exactly like a missing one, so the portal does not
//! even confirm that it exists. Upstream URLs, limits and credentials are never shown. The
//! pages share the portal's frame, words and security headers (strict CSP, no script needed).
//!
//! # Paths
//! | path | page |
//! |---|---|
//! | `/developer?q=&cursor=` | published services by agency and application, searchable |
//! | `/developer/{agency}/{application}/{service}` | one service: operations, schemas, how to call |
//! | `/developer/{agency}/{application}/{service}/openapi` | the document as the provider wrote it |
//! | `/developer/{agency}/{application}/{service}/akses` | signed in: ask for access (form, post) |
//! | `/developer/permohonan` | signed in: my access requests, decisions, rights and limits |
//! | `/developer/aplikasi[/{agency}/{application}]` | signed in: my applications; credentials |
//!
//! The signed-in pages are for developers (one application) and agency and platform admins,
//! on the shared session; they call the admin API's handlers with the session's caller, as
//! the console does, so no rule is written twice.
//!
//! # Modules
//! - `openapi_view`: document → view, defensive against hostile documents;
//! - `pages`: the public handlers and their templates' data;
//! - `signed`: the signed-in person, frame, badge of new decisions, error pages;
//! - `access`: asking for access; `my_requests`: requests, decisions, rights and limits;
//!   `credentials`: credential management.

mod access;
mod credentials;
mod my_requests;
pub mod openapi_view;
mod pages;
mod signed;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

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
        .route(
            "/developer/{agency}/{application}/{service}/akses",
            get(access::form).post(access::submit),
        )
        .route("/developer/permohonan", get(my_requests::list))
        .route("/developer/aplikasi", get(credentials::applications))
        .route(
            "/developer/aplikasi/{agency}/{application}",
            get(credentials::show),
        )
        .route(
            "/developer/aplikasi/{agency}/{application}/kredensial",
            post(credentials::create),
        )
        .route(
            "/developer/aplikasi/{agency}/{application}/kredensial/{id}/rotasi",
            post(credentials::rotate),
        )
        .route(
            "/developer/aplikasi/{agency}/{application}/kredensial/{id}/cabut",
            post(credentials::revoke),
        )
        .layer(axum::Extension(Arc::new(pages::ViewCache::default())))
        .layer(axum::middleware::from_fn(security_headers::add))
}
