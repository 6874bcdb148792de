//! Access rights to one service, managed by its providing agency: the list, granting a right
//! (to an agency or one of its applications; methods, path patterns, expiry and a per-consumer
//! limit per minute), changing it, and withdrawing it after a confirmation. Every step calls
//! the handler of `crate::api::rights` with the session's caller: the same policy (only the
//! provider's admins grant) and the same validation as the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use wadah_domain::access::{AccessRight, AccessRightSpec};
use wadah_domain::service::ServiceRef;

use super::Ctx;
use super::confirm::{Confirm, confirm};
use super::forms::{
    FormSpec, Kind, Problem, Values, flatten, here, join_words, label, parse, problem_of, show, text, typed,
    version,
};
use super::registry::{codes, service_href};
use super::view::{Cell, Field, Link, Page, Table, render};
use crate::api;
use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::{FormData, Posted};
use crate::state::AppState;

/// Most rights of one provider read to list one service's.
const LIST_LIMIT: u32 = 500;
/// Longest id a right can have (anything longer names no right).
const MAX_ID: usize = 64;

const PATHS: &[(&str, Kind)] = &[
    ("consumer.agency", Kind::Text),
    ("consumer.application", Kind::Optional),
    ("methods", Kind::Words),
    ("paths", Kind::Words),
    ("expires_at", Kind::Date),
    ("limit_per_minute", Kind::MaybeNumber),
];

pub(super) fn list_href(key: &ServiceRef) -> String {
    format!("{}/hak-akses", service_href(key))
}

fn fields(lang: Lang, v: &Values, editing: bool) -> Vec<Field> {
    let f = |name: &str, kind| Field::new(name, label(lang, name), kind, text(v, name));
    vec![
        f("consumer_agency", "text").required().max(32).readonly(editing),
        f("consumer_application", "text")
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-consumer-application")),
        f("methods", "text").max(100).hint(lang.t("dev-hint-methods")),
        f("paths", "textarea").max(4000).hint(lang.t("dev-hint-paths")),
        f("expires_at", "date").hint(lang.t("console-hint-date")),
        f("limit_per_minute", "number").hint(lang.t("console-hint-limit")),
    ]
}

/// The stored right's values as the form shows them.
fn values_of(right: &AccessRight) -> Values {
    let mut values = flatten(&serde_json::to_value(&right.spec).unwrap_or_default());
    join_words(&mut values, &["methods"]);
    if let Some(Value::String(t)) = values.get("expires_at") {
        let day = t.get(..10).unwrap_or(t).to_owned();
        values.insert("expires_at".to_owned(), Value::String(day));
    }
    values
}

/// The service of the path, readable by the caller.
async fn service(state: &AppState, ctx: &Ctx, raw: (&str, &str, &str)) -> Result<ServiceRef, Response> {
    let Some([agency, application, service]) = codes([raw.0, raw.1, raw.2]) else {
        return Err(ctx.not_found());
    };
    let path = extract::Path((agency.clone(), application.clone(), service.clone()));
    match api::services::get_service(State(state.clone()), ctx.who.caller(), path).await {
        Ok(_) => Ok(ServiceRef {
            agency,
            application,
            service,
        }),
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// The right `id`, if the caller may see it and it is a right to `key` (else a 404).
async fn right_of(
    state: &AppState,
    ctx: &Ctx,
    key: &ServiceRef,
    id: String,
) -> Result<AccessRight, Response> {
    if id.len() > MAX_ID {
        return Err(ctx.not_found());
    }
    match api::rights::get_right(State(state.clone()), ctx.who.caller(), extract::Path(id.clone())).await {
        Ok(r) => {
            let right = r.into_parts().1;
            if right.spec.service == *key {
                Ok(right)
            } else {
                Err(ctx.fail(&ApiError::not_found("access right", &id)))
            }
        }
        Err(e) => Err(ctx.fail(&e)),
    }
}

/// `GET …/layanan/{service}/hak-akses`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, code)): Path<(String, String, String)>,
) -> Response {
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let query = api::rights::AccessRightQuery {
        limit: Some(LIST_LIMIT),
        provider: Some(key.agency.clone()),
        ..Default::default()
    };
    let page =
        match api::rights::list_rights(State(state.clone()), ctx.who.caller(), extract::Query(query)).await {
            Ok(p) => p.0,
            Err(e) => return ctx.fail(&e),
        };
    let lang = ctx.lang;
    let writer = ctx.who.principal.can_write_agency(&key.agency);
    let all = lang.t("console-rights-all");
    let rows = page
        .items
        .iter()
        .filter(|r| r.spec.service == key)
        .map(|r| {
            let s = &r.spec;
            let consumer = match &s.consumer.application {
                Some(app) => format!("{}/{app}", s.consumer.agency),
                None => s.consumer.agency.to_string(),
            };
            let methods: Vec<String> = s
                .methods
                .iter()
                .map(|m| format!("{m:?}").to_uppercase())
                .collect();
            let paths: Vec<String> = s.paths.iter().cloned().map(String::from).collect();
            let or_all = |v: String| if v.is_empty() { all.clone() } else { v };
            let base = format!("{}/{}", list_href(&key), r.id);
            let mut row = vec![
                Cell::text(consumer),
                Cell::text(or_all(methods.join(", "))),
                Cell::text(or_all(paths.join(" "))),
                Cell::text(
                    s.expires_at
                        .map_or_else(|| lang.t("console-rights-never"), |t| format::date(lang, t)),
                ),
                Cell::text(s.limit_per_minute.map_or_else(
                    || lang.t("console-rights-default-limit"),
                    |l| format::integer(lang, u64::from(l)),
                )),
            ];
            if writer {
                row.push(Cell::link(lang.t("console-edit"), format!("{base}/ubah")));
                row.push(Cell::link(lang.t("console-revoke"), format!("{base}/cabut")));
            }
            row
        })
        .collect();
    let heading = ctx.t("console-rights-title");
    let mut view = Page::new(ctx.frame(heading.clone()), heading.clone());
    view.lead = Some(format!("{}/{}/{}", key.agency, key.application, key.service));
    if writer {
        view.actions.push(Link::new(
            format!("{}/baru", list_href(&key)),
            ctx.t("console-grant-right"),
        ));
    }
    view.actions
        .push(Link::new(service_href(&key), ctx.t("console-back-service")));
    let mut head = vec![
        ctx.t("console-col-consumer"),
        label(lang, "methods"),
        label(lang, "paths"),
        label(lang, "expires_at"),
        label(lang, "limit_per_minute"),
    ];
    if writer {
        head.push(ctx.t("console-edit"));
        head.push(ctx.t("console-revoke"));
    }
    view.tables.push(Table {
        caption: heading,
        head,
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &view)
}

fn new_form(ctx: &Ctx, key: &ServiceRef, values: &Values) -> FormSpec {
    FormSpec {
        heading: ctx.t("console-grant-right"),
        action: format!("{}/baru", list_href(key)),
        cancel: list_href(key),
        version: None,
        fields: fields(ctx.lang, values, false),
    }
}

/// `GET …/hak-akses/baru`.
pub async fn new(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, code)): Path<(String, String, String)>,
) -> Response {
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    if let Err(e) = ctx.who.caller().write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    show(&ctx, new_form(&ctx, &key, &Values::new()), None)
}

/// The posted form as a spec for `key` over `base`; method names may be typed in any case.
fn spec_of(lang: Lang, form: &FormData, key: &ServiceRef, base: Value) -> Result<AccessRightSpec, Problem> {
    let mut form = form.clone();
    let methods = form.get("methods").to_uppercase();
    form.set("methods", &methods);
    let mut base = base;
    if let Value::Object(m) = &mut base {
        m.insert("service".to_owned(), json!(key));
    }
    parse(lang, &form, base, PATHS)
}

/// Where a refusal of the shared handler belongs on the rights form.
fn problem(lang: Lang, e: &ApiError) -> Option<Problem> {
    match e.code() {
        // The consumer named on the form does not exist.
        ErrorCode::NotFound => Some(Problem::field(lang, "consumer_agency")),
        ErrorCode::ValidationFailed => {
            let field = e.problem().field.unwrap_or_default();
            let field = match field.as_str() {
                // A missing reference names the kind of object the store did not find.
                "consumer" | "consumer.agency" | "agency" => "consumer_agency".to_owned(),
                "consumer.application" | "application" => "consumer_application".to_owned(),
                other => other.replace('.', "_"),
            };
            Some(Problem::field(lang, &field))
        }
        ErrorCode::Duplicate => Some(Problem {
            field: None,
            message: lang.t("console-right-duplicate"),
        }),
        _ => problem_of(lang, e),
    }
}

/// `POST …/hak-akses/baru`.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, code)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let caller = ctx.who.caller();
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    let again = |p: Problem| {
        let values = typed(&posted.form, &fields(lang, &Values::new(), false));
        show(&ctx, new_form(&ctx, &key, &values), Some(p))
    };
    let spec = match spec_of(lang, &posted.form, &key, json!({})) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    match api::rights::create_right(State(state), caller, extract::Json(spec)).await {
        Ok(_) => Redirect::to(&list_href(&key)).into_response(),
        Err(e) => match problem(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

fn edit_form(ctx: &Ctx, key: &ServiceRef, id: &str, version: i64, values: &Values) -> FormSpec {
    FormSpec {
        heading: ctx.t("console-edit-right"),
        action: format!("{}/{id}/ubah", list_href(key)),
        cancel: list_href(key),
        version: Some(version),
        fields: fields(ctx.lang, values, true),
    }
}

/// `GET …/hak-akses/{id}/ubah`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, code, id)): Path<(String, String, String, String)>,
) -> Response {
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let right = match right_of(&state, &ctx, &key, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(e) = ctx.who.caller().write(&key.agency, "access right", &right.id) {
        return ctx.fail(&e);
    }
    let values = values_of(&right);
    show(
        &ctx,
        edit_form(&ctx, &key, &right.id, right.meta.version, &values),
        None,
    )
}

/// `POST …/hak-akses/{id}/ubah`. The consumer of a right is fixed: the form's is ignored.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, code, id)): Path<(String, String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let right = match right_of(&state, &ctx, &key, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let sent_version = version(&posted.form).unwrap_or(right.meta.version);
    let mut form = posted.form.clone();
    form.set("consumer_agency", right.spec.consumer.agency.as_str());
    form.set(
        "consumer_application",
        right
            .spec
            .consumer
            .application
            .as_ref()
            .map_or("", |a| a.as_str()),
    );
    let again = |p: Problem| {
        let values = typed(&form, &fields(lang, &Values::new(), true));
        show(
            &ctx,
            edit_form(&ctx, &key, &right.id, sent_version, &values),
            Some(p),
        )
    };
    let base = serde_json::to_value(&right.spec).unwrap_or_default();
    let spec = match spec_of(lang, &form, &key, base) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    let updated = api::rights::update_right(
        State(state),
        ctx.who.caller(),
        extract::Path(right.id.clone()),
        extract::IfMatch(sent_version),
        extract::Json(spec),
    );
    match updated.await {
        Ok(_) => Redirect::to(&list_href(&key)).into_response(),
        Err(e) => match problem(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

/// `GET …/hak-akses/{id}/cabut`.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, code, id)): Path<(String, String, String, String)>,
) -> Response {
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let right = match right_of(&state, &ctx, &key, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    if let Err(e) = ctx.who.caller().write(&key.agency, "access right", &right.id) {
        return ctx.fail(&e);
    }
    let consumer = match &right.spec.consumer.application {
        Some(app) => format!("{}/{app}", right.spec.consumer.agency),
        None => right.spec.consumer.agency.to_string(),
    };
    let text = ctx
        .lang
        .t_args("console-revoke-right-text", &[("consumer", consumer.as_str())]);
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t("console-revoke-right"),
            text,
            action: format!("{}/{}/cabut", list_href(&key), right.id),
            submit: ctx.t("console-revoke"),
            cancel: list_href(&key),
            fields: Vec::new(),
        },
    )
}

/// `POST …/hak-akses/{id}/cabut`: withdrawn; back to the list.
pub async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, code, id)): Path<(String, String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let key = match service(&state, &ctx, (&agency, &application, &code)).await {
        Ok(k) => k,
        Err(r) => return r,
    };
    let right = match right_of(&state, &ctx, &key, id).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    let deleted = api::rights::delete_right(
        State(state),
        ctx.who.caller(),
        extract::Path(right.id),
        extract::MaybeIfMatch(None),
    );
    match deleted.await {
        Ok(_) => Redirect::to(&list_href(&key)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
