//! Creating and editing agencies in the console (the platform admin): the form becomes the
//! API's `AgencySpec` (parsed by its one deserializer, a failure named by its field) and goes
//! to the API's `create_agency` or `update_agency` handler, so the rule that only the platform
//! operator manages agencies, the code rules and the duplicate check are the API's. A refusal
//! of a field comes back next to it with what was typed kept; anyone else gets the API's 403.
//!
//! | path | page |
//! |---|---|
//! | `/console/instansi/baru` | a new agency |
//! | `/console/instansi/{agency}/ubah` | edit an agency (its code stays) |

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value};
use wadah_domain::Code;
use wadah_domain::agency::AgencySpec;

use super::Ctx;
use super::registry::{agency_href, codes};
use super::view::{Field, FormPage, Link, render};
use crate::api;
use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

const FIELDS: [&str; 5] = ["code", "name", "government", "description", "operator"];

/// The governments to choose from.
async fn governments(state: &AppState, ctx: &Ctx) -> Vec<(String, String)> {
    let query = api::governments::GovernmentQuery {
        limit: Some(500),
        ..Default::default()
    };
    match api::governments::list_governments(State(state.clone()), ctx.who.caller(), extract::Query(query))
        .await
    {
        Ok(page) => page
            .0
            .items
            .iter()
            .map(|g| (g.spec.code.to_string(), g.spec.name.as_str().to_owned()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

fn fields(
    lang: Lang,
    values: &Map<String, Value>,
    editing: bool,
    governments: Vec<(String, String)>,
) -> Vec<Field> {
    let v = |name: &str| {
        values
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let f = |name: &str, kind| {
        Field::new(
            name,
            lang.t(&format!("console-agency-field-{name}")),
            kind,
            v(name),
        )
    };
    vec![
        f("code", "text")
            .required()
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-code")),
        f("name", "text").required().max(200),
        f("government", "select").options(governments),
        f("description", "textarea").max(4000),
        f("operator", "select").options(vec![
            ("false".to_owned(), lang.t("console-agency-operator-no")),
            ("true".to_owned(), lang.t("console-agency-operator-yes")),
        ]),
    ]
}

/// The form's values as the API's `AgencySpec`; an error names its field.
fn parse(values: &Map<String, Value>) -> Result<AgencySpec, String> {
    let mut body = values.clone();
    body.insert(
        "operator".to_owned(),
        Value::Bool(values.get("operator").and_then(Value::as_str) == Some("true")),
    );
    serde_path_to_error::deserialize::<_, AgencySpec>(Value::Object(body))
        .map_err(|e| field_of(&e.path().to_string()))
}

fn field_of(path: &str) -> String {
    let field = path.split(['.', '[']).next().unwrap_or_default();
    if FIELDS.contains(&field) {
        field.to_owned()
    } else {
        String::new()
    }
}

fn typed(form: &crate::session::FormData) -> Map<String, Value> {
    FIELDS
        .iter()
        .map(|n| ((*n).to_owned(), Value::String(form.get(n).trim().to_owned())))
        .collect()
}

struct Form {
    heading: String,
    action: String,
    cancel: String,
    version: Option<i64>,
    fields: Vec<Field>,
}

fn show(ctx: &Ctx, form: Form, problem: Option<(String, String)>) -> Response {
    let mut fields = form.fields;
    let mut error = None;
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if let Some((field, message)) = problem {
        match fields.iter_mut().find(|f| f.name == field) {
            Some(f) => f.error = Some(message),
            None => error = Some(message),
        }
    }
    let page = FormPage {
        frame: ctx.frame(form.heading.clone()),
        heading: form.heading,
        action: form.action,
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: form
            .version
            .map(|v| vec![("versi".to_owned(), v.to_string())])
            .unwrap_or_default(),
        fields,
        error,
        submit: ctx.t("console-save"),
        cancel: Link::new(form.cancel, ctx.t("console-cancel")),
    };
    render(status, &page)
}

/// Where a refusal belongs on the form: (field, message); `None`: a refusal page.
fn problem_of(lang: Lang, e: &ApiError) -> Option<(String, String)> {
    match e.code() {
        ErrorCode::ValidationFailed => Some(field_problem(
            lang,
            &field_of(&e.problem().field.unwrap_or_default()),
        )),
        ErrorCode::Duplicate => Some(("code".to_owned(), lang.t("console-duplicate-code"))),
        ErrorCode::StaleVersion => Some((String::new(), lang.t("console-stale-text"))),
        _ => None,
    }
}

fn field_problem(lang: Lang, field: &str) -> (String, String) {
    let message = lang
        .try_t(&format!("console-agency-invalid-{field}"))
        .unwrap_or_else(|| lang.t("console-invalid"));
    (field.to_owned(), message)
}

fn new_form(ctx: &Ctx, values: &Map<String, Value>, governments: Vec<(String, String)>) -> Form {
    Form {
        heading: ctx.t("console-agency-new"),
        action: "/console/instansi/baru".to_owned(),
        cancel: "/console/instansi".to_owned(),
        version: None,
        fields: fields(ctx.lang, values, false, governments),
    }
}

/// `GET /console/instansi/baru`.
pub async fn new_agency(State(state): State<AppState>, ctx: Ctx) -> Response {
    if let Err(e) = ctx.who.caller().manage_platform() {
        return ctx.fail(&e);
    }
    let governments = governments(&state, &ctx).await;
    show(&ctx, new_form(&ctx, &Map::new(), governments), None)
}

/// `POST /console/instansi/baru`.
pub async fn create_agency(State(state): State<AppState>, lang: Lang, posted: Posted) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, "/console/instansi/baru".to_owned());
    if let Err(e) = ctx.who.caller().manage_platform() {
        return ctx.fail(&e);
    }
    let values = typed(&posted.form);
    let outcome = match parse(&values) {
        Ok(spec) => {
            let code = spec.code.clone();
            api::agencies::create_agency(State(state.clone()), ctx.who.caller(), extract::Json(spec))
                .await
                .map(|_| code)
        }
        Err(field) => Err(ApiError::validation(field, "invalid")),
    };
    match outcome {
        Ok(code) => Redirect::to(&agency_href(&code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => {
                let governments = governments(&state, &ctx).await;
                show(&ctx, new_form(&ctx, &values, governments), Some(p))
            }
            None => ctx.fail(&e),
        },
    }
}

fn edit_form(
    ctx: &Ctx,
    code: &Code,
    version: i64,
    values: &Map<String, Value>,
    governments: Vec<(String, String)>,
) -> Form {
    Form {
        heading: ctx.t("console-agency-edit"),
        action: format!("{}/ubah", agency_href(code)),
        cancel: agency_href(code),
        version: Some(version),
        fields: fields(ctx.lang, values, true, governments),
    }
}

/// `GET /console/instansi/{agency}/ubah`.
pub async fn edit_agency(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let Some([code]) = codes([&raw]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let (version, agency) =
        match api::agencies::get_agency(State(state.clone()), caller.clone(), extract::Path(code.clone()))
            .await
        {
            Ok(a) => a.into_parts(),
            Err(e) => return ctx.fail(&e),
        };
    if let Err(e) = caller.manage_platform() {
        return ctx.fail(&e);
    }
    let s = &agency.spec;
    let values: Map<String, Value> = [
        ("code", s.code.to_string()),
        ("name", s.name.as_str().to_owned()),
        ("government", s.government.to_string()),
        ("description", s.description.as_str().to_owned()),
        ("operator", s.operator.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Value::String(v)))
    .collect();
    let governments = governments(&state, &ctx).await;
    show(&ctx, edit_form(&ctx, &code, version, &values, governments), None)
}

/// `POST /console/instansi/{agency}/ubah`.
pub async fn update_agency(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/instansi/{raw}/ubah"));
    let Some([code]) = codes([&raw]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = caller
        .read(&code, "agency", &code)
        .and_then(|()| caller.manage_platform())
    {
        return ctx.fail(&e);
    }
    let mut values = typed(&posted.form);
    values.insert("code".to_owned(), Value::String(code.to_string()));
    let version = posted.form.get("versi").parse::<i64>().unwrap_or_default();
    let outcome = match parse(&values) {
        Ok(spec) => api::agencies::update_agency(
            State(state.clone()),
            ctx.who.caller(),
            extract::Path(code.clone()),
            extract::IfMatch(version),
            extract::Json(spec),
        )
        .await
        .map(|_| ()),
        Err(field) => Err(ApiError::validation(field, "invalid")),
    };
    match outcome {
        Ok(()) => Redirect::to(&agency_href(&code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => {
                let governments = governments(&state, &ctx).await;
                show(
                    &ctx,
                    edit_form(&ctx, &code, version, &values, governments),
                    Some(p),
                )
            }
            None => ctx.fail(&e),
        },
    }
}
