//! `/api/v1/agencies`: the agencies (OPD). An agency-scoped caller sees only its own agency;
//! creating, changing and deleting agencies is the platform admin's.

use wadah_domain::agency::{Agency, AgencySpec};
use wadah_store::AgencyFilter;

use super::prelude::*;

list_query!(
    /// Query of the agency list.
    AgencyQuery {
        /// Only agencies of this government.
        government: Option<Code>,
    }
);
page_type!(
    /// A page of agencies.
    AgencyPage,
    Agency
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/agencies", get(list_agencies).post(create_agency))
        .route(
            "/api/v1/agencies/{agency}",
            get(get_agency).put(update_agency).delete(delete_agency),
        )
}

/// List the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/agencies", tag = "agencies",
    params(AgencyQuery),
    responses((status = 200, description = "A page of agencies", body = AgencyPage)),
    security(("bearer" = [])))]
pub async fn list_agencies(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AgencyQuery>,
) -> ApiResult<axum::Json<AgencyPage>> {
    let filter = AgencyFilter {
        government: query.government.clone(),
        only: caller.principal().agency_scope().agency().cloned(),
    };
    let page = state
        .store()
        .list_agencies(&filter, &query.page()?)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Create an agency (platform admin).
#[utoipa::path(post, path = "/api/v1/agencies", tag = "agencies",
    request_body = AgencySpec,
    responses(
        (status = 201, description = "Created", body = Agency, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_agency(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<AgencySpec>,
) -> ApiResult<Tagged<Agency>> {
    caller.manage_platform()?;
    let created = state
        .store()
        .create_agency(&spec, &state.change_by(caller.principal()))
        .await?;
    let location = format!("/api/v1/agencies/{}", created.spec.code);
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read an agency.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}", tag = "agencies",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm")),
    responses(
        (status = 200, description = "The agency", body = Agency, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_agency(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<Code>,
) -> ApiResult<Tagged<Agency>> {
    caller.read(&code, "agency", &code)?;
    let agency = state.store().get_agency(&code).await?;
    Ok(Tagged::ok(agency.meta.version, agency))
}

/// Change an agency (platform admin).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}", tag = "agencies",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"), crate::openapi::IfMatchHeader),
    request_body = AgencySpec,
    responses(
        (status = 200, description = "Changed", body = Agency, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_agency(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<Code>,
    IfMatch(version): IfMatch,
    Json(spec): Json<AgencySpec>,
) -> ApiResult<Tagged<Agency>> {
    caller.read(&code, "agency", &code)?;
    caller.manage_platform()?;
    keep_code(&code, &spec.code, "code")?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_agency(&code, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete an agency (platform admin); with dependents only with `?cascade=true`.
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}", tag = "agencies",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"), DeleteQuery, crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_agency(
    State(state): State<AppState>,
    caller: Caller,
    Path(code): Path<Code>,
    MaybeIfMatch(version): MaybeIfMatch,
    Query(query): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    caller.read(&code, "agency", &code)?;
    caller.manage_platform()?;
    let change = state.change_by(caller.principal());
    state
        .store()
        .delete_agency(&code, query.mode(version), &change)
        .await?;
    Ok(no_content())
}
