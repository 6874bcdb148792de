//! `/api/v1/agencies/{agency}/applications/{application}/services`: the APIs an application
//! provides through the gateway, with their upstream URL and OpenAPI document. Readable within
//! the caller's scope; changed by the agency's admins.

use axum::http::header;
use axum::response::IntoResponse;
use wadah_domain::service::{Service, ServiceRef, ServiceSpec};

use super::prelude::*;

list_query!(
    /// Query of an application's service list.
    ServiceQuery {}
);
page_type!(
    /// A page of services.
    ServicePage,
    Service
);

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/agencies/{agency}/applications/{application}/services";
    Router::new()
        .route(base, get(list_services).post(create_service))
        .route(
            &format!("{base}/{{service}}"),
            get(get_service).put(update_service).delete(delete_service),
        )
        .route(&format!("{base}/{{service}}/openapi"), get(get_service_openapi))
}

fn service_ref(agency: Code, application: Code, service: Code) -> ServiceRef {
    ServiceRef {
        agency,
        application,
        service,
    }
}

/// List an application's services.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/services", tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"), ServiceQuery),
    responses(
        (status = 200, description = "A page of services", body = ServicePage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_services(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application)): Path<(Code, Code)>,
    Query(query): Query<ServiceQuery>,
) -> ApiResult<axum::Json<ServicePage>> {
    caller.read(&agency, "application", format!("{agency}/{application}"))?;
    let page = query.page()?;
    state.store().get_application(&agency, &application).await?;
    let page = state
        .store()
        .list_services(&agency, &application, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Register a service of the application (agency admin).
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications/{application}/services", tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg")),
    request_body = ServiceSpec,
    responses(
        (status = 201, description = "Created", body = Service, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application)): Path<(Code, Code)>,
    Json(spec): Json<ServiceSpec>,
) -> ApiResult<Tagged<Service>> {
    caller.write(&agency, "application", format!("{agency}/{application}"))?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let created = state
        .store()
        .create_service(&agency, &application, &spec, &change)
        .await?;
    let location = format!(
        "/api/v1/agencies/{agency}/applications/{application}/services/{}",
        created.spec.code
    );
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read a service.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}", tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai")),
    responses(
        (status = 200, description = "The service", body = Service, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
) -> ApiResult<Tagged<Service>> {
    let key = service_ref(agency, application, code);
    caller.read(&key.agency, "service", &key)?;
    let service = state.store().get_service(&key).await?;
    Ok(Tagged::ok(service.meta.version, service))
}

/// The service's OpenAPI document, verbatim, as JSON or YAML.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}/openapi",
    tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai")),
    responses(
        (status = 200, description = "The document as the provider supplied it",
            content((Object = "application/json"), (Object = "application/yaml"))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_service_openapi(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
) -> ApiResult<axum::response::Response> {
    let key = service_ref(agency, application, code);
    caller.read(&key.agency, "service", &key)?;
    let service = state.store().get_service(&key).await?;
    let document = service
        .spec
        .openapi
        .ok_or_else(|| ApiError::not_found("OpenAPI document of service", &key))?;
    let media_type = document.media_type();
    Ok(([(header::CONTENT_TYPE, media_type)], String::from(document)).into_response())
}

/// Change a service (agency admin).
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}", tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai"),
        crate::openapi::IfMatchHeader),
    request_body = ServiceSpec,
    responses(
        (status = 200, description = "Changed", body = Service, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
    IfMatch(version): IfMatch,
    Json(spec): Json<ServiceSpec>,
) -> ApiResult<Tagged<Service>> {
    let key = service_ref(agency, application, code);
    caller.write(&key.agency, "service", &key)?;
    keep_code(&key.service, &spec.code, "code")?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let updated = state
        .store()
        .update_service(&key, &spec, version, &change)
        .await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Delete a service (agency admin); with access rights only with `?cascade=true`.
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}", tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai"),
        DeleteQuery, crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_service(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
    MaybeIfMatch(version): MaybeIfMatch,
    Query(query): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    let key = service_ref(agency, application, code);
    caller.write(&key.agency, "service", &key)?;
    let change = state.change_by(caller.principal());
    state
        .store()
        .delete_service(&key, query.mode(version), &change)
        .await?;
    Ok(no_content())
}
