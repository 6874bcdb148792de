//! An agency's public services (layanan publik: what a citizen or civil servant wants to do),
//! read, described, changed and deleted from the console. The portals' catalogue is built
//! from these. Every step calls the handler of `crate::api::public_services` with the
//! session's caller, so the same policy and the same validation apply as in the API.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use wadah_domain::Code;
use wadah_domain::public_service::PublicServiceSpec;

use super::Ctx;
use super::confirm::{Confirm, confirm};
use super::forms::{
    FormSpec, Kind, Problem, Values, flatten, here, join_words, label, options, parse, problem_of, show,
    text, typed, version,
};
use super::registry::{agency_href, codes};
use super::view::{Cell, Fact, Field, Link, Page, Table, render};
use crate::api;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

/// Most public services one agency's list shows.
const LIST_LIMIT: u32 = 200;

pub(super) fn list_href(agency: &Code) -> String {
    format!("{}/layanan-publik", agency_href(agency))
}

fn item_href(agency: &Code, code: &Code) -> String {
    format!("{}/{code}", list_href(agency))
}

const PATHS: &[(&str, Kind)] = &[
    ("code", Kind::Text),
    ("name", Kind::Text),
    ("description", Kind::Text),
    ("audience", Kind::Text),
    ("topics", Kind::Words),
    ("eligibility", Kind::Text),
    ("requirements", Kind::Lines),
    ("cost", Kind::Text),
    ("duration", Kind::Text),
    ("online_url", Kind::Optional),
    ("office_address", Kind::Text),
    ("applications", Kind::Words),
];

fn fields(lang: Lang, v: &Values, editing: bool) -> Vec<Field> {
    let f = |name: &str, kind| Field::new(name, label(lang, name), kind, text(v, name));
    vec![
        f("code", "text")
            .required()
            .max(32)
            .readonly(editing)
            .hint(lang.t("console-hint-code")),
        f("name", "text").required().max(200),
        f("description", "textarea").max(4000),
        f("audience", "select").options(options(lang, "console-audience", &["public", "asn"])),
        f("topics", "text").max(1000).hint(lang.t("console-hint-codes")),
        f("eligibility", "text").max(300),
        f("requirements", "textarea")
            .max(8000)
            .hint(lang.t("console-hint-lines")),
        f("cost", "text").max(300),
        f("duration", "text").max(300),
        f("online_url", "url").max(2000),
        f("office_address", "text").max(300),
        f("applications", "text")
            .max(1000)
            .hint(lang.t("console-hint-codes")),
    ]
}

/// `GET /console/instansi/{agency}/layanan-publik`.
pub async fn list(State(state): State<AppState>, ctx: Ctx, Path(agency): Path<String>) -> Response {
    let Some([agency]) = codes([&agency]) else {
        return ctx.not_found();
    };
    let query = api::public_services::AgencyPublicServiceQuery {
        limit: Some(LIST_LIMIT),
        ..Default::default()
    };
    let listed = api::public_services::list_agency_public_services(
        State(state),
        ctx.who.caller(),
        extract::Path(agency.clone()),
        extract::Query(query),
    );
    let page = match listed.await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = page
        .items
        .iter()
        .map(|s| {
            vec![
                Cell::link(s.spec.name.as_str(), item_href(&agency, &s.spec.code)),
                Cell::text(s.spec.code.as_str()),
                Cell::text(lang.t(&format!("console-audience-{}", s.spec.audience.as_str()))),
            ]
        })
        .collect();
    let heading = ctx.t("console-public-services-title");
    let mut view = Page::new(ctx.frame(heading.clone()), heading.clone());
    if ctx.who.principal.can_write_agency(&agency) {
        view.actions.push(Link::new(
            format!("{}/baru", list_href(&agency)),
            ctx.t("console-new-public-service"),
        ));
    }
    view.actions
        .push(Link::new(agency_href(&agency), ctx.t("console-back-agency")));
    view.tables.push(Table {
        caption: heading,
        head: vec![
            ctx.t("console-col-name"),
            ctx.t("console-col-code"),
            ctx.t("console-col-audience"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &view)
}

/// `GET …/layanan-publik/{code}`.
pub async fn show_one(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, code)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &code]) else {
        return ctx.not_found();
    };
    let path = extract::Path((agency.clone(), code.clone()));
    let s = match api::public_services::get_public_service(State(state), ctx.who.caller(), path).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let spec = &s.spec;
    let mut view = Page::new(ctx.frame(spec.name.as_str()), spec.name.as_str());
    view.lead = Some(spec.description.as_str().to_owned()).filter(|d| !d.is_empty());
    let join = |items: Vec<&str>| items.join(", ");
    view.facts = vec![
        Fact::new(ctx.t("console-col-code"), spec.code.as_str()),
        Fact::new(
            ctx.t("console-col-audience"),
            lang.t(&format!("console-audience-{}", spec.audience.as_str())),
        ),
        Fact::new(
            label(lang, "topics"),
            join(spec.topics.iter().map(Code::as_str).collect()),
        ),
        Fact::new(label(lang, "eligibility"), spec.eligibility.as_str()),
        Fact::new(
            label(lang, "requirements"),
            join(spec.requirements.iter().map(|r| r.as_str()).collect()),
        ),
        Fact::new(label(lang, "cost"), spec.cost.as_str()),
        Fact::new(label(lang, "duration"), spec.duration.as_str()),
        Fact::new(
            label(lang, "online_url"),
            spec.online_url.as_ref().map_or("", |u| u.as_str()),
        ),
        Fact::new(label(lang, "office_address"), spec.office_address.as_str()),
        Fact::new(
            label(lang, "applications"),
            join(spec.applications.iter().map(Code::as_str).collect()),
        ),
    ];
    let base = item_href(&agency, &code);
    if ctx.who.principal.can_write_agency(&agency) {
        view.actions
            .push(Link::new(format!("{base}/ubah"), ctx.t("console-edit")));
        view.actions
            .push(Link::new(format!("{base}/hapus"), ctx.t("console-delete")));
    }
    view.actions.push(Link::new(
        list_href(&agency),
        ctx.t("console-public-services-title"),
    ));
    render(StatusCode::OK, &view)
}

fn new_form(ctx: &Ctx, agency: &Code, values: &Values) -> FormSpec {
    FormSpec {
        heading: ctx.t("console-new-public-service"),
        action: format!("{}/baru", list_href(agency)),
        cancel: list_href(agency),
        version: None,
        fields: fields(ctx.lang, values, false),
    }
}

/// `GET …/layanan-publik/baru`.
pub async fn new(ctx: Ctx, Path(agency): Path<String>) -> Response {
    let Some([agency]) = codes([&agency]) else {
        return ctx.not_found();
    };
    if let Err(e) = ctx.who.caller().write(&agency, "agency", &agency) {
        return ctx.fail(&e);
    }
    let defaults = flatten(&json!({"audience": "public"}));
    show(&ctx, new_form(&ctx, &agency, &defaults), None)
}

/// `POST …/layanan-publik/baru`.
pub async fn create(
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
        let values = typed(&posted.form, &fields(lang, &Values::new(), false));
        show(&ctx, new_form(&ctx, &agency, &values), Some(problem))
    };
    let spec: PublicServiceSpec = match parse(lang, &posted.form, json!({}), PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let code = spec.code.clone();
    let path = extract::Path(agency.clone());
    let created =
        api::public_services::create_public_service(State(state), caller, path, extract::Json(spec));
    match created.await {
        Ok(_) => Redirect::to(&item_href(&agency, &code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

fn edit_form(ctx: &Ctx, agency: &Code, code: &Code, version: i64, values: &Values) -> FormSpec {
    let base = item_href(agency, code);
    FormSpec {
        heading: ctx.t("console-edit-public-service"),
        action: format!("{base}/ubah"),
        cancel: base,
        version: Some(version),
        fields: fields(ctx.lang, values, true),
    }
}

/// `GET …/layanan-publik/{code}/ubah`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, code)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &code]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let (version, s) =
        match api::public_services::get_public_service(State(state), caller.clone(), path).await {
            Ok(s) => s.into_parts(),
            Err(e) => return ctx.fail(&e),
        };
    if let Err(e) = caller.write(&agency, "public service", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let mut values = flatten(&serde_json::to_value(&s.spec).unwrap_or_default());
    join_words(&mut values, &["topics", "applications"]);
    show(&ctx, edit_form(&ctx, &agency, &code, version, &values), None)
}

/// `POST …/layanan-publik/{code}/ubah`.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, code)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, code]) = codes([&agency, &code]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let stored =
        match api::public_services::get_public_service(State(state.clone()), caller.clone(), path.clone())
            .await
        {
            Ok(s) => s.into_parts().1,
            Err(e) => return ctx.fail(&e),
        };
    if let Err(e) = caller.write(&agency, "public service", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let sent_version = version(&posted.form).unwrap_or(stored.meta.version);
    let again = |problem: Problem| {
        let mut values = typed(&posted.form, &fields(lang, &Values::new(), true));
        values.insert("code".to_owned(), Value::String(code.to_string()));
        show(
            &ctx,
            edit_form(&ctx, &agency, &code, sent_version, &values),
            Some(problem),
        )
    };
    let base = serde_json::to_value(&stored.spec).unwrap_or_default();
    let mut form = posted.form.clone();
    form.set("code", code.as_str());
    let spec: PublicServiceSpec = match parse(lang, &form, base, PATHS) {
        Ok(spec) => spec,
        Err(p) => return again(p),
    };
    let updated = api::public_services::update_public_service(
        State(state),
        caller,
        path,
        extract::IfMatch(sent_version),
        extract::Json(spec),
    );
    match updated.await {
        Ok(_) => Redirect::to(&item_href(&agency, &code)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

/// `GET …/layanan-publik/{code}/hapus`.
pub async fn confirm_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, code)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &code]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let s = match api::public_services::get_public_service(State(state), caller.clone(), path).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "public service", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let base = item_href(&agency, &code);
    let text = ctx.lang.t_args(
        "console-delete-public-service-text",
        &[("name", s.spec.name.as_str())],
    );
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t("console-delete-public-service"),
            text,
            action: format!("{base}/hapus"),
            submit: ctx.t("console-delete"),
            cancel: base,
            fields: Vec::new(),
        },
    )
}

/// `POST …/layanan-publik/{code}/hapus`: deleted; back to the list.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, code)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, code]) = codes([&agency, &code]) else {
        return ctx.not_found();
    };
    let deleted = api::public_services::delete_public_service(
        State(state),
        ctx.who.caller(),
        extract::Path((agency.clone(), code)),
        extract::MaybeIfMatch(None),
    );
    match deleted.await {
        Ok(_) => Redirect::to(&list_href(&agency)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
