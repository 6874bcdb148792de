//! Create and edit forms for applications and services.
//!
//! A submitted form becomes the same JSON the admin API receives (an edit starts from the
//! stored object, so fields the form does not show are kept), is parsed into the domain spec
//! (the one validation, `serde_path_to_error` naming the failing field) and goes to the API's
//! own create or update handler. On any problem the form comes back with what the person typed
//! and a message next to the field, in their language; nothing is stored. Form field names are
//! the JSON paths with `.` written as `_` (`lifecycle.active` → `lifecycle_active`), so an error
//! path finds its field without a table.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use wadah_domain::Code;
use wadah_domain::application::ApplicationSpec;
use wadah_domain::service::{ServiceRef, ServiceSpec};

use super::Ctx;
use super::registry::{application_href, codes, service_href};
use super::view::{Field, FormPage, Link, render};
use crate::api;
use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::{FormData, Posted};
use crate::state::AppState;

/// A form's field values by name (as typed, or from the stored object).
pub(super) type Values = Map<String, Value>;

pub(super) fn text(values: &Values, name: &str) -> String {
    match values.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

pub(super) fn options(lang: Lang, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), lang.t(&format!("{prefix}-{v}"))))
        .collect()
}

pub(super) fn label(lang: Lang, name: &str) -> String {
    lang.t(&format!("console-field-{name}"))
}

fn application_fields(lang: Lang, v: &Values, editing: bool) -> Vec<Field> {
    let f = |name: &str, kind| Field::new(name, label(lang, name), kind, text(v, name));
    vec![
        f("code", "text")
            .required()
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-code")),
        f("name", "text").required().max(200),
        f("description", "textarea").max(4000),
        f("kind", "select").options(options(lang, "console-kind", &["umum", "khusus"])),
        f("audience", "select").options(options(lang, "console-audience", &["public", "asn", "internal"])),
        f("lifecycle_stage", "select").options(options(
            lang,
            "console-stage",
            &["plan", "phase-in", "active", "phase-out", "end-of-life"],
        )),
        f("lifecycle_active", "date").hint(lang.t("console-hint-date")),
        f("raa_code", "text").max(40).hint(lang.t("console-hint-raa")),
        f("business_owner", "text"),
        f("technical_contact", "text"),
        f("url", "url").max(2000),
        f("web_upstream", "url")
            .max(2000)
            .hint(lang.t("console-hint-web_upstream")),
    ]
}

fn service_fields(lang: Lang, v: &Values, editing: bool) -> Vec<Field> {
    let f = |name: &str, kind| Field::new(name, label(lang, name), kind, text(v, name));
    vec![
        f("code", "text")
            .required()
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-code")),
        f("name", "text").required().max(200),
        f("description", "textarea").max(4000),
        f("upstream_url", "url")
            .required()
            .max(2000)
            .hint(lang.t("console-hint-upstream")),
        f("visibility", "select").options(options(lang, "console-visibility", &["public", "internal"])),
        f("classification", "select").options(options(
            lang,
            "console-classification",
            &["terbuka", "terbatas", "rahasia"],
        )),
        f("timeout_ms", "number"),
        f("default_limit_per_minute", "number"),
        f("openapi", "textarea")
            .max(wadah_domain::openapi::MAX_OPENAPI_BYTES)
            .hint(lang.t("console-hint-openapi"))
            .from_file(),
    ]
}

/// Lists shown in one-line inputs (`names`) as `a, b` (a line break would be lost there).
pub(super) fn join_words(values: &mut Values, names: &[&str]) {
    for name in names {
        if let Some(Value::Array(items)) = values.get(*name) {
            let joined = items
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            values.insert((*name).to_owned(), Value::String(joined));
        }
    }
}

/// The form's values of a stored object's JSON (nested fields flattened with `_`).
pub(super) fn flatten(value: &Value) -> Values {
    let mut out = Values::new();
    if let Value::Object(map) = value {
        for (k, v) in map {
            match v {
                Value::Object(inner) => {
                    for (ik, iv) in inner {
                        out.insert(format!("{k}_{ik}"), iv.clone());
                    }
                }
                other => {
                    out.insert(k.clone(), other.clone());
                }
            }
        }
    }
    out
}

/// The typed values of the fields `names` (for re-showing the form).
pub(super) fn typed(form: &FormData, fields: &[Field]) -> Values {
    fields
        .iter()
        .map(|f| (f.name.clone(), Value::String(form.get(&f.name).to_owned())))
        .collect()
}

/// A field-level error: which field and what to say.
pub(super) struct Problem {
    pub(super) field: Option<String>,
    pub(super) message: String,
}

impl Problem {
    pub(super) fn field(lang: Lang, field: &str) -> Self {
        let message = lang
            .try_t(&format!("console-invalid-{field}"))
            .unwrap_or_else(|| lang.t("console-invalid"));
        Self {
            field: Some(field.to_owned()),
            message,
        }
    }
}

/// Sets `path` (`a` or `a.b`) in `target` to the form's value; empty optional values are
/// removed so the spec's default applies.
fn put(target: &mut Value, path: &str, raw: &str, kind: Kind) {
    let (outer, inner) = match path.split_once('.') {
        Some((o, i)) => (o, Some(i)),
        None => (path, None),
    };
    let Value::Object(root) = target else { return };
    let slot = match inner {
        None => root,
        Some(_) => match root.entry(outer).or_insert_with(|| json!({})) {
            Value::Object(m) => m,
            _ => return,
        },
    };
    let key = inner.unwrap_or(outer).to_owned();
    let raw = raw.trim();
    match kind {
        Kind::Text => {
            slot.insert(key, Value::String(raw.to_owned()));
        }
        Kind::Optional if raw.is_empty() => {
            slot.remove(&key);
        }
        Kind::Optional => {
            slot.insert(key, Value::String(raw.to_owned()));
        }
        Kind::MaybeNumber | Kind::Date if raw.is_empty() => {
            slot.remove(&key);
        }
        Kind::Number | Kind::MaybeNumber => {
            let value = raw
                .parse::<u64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::String(raw.to_owned()));
            slot.insert(key, value);
        }
        Kind::Date => {
            let value = chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .map_or_else(|_| raw.to_owned(), |d| format!("{d}T00:00:00Z"));
            slot.insert(key, Value::String(value));
        }
        Kind::Lines | Kind::Words => {
            let split: Vec<Value> = if matches!(kind, Kind::Lines) {
                raw.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(Value::from)
                    .collect()
            } else {
                raw.split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|w| !w.is_empty())
                    .map(Value::from)
                    .collect()
            };
            slot.insert(key, Value::Array(split));
        }
    }
}

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Text,
    Optional,
    Number,
    /// A number; empty: absent.
    MaybeNumber,
    /// One entry a line (empty lines dropped).
    Lines,
    /// Entries separated by commas or white space.
    Words,
    /// A date (`YYYY-MM-DD`) as the midnight UTC it starts; empty: absent.
    Date,
}

const APPLICATION_PATHS: &[(&str, Kind)] = &[
    ("code", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("kind", Kind::Text),
    ("audience", Kind::Text),
    ("lifecycle.stage", Kind::Text),
    ("lifecycle.active", Kind::Optional),
    ("raa_code", Kind::Optional),
    ("business_owner", Kind::Text),
    ("technical_contact", Kind::Text),
    ("url", Kind::Optional),
    ("web_upstream", Kind::Optional),
];

const SERVICE_PATHS: &[(&str, Kind)] = &[
    ("code", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("upstream_url", Kind::Text),
    ("visibility", Kind::Text),
    ("classification", Kind::Text),
    ("timeout_ms", Kind::Number),
    ("default_limit_per_minute", Kind::Number),
    ("openapi", Kind::Optional),
];

/// The form as JSON over `base` (the stored object when editing), parsed into `T`.
pub(super) fn parse<T: DeserializeOwned>(
    lang: Lang,
    form: &FormData,
    base: Value,
    paths: &[(&str, Kind)],
) -> Result<T, Problem> {
    let mut value = match base {
        Value::Object(_) => base,
        _ => json!({}),
    };
    if let Value::Object(m) = &mut value {
        m.remove("meta");
        m.remove("agency");
        m.remove("application");
    }
    for (path, kind) in paths {
        put(&mut value, path, form.get(&path.replace('.', "_")), *kind);
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let field = path.split('[').next().unwrap_or(&path).replace('.', "_");
        Problem::field(
            lang,
            if field == "lifecycle" {
                "lifecycle_stage"
            } else {
                &field
            },
        )
    })
}

/// Where an error of the shared handler belongs on the form; `None`: not a form problem.
pub(super) fn problem_of(lang: Lang, error: &ApiError) -> Option<Problem> {
    match error.code() {
        ErrorCode::ValidationFailed => {
            let field = error.problem().field.unwrap_or_default();
            let field = if field == "lifecycle" {
                "lifecycle_active".to_owned()
            } else {
                field
            };
            Some(Problem::field(lang, &field))
        }
        ErrorCode::Duplicate => Some(Problem {
            field: Some("code".to_owned()),
            message: lang.t("console-duplicate-code"),
        }),
        ErrorCode::StaleVersion => Some(Problem {
            field: None,
            message: lang.t("console-stale-text"),
        }),
        _ => None,
    }
}

pub(super) struct FormSpec {
    pub(super) heading: String,
    pub(super) action: String,
    pub(super) cancel: String,
    pub(super) version: Option<i64>,
    pub(super) fields: Vec<Field>,
}

pub(super) fn show(ctx: &Ctx, spec: FormSpec, problem: Option<Problem>) -> Response {
    let mut fields = spec.fields;
    let mut error = None;
    let status = if problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    if let Some(p) = problem {
        match fields.iter_mut().find(|f| Some(&f.name) == p.field.as_ref()) {
            Some(f) => f.error = Some(p.message),
            None => error = Some(p.message),
        }
    }
    let page = FormPage {
        frame: ctx.frame(spec.heading.clone()),
        heading: spec.heading,
        action: spec.action,
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: spec
            .version
            .map(|v| vec![("versi".to_owned(), v.to_string())])
            .unwrap_or_default(),
        fields,
        error,
        submit: ctx.t("console-save"),
        cancel: Link::new(spec.cancel, ctx.t("console-cancel")),
    };
    render(status, &page)
}

/// The version an edit was made against (`If-Match` of the API).
pub(super) fn version(form: &FormData) -> Option<i64> {
    form.get("versi").parse().ok()
}

pub(super) fn here(uri: &axum::http::Uri) -> String {
    uri.path().to_owned()
}

// ---- applications ----

/// `GET …/{agency}/aplikasi/baru`.
pub async fn new_application(ctx: Ctx, Path(agency): Path<String>) -> Response {
    let Some([agency]) = codes([&agency]) else {
        return ctx.not_found();
    };
    if let Err(e) = ctx.who.caller().write(&agency, "agency", &agency) {
        return ctx.fail(&e);
    }
    let defaults =
        flatten(&json!({"kind": "khusus", "audience": "public", "lifecycle": {"stage": "active"}}));
    show(&ctx, new_application_form(&ctx, &agency, &defaults), None)
}

fn new_application_form(ctx: &Ctx, agency: &Code, values: &Values) -> FormSpec {
    let base = format!("/console/instansi/{agency}");
    FormSpec {
        heading: ctx.t("console-new-application"),
        action: format!("{base}/aplikasi/baru"),
        cancel: base,
        version: None,
        fields: application_fields(ctx.lang, values, false),
    }
}

/// `POST …/{agency}/aplikasi/baru`.
pub async fn create_application(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path(agency): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency]) = codes([&agency]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = caller.write(&agency, "agency", &agency) {
        return ctx.fail(&e);
    }
    let again = |problem: Problem| {
        let fields = application_fields(lang, &Values::new(), false);
        let values = typed(&posted.form, &fields);
        show(&ctx, new_application_form(&ctx, &agency, &values), Some(problem))
    };
    let spec: ApplicationSpec = match parse(lang, &posted.form, json!({}), APPLICATION_PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let code = spec.code.clone();
    let path = extract::Path(agency.clone());
    match api::applications::create_application(State(state), caller, path, extract::Json(spec)).await {
        Ok(_) => Redirect::to(&application_href(&agency, &code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

fn edit_application_form(ctx: &Ctx, agency: &Code, code: &Code, version: i64, values: &Values) -> FormSpec {
    let base = application_href(agency, code);
    FormSpec {
        heading: ctx.t("console-edit-application"),
        action: format!("{base}/ubah"),
        cancel: base,
        version: Some(version),
        fields: application_fields(ctx.lang, values, true),
    }
}

/// `GET …/aplikasi/{application}/ubah`.
pub async fn edit_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let (version, app) = match api::applications::get_application(State(state), caller.clone(), path).await {
        Ok(a) => a.into_parts(),
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "application", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let values = flatten(&serde_json::to_value(&app.spec).unwrap_or_default());
    show(
        &ctx,
        edit_application_form(&ctx, &agency, &code, version, &values),
        None,
    )
}

/// `POST …/aplikasi/{application}/ubah`.
pub async fn update_application(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, code]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let stored =
        match api::applications::get_application(State(state.clone()), caller.clone(), path.clone()).await {
            Ok(a) => a.into_parts().1,
            Err(e) => return ctx.fail(&e),
        };
    if let Err(e) = caller.write(&agency, "application", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let sent_version = version(&posted.form).unwrap_or(stored.meta.version);
    let again = |problem: Problem| {
        let fields = application_fields(lang, &Values::new(), true);
        let mut values = typed(&posted.form, &fields);
        values.insert("code".to_owned(), Value::String(code.to_string()));
        show(
            &ctx,
            edit_application_form(&ctx, &agency, &code, sent_version, &values),
            Some(problem),
        )
    };
    let base = serde_json::to_value(&stored.spec).unwrap_or_default();
    let mut form = posted.form.clone();
    form.set("code", code.as_str());
    let spec: ApplicationSpec = match parse(lang, &form, base, APPLICATION_PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let update = api::applications::update_application(
        State(state),
        caller,
        path,
        extract::IfMatch(sent_version),
        extract::Json(spec),
    );
    match update.await {
        Ok(_) => Redirect::to(&application_href(&agency, &code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

// ---- services ----

fn new_service_form(ctx: &Ctx, agency: &Code, application: &Code, values: &Values) -> FormSpec {
    let base = application_href(agency, application);
    FormSpec {
        heading: ctx.t("console-new-service"),
        action: format!("{base}/layanan/baru"),
        cancel: base,
        version: None,
        fields: service_fields(ctx.lang, values, false),
    }
}

/// `GET …/aplikasi/{application}/layanan/baru`.
pub async fn new_service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application)): Path<(String, String)>,
) -> Response {
    let Some([agency, application]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), application.clone()));
    if let Err(e) = api::applications::get_application(State(state), caller.clone(), path).await {
        return ctx.fail(&e);
    }
    if let Err(e) = caller.write(&agency, "application", format!("{agency}/{application}")) {
        return ctx.fail(&e);
    }
    let defaults = flatten(&json!({
        "visibility": "public", "classification": "terbatas",
        "timeout_ms": wadah_domain::service::DEFAULT_TIMEOUT_MS,
        "default_limit_per_minute": wadah_domain::service::DEFAULT_LIMIT_PER_MINUTE,
    }));
    show(
        &ctx,
        new_service_form(&ctx, &agency, &application, &defaults),
        None,
    )
}

/// `POST …/aplikasi/{application}/layanan/baru`.
pub async fn create_service(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, application]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = caller.write(&agency, "application", format!("{agency}/{application}")) {
        return ctx.fail(&e);
    }
    let again = |problem: Problem| {
        let fields = service_fields(lang, &Values::new(), false);
        let values = typed(&posted.form, &fields);
        show(
            &ctx,
            new_service_form(&ctx, &agency, &application, &values),
            Some(problem),
        )
    };
    let spec: ServiceSpec = match parse(lang, &posted.form, json!({}), SERVICE_PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let key = ServiceRef {
        agency: agency.clone(),
        application: application.clone(),
        service: spec.code.clone(),
    };
    let path = extract::Path((agency.clone(), application.clone()));
    match api::services::create_service(State(state), caller, path, extract::Json(spec)).await {
        Ok(_) => Redirect::to(&service_href(&key)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

fn edit_service_form(ctx: &Ctx, key: &ServiceRef, version: i64, values: &Values) -> FormSpec {
    let base = service_href(key);
    FormSpec {
        heading: ctx.t("console-edit-service"),
        action: format!("{base}/ubah"),
        cancel: base,
        version: Some(version),
        fields: service_fields(ctx.lang, values, true),
    }
}

/// `GET …/layanan/{service}/ubah`.
pub async fn edit_service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some([agency, application, code]) = codes([&agency, &application, &service]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let key = ServiceRef {
        agency: agency.clone(),
        application: application.clone(),
        service: code.clone(),
    };
    let path = extract::Path((agency.clone(), application, code));
    let (version, s) = match api::services::get_service(State(state), caller.clone(), path).await {
        Ok(s) => s.into_parts(),
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "service", &key) {
        return ctx.fail(&e);
    }
    let values = flatten(&serde_json::to_value(&s.spec).unwrap_or_default());
    show(&ctx, edit_service_form(&ctx, &key, version, &values), None)
}

/// `POST …/layanan/{service}/ubah`.
pub async fn update_service(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, service)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, application, code]) = codes([&agency, &application, &service]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let key = ServiceRef {
        agency: agency.clone(),
        application: application.clone(),
        service: code.clone(),
    };
    let path = extract::Path((agency.clone(), application, code.clone()));
    let stored = match api::services::get_service(State(state.clone()), caller.clone(), path.clone()).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "service", &key) {
        return ctx.fail(&e);
    }
    let sent_version = version(&posted.form).unwrap_or(stored.meta.version);
    let again = |problem: Problem| {
        let fields = service_fields(lang, &Values::new(), true);
        let mut values = typed(&posted.form, &fields);
        values.insert("code".to_owned(), Value::String(code.to_string()));
        show(
            &ctx,
            edit_service_form(&ctx, &key, sent_version, &values),
            Some(problem),
        )
    };
    let base = serde_json::to_value(&stored.spec).unwrap_or_default();
    let mut form = posted.form.clone();
    form.set("code", code.as_str());
    let spec: ServiceSpec = match parse(lang, &form, base, SERVICE_PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let update = api::services::update_service(
        State(state),
        caller,
        path,
        extract::IfMatch(sent_version),
        extract::Json(spec),
    );
    match update.await {
        Ok(_) => Redirect::to(&service_href(&key)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_field_is_named_by_its_form_name() {
        let form = FormData::parse(
            b"code=ok-code&name=X&kind=khusus&audience=public&lifecycle_stage=active&lifecycle_active=kemarin",
        )
        .unwrap();
        let err = parse::<ApplicationSpec>(Lang::En, &form, json!({}), APPLICATION_PATHS)
            .err()
            .unwrap();
        assert_eq!(err.field.as_deref(), Some("lifecycle_active"));
        let form =
            FormData::parse(b"code=Bad Code&name=X&kind=khusus&audience=public&lifecycle_stage=active")
                .unwrap();
        let err = parse::<ApplicationSpec>(Lang::En, &form, json!({}), APPLICATION_PATHS)
            .err()
            .unwrap();
        assert_eq!(err.field.as_deref(), Some("code"));
    }

    #[test]
    fn an_edit_keeps_what_the_form_does_not_show() {
        let base = json!({"code": "svc", "name": "Old", "upstream_url": "https://a.example/",
            "visibility": "public", "classification": "terbatas", "timeout_ms": 1000,
            "default_limit_per_minute": 10, "health_check": {"path": "/health"}});
        let form = FormData::parse(
            b"code=svc&name=New&upstream_url=https%3A%2F%2Fb.example%2F&visibility=internal&classification=terbuka&timeout_ms=2000&default_limit_per_minute=5",
        )
        .unwrap();
        let spec: ServiceSpec = parse(Lang::Id, &form, base, SERVICE_PATHS).ok().unwrap();
        assert_eq!(spec.name.as_str(), "New");
        assert_eq!(spec.timeout_ms, 2000);
        assert!(spec.health_check.is_some(), "kept from the stored object");
    }
}
