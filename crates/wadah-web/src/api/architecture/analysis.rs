//! Read-only views over one period's model: the roadmap (Peta Rencana SPBE) with its totals
//! per year, agency and part, and the analyses (gaps, redundancy, orphans, completeness).
//! An agency-scoped caller gets its own agency's share; the domain computes both. The analyses
//! carry the gateway's live facts (`live`) for callers who may read traffic.

use wadah_domain::architecture::analysis::{Analysis, analyse};
use wadah_domain::architecture::roadmap::totals;
use wadah_domain::architecture::{Element, ElementKind, Period, RoadmapTotals};
use wadah_store::{ArchElementFilter, ArchModelFilter, MAX_PAGE_SIZE, PageRequest};

use super::super::prelude::*;
use super::live::{LiveFacts, live_facts};

/// Most roadmap items one answer carries (a city has dozens).
const MAX_ROADMAP_ITEMS: usize = 5_000;

/// Query of the roadmap and the analyses.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ScopeQuery {
    /// Only this agency.
    pub agency: Option<Code>,
}

/// The analyses of a period's model, and what the gateway saw.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AnalysisReport {
    #[serde(flatten)]
    pub analysis: Analysis,
    /// Applications that exchanged data in the last 30 days and rights nobody used; null for
    /// roles that read no traffic.
    pub live: Option<LiveFacts>,
}

/// The roadmap of a period.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Roadmap {
    pub items: Vec<Element>,
    pub totals: RoadmapTotals,
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/architecture/{period}/roadmap", get(get_roadmap))
        .route("/api/v1/architecture/{period}/analysis", get(get_analysis))
}

/// The Peta Rencana SPBE of a period, with totals per year, agency and part.
#[utoipa::path(get, path = "/api/v1/architecture/{period}/roadmap", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ScopeQuery),
    responses(
        (status = 200, description = "Roadmap items and totals", body = Roadmap),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_roadmap(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ScopeQuery>,
) -> ApiResult<axum::Json<Roadmap>> {
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(Roadmap {
            items: Vec::new(),
            totals: RoadmapTotals::default(),
        }));
    };
    let filter = ArchElementFilter {
        period: Some(period),
        agency,
        kind: Some(ElementKind::RoadmapItem),
    };
    let mut items = Vec::new();
    let mut page = PageRequest::first(MAX_PAGE_SIZE);
    loop {
        let got = state.store().list_arch_elements(&filter, &page).await?;
        items.extend(got.items);
        match got.next {
            Some(next) if items.len() < MAX_ROADMAP_ITEMS => page.after = Some(next),
            _ => break,
        }
    }
    let totals = totals(&items).map_err(ApiError::internal)?;
    Ok(axum::Json(Roadmap { items, totals }))
}

/// Gaps per business process, redundancy across agencies, orphans, completeness, and the
/// gateway's live facts (exchanges between applications, unused rights).
#[utoipa::path(get, path = "/api/v1/architecture/{period}/analysis", tag = "architecture",
    params(("period" = String, Path, description = "Planning period", example = "2025-2029"), ScopeQuery),
    responses(
        (status = 200, description = "The analyses", body = AnalysisReport),
        (status = 404, response = crate::openapi::NotFound)),
    security(("bearer" = [])))]
pub async fn get_analysis(
    State(state): State<AppState>,
    caller: Caller,
    Path(period): Path<Period>,
    Query(query): Query<ScopeQuery>,
) -> ApiResult<axum::Json<AnalysisReport>> {
    let Some(agency) = narrow(&caller.principal().agency_scope(), query.agency) else {
        return Ok(axum::Json(AnalysisReport {
            analysis: analyse(&Default::default()),
            live: None,
        }));
    };
    let model = scoped_model(&state, period, agency.clone()).await?;
    let live = live_facts(&state, &caller, agency, &model).await?;
    Ok(axum::Json(AnalysisReport {
        analysis: analyse(&model),
        live,
    }))
}

/// The model of `period`, of one agency (its elements and the relations they take part in)
/// or of the whole city; `agency` is the caller's scope already narrowed.
pub async fn scoped_model(
    state: &AppState,
    period: Period,
    agency: Option<Code>,
) -> ApiResult<wadah_domain::architecture::ArchitectureModel> {
    let filter = ArchModelFilter {
        period: Some(period),
        agency,
    };
    Ok(state.store().architecture_model(&filter).await?)
}
