//! The page of one public service (`/layanan/{agency}/{code}`): everything the registry holds
//! on it, the state of its online link as Wadah last checked it, the users' satisfaction
//! (mean rating and count), and the feedback form. The form's handler
//! ([`super::feedback`]) renders this page again, with messages next to the fields and the
//! typed values kept, when a submission is refused.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use wadah_domain::Code;
use wadah_domain::application::Audience;
use wadah_domain::link_check::{LinkCheck, LinkFailure};
use wadah_domain::public_service::PublicService;
use wadah_store::StoreError;

use super::feedback::{self, FormInput};
use super::format;
use super::i18n::Lang;
use super::layout::Layout;
use super::pages::{NavLink, here, html, not_found, topic_label, unavailable};
use crate::state::AppState;

/// One choice of the rating.
#[derive(Debug)]
pub struct RatingOption {
    pub value: u8,
    pub label: String,
    pub checked: bool,
}

/// The feedback form as shown: where it posts, its token, what was typed, what is wrong.
#[derive(Debug)]
pub struct FeedbackForm {
    pub action: String,
    pub token: String,
    pub comment: String,
    pub options: Vec<RatingOption>,
    pub summary: Option<String>,
    pub rating_error: Option<String>,
    pub comment_error: Option<String>,
    pub thanks: bool,
}

#[derive(Template)]
#[template(path = "portal/service.html")]
struct ServicePage {
    page: Layout,
    name: String,
    agency_name: String,
    agency_href: String,
    description: String,
    eligibility: String,
    requirements: Vec<String>,
    cost: String,
    duration: String,
    online_url: Option<String>,
    /// Lines of the warning when the last check of the online link failed.
    link_problem: Option<Vec<String>>,
    /// "checked on …: working" or "not checked yet", when there is no problem.
    link_status: String,
    office_address: String,
    topics: Vec<NavLink>,
    updated: String,
    sample: bool,
    /// `4,3` (in the reader's notation) once someone rated the service.
    rating_mean: Option<String>,
    rating_count: String,
    form: FeedbackForm,
}

#[derive(Debug, Deserialize)]
pub struct ShowParams {
    #[serde(default)]
    masukan: String,
}

/// `GET /layanan/{agency}/{code}`: one public service.
pub async fn show(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path((agency, code)): Path<(String, String)>,
    params: Result<Query<ShowParams>, QueryRejection>,
) -> Response {
    let here = here(&uri);
    let (Ok(agency), Ok(code)) = (Code::parse(&agency), Code::parse(&code)) else {
        return not_found(lang, &here);
    };
    let input = FormInput {
        thanks: params.is_ok_and(|Query(p)| p.masukan == "terima-kasih"),
        ..FormInput::default()
    };
    render(&state, lang, &here, &agency, &code, input, StatusCode::OK).await
}

/// The public service, or the page to answer instead: staff-only services belong to the staff
/// portal, so they are as absent here as missing ones.
pub(super) async fn public_service(
    state: &AppState,
    lang: Lang,
    here: &str,
    agency: &Code,
    code: &Code,
) -> Result<PublicService, Response> {
    match state.store().get_public_service(agency, code).await {
        Ok(s) if s.spec.audience == Audience::Public => Ok(s),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(not_found(lang, here)),
        Err(e) => Err(unavailable(lang, here, &e)),
    }
}

/// Renders the page with the feedback form in the state `input` describes.
pub(super) async fn render(
    state: &AppState,
    lang: Lang,
    here: &str,
    agency: &Code,
    code: &Code,
    input: FormInput,
    status: StatusCode,
) -> Response {
    let s = match public_service(state, lang, here, agency, code).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let store = state.store();
    let agency_name = match store.get_agency(agency).await {
        Ok(a) => a.spec.name.as_str().to_owned(),
        Err(_) => agency.to_string(),
    };
    let online_url = s.spec.online_url.as_ref().map(|u| u.as_str().to_owned());
    let check = match (&online_url, store.link_check(agency, code).await) {
        (Some(url), Ok(Some(check))) if check.url == *url => Some(check),
        (_, Err(e)) => {
            tracing::warn!(error = %e, "the portal could not read a link check");
            None
        }
        _ => None,
    };
    let (link_problem, link_status) = link_view(lang, check.as_ref());
    let summary = match store.feedback_summary(agency, code).await {
        Ok(summary) => summary,
        Err(e) => return unavailable(lang, here, &e),
    };
    let spec = s.spec;
    let page = ServicePage {
        page: Layout::new(lang, spec.name.as_str(), here),
        name: spec.name.as_str().to_owned(),
        agency_href: format!("/instansi/{agency}"),
        agency_name,
        description: spec.description.as_str().to_owned(),
        eligibility: spec.eligibility.as_str().to_owned(),
        requirements: spec.requirements.iter().map(|r| r.as_str().to_owned()).collect(),
        cost: spec.cost.as_str().to_owned(),
        duration: spec.duration.as_str().to_owned(),
        online_url,
        link_problem,
        link_status,
        office_address: spec.office_address.as_str().to_owned(),
        topics: spec
            .topics
            .iter()
            .map(|t| NavLink {
                href: format!("/topik/{t}"),
                label: topic_label(lang, t),
                count: String::new(),
            })
            .collect(),
        updated: lang.t_args(
            "service-updated",
            &[("date", &format::date(lang, s.meta.updated_at))],
        ),
        sample: spec.sample,
        rating_mean: summary
            .mean()
            .map(|m| lang.t_args("feedback-mean", &[("shown", &format::decimal(lang, m, 1))])),
        rating_count: lang.t_count("feedback-ratings-count", summary.ratings as usize),
        form: feedback::form_view(state, lang, agency, code, input),
    };
    html(status, &page)
}

/// The warning lines of a failed check, or the one-line status of a working or unchecked link.
fn link_view(lang: Lang, check: Option<&LinkCheck>) -> (Option<Vec<String>>, String) {
    let Some(check) = check else {
        return (None, lang.t("link-unchecked"));
    };
    let date = format::date(lang, check.checked_at);
    let Some(failure) = check.failure else {
        return (None, lang.t_args("link-ok", &[("date", &date)]));
    };
    let reason = match failure {
        LinkFailure::Status => lang.t_args(
            "link-reason-status",
            &[(
                "shown",
                &check.http_status.map(|s| s.to_string()).unwrap_or_default(),
            )],
        ),
        LinkFailure::Timeout => lang.t("link-reason-timeout"),
        LinkFailure::Unreachable => lang.t("link-reason-unreachable"),
        LinkFailure::Tls => lang.t("link-reason-tls"),
        LinkFailure::Redirects => lang.t("link-reason-redirects"),
    };
    let mut lines = vec![lang.t_args("link-broken-text", &[("date", &date)]), reason];
    if let Some(since) = check.failing_since.filter(|s| *s < check.checked_at) {
        lines.push(lang.t_args("link-failing-since", &[("date", &format::date(lang, since))]));
    }
    (Some(lines), String::new())
}
