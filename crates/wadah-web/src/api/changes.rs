//! `/api/v1/changes`: the change log (who changed what, when, before and after), newest first.
//! An agency-scoped caller sees only its agency's entries; platform-wide entries (governments,
//! platform users) are for callers who see every agency.

use wadah_domain::change::ChangeEntry;
use wadah_store::ChangeFilter;

use super::prelude::*;

list_query!(
    /// Query of the change log.
    ChangeQuery {
        /// Only changes of this kind of object (`agency`, `application`, `service`, …).
        #[param(max_length = 40)]
        kind: Option<String>,
        /// Only changes of this agency's objects.
        agency: Option<Code>,
    }
);
page_type!(
    /// A page of the change log.
    ChangePage,
    ChangeEntry
);

pub fn routes() -> Router<AppState> {
    Router::new().route("/api/v1/changes", get(list_changes))
}

/// Read the change log, newest first.
#[utoipa::path(get, path = "/api/v1/changes", tag = "changes",
    params(ChangeQuery),
    responses((status = 200, description = "A page of changes", body = ChangePage)),
    security(("bearer" = [])))]
pub async fn list_changes(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<ChangeQuery>,
) -> ApiResult<axum::Json<ChangePage>> {
    let page = query.page()?;
    if query.kind.as_ref().is_some_and(|k| k.len() > 40) {
        return Err(ApiError::invalid_query("`kind` has at most 40 characters"));
    }
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(ChangePage::empty()));
    };
    let filter = ChangeFilter {
        agency,
        kind: query.kind,
    };
    let page = state
        .store()
        .list_changes(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}
