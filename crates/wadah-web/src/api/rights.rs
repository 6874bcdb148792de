//! `/api/v1/access-rights`: grants from a providing agency to a consumer (an agency or one of
//! its applications) for one service. Deny by default: without a right, the gateway refuses.
//! Visible to both sides; created, changed and deleted by the provider's admins.

use wadah_domain::access::{AccessRight, AccessRightSpec};
use wadah_store::AccessFilter;

use super::access::{ensure_may_grant, ensure_provider_admin, ensure_visible, involving};
use super::prelude::*;

list_query!(
    /// Query of the access right list.
    AccessRightQuery {
        /// Only rights where this agency provides or consumes.
        involving: Option<Code>,
        /// Only rights to services of this agency.
        provider: Option<Code>,
        /// Only rights of consumers of this agency.
        consumer_agency: Option<Code>,
        /// Only rights of this consuming application.
        consumer_application: Option<Code>,
    }
);
page_type!(
    /// A page of access rights.
    AccessRightPage,
    AccessRight
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/access-rights", get(list_rights).post(create_right))
        .route(
            "/api/v1/access-rights/{id}",
            get(get_right).put(update_right).delete(delete_right),
        )
}

/// List the access rights that involve the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/access-rights", tag = "access-rights",
    params(AccessRightQuery),
    responses((status = 200, description = "A page of access rights", body = AccessRightPage)),
    security(("bearer" = [])))]
pub async fn list_rights(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AccessRightQuery>,
) -> ApiResult<axum::Json<AccessRightPage>> {
    let page = query.page()?;
    let Some(involving) = involving(&caller, query.involving) else {
        return Ok(axum::Json(AccessRightPage::empty()));
    };
    let filter = AccessFilter {
        involving,
        provider: query.provider,
        consumer_agency: query.consumer_agency,
        consumer_application: query.consumer_application,
        ..AccessFilter::default()
    };
    let page = state
        .store()
        .list_rights(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Grant a right (the provider's admin).
#[utoipa::path(post, path = "/api/v1/access-rights", tag = "access-rights",
    request_body = AccessRightSpec,
    responses(
        (status = 201, description = "Granted", body = AccessRight, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_right(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<AccessRightSpec>,
) -> ApiResult<Tagged<AccessRight>> {
    ensure_may_grant(&caller, &spec.service)?;
    spec.validate()?;
    let right = state
        .store()
        .create_right(&spec, &state.change_by(caller.principal()))
        .await?;
    let location = format!("/api/v1/access-rights/{}", right.id);
    Ok(Tagged::created(right.meta.version, location, right))
}

/// Read an access right.
#[utoipa::path(get, path = "/api/v1/access-rights/{id}", tag = "access-rights",
    params(("id" = String, Path, description = "Access right id")),
    responses(
        (status = 200, description = "The access right", body = AccessRight, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_right(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Tagged<AccessRight>> {
    let right = state.store().get_right(&id).await?;
    ensure_visible(
        &caller,
        &right.spec.service.agency,
        &right.spec.consumer.agency,
        "access right",
        &id,
    )?;
    Ok(Tagged::ok(right.meta.version, right))
}

/// Change an access right (the provider's admin).
#[utoipa::path(put, path = "/api/v1/access-rights/{id}", tag = "access-rights",
    params(("id" = String, Path, description = "Access right id"), crate::openapi::IfMatchHeader),
    request_body = AccessRightSpec,
    responses(
        (status = 200, description = "Changed", body = AccessRight, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn update_right(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    Json(spec): Json<AccessRightSpec>,
) -> ApiResult<Tagged<AccessRight>> {
    let current = state.store().get_right(&id).await?;
    let (provider, consumer) = (&current.spec.service.agency, &current.spec.consumer.agency);
    ensure_provider_admin(&caller, provider, consumer, "access right", &id)?;
    ensure_may_grant(&caller, &spec.service)?;
    spec.validate()?;
    let change = state.change_by(caller.principal());
    let updated = state.store().update_right(&id, &spec, version, &change).await?;
    Ok(Tagged::ok(updated.meta.version, updated))
}

/// Withdraw an access right (the provider's admin).
#[utoipa::path(delete, path = "/api/v1/access-rights/{id}", tag = "access-rights",
    params(("id" = String, Path, description = "Access right id"), crate::openapi::OptionalIfMatchHeader),
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn delete_right(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    MaybeIfMatch(version): MaybeIfMatch,
) -> ApiResult<StatusCode> {
    let current = state.store().get_right(&id).await?;
    let (provider, consumer) = (&current.spec.service.agency, &current.spec.consumer.agency);
    ensure_provider_admin(&caller, provider, consumer, "access right", &id)?;
    let mode = DeleteMode {
        expected_version: version,
        cascade: false,
    };
    state
        .store()
        .delete_right(&id, mode, &state.change_by(caller.principal()))
        .await?;
    Ok(no_content())
}
