//! The Peta Rencana SPBE of a period: the roadmap items (the API's roadmap handler, so the
//! scope and the totals are the API's) and their totals per year, per agency and per part —
//! all seven parts the regulation names, zero where nothing is planned — in rupiah written
//! the reader's way.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::architecture::roadmap::RoadmapPart;
use wadah_domain::architecture::{Details, Element, Period, RoadmapTotals};

use super::view::{ArchPage, Section, table};
use super::{agency_param, element_href, period_of, rupiah, titled};
use crate::api;
use crate::api::architecture::analysis::ScopeQuery;
use crate::console::Ctx;
use crate::console::view::{Cell, Fact, Table, render};
use crate::extract;
use crate::portal::Lang;
use crate::state::AppState;

/// `?instansi=`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct AgencyFilter {
    #[serde(default)]
    pub instansi: String,
}

/// The item rows: code, name, agency, part, status, years, cost.
pub fn item_rows(lang: Lang, period: Period, items: &[Element]) -> Vec<Vec<Cell>> {
    items
        .iter()
        .filter_map(|e| match &e.spec.details {
            Details::RoadmapItem {
                part,
                status,
                first_year,
                last_year,
                budget,
                ..
            } => {
                let status = serde_json::to_value(status)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let cost: u64 = budget
                    .iter()
                    .fold(0u64, |sum, l| sum.saturating_add(l.rupiah.get()));
                Some(vec![
                    Cell::link(
                        e.spec.code.to_string(),
                        element_href(period, &e.agency, &e.spec.code),
                    ),
                    Cell::text(e.spec.name.as_str()),
                    Cell::text(e.agency.to_string()),
                    Cell::text(lang.t(&format!("arch-value-{}", part.as_str()))),
                    Cell::text(lang.t(&format!("arch-value-{status}"))),
                    Cell::text(format!("{first_year}–{last_year}")),
                    Cell::text(rupiah(lang, cost)),
                ])
            }
            _ => None,
        })
        .collect()
}

/// The three totals tables (per year, per agency, per part) with the grand total in each.
pub fn totals_tables(lang: Lang, t: &RoadmapTotals) -> Vec<Table> {
    let total_row = |label: String| vec![Cell::text(label), Cell::text(rupiah(lang, t.total))];
    let table = |caption: &str, first: &str, mut rows: Vec<Vec<Cell>>| {
        rows.push(total_row(lang.t("arch-total")));
        Table {
            caption: lang.t(caption),
            head: vec![lang.t(first), lang.t("arch-col-cost")],
            rows,
            empty: lang.t("console-empty"),
            more: None,
        }
    };
    let per_year = t
        .per_year
        .iter()
        .map(|(y, r)| vec![Cell::text(y.to_string()), Cell::text(rupiah(lang, *r))])
        .collect();
    let per_agency = t
        .per_agency
        .iter()
        .map(|(a, r)| vec![Cell::text(a.clone()), Cell::text(rupiah(lang, *r))])
        .collect();
    let per_part = RoadmapPart::ALL
        .iter()
        .map(|p| {
            let r = t.per_part.get(p.as_str()).copied().unwrap_or(0);
            vec![
                Cell::text(lang.t(&format!("arch-value-{}", p.as_str()))),
                Cell::text(rupiah(lang, r)),
            ]
        })
        .collect();
    vec![
        table("arch-per-year", "arch-col-year", per_year),
        table("arch-per-agency", "console-col-agency", per_agency),
        table("arch-per-part", "arch-col-part", per_part),
    ]
}

pub const ITEM_HEAD: [&str; 7] = [
    "arch-col-code",
    "arch-col-name",
    "console-col-agency",
    "arch-col-part",
    "arch-col-status",
    "arch-col-years",
    "arch-col-cost",
];

/// `GET /console/arsitektur/{period}/peta-rencana?instansi=`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    filter: Result<Query<AgencyFilter>, QueryRejection>,
) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let f = filter.map(|q| q.0).unwrap_or_default();
    let Ok(agency) = agency_param(Some(&f.instansi)) else {
        return ctx.not_found();
    };
    let got = api::architecture::analysis::get_roadmap(
        State(state),
        ctx.who.caller(),
        extract::Path(period),
        extract::Query(ScopeQuery { agency }),
    )
    .await;
    let roadmap = match got {
        Ok(r) => r.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let title = titled(&ctx, "arch-roadmap-title", period);
    let mut page = ArchPage::new(&ctx, period, title, "peta-rencana");
    page.lead = Some(ctx.t("arch-roadmap-intro"));
    page.facts = vec![Fact::new(ctx.t("arch-total"), rupiah(lang, roadmap.totals.total))];
    let items = table(
        &ctx,
        ctx.t("arch-roadmap-items"),
        &ITEM_HEAD,
        item_rows(lang, period, &roadmap.items),
    );
    page.sections
        .push(Section::new("butir", ctx.t("arch-roadmap-items")).table(items));
    let mut totals = Section::new("jumlah", ctx.t("arch-roadmap-totals"));
    totals.tables = totals_tables(lang, &roadmap.totals);
    page.sections.push(totals);
    render(StatusCode::OK, &page)
}
