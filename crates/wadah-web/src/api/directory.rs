//! `/api/v1/directory`: the service directory (X-Road's "list services", SPLP's developer
//! portal). Every signed-in user may find the services that agencies published (visibility
//! `public`) in order to request access. It shows what a consumer needs to decide, never the
//! upstream URL or limits, which stay with the provider.

use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::service::{Classification, Service, Visibility};
use wadah_store::ServiceFilter;

use super::prelude::*;

/// A published service, as the directory shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub agency: Code,
    pub application: Code,
    /// The service code; with the two above it names the gateway route.
    pub service: Code,
    pub name: String,
    pub description: String,
    pub classification: Classification,
    /// Whether the provider published an OpenAPI document.
    pub has_openapi: bool,
}

impl From<Service> for DirectoryEntry {
    fn from(s: Service) -> Self {
        Self {
            agency: s.agency,
            application: s.application,
            service: s.spec.code,
            name: s.spec.name.into(),
            description: s.spec.description.into(),
            classification: s.spec.classification,
            has_openapi: s.spec.openapi.is_some(),
        }
    }
}

list_query!(
    /// Query of the service directory.
    DirectoryQuery {
        /// Only services of this agency.
        agency: Option<Code>,
    }
);

/// A page of the service directory.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryPage {
    pub items: Vec<DirectoryEntry>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next: Option<String>,
}

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/directory", get(list_directory))
}

/// Find published services of every agency.
#[utoipa::path(get, path = "/api/v1/directory", tag = "directory",
    params(DirectoryQuery),
    responses((status = 200, description = "A page of published services", body = DirectoryPage)),
    security(("bearer" = [])))]
pub async fn list_directory(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<DirectoryQuery>,
) -> ApiResult<axum::Json<DirectoryPage>> {
    let filter = ServiceFilter {
        visibility: Some(Visibility::Public),
        agency: query.agency.clone(),
    };
    let page = state
        .store()
        .search_services(&filter, &query.page()?)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(DirectoryPage {
        next: page.next.as_deref().map(crate::pagination::encode_cursor),
        items: page.items.into_iter().map(DirectoryEntry::from).collect(),
    }))
}
