//! "My requests" (`GET /developer/permohonan`): the person's access requests (their
//! application's, or their agency's), each with its status, the provider's decision and
//! reason, and once approved the right granted and its limits (methods, paths, rate per
//! minute, end date). Read through the admin API's handlers with the session's caller, so the
//! list is exactly what the API would show them. Opening it marks decisions as seen (the
//! badge of [`super::signed`]).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use wadah_domain::access::{AccessRequest, RequestStatus};

use super::signed::{self, Dev};
use crate::console::view::render;
use crate::portal::account::account;
use crate::portal::layout::Layout;
use crate::portal::{Lang, format};
use crate::state::AppState;
use crate::{api, extract};

/// One request as "my requests" shows it.
#[derive(Debug)]
pub struct Row {
    pub service: String,
    pub service_href: String,
    pub consumer: String,
    pub status: String,
    pub is_new: bool,
    pub approved: bool,
    pub created: String,
    pub decided: String,
    pub reason: String,
    /// The right's limits, once approved.
    pub limits: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "developer/requests.html")]
struct RequestsPage {
    page: Layout,
    notice: Option<String>,
    rows: Vec<Row>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ListParams {
    #[serde(default)]
    baru: String,
}

fn status_label(lang: Lang, status: RequestStatus) -> String {
    lang.t(&format!("console-status-{}", status.as_str()))
}

/// The right granted by an approved request, as label/value pairs.
async fn limits(state: &AppState, dev: &Dev, r: &AccessRequest) -> Vec<(String, String)> {
    let lang = dev.lang;
    let Some(right_id) = &r.right else {
        return Vec::new();
    };
    let right = match api::rights::get_right(
        State(state.clone()),
        dev.who.caller(),
        extract::Path(right_id.clone()),
    )
    .await
    {
        Ok(right) => right.into_parts().1,
        Err(_) => return vec![(lang.t("dev-right"), lang.t("dev-right-gone"))],
    };
    let default_limit = state
        .store()
        .get_service(&right.spec.service)
        .await
        .map(|s| s.spec.default_limit_per_minute)
        .ok();
    let rate = match (right.spec.limit_per_minute, default_limit) {
        (Some(n), _) => lang.t_count("dev-rate", n as usize),
        (None, Some(n)) => format!(
            "{} ({})",
            lang.t_count("dev-rate", n as usize),
            lang.t("dev-rate-default")
        ),
        (None, None) => lang.t("dev-rate-default"),
    };
    let join = |items: Vec<String>| {
        if items.is_empty() {
            lang.t("dev-all")
        } else {
            items.join(", ")
        }
    };
    vec![
        (lang.t("dev-right"), right.id.clone()),
        (
            lang.t("dev-field-methods"),
            join(
                right
                    .spec
                    .methods
                    .iter()
                    .map(|m| format!("{m:?}").to_uppercase())
                    .collect(),
            ),
        ),
        (
            lang.t("dev-field-paths"),
            join(right.spec.paths.iter().map(|p| String::from(p.clone())).collect()),
        ),
        (lang.t("dev-limit"), rate),
        (
            lang.t("dev-expires"),
            right
                .spec
                .expires_at
                .map_or_else(|| lang.t("dev-never"), |t| format::date(lang, t)),
        ),
    ]
}

/// `GET /developer/permohonan`.
pub async fn list(
    State(state): State<AppState>,
    dev: Dev,
    headers: HeaderMap,
    params: Result<Query<ListParams>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let lang = dev.lang;
    let query = api::requests::AccessRequestQuery {
        limit: Some(200),
        ..signed::own_requests(&dev.who)
    };
    let page =
        match api::requests::list_requests(State(state.clone()), dev.who.caller(), extract::Query(query))
            .await
        {
            Ok(p) => p.0,
            Err(e) => return dev.fail(&e),
        };
    let seen = signed::seen_at(&headers);
    let mut rows = Vec::new();
    for r in &page.items {
        let s = &r.spec.service;
        rows.push(Row {
            service: s.to_string(),
            service_href: format!("/developer/{}/{}/{}", s.agency, s.application, s.service),
            consumer: match &r.spec.consumer.application {
                Some(app) => format!("{}/{app}", r.spec.consumer.agency),
                None => r.spec.consumer.agency.to_string(),
            },
            status: status_label(lang, r.status),
            is_new: signed::is_new(r.status, r.decided_at, seen),
            approved: r.status == RequestStatus::Approved,
            created: format::date(lang, r.meta.created_at),
            decided: r.decided_at.map(|t| format::date(lang, t)).unwrap_or_default(),
            reason: r.reason.clone(),
            limits: if r.status == RequestStatus::Approved {
                limits(&state, &dev, r).await
            } else {
                Vec::new()
            },
        });
    }
    let created = params
        .ok()
        .map(|Query(p)| p.baru)
        .filter(|id| page.items.iter().any(|r| r.id == *id));
    let view = RequestsPage {
        page: Layout::new(lang, lang.t("dev-nav-requests"), &dev.here)
            .with_account(account(lang, &dev.here, &dev.who, 0)),
        notice: created.map(|_| lang.t("dev-request-sent")),
        rows,
    };
    let cookie = signed::seen_cookie(state.now(), dev.who.https());
    crate::session::with_cookie(render(StatusCode::OK, &view), &cookie)
}
