//! The analyses page: gaps per business process, consolidation candidates, completeness per
//! agency towards evaluation level 3, orphans, and the gateway's live facts — the exchanges
//! between applications in the last 30 days (and whether the model draws them) and the rights
//! nobody used — with the application cooperation view. One call of the API's analysis
//! handler, so the figures are the API's.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::architecture::ElementKind;
use wadah_domain::architecture::analysis::Analysis;

use super::diagrams::cooperation;
use super::roadmap::AgencyFilter;
use super::view::{ArchPage, Section};
use super::{agency_param, kinds_label, model, period_of, titled};
use crate::api;
use crate::api::architecture::analysis::ScopeQuery;
use crate::api::architecture::live::LiveFacts;
use crate::console::Ctx;
use crate::console::dashboard::Chart;
use crate::console::view::{Cell, Table, render};
use crate::extract;
use crate::portal::Lang;
use crate::portal::format::integer;
use crate::state::AppState;

/// Rows per analysis table at most (the report and the API have them all).
pub const MAX_ROWS: usize = 500;

fn yes_no(lang: Lang, missing: bool) -> String {
    lang.t(if missing { "arch-missing" } else { "arch-present" })
}

fn kinds(lang: Lang, kinds: &[ElementKind]) -> String {
    if kinds.is_empty() {
        return "–".to_owned();
    }
    kinds
        .iter()
        .map(|k| kinds_label(lang, *k))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The four model analyses as tables.
pub fn analysis_tables(lang: Lang, a: &Analysis) -> Vec<(String, &'static str, Table)> {
    let t = |caption: &str, head: &[&str], rows: Vec<Vec<Cell>>| Table {
        caption: lang.t(caption),
        head: head.iter().map(|k| lang.t(k)).collect(),
        rows,
        empty: lang.t("arch-none-found"),
        more: None,
    };
    let gaps = a
        .gaps
        .iter()
        .take(MAX_ROWS)
        .map(|g| {
            vec![
                Cell::text(format!("{}/{}", g.agency, g.process)),
                Cell::text(yes_no(lang, g.no_service)),
                Cell::text(yes_no(lang, g.no_application)),
                Cell::text(yes_no(lang, g.no_data)),
            ]
        })
        .collect();
    let redundancy = a
        .redundancy
        .iter()
        .take(MAX_ROWS)
        .map(|r| {
            vec![
                Cell::text(r.shared.clone()),
                Cell::text(r.applications.join(", ")),
            ]
        })
        .collect();
    let completeness = a
        .completeness
        .iter()
        .take(MAX_ROWS)
        .map(|c| {
            vec![
                Cell::text(c.agency.clone()),
                Cell::text(format!("{} / 6", c.covered.len())),
                Cell::text(kinds(lang, &c.missing)),
                Cell::text(lang.t(if c.missing.is_empty() {
                    "arch-level3-ready"
                } else {
                    "arch-level3-not-yet"
                })),
            ]
        })
        .collect();
    let orphans = a
        .orphans
        .iter()
        .take(MAX_ROWS)
        .map(|o| {
            vec![
                Cell::text(format!("{}/{}", o.agency, o.code)),
                Cell::text(super::kind_label(lang, o.kind)),
                Cell::text(yes_no(lang, o.no_owner)),
                Cell::text(yes_no(lang, o.no_goal)),
            ]
        })
        .collect();
    vec![
        (
            lang.t_args(
                "arch-gaps",
                &[("count", &integer(lang, super::count(a.gaps.len())))],
            ),
            "celah",
            t(
                "arch-gaps-caption",
                &[
                    "arch-col-process",
                    "arch-col-service",
                    "arch-col-application",
                    "arch-col-data",
                ],
                gaps,
            ),
        ),
        (
            lang.t_args(
                "arch-redundancy",
                &[("count", &integer(lang, super::count(a.redundancy.len())))],
            ),
            "redundansi",
            t(
                "arch-redundancy-caption",
                &["arch-col-shared", "arch-col-applications"],
                redundancy,
            ),
        ),
        (
            lang.t("arch-completeness"),
            "kelengkapan",
            t(
                "arch-completeness-caption",
                &[
                    "console-col-agency",
                    "arch-col-covered",
                    "arch-col-missing",
                    "arch-col-level3",
                ],
                completeness,
            ),
        ),
        (
            lang.t_args(
                "arch-orphans",
                &[("count", &integer(lang, super::count(a.orphans.len())))],
            ),
            "yatim",
            t(
                "arch-orphans-caption",
                &[
                    "arch-col-element",
                    "arch-col-kind",
                    "arch-col-owner",
                    "arch-col-goal",
                ],
                orphans,
            ),
        ),
    ]
}

/// The live facts as two tables: exchanges, unused rights.
pub fn live_tables(lang: Lang, live: &LiveFacts) -> Vec<Table> {
    let exchanges = live
        .exchanges
        .iter()
        .take(MAX_ROWS)
        .map(|x| {
            vec![
                Cell::text(x.consumer.clone()),
                Cell::text(x.provider.clone()),
                Cell::text(integer(lang, x.requests)),
                Cell::text(integer(lang, x.server_errors)),
                Cell::text(lang.t(if x.in_model {
                    "arch-in-model"
                } else {
                    "arch-not-in-model"
                })),
            ]
        })
        .collect();
    let unused = live
        .unused_rights
        .iter()
        .take(MAX_ROWS)
        .map(|u| vec![Cell::text(u.consumer.clone()), Cell::text(u.service.clone())])
        .collect();
    vec![
        Table {
            caption: lang.t("arch-live-exchanges"),
            head: [
                "console-col-consumer",
                "arch-col-provider",
                "console-dash-requests",
                "console-dash-server-errors",
                "arch-col-in-model",
            ]
            .iter()
            .map(|k| lang.t(k))
            .collect(),
            rows: exchanges,
            empty: lang.t("arch-no-exchanges"),
            more: None,
        },
        Table {
            caption: lang.t("arch-live-unused"),
            head: vec![lang.t("console-col-consumer"), lang.t("console-col-service")],
            rows: unused,
            empty: lang.t("arch-none-found"),
            more: None,
        },
    ]
}

/// `GET /console/arsitektur/{period}/analisis?instansi=`.
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
    let got = api::architecture::analysis::get_analysis(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(period),
        extract::Query(ScopeQuery {
            agency: agency.clone(),
        }),
    )
    .await;
    let report = match got {
        Ok(r) => r.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let title = titled(&ctx, "arch-analysis-title", period);
    let mut page = ArchPage::new(&ctx, period, title, "analisis");
    page.lead = Some(ctx.t("arch-analysis-intro"));
    for (heading, id, t) in analysis_tables(lang, &report.analysis) {
        page.sections.push(Section::new(id, heading).table(t));
    }
    let mut live = Section::new("langsung", ctx.t("arch-live"));
    match &report.live {
        None => live.text = Some(ctx.t("arch-live-not-for-role")),
        Some(facts) => {
            live.text = Some(ctx.t("arch-live-intro"));
            live.tables = live_tables(lang, facts);
            if let Ok((m, _)) = model(&state, &ctx, period, agency).await
                && let Some(svg) = cooperation(lang, "kerja-sama", &m, Some(facts))
            {
                live.charts.push(Chart {
                    heading: ctx.t("arch-cooperation-title"),
                    svg,
                });
            }
        }
    }
    page.sections.push(live);
    render(StatusCode::OK, &page)
}
