//! The improvement planner page: a target (an index such as `3.50`, or a predicate such as
//! *Sangat Baik*), the effort per level step in rupiah and months (defaults from the API,
//! editable), indicators to leave alone; the answer is the cheapest set of raises (the domain's
//! exact optimisation, through the API's plan handler) with the index it leads to, and a form
//! that writes those raises into an agency's Peta Rencana (the API's roadmap handler).
//!
//! The plan form is a `GET` (computing changes nothing, and the address can be shared); the
//! roadmap form repeats the plan's parameters as hidden fields and is a CSRF-protected `POST`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use wadah_domain::Code;
use wadah_domain::architecture::{Period, Year};
use wadah_domain::index::assessment::Assessment;

use super::planner_form::{amount, cost_names, plan_fields, request, rpjmd_period};
use super::{checked_id, href};
use crate::api;
use crate::api::assessments::plan::{PlanView, RoadmapRequest};
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::view::{Field, Frame, Link, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::Posted;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/planner.html")]
struct PlannerPage {
    frame: Frame,
    heading: String,
    back: Link,
    action: String,
    fields: Vec<Field>,
    error: Option<String>,
    plan: Option<PlanView>,
    /// (indicator, href, from → to, rupiah, months) per raise.
    raises: Vec<(String, String, String, String, String)>,
    totals: (String, String),
    /// The roadmap form (with the plan's parameters as hidden fields).
    roadmap_action: String,
    csrf: String,
    hidden: Vec<(String, String)>,
    roadmap_fields: Vec<Field>,
    roadmap_error: Option<String>,
    notice: Option<String>,
    created: Vec<String>,
}

impl PlannerPage {
    fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// Whether the roadmap form is offered: raises to convert and an agency to receive them.
    fn can_convert(&self) -> bool {
        !self.raises.is_empty() && self.roadmap_fields.first().is_some_and(|f| !f.options.is_empty())
    }
}

fn page(ctx: &Ctx, a: &Assessment, max: u8, v: &HashMap<String, String>) -> PlannerPage {
    let lang = ctx.lang;
    let heading = lang.t_args("console-plan-title", &[("year", &a.spec.year.to_string())]);
    let next_year = a.spec.year.saturating_add(1);
    let get = |k: &str, d: String| v.get(k).cloned().unwrap_or(d);
    let roadmap_fields = vec![
        Field::new(
            "instansi",
            lang.t("console-plan-agency"),
            "select",
            get("instansi", "diskominfo".to_owned()),
        ),
        Field::new(
            "periode",
            lang.t("console-plan-period"),
            "text",
            get("periode", rpjmd_period(next_year)),
        )
        .max(9),
        Field::new(
            "tahun",
            lang.t("console-plan-year"),
            "number",
            get("tahun", next_year.to_string()),
        ),
    ];
    PlannerPage {
        frame: ctx.frame(heading.clone()),
        heading,
        back: Link::new(href(&a.id), lang.t("console-index-back")),
        action: format!("{}/rencana", href(&a.id)),
        fields: plan_fields(lang, max, v),
        error: None,
        plan: None,
        raises: Vec::new(),
        totals: (String::new(), String::new()),
        roadmap_action: format!("{}/rencana/peta", href(&a.id)),
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: Vec::new(),
        roadmap_fields,
        roadmap_error: None,
        notice: None,
        created: Vec::new(),
    }
}

/// Puts `error` next to `field` (or on the form).
fn mark(fields: &mut [Field], form_error: &mut Option<String>, field: &str, message: String) {
    match fields
        .iter_mut()
        .find(|f| f.name == field || f.name.starts_with(&format!("{field}_")))
    {
        Some(f) => f.error = Some(message),
        None => *form_error = Some(message),
    }
}

/// Computes the plan of the form's values into `p`; the status to answer with.
/// `Err` is a failure that is no problem of the form (a refusal, the store).
async fn plan_into(
    state: &AppState,
    ctx: &Ctx,
    id: &str,
    p: &mut PlannerPage,
    v: &HashMap<String, String>,
    max: u8,
) -> Result<StatusCode, ApiError> {
    let lang = ctx.lang;
    let request = match request(max, v) {
        Ok(r) => r,
        Err(field) => {
            mark(
                &mut p.fields,
                &mut p.error,
                field,
                lang.t(&format!("console-plan-invalid-{field}")),
            );
            return Ok(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let answer = api::assessments::plan::plan_assessment(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(id.to_owned()),
        extract::Json(request),
    )
    .await;
    match answer {
        Ok(plan) => {
            let plan = plan.0;
            p.raises = plan
                .raises
                .iter()
                .map(|r| {
                    (
                        format!("{}. {}", r.indicator, r.name),
                        format!("{}/indikator/{}", href(id), r.indicator),
                        format!("{} → {}", r.from, r.to),
                        format!("Rp {}", format::integer(lang, r.rupiah)),
                        r.months.to_string(),
                    )
                })
                .collect();
            p.totals = (
                format!("Rp {}", format::integer(lang, plan.total_rupiah)),
                plan.total_months.to_string(),
            );
            p.hidden = p
                .fields
                .iter()
                .map(|f| (f.name.clone(), f.value.clone()))
                .collect();
            p.plan = Some(plan);
            Ok(StatusCode::OK)
        }
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = match e.problem().field.as_deref() {
                Some("step_costs") => "rupiah",
                Some("exclude") => "kecuali",
                _ => "target",
            };
            let message = format!(
                "{} ({})",
                lang.t(&format!("console-plan-invalid-{field}")),
                e.problem().detail
            );
            mark(&mut p.fields, &mut p.error, field, message);
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => Err(e),
    }
}

async fn agencies(state: &AppState, ctx: &Ctx) -> Vec<(String, String)> {
    let query = api::agencies::AgencyQuery {
        limit: Some(500),
        ..Default::default()
    };
    match api::agencies::list_agencies(State(state.clone()), ctx.who.caller(), extract::Query(query)).await {
        Ok(page) => page
            .0
            .items
            .iter()
            .filter(|a| ctx.who.principal.can_write_agency(&a.spec.code))
            .map(|a| (a.spec.code.to_string(), a.spec.name.to_string()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

async fn assessment(state: &AppState, ctx: &Ctx, id: &str) -> Result<(Assessment, u8), ApiError> {
    let a = api::assessments::get_assessment(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(id.to_owned()),
    )
    .await?
    .into_parts()
    .1
    .assessment;
    let max = super::page::max_level(&a);
    Ok((a, max))
}

/// `GET /console/indeks/{id}/rencana[?target=…&rupiah_0=…]`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<String>,
    Query(v): Query<HashMap<String, String>>,
) -> Response {
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    let (a, max) = match assessment(&state, &ctx, &id).await {
        Ok(x) => x,
        Err(e) => return ctx.fail(&e),
    };
    let mut p = page(&ctx, &a, max, &v);
    p.roadmap_fields[0].options = agencies(&state, &ctx).await;
    let status = if v.contains_key("target") {
        match plan_into(&state, &ctx, &id, &mut p, &v, max).await {
            Ok(status) => status,
            Err(e) => return ctx.fail(&e),
        }
    } else {
        StatusCode::OK
    };
    render(status, &p)
}

/// `POST /console/indeks/{id}/rencana/peta`: the plan's raises into the chosen Peta Rencana.
pub async fn to_roadmap(
    State(state): State<AppState>,
    lang: Lang,
    Path(id): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/indeks/{id}/rencana"));
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    let (a, max) = match assessment(&state, &ctx, &id).await {
        Ok(x) => x,
        Err(e) => return ctx.fail(&e),
    };
    let names = ["target", "kecuali", "instansi", "periode", "tahun"]
        .into_iter()
        .map(str::to_owned)
        .chain((0..max).flat_map(|l| <[String; 2]>::from(cost_names(l))));
    let v: HashMap<String, String> = names
        .map(|n| {
            let value = posted.form.get(&n).to_owned();
            (n, value)
        })
        .collect();
    let mut p = page(&ctx, &a, max, &v);
    p.roadmap_fields[0].options = agencies(&state, &ctx).await;
    match plan_into(&state, &ctx, &id, &mut p, &v, max).await {
        Ok(StatusCode::OK) => {}
        Ok(status) => return render(status, &p),
        Err(e) => return ctx.fail(&e),
    }
    let form = &posted.form;
    let plan = request(max, &v).ok();
    let period = Period::parse(form.get("periode").trim()).ok();
    let year = amount::<u16>(form.get("tahun")).and_then(|y| Year::parse("year", y).ok());
    let agency = Code::parse(form.get("instansi").trim()).ok();
    let (Some(plan), Some(period), Some(year), Some(agency)) = (plan, period, year, agency) else {
        for (field, bad) in [
            ("periode", Period::parse(form.get("periode").trim()).is_err()),
            ("tahun", year.is_none()),
            ("instansi", Code::parse(form.get("instansi").trim()).is_err()),
        ] {
            if bad {
                mark(
                    &mut p.roadmap_fields,
                    &mut p.roadmap_error,
                    field,
                    lang.t(&format!("console-plan-invalid-{field}")),
                );
            }
        }
        return render(StatusCode::UNPROCESSABLE_ENTITY, &p);
    };
    let request = RoadmapRequest {
        plan,
        period,
        agency,
        year,
    };
    let (agency, period) = (request.agency.to_string(), request.period.to_string());
    let made = api::assessments::plan::plan_to_roadmap(
        State(state),
        ctx.who.caller(),
        extract::Path(id),
        extract::Json(request),
    )
    .await;
    match made {
        Ok((_, items)) => {
            p.created = items
                .0
                .items
                .iter()
                .map(|e| format!("{} — {}", e.spec.code, e.spec.name))
                .collect();
            let count = p.created.len().to_string();
            p.notice = Some(lang.t_args(
                "console-plan-created",
                &[("count", &count), ("agency", &agency), ("period", &period)],
            ));
            render(StatusCode::CREATED, &p)
        }
        Err(e) if e.code() == ErrorCode::Duplicate => {
            p.roadmap_error = Some(lang.t("console-plan-already"));
            render(StatusCode::CONFLICT, &p)
        }
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = match e.problem().field.as_deref() {
                Some("agency") => "instansi",
                Some("year") | Some("period") | Some("first_year") | Some("budget") => "tahun",
                _ => "target",
            };
            let message = format!(
                "{} ({})",
                lang.t(&format!("console-plan-invalid-{field}")),
                e.problem().detail
            );
            mark(&mut p.roadmap_fields, &mut p.roadmap_error, field, message);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        Err(e) => ctx.fail(&e),
    }
}
