//! What the developer portal's signed-in pages share: the person and their language
//! ([`Dev`]), the frame with their links and the badge of newly decided requests, and the one
//! place where an error of the admin API's handlers becomes a page of this portal (404 for
//! what the person may not see, 403 for what they may see but not do).
//!
//! "Newly decided" is remembered per browser in a small cookie holding the time the person
//! last opened "my requests" (no personal data, no store write per page view): requests
//! decided after it count as new.

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use wadah_domain::Timestamp;
use wadah_domain::access::RequestStatus;

use crate::api;
use crate::codes::ErrorCode;
use crate::console::view::render;
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::portal::account::{account, acts_for_applications};
use crate::portal::layout::Layout;
use crate::session::{self, SessionRejection, SignedIn};
use crate::state::AppState;

/// The cookie with the time (Unix milliseconds) "my requests" was last opened.
pub const SEEN_COOKIE: &str = "wadah_dev_dilihat";
/// Requests looked at for the badge (the newest first page).
const BADGE_PAGE: u32 = 100;

/// A signed-in developer or admin on a developer page.
#[derive(Debug, Clone)]
pub struct Dev {
    pub who: SignedIn,
    pub lang: Lang,
    pub here: String,
}

impl FromRequestParts<AppState> for Dev {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let lang = Lang::from_request_parts(parts, state).await.unwrap_or_default();
        let who = SignedIn::from_request_parts(parts, state)
            .await
            .map_err(SessionRejection::into_response)?;
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/developer".to_owned(), |p| p.as_str().to_owned());
        let dev = Self { who, lang, here };
        if !acts_for_applications(&dev.who) {
            return Err(dev.message(StatusCode::FORBIDDEN, "dev-forbidden-title", "dev-role-text"));
        }
        Ok(dev)
    }
}

#[derive(Template)]
#[template(path = "developer/message.html")]
struct MessagePage {
    page: Layout,
    heading: String,
    text: String,
}

impl Dev {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }

    /// The portal frame with the person's links (no badge: for forms and messages).
    pub fn layout(&self, title: impl Into<String>) -> Layout {
        Layout::new(self.lang, title, &self.here).with_account(account(self.lang, &self.here, &self.who, 0))
    }

    pub fn message(&self, status: StatusCode, heading: &str, text: &str) -> Response {
        let page = MessagePage {
            page: self.layout(self.t(heading)),
            heading: self.t(heading),
            text: self.t(text),
        };
        render(status, &page)
    }

    /// The page for a refusal or failure of a shared handler.
    pub fn fail(&self, error: &ApiError) -> Response {
        let (status, heading, text) = match error.code() {
            ErrorCode::NotFound => (StatusCode::NOT_FOUND, "not-found-title", "not-found-text"),
            ErrorCode::Forbidden => (StatusCode::FORBIDDEN, "dev-forbidden-title", "dev-forbidden-text"),
            ErrorCode::InvalidState | ErrorCode::Duplicate | ErrorCode::InUse | ErrorCode::StaleVersion => (
                StatusCode::CONFLICT,
                "console-conflict-title",
                "console-conflict-text",
            ),
            ErrorCode::InvalidQuery | ErrorCode::ValidationFailed => (
                StatusCode::BAD_REQUEST,
                "console-bad-form-title",
                "console-bad-form-text",
            ),
            _ => (StatusCode::SERVICE_UNAVAILABLE, "error-title", "error-text"),
        };
        self.message(status, heading, text)
    }

    pub fn not_found(&self) -> Response {
        self.fail(&ApiError::not_found("page", &self.here))
    }
}

/// When "my requests" was last opened in this browser.
pub fn seen_at(headers: &HeaderMap) -> Option<Timestamp> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.split_once('='))
        .find(|(n, _)| n.trim() == SEEN_COOKIE)
        .and_then(|(_, v)| v.trim().parse::<i64>().ok())
        .and_then(chrono::DateTime::from_timestamp_millis)
}

/// The `Set-Cookie` value remembering `now` as the last look.
pub fn seen_cookie(now: Timestamp, https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{SEEN_COOKIE}={}; Path=/developer; Max-Age=31536000; HttpOnly; SameSite=Lax{secure}",
        now.timestamp_millis()
    )
}

/// Whether a request was decided after the person last looked.
pub fn is_new(status: RequestStatus, decided_at: Option<Timestamp>, seen: Option<Timestamp>) -> bool {
    matches!(status, RequestStatus::Approved | RequestStatus::Rejected)
        && decided_at.is_some_and(|d| seen.is_none_or(|s| d > s))
}

/// The request list filter of the person's own side (their application, or their agency).
pub fn own_requests(who: &SignedIn) -> api::requests::AccessRequestQuery {
    api::requests::AccessRequestQuery {
        consumer_agency: who.principal.agency.clone(),
        consumer_application: who.principal.application.clone(),
        ..Default::default()
    }
}

/// How many of the person's requests were decided since they last looked.
pub async fn new_decisions(state: &AppState, who: &SignedIn, headers: &HeaderMap) -> usize {
    let seen = seen_at(headers);
    let query = api::requests::AccessRequestQuery {
        limit: Some(BADGE_PAGE),
        ..own_requests(who)
    };
    match api::requests::list_requests(
        axum::extract::State(state.clone()),
        who.caller(),
        extract::Query(query),
    )
    .await
    {
        Ok(page) => page
            .0
            .items
            .iter()
            .filter(|r| is_new(r.status, r.decided_at, seen))
            .count(),
        Err(_) => 0,
    }
}

/// The frame of a public developer page: with the person's links and badge when someone who
/// acts for applications is signed in, plain otherwise.
pub async fn public_layout(
    state: &AppState,
    lang: Lang,
    title: impl Into<String>,
    here: &str,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
) -> Layout {
    let layout = Layout::new(lang, title, here);
    match session::current(uri, headers, state).await {
        Ok(Some(who)) => {
            let badge = if acts_for_applications(&who) {
                new_decisions(state, &who, headers).await
            } else {
                0
            };
            layout.with_account(account(lang, here, &who, badge))
        }
        _ => layout,
    }
}

/// A page that shows who is signed in (and their form token) must not be kept by any cache.
pub fn private_if_signed_in(mut response: Response, layout: &Layout) -> Response {
    if layout.account.is_some() {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
    }
    response
}
