//! `/api/v1/agencies/{agency}/public-services/{code}/feedback`: what citizens said about one
//! public service, for the agency that runs it. Comments are never public (the portal shows
//! only the aggregate), so only the agency's admins and the platform admin read them; to
//! anyone else the list does not exist (404, as for every object outside one's scope).

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wadah_domain::feedback::{Feedback, FeedbackSummary};

use super::prelude::*;
use crate::pagination::page_request;

/// Query of a feedback list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FeedbackQuery {
    /// Items per page, 1–500 (default 50).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    #[param(min_length = 1, max_length = 512, pattern = "^[A-Za-z0-9_-]+$")]
    pub cursor: Option<String>,
}

/// A page of a public service's feedback, newest first, with the aggregate of all of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedbackPage {
    /// Over all feedback of the service (not only this page).
    pub summary: FeedbackSummary,
    pub items: Vec<Feedback>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next: Option<String>,
}

pub fn routes() -> Router<AppState> {
    Router::new().route(
        "/api/v1/agencies/{agency}/public-services/{code}/feedback",
        get(list_feedback),
    )
}

/// Read the feedback on a public service (its agency's admins).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/public-services/{code}/feedback", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "dinsos"),
        ("code" = Code, Path, description = "Public service code", example = "bantuan-sosial"),
        FeedbackQuery),
    responses(
        (status = 200, description = "Ratings and comments, newest first", body = FeedbackPage),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_feedback(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
    Query(query): Query<FeedbackQuery>,
) -> ApiResult<axum::Json<FeedbackPage>> {
    let key = format!("{agency}/{code}");
    caller.write(&agency, "public service", &key)?;
    // 404 for a service that does not exist, rather than an empty list.
    state.store().get_public_service(&agency, &code).await?;
    let page = page_request(query.limit, query.cursor.as_deref(), None)?;
    let store = state.store();
    let summary = store.feedback_summary(&agency, &code).await?;
    let found = store
        .list_feedback(&agency, &code, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(FeedbackPage {
        summary,
        next: found.next.as_deref().map(crate::pagination::encode_cursor),
        items: found.items,
    }))
}
