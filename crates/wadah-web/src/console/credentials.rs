//! An application's credentials for the gateway, from the console: the list (never a
//! secret), issuing one (API key, OAuth client or client certificate), rotating and revoking
//! after a confirmation. Every step calls the handler of `crate::api::credentials` with the
//! session's caller, so the agency's admins (and the application's developers) may act, an
//! auditor only reads, and another agency's application is not found. A new or rotated secret
//! is shown once, on the answer to the post ([`super::confirm::secret_once`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;
use wadah_domain::Code;
use wadah_domain::credential::{CredentialKind, CredentialSpec, IssuedCredential};

use super::Ctx;
use super::confirm::{Confirm, confirm, secret_once};
use super::forms::{FormSpec, Kind, Problem, Values, here, parse, problem_of, show, text, typed};
use super::registry::{application_href, codes};
use super::view::{Cell, Field, Link, Page, Table, render};
use crate::api;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::Posted;
use crate::state::AppState;

/// Longest id a credential can have (anything longer names none).
const MAX_ID: usize = 64;
/// Most credentials listed.
const LIST_LIMIT: u32 = 200;

const PATHS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("kind", Kind::Text),
    ("expires_at", Kind::Date),
    ("certificate", Kind::Optional),
];

pub(super) fn list_href(agency: &Code, application: &Code) -> String {
    format!("{}/kredensial", application_href(agency, application))
}

fn kind_label(lang: Lang, kind: &str) -> String {
    lang.t(&format!("dev-kind-{kind}"))
}

fn fields(lang: Lang, v: &Values) -> Vec<Field> {
    let f = |name: &str, key: &str, kind| Field::new(name, lang.t(key), kind, text(v, name));
    let kinds = ["api_key", "oauth_client", "certificate"];
    vec![
        f("name", "dev-field-credential-name", "text")
            .required()
            .max(200)
            .hint(lang.t("dev-hint-credential-name")),
        f("kind", "dev-field-kind", "select").options(
            kinds
                .iter()
                .map(|k| ((*k).to_owned(), kind_label(lang, k)))
                .collect(),
        ),
        f("expires_at", "dev-field-expires", "date").hint(lang.t("dev-hint-expires")),
        f("certificate", "console-field-certificate", "textarea")
            .max(16 * 1024)
            .hint(lang.t("console-hint-certificate")),
    ]
}

/// `GET …/aplikasi/{application}/kredensial`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application)): Path<(String, String)>,
) -> Response {
    let Some([agency, application]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let query = api::credentials::CredentialQuery {
        limit: Some(LIST_LIMIT),
        ..Default::default()
    };
    let listed = api::credentials::list_credentials(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path((agency.clone(), application.clone())),
        extract::Query(query),
    );
    let page = match listed.await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let now = state.now();
    let may_act = ctx.who.principal.can_act_for_application(&agency, &application);
    let base = list_href(&agency, &application);
    let rows = page
        .items
        .iter()
        .map(|c| {
            let status = if c.revoked_at.is_some() {
                "dev-credential-revoked"
            } else if c.is_usable(now) {
                "dev-credential-active"
            } else {
                "dev-credential-expired"
            };
            let mut row = vec![
                Cell::text(c.name.as_str()),
                Cell::text(kind_label(lang, c.kind.as_str())),
                Cell::text(c.hint.clone()),
                Cell::text(c.client_id.clone().unwrap_or_default()),
                Cell::text(format::date(lang, c.meta.created_at)),
                Cell::text(lang.t(status)),
            ];
            if may_act {
                let usable = c.revoked_at.is_none();
                let rotatable = usable && c.kind != CredentialKind::Certificate;
                row.push(if rotatable {
                    Cell::link(lang.t("console-rotate"), format!("{base}/{}/rotasi", c.id))
                } else {
                    Cell::text("")
                });
                row.push(if usable {
                    Cell::link(lang.t("console-revoke"), format!("{base}/{}/cabut", c.id))
                } else {
                    Cell::text("")
                });
            }
            row
        })
        .collect();
    let heading = ctx.t("console-credentials-title");
    let mut view = Page::new(ctx.frame(heading.clone()), heading.clone());
    view.lead = Some(format!("{agency}/{application}"));
    if may_act {
        view.actions
            .push(Link::new(format!("{base}/baru"), ctx.t("dev-credential-new")));
    }
    view.actions.push(Link::new(
        application_href(&agency, &application),
        ctx.t("console-back-application"),
    ));
    let mut head = vec![
        ctx.t("dev-field-credential-name"),
        ctx.t("dev-field-kind"),
        ctx.t("console-col-hint"),
        "client_id".to_owned(),
        ctx.t("console-col-created"),
        ctx.t("console-col-status"),
    ];
    if may_act {
        head.push(ctx.t("console-rotate"));
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

fn new_form(ctx: &Ctx, agency: &Code, application: &Code, values: &Values) -> FormSpec {
    let base = list_href(agency, application);
    FormSpec {
        heading: ctx.t("dev-credential-new"),
        action: format!("{base}/baru"),
        cancel: base,
        version: None,
        fields: fields(ctx.lang, values),
    }
}

/// `GET …/kredensial/baru`.
pub async fn new(
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
    let scope = format!("{agency}/{application}");
    if let Err(e) = caller.act_for(&agency, &application, "application", scope) {
        return ctx.fail(&e);
    }
    let defaults = super::forms::flatten(&json!({"kind": "api_key"}));
    show(&ctx, new_form(&ctx, &agency, &application, &defaults), None)
}

/// The answer to an issue or a rotation: the secret once, or (a certificate) the list.
fn issued_page(
    ctx: &Ctx,
    status: StatusCode,
    heading_key: &str,
    issued: IssuedCredential,
    back: String,
) -> Response {
    match issued.secret {
        Some(secret) => secret_once(
            ctx,
            status,
            ctx.t(heading_key),
            issued.credential.name.as_str(),
            issued.credential.client_id,
            secret,
            back,
        ),
        None => Redirect::to(&back).into_response(),
    }
}

/// `POST …/kredensial/baru`.
pub async fn create(
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
    let again = |p: Problem| {
        let values = typed(&posted.form, &fields(lang, &Values::new()));
        show(&ctx, new_form(&ctx, &agency, &application, &values), Some(p))
    };
    let spec: CredentialSpec = match parse(lang, &posted.form, json!({}), PATHS) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    let created = api::credentials::create_credential(
        State(state),
        ctx.who.caller(),
        extract::Path((agency.clone(), application.clone())),
        extract::Json(spec),
    );
    match created.await {
        Ok(issued) => issued_page(
            &ctx,
            StatusCode::CREATED,
            "dev-secret-created",
            issued.into_parts().1,
            list_href(&agency, &application),
        ),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}

/// The confirmation of `step` (`rotasi` or `cabut`) of the credential `id`.
async fn confirm_step(
    state: AppState,
    ctx: Ctx,
    (agency, application, id): (String, String, String),
    step: &str,
) -> Response {
    let Some([agency, application]) = codes([&agency, &application]).filter(|_| id.len() <= MAX_ID) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), application.clone(), id.clone()));
    let credential = match api::credentials::get_credential(State(state), caller.clone(), path).await {
        Ok(c) => c.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.act_for(&agency, &application, "credential", &id) {
        return ctx.fail(&e);
    }
    let (heading, text, submit) = if step == "rotasi" {
        (
            "console-rotate-credential",
            "console-rotate-credential-text",
            "console-rotate",
        )
    } else {
        (
            "console-revoke-credential",
            "console-revoke-credential-text",
            "console-revoke",
        )
    };
    let base = list_href(&agency, &application);
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t(heading),
            text: ctx.lang.t_args(text, &[("name", credential.name.as_str())]),
            action: format!("{base}/{id}/{step}"),
            submit: ctx.t(submit),
            cancel: base,
            fields: Vec::new(),
        },
    )
}

/// `GET …/kredensial/{id}/rotasi`.
pub async fn confirm_rotate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(path): Path<(String, String, String)>,
) -> Response {
    confirm_step(state, ctx, path, "rotasi").await
}

/// `GET …/kredensial/{id}/cabut`.
pub async fn confirm_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(path): Path<(String, String, String)>,
) -> Response {
    confirm_step(state, ctx, path, "cabut").await
}

/// `POST …/kredensial/{id}/rotasi`: a new secret, shown once; the old one stops working.
pub async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, id)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, application]) = codes([&agency, &application]).filter(|_| id.len() <= MAX_ID) else {
        return ctx.not_found();
    };
    let path = extract::Path((agency.clone(), application.clone(), id));
    match api::credentials::rotate_credential(State(state), ctx.who.caller(), path).await {
        Ok(issued) => issued_page(
            &ctx,
            StatusCode::OK,
            "dev-secret-rotated",
            issued.into_parts().1,
            list_href(&agency, &application),
        ),
        Err(e) => ctx.fail(&e),
    }
}

/// `POST …/kredensial/{id}/cabut`: revoked for good; back to the list.
pub async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, id)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, application]) = codes([&agency, &application]).filter(|_| id.len() <= MAX_ID) else {
        return ctx.not_found();
    };
    let path = extract::Path((agency.clone(), application.clone(), id));
    match api::credentials::revoke_credential(State(state), ctx.who.caller(), path).await {
        Ok(_) => Redirect::to(&list_href(&agency, &application)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
