//! Asking for access, for a signed-in developer or agency admin.
//!
//! - `GET|POST /developer/{agency}/{application}/{service}/akses`: the request form (which of
//!   the person's applications asks, purpose, legal basis, optionally methods and path
//!   patterns). The post calls the admin API's own [`api::requests::create_request`] with the
//!   session's caller, so who may ask for what is decided there, never here; a refusal of the
//!   domain's rules comes back next to its field, in the reader's language, with what was typed.
//!
//! "My requests" (`GET /developer/permohonan`) is in `my_requests`.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::{Value, json};
use wadah_domain::access::AccessRequestSpec;
use wadah_domain::application::Application;
use wadah_store::{ApplicationFilter, PageRequest};

use super::signed::Dev;
use crate::codes::ErrorCode;
use crate::console::view::{Field, render};
use crate::portal::Lang;
use crate::portal::account::MY_REQUESTS;
use crate::portal::layout::Layout;
use crate::session::Posted;
use crate::state::AppState;
use crate::{api, extract};

/// The form page (shared with the credential form).
#[derive(Template)]
#[template(path = "developer/form.html")]
pub struct FormView {
    pub page: Layout,
    pub heading: String,
    pub intro: String,
    pub action: String,
    pub csrf: String,
    pub fields: Vec<Field>,
    pub error: Option<String>,
    pub submit: String,
    pub back_href: String,
    pub back_label: String,
}

impl FormView {
    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }
}

/// The form's fields and the spec's fields they feed, in order.
const FIELDS: &[(&str, &str)] = &[
    ("aplikasi", "consumer"),
    ("tujuan", "purpose"),
    ("dasar_hukum", "legal_basis"),
    ("metode", "methods"),
    ("jalur", "paths"),
];

fn form_field(spec_field: &str) -> &'static str {
    FIELDS
        .iter()
        .find(|(_, s)| *s == spec_field)
        .map_or("tujuan", |(f, _)| f)
}

/// The applications the person may ask for: their own (a developer), their agency's
/// (an agency admin); a platform admin names one as `agency/application`.
async fn own_applications(state: &AppState, dev: &Dev) -> Vec<(String, String)> {
    let p = &dev.who.principal;
    let Some(agency) = &p.agency else {
        return Vec::new();
    };
    let page = PageRequest {
        limit: 500,
        after: None,
        q: None,
    };
    let apps: Vec<Application> = match state
        .store()
        .list_applications(agency, &ApplicationFilter::default(), &page)
        .await
    {
        Ok(page) => page.items,
        Err(_) => Vec::new(),
    };
    apps.into_iter()
        .filter(|a| p.application.as_ref().is_none_or(|own| *own == a.spec.code))
        .map(|a| {
            (
                format!("{}/{}", a.agency, a.spec.code),
                a.spec.name.as_str().to_owned(),
            )
        })
        .collect()
}

fn fields(lang: Lang, form: &crate::session::FormData, apps: Vec<(String, String)>) -> Vec<Field> {
    let app = if apps.is_empty() {
        Field::new(
            "aplikasi",
            lang.t("dev-field-application"),
            "text",
            form.get("aplikasi"),
        )
        .hint(lang.t("dev-hint-application"))
    } else {
        let chosen = Some(form.get("aplikasi"))
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| apps.first().map_or("", |(v, _)| v.as_str()))
            .to_owned();
        Field::new("aplikasi", lang.t("dev-field-application"), "select", chosen).options(apps)
    };
    vec![
        app.required(),
        Field::new(
            "tujuan",
            lang.t("dev-field-purpose"),
            "textarea",
            form.get("tujuan"),
        )
        .required()
        .max(4000)
        .hint(lang.t("dev-hint-purpose")),
        Field::new(
            "dasar_hukum",
            lang.t("dev-field-legal-basis"),
            "text",
            form.get("dasar_hukum"),
        )
        .required()
        .hint(lang.t("dev-hint-legal-basis")),
        Field::new("metode", lang.t("dev-field-methods"), "text", form.get("metode"))
            .max(100)
            .hint(lang.t("dev-hint-methods")),
        Field::new("jalur", lang.t("dev-field-paths"), "textarea", form.get("jalur"))
            .max(4000)
            .hint(lang.t("dev-hint-paths")),
    ]
}

/// The published service at the path (404 for a missing or unpublished one).
async fn service_of(
    state: &AppState,
    dev: &Dev,
    path: &(String, String, String),
) -> Result<(Value, String), Response> {
    let service = super::pages::published(state, dev.lang, &dev.here, path.clone()).await?;
    let name = service.spec.name.as_str().to_owned();
    Ok((
        json!({"agency": service.agency, "application": service.application, "service": service.spec.code}),
        name,
    ))
}

fn show_form(
    dev: &Dev,
    path: &(String, String, String),
    name: &str,
    fields: Vec<Field>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let heading = dev.lang.t_args("dev-request-title", &[("service", name)]);
    let route = format!("/developer/{}/{}/{}", path.0, path.1, path.2);
    let view = FormView {
        page: dev.layout(heading.clone()),
        heading,
        intro: dev.t("dev-request-intro"),
        action: format!("{route}/akses"),
        csrf: dev.who.csrf_token().to_owned(),
        fields,
        error,
        submit: dev.t("dev-request-submit"),
        back_href: route,
        back_label: name.to_owned(),
    };
    render(status, &view)
}

/// `GET /developer/{agency}/{application}/{service}/akses`.
pub async fn form(
    State(state): State<AppState>,
    dev: Dev,
    Path(path): Path<(String, String, String)>,
) -> Response {
    let (_, name) = match service_of(&state, &dev, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let apps = own_applications(&state, &dev).await;
    let fields = fields(dev.lang, &Default::default(), apps);
    show_form(&dev, &path, &name, fields, None, StatusCode::OK)
}

/// The spec the form describes, or the form field at fault.
fn spec_of(form: &crate::session::FormData, service: Value) -> Result<AccessRequestSpec, &'static str> {
    let (agency, application) = form.get("aplikasi").trim().split_once('/').ok_or("aplikasi")?;
    let methods: Vec<String> = form
        .get("metode")
        .split([',', ' '])
        .map(|m| m.trim().to_ascii_uppercase())
        .filter(|m| !m.is_empty())
        .collect();
    let paths: Vec<&str> = form
        .get("jalur")
        .lines()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let value = json!({
        "consumer": {"agency": agency, "application": application},
        "service": service,
        "methods": methods,
        "paths": paths,
        "purpose": form.get("tujuan").trim(),
        "legal_basis": form.get("dasar_hukum").trim(),
    });
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        form_field(path.split(['.', '[']).next().unwrap_or(&path))
    })
}

/// `POST /developer/{agency}/{application}/{service}/akses`.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    Path(path): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let here = format!("/developer/{}/{}/{}/akses", path.0, path.1, path.2);
    let dev = Dev {
        who: posted.who.clone(),
        lang,
        here,
    };
    if !crate::portal::account::acts_for_applications(&dev.who) {
        return dev.message(StatusCode::FORBIDDEN, "dev-forbidden-title", "dev-role-text");
    }
    let (service, name) = match service_of(&state, &dev, &path).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let outcome = match spec_of(&posted.form, service) {
        Ok(spec) => {
            api::requests::create_request(State(state.clone()), dev.who.caller(), extract::Json(spec))
                .await
                .map_err(|e| match e.code() {
                    ErrorCode::ValidationFailed => Ok(form_field(&e.problem().field.unwrap_or_default())),
                    _ => Err(e),
                })
        }
        Err(field) => Err(Ok(field)),
    };
    let field = match outcome {
        Ok(created) => {
            let id = created.into_parts().1.id;
            return Redirect::to(&format!("{MY_REQUESTS}?baru={id}")).into_response();
        }
        Err(Err(refusal)) => return dev.fail(&refusal),
        Err(Ok(field)) => field,
    };
    let apps = own_applications(&state, &dev).await;
    let mut fields = fields(lang, &posted.form, apps);
    if let Some(f) = fields.iter_mut().find(|f| f.name == field) {
        f.error = Some(lang.t(&format!("dev-invalid-{field}")));
    }
    show_form(&dev, &path, &name, fields, None, StatusCode::UNPROCESSABLE_ENTITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_errors_land_on_their_form_field() {
        assert_eq!(form_field("legal_basis"), "dasar_hukum");
        assert_eq!(form_field("consumer"), "aplikasi");
        assert_eq!(form_field("paths"), "jalur");
        let mut form = crate::session::FormData::default();
        form.set("aplikasi", "bpsdm/simpeg");
        form.set("tujuan", "Mencocokkan data pegawai");
        form.set("dasar_hukum", "Perwali 1/2025");
        form.set("metode", "GET, TERBANG");
        let service = json!({"agency": "dinsos", "application": "e-bansos", "service": "penerima"});
        assert_eq!(spec_of(&form, service.clone()).err(), Some("metode"));
        form.set("metode", "get");
        form.set("jalur", "bukan-jalur");
        assert_eq!(spec_of(&form, service.clone()).err(), Some("jalur"));
        form.set("jalur", "/penerima/*");
        let spec = spec_of(&form, service).unwrap();
        assert_eq!(spec.methods.len(), 1);
    }
}
