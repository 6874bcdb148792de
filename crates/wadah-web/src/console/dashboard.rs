//! The dashboard (`/console/dasbor`) and the integration map (`/console/peta`): the admin
//! API's `/api/v1/traffic` and `/api/v1/integration-map` handlers, called with the session's
//! caller (so an agency admin sees their agency's exchanges only, and an evaluator gets the
//! API's 403), drawn as server-side SVG (`charts`, `map_svg`) with the same numbers as tables.
//! Upstream health is this node's gateway's view, when the node runs one.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Timelike as _, Utc};
use serde::Deserialize;

use super::Ctx;
use super::charts::{self, Bar, Line};
use super::map_svg::{self, MapText};
use super::view::{Cell, Fact, Field, Frame, Link, SearchForm, Table, render};
use crate::api::traffic::map::{IntegrationMap, MapLink, MapParams, integration_map};
use crate::api::traffic::{Figures, TrafficParams, TrafficReport, Window, traffic_report};
use crate::codes::ErrorCode;
use crate::extract;
use crate::portal::Lang;
use crate::portal::format::{decimal, integer};
use crate::state::AppState;

/// A chart with its heading; `svg` is markup built by `charts` (every text in it escaped).
pub struct Chart {
    pub heading: String,
    pub svg: String,
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    frame: Frame,
    heading: String,
    lead: String,
    windows: Vec<Link>,
    search: SearchForm,
    facts: Vec<Fact>,
    charts: Vec<Chart>,
    tables: Vec<Table>,
    /// Shown instead of the charts when the window has no exchange.
    empty: Option<String>,
}

/// The filters as typed (kept in the form after an error).
#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    jendela: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    layanan: String,
}

impl Params {
    fn window(&self) -> Window {
        match self.jendela.as_str() {
            "7d" => Window::Week,
            "30d" => Window::Month,
            _ => Window::Day,
        }
    }
}

fn window_links(lang: Lang, path: &str, p: &Params) -> Vec<Link> {
    [Window::Day, Window::Week, Window::Month]
        .into_iter()
        .map(|w| {
            let mut href = format!("{path}?jendela={}", w.as_str());
            for (name, value) in [("instansi", &p.instansi), ("layanan", &p.layanan)] {
                if !value.trim().is_empty() {
                    href.push_str(&format!(
                        "&{name}={}",
                        crate::portal::layout::encode_component(value.trim())
                    ));
                }
            }
            Link {
                href,
                label: lang.t(&format!("console-window-{}", w.as_str())),
                current: w == p.window(),
            }
        })
        .collect()
}

fn filter_form(lang: Lang, action: &str, p: &Params, with_service: bool) -> SearchForm {
    let windows = [Window::Day, Window::Week, Window::Month]
        .into_iter()
        .map(|w| {
            (
                w.as_str().to_owned(),
                lang.t(&format!("console-window-{}", w.as_str())),
            )
        })
        .collect();
    let mut fields = vec![
        Field::new(
            "jendela",
            lang.t("console-dash-window"),
            "select",
            p.window().as_str(),
        )
        .options(windows),
        Field::new(
            "instansi",
            lang.t("console-col-agency"),
            "text",
            p.instansi.trim(),
        )
        .max(64),
    ];
    if with_service {
        fields.push(
            Field::new("layanan", lang.t("console-col-service"), "text", p.layanan.trim())
                .max(200)
                .hint(lang.t("console-dash-hint-service")),
        );
    }
    SearchForm {
        action: action.to_owned(),
        fields,
        submit: lang.t("console-dash-show"),
        error: None,
    }
}

fn ms(lang: Lang, v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("≈ {} ms", decimal(lang, v, 1)))
}

fn error_rate(lang: Lang, f: &Figures) -> String {
    if f.requests == 0 {
        return "–".to_owned();
    }
    #[allow(clippy::cast_precision_loss)] // counts far below 2^52
    let pct = 100.0 * f.server_errors as f64 / f.requests as f64;
    format!("{} %", decimal(lang, pct, 1))
}

/// The axis label of bucket `i` (WITA): hours for the day, dates for longer windows, thinned.
fn bucket_label(window: Window, i: usize, start: DateTime<Utc>) -> String {
    let local = start.with_timezone(&super::records::wita());
    match window {
        Window::Day if i.is_multiple_of(3) => local.format("%H.%M").to_string(),
        Window::Week if local.hour() < 6 => local.format("%d/%m").to_string(),
        Window::Month if i.is_multiple_of(5) => local.format("%d/%m").to_string(),
        _ => String::new(),
    }
}

fn bucket_name(window: Window, start: DateTime<Utc>) -> String {
    let local = start.with_timezone(&super::records::wita());
    match window {
        Window::Day | Window::Week => local.format("%d/%m %H.%M").to_string(),
        Window::Month => local.format("%d/%m").to_string(),
    }
}

fn charts_of(lang: Lang, report: &TrafficReport) -> Vec<Chart> {
    let bars: Vec<Bar> = (0..)
        .zip(&report.series)
        .map(|(i, p)| Bar {
            label: bucket_label(report.window, i, p.start),
            #[allow(clippy::cast_precision_loss)]
            total: p.figures.requests as f64,
            #[allow(clippy::cast_precision_loss)]
            bad: p.figures.server_errors as f64,
            tip: lang.t_args(
                "console-dash-bar-tip",
                &[
                    ("when", &bucket_name(report.window, p.start)),
                    ("requests", &integer(lang, p.figures.requests)),
                    ("errors", &integer(lang, p.figures.server_errors)),
                ],
            ),
        })
        .collect();
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // axis values are counts
    let count = |v: f64| integer(lang, v.round() as u64);
    let requests = charts::bars(
        "grafik-permintaan",
        &lang.t("console-dash-requests-chart"),
        &lang.t("console-dash-requests-desc"),
        &bars,
        &count,
    );
    let labels: Vec<String> = (0..)
        .zip(&report.series)
        .map(|(i, p)| bucket_label(report.window, i, p.start))
        .collect();
    let latency = charts::lines(
        "grafik-latensi",
        &lang.t("console-dash-latency-chart"),
        &lang.t("console-dash-latency-desc"),
        &labels,
        &[
            Line {
                class: "p50",
                name: "p50".into(),
                values: report.series.iter().map(|p| p.figures.p50_ms).collect(),
            },
            Line {
                class: "p95",
                name: "p95".into(),
                values: report.series.iter().map(|p| p.figures.p95_ms).collect(),
            },
        ],
        // Whole milliseconds unless the grid steps are fractions (sub-millisecond answers).
        &|v| format!("{} ms", decimal(lang, v, usize::from(v.fract().abs() > 1e-9))),
    );
    vec![
        Chart {
            heading: lang.t("console-dash-requests-chart"),
            svg: requests,
        },
        Chart {
            heading: lang.t("console-dash-latency-chart"),
            svg: latency,
        },
    ]
}

fn health(ctx: &Ctx, state: &AppState, service: &str) -> String {
    match state.node().upstream_status(service) {
        Some((health, circuit)) => format!(
            "{} · {}",
            ctx.t(&format!("console-health-{health}")),
            ctx.t(&format!("console-circuit-{circuit}"))
        ),
        None => ctx.t("console-health-not-here"),
    }
}

fn tables_of(ctx: &Ctx, state: &AppState, report: &TrafficReport) -> Vec<Table> {
    let lang = ctx.lang;
    let figures = |f: &Figures| {
        vec![
            Cell::text(integer(lang, f.requests)),
            Cell::text(error_rate(lang, f)),
            Cell::text(ms(lang, f.p50_ms)),
            Cell::text(ms(lang, f.p95_ms)),
        ]
    };
    let head = |first: &str, extra: Option<&str>| {
        let mut h = vec![
            ctx.t(first),
            ctx.t("console-dash-requests"),
            ctx.t("console-dash-error-rate"),
            "p50".to_owned(),
            "p95".to_owned(),
        ];
        h.extend(extra.map(|k| ctx.t(k)));
        h
    };
    let services = report
        .services
        .iter()
        .map(|s| {
            let key = format!("{}/{}/{}", s.agency, s.application, s.service);
            let href = format!(
                "/console/instansi/{}/aplikasi/{}/layanan/{}",
                s.agency, s.application, s.service
            );
            let mut row = vec![Cell::link(key.clone(), href)];
            row.extend(figures(&s.figures));
            row.push(Cell::text(health(ctx, state, &key)));
            row
        })
        .collect();
    let consumers = report
        .consumers
        .iter()
        .map(|c| {
            let mut row = vec![Cell::text(format!("{}/{}", c.agency, c.application))];
            row.extend(figures(&c.figures));
            row
        })
        .collect();
    let series = report
        .series
        .iter()
        .map(|p| {
            let mut row = vec![Cell::text(bucket_name(report.window, p.start))];
            row.extend(figures(&p.figures));
            row
        })
        .collect();
    vec![
        Table {
            caption: ctx.t("console-dash-services"),
            head: head("console-col-service", Some("console-dash-upstream")),
            rows: services,
            empty: ctx.t("console-empty"),
            more: None,
        },
        Table {
            caption: ctx.t("console-dash-consumers"),
            head: head("console-col-consumer", None),
            rows: consumers,
            empty: ctx.t("console-empty"),
            more: None,
        },
        Table {
            caption: ctx.t("console-dash-series"),
            head: head("console-dash-time", None),
            rows: series,
            empty: ctx.t("console-empty"),
            more: None,
        },
    ]
}

impl DashboardPage {
    /// The page's frame, window links and filters (keys `{key}-title`, `{key}-intro`), before
    /// any figure is read.
    fn start(ctx: &Ctx, p: &Params, path: &str, key: &str, with_service: bool) -> Self {
        let title = ctx.t(&format!("{key}-title"));
        Self {
            frame: ctx.frame(title.clone()),
            heading: title,
            lead: ctx.t(&format!("{key}-intro")),
            windows: window_links(ctx.lang, path, p),
            search: filter_form(ctx.lang, path, p, with_service),
            facts: Vec::new(),
            charts: Vec::new(),
            tables: Vec::new(),
            empty: None,
        }
    }

    /// The page with the filter error above the form (400), what was typed kept.
    fn bad_filter(mut self, ctx: &Ctx) -> Response {
        self.search.error = Some(ctx.t("console-dash-bad-filter"));
        render(StatusCode::BAD_REQUEST, &self)
    }
}

/// The agency filter as typed: none, a valid code, or `Err` for anything else.
fn agency_filter(p: &Params) -> Result<Option<wadah_domain::Code>, ()> {
    non_empty(&p.instansi)
        .map(|a| wadah_domain::Code::parse(&a).map_err(|_| ()))
        .transpose()
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(200).collect())
}

/// `GET /console/dasbor`: traffic, errors and latency over a window, per service and consumer.
pub async fn dashboard(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let lang = ctx.lang;
    let p = params.map(|q| q.0).unwrap_or_default();
    let mut page = DashboardPage::start(&ctx, &p, "/console/dasbor", "console-dash", true);
    let Ok(agency) = agency_filter(&p) else {
        return page.bad_filter(&ctx);
    };
    let query = TrafficParams {
        window: Some(p.window()),
        agency,
        service: non_empty(&p.layanan),
    };
    let report = match traffic_report(State(state.clone()), ctx.who.caller(), extract::Query(query)).await {
        Ok(r) => r.0,
        Err(e) if e.code() == ErrorCode::InvalidQuery => return page.bad_filter(&ctx),
        Err(e) => return ctx.fail(&e),
    };
    let t = &report.totals;
    page.facts = vec![
        Fact::new(ctx.t("console-dash-requests"), integer(lang, t.requests)),
        Fact::new(ctx.t("console-dash-error-rate"), error_rate(lang, t)),
        Fact::new(
            ctx.t("console-dash-client-errors"),
            integer(lang, t.client_errors),
        ),
        Fact::new("p50", ms(lang, t.p50_ms)),
        Fact::new("p95", ms(lang, t.p95_ms)),
    ];
    if t.requests == 0 {
        page.empty = Some(ctx.t("console-dash-nothing"));
    } else {
        page.charts = charts_of(lang, &report);
    }
    page.tables = tables_of(&ctx, &state, &report);
    render(StatusCode::OK, &page)
}

fn link_tip(lang: Lang, l: &MapLink) -> String {
    let consumer = match &l.consumer.application {
        Some(app) => format!("{}/{app}", l.consumer.agency),
        None => lang.t_args(
            "console-map-whole-agency",
            &[("agency", l.consumer.agency.as_str())],
        ),
    };
    lang.t_args(
        "console-map-tip",
        &[
            ("consumer", &consumer),
            (
                "service",
                &format!("{}/{}/{}", l.agency, l.application, l.service),
            ),
            ("requests", &integer(lang, l.requests)),
            ("errors", &integer(lang, l.server_errors)),
            (
                "granted",
                &lang.t(if l.granted {
                    "console-map-granted"
                } else {
                    "console-map-not-granted"
                }),
            ),
        ],
    )
}

/// `GET /console/peta`: which applications call which services, from traffic and rights.
pub async fn map(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let lang = ctx.lang;
    let p = params.map(|q| q.0).unwrap_or_default();
    let mut page = DashboardPage::start(&ctx, &p, "/console/peta", "console-map", false);
    let Ok(agency) = agency_filter(&p) else {
        return page.bad_filter(&ctx);
    };
    let query = MapParams {
        window: Some(p.window()),
        agency,
    };
    let IntegrationMap { links, truncated, .. } =
        match integration_map(State(state), ctx.who.caller(), extract::Query(query)).await {
            Ok(m) => m.0,
            Err(e) => return ctx.fail(&e),
        };
    let tip = |l: &MapLink| link_tip(lang, l);
    let text = MapText {
        title: &ctx.t("console-map-title"),
        desc: &ctx.t("console-map-desc"),
        consumers: &ctx.t("console-map-consumers"),
        services: &ctx.t("console-map-services"),
        tip: &tip,
    };
    match map_svg::draw(&links, &text) {
        Some(svg) => page.charts.push(Chart {
            heading: ctx.t("console-map-title"),
            svg,
        }),
        None => page.empty = Some(ctx.t("console-map-nothing")),
    }
    if truncated {
        page.lead = format!("{} {}", page.lead, ctx.t("console-map-truncated"));
    }
    let rows = links
        .iter()
        .map(|l| {
            vec![
                Cell::text(match &l.consumer.application {
                    Some(app) => format!("{}/{app}", l.consumer.agency),
                    None => format!("{}/*", l.consumer.agency),
                }),
                Cell::text(format!("{}/{}/{}", l.agency, l.application, l.service)),
                Cell::text(integer(lang, l.requests)),
                Cell::text(integer(lang, l.server_errors)),
                Cell::text(ctx.t(if l.granted {
                    "console-map-granted"
                } else {
                    "console-map-not-granted"
                })),
            ]
        })
        .collect();
    page.tables.push(Table {
        caption: ctx.t("console-map-links"),
        head: vec![
            ctx.t("console-col-consumer"),
            ctx.t("console-col-service"),
            ctx.t("console-dash-requests"),
            ctx.t("console-dash-server-errors"),
            ctx.t("console-map-right"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &page)
}
