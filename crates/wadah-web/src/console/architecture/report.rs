//! The architecture document of one agency or of the whole city, as one printable HTML page:
//! a summary of counts per domain and agency, the layered and application cooperation
//! diagrams, one section per domain listing its elements, the RPJMD goal tree, the Peta
//! Rencana with its totals, the analyses and the gateway's live facts.
//!
//! Like the assessment report it is self-contained (its stylesheet inline, allowed by hash in
//! its own CSP, nothing else allowed) and its print stylesheet starts each part on a new page
//! and hides the way back to the console, so "print to PDF" gives a clean document.
//!
//! [`render`] is a pure function of the model, so the benchmark (`arch-report-bench`) times
//! exactly what the page does; it is one pass per part over the model, no element is looked up
//! by scanning.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use sha2::{Digest, Sha256};
use wadah_domain::architecture::analysis::analyse;
use wadah_domain::architecture::roadmap::totals;
use wadah_domain::architecture::{ArchitectureModel, Details, Element, ElementKind, ModelElement, Period};
use wadah_domain::{Actor, Meta};

use super::analysis::{analysis_tables, live_tables};
use super::diagrams::{cooperation, layered};
use super::roadmap::{AgencyFilter, ITEM_HEAD, item_rows, totals_tables};
use super::{agency_param, base_href, count, kinds_label, model, period_of};
use crate::api::architecture::live::{LiveFacts, live_facts};
use crate::console::Ctx;
use crate::console::view::{Cell, Table};
use crate::portal::Lang;
use crate::portal::format::integer;
use crate::state::AppState;

const CSS: &str = include_str!("../../../templates/architecture/report.css");

/// The report's Content-Security-Policy: its inline stylesheet by hash, nothing else.
pub static CSP: LazyLock<String> = LazyLock::new(|| {
    let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(CSS.as_bytes()));
    format!(
        "default-src 'none'; style-src 'sha256-{hash}'; img-src 'self' data:; base-uri 'none'; \
         form-action 'none'; frame-ancestors 'none'"
    )
});

/// One domain's part of the document.
struct DomainPart {
    id: &'static str,
    heading: String,
    table: Table,
}

#[derive(Template)]
#[template(path = "architecture/report.html")]
struct Report {
    lang: Lang,
    css: &'static str,
    title: String,
    subtitle: String,
    back: String,
    toc: Vec<(String, String)>,
    summary: Table,
    diagrams: Vec<(String, String)>,
    domains: Vec<DomainPart>,
    goals: Option<String>,
    roadmap: Table,
    totals: Vec<Table>,
    analyses: Vec<(String, Table)>,
    live: Vec<Table>,
    footer: String,
}

impl Report {
    fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
}

/// What the document is of.
#[derive(Debug)]
pub struct ReportInput<'a> {
    pub lang: Lang,
    pub period: Period,
    /// The agency, or `None` for the whole city.
    pub agency: Option<&'a str>,
    pub model: &'a ArchitectureModel,
    pub live: Option<&'a LiveFacts>,
    /// When it was made, already in words.
    pub made: &'a str,
}

/// The snake-case word of one of the details' enums, as its JSON says it.
fn word<T: serde::Serialize>(x: &T) -> String {
    match serde_json::to_value(x) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// A short line of a domain element's own facts.
fn detail(lang: Lang, d: &Details) -> String {
    let v = |s: &str| lang.t(&format!("arch-value-{s}"));
    match d {
        Details::DataSet {
            classification,
            producer,
            walidata,
        } => {
            let mut s = format!(
                "{} · {} {producer}",
                v(&word(classification)),
                lang.t("arch-field-producer")
            );
            if !walidata.as_str().is_empty() {
                s.push_str(&format!(" · {}", walidata.as_str()));
            }
            s
        }
        Details::Service { area } => v(&word(area)),
        Details::Application {
            lifecycle,
            disposition,
            ..
        } => format!("{} · {}", v(lifecycle.as_str()), v(&word(disposition))),
        Details::Infrastructure { category } => v(&word(category)),
        Details::SecurityControl { status } => v(&word(status)),
        _ => String::new(),
    }
}

fn domain_table(lang: Lang, kind: ElementKind, elements: &[&ModelElement]) -> Table {
    let rows = elements
        .iter()
        .map(|e| {
            vec![
                Cell::text(e.spec.code.as_str()),
                Cell::text(e.spec.name.as_str()),
                Cell::text(e.agency.as_str()),
                Cell::text(e.spec.ref_code.as_ref().map_or("–", |r| r.as_str())),
                Cell::text(e.spec.parent.as_ref().map_or("–", |p| p.as_str())),
                Cell::text(if e.spec.owner.as_str().is_empty() {
                    lang.t("arch-no-owner")
                } else {
                    e.spec.owner.as_str().to_owned()
                }),
                Cell::text(detail(lang, &e.spec.details)),
            ]
        })
        .collect();
    Table {
        caption: kinds_label(lang, kind),
        head: [
            "arch-col-code",
            "arch-col-name",
            "console-col-agency",
            "arch-col-ref",
            "arch-col-parent",
            "arch-col-owner",
            "arch-col-facts",
        ]
        .iter()
        .map(|k| lang.t(k))
        .collect(),
        rows,
        empty: lang.t("console-empty"),
        more: None,
    }
}

fn summary_table(lang: Lang, m: &ArchitectureModel) -> Table {
    let mut per_agency: BTreeMap<&str, BTreeMap<ElementKind, u64>> = m
        .agencies
        .iter()
        .map(|a| (a.code.as_str(), BTreeMap::new()))
        .collect();
    let mut all: BTreeMap<ElementKind, u64> = BTreeMap::new();
    for e in &m.elements {
        *per_agency
            .entry(e.agency.as_str())
            .or_default()
            .entry(e.spec.kind())
            .or_default() += 1;
        *all.entry(e.spec.kind()).or_default() += 1;
    }
    let row = |label: String, counts: &BTreeMap<ElementKind, u64>| {
        let mut r = vec![Cell::text(label)];
        for k in ElementKind::ALL {
            r.push(Cell::text(integer(lang, counts.get(&k).copied().unwrap_or(0))));
        }
        r
    };
    let mut rows: Vec<Vec<Cell>> = per_agency.iter().map(|(a, c)| row((*a).to_owned(), c)).collect();
    rows.push(row(lang.t("arch-all-agencies"), &all));
    let mut head = vec![lang.t("console-col-agency")];
    head.extend(ElementKind::ALL.iter().map(|k| kinds_label(lang, *k)));
    Table {
        caption: lang.t("arch-counts-caption"),
        head,
        rows,
        empty: lang.t("console-empty"),
        more: None,
    }
}

/// The roadmap items of the model as stored elements (what the totals take).
fn roadmap_items(m: &ArchitectureModel) -> Vec<Element> {
    let meta = Meta::new(&Actor::system("report"), chrono::DateTime::UNIX_EPOCH);
    m.elements
        .iter()
        .filter(|e| e.spec.kind() == ElementKind::RoadmapItem)
        .map(|e| Element {
            agency: e.agency.clone(),
            period: e.period,
            spec: e.spec.clone(),
            meta: meta.clone(),
        })
        .collect()
}

/// The document as HTML.
pub fn render(input: &ReportInput<'_>) -> Result<String, askama::Error> {
    let (lang, period, m) = (input.lang, input.period, input.model);
    let scope = match input.agency {
        Some(a) => a.to_owned(),
        None => lang.t("arch-report-city"),
    };
    let title = lang.t_args(
        "arch-report-title",
        &[("scope", &scope), ("period", &period.to_string())],
    );
    let mut by_kind: BTreeMap<ElementKind, Vec<&ModelElement>> = BTreeMap::new();
    for e in &m.elements {
        by_kind.entry(e.spec.kind()).or_default().push(e);
    }
    let domains: Vec<DomainPart> = ElementKind::DOMAINS
        .iter()
        .map(|k| DomainPart {
            id: k.as_str(),
            heading: kinds_label(lang, *k),
            table: domain_table(lang, *k, by_kind.get(k).map_or(&[][..], Vec::as_slice)),
        })
        .collect();
    let mut toc = vec![
        ("ringkasan".to_owned(), lang.t("arch-report-summary")),
        ("diagram".to_owned(), lang.t("arch-report-diagrams")),
    ];
    toc.extend(
        domains
            .iter()
            .map(|d| (format!("domain-{}", d.id), d.heading.clone())),
    );
    toc.push(("tujuan".to_owned(), lang.t("arch-goal-tree")));
    toc.push(("peta-rencana".to_owned(), lang.t("arch-roadmap")));
    toc.push(("analisis".to_owned(), lang.t("arch-tab-analysis")));
    let mut diagrams = Vec::new();
    if let Some(svg) = layered(lang, "lapisan", m) {
        diagrams.push((lang.t("arch-layered-title"), svg));
    }
    if let Some(svg) = cooperation(lang, "kerja-sama", m, input.live) {
        diagrams.push((lang.t("arch-cooperation-title"), svg));
    }
    let items = roadmap_items(m);
    let sums = totals(&items).unwrap_or_default();
    let roadmap = Table {
        caption: lang.t("arch-roadmap-items"),
        head: ITEM_HEAD.iter().map(|k| lang.t(k)).collect(),
        rows: item_rows(lang, period, &items),
        empty: lang.t("console-empty"),
        more: None,
    };
    let analysis = analyse(m);
    let report = Report {
        lang,
        css: CSS,
        subtitle: lang.t_args(
            "arch-report-sub",
            &[
                ("elements", &integer(lang, count(m.elements.len()))),
                ("relations", &integer(lang, count(m.relations.len()))),
                ("made", input.made),
            ],
        ),
        title,
        back: base_href(period),
        toc,
        summary: summary_table(lang, m),
        diagrams,
        domains,
        goals: super::goals::tree_html(lang, period, m),
        roadmap,
        totals: totals_tables(lang, &sums),
        analyses: analysis_tables(lang, &analysis)
            .into_iter()
            .map(|(h, _, t)| (h, t))
            .collect(),
        live: input.live.map(|l| live_tables(lang, l)).unwrap_or_default(),
        footer: lang.t("arch-report-footer"),
    };
    report.render()
}

/// `GET /console/arsitektur/{period}/laporan?instansi=`: the document, as the reader may see
/// it (an agency-scoped reader gets its own agency's).
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
    let (m, scope) = match model(&state, &ctx, period, agency).await {
        Ok(m) => m,
        Err(e) => return ctx.fail(&e),
    };
    let live = match live_facts(&state, &ctx.who.caller(), scope.clone(), &m).await {
        Ok(l) => l,
        Err(e) => return ctx.fail(&e),
    };
    let made = crate::portal::format::date(ctx.lang, state.now());
    let input = ReportInput {
        lang: ctx.lang,
        period,
        agency: scope.as_ref().map(wadah_domain::Code::as_str),
        model: &m,
        live: live.as_ref(),
        made: &made,
    };
    let html = match render(&input) {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "the architecture report failed to render");
            return ctx.fail(&crate::error::ApiError::internal("the report failed to render"));
        }
    };
    let mut response = (StatusCode::OK, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    if let Ok(csp) = HeaderValue::from_str(&CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}
