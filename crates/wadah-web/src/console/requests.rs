//! Access requests: the list of those involving the person's agencies, one request, and the
//! provider's decision (approve, or reject with a reason shown to the requester). Reading and
//! deciding go through the admin API's handlers, so only the providing agency's admins (and
//! the platform admin) can decide, and a request between other agencies is a 404.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use wadah_domain::access::{AccessRequest, Decision, RequestStatus};

use super::registry::{application_href, service_href};
use super::view::{Cell, DecisionForm, Fact, Field, Page, Table, render};
use super::{Ctx, Paging, next_link};
use crate::api;
use crate::codes::ErrorCode;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::Posted;
use crate::state::AppState;

/// Longest reason accepted (the domain's `Line`).
const MAX_REASON: usize = 300;

fn status_label(lang: Lang, status: RequestStatus) -> String {
    lang.t(&format!("console-status-{}", status.as_str()))
}

fn consumer(r: &AccessRequest) -> String {
    match &r.spec.consumer.application {
        Some(app) => format!("{}/{app}", r.spec.consumer.agency),
        None => r.spec.consumer.agency.to_string(),
    }
}

/// `GET /console/permohonan`: requests involving the person's agencies, newest state first.
pub async fn list(State(state): State<AppState>, ctx: Ctx, paging: Query<Paging>) -> Response {
    let query = api::requests::AccessRequestQuery {
        cursor: paging.0.lanjut,
        ..Default::default()
    };
    let page = match api::requests::list_requests(State(state), ctx.who.caller(), extract::Query(query)).await
    {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = page
        .items
        .iter()
        .map(|r| {
            vec![
                Cell::link(
                    r.spec.service.to_string(),
                    format!("/console/permohonan/{}", r.id),
                ),
                Cell::text(consumer(r)),
                Cell::text(status_label(lang, r.status)),
                Cell::text(format::date(lang, r.meta.created_at)),
            ]
        })
        .collect();
    let mut view = Page::new(
        ctx.frame(ctx.t("console-requests-title")),
        ctx.t("console-requests-title"),
    );
    view.lead = Some(ctx.t("console-requests-intro"));
    view.tables.push(Table {
        caption: ctx.t("console-requests-title"),
        head: vec![
            ctx.t("console-col-service"),
            ctx.t("console-col-consumer"),
            ctx.t("console-col-status"),
            ctx.t("console-col-created"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: next_link(lang, "/console/permohonan", page.next),
    });
    render(StatusCode::OK, &view)
}

/// The request page, with the decision form when the person may decide it.
fn request_page(ctx: &Ctx, r: &AccessRequest, reason: Field, status: StatusCode) -> Response {
    let lang = ctx.lang;
    let heading = ctx.t("console-request-title");
    let mut view = Page::new(ctx.frame(heading.clone()), heading);
    let mut facts = vec![
        Fact::new(ctx.t("console-col-service"), r.spec.service.to_string()),
        Fact::new(ctx.t("console-col-consumer"), consumer(r)),
        Fact::new(ctx.t("console-col-status"), status_label(lang, r.status)),
        Fact::new(ctx.t("console-purpose"), r.spec.purpose.as_str()),
        Fact::new(ctx.t("console-legal-basis"), r.spec.legal_basis.as_str()),
        Fact::new(
            ctx.t("console-col-created"),
            format::date(lang, r.meta.created_at),
        ),
    ];
    if !r.reason.is_empty() {
        facts.push(Fact::new(ctx.t("console-reason"), r.reason.clone()));
    }
    if let Some(by) = &r.decided_by {
        facts.push(Fact::new(ctx.t("console-decided-by"), by.as_str()));
    }
    view.facts = facts;
    let provider = &r.spec.service.agency;
    if ctx.who.principal.can_read_agency(provider) {
        view.actions.push(super::view::Link::new(
            service_href(&r.spec.service),
            ctx.t("console-open-service"),
        ));
    }
    if let Some(app) = r
        .spec
        .consumer
        .application
        .as_ref()
        .filter(|_| ctx.who.principal.can_read_agency(&r.spec.consumer.agency))
    {
        view.actions.push(super::view::Link::new(
            application_href(&r.spec.consumer.agency, app),
            ctx.t("console-open-consumer"),
        ));
    }
    if r.status == RequestStatus::Pending && ctx.who.principal.can_write_agency(provider) {
        view.decision = Some(DecisionForm {
            action: format!("/console/permohonan/{}/keputusan", r.id),
            csrf: ctx.who.csrf_token().to_owned(),
            fields: vec![reason],
        });
    }
    render(status, &view)
}

fn reason_field(lang: Lang, value: &str) -> Field {
    Field::new("alasan", lang.t("console-reason"), "text", value)
        .max(MAX_REASON)
        .hint(lang.t("console-hint-reason"))
}

/// `GET /console/permohonan/{id}`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    if id.len() > 64 {
        return ctx.not_found();
    }
    match api::requests::get_request(State(state), ctx.who.caller(), extract::Path(id)).await {
        Ok(r) => request_page(
            &ctx,
            &r.into_parts().1,
            reason_field(ctx.lang, ""),
            StatusCode::OK,
        ),
        Err(e) => ctx.fail(&e),
    }
}

/// `POST /console/permohonan/{id}/keputusan`: `keputusan=setujui|tolak`, `alasan`.
pub async fn decide(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/permohonan/{id}"));
    if id.len() > 64 {
        return ctx.not_found();
    }
    let approve = match posted.form.get("keputusan") {
        "setujui" => true,
        "tolak" => false,
        _ => return ctx.fail(&crate::error::ApiError::invalid_query("keputusan")),
    };
    let reason = posted.form.get("alasan").trim().to_owned();
    let decision: Result<Decision, _> = serde_json::from_value(json!({"approve": approve, "reason": reason}));
    let caller = ctx.who.caller();
    let outcome = match decision {
        Ok(decision) => {
            api::requests::decide_request(
                State(state.clone()),
                caller.clone(),
                extract::Path(id.clone()),
                extract::Json(decision),
            )
            .await
        }
        Err(_) => Err(crate::error::ApiError::validation("reason", "too long")),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("/console/permohonan/{id}")).into_response(),
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            // Show the request again with the typed reason and the message next to it.
            match api::requests::get_request(State(state), caller, extract::Path(id)).await {
                Ok(r) => {
                    let mut field = reason_field(lang, &reason);
                    field.error = Some(lang.t("console-invalid-reason"));
                    request_page(&ctx, &r.into_parts().1, field, StatusCode::UNPROCESSABLE_ENTITY)
                }
                Err(e) => ctx.fail(&e),
            }
        }
        Err(e) => ctx.fail(&e),
    }
}
