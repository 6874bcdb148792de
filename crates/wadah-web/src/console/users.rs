//! Users and roles in the console (issue 4): the list, a new account (its first password
//! generated and shown once), one user's page (role, agency and application, disable and
//! enable, a new password shown once, the user's admin API tokens: list, mint for oneself with
//! the secret shown once, revoke).
//!
//! Every page and form calls the admin API's user and token handlers (`crate::api::users`,
//! `crate::api::tokens`) with the signed-in person as caller, so who may manage whom, the
//! ceiling on roles (an agency admin manages only their agency's accounts, so never a
//! platform-wide role), the rule that nobody locks themselves out and the password policy are
//! the API's. The page only asks the same policy which forms to show. A user outside the
//! person's scope is a 404, as in the API (its existence is not leaked); a visible one the
//! person may not change is a 403.
//!
//! | path | page |
//! |---|---|
//! | `/console/pengguna` | the accounts the person may see |
//! | `/console/pengguna/baru` | a new account |
//! | `/console/pengguna/{username}` | one account; `POST` changes its role and scope |
//! | `POST …/{username}/status`, `…/sandi` | disable or enable; a new password |
//! | `POST …/{username}/token`, `…/token/{id}/cabut` | mint a token; revoke one |

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use wadah_domain::user::{ApiToken, ApiTokenSpec, Role, User, UserSpec, Username};

use super::view::{Cell, Fact, Field, FormPage, Frame, Link, Page, Table, render};
use super::{Ctx, Paging, next_link};
use crate::api;
use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::extract;
use crate::portal::{Lang, format};
use crate::session::{FormData, Posted};
use crate::state::AppState;

/// The console's user routes (merged by `console::routes`).
pub fn routes() -> Router<AppState> {
    let one = "/console/pengguna/{username}";
    Router::new()
        .route("/console/pengguna", get(list))
        .route("/console/pengguna/baru", get(new_user).post(create_user))
        .route(one, get(show).post(update))
        .route(&format!("{one}/status"), post(set_enabled))
        .route(&format!("{one}/sandi"), post(reset_password))
        .route(&format!("{one}/token"), post(create_token))
        .route(&format!("{one}/token/{{id}}/cabut"), post(revoke_token))
}

const ROLES: [Role; 6] = [
    Role::PlatformAdmin,
    Role::AgencyAdmin,
    Role::Developer,
    Role::Auditor,
    Role::Evaluator,
    Role::Staff,
];

/// The user form's fields, named as the API's JSON fields.
const FIELDS: [&str; 6] = [
    "username",
    "display_name",
    "email",
    "role",
    "agency",
    "application",
];

pub(crate) fn href(username: &str) -> String {
    format!(
        "/console/pengguna/{}",
        crate::portal::layout::encode_component(username)
    )
}

/// A path segment as a login name; `None`: no such page.
fn username_of(raw: &str) -> Option<Username> {
    Username::parse(raw).ok()
}

fn role_label(lang: Lang, role: Role) -> String {
    lang.t(&format!("console-role-{}", role.as_str()))
}

/// Whether the person manages the accounts of some agency (or the platform-wide ones).
fn manages_users(ctx: &Ctx) -> bool {
    let p = &ctx.who.principal;
    p.can_manage_users_of(None) || p.agency.as_ref().is_some_and(|a| p.can_manage_users_of(Some(a)))
}

/// `GET /console/pengguna`: the accounts the person may see.
pub async fn list(State(state): State<AppState>, ctx: Ctx, paging: Query<Paging>) -> Response {
    let query = api::users::UserQuery {
        cursor: paging.0.lanjut,
        ..Default::default()
    };
    let page = match api::users::list_users(State(state), ctx.who.caller(), extract::Query(query)).await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let rows = page
        .items
        .iter()
        .map(|u| {
            vec![
                Cell::link(u.spec.username.as_str(), href(u.spec.username.as_str())),
                Cell::text(u.spec.display_name.as_str()),
                Cell::text(role_label(ctx.lang, u.spec.role)),
                Cell::text(u.spec.agency.as_ref().map_or("—", |a| a.as_str())),
                Cell::text(ctx.t(if u.spec.disabled {
                    "console-disabled"
                } else {
                    "console-enabled"
                })),
            ]
        })
        .collect();
    let mut view = Page::new(
        ctx.frame(ctx.t("console-users-title")),
        ctx.t("console-users-title"),
    );
    if manages_users(&ctx) {
        view.actions
            .push(Link::new("/console/pengguna/baru", ctx.t("console-user-new")));
    }
    view.tables.push(Table {
        caption: ctx.t("console-users-title"),
        head: ["username", "name", "role", "agency", "state"]
            .iter()
            .map(|c| ctx.t(&format!("console-users-col-{c}")))
            .collect(),
        rows,
        empty: ctx.t("console-empty"),
        more: next_link(ctx.lang, "/console/pengguna", page.next),
    });
    render(StatusCode::OK, &view)
}

// ---- the user form ----

/// The roles the person may offer: every role for the platform admin; an agency admin's
/// accounts are their agency's, so never a platform-wide role (the API refuses it anyway).
fn role_options(ctx: &Ctx) -> Vec<(String, String)> {
    let p = &ctx.who.principal;
    ROLES
        .iter()
        .filter(|r| p.can_manage_users_of(None) || **r != Role::PlatformAdmin)
        .map(|r| (r.as_str().to_owned(), role_label(ctx.lang, *r)))
        .collect()
}

/// The agencies the person may put accounts in ("none" first for the platform admin).
async fn agency_options(state: &AppState, ctx: &Ctx) -> Vec<(String, String)> {
    let p = &ctx.who.principal;
    let mut out = Vec::new();
    if p.can_manage_users_of(None) {
        out.push((String::new(), ctx.t("console-user-no-agency")));
    }
    let query = api::agencies::AgencyQuery {
        limit: Some(500),
        ..Default::default()
    };
    if let Ok(page) =
        api::agencies::list_agencies(State(state.clone()), ctx.who.caller(), extract::Query(query)).await
    {
        out.extend(
            page.0
                .items
                .iter()
                .filter(|a| p.can_manage_users_of(Some(&a.spec.code)))
                .map(|a| {
                    (
                        a.spec.code.to_string(),
                        format!("{} ({})", a.spec.name.as_str(), a.spec.code),
                    )
                }),
        );
    }
    out
}

fn user_fields(
    ctx: &Ctx,
    values: &Map<String, Value>,
    editing: bool,
    agencies: Vec<(String, String)>,
) -> Vec<Field> {
    let lang = ctx.lang;
    let v = |name: &str| {
        values
            .get(name)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    let f = |name: &str, kind| Field::new(name, lang.t(&format!("console-user-field-{name}")), kind, v(name));
    vec![
        f("username", "text")
            .required()
            .max(64)
            .readonly(editing)
            .hint(lang.t("console-user-hint-username")),
        f("display_name", "text").required().max(200),
        f("email", "email").max(300),
        f("role", "select").options(role_options(ctx)),
        f("agency", "select").options(agencies),
        f("application", "text")
            .max(32)
            .hint(lang.t("console-user-hint-application")),
    ]
}

/// The form's values as typed.
fn typed(form: &FormData) -> Map<String, Value> {
    FIELDS
        .iter()
        .map(|n| ((*n).to_owned(), Value::String(form.get(n).trim().to_owned())))
        .collect()
}

/// A stored user's values for the form.
fn stored(user: &User) -> Map<String, Value> {
    let s = &user.spec;
    [
        ("username", s.username.as_str().to_owned()),
        ("display_name", s.display_name.as_str().to_owned()),
        ("email", s.email.as_str().to_owned()),
        ("role", s.role.as_str().to_owned()),
        (
            "agency",
            s.agency.as_ref().map(ToString::to_string).unwrap_or_default(),
        ),
        (
            "application",
            s.application
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), Value::String(v)))
    .collect()
}

/// The typed values as the API's `UserSpec` (empty optional fields left out), parsed by the
/// one deserializer; an error names its form field.
fn parse_spec(values: &Map<String, Value>, disabled: bool) -> Result<UserSpec, String> {
    let mut body = values.clone();
    for optional in ["agency", "application"] {
        if body
            .get(optional)
            .and_then(Value::as_str)
            .is_some_and(str::is_empty)
        {
            body.remove(optional);
        }
    }
    body.insert("disabled".to_owned(), Value::Bool(disabled));
    serde_path_to_error::deserialize::<_, UserSpec>(Value::Object(body))
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

/// A field-level problem of the user form: which field (none: the form) and what to say.
fn field_problem(lang: Lang, field: &str) -> (Option<String>, String) {
    let message = lang
        .try_t(&format!("console-user-invalid-{field}"))
        .unwrap_or_else(|| lang.t("console-invalid"));
    ((!field.is_empty()).then(|| field.to_owned()), message)
}

/// Where a refusal of the shared handlers belongs on the user form; `None`: not a form
/// problem (a refusal page instead).
fn form_problem(lang: Lang, e: &ApiError) -> Option<(Option<String>, String)> {
    match e.code() {
        ErrorCode::ValidationFailed => Some(field_problem(
            lang,
            &field_of(&e.problem().field.unwrap_or_default()),
        )),
        ErrorCode::Duplicate => Some((Some("username".to_owned()), lang.t("console-user-duplicate"))),
        ErrorCode::StaleVersion => Some((None, lang.t("console-stale-text"))),
        ErrorCode::InvalidState => Some((None, lang.t("console-user-self-lockout"))),
        _ => None,
    }
}

fn form_page(
    ctx: &Ctx,
    heading: String,
    action: String,
    version: Option<i64>,
    fields: Vec<Field>,
    cancel: String,
) -> FormPage {
    FormPage {
        frame: ctx.frame(heading.clone()),
        heading,
        action,
        csrf: ctx.who.csrf_token().to_owned(),
        hidden: version
            .map(|v| vec![("versi".to_owned(), v.to_string())])
            .unwrap_or_default(),
        fields,
        error: None,
        submit: ctx.t("console-save"),
        cancel: Link::new(cancel, ctx.t("console-cancel")),
    }
}

fn with_problem(mut page: FormPage, problem: (Option<String>, String)) -> Response {
    let (field, message) = problem;
    match page.fields.iter_mut().find(|f| Some(&f.name) == field.as_ref()) {
        Some(f) => f.error = Some(message),
        None => page.error = Some(message),
    }
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `GET /console/pengguna/baru`.
pub async fn new_user(State(state): State<AppState>, ctx: Ctx) -> Response {
    if !manages_users(&ctx) {
        return ctx.fail(&ctx.who.caller().denied("manage users"));
    }
    let mut values = Map::new();
    let default_role = if ctx.who.principal.can_manage_users_of(None) {
        Role::Auditor
    } else {
        Role::Staff
    };
    values.insert("role".to_owned(), Value::String(default_role.as_str().to_owned()));
    if let Some(a) = &ctx.who.principal.agency {
        values.insert("agency".to_owned(), Value::String(a.to_string()));
    }
    let fields = user_fields(&ctx, &values, false, agency_options(&state, &ctx).await);
    let page = form_page(
        &ctx,
        ctx.t("console-user-new"),
        "/console/pengguna/baru".to_owned(),
        None,
        fields,
        "/console/pengguna".to_owned(),
    );
    render(StatusCode::OK, &page)
}

/// A new password for someone else to use once: 18 random bytes, base64url (24 characters,
/// inside the password policy).
fn generated_password(state: &AppState) -> String {
    let mut bytes = [0u8; 18];
    state.random().fill(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Sets `password` through the API's handler (its policy, its hashing off the runtime).
async fn set_password(
    state: &AppState,
    ctx: &Ctx,
    username: &Username,
    password: String,
) -> Result<(), ApiError> {
    api::users::set_password(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(username.clone()),
        extract::Json(api::users::PasswordChange { password }),
    )
    .await
    .map(|_| ())
}

/// `POST /console/pengguna/baru`: the account, then its first password, shown once.
pub async fn create_user(State(state): State<AppState>, lang: Lang, posted: Posted) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, "/console/pengguna/baru".to_owned());
    let values = typed(&posted.form);
    let again = |agencies, problem| {
        let page = form_page(
            &ctx,
            ctx.t("console-user-new"),
            "/console/pengguna/baru".to_owned(),
            None,
            user_fields(&ctx, &values, false, agencies),
            "/console/pengguna".to_owned(),
        );
        with_problem(page, problem)
    };
    let spec = match parse_spec(&values, false) {
        Ok(spec) => spec,
        Err(field) => return again(agency_options(&state, &ctx).await, field_problem(lang, &field)),
    };
    let username = spec.username.clone();
    let created = api::users::create_user(State(state.clone()), ctx.who.caller(), extract::Json(spec)).await;
    if let Err(e) = created {
        return match form_problem(lang, &e) {
            Some(p) => again(agency_options(&state, &ctx).await, p),
            None => ctx.fail(&e),
        };
    }
    let password = generated_password(&state);
    if let Err(e) = set_password(&state, &ctx, &username, password.clone()).await {
        return ctx.fail(&e);
    }
    let ctx = Ctx {
        here: href(username.as_str()),
        ..ctx
    };
    let secret = Secret {
        label: lang.t("console-user-password"),
        value: password,
        note: lang.t("console-user-password-once"),
    };
    user_page(&state, &ctx, &username, Some(secret), None, StatusCode::CREATED).await
}

// ---- one user ----

/// A secret shown once (a new password, a new token).
struct Secret {
    label: String,
    value: String,
    note: String,
}

/// One token as listed, with its revoke form when it may be revoked now.
struct TokenRow {
    name: String,
    hint: String,
    created: String,
    expires: String,
    state: String,
    revoke: Option<String>,
}

#[derive(Template)]
#[template(path = "console/user.html")]
struct UserPage {
    frame: Frame,
    heading: String,
    back: Link,
    notice: Option<String>,
    secret: Option<Secret>,
    facts: Vec<Fact>,
    csrf: String,
    version: i64,
    /// The role and scope form (managers).
    edit_action: Option<String>,
    fields: Vec<Field>,
    error: Option<String>,
    /// Disable or enable (managers): the action and the button's label.
    status: Option<(String, String, String)>,
    /// A new password (managers and the user themselves).
    password_action: Option<String>,
    tokens: Vec<TokenRow>,
    /// Minting a token (the user themselves only).
    token_action: Option<String>,
    token_fields: Vec<Field>,
    token_error: Option<String>,
}

impl UserPage {
    fn has_errors(&self) -> bool {
        self.error.is_some()
            || self.fields.iter().any(|f| f.error.is_some())
            || self.token_error.is_some()
            || self.token_fields.iter().any(|f| f.error.is_some())
    }
}

fn token_fields(lang: Lang, name: &str, expires: &str) -> Vec<Field> {
    vec![
        Field::new("nama", lang.t("console-token-name"), "text", name)
            .required()
            .max(200),
        Field::new("kedaluwarsa", lang.t("console-token-expires"), "date", expires)
            .hint(lang.t("console-token-expires-hint")),
    ]
}

fn token_row(
    ctx: &Ctx,
    user: &User,
    t: &ApiToken,
    now: chrono::DateTime<chrono::Utc>,
    may_revoke: bool,
) -> TokenRow {
    let lang = ctx.lang;
    let expired = t.expires_at.is_some_and(|e| e <= now);
    let state = if t.revoked_at.is_some() {
        lang.t("console-token-revoked")
    } else if expired {
        lang.t("console-token-expired")
    } else {
        lang.t("console-enabled")
    };
    TokenRow {
        name: t.name.as_str().to_owned(),
        hint: t.hint.clone(),
        created: format::date(lang, t.created_at),
        expires: t
            .expires_at
            .map_or_else(|| "—".to_owned(), |e| format::date(lang, e)),
        state,
        revoke: (may_revoke && t.revoked_at.is_none() && !expired).then(|| {
            format!(
                "{}/token/{}/cabut",
                href(user.spec.username.as_str()),
                crate::portal::layout::encode_component(&t.id)
            )
        }),
    }
}

/// The user's page as the person may see it, with `secret` shown once and the form
/// `problem` (typed values in `typed`) when a change was refused.
async fn user_page(
    state: &AppState,
    ctx: &Ctx,
    username: &Username,
    secret: Option<Secret>,
    problem: Option<(Problem, Map<String, Value>)>,
    status: StatusCode,
) -> Response {
    let caller = ctx.who.caller();
    let user = match api::users::get_user(
        State(state.clone()),
        caller.clone(),
        extract::Path(username.clone()),
    )
    .await
    {
        Ok(u) => u.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    let tokens = match api::tokens::list_tokens(
        State(state.clone()),
        caller,
        extract::Path(username.clone()),
        extract::Query(api::tokens::TokenQuery {
            limit: Some(500),
            ..Default::default()
        }),
    )
    .await
    {
        Ok(p) => p.0.items,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let p = &ctx.who.principal;
    let own = p.username == user.spec.username.as_str();
    let manager = p.can_manage_users_of(user.spec.agency.as_ref());
    let base = href(user.spec.username.as_str());
    let s = &user.spec;
    let facts = vec![
        Fact::new(ctx.t("console-users-col-username"), s.username.as_str()),
        Fact::new(ctx.t("console-users-col-role"), role_label(lang, s.role)),
        Fact::new(
            ctx.t("console-users-col-agency"),
            s.agency.as_ref().map_or("—".to_owned(), ToString::to_string),
        ),
        Fact::new(
            ctx.t("console-user-field-application"),
            s.application.as_ref().map_or("—".to_owned(), ToString::to_string),
        ),
        Fact::new(
            ctx.t("console-users-col-state"),
            ctx.t(if s.disabled {
                "console-disabled"
            } else {
                "console-enabled"
            }),
        ),
        Fact::new(
            ctx.t("console-col-updated"),
            format::date(lang, user.meta.updated_at),
        ),
    ];
    let (mut values, mut token_values) = (stored(&user), ["", ""].map(str::to_owned));
    let (mut field_error, mut form_error, mut token_field_error, mut token_error) = (None, None, None, None);
    if let Some((problem, typed)) = problem {
        match problem {
            Problem::User(field, message) => {
                values = typed;
                values.insert(
                    "username".to_owned(),
                    Value::String(s.username.as_str().to_owned()),
                );
                match field {
                    Some(f) => field_error = Some((f, message)),
                    None => form_error = Some(message),
                }
            }
            Problem::Token(field, message) => {
                token_values = ["nama", "kedaluwarsa"].map(|n| {
                    typed
                        .get(n)
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                });
                match field {
                    Some(f) => token_field_error = Some((f, message)),
                    None => token_error = Some(message),
                }
            }
            Problem::Page(message) => form_error = Some(message),
        }
    }
    let mut fields = if manager {
        user_fields(ctx, &values, true, agency_options(state, ctx).await)
    } else {
        Vec::new()
    };
    if let Some((f, message)) = field_error {
        match fields.iter_mut().find(|x| x.name == f) {
            Some(x) => x.error = Some(message),
            None => form_error = Some(message),
        }
    }
    let mut token_fields = token_fields(lang, &token_values[0], &token_values[1]);
    if let Some((f, message)) = token_field_error {
        match token_fields.iter_mut().find(|x| x.name == f) {
            Some(x) => x.error = Some(message),
            None => token_error = Some(message),
        }
    }
    let now = state.now();
    let heading = format!("{} ({})", s.display_name.as_str(), s.username.as_str());
    let page = UserPage {
        frame: ctx.frame(heading.clone()),
        heading,
        back: Link::new("/console/pengguna", ctx.t("console-users-title")),
        notice: None,
        secret,
        facts,
        csrf: ctx.who.csrf_token().to_owned(),
        version: user.meta.version,
        edit_action: manager.then(|| base.clone()),
        fields,
        error: form_error,
        status: (manager && !own).then(|| {
            let (to, label) = if s.disabled {
                ("aktif", "console-user-enable")
            } else {
                ("nonaktif", "console-user-disable")
            };
            (format!("{base}/status"), to.to_owned(), ctx.t(label))
        }),
        password_action: (manager || own).then(|| format!("{base}/sandi")),
        tokens: tokens
            .iter()
            .map(|t| token_row(ctx, &user, t, now, manager || own))
            .collect(),
        token_action: own.then(|| format!("{base}/token")),
        token_fields,
        token_error,
    };
    render(status, &page)
}

/// A refusal shown on the user's page.
enum Problem {
    /// On the role and scope form: the field (none: the form) and the message.
    User(Option<String>, String),
    /// On the token form.
    Token(Option<String>, String),
    /// Above the page.
    Page(String),
}

/// `GET /console/pengguna/{username}`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let Some(username) = username_of(&raw) else {
        return ctx.not_found();
    };
    user_page(&state, &ctx, &username, None, None, StatusCode::OK).await
}

/// The stored user, as the person may see it.
async fn load(state: &AppState, ctx: &Ctx, username: &Username) -> Result<User, Response> {
    api::users::get_user(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(username.clone()),
    )
    .await
    .map(|u| u.into_parts().1)
    .map_err(|e| ctx.fail(&e))
}

async fn put_user(
    state: &AppState,
    ctx: &Ctx,
    username: &Username,
    version: i64,
    spec: UserSpec,
) -> Result<(), ApiError> {
    api::users::update_user(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(username.clone()),
        extract::IfMatch(version),
        extract::Json(spec),
    )
    .await
    .map(|_| ())
}

/// `POST /console/pengguna/{username}`: role, agency, application, name and e-mail.
pub async fn update(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/pengguna/{raw}"));
    let Some(username) = username_of(&raw) else {
        return ctx.not_found();
    };
    let current = match load(&state, &ctx, &username).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let version = posted.form.get("versi").parse().unwrap_or(current.meta.version);
    let mut values = typed(&posted.form);
    values.insert("username".to_owned(), Value::String(username.as_str().to_owned()));
    let refused = |problem: (Option<String>, String)| {
        let (field, message) = problem;
        user_page(
            &state,
            &ctx,
            &username,
            None,
            Some((Problem::User(field, message), values.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let spec = match parse_spec(&values, current.spec.disabled) {
        Ok(spec) => spec,
        Err(field) => return refused(field_problem(lang, &field)).await,
    };
    match put_user(&state, &ctx, &username, version, spec).await {
        Ok(()) => Redirect::to(&href(username.as_str())).into_response(),
        Err(e) => match form_problem(lang, &e) {
            Some(p) => refused(p).await,
            None => ctx.fail(&e),
        },
    }
}

/// `POST /console/pengguna/{username}/status`: `ke` = `aktif` or `nonaktif`, `versi`.
pub async fn set_enabled(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/pengguna/{raw}"));
    let Some(username) = username_of(&raw) else {
        return ctx.not_found();
    };
    let disabled = match posted.form.get("ke") {
        "aktif" => false,
        "nonaktif" => true,
        _ => return ctx.fail(&ApiError::invalid_query("ke")),
    };
    let current = match load(&state, &ctx, &username).await {
        Ok(u) => u,
        Err(r) => return r,
    };
    let version = posted.form.get("versi").parse().unwrap_or(current.meta.version);
    let spec = UserSpec {
        disabled,
        ..current.spec
    };
    match put_user(&state, &ctx, &username, version, spec).await {
        Ok(()) => Redirect::to(&href(username.as_str())).into_response(),
        Err(e) if matches!(e.code(), ErrorCode::StaleVersion | ErrorCode::InvalidState) => {
            let message = form_problem(lang, &e).map(|p| p.1).unwrap_or_default();
            user_page(
                &state,
                &ctx,
                &username,
                None,
                Some((Problem::Page(message), Map::new())),
                e.code().status(),
            )
            .await
        }
        Err(e) => ctx.fail(&e),
    }
}

/// `POST /console/pengguna/{username}/sandi`: a new password, shown once.
pub async fn reset_password(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/pengguna/{raw}"));
    let Some(username) = username_of(&raw) else {
        return ctx.not_found();
    };
    let password = generated_password(&state);
    if let Err(e) = set_password(&state, &ctx, &username, password.clone()).await {
        return ctx.fail(&e);
    }
    let secret = Secret {
        label: lang.t("console-user-password"),
        value: password,
        note: lang.t("console-user-password-once"),
    };
    user_page(&state, &ctx, &username, Some(secret), None, StatusCode::OK).await
}

/// `POST /console/pengguna/{username}/token`: `nama`, `kedaluwarsa` (optional date); the
/// secret is shown once.
pub async fn create_token(
    State(state): State<AppState>,
    lang: Lang,
    Path(raw): Path<String>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/pengguna/{raw}"));
    let Some(username) = username_of(&raw) else {
        return ctx.not_found();
    };
    let form = &posted.form;
    let typed: Map<String, Value> = ["nama", "kedaluwarsa"]
        .iter()
        .map(|n| ((*n).to_owned(), Value::String(form.get(n).trim().to_owned())))
        .collect();
    let refused = |field: &str| {
        let message = lang.t(&format!("console-token-invalid-{field}"));
        user_page(
            &state,
            &ctx,
            &username,
            None,
            Some((Problem::Token(Some(field.to_owned()), message), typed.clone())),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
    };
    let mut body = json!({"name": form.get("nama").trim()});
    let expires = form.get("kedaluwarsa").trim();
    if !expires.is_empty() {
        let Ok(day) = chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d") else {
            return refused("kedaluwarsa").await;
        };
        body["expires_at"] = json!(day.and_time(chrono::NaiveTime::MIN).and_utc());
    }
    let spec = match serde_path_to_error::deserialize::<_, ApiTokenSpec>(body) {
        Ok(spec) => spec,
        Err(e) if e.path().to_string().starts_with("expires") => return refused("kedaluwarsa").await,
        Err(_) => return refused("nama").await,
    };
    let minted = api::tokens::create_token(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(username.clone()),
        extract::Json(spec),
    )
    .await;
    match minted {
        Ok((_, issued)) => {
            let secret = Secret {
                label: lang.t("console-token-secret"),
                value: issued.0.secret,
                note: lang.t("console-token-secret-once"),
            };
            user_page(&state, &ctx, &username, Some(secret), None, StatusCode::CREATED).await
        }
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = if e.problem().field.unwrap_or_default().starts_with("expires") {
                "kedaluwarsa"
            } else {
                "nama"
            };
            refused(field).await
        }
        Err(e) => ctx.fail(&e),
    }
}

/// `POST /console/pengguna/{username}/token/{id}/cabut`.
pub async fn revoke_token(
    State(state): State<AppState>,
    lang: Lang,
    Path((raw, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, format!("/console/pengguna/{raw}"));
    let Some(username) = username_of(&raw).filter(|_| !id.is_empty() && id.len() <= 64) else {
        return ctx.not_found();
    };
    match api::tokens::revoke_token(
        State(state),
        ctx.who.caller(),
        extract::Path((username.clone(), id)),
    )
    .await
    {
        Ok(_) => Redirect::to(&href(username.as_str())).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
