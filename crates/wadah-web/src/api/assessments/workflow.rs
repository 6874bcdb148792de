//! Creating, reading and listing assessments, the claims, the evaluator's levels and the
//! workflow moves. Each handler: check the role, load, let the domain apply the change (it
//! refuses what the rules forbid), save under `If-Match`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wadah_domain::index::assessment::{
    Assessment, AssessmentError, AssessmentSpec, AssessmentStatus, ClaimSpec, EvaluationSpec,
};
use wadah_domain::index::assessment_policy::AssessmentAction;
use wadah_store::{AssessmentFilter, FileChanges};

use super::{allow, assessment_error, load};
use crate::api::prelude::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/assessments",
            get(list_assessments).post(create_assessment),
        )
        .route("/api/v1/assessments/{id}", get(get_assessment))
        .route(
            "/api/v1/assessments/{id}/indicators/{number}",
            axum::routing::put(set_claim),
        )
        .route(
            "/api/v1/assessments/{id}/indicators/{number}/evaluation",
            axum::routing::put(set_evaluation),
        )
        .route("/api/v1/assessments/{id}/transitions", post(move_assessment))
}

list_query!(
    /// Filters of the assessment list (`q` searches the government code and the instrument).
    AssessmentQuery {
        /// Only this government's.
        government: Option<Code>,
        /// Only this year's.
        year: Option<u16>,
    }
);

/// A page of assessments, newest year first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentList {
    pub items: Vec<AssessmentSummary>,
    /// Pass as `?cursor=` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// The list's sort key: newest year first, then government, instrument and id.
fn sort_key(a: &Assessment) -> String {
    format!(
        "{:04}/{}/{}/{}",
        9999u16.saturating_sub(a.spec.year),
        a.spec.government,
        a.spec.instrument,
        a.id
    )
}

/// An assessment without its indicators.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentSummary {
    pub id: String,
    #[serde(flatten)]
    pub spec: AssessmentSpec,
    pub status: AssessmentStatus,
    /// Indicators with a claimed level.
    pub claimed: usize,
    pub indicators: usize,
    pub meta: wadah_domain::Meta,
}

/// One assessment as the API shows it: the stored document plus the evidence gaps.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentView {
    #[serde(flatten)]
    pub assessment: Assessment,
    /// Indicators whose claim lacks evidence, with the levels that lack it.
    pub evidence_gaps: Vec<EvidenceGap>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceGap {
    pub indicator: u32,
    pub levels: Vec<u8>,
}

impl From<Assessment> for AssessmentView {
    fn from(assessment: Assessment) -> Self {
        let evidence_gaps = assessment
            .evidence_gaps()
            .into_iter()
            .map(|(indicator, levels)| EvidenceGap { indicator, levels })
            .collect();
        Self {
            assessment,
            evidence_gaps,
        }
    }
}

pub(crate) fn tagged(assessment: Assessment) -> Tagged<AssessmentView> {
    Tagged::ok(assessment.meta.version, assessment.into())
}

/// A workflow move.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveSpec {
    pub to: AssessmentStatus,
}

/// List assessments (platform admin, evaluator, auditor).
#[utoipa::path(get, path = "/api/v1/assessments", tag = "assessments",
    params(AssessmentQuery),
    responses((status = 200, description = "A page of assessments, newest year first", body = AssessmentList),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 403, response = crate::openapi::Forbidden)),
    security(("bearer" = [])))]
pub async fn list_assessments(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<AssessmentQuery>,
) -> ApiResult<axum::Json<AssessmentList>> {
    if !wadah_domain::index::assessment_policy::may(caller.principal(), AssessmentAction::Read) {
        return Err(caller.denied("read assessments"));
    }
    let page = query.page()?;
    let filter = AssessmentFilter {
        government: query.government.clone(),
        year: query.year,
    };
    let q = page.q.as_deref().map(str::to_lowercase);
    let mut all: Vec<(String, Assessment)> = state
        .store()
        .list_assessments(&filter)
        .await?
        .into_iter()
        .filter(|a| {
            q.as_deref().is_none_or(|q| {
                a.spec.government.as_str().contains(q) || a.spec.instrument.to_lowercase().contains(q)
            })
        })
        .map(|a| (sort_key(&a), a))
        .filter(|(key, _)| page.after.as_deref().is_none_or(|after| key.as_str() > after))
        .collect();
    all.sort_by(|x, y| x.0.cmp(&y.0));
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    let next = (all.len() > limit)
        .then(|| {
            all.get(limit - 1)
                .map(|(key, _)| crate::pagination::encode_cursor(key))
        })
        .flatten();
    let items = all
        .into_iter()
        .take(limit)
        .map(|(_, a)| AssessmentSummary {
            claimed: a.indicators.iter().filter(|e| e.claimed_level.is_some()).count(),
            indicators: a.indicators.len(),
            id: a.id,
            spec: a.spec,
            status: a.status,
            meta: a.meta,
        })
        .collect();
    Ok(axum::Json(AssessmentList { items, next }))
}

/// Start an assessment (platform admin): a draft with every indicator empty.
#[utoipa::path(post, path = "/api/v1/assessments", tag = "assessments",
    request_body = AssessmentSpec,
    responses(
        (status = 201, description = "Created", body = AssessmentView, headers(("ETag" = String), ("Location" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 409, response = crate::openapi::Conflict)),
    security(("bearer" = [])))]
pub async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Json(spec): Json<AssessmentSpec>,
) -> ApiResult<Tagged<AssessmentView>> {
    allow(&caller, AssessmentAction::Edit, "new")?;
    let instrument = spec.check()?;
    // The government must exist (a typo would otherwise start a stray assessment).
    state
        .store()
        .get_government(&spec.government)
        .await
        .map_err(|e| match e {
            wadah_store::StoreError::NotFound { .. } => ApiError::validation(
                "government",
                format!("government: no government {}", spec.government),
            ),
            other => other.into(),
        })?;
    let entries = Assessment::fresh_indicators(&instrument);
    let change = state.change_by(caller.principal());
    let created = state.store().create_assessment(&spec, &entries, &change).await?;
    let location = format!("/api/v1/assessments/{}", created.id);
    Ok(Tagged::created(created.meta.version, location, created.into()))
}

/// One assessment, with the evidence gaps.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    responses((status = 200, description = "The assessment", body = AssessmentView, headers(("ETag" = String))),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Tagged<AssessmentView>> {
    let (assessment, _) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    Ok(tagged(assessment))
}

/// Save `assessment` (changed from `version`), with no file changes.
pub(crate) async fn save(
    state: &AppState,
    caller: &Caller,
    assessment: &Assessment,
    version: i64,
    files: &FileChanges<'_>,
) -> ApiResult<Assessment> {
    let change = state.change_by(caller.principal());
    Ok(state
        .store()
        .save_assessment(assessment, version, files, &change)
        .await?)
}

/// Set an indicator's claim: level, justification, person responsible (platform admin, draft).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/indicators/{number}", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number", example = 18),
        crate::openapi::IfMatchHeader),
    request_body = ClaimSpec,
    responses((status = 200, description = "Saved", body = AssessmentView, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn set_claim(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, u32)>,
    IfMatch(version): IfMatch,
    Json(claim): Json<ClaimSpec>,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Edit).await?;
    assessment
        .set_claim(&instrument, number, claim)
        .map_err(assessment_error)?;
    let saved = save(&state, &caller, &assessment, version, &FileChanges::default()).await?;
    Ok(tagged(saved))
}

/// Set the evaluator's level and notes on an indicator (evaluator, submitted).
#[utoipa::path(put, path = "/api/v1/assessments/{id}/indicators/{number}/evaluation", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"),
        ("number" = u32, Path, description = "Indicator number", example = 18),
        crate::openapi::IfMatchHeader),
    request_body = EvaluationSpec,
    responses((status = 200, description = "Saved", body = AssessmentView, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn set_evaluation(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, number)): Path<(String, u32)>,
    IfMatch(version): IfMatch,
    Json(evaluation): Json<EvaluationSpec>,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Evaluate).await?;
    assessment
        .set_evaluation(&instrument, number, evaluation)
        .map_err(assessment_error)?;
    let saved = save(&state, &caller, &assessment, version, &FileChanges::default()).await?;
    Ok(tagged(saved))
}

/// Move the workflow: submit or withdraw (platform admin); return, evaluate, reopen or
/// finalise (evaluator). Illegal moves are `409 invalid_state`; a move whose conditions are
/// not met (claims, evidence, evaluator levels) is `422 assessment_incomplete`.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/transitions", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id"), crate::openapi::IfMatchHeader),
    request_body = MoveSpec,
    responses((status = 200, description = "Moved", body = AssessmentView, headers(("ETag" = String))),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 428, response = crate::openapi::PreconditionRequired)),
    security(("bearer" = [])))]
pub async fn move_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    Json(spec): Json<MoveSpec>,
) -> ApiResult<Tagged<AssessmentView>> {
    let (mut assessment, _) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    // An impossible move is a conflict whoever asks; only a possible one asks whose it is.
    if !assessment.status.can_move_to(spec.to) {
        return Err(assessment_error(AssessmentError::IllegalMove {
            from: assessment.status.as_str(),
            to: spec.to.as_str(),
        }));
    }
    let action = AssessmentAction::for_move(assessment.status, spec.to, caller.principal());
    allow(&caller, action, &id)?;
    assessment.move_to(spec.to).map_err(assessment_error)?;
    let saved = save(&state, &caller, &assessment, version, &FileChanges::default()).await?;
    Ok(tagged(saved))
}
