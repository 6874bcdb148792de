//! `/api/v1/governments`: the tenants (Pemda). Everyone signed in may read them; only the
//! platform admin creates and changes them. Governments are never deleted through the API.

use wadah_domain::agency::{Government, GovernmentSpec};

use super::prelude::*;

list_query!(
    /// Query of the government list.
    GovernmentQuery {}
);
page_type!(
    /// A page of governments.
    GovernmentPage,
    Government
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/governments",
            get(list_governments).post(create_government),
        )
        .route(
            "/api/v1/governments/{government}",
            get(get_government).put(update_government),
        )
}

/// List governments.
#[utoipa::path(get, path = "/api/v1/governments", tag = "governments",
    params(GovernmentQuery),
    responses((status = 200, description = "A page of governments", body = GovernmentPage)),
    security(("bearer" = [])))]
pub async fn list_governments(
    State(state): State<AppState>,
    _caller: Caller,
    Query(query): Query<GovernmentQuery>,
) -> ApiResult<axum::Json<GovernmentPage>> {
    let page = state
        .store()
        .list_governments(&query.page()?)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Create a government (platform admin).
#[utoipa::path(post, path = "/api/v1/governments", tag = "governments",
    request_body = GovernmentSpec,
    responses(
        (status = 201, description = "Created", body = Government, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_government(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<GovernmentSpec>,
) -> ApiResult<Tagged<Government>> {
    caller.manage_platform()?;
    let created = state
        .store()
        .create_government(&spec, &state.change_by(caller.principal()))
        .await?;
    let location = format!("/api/v1/governments/{}", created.spec.code);
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read a government.
#[utoipa::path(get, path = "/api/v1/governments/{government}", tag = "governments",
    params(("government" = Code, Path, description = "Government code", example = "bontang")),
    responses(
        (status = 200, description = "The government", body = Government, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_government(
    State(state): State<AppState>,
    _caller: Caller,
    Path(code): Path<Code>,
) -> ApiResult<Tagged<Government>> {
    let government = state.store().get_government(&code).await?;
    Ok(Tagged::ok(government.meta.version, government))
}

/// Change a government (platform admin).
#[utoipa::path(put, path = "/api/v1/governments/{government}", tag = "governments",
    params(("government" = Code, Path, description = "Government code", example = "bontang"), crate::openapi::IfMatchHeader),
    request_body = GovernmentSpec,
    responses(
        (status = 200, description = "Changed", body = Government, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_government(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<Code>,
    IfMatch(version): IfMatch,
    Json(spec): Json<GovernmentSpec>,
) -> ApiResult<Tagged<Government>> {
    caller.manage_platform()?;
    keep_code(&code, &spec.code, "code")?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_government(&code, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}
