//! The element form: the fields every element has (code, name, description, reference code,
//! parent, owner) and those of its kind (a data set's classification and producer, an
//! application's fits and TIME disposition, a roadmap item's years and budget…).
//!
//! What was typed becomes the JSON the admin API receives, is parsed into the domain's
//! `ElementSpec` (`serde_path_to_error` names the failing field) and goes to the API's own
//! create or update handler, which runs the same checks as for any API client: code format,
//! reference code in the government's catalogue, parent of the right kind, producer agency and
//! registry application that exist. On a problem the form comes back with what was typed and
//! a message next to the field; nothing is stored.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Map, Value, json};
use wadah_domain::Code;
use wadah_domain::architecture::roadmap::RoadmapPart;
use wadah_domain::architecture::{Element, ElementKey, ElementKind, ElementSpec, Period};

use super::element_page::{load, page};
use super::{element_href, kind_label, list_href, period_of};
use crate::api;
use crate::api::prelude::DeleteQuery;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::registry::codes;
use crate::console::view::{Field, FormPage, Link, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::{FormData, Posted};
use crate::state::AppState;

/// Most lines of a budget or gap list (the domain allows 50 of each).
const MAX_LINES: usize = 50;

fn options(lang: Lang, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), lang.t(&format!("arch-value-{v}"))))
        .collect()
}

fn roadmap_parts() -> Vec<&'static str> {
    RoadmapPart::ALL.iter().map(|p| p.as_str()).collect()
}

/// The form's fields for `kind`, with `v`'s values.
fn fields(lang: Lang, kind: ElementKind, v: &dyn Fn(&str) -> String, editing: bool) -> Vec<Field> {
    let f = |name: &str, kind| Field::new(name, lang.t(&format!("arch-field-{name}")), kind, v(name));
    let fits = ["poor", "insufficient", "adequate", "excellent"];
    let mut out = vec![
        f("code", "text")
            .required()
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-code")),
        f("name", "text").required().max(200),
        f("description", "textarea").max(4000),
    ];
    if kind.family().is_some() {
        out.push(f("ref_code", "text").max(40).hint(lang.t("arch-hint-ref")));
    }
    out.push(f("parent", "text").max(64).hint(lang.t("arch-hint-parent")));
    out.push(f("owner", "text").max(300).hint(lang.t("arch-hint-owner")));
    match kind {
        ElementKind::BusinessProcess => {}
        ElementKind::DataSet => {
            out.push(
                f("classification", "select").options(options(lang, &["terbuka", "terbatas", "rahasia"])),
            );
            out.push(f("producer", "text").required().max(64));
            out.push(f("walidata", "text").max(300));
        }
        ElementKind::Service => {
            out.push(f("area", "select").options(options(lang, &["public", "administration"])));
        }
        ElementKind::Application => {
            out.push(
                f("application", "text")
                    .max(64)
                    .hint(lang.t("arch-hint-application")),
            );
            out.push(f("lifecycle", "select").options(options(
                lang,
                &["plan", "phase-in", "active", "phase-out", "end-of-life"],
            )));
            out.push(f("technical_fit", "select").options(options(lang, &fits)));
            out.push(f("functional_fit", "select").options(options(lang, &fits)));
            out.push(
                f("disposition", "select")
                    .options(options(lang, &["tolerate", "invest", "migrate", "eliminate"])),
            );
        }
        ElementKind::Infrastructure => {
            out.push(
                f("category", "select")
                    .options(options(lang, &["data_centre", "network", "server", "cloud"])),
            );
        }
        ElementKind::SecurityControl => {
            out.push(f("status", "select").options(options(
                lang,
                &["planned", "partial", "implemented", "not_applicable"],
            )));
        }
        ElementKind::Goal => {
            out.push(
                f("level", "select").options(options(lang, &["misi", "tujuan", "sasaran", "indikator"])),
            );
            out.push(f("target", "text").max(300));
        }
        ElementKind::RoadmapItem => {
            out.push(f("part", "select").options(options(lang, &roadmap_parts())));
            out.push(
                f("status", "select")
                    .options(options(lang, &["planned", "in_progress", "done", "cancelled"])),
            );
            out.push(f("first_year", "number").required());
            out.push(f("last_year", "number").required());
            out.push(f("budget", "textarea").max(3000).hint(lang.t("arch-hint-budget")));
            out.push(f("gaps", "textarea").max(8000).hint(lang.t("arch-hint-gaps")));
        }
    }
    out
}

/// The details' field names of `kind` (the rest are the element's own).
const DETAIL_FIELDS: &[&str] = &[
    "classification",
    "producer",
    "walidata",
    "area",
    "application",
    "lifecycle",
    "technical_fit",
    "functional_fit",
    "disposition",
    "category",
    "status",
    "level",
    "target",
    "part",
    "first_year",
    "last_year",
    "budget",
    "gaps",
];

/// A field-level problem, or one for the whole form (`field` `None`).
struct Problem {
    field: Option<String>,
    message: String,
}

impl Problem {
    fn field(lang: Lang, field: &str) -> Self {
        let message = lang
            .try_t(&format!("arch-invalid-{field}"))
            .or_else(|| lang.try_t(&format!("console-invalid-{field}")))
            .unwrap_or_else(|| lang.t("console-invalid"));
        Self {
            field: Some(field.to_owned()),
            message,
        }
    }
}

/// Budget lines `2026: 200.000.000` (one a line; separators in the amount allowed).
fn budget(raw: &str) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for line in raw.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (year, amount) = line.split_once([':', '='])?;
        let year: u16 = year.trim().parse().ok()?;
        let digits: String = amount
            .chars()
            .filter(|c| !matches!(c, '.' | ',' | ' ' | '_'))
            .collect::<String>()
            .trim_start_matches("Rp")
            .to_owned();
        let rupiah: u64 = digits.parse().ok()?;
        out.push(json!({"year": year, "rupiah": rupiah}));
    }
    (out.len() <= MAX_LINES).then_some(out)
}

/// The typed form as the API's `ElementSpec`, or the field to fix.
fn parse(lang: Lang, kind: ElementKind, form: &FormData) -> Result<ElementSpec, Problem> {
    let text = |name: &str| form.get(name).trim().to_owned();
    let optional = |name: &str| Some(text(name)).filter(|s| !s.is_empty()).map(Value::String);
    // Only this kind's fields: `deny_unknown_fields` sees no other kind's.
    let form_fields = fields(lang, kind, &|_| String::new(), false);
    // The details are an internally tagged enum, whose inner paths serde cannot report: the
    // choices and years are checked here, so a wrong one is still named.
    for f in &form_fields {
        let value = form.get(&f.name).trim();
        let bad = match f.kind {
            "select" => !f.options.iter().any(|(v, _)| v == value),
            "number" => value.parse::<u16>().is_err(),
            _ => false,
        };
        if bad {
            return Err(Problem::field(lang, &f.name));
        }
    }
    let mine: Vec<String> = form_fields.into_iter().map(|f| f.name).collect();
    let mut details = Map::new();
    details.insert("kind".into(), Value::String(kind.as_str().to_owned()));
    for name in DETAIL_FIELDS.iter().filter(|n| mine.iter().any(|m| m == *n)) {
        let raw = text(name);
        let value = match *name {
            "application" if raw.is_empty() => continue,
            "first_year" | "last_year" => raw.parse::<u64>().map(Value::from).unwrap_or(Value::String(raw)),
            "budget" => Value::Array(budget(&raw).ok_or_else(|| Problem::field(lang, "budget"))?),
            "gaps" => {
                let lines: Vec<Value> = raw
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(|l| Value::String(l.to_owned()))
                    .collect();
                if lines.len() > MAX_LINES {
                    return Err(Problem::field(lang, "gaps"));
                }
                Value::Array(lines)
            }
            _ => Value::String(raw),
        };
        details.insert((*name).to_owned(), value);
    }
    let mut spec = Map::new();
    spec.insert("code".into(), Value::String(text("code")));
    spec.insert("name".into(), Value::String(text("name")));
    spec.insert("description".into(), Value::String(text("description")));
    spec.insert("owner".into(), Value::String(text("owner")));
    for name in ["ref_code", "parent"] {
        if let Some(v) = optional(name) {
            spec.insert(name.into(), v);
        }
    }
    spec.insert("details".into(), Value::Object(details));
    serde_path_to_error::deserialize(Value::Object(spec)).map_err(|e| {
        let path = e.path().to_string();
        let path = path.strip_prefix("details.").unwrap_or(&path);
        let field = path.split(['.', '[']).next().unwrap_or(path);
        if mine.iter().any(|m| m == field) {
            Problem::field(lang, field)
        } else {
            Problem {
                field: None,
                message: lang.t("console-invalid"),
            }
        }
    })
}

/// Where an error of the shared handler belongs on the form; `None`: not a form problem.
fn problem_of(lang: Lang, error: &ApiError) -> Option<Problem> {
    match error.code() {
        ErrorCode::ValidationFailed => Some(Problem::field(lang, &error.problem().field.unwrap_or_default())),
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

/// The form page: `values` typed (or stored), `problem` shown next to its field.
fn show(ctx: &Ctx, key: &FormKey, values: &dyn Fn(&str) -> String, problem: Option<Problem>) -> Response {
    let lang = ctx.lang;
    let mut fields = fields(lang, key.kind, values, key.version.is_some());
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
    let args = [
        ("kind", kind_label(lang, key.kind)),
        ("agency", key.agency.to_string()),
    ];
    let args: Vec<(&'static str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (heading, action, cancel) = match (&key.code, key.version) {
        (Some(code), Some(_)) => {
            let href = element_href(key.period, &key.agency, code);
            (
                lang.t_args("arch-edit-heading", &args),
                format!("{href}/ubah"),
                href,
            )
        }
        _ => (
            lang.t_args("arch-new-heading", &args),
            format!(
                "/console/arsitektur/{}/instansi/{}/elemen/baru?jenis={}",
                key.period,
                key.agency,
                key.kind.as_str()
            ),
            list_href(key.period, key.kind, Some(&key.agency)),
        ),
    };
    let page = FormPage {
        frame: ctx.frame(heading.clone()),
        heading,
        action,
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: key
            .version
            .map(|v| vec![("versi".to_owned(), v.to_string())])
            .unwrap_or_default(),
        fields,
        error,
        submit: ctx.t("console-save"),
        cancel: Link::new(cancel, ctx.t("console-cancel")),
    };
    render(status, &page)
}

/// Which form: an agency's new element of a kind, or an existing element at a version.
struct FormKey {
    period: Period,
    agency: Code,
    kind: ElementKind,
    code: Option<Code>,
    version: Option<i64>,
}

/// A stored element's values, as the form shows them.
fn stored_values(e: &Element) -> Map<String, Value> {
    let mut v = Map::new();
    v.insert("code".into(), json!(e.spec.code));
    v.insert("name".into(), json!(e.spec.name));
    v.insert("description".into(), json!(e.spec.description));
    v.insert("owner".into(), json!(e.spec.owner));
    if let Some(r) = &e.spec.ref_code {
        v.insert("ref_code".into(), json!(r.as_str()));
    }
    if let Some(p) = &e.spec.parent {
        v.insert("parent".into(), json!(p));
    }
    if let Ok(Value::Object(details)) = serde_json::to_value(&e.spec.details) {
        for (k, d) in details {
            let text = match (k.as_str(), &d) {
                ("budget", Value::Array(lines)) => lines
                    .iter()
                    .map(|l| format!("{}: {}", l["year"], l["rupiah"]))
                    .collect::<Vec<_>>()
                    .join("\n"),
                ("gaps", Value::Array(lines)) => lines
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join("\n"),
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            v.insert(k, Value::String(text));
        }
    }
    v
}

fn lookup(values: &Map<String, Value>) -> impl Fn(&str) -> String + '_ {
    |name| match values.get(name) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn typed(form: &FormData) -> impl Fn(&str) -> String + '_ {
    |name| form.get(name).to_owned()
}

/// The kind of `?jenis=`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct KindParam {
    #[serde(default)]
    jenis: String,
}

fn new_key(period: &str, agency: &str, kind: Result<Query<KindParam>, QueryRejection>) -> Option<FormKey> {
    let period = period_of(period)?;
    let [agency] = codes([agency])?;
    let kind = ElementKind::parse(kind.ok()?.0.jenis.trim())?;
    Some(FormKey {
        period,
        agency,
        kind,
        code: None,
        version: None,
    })
}

/// Defaults of a new element (the first option of each select, years of the period).
fn defaults(key: &FormKey) -> Map<String, Value> {
    let mut v = Map::new();
    let first = key.period.first().to_string();
    v.insert("first_year".into(), json!(first));
    v.insert("last_year".into(), json!(key.period.last().to_string()));
    v.insert("producer".into(), json!(key.agency));
    v.insert("classification".into(), json!("terbatas"));
    v.insert("lifecycle".into(), json!("active"));
    v.insert("technical_fit".into(), json!("adequate"));
    v.insert("functional_fit".into(), json!("adequate"));
    v.insert("disposition".into(), json!("invest"));
    v
}

/// `GET …/instansi/{agency}/elemen/baru?jenis=`.
pub async fn new_element(
    ctx: Ctx,
    Path((period, agency)): Path<(String, String)>,
    kind: Result<Query<KindParam>, QueryRejection>,
) -> Response {
    let Some(key) = new_key(&period, &agency, kind) else {
        return ctx.not_found();
    };
    if let Err(e) = ctx.who.caller().write(&key.agency, "agency", &key.agency) {
        return ctx.fail(&e);
    }
    let values = defaults(&key);
    show(&ctx, &key, &lookup(&values), None)
}

/// `POST …/instansi/{agency}/elemen/baru?jenis=`.
pub async fn create_element(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((period, agency)): Path<(String, String)>,
    kind: Result<Query<KindParam>, QueryRejection>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(key) = new_key(&period, &agency, kind) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = caller.write(&key.agency, "agency", &key.agency) {
        return ctx.fail(&e);
    }
    let again = |p: Problem| show(&ctx, &key, &typed(&posted.form), Some(p));
    let spec = match parse(lang, key.kind, &posted.form) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    let code = spec.code.clone();
    let path = extract::Path((key.period, key.agency.clone()));
    match api::architecture::elements::create_element(State(state), caller, path, extract::Json(spec)).await {
        Ok(_) => Redirect::to(&element_href(key.period, &key.agency, &code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

fn element_key(period: &str, agency: &str, code: &str) -> Option<ElementKey> {
    let period = period_of(period)?;
    let [agency, code] = codes([agency, code])?;
    Some(ElementKey { agency, period, code })
}

/// The stored element, if the person may change it.
async fn editable(state: &AppState, ctx: &Ctx, key: &ElementKey) -> Result<Element, ApiError> {
    let e = load(state, ctx, key).await?;
    ctx.who.caller().write(&key.agency, "architecture element", key)?;
    Ok(e)
}

fn edit_key(e: &Element, version: i64) -> FormKey {
    FormKey {
        period: e.period,
        agency: e.agency.clone(),
        kind: e.spec.kind(),
        code: Some(e.spec.code.clone()),
        version: Some(version),
    }
}

/// `GET …/elemen/{code}/ubah`.
pub async fn edit_element(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, agency, code)): Path<(String, String, String)>,
) -> Response {
    let Some(key) = element_key(&period, &agency, &code) else {
        return ctx.not_found();
    };
    match editable(&state, &ctx, &key).await {
        Ok(e) => {
            let values = stored_values(&e);
            show(&ctx, &edit_key(&e, e.meta.version), &lookup(&values), None)
        }
        Err(err) => ctx.fail(&err),
    }
}

/// `POST …/elemen/{code}/ubah`.
pub async fn update_element(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((period, agency, code)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(key) = element_key(&period, &agency, &code) else {
        return ctx.not_found();
    };
    let stored = match editable(&state, &ctx, &key).await {
        Ok(e) => e,
        Err(err) => return ctx.fail(&err),
    };
    let version = posted.form.get("versi").parse().unwrap_or(stored.meta.version);
    let mut form = posted.form.clone();
    form.set("code", key.code.as_str());
    let fkey = edit_key(&stored, version);
    let again = |p: Problem| show(&ctx, &fkey, &typed(&form), Some(p));
    let spec = match parse(lang, fkey.kind, &form) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    let path = extract::Path((key.period, key.agency.clone(), key.code.clone()));
    let update = api::architecture::elements::update_element(
        State(state),
        ctx.who.caller(),
        path,
        extract::IfMatch(version),
        extract::Json(spec),
    );
    match update.await {
        Ok(_) => Redirect::to(&element_href(key.period, &key.agency, &key.code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

/// `POST …/elemen/{code}/hapus`: deletes an element nothing points at; one with relations or
/// children comes back with a notice saying so.
pub async fn delete_element(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((period, agency, code)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(key) = element_key(&period, &agency, &code) else {
        return ctx.not_found();
    };
    let stored = match editable(&state, &ctx, &key).await {
        Ok(e) => e,
        Err(err) => return ctx.fail(&err),
    };
    let path = extract::Path((key.period, key.agency.clone(), key.code.clone()));
    let deleted = api::architecture::elements::delete_element(
        State(state.clone()),
        ctx.who.caller(),
        path,
        extract::Query(DeleteQuery::default()),
        extract::MaybeIfMatch(None),
    )
    .await;
    match deleted {
        Ok(_) => Redirect::to(&list_href(key.period, stored.spec.kind(), Some(&key.agency))).into_response(),
        Err(e) if e.code() == ErrorCode::InUse => {
            let notice = Some(ctx.t("arch-delete-in-use"));
            let mut response = page(&state, &ctx, &stored, None, notice).await;
            *response.status_mut() = StatusCode::CONFLICT;
            response
        }
        Err(e) => ctx.fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> FormData {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", crate::portal::layout::encode_component(v)))
            .collect::<Vec<_>>()
            .join("&");
        FormData::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn a_roadmap_item_reads_its_budget_lines_with_separators() {
        let f = form(&[
            ("code", "integrasi"),
            ("name", "Integrasi layanan"),
            ("part", "aplikasi"),
            ("status", "planned"),
            ("first_year", "2026"),
            ("last_year", "2027"),
            ("budget", "2026: 200.000.000\n2027 = 50,000,000"),
            ("gaps", "Belum ada gateway\n\n"),
            ("classification", "ignored for this kind"),
        ]);
        let spec = parse(Lang::Id, ElementKind::RoadmapItem, &f).ok().unwrap();
        let v = serde_json::to_value(&spec.details).unwrap();
        assert_eq!(v["budget"][0]["rupiah"], 200_000_000);
        assert_eq!(v["budget"][1]["rupiah"], 50_000_000);
        assert_eq!(v["gaps"], json!(["Belum ada gateway"]));
        let bad = form(&[
            ("code", "integrasi"),
            ("name", "X"),
            ("part", "aplikasi"),
            ("status", "planned"),
            ("first_year", "2026"),
            ("last_year", "2027"),
            ("budget", "tahun depan: banyak"),
        ]);
        let err = parse(Lang::Id, ElementKind::RoadmapItem, &bad).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("budget"));
        let mut f = bad.clone();
        f.set("budget", "");
        f.set("first_year", "tahun depan");
        let err = parse(Lang::Id, ElementKind::RoadmapItem, &f).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("first_year"));
    }

    #[test]
    fn a_bad_value_is_named_by_its_field() {
        let f = form(&[
            ("code", "Bukan Kode"),
            ("name", "Data"),
            ("classification", "terbuka"),
            ("producer", "dinsos"),
        ]);
        let err = parse(Lang::En, ElementKind::DataSet, &f).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("code"));
        let f = form(&[
            ("code", "data-x"),
            ("name", "Data"),
            ("classification", "sangat-rahasia"),
            ("producer", "dinsos"),
        ]);
        let err = parse(Lang::En, ElementKind::DataSet, &f).err().unwrap();
        assert_eq!(err.field.as_deref(), Some("classification"));
    }
}
