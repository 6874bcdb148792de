//! `/api/v1/agencies/{agency}/applications`: an agency's applications. Readable within the
//! caller's scope; created, changed and deleted by the agency's admins (and the platform admin).

use wadah_domain::application::{Application, ApplicationSpec, Audience, LifecycleStage};
use wadah_store::ApplicationFilter;

use super::prelude::*;

list_query!(
    /// Query of an agency's application list.
    ApplicationQuery {
        /// Only applications in this lifecycle stage.
        lifecycle: Option<LifecycleStage>,
        /// Only applications for this audience.
        audience: Option<Audience>,
    }
);
page_type!(
    /// A page of applications.
    ApplicationPage,
    Application
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/agencies/{agency}/applications",
            get(list_applications).post(create_application),
        )
        .route(
            "/api/v1/agencies/{agency}/applications/{application}",
            get(get_application)
                .put(update_application)
                .delete(delete_application),
        )
}

/// List an agency's applications.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications", tag = "applications",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"), ApplicationQuery),
    responses(
        (status = 200, description = "A page of applications", body = ApplicationPage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_applications(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<Code>,
    Query(query): Query<ApplicationQuery>,
) -> ApiResult<axum::Json<ApplicationPage>> {
    caller.read(&agency, "agency", &agency)?;
    let page = query.page()?;
    state.store().get_agency(&agency).await?;
    let filter = ApplicationFilter {
        lifecycle: query.lifecycle,
        audience: query.audience,
    };
    let page = state
        .store()
        .list_applications(&agency, &filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Register an application of the agency (agency admin).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications", tag = "applications",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm")),
    request_body = ApplicationSpec,
    responses(
        (status = 201, description = "Created", body = Application, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_application(
    State(state): State<AppState>,
    caller: Caller,
    Path(agency): Path<Code>,
    Json(spec): Json<ApplicationSpec>,
) -> ApiResult<Tagged<Application>> {
    caller.write(&agency, "agency", &agency)?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let created = state.store().create_application(&agency, &spec, &change).await?;
    let location = format!("/api/v1/agencies/{agency}/applications/{}", created.spec.code);
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read an application.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}", tag = "applications",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg")),
    responses(
        (status = 200, description = "The application", body = Application, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_application(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
) -> ApiResult<Tagged<Application>> {
    caller.read(&agency, "application", format!("{agency}/{code}"))?;
    let application = state.store().get_application(&agency, &code).await?;
    Ok(Tagged::ok(application.meta.version, application))
}

/// Change an application (agency admin).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/applications/{application}", tag = "applications",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        crate::openapi::IfMatchHeader),
    request_body = ApplicationSpec,
    responses(
        (status = 200, description = "Changed", body = Application, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_application(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
    IfMatch(version): IfMatch,
    Json(spec): Json<ApplicationSpec>,
) -> ApiResult<Tagged<Application>> {
    caller.write(&agency, "application", format!("{agency}/{code}"))?;
    keep_code(&code, &spec.code, "code")?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_application(&agency, &code, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete an application (agency admin); with services or credentials only with `?cascade=true`.
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}/applications/{application}", tag = "applications",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        DeleteQuery, crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_application(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, code)): Path<(Code, Code)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Query(query): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    caller.write(&agency, "application", format!("{agency}/{code}"))?;
    let change = state.change_by(caller.principal());
    state
        .store()
        .delete_application(&agency, &code, query.mode(version), &change)
        .await?;
    Ok(no_content())
}
