//! `/api/v1/catalog`: the public catalogue of services for citizens (audience `public`) across
//! agencies. The one admin-API resource without authentication, so it shows only what a portal
//! page would: no bookkeeping (`meta`), no internal services, nothing of staff-only services.

use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::application::Audience;
use wadah_domain::public_service::PublicService;
use wadah_store::PublicServiceFilter;

use super::prelude::*;

/// A public service as citizens see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntry {
    pub agency: Code,
    pub code: Code,
    pub name: String,
    pub description: String,
    pub topics: Vec<Code>,
    pub eligibility: String,
    pub requirements: Vec<String>,
    pub cost: String,
    pub duration: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_url: Option<String>,
    pub office_address: String,
    /// Sample data of the demo, not a real service.
    pub sample: bool,
}

impl From<PublicService> for CatalogEntry {
    fn from(p: PublicService) -> Self {
        let s = p.spec;
        Self {
            agency: p.agency,
            code: s.code,
            name: s.name.into(),
            description: s.description.into(),
            topics: s.topics,
            eligibility: s.eligibility.into(),
            requirements: s.requirements.into_iter().map(String::from).collect(),
            cost: s.cost.into(),
            duration: s.duration.into(),
            online_url: s.online_url.map(String::from),
            office_address: s.office_address.into(),
            sample: s.sample,
        }
    }
}

list_query!(
    /// Query of the public catalogue.
    CatalogQuery {
        /// Only services of this agency.
        agency: Option<Code>,
        /// Only services under this topic.
        topic: Option<Code>,
    }
);

/// A page of the public catalogue.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogPage {
    pub items: Vec<CatalogEntry>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next: Option<String>,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/catalog", get(list_catalog))
}

/// Browse the public services of every agency (no authentication).
#[utoipa::path(get, path = "/api/v1/catalog", tag = "catalog",
    params(CatalogQuery),
    responses((status = 200, description = "A page of public services", body = CatalogPage)))]
pub async fn list_catalog(
    State(state): State<AppState>,
    Query(query): Query<CatalogQuery>,
) -> ApiResult<axum::Json<CatalogPage>> {
    let filter = PublicServiceFilter {
        agency: query.agency.clone(),
        audience: Some(Audience::Public),
        topic: query.topic.clone(),
    };
    let page = state
        .store()
        .list_public_services(&filter, &query.page()?)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(CatalogPage {
        next: page.next.as_deref().map(crate::pagination::encode_cursor),
        items: page.items.into_iter().map(CatalogEntry::from).collect(),
    }))
}
