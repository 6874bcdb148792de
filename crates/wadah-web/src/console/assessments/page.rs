//! One assessment's page: the figures (index and predicate exactly as the engine rounds them,
//! half-up to the instrument's places), the radar and per-indicator bars, domain and aspect
//! tables, history, peers, every indicator's claim with its evidence, and the workflow moves
//! the person's role allows (each a small CSRF-protected form carrying the version it was
//! shown at, so a move on a stale page is refused instead of applied blindly).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::index::assessment::{Assessment, AssessmentStatus, EvidenceSource};
use wadah_domain::index::assessment_policy::{AssessmentAction, may};
use wadah_domain::index::results::AssessmentResults;

use super::{checked_id, href, status_label};
use crate::api;
use crate::console::Ctx;
use crate::console::view::{Fact, Frame, Link, render};
use crate::extract;
use crate::portal::Lang;
use crate::spbe::report::{Parts, parts};
use crate::state::AppState;

/// A workflow move the person may make.
pub struct MoveButton {
    pub to: &'static str,
    pub label: String,
}

/// One indicator's line in the claims table.
pub struct ClaimRow {
    pub number: u32,
    pub name: String,
    pub href: String,
    pub claimed: String,
    pub evaluator: String,
    pub evidence: Vec<Link>,
    pub missing: String,
}

#[derive(Template)]
#[template(path = "console/assessment.html")]
pub struct AssessmentPage {
    pub frame: Frame,
    pub heading: String,
    pub notice: Option<String>,
    pub facts: Vec<Fact>,
    pub r: AssessmentResults,
    pub p: Parts,
    pub actions: Vec<Link>,
    pub moves: Vec<MoveButton>,
    pub move_action: String,
    pub csrf: String,
    pub version: i64,
    pub claims: Vec<ClaimRow>,
}

/// The moves from `status` this person's role may make, in the order they are offered.
fn moves(lang: Lang, ctx: &Ctx, status: AssessmentStatus) -> Vec<MoveButton> {
    use AssessmentStatus::*;
    let principal = &ctx.who.principal;
    [Submitted, Draft, Evaluated, Final]
        .into_iter()
        .filter(|to| status.can_move_to(*to))
        .filter(|to| may(principal, AssessmentAction::for_move(status, *to, principal)))
        .map(|to| MoveButton {
            to: to.as_str(),
            label: lang.t(&format!("console-index-move-{}-{}", status.as_str(), to.as_str())),
        })
        .collect()
}

fn evidence_links(lang: Lang, id: &str, a: &Assessment, number: u32) -> Vec<Link> {
    let Ok(entry) = a.entry(number) else {
        return Vec::new();
    };
    entry
        .evidence
        .iter()
        .map(|e| {
            let levels = e.levels.iter().map(u8::to_string).collect::<Vec<_>>().join(", ");
            let suffix = format!(" ({} {levels})", lang.t("console-index-levels"));
            match &e.source {
                EvidenceSource::Link { url, title } => Link::new(url.as_str(), format!("{title}{suffix}")),
                EvidenceSource::File(f) => Link::new(
                    format!("{}/berkas/{}", href(id), f.sha256),
                    format!("{}{suffix}", f.name),
                ),
                EvidenceSource::Platform { facts } => Link::new(
                    String::new(),
                    format!(
                        "{}: {}{suffix}",
                        lang.t("console-index-platform"),
                        facts.join("; ")
                    ),
                ),
            }
        })
        .collect()
}

/// Builds the page of `assessment` (with its results) for `ctx`.
pub fn view(ctx: &Ctx, assessment: &Assessment, r: AssessmentResults, max_level: u8) -> AssessmentPage {
    let lang = ctx.lang;
    let id = assessment.id.as_str();
    let base = href(id);
    let heading = lang.t_args(
        "console-index-assessment-title",
        &[
            ("name", r.government_name.as_str()),
            ("year", &r.year.to_string()),
        ],
    );
    let mut facts = vec![
        Fact::new(lang.t("spbe-report-status"), status_label(lang, &r.status)),
        Fact::new(lang.t("console-index-instrument"), r.instrument_title.clone()),
        Fact::new(
            lang.t("console-index-self-index"),
            format!("{} · {}", r.self_assessment.index, r.self_assessment.predikat),
        ),
    ];
    if let Some(ev) = &r.evaluator {
        facts.push(Fact::new(
            lang.t("console-index-evaluator-index"),
            format!("{} · {}", ev.index, ev.predikat),
        ));
    }
    let claims = r
        .indicators
        .iter()
        .map(|line| ClaimRow {
            number: line.number,
            name: line.name.clone(),
            href: format!("{base}/indikator/{}", line.number),
            claimed: match (line.claimed_level, &line.claimed_level_name) {
                (Some(l), Some(name)) => format!("{l} · {name}"),
                (Some(l), None) => l.to_string(),
                (None, _) => "–".to_owned(),
            },
            evaluator: line
                .evaluator_level
                .map_or_else(|| "–".to_owned(), |l| l.to_string()),
            evidence: evidence_links(lang, id, assessment, line.number),
            missing: line.missing_text(),
        })
        .collect();
    let actions = vec![
        Link::new(format!("{base}/saran"), lang.t("console-index-suggestions")),
        Link::new(format!("{base}/rencana"), lang.t("console-index-planner")),
        Link::new(format!("{base}/laporan"), lang.t("console-index-report")),
        Link::new(format!("{base}/ekspor.xlsx"), lang.t("console-index-export")),
    ];
    AssessmentPage {
        frame: ctx.frame(heading.clone()),
        heading,
        notice: None,
        facts,
        p: parts(&r, lang, max_level),
        r,
        actions,
        moves: moves(lang, ctx, assessment.status),
        move_action: format!("{base}/status"),
        csrf: ctx.who.csrf_token().to_owned(),
        version: assessment.meta.version,
        claims,
    }
}

/// Loads the assessment and its results through the API's handlers.
pub async fn load(
    state: &AppState,
    ctx: &Ctx,
    id: String,
) -> Result<(Assessment, AssessmentResults), crate::error::ApiError> {
    let caller = ctx.who.caller();
    let assessment =
        api::assessments::get_assessment(State(state.clone()), caller.clone(), extract::Path(id.clone()))
            .await?
            .into_parts()
            .1
            .assessment;
    let results = api::assessments::get_results(State(state.clone()), caller, extract::Path(id))
        .await?
        .0;
    Ok((assessment, results))
}

/// The highest level of the assessment's instrument (5 for both shipped ones).
pub fn max_level(assessment: &Assessment) -> u8 {
    wadah_domain::index::assessment::load_instrument(&assessment.spec.instrument).map_or(5, |i| i.max_level)
}

/// `GET /console/indeks/{id}`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    match load(&state, &ctx, id).await {
        Ok((a, r)) => {
            let max = max_level(&a);
            render(StatusCode::OK, &view(&ctx, &a, r, max))
        }
        Err(e) => ctx.fail(&e),
    }
}
