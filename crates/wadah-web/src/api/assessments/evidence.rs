//! Evidence on an indicator: links, uploaded files (checked by size and by content, kept in
//! the store under their SHA-256) and their removal; downloads for every reader.
//!
//! An upload is the raw file as the body (`Content-Type` as the client knows it), with the
//! name and the supported levels in the query: no multipart parser is needed, and the body
//! limit is the evidence limit (10 MiB) for this one route only.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::{IntoParams, ToSchema};
use wadah_domain::application::WebUrl;
use wadah_domain::index::assessment::{EvidenceFile, EvidenceItem, EvidenceSource, check_evidence_levels};
use wadah_domain::index::assessment_policy::AssessmentAction;
use wadah_domain::index::evidence_file::{MAX_EVIDENCE_BYTES, UploadError, check_upload, clean_file_name};
use wadah_store::FileChanges;

use super::workflow::{AssessmentView, save, tagged};
use super::{assessment_error, load};
use crate::api::prelude::*;
use crate::codes::ErrorCode;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/assessments/{id}/indicators/{number}/links",
            post(add_link),
        )
        .route(
            "/api/v1/assessments/{id}/indicators/{number}/files",
            post(upload_file),
        )
        .route(
            "/api/v1/assessments/{id}/indicators/{number}/evidence/{item}",
            axum::routing::delete(remove_evidence),
        )
        .route("/api/v1/assessments/{id}/files/{sha256}", get(download_file))
}

/// A link as evidence.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkSpec {
    pub url: WebUrl,
    /// What the document is (at most 300 characters).
    pub title: wadah_domain::text::Line,
    /// The levels it supports.
    pub levels: Vec<u8>,
}

/// The name and levels of an uploaded file.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The file name to show (a path is cut to its last part).
    pub name: String,
    /// The levels it supports, comma-separated (`1,2,3`).
    pub levels: String,
}

fn new_item_id(state: &AppState) -> String {
    let mut bytes = [0u8; 8];
    state.random().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn parse_levels(raw: &str, max: u8) -> ApiResult<Vec<u8>> {
    let levels: Result<Vec<u8>, _> = raw.split(',').map(|l| l.trim().parse::<u8>()).collect();
    let levels =
        levels.map_err(|_| ApiError::validation("levels", "levels: give the supported levels as `1,2,3`"))?;
    Ok(check_evidence_levels(&levels, max)?)
}

/// Add a link as evidence (platform admin, draft).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/indicators/{number}/links", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number"), crate::openapi::IfMatchHeader),
    request_body = LinkSpec,
    responses((status = 201, description = "Added", body = AssessmentView, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn add_link(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, u32)>,
    IfMatch(version): IfMatch,
    Json(spec): Json<LinkSpec>,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Edit).await?;
    let item = EvidenceItem {
        id: new_item_id(&state),
        levels: check_evidence_levels(&spec.levels, instrument.max_level)?,
        source: EvidenceSource::Link {
            url: spec.url,
            title: spec.title.as_str().to_owned(),
        },
        added_by: caller.username().to_owned(),
    };
    let location = format!(
        "/api/v1/assessments/{id}/indicators/{number}/evidence/{}",
        item.id
    );
    assessment.add_evidence(number, item).map_err(assessment_error)?;
    let saved = save(&state, &caller, &assessment, version, &FileChanges::default()).await?;
    Ok(Tagged::created(saved.meta.version, location, saved.into()))
}

fn upload_error(e: UploadError) -> ApiError {
    match e {
        UploadError::TooLarge => ApiError::new(ErrorCode::PayloadTooLarge, e.to_string()),
        UploadError::UnsupportedType | UploadError::Mismatch { .. } => {
            ApiError::new(ErrorCode::UnsupportedMediaType, e.to_string())
        }
        UploadError::Empty => ApiError::validation("body", e.to_string()),
        UploadError::Invalid(v) => v.into(),
    }
}

/// Upload a file as evidence (platform admin, draft): the raw file as the body, at most
/// 10 MiB, PDF, PNG, JPEG, DOCX or XLSX as its content shows (a declared `Content-Type` that
/// contradicts the content is refused with 415).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/indicators/{number}/files", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number"), UploadQuery, crate::openapi::IfMatchHeader),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, description = "Added", body = AssessmentView, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn upload_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, u32)>,
    Query(query): Query<UploadQuery>,
    IfMatch(version): IfMatch,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Edit).await?;
    let levels = parse_levels(&query.levels, instrument.max_level)?;
    let name = clean_file_name(&query.name)?;
    // One byte over the limit is enough to know the file is too large.
    let bytes = axum::body::to_bytes(body, MAX_EVIDENCE_BYTES + 1)
        .await
        .map_err(|_| upload_error(UploadError::TooLarge))?;
    let declared = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let kind = check_upload(declared, &bytes).map_err(upload_error)?;
    let sha256: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let file = EvidenceFile {
        name,
        media_type: kind.media_type().to_owned(),
        size: bytes.len() as u64,
        sha256: sha256.clone(),
    };
    let item = EvidenceItem {
        id: new_item_id(&state),
        levels,
        source: EvidenceSource::File(file.clone()),
        added_by: caller.username().to_owned(),
    };
    assessment.add_evidence(number, item).map_err(assessment_error)?;
    let files = FileChanges {
        add: vec![(&file, &bytes[..])],
        remove: Vec::new(),
    };
    let saved = save(&state, &caller, &assessment, version, &files).await?;
    let location = format!("/api/v1/assessments/{id}/files/{sha256}");
    Ok(Tagged::created(saved.meta.version, location, saved.into()))
}

/// Remove an evidence item (platform admin, draft); its file goes too when nothing else uses it.
#[utoipa::path(delete, path = "/api/v1/assessments/{id}/indicators/{number}/evidence/{item}", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number"),
        ("item" = String, Path, description = "Evidence item id"), crate::openapi::IfMatchHeader),
    responses((status = 200, description = "Removed", body = AssessmentView, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn remove_evidence(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number, item)): Path<(String, u32, String)>,
    IfMatch(version): IfMatch,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, _) = load(&state, &caller, &id, AssessmentAction::Edit).await?;
    let removed = assessment
        .remove_evidence(number, &item)
        .map_err(assessment_error)?;
    let mut files = FileChanges::default();
    if let EvidenceSource::File(f) = &removed.source
        && !assessment.uses_file(&f.sha256)
    {
        files.remove.push(f.sha256.clone());
    }
    let saved = save(&state, &caller, &assessment, version, &files).await?;
    Ok(tagged(saved))
}

/// Download an evidence file (every reader of the assessment). Served as an attachment with
/// its checked type, `nosniff` and a sandboxing CSP, so a document never runs in the API's
/// origin.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/files/{sha256}", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("sha256" = String, Path, description = "The file's SHA-256 (hex)")),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn download_file(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, sha256)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (assessment, _) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    let file = assessment
        .indicators
        .iter()
        .flat_map(|e| &e.evidence)
        .find_map(|e| match &e.source {
            EvidenceSource::File(f) if f.sha256 == sha256 => Some(f.clone()),
            _ => None,
        })
        .ok_or_else(|| ApiError::not_found("evidence file", &sha256))?;
    let bytes = state.store().evidence_file_bytes(&id, &sha256).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.name.replace(|c: char| !c.is_ascii() || c == '\\', "_")
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let set = [
        (header::CONTENT_TYPE, HeaderValue::from_str(&file.media_type).ok()),
        (
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition).ok(),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            Some(HeaderValue::from_static("nosniff")),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            Some(HeaderValue::from_static("sandbox; default-src 'none'")),
        ),
    ];
    for (name, value) in set {
        if let Some(v) = value {
            headers.insert(name, v);
        }
    }
    Ok(response)
}
