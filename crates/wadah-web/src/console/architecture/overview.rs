//! The overview of a planning period: how many elements of each domain every agency has
//! mapped (each count links to the list behind it), and how many relations join them.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike as _;
use wadah_domain::architecture::ElementKind;

use super::view::{ArchPage, Section, table};
use super::{count, kinds_label, list_href, model, period_of, rpjmd_period, titled};
use crate::console::Ctx;
use crate::console::view::{Cell, Fact, render};
use crate::portal::format::integer;
use crate::state::AppState;

/// `GET /console/arsitektur`: the period of today's RPJMD.
pub async fn start(State(state): State<AppState>, _ctx: Ctx) -> Response {
    let year = u16::try_from(state.now().year()).unwrap_or(2025);
    Redirect::to(&format!("/console/arsitektur/{}", rpjmd_period(year))).into_response()
}

/// `GET /console/arsitektur/{period}`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(period): Path<String>) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let (m, _) = match model(&state, &ctx, period, None).await {
        Ok(m) => m,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let mut counts: BTreeMap<String, BTreeMap<ElementKind, u64>> = m
        .agencies
        .iter()
        .map(|a| (a.code.to_string(), BTreeMap::new()))
        .collect();
    let mut totals: BTreeMap<ElementKind, u64> = BTreeMap::new();
    for e in &m.elements {
        *counts
            .entry(e.agency.to_string())
            .or_default()
            .entry(e.spec.kind())
            .or_default() += 1;
        *totals.entry(e.spec.kind()).or_default() += 1;
    }
    let mut rows = Vec::new();
    for (agency, per_kind) in &counts {
        let code = wadah_domain::Code::parse(agency).ok();
        let mut row = vec![Cell::text(agency.clone())];
        for kind in ElementKind::ALL {
            let n = per_kind.get(&kind).copied().unwrap_or(0);
            row.push(Cell::link(
                integer(lang, n),
                list_href(period, kind, code.as_ref()),
            ));
        }
        row.push(Cell::text(integer(lang, per_kind.values().sum())));
        rows.push(row);
    }
    let mut all = vec![Cell::text(ctx.t("arch-all-agencies"))];
    for kind in ElementKind::ALL {
        let n = totals.get(&kind).copied().unwrap_or(0);
        all.push(Cell::link(integer(lang, n), list_href(period, kind, None)));
    }
    all.push(Cell::text(integer(lang, totals.values().sum())));
    rows.push(all);
    let mut head = vec![ctx.t("console-col-agency")];
    head.extend(ElementKind::ALL.into_iter().map(|k| kinds_label(lang, k)));
    head.push(ctx.t("arch-total"));
    let mut counts_table = table(&ctx, ctx.t("arch-counts-caption"), &[], rows);
    counts_table.head = head;

    let title = titled(&ctx, "arch-title", period);
    let mut page = ArchPage::new(&ctx, period, title, "");
    page.lead = Some(ctx.t("arch-intro"));
    page.facts = vec![
        Fact::new(ctx.t("arch-elements"), integer(lang, count(m.elements.len()))),
        Fact::new(ctx.t("arch-relations"), integer(lang, count(m.relations.len()))),
    ];
    page.sections
        .push(Section::new("jumlah", ctx.t("arch-counts")).table(counts_table));
    render(StatusCode::OK, &page)
}
