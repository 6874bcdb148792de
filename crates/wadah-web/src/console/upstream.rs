//! A service's upstream credential (how the gateway authenticates to the provider's system:
//! a fixed header, HTTP Basic, or OAuth2 client credentials), set, replaced and removed from
//! the console. The secret is write-only: the form never shows it, not even after a failed
//! submission, and the page shows only the kind and the non-secret fields the API answers
//! with. Every step calls the handler of `crate::api::upstream_credentials`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use wadah_domain::service::ServiceRef;
use wadah_domain::upstream::{UpstreamCredentialPublic, UpstreamCredentialSpec};

use super::Ctx;
use super::confirm::{Confirm, confirm};
use super::forms::{Problem, here, options, problem_of};
use super::registry::{codes, service_href};
use super::view::{Fact, Field, FormPage, Link, Page, render};
use crate::api;
use crate::codes::ErrorCode;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::{FormData, Posted};
use crate::state::AppState;

const KINDS: &[&str] = &["header", "basic", "oauth2_client_credentials"];
/// The fields that hold a secret: never shown back.
const SECRETS: &[&str] = &["header_value", "password", "client_secret"];

pub(super) fn href(key: &ServiceRef) -> String {
    format!("{}/kredensial-upstream", service_href(key))
}

fn key_of(raw: (&str, &str, &str)) -> Option<ServiceRef> {
    let [agency, application, service] = codes([raw.0, raw.1, raw.2])?;
    Some(ServiceRef {
        agency,
        application,
        service,
    })
}

fn path_of(key: &ServiceRef) -> extract::Path<(wadah_domain::Code, wadah_domain::Code, wadah_domain::Code)> {
    extract::Path((key.agency.clone(), key.application.clone(), key.service.clone()))
}

fn fields(lang: Lang, form: &FormData) -> Vec<Field> {
    let f = |name: &str, kind| {
        let value = if SECRETS.contains(&name) {
            ""
        } else {
            form.get(name)
        };
        Field::new(name, lang.t(&format!("console-field-{name}")), kind, value)
    };
    let kind = Some(form.get("kind"))
        .filter(|k| !k.is_empty())
        .unwrap_or("header");
    vec![
        Field::new("kind", lang.t("console-field-upstream-kind"), "select", kind).options(options(
            lang,
            "console-upstream-kind",
            KINDS,
        )),
        f("header_name", "text")
            .max(256)
            .hint(lang.t("console-hint-header_name")),
        f("header_value", "password").max(4096),
        f("username", "text").max(256),
        f("password", "password").max(4096),
        f("token_url", "url").max(2000),
        f("client_id", "text").max(256),
        f("client_secret", "password").max(4096),
        f("scope", "text").max(1024),
    ]
}

/// The posted form as the API's spec; only the fields of the chosen kind are read.
fn spec_of(lang: Lang, form: &FormData) -> Result<UpstreamCredentialSpec, Problem> {
    let v = |name: &str| form.get(name).trim().to_owned();
    let value = match form.get("kind") {
        "header" => json!({"kind": "header", "name": v("header_name"), "value": v("header_value")}),
        "basic" => json!({"kind": "basic", "username": v("username"), "password": v("password")}),
        "oauth2_client_credentials" => {
            let scope = Some(v("scope")).filter(|s| !s.is_empty());
            json!({"kind": "oauth2_client_credentials", "token_url": v("token_url"),
                "client_id": v("client_id"), "client_secret": v("client_secret"), "scope": scope})
        }
        _ => return Err(Problem::field(lang, "kind")),
    };
    serde_json::from_value(value).map_err(|_| Problem::field(lang, "kind"))
}

/// The form's name of a field the API names (`name`, `value` of a header).
fn form_field(kind: &str, api_field: &str) -> String {
    match (kind, api_field) {
        ("header", "name") => "header_name".to_owned(),
        ("header", "value") => "header_value".to_owned(),
        (_, other) => other.to_owned(),
    }
}

fn show_form(ctx: &Ctx, key: &ServiceRef, form: &FormData, problem: Option<Problem>) -> Response {
    let mut fields = fields(ctx.lang, form);
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
    let heading = ctx.t("console-set-upstream");
    let page = FormPage {
        frame: ctx.frame(heading.clone()),
        heading,
        action: format!("{}/ubah", href(key)),
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: Vec::new(),
        fields,
        error,
        submit: ctx.t("console-save"),
        cancel: Link::new(href(key), ctx.t("console-cancel")),
    };
    render(status, &page)
}

/// `GET …/layanan/{service}/kredensial-upstream`: what is set (never the secret).
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    if let Err(e) = api::services::get_service(State(state.clone()), ctx.who.caller(), path_of(&key)).await {
        return ctx.fail(&e);
    }
    let current =
        api::upstream_credentials::get_upstream_credential(State(state), ctx.who.caller(), path_of(&key));
    let current = match current.await {
        Ok(c) => Some(c.into_parts().1),
        Err(e) if e.code() == ErrorCode::NotFound => None,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let heading = ctx.t("console-upstream-title");
    let mut view = Page::new(ctx.frame(heading.clone()), heading);
    view.lead = Some(format!("{}/{}/{}", key.agency, key.application, key.service));
    match &current {
        None => view.facts.push(Fact::new(
            ctx.t("console-field-upstream-kind"),
            ctx.t("console-upstream-none"),
        )),
        Some(c) => {
            let (kind, public) = match &c.public {
                UpstreamCredentialPublic::Header { name } => ("header", vec![("header_name", name.clone())]),
                UpstreamCredentialPublic::Basic { username } => {
                    ("basic", vec![("username", username.clone())])
                }
                UpstreamCredentialPublic::Oauth2ClientCredentials {
                    token_url,
                    client_id,
                    scope,
                } => (
                    "oauth2_client_credentials",
                    vec![
                        ("token_url", token_url.clone()),
                        ("client_id", client_id.clone()),
                        ("scope", scope.clone().unwrap_or_default()),
                    ],
                ),
            };
            view.facts.push(Fact::new(
                ctx.t("console-field-upstream-kind"),
                lang.t(&format!("console-upstream-kind-{kind}")),
            ));
            for (name, value) in public {
                view.facts
                    .push(Fact::new(lang.t(&format!("console-field-{name}")), value));
            }
            view.facts.push(Fact::new(
                ctx.t("console-col-updated"),
                format::date(lang, c.meta.updated_at),
            ));
        }
    }
    if ctx.who.principal.can_write_agency(&key.agency) {
        view.actions.push(Link::new(
            format!("{}/ubah", href(&key)),
            ctx.t("console-set-upstream"),
        ));
        if current.is_some() {
            view.actions.push(Link::new(
                format!("{}/hapus", href(&key)),
                ctx.t("console-remove-upstream"),
            ));
        }
    }
    view.actions
        .push(Link::new(service_href(&key), ctx.t("console-back-service")));
    render(StatusCode::OK, &view)
}

/// `GET …/kredensial-upstream/ubah`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = api::services::get_service(State(state), caller.clone(), path_of(&key)).await {
        return ctx.fail(&e);
    }
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    show_form(&ctx, &key, &FormData::default(), None)
}

/// `POST …/kredensial-upstream/ubah`: set or replaced; back to what is set.
pub async fn set(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, service)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    if let Err(e) = api::services::get_service(State(state.clone()), caller.clone(), path_of(&key)).await {
        return ctx.fail(&e);
    }
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    let spec = match spec_of(lang, &posted.form) {
        Ok(s) => s,
        Err(p) => return show_form(&ctx, &key, &posted.form, Some(p)),
    };
    let kind = posted.form.get("kind");
    let result = api::upstream_credentials::set_upstream_credential(
        State(state),
        caller,
        path_of(&key),
        extract::Json(spec),
    );
    match result.await {
        Ok(_) => Redirect::to(&href(&key)).into_response(),
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = form_field(kind, &e.problem().field.unwrap_or_default());
            show_form(&ctx, &key, &posted.form, Some(Problem::field(lang, &field)))
        }
        Err(e) => match problem_of(lang, &e) {
            Some(p) => show_form(&ctx, &key, &posted.form, Some(p)),
            None => ctx.fail(&e),
        },
    }
}

/// `GET …/kredensial-upstream/hapus`.
pub async fn confirm_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let current =
        api::upstream_credentials::get_upstream_credential(State(state), caller.clone(), path_of(&key));
    if let Err(e) = current.await {
        return ctx.fail(&e);
    }
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t("console-remove-upstream"),
            text: ctx.t("console-remove-upstream-text"),
            action: format!("{}/hapus", href(&key)),
            submit: ctx.t("console-remove-upstream"),
            cancel: href(&key),
            fields: Vec::new(),
        },
    )
}

/// `POST …/kredensial-upstream/hapus`: removed; calls go out without one.
pub async fn remove(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, service)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let removed =
        api::upstream_credentials::delete_upstream_credential(State(state), ctx.who.caller(), path_of(&key));
    match removed.await {
        Ok(_) => Redirect::to(&href(&key)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
