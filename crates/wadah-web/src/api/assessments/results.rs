//! What an assessment adds up to: the results (JSON), the printable report (HTML), the export
//! (XLSX) and the platform's evidence suggestions, applied only when a person confirms one.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::{Assessment, EvidenceItem, EvidenceSource};
use wadah_domain::index::assessment_policy::AssessmentAction;
use wadah_domain::index::results::{self, AssessmentResults, Body};
use wadah_domain::index::suggest::{Suggestion, suggest};
use wadah_store::FileChanges;

use super::workflow::{AssessmentView, save};
use super::{assessment_error, load};
use crate::api::prelude::*;
use crate::portal::Lang;
use crate::spbe;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/assessments/{id}/results", get(get_results))
        .route("/api/v1/assessments/{id}/report", get(get_report))
        .route("/api/v1/assessments/{id}/export.xlsx", get(export_xlsx))
        .route("/api/v1/assessments/{id}/suggestions", get(list_suggestions))
        .route(
            "/api/v1/assessments/{id}/suggestions/{number}",
            post(apply_suggestion),
        )
}

/// The results of `assessment`, with the government's name and kind from the registry.
pub(crate) async fn compute(
    state: &AppState,
    assessment: &Assessment,
    instrument: &Instrument,
) -> ApiResult<AssessmentResults> {
    let government = state.store().get_government(&assessment.spec.government).await?;
    let body = Body {
        name: government.spec.name.as_str(),
        kind: government.spec.kind,
    };
    results::compute(assessment, instrument, &body).map_err(ApiError::internal)
}

/// Index, predikat, domain and aspect figures of the self-assessment and (once complete) the
/// evaluator, per-indicator levels, history (published years and this one) and peers.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/results", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "The results", body = AssessmentResults),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_results(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<AssessmentResults>> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    Ok(axum::Json(compute(&state, &assessment, &instrument).await?))
}

/// The results as a printable HTML report (language from `Accept-Language`). Served behind the
/// admin API token until the console signs people in.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/report", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "The report", content_type = "text/html", body = String),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    lang: Lang,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    let results = compute(&state, &assessment, &instrument).await?;
    let html = spbe::report::render(&results, lang, instrument.max_level).map_err(ApiError::internal)?;
    let mut response = html.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&spbe::report::CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The assessment as XLSX in the evaluators' layout.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/export.xlsx", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "The workbook",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn export_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    let results = compute(&state, &assessment, &instrument).await?;
    let bytes = spbe::xlsx::workbook(&assessment, &instrument, &results).map_err(ApiError::internal)?;
    let name = format!(
        "attachment; filename=\"indeks-spbe-{}-{}.xlsx\"",
        assessment.spec.government, assessment.spec.year
    );
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

/// The platform's suggestions.
#[derive(Debug, Serialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
    pub next: Option<String>,
}

async fn suggestions(
    state: &AppState,
    assessment: &Assessment,
    instrument: &Instrument,
) -> ApiResult<Vec<Suggestion>> {
    let facts = spbe::facts::gather(state.store(), &assessment.spec.government, state.now()).await?;
    Ok(suggest(instrument, &facts))
}

/// Evidence the platform observed itself (gateway connections, rights, traffic, registered
/// applications), per indicator, with the facts behind it. Nothing is applied until someone
/// confirms a suggestion.
#[utoipa::path(get, path = "/api/v1/assessments/{id}/suggestions", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "Suggestions", body = SuggestionList),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn list_suggestions(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<SuggestionList>> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    let items = suggestions(&state, &assessment, &instrument).await?;
    Ok(axum::Json(SuggestionList { items, next: None }))
}

/// Confirm the platform's suggestion for one indicator (platform admin, draft): its facts, as
/// they are now, become an evidence item for the levels they support, and a suggested level
/// becomes the claim when the indicator has none yet (an existing claim is never changed).
#[utoipa::path(post, path = "/api/v1/assessments/{id}/suggestions/{number}", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number"), crate::openapi::IfMatchHeader),
    responses((status = 200, description = "Applied", body = AssessmentView, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::ValidationFailed),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn apply_suggestion(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, u32)>,
    IfMatch(version): IfMatch,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Edit).await?;
    // The evidence item is named after the version it was confirmed at, so a stale confirmation
    // must be refused as stale before it is applied (it would otherwise look like a duplicate).
    if assessment.meta.version != version {
        return Err(wadah_store::StoreError::StaleVersion {
            kind: "assessment",
            key: id,
            expected: version,
            actual: assessment.meta.version,
        }
        .into());
    }
    let suggestion = suggestions(&state, &assessment, &instrument)
        .await?
        .into_iter()
        .find(|s| s.indicator == number)
        .ok_or_else(|| ApiError::not_found("suggestion for indicator", number))?;
    if suggestion.evidence_levels.is_empty() {
        return Err(ApiError::validation(
            "indicator",
            format!(
                "indicator {number}: the platform's facts support no level here ({})",
                suggestion.limits
            ),
        ));
    }
    let item = EvidenceItem {
        id: format!("platform-{}", version),
        levels: suggestion.evidence_levels.clone(),
        source: EvidenceSource::Platform {
            facts: suggestion.facts.clone(),
        },
        added_by: caller.username().to_owned(),
    };
    assessment.add_evidence(number, item).map_err(assessment_error)?;
    if let Some(level) = suggestion.suggested_level {
        let entry = assessment.entry(number).map_err(assessment_error)?;
        if entry.claimed_level.is_none() {
            let claim = wadah_domain::index::assessment::ClaimSpec {
                claimed_level: Some(level),
                justification: entry.justification.clone(),
                responsible: entry.responsible.clone(),
            };
            assessment
                .set_claim(&instrument, number, claim)
                .map_err(assessment_error)?;
        }
    }
    let saved = save(&state, &caller, &assessment, version, &FileChanges::default()).await?;
    Ok(super::workflow::tagged(saved))
}
