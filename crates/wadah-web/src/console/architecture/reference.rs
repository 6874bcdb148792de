//! The reference codes (*kode referensi arsitektur*) in the console: the catalogue a
//! government's architecture may use — the national codes (levels 1–2, read-only) and the
//! city's local codes below them — with a form for a new local code and one that imports a
//! fuller national list from the annex's JSON. Only the platform admin changes the catalogue;
//! the API's handlers decide that, check the code's format and parent, and record the change.
//!
//! | path | page |
//! |---|---|
//! | `…/{period}/referensi?pemerintah=` | the catalogue (default: the person's government) |
//! | `…/{period}/referensi/baru` | a new local code (`POST` adds it) |
//! | `…/{period}/referensi/nasional` | import national codes (`POST` with the file's text) |

use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use wadah_domain::Code;
use wadah_domain::architecture::{LocalRefCodeSpec, Origin, Period};

use super::view::{ArchPage, Section, table};
use super::{base_href, period_of, titled};
use crate::api;
use crate::console::Ctx;
use crate::console::view::{Cell, Field, FormPage, Link, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

/// `?pemerintah=`: another government's catalogue.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Which {
    #[serde(default)]
    pub pemerintah: Option<String>,
}

fn href(period: Period, government: &Code) -> String {
    format!("{}/referensi?pemerintah={government}", base_href(period))
}

/// The government asked for, else the person's agency's, else the first one there is.
async fn government(state: &AppState, ctx: &Ctx, asked: Option<&str>) -> Result<Code, ApiError> {
    if let Some(raw) = asked.filter(|r| !r.is_empty()) {
        let code = Code::parse(raw).map_err(|_| ApiError::not_found("government", raw))?;
        state.store().get_government(&code).await?;
        return Ok(code);
    }
    if let Some(agency) = &ctx.who.caller().principal().agency {
        return Ok(state.store().get_agency(agency).await?.spec.government);
    }
    let first = state
        .store()
        .list_governments(&wadah_store::PageRequest::first(1))
        .await?;
    first
        .items
        .into_iter()
        .next()
        .map(|g| g.spec.code)
        .ok_or_else(|| ApiError::not_found("government", "-"))
}

fn origin(lang: Lang, origin: Origin) -> String {
    lang.t(match origin {
        Origin::National => "arch-ref-national",
        Origin::Local => "arch-ref-local",
    })
}

/// `GET /console/arsitektur/{period}/referensi`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    Query(which): Query<Which>,
) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let government = match government(&state, &ctx, which.pemerintah.as_deref()).await {
        Ok(g) => g,
        Err(e) => return ctx.fail(&e),
    };
    let codes = match api::architecture::reference::list_codes(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(government.clone()),
    )
    .await
    {
        Ok(list) => list.0.items,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = codes
        .iter()
        .map(|entry| {
            vec![
                Cell::text(entry.code.as_str().to_owned()),
                Cell::text(entry.name.as_str().to_owned()),
                Cell::text(entry.code.level().to_string()),
                Cell::text(origin(lang, entry.origin)),
            ]
        })
        .collect();
    let head = [
        "arch-ref-code",
        "arch-ref-name",
        "arch-ref-level",
        "arch-ref-origin",
    ];
    let caption = lang.t_args("arch-ref-caption", &[("government", government.as_str())]);
    let mut page = ArchPage::new(&ctx, period, titled(&ctx, "arch-ref-title", period), "referensi");
    page.lead = Some(ctx.t("arch-ref-intro"));
    if ctx.who.caller().principal().is_platform_admin() {
        let base = base_href(period);
        page.actions = vec![
            Link::new(
                format!("{base}/referensi/baru?pemerintah={government}"),
                ctx.t("arch-ref-new"),
            ),
            Link::new(format!("{base}/referensi/nasional"), ctx.t("arch-ref-import")),
        ];
    }
    page.sections
        .push(Section::new("kode", caption.clone()).table(table(&ctx, caption, &head, rows)));
    render(StatusCode::OK, &page)
}

fn local_form(ctx: &Ctx, period: Period, government: &Code, code: &str, name: &str) -> FormPage {
    let lang = ctx.lang;
    FormPage {
        frame: ctx.frame(ctx.t("arch-ref-new")),
        heading: ctx.t("arch-ref-new"),
        action: format!("{}/referensi/baru", base_href(period)),
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: vec![("pemerintah".to_owned(), government.to_string())],
        fields: vec![
            Field::new("code", lang.t("arch-ref-code"), "text", code)
                .required()
                .max(64)
                .hint(lang.t("arch-ref-code-hint")),
            Field::new("name", lang.t("arch-ref-name"), "text", name)
                .required()
                .max(200),
        ],
        error: None,
        submit: ctx.t("console-save"),
        cancel: Link::new(href(period, government), ctx.t("console-cancel")),
    }
}

/// `GET …/referensi/baru`: the form (the API refuses anyone but the platform admin on `POST`;
/// the form is not offered to them either).
pub async fn new_local(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    Query(which): Query<Which>,
) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    if let Err(e) = ctx.who.caller().manage_platform() {
        return ctx.fail(&e);
    }
    match government(&state, &ctx, which.pemerintah.as_deref()).await {
        Ok(g) => render(StatusCode::OK, &local_form(&ctx, period, &g, "", "")),
        Err(e) => ctx.fail(&e),
    }
}

/// Puts the API's refusal next to its field (`code` or `name`), or above the form.
fn with_error(mut form: FormPage, error: &ApiError) -> Response {
    let field = match error.problem().field.as_deref() {
        Some(f) if f.starts_with("name") => "name",
        Some(f) if f.starts_with("code") || f.starts_with("parent") => "code",
        _ => "",
    };
    let message = error.problem().detail;
    match form.fields.iter_mut().find(|f| f.name == field) {
        Some(f) => f.error = Some(message),
        None => form.error = Some(message),
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &form)
}

/// `POST …/referensi/baru`: the API's `create_local_code`.
pub async fn create_local(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(period): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let government = match government(&state, &ctx, Some(posted.form.get("pemerintah").trim())).await {
        Ok(g) => g,
        Err(e) => return ctx.fail(&e),
    };
    let (code, name) = (posted.form.get("code").trim(), posted.form.get("name").trim());
    let form = local_form(&ctx, period, &government, code, name);
    let spec: LocalRefCodeSpec = match serde_path_to_error::deserialize(json!({ "code": code, "name": name }))
    {
        Ok(spec) => spec,
        Err(e) => {
            let field = e.path().to_string();
            return with_error(form, &ApiError::validation(&field, e.inner().to_string()));
        }
    };
    let created = api::architecture::reference::create_local_code(
        State(state),
        ctx.who.caller(),
        extract::Path(government.clone()),
        extract::Json(spec),
    )
    .await;
    match created {
        Ok(_) => Redirect::to(&href(period, &government)).into_response(),
        Err(e) if matches!(e.code().status(), StatusCode::FORBIDDEN | StatusCode::NOT_FOUND) => ctx.fail(&e),
        Err(e) => with_error(form, &e),
    }
}

fn national_form(ctx: &Ctx, period: Period, text: &str) -> FormPage {
    let lang = ctx.lang;
    FormPage {
        frame: ctx.frame(ctx.t("arch-ref-import")),
        heading: ctx.t("arch-ref-import"),
        action: format!("{}/referensi/nasional", base_href(period)),
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: Vec::new(),
        fields: vec![
            // A form body is at most 1 MiB and URL-encoding can triple JSON: larger annexes go
            // through `POST /api/v1/architecture/reference-codes/national`.
            Field::new("file", lang.t("arch-ref-file"), "textarea", text)
                .required()
                .max(300_000)
                .from_file()
                .hint(lang.t("arch-ref-file-hint")),
        ],
        error: None,
        submit: ctx.t("arch-ref-import"),
        cancel: Link::new(
            format!("{}/referensi", base_href(period)),
            ctx.t("console-cancel"),
        ),
    }
}

/// `GET …/referensi/nasional`: the import form (platform admin).
pub async fn new_national(ctx: Ctx, Path(period): Path<String>) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    if let Err(e) = ctx.who.caller().manage_platform() {
        return ctx.fail(&e);
    }
    render(StatusCode::OK, &national_form(&ctx, period, ""))
}

/// `POST …/referensi/nasional`: the API's `import_national` with the file's text.
pub async fn import_national(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path(period): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let text = posted.form.get("file");
    let form = national_form(&ctx, period, text);
    let file = match serde_json::from_str::<Value>(text)
        .ok()
        .and_then(|v| serde_json::from_value::<api::architecture::reference::NationalFile>(v).ok())
    {
        Some(file) => file,
        None => {
            let error = ApiError::validation("file", lang.t("arch-ref-file-invalid"));
            return with_error(form, &error);
        }
    };
    let imported =
        api::architecture::reference::import_national(State(state), ctx.who.caller(), extract::Json(file))
            .await;
    match imported {
        Ok(_) => Redirect::to(&format!("{}/referensi", base_href(period))).into_response(),
        Err(e) if e.code().status() == StatusCode::FORBIDDEN => ctx.fail(&e),
        Err(e) => with_error(form, &e),
    }
}
