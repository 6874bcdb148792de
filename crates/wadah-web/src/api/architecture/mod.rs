//! The SPBE architecture under `/api/v1/architecture`: elements per period and agency, their
//! relations, reference codes, the roadmap with its totals and the analyses. Scoping is the
//! registry's: an agency admin writes its own agency's architecture, the platform admin the
//! whole city; readers see what their agency scope includes.

pub mod analysis;
pub(crate) mod checks;
pub mod elements;
pub mod exchange;
pub mod live;
pub mod reference;
pub mod relations;

use super::prelude::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(elements::routes())
        .merge(relations::routes())
        .merge(reference::routes())
        .merge(analysis::routes())
        .merge(exchange::routes())
}
