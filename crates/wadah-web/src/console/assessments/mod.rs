//! SPBE self-assessments in the console (issue 6): the list, one assessment with its index,
//! predicate, figures, charts, history, peers and claims, the workflow moves the person's role
//! allows, each indicator's claim or evaluation form, the improvement planner, and the printable
//! report and XLSX export under the console session.
//!
//! Every page calls the admin API's assessment handlers (`crate::api::assessments`) with the
//! signed-in person as caller, so the roles, the workflow rules and the evidence rule are the
//! API's; the charts and rows are drawn by [`crate::spbe::report::parts`], the same as the
//! printable report.
//!
//! | path | page |
//! |---|---|
//! | `/console/indeks` | assessments, newest year first (paged) |
//! | `/console/indeks/{id}` | one assessment; `POST …/status` moves its workflow |
//! | `…/{id}/indikator/{n}` | an indicator: criteria, evidence, the claim or evaluation form |
//! | `POST …/{id}/indikator/{n}/tautan` | a link as evidence |
//! | `POST …/{id}/indikator/{n}/berkas` | a file as evidence (multipart, its own body limit) |
//! | `…/{id}/saran`, `POST …/saran/{n}` | the platform's suggestions; confirm one |
//! | `…/{id}/rencana`, `POST …/rencana/peta` | the planner; its raises into the Peta Rencana |
//! | `…/{id}/laporan`, `…/{id}/ekspor.xlsx` | the printable report, the export |
//! | `…/{id}/berkas/{sha256}` | an uploaded evidence file |

mod claims;
mod evidence;
mod page;
mod planner;
mod planner_form;
mod suggestions;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use wadah_domain::index::assessment_policy::{AssessmentAction, may};
use wadah_domain::policy::Principal;

use super::view::{Cell, Page, Table, render};
use super::{Ctx, Paging, next_link};
use crate::api;
use crate::extract;
use crate::portal::Lang;
use crate::state::AppState;

/// The console's assessment routes (merged by `console::routes`).
pub fn routes() -> Router<AppState> {
    let one = "/console/indeks/{id}";
    Router::new()
        .route("/console/indeks", get(list))
        .route(one, get(page::show))
        .route(&format!("{one}/status"), post(claims::move_to))
        .route(
            &format!("{one}/indikator/{{number}}"),
            get(claims::indicator).post(claims::save_indicator),
        )
        .route(
            &format!("{one}/indikator/{{number}}/tautan"),
            post(evidence::add_link),
        )
        .route(
            &format!("{one}/indikator/{{number}}/berkas"),
            // This route only: a file form is larger than the default body limit.
            post(evidence::upload_file).layer(DefaultBodyLimit::max(evidence::MAX_UPLOAD_FORM_BYTES)),
        )
        .route(&format!("{one}/saran"), get(suggestions::show))
        .route(&format!("{one}/saran/{{number}}"), post(suggestions::confirm))
        .route(&format!("{one}/rencana"), get(planner::show))
        .route(&format!("{one}/rencana/peta"), post(planner::to_roadmap))
        .route(&format!("{one}/laporan"), get(report))
        .route(&format!("{one}/ekspor.xlsx"), get(export))
        .route(&format!("{one}/berkas/{{sha256}}"), get(file))
}

/// Whether the navigation shows the assessments (roles that may read them).
pub fn in_nav(principal: &Principal) -> bool {
    may(principal, AssessmentAction::Read)
}

pub(crate) fn href(id: &str) -> String {
    format!("/console/indeks/{}", crate::portal::layout::encode_component(id))
}

/// An id as a path segment can carry it (the store's ids are short); `None`: no such page.
pub(crate) fn checked_id(id: &str) -> Option<String> {
    (!id.is_empty() && id.len() <= 64).then(|| id.to_owned())
}

pub(crate) fn status_label(lang: Lang, status: &str) -> String {
    lang.t(&format!("spbe-report-status-{status}"))
}

/// `GET /console/indeks`: the assessments, newest year first.
pub async fn list(State(state): State<AppState>, ctx: Ctx, paging: Query<Paging>) -> Response {
    let query = api::assessments::AssessmentQuery {
        cursor: paging.0.lanjut,
        ..Default::default()
    };
    let page = match api::assessments::list_assessments(State(state), ctx.who.caller(), extract::Query(query))
        .await
    {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(format!("{} {}", a.spec.government, a.spec.year), href(&a.id)),
                Cell::text(a.spec.instrument.clone()),
                Cell::text(status_label(lang, a.status.as_str())),
                Cell::text(format!("{} / {}", a.claimed, a.indicators)),
            ]
        })
        .collect();
    let title = ctx.t("console-index-title");
    let mut view = Page::new(ctx.frame(title.clone()), title);
    view.lead = Some(ctx.t("console-index-intro"));
    view.tables.push(Table {
        caption: ctx.t("console-index-title"),
        head: ["assessment", "instrument", "status", "claimed"]
            .iter()
            .map(|c| ctx.t(&format!("console-index-col-{c}")))
            .collect(),
        rows,
        empty: ctx.t("console-empty"),
        more: next_link(lang, "/console/indeks", page.next),
    });
    render(StatusCode::OK, &view)
}

/// `GET /console/indeks/{id}/laporan`: the printable report (its own strict CSP).
pub async fn report(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    match api::assessments::get_report(State(state), ctx.who.caller(), ctx.lang, extract::Path(id)).await {
        Ok(r) => r,
        Err(e) => ctx.fail(&e),
    }
}

/// `GET /console/indeks/{id}/ekspor.xlsx`: the evaluators' spreadsheet.
pub async fn export(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    match api::assessments::export_xlsx(State(state), ctx.who.caller(), extract::Path(id)).await {
        Ok(r) => {
            let mut r = r.into_response();
            r.headers_mut().insert(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            );
            r
        }
        Err(e) => ctx.fail(&e),
    }
}

/// `GET /console/indeks/{id}/berkas/{sha256}`: an evidence file, as the API serves it.
pub async fn file(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, sha256)): Path<(String, String)>,
) -> Response {
    let Some(id) = checked_id(&id).filter(|_| sha256.len() <= 64) else {
        return ctx.not_found();
    };
    match api::assessments::download_file(State(state), ctx.who.caller(), extract::Path((id, sha256))).await {
        Ok(r) => r,
        Err(e) => ctx.fail(&e),
    }
}
