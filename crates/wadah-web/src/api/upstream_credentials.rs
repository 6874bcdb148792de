//! `…/services/{service}/upstream-credential`: how the gateway authenticates to the service's
//! upstream (static header, HTTP Basic, or OAuth2 client credentials; how a city reaches the
//! national SPLP). Write-only for secrets: the secret is sealed here with the node's master
//! key, bound to the service, and no answer ever shows it, sealed or not. Set and removed by
//! the owning agency's admins (or the platform admin); read within the caller's scope.

use wadah_domain::service::ServiceRef;
use wadah_domain::upstream::{UpstreamCredential, UpstreamCredentialSpec, seal_context};

use super::prelude::*;

const PATH: &str =
    "/api/v1/agencies/{agency}/applications/{application}/services/{service}/upstream-credential";

pub fn routes() -> Router<AppState> {
    Router::new().route(
        PATH,
        get(get_upstream_credential)
            .put(set_upstream_credential)
            .delete(delete_upstream_credential),
    )
}

fn service_ref(agency: Code, application: Code, service: Code) -> ServiceRef {
    ServiceRef {
        agency,
        application,
        service,
    }
}

/// The service's upstream credential, without its secret.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}/upstream-credential",
    tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai")),
    responses(
        (status = 200, description = "Kind, non-secret fields and when it was set", body = UpstreamCredential,
            headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_upstream_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
) -> ApiResult<Tagged<UpstreamCredential>> {
    let key = service_ref(agency, application, code);
    caller.read(&key.agency, "service", &key)?;
    let credential = state
        .store()
        .get_upstream_credential(&key)
        .await?
        .ok_or_else(|| ApiError::not_found("upstream credential of service", &key))?;
    Ok(Tagged::ok(credential.meta.version, credential))
}

/// Set or replace the service's upstream credential (agency admin). The secret is sealed at
/// rest and never shown again.
#[utoipa::path(put, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}/upstream-credential",
    tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai")),
    request_body = UpstreamCredentialSpec,
    responses(
        (status = 200, description = "Set; the answer has no secret", body = UpstreamCredential,
            headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn set_upstream_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
    Json(spec): Json<UpstreamCredentialSpec>,
) -> ApiResult<Tagged<UpstreamCredential>> {
    let key = service_ref(agency, application, code);
    caller.write(&key.agency, "service", &key)?;
    let (public, secret) = spec.split()?;
    let sealed = state
        .keys()
        .seal(secret.as_bytes(), &seal_context(&key))
        .map_err(ApiError::internal)?;
    let change = state.change_by(caller.principal());
    let credential = state
        .store()
        .set_upstream_credential(&key, &public, &sealed, &change)
        .await?;
    Ok(Tagged::ok(credential.meta.version, credential))
}

/// Remove the service's upstream credential (agency admin); calls go out without one.
#[utoipa::path(delete, path = "/api/v1/agencies/{agency}/applications/{application}/services/{service}/upstream-credential",
    tag = "services",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("service" = Code, Path, description = "Service code", example = "pegawai")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn delete_upstream_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, code)): Path<(Code, Code, Code)>,
) -> ApiResult<StatusCode> {
    let key = service_ref(agency, application, code);
    caller.write(&key.agency, "service", &key)?;
    let change = state.change_by(caller.principal());
    state.store().delete_upstream_credential(&key, &change).await?;
    Ok(no_content())
}
