//! Public services (layanan publik): `/api/v1/public-services` lists them across the agencies
//! the caller may see; `/api/v1/agencies/{agency}/public-services` holds one agency's, changed by
//! its admins. The unauthenticated view for citizens is the catalogue (`catalog.rs`).

use wadah_domain::application::Audience;
use wadah_domain::public_service::{PublicService, PublicServiceSpec};
use wadah_store::PublicServiceFilter;

use super::prelude::*;

list_query!(
    /// Query of the cross-agency public service list.
    PublicServiceQuery {
        /// Only services of this agency.
        agency: Option<Code>,
        /// Only services for this audience (`public` or `asn`).
        audience: Option<Audience>,
        /// Only services under this topic.
        topic: Option<Code>,
    }
);
list_query!(
    /// Query of one agency's public service list.
    AgencyPublicServiceQuery {
        /// Only services for this audience (`public` or `asn`).
        audience: Option<Audience>,
        /// Only services under this topic.
        topic: Option<Code>,
    }
);
page_type!(
    /// A page of public services.
    PublicServicePage,
    PublicService
);

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/agencies/{agency}/public-services";
    Router::new()
        .route("/api/v1/public-services", get(list_public_services))
        .route(base, get(list_agency_public_services).post(create_public_service))
        .route(
            &format!("{base}/{{code}}"),
            get(get_public_service)
                .put(update_public_service)
                .delete(delete_public_service),
        )
}

/// List public services across the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/public-services", tag = "public-services",
    params(PublicServiceQuery),
    responses((status = 200, description = "A page of public services", body = PublicServicePage)),
    security(("bearer" = [])))]
pub async fn list_public_services(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<PublicServiceQuery>,
) -> ApiResult<axum::Json<PublicServicePage>> {
    let page = query.page()?;
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(PublicServicePage::empty()));
    };
    let filter = PublicServiceFilter {
        agency,
        audience: query.audience,
        topic: query.topic,
    };
    let page = state
        .store()
        .list_public_services(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// List one agency's public services.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/public-services", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"), AgencyPublicServiceQuery),
    responses(
        (status = 200, description = "A page of public services", body = PublicServicePage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_agency_public_services(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<Code>,
    Query(query): Query<AgencyPublicServiceQuery>,
) -> ApiResult<axum::Json<PublicServicePage>> {
    caller.read(&agency, "agency", &agency)?;
    let page = query.page()?;
    state.store().get_agency(&agency).await?;
    let filter = PublicServiceFilter {
        agency: Some(agency),
        audience: query.audience,
        topic: query.topic,
    };
    let page = state
        .store()
        .list_public_services(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Describe a public service of the agency (agency admin).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/public-services", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm")),
    request_body = PublicServiceSpec,
    responses(
        (status = 201, description = "Created", body = PublicService, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_public_service(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<Code>,
    Json(spec): Json<PublicServiceSpec>,
) -> ApiResult<Tagged<PublicService>> {
    caller.write(&agency, "agency", &agency)?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let created = state
        .store()
        .create_public_service(&agency, &spec, &change)
        .await?;
    let location = format!("/api/v1/agencies/{agency}/public-services/{}", created.spec.code);
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read a public service.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/public-services/{code}", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("code" = Code, Path, description = "Public service code", example = "cuti-pegawai")),
    responses(
        (status = 200, description = "The public service", body = PublicService, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_public_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
) -> ApiResult<Tagged<PublicService>> {
    caller.read(&agency, "public service", format!("{agency}/{code}"))?;
    let service = state.store().get_public_service(&agency, &code).await?;
    Ok(Tagged::ok(service.meta.version, service))
}

/// Change a public service (agency admin).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/public-services/{code}", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("code" = Code, Path, description = "Public service code", example = "cuti-pegawai"),
        crate::openapi::IfMatchHeader),
    request_body = PublicServiceSpec,
    responses(
        (status = 200, description = "Changed", body = PublicService, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_public_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
    IfMatch(version): IfMatch,
    Json(spec): Json<PublicServiceSpec>,
) -> ApiResult<Tagged<PublicService>> {
    caller.write(&agency, "public service", format!("{agency}/{code}"))?;
    keep_code(&code, &spec.code, "code")?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_public_service(&agency, &code, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete a public service (agency admin).
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}/public-services/{code}", tag = "public-services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("code" = Code, Path, description = "Public service code", example = "cuti-pegawai"),
        crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_public_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
    MaybeIfMatch(version): MaybeIfMatch,
) -> ApiResult<StatusCode> {
    caller.write(&agency, "public service", format!("{agency}/{code}"))?;
    let change = state.change_by(caller.principal());
    let mode = DeleteMode {
        expected_version: version,
        cascade: false,
    };
    state
        .store()
        .delete_public_service(&agency, &code, mode, &change)
        .await?;
    Ok(no_content())
}
