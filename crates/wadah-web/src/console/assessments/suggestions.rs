//! The platform's own evidence for an assessment (`…/{id}/saran`): what Wadah observed itself
//! (agencies and applications connected through the gateway, rights, traffic, registered
//! services, the architecture's completeness), per indicator, with the facts behind each
//! suggestion and what the platform cannot see. Nothing is applied until a person confirms
//! one: the confirm button calls the admin API's `apply_suggestion`, which records the facts
//! as an evidence item and sets the suggested level only where no claim exists yet.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use wadah_domain::index::assessment::AssessmentStatus;
use wadah_domain::index::assessment_policy::{AssessmentAction, may};

use super::{checked_id, href};
use crate::api;
use crate::console::Ctx;
use crate::console::view::{Frame, Link, render};
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

/// One suggestion as the page shows it.
pub struct Row {
    pub number: u32,
    pub name: String,
    pub suggested: String,
    pub evidence_levels: String,
    pub facts: Vec<String>,
    pub limits: String,
    /// Whether the platform's facts support any level (else there is nothing to confirm).
    pub confirmable: bool,
}

#[derive(Template)]
#[template(path = "console/suggestions.html")]
struct SuggestionsPage {
    frame: Frame,
    heading: String,
    back: Link,
    rows: Vec<Row>,
    /// The form target and token when the person may confirm (platform admin, draft).
    confirm: Option<(String, String)>,
    version: i64,
}

/// `GET /console/indeks/{id}/saran`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(id): Path<String>) -> Response {
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let assessment = match api::assessments::get_assessment(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    let list = match api::assessments::list_suggestions(State(state), caller, extract::Path(id.clone())).await
    {
        Ok(l) => l.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let instrument = wadah_domain::index::assessment::load_instrument(&assessment.spec.instrument).ok();
    let name_of = |n: u32| {
        instrument
            .as_ref()
            .and_then(|i| i.indicators.iter().find(|ind| ind.number == n))
            .map(|ind| ind.name.clone())
            .unwrap_or_default()
    };
    let rows = list
        .items
        .into_iter()
        .map(|s| Row {
            number: s.indicator,
            name: name_of(s.indicator),
            suggested: s
                .suggested_level
                .map_or_else(|| "–".to_owned(), |l| l.to_string()),
            evidence_levels: s
                .evidence_levels
                .iter()
                .map(u8::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            confirmable: !s.evidence_levels.is_empty(),
            facts: s.facts,
            limits: s.limits,
        })
        .collect();
    let editable =
        assessment.status == AssessmentStatus::Draft && may(&ctx.who.principal, AssessmentAction::Edit);
    let base = href(&id);
    let heading = lang.t("console-index-suggestions");
    let page = SuggestionsPage {
        frame: ctx.frame(heading.clone()),
        heading,
        back: Link::new(base.clone(), lang.t("console-index-back")),
        rows,
        confirm: editable.then(|| (format!("{base}/saran"), ctx.who.csrf_token().to_owned())),
        version: assessment.meta.version,
    };
    render(StatusCode::OK, &page)
}

/// `POST /console/indeks/{id}/saran/{number}`: confirm one suggestion.
pub async fn confirm(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, number)): Path<(String, u32)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/indeks/{id}/saran"));
    let Some(id) = checked_id(&id) else {
        return ctx.not_found();
    };
    let Ok(version) = posted.form.get("versi").parse::<i64>() else {
        return ctx.fail(&crate::error::ApiError::invalid_query("versi"));
    };
    match api::assessments::apply_suggestion(
        State(state),
        ctx.who.caller(),
        extract::Path((id.clone(), number)),
        extract::IfMatch(version),
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("{}#indikator-{number}", href(&id))).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
