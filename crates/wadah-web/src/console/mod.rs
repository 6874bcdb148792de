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
//! | `/console/permohonan[/{id}]`, `…/{id}/keputusan` | access requests; decide one |
//! | `/console/jejak` | evidence log search |
//! | `/console/dasbor`, `/console/peta` | traffic dashboard; integration map (SVG) |
//! | `/console/perubahan`, `/console/pengguna` | change log; users |
//! | `/console/indeks/…` | SPBE self-assessments and the planner (see `assessments`) |
//! | `/console/arsitektur/pertukaran[/…]` | architecture files: downloads, upload, dry run, import (see `arch_exchange`) |
//!
//! # Modules
//! `view`: the frame and generic views; `signin`: sign-in and sign-out; `registry`:
//! agencies, applications and services (read); `forms`: application and service forms;
//! `requests`: access requests and decisions; `records`: home, evidence log, change log, users;
//! `dashboard`: traffic dashboard and integration map, drawn by `charts` and `map_svg`.
//! Sessions, CSRF and throttling are in [`crate::session`], shared with later portals.

mod arch_exchange;
mod assessments;
mod charts;
mod dashboard;
mod forms;
mod map_svg;
mod records;
mod registry;
mod requests;
mod signin;
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
        .route("/console/permohonan", get(requests::list))
        .route("/console/permohonan/{id}", get(requests::show))
        .route("/console/permohonan/{id}/keputusan", post(requests::decide))
        .route("/console/jejak", get(records::evidence))
        .route("/console/dasbor", get(dashboard::dashboard))
        .route("/console/peta", get(dashboard::map))
        .route("/console/perubahan", get(records::changes))
        .route("/console/pengguna", get(records::users))
        .merge(assessments::routes())
        .merge(arch_exchange::routes())
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
