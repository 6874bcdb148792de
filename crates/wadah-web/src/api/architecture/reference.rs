//! Reference codes: everyone signed in reads the catalogue (national and the government's
//! local codes); the platform admin adds local codes, each under a known parent, and imports
//! fuller national lists (levels 1–2) from the annex.

use wadah_domain::architecture::reference::parse_national_file;
use wadah_domain::architecture::{LocalRefCodeSpec, RefEntry};

use super::super::prelude::*;
use super::checks;

/// The catalogue of one government.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RefCodeList {
    pub items: Vec<RefEntry>,
}

/// A national reference file, the shape of the shipped `referensi-arsitektur.json`.
#[derive(Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
pub struct NationalFile {
    /// `{"code": "RAD.01", "name": "…", "level": 1}` entries.
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<serde_json::Value>,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/architecture/reference-codes/national",
            post(import_national),
        )
        .route(
            "/api/v1/architecture/reference-codes/{government}",
            get(list_codes).post(create_local_code),
        )
}

/// The reference codes a government's architecture may use.
#[utoipa::path(get, path = "/api/v1/architecture/reference-codes/{government}", tag = "architecture",
    params(("government" = Code, Path, description = "Government code", example = "bontang")),
    responses(
        (status = 200, description = "National and local codes", body = RefCodeList),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_codes(
    State(state): State<AppState>,
    _caller: Caller,
    Path(government): Path<Code>,
) -> ApiResult<axum::Json<RefCodeList>> {
    state.store().get_government(&government).await?;
    let catalog = checks::catalog(&state, &government).await?;
    Ok(axum::Json(RefCodeList {
        items: catalog.entries().cloned().collect(),
    }))
}

/// Define a local code (level 3 or deeper) under a known parent (platform admin).
#[utoipa::path(post, path = "/api/v1/architecture/reference-codes/{government}", tag = "architecture",
    params(("government" = Code, Path, description = "Government code", example = "bontang")),
    request_body = LocalRefCodeSpec,
    responses(
        (status = 201, description = "Created", body = RefEntry),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_local_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(government): Path<Code>,
    Json(spec): Json<LocalRefCodeSpec>,
) -> ApiResult<(StatusCode, axum::Json<RefEntry>)> {
    caller.manage_platform()?;
    state.store().get_government(&government).await?;
    let entry = checks::catalog(&state, &government).await?.check_local(&spec)?;
    let change = state.change_by(caller.principal());
    state
        .store()
        .add_ref_codes(Some(&government), std::slice::from_ref(&entry), &change)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(entry)))
}

/// Import national codes (levels 1–2) from a fuller copy of the annex (platform admin).
#[utoipa::path(post, path = "/api/v1/architecture/reference-codes/national", tag = "architecture",
    request_body = NationalFile,
    responses(
        (status = 200, description = "The codes imported", body = RefCodeList),
        (status = 403, response = crate::openapi::Forbidden)),
    security(("bearer" = [])))]
pub async fn import_national(
    State(state): State<AppState>,
    caller: Caller,
    Json(file): Json<NationalFile>,
) -> ApiResult<axum::Json<RefCodeList>> {
    caller.manage_platform()?;
    let raw = serde_json::to_string(&file).map_err(ApiError::internal)?;
    let imported = state.store().list_ref_codes(None).await?;
    let known = wadah_domain::architecture::ReferenceCatalog::build(&imported, &[])
        .map_err(|e| ApiError::internal(format!("stored reference codes: {e}")))?;
    let entries = parse_national_file(&raw, &known)?;
    let change = state.change_by(caller.principal());
    state.store().add_ref_codes(None, &entries, &change).await?;
    Ok(axum::Json(RefCodeList { items: entries }))
}
