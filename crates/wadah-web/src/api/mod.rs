//! The admin REST API under `/api/v1`, one module per resource. Each handler extracts and checks
//! its input, asks the policy through [`crate::extract::Caller`], calls one store role and
//! shapes the answer; business rules stay in `wadah-domain`, storage in the store.

mod access;
pub mod agencies;
pub mod applications;
pub mod architecture;
pub mod assessments;
pub mod audit;
pub mod catalog;
pub mod changes;
pub mod credentials;
pub mod directory;
pub mod feedback;
pub mod governments;
pub(crate) mod prelude;
pub mod public_services;
pub mod requests;
pub mod rights;
pub mod services;
pub mod tokens;
pub mod traffic;
pub mod upstream_credentials;
pub mod users;

use axum::Router;

/// The `?cascade=` of deletes, for the console's delete forms.
pub use prelude::DeleteQuery;

use crate::state::AppState;

/// Every `/api/v1` route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(governments::routes())
        .merge(agencies::routes())
        .merge(applications::routes())
        .merge(services::routes())
        .merge(upstream_credentials::routes())
        .merge(credentials::routes())
        .merge(public_services::routes())
        .merge(directory::routes())
        .merge(catalog::routes())
        .merge(rights::routes())
        .merge(requests::routes())
        .merge(users::routes())
        .merge(tokens::routes())
        .merge(changes::routes())
        .merge(audit::routes())
        .merge(traffic::routes())
        .merge(feedback::routes())
        .merge(assessments::routes())
        .merge(architecture::routes())
}
