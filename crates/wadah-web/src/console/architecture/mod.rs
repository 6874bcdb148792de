//! The SPBE architecture in the console (issue 5): the overview of a planning period, element
//! lists per domain, one element with its relations, goals and roadmap items, the element and
//! relation forms, the RPJMD goal tree, the Peta Rencana with its totals, the analyses with
//! the gateway's live facts, and the printable architecture document with its diagrams.
//!
//! Every read and write goes through the admin API's architecture handlers (or, for whole
//! models, the same scope narrowing they use), so an agency admin reads and changes its own
//! agency's architecture, the platform admin the whole city, and readers (auditors,
//! evaluators) read what their scope holds and change nothing.
//!
//! | path | page |
//! |---|---|
//! | `/console/arsitektur` | the current RPJMD period's overview |
//! | `/console/arsitektur/{period}` | counts per domain and agency, links |
//! | `…/{period}/elemen?jenis=&instansi=` | elements of a domain (filters) |
//! | `…/{period}/instansi/{agency}/elemen/baru?jenis=` | new element (`POST` creates) |
//! | `…/instansi/{agency}/elemen/{code}` | an element, its relations, goals and roadmap items |
//! | `…/elemen/{code}/ubah`, `…/hapus`, `…/relasi` | edit, delete, add a relation (`POST`) |
//! | `…/{period}/relasi/{id}/hapus` | remove a relation (`POST`) |
//! | `…/{period}/tujuan`, `…/peta-rencana`, `…/analisis` | goal tree, roadmap, analyses |
//! | `…/{period}/laporan?instansi=` | the printable architecture document (own CSP) |
//! | `…/{period}/referensi[/baru, /nasional]` | reference codes; new local code; national import |

mod analysis;
pub mod diagrams;
mod element_form;
mod element_page;
mod elements;
mod goals;
mod overview;
mod reference;
mod relation_form;
pub mod report;
mod roadmap;
mod view;

use axum::Router;
use axum::routing::{get, post};
use wadah_domain::Code;
use wadah_domain::architecture::{ArchitectureModel, ElementKind, Period};

use super::Ctx;
use crate::api::architecture::analysis::scoped_model;
use crate::error::ApiError;
use crate::pagination::narrow;
use crate::portal::Lang;
use crate::state::AppState;

/// The console's architecture routes (merged by `console::routes`).
pub fn routes() -> Router<AppState> {
    let base = "/console/arsitektur/{period}";
    let el = "/console/arsitektur/{period}/instansi/{agency}/elemen";
    Router::new()
        .route("/console/arsitektur", get(overview::start))
        .route(base, get(overview::show))
        .route(&format!("{base}/elemen"), get(elements::list))
        .route(
            &format!("{el}/baru"),
            get(element_form::new_element).post(element_form::create_element),
        )
        .route(&format!("{el}/{{code}}"), get(element_page::show))
        .route(
            &format!("{el}/{{code}}/ubah"),
            get(element_form::edit_element).post(element_form::update_element),
        )
        .route(
            &format!("{el}/{{code}}/hapus"),
            post(element_form::delete_element),
        )
        .route(&format!("{el}/{{code}}/relasi"), post(relation_form::create))
        .route(
            &format!("{base}/relasi/{{id}}/hapus"),
            post(relation_form::delete),
        )
        .route(&format!("{base}/tujuan"), get(goals::show))
        .route(&format!("{base}/peta-rencana"), get(roadmap::show))
        .route(&format!("{base}/analisis"), get(analysis::show))
        .route(&format!("{base}/laporan"), get(report::show))
        .route(&format!("{base}/referensi"), get(reference::list))
        .route(
            &format!("{base}/referensi/baru"),
            get(reference::new_local).post(reference::create_local),
        )
        .route(
            &format!("{base}/referensi/nasional"),
            get(reference::new_national).post(reference::import_national),
        )
}

/// The RPJMD period holding `year` (five-year cycles from 2025, Bontang's current plan).
pub fn rpjmd_period(year: u16) -> String {
    let first = if year >= 2025 {
        2025 + (year - 2025) / 5 * 5
    } else {
        2025 - (2025 - year).div_ceil(5) * 5
    };
    format!("{first}-{}", first + 4)
}

/// The period of a path segment; `None`: no such page.
fn period_of(raw: &str) -> Option<Period> {
    (raw.len() <= 9).then(|| Period::parse(raw).ok()).flatten()
}

pub(crate) fn base_href(period: Period) -> String {
    format!("/console/arsitektur/{period}")
}

pub(crate) fn element_href(period: Period, agency: &Code, code: &Code) -> String {
    format!("/console/arsitektur/{period}/instansi/{agency}/elemen/{code}")
}

pub(crate) fn list_href(period: Period, kind: ElementKind, agency: Option<&Code>) -> String {
    let mut href = format!("/console/arsitektur/{period}/elemen?jenis={}", kind.as_str());
    if let Some(a) = agency {
        href.push_str(&format!("&instansi={a}"));
    }
    href
}

/// A kind's name in the reader's language.
pub(crate) fn kind_label(lang: Lang, kind: ElementKind) -> String {
    lang.t(&format!("arch-kind-{}", kind.as_str()))
}

/// A kind in plural (list headings, counts).
pub(crate) fn kinds_label(lang: Lang, kind: ElementKind) -> String {
    lang.t(&format!("arch-kinds-{}", kind.as_str()))
}

/// A heading with the period in it (`{ $period }`).
fn titled(ctx: &Ctx, key: &str, period: Period) -> String {
    ctx.lang.t_args(key, &[("period", &period.to_string())])
}

/// An amount in rupiah written the reader's way: `Rp 200.000.000` / `Rp 200,000,000`.
pub(crate) fn rupiah(lang: Lang, amount: u64) -> String {
    format!("Rp {}", crate::portal::format::integer(lang, amount))
}

/// A length as the `u64` the number formatter takes.
fn count(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The agency filter as typed: none, a code, or `Err` (not a code).
fn agency_param(raw: Option<&str>) -> Result<Option<Code>, ()> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.len() <= 64 => Code::parse(s).map(Some).map_err(|_| ()),
        Some(_) => Err(()),
    }
}

/// The model of `period` the signed-in person may read, narrowed to `agency` when asked:
/// the API's scope rule (`narrow`), so an agency-scoped reader gets its own agency only and
/// asking for another agency is a 404, as in the API.
async fn model(
    state: &AppState,
    ctx: &Ctx,
    period: Period,
    agency: Option<Code>,
) -> Result<(ArchitectureModel, Option<Code>), ApiError> {
    let principal = ctx.who.caller().principal().clone();
    let asked = agency.clone();
    let Some(scope) = narrow(&principal.agency_scope(), agency) else {
        let code = asked.map(|a| a.to_string()).unwrap_or_default();
        return Err(ApiError::not_found("agency", code));
    };
    if let Some(a) = &scope {
        state.store().get_agency(a).await?;
    }
    Ok((scoped_model(state, period, scope.clone()).await?, scope))
}

/// Whether the signed-in person may change agency `agency`'s architecture.
fn may_write(ctx: &Ctx, agency: &Code) -> bool {
    ctx.who.caller().principal().can_write_agency(agency)
}

/// The agency a person edits by default: their own, when they have one.
fn own_agency(ctx: &Ctx) -> Option<Code> {
    ctx.who.caller().principal().agency.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_plan_is_the_five_years_holding_the_year() {
        assert_eq!(rpjmd_period(2026), "2025-2029");
        assert_eq!(rpjmd_period(2029), "2025-2029");
        assert_eq!(rpjmd_period(2030), "2030-2034");
        assert_eq!(rpjmd_period(2024), "2020-2024");
        assert_eq!(rpjmd_period(2020), "2020-2024");
        assert!(period_of("2025-2029").is_some());
        assert!(period_of("2025-2029x").is_none());
    }
}
