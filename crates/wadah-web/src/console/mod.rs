//! The administration console (`/console`): server-rendered pages for the people who run the
//! platform, in Bahasa Indonesia first and English.
//!
//! The console is one more client of the admin API's handlers: every page calls the same
//! `crate::api` handler functions with a [`Caller`](crate::extract::Caller) built from the
//! signed-in session, so it asks the same policy (`wadah_domain::policy`), makes the same store
//! calls and gets the same refusals — 404 for what the person may not see, 403 for what they
//! may see but not change. No rule is written twice.
//!
//! # Paths
//! | path | page |
//! |---|---|
//! | `/console/masuk`, `/console/keluar` | sign in (form, post), sign out (post) |
//! | `/console` | home: what the person may manage |
//! | `/console/instansi[/{agency}]` | agencies; one agency and its applications |
//! | `…/{agency}/aplikasi/baru`, `…/aplikasi/{app}[/ubah]` | new, read, edit an application |
//! | `…/aplikasi/{app}/layanan/baru`, `…/layanan/{svc}[/ubah]` | new, read, edit a service |
//! | `…/aplikasi/{app}/hapus`, `…/layanan/{svc}/hapus` | delete an application, a service (confirm, post) |
//! | `…/{agency}/layanan-publik[/baru]`, `…/layanan-publik/{code}[/ubah\|/hapus]` | public services |
//! | `…/aplikasi/{app}/kredensial[/baru]`, `…/kredensial/{id}/rotasi\|cabut` | an application's credentials |
//! | `…/layanan/{svc}/hak-akses[/baru]`, `…/hak-akses/{id}/ubah\|cabut` | access rights to a service |
//! | `…/layanan/{svc}/kredensial-upstream[/ubah\|/hapus]` | the service's upstream credential |
//! | `…/layanan/{svc}/openapi` | replace or remove the service's OpenAPI document |
//! | `/console/permohonan[/{id}]`, `…/{id}/keputusan` | access requests; decide one |
//! | `/console/jejak` | evidence log search |
//! | `/console/dasbor`, `/console/peta` | traffic dashboard; integration map (SVG) |
//! | `/console/instansi/baru`, `…/{agency}/ubah` | new agency; edit one (see `agency_forms`) |
//! | `/console/perubahan` | change log |
//! | `/console/pengguna[/…]` | users, roles and their API tokens (see `users`) |
//! | `/console/indeks/…` | SPBE self-assessments and the planner (see `assessments`) |
//! | `/console/arsitektur/…` | SPBE architecture, roadmap, analyses, document (see `architecture`) |
//! | `/console/arsitektur/pertukaran[/…]` | architecture files: downloads, upload, dry run, import (see `arch_exchange`) |
//!
//! # Modules
//! `view`: the frame and generic views; `signin`: sign-in and sign-out; `registry`:
//! agencies, applications and services (read); `forms`: application and service forms (and
//! the form machinery the other registry modules share); `agency_forms`: agency create and edit
//! (platform admin); `public_services`, `rights`, `credentials`, `upstream`, `openapi_doc`,
//! `removal`: the rest of the registry, with `confirm` for confirmation pages and the one page
//! that shows a new secret; `requests`: access requests and decisions; `records`: home,
//! evidence log, change log; `users`: users, roles and tokens;
//! `dashboard`: traffic dashboard and integration map, drawn by `charts` and `map_svg`.
//! Sessions, CSRF and throttling are in [`crate::session`], shared with later portals.

mod agency_forms;
mod arch_exchange;
pub mod architecture;
mod assessments;
mod charts;
mod confirm;
mod credentials;
mod dashboard;
mod forms;
mod map_svg;
mod openapi_doc;
mod providers;
mod public_services;
mod records;
mod registry;
mod removal;
mod requests;
mod rights;
mod signin;
mod upstream;
mod users;
pub mod view;

use axum::Router;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::portal::Lang;
use crate::session::{SessionRejection, SignedIn};
use crate::state::AppState;
use view::Frame;

/// Every console route.
pub fn routes() -> Router<AppState> {
    let agency = "/console/instansi/{agency}";
    let app = "/console/instansi/{agency}/aplikasi/{application}";
    let svc = "/console/instansi/{agency}/aplikasi/{application}/layanan/{service}";
    Router::new()
        .route("/console", get(records::home))
        .route("/console/", get(records::home))
        .route("/console/masuk", get(signin::form).post(signin::submit))
        .route("/console/keluar", post(signin::sign_out))
        .route("/console/instansi", get(registry::agencies))
        .route(
            "/console/instansi/baru",
            get(agency_forms::new_agency).post(agency_forms::create_agency),
        )
        .route(
            &format!("{agency}/ubah"),
            get(agency_forms::edit_agency).post(agency_forms::update_agency),
        )
        .route(agency, get(registry::agency))
        .route(
            &format!("{agency}/aplikasi/baru"),
            get(forms::new_application).post(forms::create_application),
        )
        .route(app, get(registry::application))
        .route(
            &format!("{app}/ubah"),
            get(forms::edit_application).post(forms::update_application),
        )
        .route(
            &format!("{app}/layanan/baru"),
            get(forms::new_service).post(forms::create_service),
        )
        .route(svc, get(registry::service))
        .route(
            &format!("{svc}/ubah"),
            get(forms::edit_service).post(forms::update_service),
        )
        .route(
            &format!("{app}/hapus"),
            get(removal::confirm_application).post(removal::delete_application),
        )
        .route(
            &format!("{svc}/hapus"),
            get(removal::confirm_service).post(removal::delete_service),
        )
        .route(
            &format!("{svc}/openapi"),
            get(openapi_doc::edit).post(openapi_doc::replace),
        )
        .merge(registry_routes())
        .route("/console/permohonan", get(requests::list))
        .route("/console/permohonan/{id}", get(requests::show))
        .route("/console/permohonan/{id}/keputusan", post(requests::decide))
        .route("/console/jejak", get(records::evidence))
        .route("/console/dasbor", get(dashboard::dashboard))
        .route("/console/peta", get(dashboard::map))
        .route("/console/perubahan", get(records::changes))
        .merge(users::routes())
        .route("/console/sso", get(providers::providers))
        .merge(assessments::routes())
        .merge(architecture::routes())
        .merge(arch_exchange::routes())
}

/// Public services, access rights, credentials and upstream credentials.
fn registry_routes() -> Router<AppState> {
    let public = "/console/instansi/{agency}/layanan-publik";
    let creds = "/console/instansi/{agency}/aplikasi/{application}/kredensial";
    let svc = "/console/instansi/{agency}/aplikasi/{application}/layanan/{service}";
    let rights = format!("{svc}/hak-akses");
    let upstream = format!("{svc}/kredensial-upstream");
    Router::new()
        .route(public, get(public_services::list))
        .route(
            &format!("{public}/baru"),
            get(public_services::new).post(public_services::create),
        )
        .route(&format!("{public}/{{code}}"), get(public_services::show_one))
        .route(
            &format!("{public}/{{code}}/ubah"),
            get(public_services::edit).post(public_services::update),
        )
        .route(
            &format!("{public}/{{code}}/hapus"),
            get(public_services::confirm_delete).post(public_services::delete),
        )
        .route(creds, get(credentials::list))
        .route(
            &format!("{creds}/baru"),
            get(credentials::new).post(credentials::create),
        )
        .route(
            &format!("{creds}/{{id}}/rotasi"),
            get(credentials::confirm_rotate).post(credentials::rotate),
        )
        .route(
            &format!("{creds}/{{id}}/cabut"),
            get(credentials::confirm_revoke).post(credentials::revoke),
        )
        .route(&rights, get(rights::list))
        .route(&format!("{rights}/baru"), get(rights::new).post(rights::create))
        .route(
            &format!("{rights}/{{id}}/ubah"),
            get(rights::edit).post(rights::update),
        )
        .route(
            &format!("{rights}/{{id}}/cabut"),
            get(rights::confirm_revoke).post(rights::revoke),
        )
        .route(&upstream, get(upstream::show))
        .route(
            &format!("{upstream}/ubah"),
            get(upstream::edit).post(upstream::set),
        )
        .route(
            &format!("{upstream}/hapus"),
            get(upstream::confirm_remove).post(upstream::remove),
        )
}

/// Where people who administer nothing are sent from the console.
pub const STAFF_HOME: &str = "/asn";

/// What every console page handler starts from: the signed-in person, the reader's language
/// and the page's own path.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub who: SignedIn,
    pub lang: Lang,
    pub here: String,
}

impl Ctx {
    /// The context of a posted form: who sent it (checked by the form's extractor, CSRF
    /// included) and the page it belongs to, for its error and refusal pages.
    pub fn of_post(who: &SignedIn, lang: Lang, here: impl Into<String>) -> Self {
        Self {
            who: who.clone(),
            lang,
            here: here.into(),
        }
    }

    pub fn frame(&self, title: impl Into<String>) -> Frame {
        Frame::new(self.lang, title, &self.here, Some(&self.who))
    }

    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The page for a refusal or failure of a shared handler.
    pub fn fail(&self, error: &ApiError) -> Response {
        view::error_page(self.lang, &self.here, &self.who, error)
    }

    /// The 404 page (a path segment that cannot name any object).
    pub fn not_found(&self) -> Response {
        self.fail(&ApiError::not_found("page", &self.here))
    }
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = SessionRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await.unwrap_or_default();
        let who = SignedIn::from_request_parts(parts, state).await?;
        if !who.principal.administers() {
            // Staff (ASN) administer nothing: their front door is the staff portal.
            return Err(SessionRejection::NotHere { to: STAFF_HOME });
        }
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/console".to_owned(), |p| p.as_str().to_owned());
        Ok(Self { who, lang, here })
    }
}

/// The `?lanjut=` cursor of a list page (the next page's position, opaque).
#[derive(Debug, Default, serde::Deserialize)]
pub struct Paging {
    #[serde(default)]
    pub lanjut: Option<String>,
}

/// The link to the next page of `path`, when the list has one.
pub fn next_link(lang: Lang, path: &str, next: Option<String>) -> Option<view::Link> {
    next.map(|cursor| {
        view::Link::new(
            format!(
                "{path}?lanjut={}",
                crate::portal::layout::encode_component(&cursor)
            ),
            lang.t("console-next-page"),
        )
    })
}
