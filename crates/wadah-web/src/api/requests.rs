//! `/api/v1/access-requests`: a consumer's request for a right, with purpose and legal basis.
//! Made on behalf of one application (its agency's admins or its developers), for a service the
//! requester can see; decided by the provider's admins (approval grants the right in the same
//! transaction); withdrawn by the consumer side.

use wadah_domain::access::{AccessRequest, AccessRequestSpec, Decision, RequestStatus};
use wadah_domain::service::{ServiceRef, Visibility};
use wadah_store::AccessFilter;

use super::access::{ensure_provider_admin, ensure_visible, involving};
use super::prelude::*;

list_query!(
    /// Query of the access request list.
    AccessRequestQuery {
        /// Only requests where this agency provides or consumes.
        involving: Option<Code>,
        /// Only requests for services of this agency.
        provider: Option<Code>,
        /// Only requests of consumers of this agency.
        consumer_agency: Option<Code>,
        /// Only requests of this consuming application.
        consumer_application: Option<Code>,
        /// Only requests in this state.
        status: Option<RequestStatus>,
    }
);
page_type!(
    /// A page of access requests.
    AccessRequestPage,
    AccessRequest
);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/access-requests", get(list_requests).post(create_request))
        .route("/api/v1/access-requests/{id}", get(get_request))
        .route("/api/v1/access-requests/{id}/decision", post(decide_request))
        .route("/api/v1/access-requests/{id}/withdraw", post(withdraw_request))
}

/// List the access requests that involve the agencies the caller may see.
#[utoipa::path(get, path = "/api/v1/access-requests", tag = "access-requests",
    params(AccessRequestQuery),
    responses((status = 200, description = "A page of access requests", body = AccessRequestPage)),
    security(("bearer" = [])))]
pub async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AccessRequestQuery>,
) -> ApiResult<axum::Json<AccessRequestPage>> {
    let page = query.page()?;
    let Some(involving) = involving(&caller, query.involving) else {
        return Ok(axum::Json(AccessRequestPage::empty()));
    };
    let filter = AccessFilter {
        involving,
        provider: query.provider,
        consumer_agency: query.consumer_agency,
        consumer_application: query.consumer_application,
        status: query.status,
        ..AccessFilter::default()
    };
    let page = state
        .store()
        .list_requests(&filter, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// The service a request names, if the requesting agency may see it; else a 422 that does not
/// say whether it exists.
async fn requestable(state: &AppState, service: &ServiceRef, consumer: &Code) -> ApiResult<()> {
    let unknown = || ApiError::validation("service", format!("service: no published service {service}"));
    match state.store().get_service(service).await {
        Ok(s) if s.spec.visibility == Visibility::Public || s.agency == *consumer => Ok(()),
        Ok(_) | Err(wadah_store::StoreError::NotFound { .. }) => Err(unknown()),
        Err(e) => Err(e.into()),
    }
}

/// Ask for access on behalf of one application.
#[utoipa::path(post, path = "/api/v1/access-requests", tag = "access-requests",
    request_body = AccessRequestSpec,
    responses(
        (status = 201, description = "Requested", body = AccessRequest, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<AccessRequestSpec>,
) -> ApiResult<Tagged<AccessRequest>> {
    spec.validate()?;
    let consumer = &spec.consumer.agency;
    let application = spec
        .consumer
        .application
        .as_ref()
        .ok_or_else(|| ApiError::validation("consumer", "name the requesting application"))?;
    caller.act_for(
        consumer,
        application,
        "application",
        format!("{consumer}/{application}"),
    )?;
    requestable(&state, &spec.service, consumer).await?;
    let created = state
        .store()
        .create_request(&spec, &state.change_by(caller.principal()))
        .await?;
    let location = format!("/api/v1/access-requests/{}", created.id);
    Ok(Tagged::created(created.meta.version, location, created))
}

/// Read an access request.
#[utoipa::path(get, path = "/api/v1/access-requests/{id}", tag = "access-requests",
    params(("id" = String, Path, description = "Access request id")),
    responses(
        (status = 200, description = "The access request", body = AccessRequest, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Tagged<AccessRequest>> {
    let request = state.store().get_request(&id).await?;
    ensure_visible(
        &caller,
        &request.spec.service.agency,
        &request.spec.consumer.agency,
        "access request",
        &id,
    )?;
    Ok(Tagged::ok(request.meta.version, request))
}

/// Approve (granting the right) or reject (with a reason) a pending request: the provider's admin.
#[utoipa::path(post, path = "/api/v1/access-requests/{id}/decision", tag = "access-requests",
    params(("id" = String, Path, description = "Access request id")),
    request_body = Decision,
    responses(
        (status = 200, description = "Decided", body = AccessRequest, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn decide_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(decision): Json<Decision>,
) -> ApiResult<Tagged<AccessRequest>> {
    let request = state.store().get_request(&id).await?;
    let (provider, consumer) = (&request.spec.service.agency, &request.spec.consumer.agency);
    ensure_provider_admin(&caller, provider, consumer, "access request", &id)?;
    decision.validate()?;
    let change = state.change_by(caller.principal());
    let decided = state.store().decide_request(&id, &decision, &change).await?;
    Ok(Tagged::ok(decided.meta.version, decided))
}

/// Withdraw a pending request: the consumer side.
#[utoipa::path(post, path = "/api/v1/access-requests/{id}/withdraw", tag = "access-requests",
    params(("id" = String, Path, description = "Access request id")),
    responses(
        (status = 200, description = "Withdrawn", body = AccessRequest, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn withdraw_request(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Tagged<AccessRequest>> {
    let request = state.store().get_request(&id).await?;
    let (provider, consumer) = (&request.spec.service.agency, &request.spec.consumer.agency);
    ensure_visible(&caller, provider, consumer, "access request", &id)?;
    let allowed = request
        .spec
        .consumer
        .application
        .as_ref()
        .is_some_and(|app| caller.principal().can_act_for_application(consumer, app));
    if !allowed {
        return Err(caller.denied("withdraw requests of another application"));
    }
    let change = state.change_by(caller.principal());
    let withdrawn = state.store().withdraw_request(&id, &change).await?;
    Ok(Tagged::ok(withdrawn.meta.version, withdrawn))
}
