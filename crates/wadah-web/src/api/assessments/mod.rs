//! `/api/v1/assessments`: SPBE self-assessments of the government (issue 6, items 2–4, 6).
//!
//! | path | what |
//! |---|---|
//! | `GET/POST /api/v1/assessments` | list (`?government=&year=&cursor=&limit=`), create (draft, every indicator empty) |
//! | `GET /api/v1/assessments/{id}` | one assessment, with the evidence gaps per indicator |
//! | `PUT …/{id}/indicators/{n}` | the claim: level, justification, person responsible (draft) |
//! | `PUT …/{id}/indicators/{n}/evaluation` | the evaluator's level and notes (submitted) |
//! | `POST …/{id}/transitions` | `{"to": "submitted" \| "draft" \| "evaluated" \| "final"}` |
//! | `POST …/{id}/indicators/{n}/links` | a link as evidence |
//! | `POST …/{id}/indicators/{n}/files?name=&levels=` | upload a file as evidence (raw body, ≤ 10 MiB, PDF/PNG/JPEG/DOCX/XLSX by content) |
//! | `DELETE …/{id}/indicators/{n}/evidence/{item}` | remove an evidence item (and its file when unused) |
//! | `GET …/{id}/files/{sha256}` | download an evidence file |
//! | `GET …/{id}/results` | index, predikat, domains, aspects, self vs evaluator, history, peers (JSON) |
//! | `GET …/{id}/report` | the same as a printable HTML report |
//! | `GET …/{id}/export.xlsx` | the evaluator's spreadsheet layout |
//! | `GET …/{id}/suggestions`, `POST …/{id}/suggestions/{n}` | platform evidence, applied only on confirmation |
//! | `POST …/{id}/plan` | the cheapest raises to a target index or predicate |
//! | `POST …/{id}/plan/roadmap` | those raises as roadmap items of the architecture's Peta Rencana |
//!
//! Who may do what is `wadah_domain::index::assessment_policy` (platform admin edits, the
//! evaluator evaluates, auditors read; agency-scoped roles see nothing). Every change carries
//! `If-Match` and lands in the change log. The console (`/console/indeks`) calls these same
//! handlers with the signed-in person as caller, the HTML report and export included.

mod evidence;
pub mod plan;
mod results;
mod workflow;

use axum::Router;
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::{Assessment, AssessmentError, load_instrument};
use wadah_domain::index::assessment_policy::{AssessmentAction, may};

use crate::codes::ErrorCode;
use crate::error::{ApiError, ApiResult};
use crate::extract::Caller;
use crate::state::AppState;

pub use evidence::*;
pub use results::*;
pub use workflow::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(workflow::routes())
        .merge(evidence::routes())
        .merge(results::routes())
        .merge(plan::routes())
}

/// The OpenAPI part of these routes (merged into the document by `crate::openapi`).
pub fn openapi_part() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    Doc::openapi()
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        workflow::list_assessments, workflow::create_assessment, workflow::get_assessment,
        workflow::set_claim, workflow::set_evaluation, workflow::move_assessment,
        evidence::add_link, evidence::upload_file, evidence::remove_evidence, evidence::download_file,
        results::get_results, results::get_report, results::export_xlsx,
        results::list_suggestions, results::apply_suggestion,
        plan::plan_assessment, plan::plan_to_roadmap,
    ),
    tags((name = "assessments", description = "SPBE self-assessments: claims, evidence, evaluation, results")),
)]
struct Doc;

pub(crate) fn assessment_error(e: AssessmentError) -> ApiError {
    match e {
        AssessmentError::WrongState { .. } | AssessmentError::IllegalMove { .. } => {
            ApiError::new(ErrorCode::InvalidState, e.to_string())
        }
        AssessmentError::Incomplete(_) => ApiError::new(ErrorCode::AssessmentIncomplete, e.to_string()),
        AssessmentError::Invalid(v) => v.into(),
        AssessmentError::NoIndicator(n) => ApiError::not_found("indicator", n),
        AssessmentError::NoEvidence(id) => ApiError::not_found("evidence item", id),
    }
}

/// Refuses `action` unless the caller's role allows it: 404 when the caller may not even read
/// assessments (they do not exist for it), 403 when it may read but not do this.
pub(crate) fn allow(caller: &Caller, action: AssessmentAction, id: &str) -> ApiResult<()> {
    if !may(caller.principal(), AssessmentAction::Read) {
        return Err(ApiError::not_found("assessment", id));
    }
    if may(caller.principal(), action) {
        Ok(())
    } else {
        Err(caller.denied(match action {
            AssessmentAction::Read => "read assessments",
            AssessmentAction::Edit => "change the self-assessment",
            AssessmentAction::Evaluate => "evaluate assessments",
        }))
    }
}

/// Loads an assessment and its instrument after checking `action`.
pub(crate) async fn load(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: AssessmentAction,
) -> ApiResult<(Assessment, Instrument)> {
    allow(caller, action, id)?;
    if id.len() > 64 {
        return Err(ApiError::not_found(
            "assessment",
            id.chars().take(64).collect::<String>(),
        ));
    }
    let assessment = state.store().get_assessment(id).await?;
    let instrument = load_instrument(&assessment.spec.instrument).map_err(ApiError::internal)?;
    Ok((assessment, instrument))
}
