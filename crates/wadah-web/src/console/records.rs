//! The home page, the evidence log search and the change log (the users are in `users`). Each reads
//! through the admin API's handler of the same thing, narrowed to the person's scope there.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, FixedOffset, NaiveDateTime, Offset as _, TimeZone as _, Utc};
use serde::Deserialize;
use wadah_domain::access::RequestStatus;
use wadah_domain::audit::AuditExchange;

use super::registry::agency_href;
use super::view::{Cell, Fact, Field, Page, SearchForm, Table, render};
use super::{Ctx, Paging, next_link};
use crate::api;
use crate::codes::ErrorCode;
use crate::extract;
use crate::portal::Lang;
use crate::state::AppState;

/// Waktu Indonesia Tengah: the evidence search reads and shows times in the city's zone.
pub(crate) fn wita() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

fn when(at: DateTime<Utc>) -> String {
    at.with_timezone(&wita()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// `GET /console`: who is signed in and what they may manage.
pub async fn home(State(state): State<AppState>, ctx: Ctx) -> Response {
    let lang = ctx.lang;
    let who = &ctx.who;
    let caller = who.caller();
    let scope = who.principal.agency_scope();
    let agencies = match api::agencies::list_agencies(
        State(state.clone()),
        caller.clone(),
        extract::Query(api::agencies::AgencyQuery::default()),
    )
    .await
    {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let pending = api::requests::AccessRequestQuery {
        status: Some(RequestStatus::Pending),
        provider: scope.agency().cloned(),
        ..Default::default()
    };
    let pending = match api::requests::list_requests(State(state), caller, extract::Query(pending)).await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let heading = lang.t_args("console-home-title", &[("name", who.display_name.as_str())]);
    let mut view = Page::new(ctx.frame(ctx.t("console-nav-home")), heading);
    view.lead = Some(ctx.t(&format!("console-home-intro-{}", who.principal.role.as_str())));
    view.facts = vec![
        Fact::new(
            ctx.t("console-col-role"),
            ctx.t(&format!("console-role-{}", who.principal.role.as_str())),
        ),
        Fact::new(
            ctx.t("console-col-scope"),
            scope
                .agency()
                .map_or_else(|| ctx.t("console-scope-all"), |a| a.to_string()),
        ),
        Fact::new(
            ctx.t("console-signed-in-with"),
            ctx.t(&format!("console-method-{}", who.method.as_str())),
        ),
    ];
    view.tables.push(Table {
        caption: ctx.t("console-home-agencies"),
        head: vec![ctx.t("console-col-name"), ctx.t("console-col-code")],
        rows: agencies
            .items
            .iter()
            .map(|a| {
                vec![
                    Cell::link(a.spec.name.as_str(), agency_href(&a.spec.code)),
                    Cell::text(a.spec.code.as_str()),
                ]
            })
            .collect(),
        empty: ctx.t("console-empty"),
        more: next_link(lang, "/console/instansi", agencies.next),
    });
    let decides: Vec<_> = pending
        .items
        .iter()
        .filter(|r| who.principal.can_write_agency(&r.spec.service.agency))
        .map(|r| {
            vec![
                Cell::link(
                    r.spec.service.to_string(),
                    format!("/console/permohonan/{}", r.id),
                ),
                Cell::text(r.spec.consumer.agency.as_str()),
            ]
        })
        .collect();
    if who
        .principal
        .agency_scope()
        .agency()
        .is_none_or(|a| who.principal.can_write_agency(a))
    {
        view.tables.push(Table {
            caption: ctx.t("console-home-pending"),
            head: vec![ctx.t("console-col-service"), ctx.t("console-col-consumer")],
            rows: decides,
            empty: ctx.t("console-home-nothing-pending"),
            more: None,
        });
    }
    render(StatusCode::OK, &view)
}

/// The evidence search's parameters, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct EvidenceParams {
    #[serde(default)]
    request_id: String,
    #[serde(default)]
    consumer: String,
    #[serde(default)]
    service: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    lanjut: Option<String>,
}

/// A `datetime-local` value read as WITA; `Err` when it is not one.
fn local_time(raw: &str) -> Result<Option<DateTime<Utc>>, ()> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let naive = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| ())?;
    wita()
        .from_local_datetime(&naive)
        .single()
        .map(|t| Some(t.to_utc()))
        .ok_or(())
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.chars().take(200).collect())
}

fn evidence_fields(lang: Lang, p: &EvidenceParams) -> Vec<Field> {
    let f = |name: &str, kind, value: &str| {
        Field::new(name, lang.t(&format!("console-evidence-{name}")), kind, value).max(200)
    };
    vec![
        f("request_id", "text", &p.request_id),
        f("consumer", "text", &p.consumer).hint(lang.t("console-hint-consumer")),
        f("service", "text", &p.service).hint(lang.t("console-hint-service")),
        f("from", "datetime-local", &p.from),
        f("to", "datetime-local", &p.to),
    ]
}

fn exchange_row(lang: Lang, x: &AuditExchange) -> Vec<Cell> {
    let (status, ms) = match &x.outcome {
        Some(o) => (
            o.status.to_string(),
            crate::portal::format::integer(lang, o.duration_ms.max(0).unsigned_abs()),
        ),
        None => (lang.t("console-evidence-open"), String::new()),
    };
    vec![
        Cell::text(when(x.at)),
        Cell::text(x.request_id.clone()),
        Cell::text(format!("{}/{}", x.consumer_agency, x.consumer_application)),
        Cell::text(format!(
            "{}/{}/{}",
            x.service_agency, x.service_application, x.service
        )),
        Cell::text(format!("{} {}", x.method, x.path)),
        Cell::text(status),
        Cell::text(ms),
    ]
}

/// `GET /console/jejak`: search the evidence index (exchanges, newest first).
pub async fn evidence(
    State(state): State<AppState>,
    ctx: Ctx,
    params: Result<Query<EvidenceParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = ctx.lang;
    let params = params.map(|q| q.0).unwrap_or_default();
    let mut view = Page::new(
        ctx.frame(ctx.t("console-evidence-title")),
        ctx.t("console-evidence-title"),
    );
    view.lead = Some(ctx.t("console-evidence-intro"));
    let mut search = SearchForm {
        action: "/console/jejak".to_owned(),
        fields: evidence_fields(lang, &params),
        submit: ctx.t("console-search"),
        error: None,
    };
    let times = local_time(&params.from).and_then(|f| local_time(&params.to).map(|t| (f, t)));
    let Ok((from, to)) = times else {
        search.error = Some(ctx.t("console-evidence-bad-time"));
        view.search = Some(search);
        return render(StatusCode::BAD_REQUEST, &view);
    };
    let query = api::audit::AuditQuery {
        request_id: non_empty(&params.request_id),
        consumer: non_empty(&params.consumer),
        service: non_empty(&params.service),
        from,
        to,
        cursor: params.lanjut.clone(),
        ..Default::default()
    };
    let page = match api::audit::search_audit(State(state), ctx.who.caller(), extract::Query(query)).await {
        Ok(p) => p.0,
        Err(e) if e.code() == ErrorCode::InvalidQuery => {
            search.error = Some(ctx.t("console-evidence-bad-query"));
            view.search = Some(search);
            return render(StatusCode::BAD_REQUEST, &view);
        }
        Err(e) => return ctx.fail(&e),
    };
    view.search = Some(search);
    let more = page.next.map(|cursor| {
        let mut href = ctx.here.clone();
        href = href.split("&lanjut=").next().unwrap_or(&href).to_owned();
        let sep = if href.contains('?') { '&' } else { '?' };
        super::view::Link::new(
            format!(
                "{href}{sep}lanjut={}",
                crate::portal::layout::encode_component(&cursor)
            ),
            lang.t("console-next-page"),
        )
    });
    view.tables.push(Table {
        caption: ctx.t("console-evidence-results"),
        head: [
            "time",
            "request_id",
            "consumer",
            "service",
            "call",
            "status",
            "ms",
        ]
        .iter()
        .map(|c| ctx.t(&format!("console-evidence-col-{c}")))
        .collect(),
        rows: page.items.iter().map(|x| exchange_row(lang, x)).collect(),
        empty: ctx.t("console-evidence-none"),
        more,
    });
    render(StatusCode::OK, &view)
}

/// `GET /console/perubahan`: the change log, newest first.
pub async fn changes(State(state): State<AppState>, ctx: Ctx, paging: Query<Paging>) -> Response {
    let query = api::changes::ChangeQuery {
        cursor: paging.0.lanjut,
        ..Default::default()
    };
    let page = match api::changes::list_changes(State(state), ctx.who.caller(), extract::Query(query)).await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let rows = page
        .items
        .iter()
        .map(|c| {
            vec![
                Cell::text(when(c.at)),
                Cell::text(c.actor.as_str()),
                Cell::text(ctx.t(&format!("console-action-{}", c.action.as_str()))),
                Cell::text(c.kind.clone()),
                Cell::text(c.key.clone()),
            ]
        })
        .collect();
    let mut view = Page::new(
        ctx.frame(ctx.t("console-changes-title")),
        ctx.t("console-changes-title"),
    );
    view.tables.push(Table {
        caption: ctx.t("console-changes-title"),
        head: ["time", "actor", "action", "kind", "key"]
            .iter()
            .map(|c| ctx.t(&format!("console-changes-col-{c}")))
            .collect(),
        rows,
        empty: ctx.t("console-empty"),
        more: next_link(ctx.lang, "/console/perubahan", page.next),
    });
    render(StatusCode::OK, &view)
}
