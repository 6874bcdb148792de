//! Credentials of one's own applications: the applications the person acts for, and for one
//! of them its credentials with forms to create (API key or OAuth client), rotate and revoke.
//!
//! Every action calls the admin API's own handler in [`api::credentials`] with the session's
//! caller, so the rules (who may act for which application; another agency's application is a
//! 404, a colleague's application a 403) are decided there. The secret of a creation or
//! rotation is the body of the answer to that post and nowhere else: it is not in a redirect,
//! a cookie or the store, and the page is `no-store`, so it is shown once and never again.
//!
//! # Paths
//! | path | page |
//! |---|---|
//! | `/developer/aplikasi` | the person's applications |
//! | `/developer/aplikasi/{agency}/{application}` | credentials, and the form for a new one |
//! | `POST …/kredensial` | create; the answer shows the secret once |
//! | `POST …/kredensial/{id}/rotasi`, `…/{id}/cabut` | rotate (secret shown once), revoke |

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use wadah_domain::Code;
use wadah_domain::credential::{Credential, CredentialKind, CredentialSpec, IssuedCredential};
use wadah_store::{AgencyFilter, ApplicationFilter, PageRequest};

use super::signed::Dev;
use crate::codes::ErrorCode;
use crate::console::view::{Field, render};
use crate::portal::layout::Layout;
use crate::portal::{Lang, format};
use crate::session::{FormData, Posted};
use crate::state::AppState;
use crate::{api, extract};

/// Most applications listed.
const MAX_APPLICATIONS: u32 = 500;

#[derive(Debug)]
pub struct AppLink {
    pub href: String,
    pub name: String,
    pub route: String,
}

#[derive(Template)]
#[template(path = "developer/applications.html")]
struct ApplicationsPage {
    page: Layout,
    applications: Vec<AppLink>,
}

#[derive(Debug)]
pub struct Row {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub hint: String,
    pub client_id: String,
    pub created: String,
    pub state: String,
    pub usable: bool,
    pub has_secret: bool,
}

#[derive(Template)]
#[template(path = "developer/credentials.html")]
struct CredentialsPage {
    page: Layout,
    heading: String,
    base: String,
    csrf: String,
    notice: Option<String>,
    rows: Vec<Row>,
    fields: Vec<Field>,
    may_act: bool,
}

impl CredentialsPage {
    fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }
}

#[derive(Template)]
#[template(path = "developer/secret.html")]
struct SecretPage {
    page: Layout,
    heading: String,
    name: String,
    secret: String,
    client_id: String,
    back: String,
}

fn kind_label(lang: Lang, kind: CredentialKind) -> String {
    lang.t(&format!("dev-kind-{}", kind.as_str()))
}

/// `GET /developer/aplikasi`.
pub async fn applications(State(state): State<AppState>, dev: Dev) -> Response {
    let p = &dev.who.principal;
    let agencies: Vec<Code> = match &p.agency {
        Some(a) => vec![a.clone()],
        None => match state
            .store()
            .list_agencies(&AgencyFilter::default(), &PageRequest::first(MAX_APPLICATIONS))
            .await
        {
            Ok(page) => page.items.into_iter().map(|a| a.spec.code).collect(),
            Err(e) => return dev.fail(&e.into()),
        },
    };
    let mut links = Vec::new();
    for agency in agencies {
        let page = PageRequest::first(MAX_APPLICATIONS);
        let apps = match state
            .store()
            .list_applications(&agency, &ApplicationFilter::default(), &page)
            .await
        {
            Ok(page) => page.items,
            Err(e) => return dev.fail(&e.into()),
        };
        links.extend(
            apps.into_iter()
                .filter(|a| p.can_act_for_application(&a.agency, &a.spec.code))
                .map(|a| AppLink {
                    href: format!("/developer/aplikasi/{}/{}", a.agency, a.spec.code),
                    route: format!("{}/{}", a.agency, a.spec.code),
                    name: a.spec.name.as_str().to_owned(),
                }),
        );
    }
    let view = ApplicationsPage {
        page: dev.layout(dev.t("dev-nav-applications")),
        applications: links,
    };
    render(StatusCode::OK, &view)
}

/// The path's codes (`None`: no application can have them: a 404).
fn codes(agency: &str, application: &str) -> Option<(Code, Code)> {
    Code::parse(agency).ok().zip(Code::parse(application).ok())
}

fn new_fields(lang: Lang, form: &FormData) -> Vec<Field> {
    let kind = Some(form.get("jenis"))
        .filter(|k| !k.is_empty())
        .unwrap_or("api_key");
    vec![
        Field::new(
            "nama",
            lang.t("dev-field-credential-name"),
            "text",
            form.get("nama"),
        )
        .required()
        .max(200)
        .hint(lang.t("dev-hint-credential-name")),
        Field::new("jenis", lang.t("dev-field-kind"), "select", kind).options(vec![
            ("api_key".to_owned(), kind_label(lang, CredentialKind::ApiKey)),
            (
                "oauth_client".to_owned(),
                kind_label(lang, CredentialKind::OauthClient),
            ),
        ]),
        Field::new(
            "kedaluwarsa",
            lang.t("dev-field-expires"),
            "date",
            form.get("kedaluwarsa"),
        )
        .hint(lang.t("dev-hint-expires")),
    ]
}

/// The credentials page, with the new-credential form as given.
async fn page(
    state: &AppState,
    dev: &Dev,
    (agency, application): (Code, Code),
    fields: Vec<Field>,
    notice: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = dev.lang;
    let query = api::credentials::CredentialQuery {
        limit: Some(200),
        ..Default::default()
    };
    let listed = api::credentials::list_credentials(
        State(state.clone()),
        dev.who.caller(),
        extract::Path((agency.clone(), application.clone())),
        extract::Query(query),
    )
    .await;
    let items: Vec<Credential> = match listed {
        Ok(page) => page.0.items,
        Err(e) => return dev.fail(&e),
    };
    let now = state.now();
    let rows = items
        .into_iter()
        .map(|c| Row {
            usable: c.is_usable(now),
            state: lang.t(if c.revoked_at.is_some() {
                "dev-credential-revoked"
            } else if c.is_usable(now) {
                "dev-credential-active"
            } else {
                "dev-credential-expired"
            }),
            has_secret: c.kind != CredentialKind::Certificate,
            id: c.id,
            name: c.name.as_str().to_owned(),
            kind: kind_label(lang, c.kind),
            hint: c.hint,
            client_id: c.client_id.unwrap_or_default(),
            created: format::date(lang, c.meta.created_at),
        })
        .collect();
    let app_name = state
        .store()
        .get_application(&agency, &application)
        .await
        .map_or_else(|_| application.to_string(), |a| a.spec.name.as_str().to_owned());
    let heading = lang.t_args("dev-credentials-title", &[("application", &app_name)]);
    let view = CredentialsPage {
        page: dev.layout(heading.clone()),
        heading,
        base: format!("/developer/aplikasi/{agency}/{application}"),
        csrf: dev.who.csrf_token().to_owned(),
        notice,
        rows,
        fields,
        may_act: dev.who.principal.can_act_for_application(&agency, &application),
    };
    render(status, &view)
}

#[derive(Debug, Default, Deserialize)]
pub struct Done {
    #[serde(default)]
    dicabut: Option<String>,
}

/// `GET /developer/aplikasi/{agency}/{application}`.
pub async fn show(
    State(state): State<AppState>,
    dev: Dev,
    Path((agency, application)): Path<(String, String)>,
    done: Result<Query<Done>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(codes) = codes(&agency, &application) else {
        return dev.not_found();
    };
    let notice = done
        .ok()
        .and_then(|Query(d)| d.dicabut)
        .map(|_| dev.t("dev-credential-revoked-notice"));
    let fields = new_fields(dev.lang, &FormData::default());
    page(&state, &dev, codes, fields, notice, StatusCode::OK).await
}

fn posted_dev(posted: &Posted, lang: Lang, here: String) -> Dev {
    Dev {
        who: posted.who.clone(),
        lang,
        here,
    }
}

fn secret_page(dev: &Dev, issued: IssuedCredential, heading_key: &str, back: String) -> Response {
    let Some(secret) = issued.secret else {
        return Redirect::to(&back).into_response();
    };
    let heading = dev.t(heading_key);
    let view = SecretPage {
        page: dev.layout(heading.clone()),
        heading,
        name: issued.credential.name.as_str().to_owned(),
        secret,
        client_id: issued.credential.client_id.unwrap_or_default(),
        back,
    };
    render(StatusCode::CREATED, &view)
}

/// `POST /developer/aplikasi/{agency}/{application}/kredensial`: `nama`, `jenis`, `kedaluwarsa`.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    Path((agency, application)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let base = format!("/developer/aplikasi/{agency}/{application}");
    let dev = posted_dev(&posted, lang, base.clone());
    let Some(codes) = codes(&agency, &application) else {
        return dev.not_found();
    };
    let form = &posted.form;
    let expires = form.get("kedaluwarsa").trim();
    let expires_at = if expires.is_empty() {
        Ok(None)
    } else {
        chrono::NaiveDate::parse_from_str(expires, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| Some(t.and_utc()))
            .ok_or("kedaluwarsa")
    };
    let spec = expires_at.and_then(|expires_at| {
        let kind = form.get("jenis");
        if !["api_key", "oauth_client"].contains(&kind) {
            return Err("jenis");
        }
        serde_json::from_value::<CredentialSpec>(json!({
            "name": form.get("nama").trim(), "kind": kind, "expires_at": expires_at,
        }))
        .map_err(|_| "nama")
    });
    let outcome = match spec {
        Ok(spec) => api::credentials::create_credential(
            State(state.clone()),
            dev.who.caller(),
            extract::Path(codes.clone()),
            extract::Json(spec),
        )
        .await
        .map_err(|e| match (e.code(), e.problem().field.as_deref()) {
            (ErrorCode::ValidationFailed, Some("expires_at")) => Ok("kedaluwarsa"),
            (ErrorCode::ValidationFailed, _) => Ok("nama"),
            _ => Err(e),
        }),
        Err(field) => Err(Ok(field)),
    };
    match outcome {
        Ok(issued) => secret_page(&dev, issued.into_parts().1, "dev-secret-created", base),
        Err(Err(refusal)) => dev.fail(&refusal),
        Err(Ok(field)) => {
            let mut fields = new_fields(lang, form);
            if let Some(f) = fields.iter_mut().find(|f| f.name == field) {
                f.error = Some(lang.t(&format!("dev-invalid-{field}")));
            }
            page(
                &state,
                &dev,
                codes,
                fields,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    }
}

/// `POST …/kredensial/{id}/rotasi`: a new secret, shown once; the old one stops working.
pub async fn rotate(
    State(state): State<AppState>,
    lang: Lang,
    Path((agency, application, id)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let base = format!("/developer/aplikasi/{agency}/{application}");
    let dev = posted_dev(&posted, lang, base.clone());
    let Some(codes) = codes(&agency, &application).filter(|_| id.len() <= 64) else {
        return dev.not_found();
    };
    match api::credentials::rotate_credential(
        State(state),
        dev.who.caller(),
        extract::Path((codes.0, codes.1, id)),
    )
    .await
    {
        Ok(issued) => {
            let mut response = secret_page(&dev, issued.into_parts().1, "dev-secret-rotated", base);
            *response.status_mut() = StatusCode::OK;
            response
        }
        Err(e) => dev.fail(&e),
    }
}

/// `POST …/kredensial/{id}/cabut`: revoked for good; back to the list.
pub async fn revoke(
    State(state): State<AppState>,
    lang: Lang,
    Path((agency, application, id)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let base = format!("/developer/aplikasi/{agency}/{application}");
    let dev = posted_dev(&posted, lang, base.clone());
    let Some(codes) = codes(&agency, &application).filter(|_| id.len() <= 64) else {
        return dev.not_found();
    };
    match api::credentials::revoke_credential(
        State(state),
        dev.who.caller(),
        extract::Path((codes.0, codes.1, id)),
    )
    .await
    {
        Ok(_) => Redirect::to(&format!("{base}?dicabut=1")).into_response(),
        Err(e) => dev.fail(&e),
    }
}
