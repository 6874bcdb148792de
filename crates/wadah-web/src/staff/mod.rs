//! The staff portal (`/asn`): one place where a civil servant (ASN) finds and launches the
//! applications and administrative services meant for them — every application and public
//! service whose audience is `asn`, of every agency — grouped by task (staffing, performance,
//! attendance, training, finance…), the reader's own agency first, filterable by words,
//! agency and task.
//!
//! It needs the shared sign-in session ([`crate::session::SignedIn`]) and nothing more: every
//! role may use it, including `staff`, who administer nothing and are sent here from the
//! console. Visitors without a session go to the sign-in page and come back to `/asn`. The
//! page is the portal's frame (`templates/layout.html`) with the signed-in links; it needs no
//! script (the filter is a plain `GET` form) and sends the portal's strict CSP.
//!
//! # Modules
//! - `launchpad`: reading the ASN entries, deriving each one's task, filtering and grouping;
//! - `page`: the handler and its template's data.

mod launchpad;
mod page;

use axum::Router;
use axum::routing::get;

use crate::portal::security_headers;
use crate::state::AppState;

/// The staff portal's routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/asn", get(page::home))
        .route("/asn/", get(page::home))
        .layer(axum::middleware::from_fn(security_headers::add))
}
