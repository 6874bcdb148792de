//! Adding a link as evidence from an indicator's page (the platform admin, in draft): the form
//! becomes the API's `LinkSpec` and goes to its `add_link` handler, so the levels rule (1..=max,
//! at least one) and the URL rule are the API's; a refusal comes back by its field with what
//! was typed kept.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::claims::page;
use super::{checked_id, href};
use crate::api;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::view::{Field, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

/// The link form's fields (`url`, `judul`, `tingkat`) with `values`.
pub(super) fn link_fields(lang: Lang, values: [&str; 3]) -> Vec<Field> {
    let [url, title, levels] = values;
    vec![
        Field::new("url", lang.t("console-index-link-url"), "url", url)
            .required()
            .max(2000),
        Field::new("judul", lang.t("console-index-link-title"), "text", title)
            .required()
            .max(300),
        Field::new("tingkat", lang.t("console-index-link-levels"), "text", levels)
            .required()
            .max(40)
            .hint(lang.t("console-index-link-levels-hint")),
    ]
}

/// The form's field of an API field name.
fn form_field(api_field: &str) -> &'static str {
    match api_field.split(['.', '[']).next().unwrap_or_default() {
        "url" => "url",
        "title" => "judul",
        _ => "tingkat",
    }
}

/// `POST /console/indeks/{id}/indikator/{number}/tautan`.
pub async fn add_link(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, number)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx {
        who: posted.who.clone(),
        lang,
        here: format!("/console/indeks/{id}/indikator/{number}"),
    };
    let (Some(id), Some(number)) = (
        checked_id(&id),
        number.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
    ) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let a = match api::assessments::get_assessment(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    let form = &posted.form;
    let version = form.get("versi").parse().unwrap_or(a.meta.version);
    let typed = [form.get("url"), form.get("judul"), form.get("tingkat")];
    let again = |field: Option<&str>, message: String| -> Response {
        let Some(mut p) = page(&ctx, &a, number, None) else {
            return ctx.not_found();
        };
        p.link_fields = link_fields(lang, typed);
        match p.link_fields.iter_mut().find(|f| Some(f.name.as_str()) == field) {
            Some(f) => f.error = Some(message),
            None => p.link_error = Some(message),
        }
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    let levels: Result<Vec<u8>, _> = form
        .get("tingkat")
        .split([',', ' ', ';'])
        .filter(|s| !s.is_empty())
        .map(str::parse::<u8>)
        .collect();
    let Ok(levels) = levels else {
        return again(Some("tingkat"), lang.t("console-index-invalid-tingkat"));
    };
    let body = json!({"url": form.get("url").trim(), "title": form.get("judul").trim(), "levels": levels});
    let outcome = match serde_path_to_error::deserialize::<_, api::assessments::LinkSpec>(body) {
        Ok(spec) => {
            api::assessments::add_link(
                State(state),
                caller,
                extract::Path((id.clone(), number)),
                extract::IfMatch(version),
                extract::Json(spec),
            )
            .await
        }
        Err(e) => Err(ApiError::validation(e.path().to_string(), e.inner().to_string())),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{}/indikator/{number}", href(&id))).into_response(),
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = form_field(&e.problem().field.unwrap_or_default());
            again(Some(field), lang.t(&format!("console-index-invalid-{field}")))
        }
        Err(e) if e.code() == ErrorCode::StaleVersion => again(None, lang.t("console-stale-text")),
        Err(e) => ctx.fail(&e),
    }
}
