//! The improvement planner over an assessment's claimed levels, and the conversion of the
//! chosen raises into roadmap items of the architecture's Peta Rencana.
//!
//! The optimisation is the domain's ([`Instrument::plan`], exact); this module reads the
//! request, supplies the default effort per level step, and writes the roadmap items with the
//! architecture API's own checks (agency scope, period rules) in one store transaction, so a
//! conversion is all or nothing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use wadah_domain::architecture::model::{ArchitectureModel, ModelElement};
use wadah_domain::architecture::{Element, ElementKey, Period, Year};
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::Assessment;
use wadah_domain::index::assessment_policy::AssessmentAction;
use wadah_domain::index::plan_roadmap::{RoadmapPlacement, roadmap_items};
use wadah_domain::index::{CostTable, Exact, Plan, PlanError, StepCost, Target};

use super::load;
use crate::api::prelude::*;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/assessments/{id}/plan", post(plan_assessment))
        .route("/api/v1/assessments/{id}/plan/roadmap", post(plan_to_roadmap))
}

/// Most indicators one request may exclude (an instrument has fewer).
const MAX_EXCLUDED: usize = 200;

/// The effort of one level step, in rupiah and months.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepCostSpec {
    #[schema(example = 100_000_000)]
    pub rupiah: u64,
    #[schema(example = 3)]
    pub months: u32,
}

/// The default effort per level step (step *l → l+1*): a rough starting point to edit, rising
/// with the level because higher levels ask for integration and continuous improvement.
/// Rp 25 M, 50 M, 100 M, 200 M, 400 M and 1, 2, 3, 6, 12 months for a 0–5 scale.
pub fn default_step_costs(max_level: u8) -> Vec<StepCostSpec> {
    const MONTHS: [u32; 5] = [1, 2, 3, 6, 12];
    (0..max_level)
        .map(|l| StepCostSpec {
            rupiah: 25_000_000u64.saturating_mul(1u64 << l.min(40)),
            months: MONTHS.get(usize::from(l)).copied().unwrap_or(12),
        })
        .collect()
}

/// What to plan for.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    /// An index (`"3.50"`) or a predicate (`"Sangat Baik"`, reached at that band or higher).
    #[schema(example = "Sangat Baik")]
    pub target: String,
    /// Effort of each level step for every indicator: entry *l* is the step *l → l+1*
    /// (as many entries as the instrument's highest level). Omitted: the defaults.
    #[serde(default)]
    pub step_costs: Option<Vec<StepCostSpec>>,
    /// Indicators the plan must not raise.
    #[serde(default)]
    pub exclude: Vec<u32>,
}

/// An index and its predicate.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanScore {
    pub index: String,
    pub index_unrounded: String,
    pub predikat: String,
}

/// One chosen raise.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RaiseView {
    pub indicator: u32,
    pub name: String,
    pub from: u8,
    pub to: u8,
    pub rupiah: u64,
    pub months: u64,
}

/// The cheapest set of raises (least rupiah, then months, then steps) that reaches the target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlanView {
    pub target: String,
    /// The step costs used (the request's or the defaults).
    pub step_costs: Vec<StepCostSpec>,
    /// From the claimed levels (an indicator without a claim counts as 0).
    pub current: PlanScore,
    pub result: PlanScore,
    pub raises: Vec<RaiseView>,
    pub total_rupiah: u64,
    pub total_months: u64,
    pub total_steps: u32,
}

/// Where the plan's raises go in the architecture.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoadmapRequest {
    pub plan: PlanRequest,
    /// The planning period of the architecture.
    #[schema(value_type = String, example = "2025-2029")]
    pub period: Period,
    /// The agency whose roadmap receives the items (its admins, or the platform admin).
    pub agency: Code,
    /// The year the items' budget lands in (inside the period).
    #[schema(value_type = u16, example = 2027)]
    pub year: Year,
}

/// The roadmap items created.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoadmapItems {
    pub items: Vec<Element>,
    pub plan: PlanView,
}

fn score_of(score: &wadah_domain::index::Score, places: u32) -> PlanScore {
    PlanScore {
        index: score.shown.fixed(places).unwrap_or_default(),
        index_unrounded: score.index.to_decimal_string(places),
        predikat: score.predikat.clone(),
    }
}

fn plan_error(e: PlanError) -> ApiError {
    match e {
        PlanError::Cost { .. } | PlanError::CostCount { .. } => {
            ApiError::validation("step_costs", e.to_string())
        }
        PlanError::Overflow => ApiError::internal(e),
        other => ApiError::validation("target", other.to_string()),
    }
}

/// Computes the plan of `request` over the assessment's claimed levels.
pub(crate) fn compute_plan(
    assessment: &Assessment,
    instrument: &Instrument,
    request: &PlanRequest,
) -> ApiResult<(Plan, PlanView)> {
    let steps = request
        .step_costs
        .clone()
        .unwrap_or_else(|| default_step_costs(instrument.max_level));
    if request.exclude.len() > MAX_EXCLUDED {
        return Err(ApiError::validation("exclude", "too many excluded indicators"));
    }
    if let Some(n) = request
        .exclude
        .iter()
        .find(|n| !instrument.indicators.iter().any(|i| i.number == **n))
    {
        return Err(ApiError::validation("exclude", format!("no indicator {n}")));
    }
    let row: Vec<Option<StepCost>> = steps
        .iter()
        .map(|s| {
            Some(StepCost {
                rupiah: s.rupiah,
                months: s.months,
            })
        })
        .collect();
    let table = instrument
        .indicators
        .iter()
        .map(|i| {
            if request.exclude.contains(&i.number) {
                vec![None; row.len()]
            } else {
                row.clone()
            }
        })
        .collect();
    let costs = CostTable::new(instrument, table).map_err(plan_error)?;
    let raw_target = request.target.trim();
    if raw_target.is_empty() || raw_target.len() > 100 {
        return Err(ApiError::validation("target", "an index or a predicate"));
    }
    let target = match Exact::parse_decimal(raw_target) {
        Ok(value) => Target::Index(value),
        Err(_) => Target::Predicate(raw_target.to_owned()),
    };
    let levels: Vec<u8> = assessment
        .indicators
        .iter()
        .map(|e| e.claimed_level.unwrap_or(0))
        .collect();
    let levels = instrument
        .levels(&levels)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let basis = instrument.predicate_basis;
    let current = instrument
        .score_with(&levels, basis)
        .map_err(|e| ApiError::internal(e.to_string()))?;
    let plan = instrument
        .plan(&levels, &target, &costs, basis)
        .map_err(plan_error)?;
    let view = PlanView {
        target: raw_target.to_owned(),
        step_costs: steps,
        current: score_of(&current, instrument.places),
        result: score_of(&plan.score, instrument.places),
        raises: plan
            .raises
            .iter()
            .map(|r| RaiseView {
                indicator: r.indicator,
                name: instrument
                    .indicators
                    .iter()
                    .find(|i| i.number == r.indicator)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                from: r.from,
                to: r.to,
                rupiah: r.rupiah,
                months: r.months,
            })
            .collect(),
        total_rupiah: plan.total_rupiah,
        total_months: plan.total_months,
        total_steps: plan.total_steps,
    };
    Ok((plan, view))
}

/// The cheapest set of level raises from the claimed levels to a target index or predicate,
/// found exactly (not a greedy ranking), with the resulting index.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    request_body = PlanRequest,
    responses((status = 200, description = "The cheapest plan", body = PlanView),
        (status = 404, response = crate::openapi::NotFound),
        (status = 422, response = crate::openapi::ValidationFailed)),
    security(("bearer" = [])))]
pub async fn plan_assessment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(request): Json<PlanRequest>,
) -> ApiResult<axum::Json<PlanView>> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    Ok(axum::Json(compute_plan(&assessment, &instrument, &request)?.1))
}

/// Turn the plan's raises into roadmap items (one per raise: the indicator and level step,
/// its rupiah in `year`, planned) of `agency`'s Peta Rencana for `period`. Needs the right to
/// change that agency's architecture. Converting the same plan twice is `409 duplicate`, and
/// then nothing is created.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/plan/roadmap", tag = "assessments",
    params(("id" = String, Path, description = "Assessment id")),
    request_body = RoadmapRequest,
    responses((status = 201, description = "The roadmap items created", body = RoadmapItems),
        (status = 403, response = crate::openapi::Forbidden),
        (status = 404, response = crate::openapi::NotFound),
        (status = 409, response = crate::openapi::Conflict),
        (status = 422, response = crate::openapi::ValidationFailed)),
    security(("bearer" = [])))]
pub async fn plan_to_roadmap(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Json(request): Json<RoadmapRequest>,
) -> ApiResult<(StatusCode, axum::Json<RoadmapItems>)> {
    let (assessment, instrument) = load(&state, &caller, &id, AssessmentAction::Read).await?;
    caller.write(&request.agency, "agency", &request.agency)?;
    let (plan, view) = compute_plan(&assessment, &instrument, &request.plan)?;
    let place = RoadmapPlacement {
        period: request.period,
        year: request.year,
        assessment_year: assessment.spec.year,
    };
    let specs = roadmap_items(&instrument, &plan, place)?;
    // All or nothing: every item is checked as the architecture API's create checks it, and
    // refused when it exists already (the plan was converted), before anything is written;
    // then all are written in one store transaction.
    for spec in &specs {
        let key = ElementKey {
            agency: request.agency.clone(),
            period: request.period,
            code: spec.code.clone(),
        };
        match state.store().get_arch_element(&key).await {
            Ok(_) => {
                return Err(ApiError::new(
                    crate::codes::ErrorCode::Duplicate,
                    format!(
                        "the roadmap already has {} (this plan was converted before)",
                        spec.code
                    ),
                ));
            }
            Err(wadah_store::StoreError::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        crate::api::architecture::checks::element(&state, &request.agency, request.period, spec).await?;
    }
    let model = ArchitectureModel {
        elements: specs
            .iter()
            .map(|spec| ModelElement {
                agency: request.agency.clone(),
                period: request.period,
                spec: spec.clone(),
            })
            .collect(),
        ..ArchitectureModel::default()
    };
    let change = state.change_by(caller.principal());
    state.store().import_architecture(&model, &change).await?;
    let mut items = Vec::with_capacity(specs.len());
    for element in &model.elements {
        items.push(state.store().get_arch_element(&element.key()).await?);
    }
    Ok((
        StatusCode::CREATED,
        axum::Json(RoadmapItems { items, plan: view }),
    ))
}
