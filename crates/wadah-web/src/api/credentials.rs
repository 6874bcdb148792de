//! `…/applications/{application}/credentials`: how a consuming application proves itself to
//! the gateway. The secret is minted here, shown once in the answer to a creation or rotation,
//! and only its digest is stored; reads never show it. A client certificate (`kind:
//! certificate`) is posted as PEM instead, checked (`wadah_domain::certificate`) and kept as its
//! fingerprint; it has no secret and cannot be rotated. Managed by the agency's admins and by
//! the application's own developers.

use wadah_domain::credential::{Credential, CredentialKind, CredentialSpec, IssuedCredential};
use wadah_domain::secret::{self, SecretKind};
use wadah_store::StoredSecret;

use crate::codes::ErrorCode;

use super::prelude::*;

list_query!(
    /// Query of an application's credential list.
    CredentialQuery {}
);
page_type!(
    /// A page of credentials (never with secrets).
    CredentialPage,
    Credential
);

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/agencies/{agency}/applications/{application}/credentials";
    Router::new()
        .route(base, get(list_credentials).post(create_credential))
        .route(&format!("{base}/{{id}}"), get(get_credential))
        .route(&format!("{base}/{{id}}/rotate"), post(rotate_credential))
        .route(&format!("{base}/{{id}}/revoke"), post(revoke_credential))
}

/// The kind of secret a credential is minted with (`None`: a certificate, which has none).
fn secret_kind(kind: CredentialKind) -> Option<SecretKind> {
    match kind {
        CredentialKind::ApiKey => Some(SecretKind::ApiKey),
        CredentialKind::OauthClient => Some(SecretKind::ClientSecret),
        CredentialKind::Certificate => None,
    }
}

/// The credential `id`, if it belongs to the application in the path (else it is not found).
async fn owned(state: &AppState, agency: &Code, application: &Code, id: &str) -> ApiResult<Credential> {
    let credential = state.store().get_credential(id).await?;
    if credential.agency == *agency && credential.application == *application {
        Ok(credential)
    } else {
        Err(ApiError::not_found("credential", id))
    }
}

/// List an application's credentials.
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/credentials", tag = "credentials",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"), CredentialQuery),
    responses(
        (status = 200, description = "A page of credentials", body = CredentialPage),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_credentials(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application)): Path<(Code, Code)>,
    Query(query): Query<CredentialQuery>,
) -> ApiResult<axum::Json<CredentialPage>> {
    caller.read(&agency, "application", format!("{agency}/{application}"))?;
    let page = query.page()?;
    state.store().get_application(&agency, &application).await?;
    let page = state
        .store()
        .list_credentials(&agency, &application, &page)
        .await
        .map_err(list_error)?;
    Ok(axum::Json(page.into()))
}

/// Issue a credential; the answer is the only time its secret is shown. A `certificate`
/// credential registers the application's client certificate (PEM, the leaf alone) for mTLS
/// on the gateway listener; its answer has no secret.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications/{application}/credentials", tag = "credentials",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg")),
    request_body = CredentialSpec,
    responses(
        (status = 201, description = "Issued; store the secret now", body = IssuedCredential,
            headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application)): Path<(Code, Code)>,
    Json(spec): Json<CredentialSpec>,
) -> ApiResult<Tagged<IssuedCredential>> {
    caller.act_for(
        &agency,
        &application,
        "application",
        format!("{agency}/{application}"),
    )?;
    spec.validate(state.now())?;
    let certificate = spec.client_certificate(state.now())?;
    state.store().get_application(&agency, &application).await?;
    let change = state.change_by(caller.principal());
    let location =
        |id: &str| format!("/api/v1/agencies/{agency}/applications/{application}/credentials/{id}");
    let Some(kind) = secret_kind(spec.kind) else {
        let Some(certificate) = certificate else {
            return Err(ApiError::internal(
                "a certificate credential without its certificate",
            ));
        };
        let credential = state
            .store()
            .create_certificate_credential(&agency, &application, &spec, &certificate, &change)
            .await?;
        let (version, location) = (credential.meta.version, location(&credential.id));
        let body = IssuedCredential {
            credential,
            secret: None,
        };
        return Ok(Tagged::created(version, location, body));
    };
    let issued = secret::issue(kind, state.random());
    let client_id =
        (spec.kind == CredentialKind::OauthClient).then(|| secret::public_id("wdhc_", state.random()));
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    let credential = state
        .store()
        .create_credential(
            &agency,
            &application,
            &spec,
            &stored,
            client_id.as_deref(),
            &change,
        )
        .await?;
    let (version, location) = (credential.meta.version, location(&credential.id));
    let body = IssuedCredential {
        credential,
        secret: Some(issued.plain),
    };
    Ok(Tagged::created(version, location, body))
}

/// Read a credential (without its secret).
#[utoipa::path(get, path = "/api/v1/agencies/{agency}/applications/{application}/credentials/{id}", tag = "credentials",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("id" = String, Path, description = "Credential id")),
    responses(
        (status = 200, description = "The credential", body = Credential, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, id)): Path<(Code, Code, String)>,
) -> ApiResult<Tagged<Credential>> {
    caller.read(&agency, "credential", &id)?;
    let credential = owned(&state, &agency, &application, &id).await?;
    Ok(Tagged::ok(credential.meta.version, credential))
}

/// Replace a credential's secret; the old one stops working at once.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications/{application}/credentials/{id}/rotate",
    tag = "credentials",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("id" = String, Path, description = "Credential id")),
    responses(
        (status = 200, description = "Rotated; store the new secret now", body = IssuedCredential,
            headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn rotate_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, id)): Path<(Code, Code, String)>,
) -> ApiResult<Tagged<IssuedCredential>> {
    caller.act_for(&agency, &application, "credential", &id)?;
    let current = owned(&state, &agency, &application, &id).await?;
    let Some(kind) = secret_kind(current.kind) else {
        return Err(ApiError::new(
            ErrorCode::InvalidState,
            "a certificate has no secret to rotate: register the new certificate as a new \
             credential, then revoke this one",
        ));
    };
    let issued = secret::issue(kind, state.random());
    let stored = StoredSecret {
        digest: issued.digest,
        hint: issued.hint,
    };
    let change = state.change_by(caller.principal());
    let credential = state.store().rotate_credential(&id, &stored, &change).await?;
    let version = credential.meta.version;
    let body = IssuedCredential {
        credential,
        secret: Some(issued.plain),
    };
    Ok(Tagged::ok(version, body))
}

/// Revoke a credential for good.
#[utoipa::path(post, path = "/api/v1/agencies/{agency}/applications/{application}/credentials/{id}/revoke",
    tag = "credentials",
    params(("agency" = Code, Path, description = "Agency code", example = "bpsdm"),
        ("application" = Code, Path, description = "Application code", example = "simpeg"),
        ("id" = String, Path, description = "Credential id")),
    responses(
        (status = 200, description = "Revoked", body = Credential, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn revoke_credential(
    State(state): State<AppState>,
    caller: Caller,
    Path((agency, application, id)): Path<(Code, Code, String)>,
) -> ApiResult<Tagged<Credential>> {
    caller.act_for(&agency, &application, "credential", &id)?;
    owned(&state, &agency, &application, &id).await?;
    let change = state.change_by(caller.principal());
    let credential = state.store().revoke_credential(&id, &change).await?;
    Ok(Tagged::ok(credential.meta.version, credential))
}
