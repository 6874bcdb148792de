//! Anonymous feedback on a public service: `POST /layanan/{agency}/{code}/masukan`.
//!
//! No account, so no session to hang a CSRF token on. Instead:
//! - the form carries a **signed, short-lived token**: the issue time sealed (AES-GCM, the
//!   node's master key ring) under a context naming the service, so it cannot be forged,
//!   edited, or moved to another service, and it expires after [`TOKEN_LIFETIME_MINUTES`];
//! - the **`Origin`** of the request (or, without it, `Sec-Fetch-Site`) must be this site;
//! - submissions are **rate-limited** per client address and per service ([`Limiter`], fixed
//!   windows in memory, time from the [`wadah_domain::Clock`]); the address is used only as a
//!   counter key and is never stored or logged.
//!
//! A refused submission renders the service page again with the message next to the field, in
//! the reader's language, and what they typed kept; an accepted one redirects back (POST,
//! redirect, GET) with a thank-you note.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Extension;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, OriginalUri, Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wadah_domain::feedback::{Comment, FeedbackSpec, Rating};
use wadah_domain::{Code, Timestamp};
use wadah_store::StoreError;

use super::i18n::Lang;
use super::pages::{here, not_found, unavailable};
use super::service_page::{self, FeedbackForm, RatingOption};
use crate::state::AppState;

/// How long a form stays valid after the page was served.
pub const TOKEN_LIFETIME_MINUTES: i64 = 120;
/// A form body larger than this is refused unread (a full comment is far smaller).
const MAX_FORM_BYTES: usize = 16 * 1024;
/// Counters kept at most; beyond this (after dropping expired ones) new clients are refused.
const MAX_COUNTERS: usize = 50_000;

/// Submissions allowed per window.
#[derive(Debug, Clone)]
pub struct FeedbackLimits {
    /// Per client address.
    pub per_client: u32,
    /// Per public service, whoever sends them.
    pub per_service: u32,
    pub window_minutes: i64,
}

impl Default for FeedbackLimits {
    fn default() -> Self {
        Self {
            per_client: 5,
            per_service: 100,
            window_minutes: 60,
        }
    }
}

/// Fixed-window counters. Per node: a cluster of n nodes allows up to n times the limit.
#[derive(Debug, Default)]
pub struct Limiter(Mutex<HashMap<String, (Timestamp, u32)>>);

impl Limiter {
    /// Counts one submission under every key, if each is still under its limit.
    fn allow(&self, keys: &[(String, u32)], window: chrono::Duration, now: Timestamp) -> bool {
        let Ok(mut counters) = self.0.lock() else {
            return false;
        };
        let live = |start: &Timestamp| *start + window > now;
        if counters.len() >= MAX_COUNTERS {
            counters.retain(|_, (start, _)| live(start));
        }
        let under = keys.iter().all(|(key, limit)| match counters.get(key) {
            Some((start, n)) if live(start) => n < limit,
            _ => counters.len() < MAX_COUNTERS,
        });
        if !under {
            return false;
        }
        for (key, _) in keys {
            let entry = counters.entry(key.clone()).or_insert((now, 0));
            if !live(&entry.0) {
                *entry = (now, 0);
            }
            entry.1 += 1;
        }
        true
    }
}

/// What the form held and what is wrong with it (the page shows both).
#[derive(Debug, Default)]
pub struct FormInput {
    pub rating: String,
    pub comment: String,
    pub summary: Option<&'static str>,
    pub rating_error: Option<&'static str>,
    pub comment_error: Option<&'static str>,
    pub thanks: bool,
}

impl FormInput {
    fn refused(mut self, summary: &'static str) -> Self {
        self.summary = Some(summary);
        self
    }
}

fn context(agency: &Code, code: &Code) -> String {
    format!("portal-feedback:{agency}/{code}")
}

/// A fresh token for the form of `agency/code`.
fn issue_token(state: &AppState, agency: &Code, code: &Code) -> String {
    let issued = state.now().timestamp_millis().to_string();
    state
        .keys()
        .seal(issued.as_bytes(), &context(agency, code))
        .unwrap_or_default()
}

/// Whether `token` was issued by this deployment for this service, and recently.
fn token_is_valid(state: &AppState, agency: &Code, code: &Code, token: &str) -> bool {
    if token.is_empty() || token.len() > 512 {
        return false;
    }
    let Ok(plain) = state.keys().open(token, &context(agency, code)) else {
        return false;
    };
    let Some(issued) = std::str::from_utf8(&plain)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
    else {
        return false;
    };
    let age_ms = state.now().timestamp_millis() - issued;
    // A little slack for clocks of different nodes.
    (-60_000..=TOKEN_LIFETIME_MINUTES * 60_000).contains(&age_ms)
}

/// Whether the request comes from a page of this site: `Origin` must name this host; without
/// it, `Sec-Fetch-Site` must not say cross-site; a client sending neither (an old browser, a
/// script) still needs a valid token.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(origin) = headers.get(header::ORIGIN) {
        let (Ok(origin), Some(host)) = (origin.to_str(), text(header::HOST)) else {
            return false;
        };
        let Ok(url) = url::Url::parse(origin) else {
            return false;
        };
        let Some(origin_host) = url.host_str() else {
            return false;
        };
        let origin_host = match url.port() {
            Some(port) => format!("{origin_host}:{port}"),
            None => origin_host.to_owned(),
        };
        return origin_host.eq_ignore_ascii_case(host);
    }
    text(header::HeaderName::from_static("sec-fetch-site"))
        .is_none_or(|site| matches!(site, "same-origin" | "none"))
}

/// The form as the page shows it.
pub fn form_view(state: &AppState, lang: Lang, agency: &Code, code: &Code, input: FormInput) -> FeedbackForm {
    FeedbackForm {
        action: format!("/layanan/{agency}/{code}/masukan"),
        token: issue_token(state, agency, code),
        options: (1..=5u8)
            .map(|value| RatingOption {
                value,
                label: lang.t(&format!("feedback-rating-{value}")),
                checked: input.rating == value.to_string(),
            })
            .collect(),
        comment: input.comment,
        summary: input.summary.map(|k| lang.t(k)),
        rating_error: input.rating_error.map(|k| lang.t(k)),
        comment_error: input.comment_error.map(|k| lang.t(k)),
        thanks: input.thanks,
    }
}

#[derive(Debug, Default, Deserialize)]
struct FeedbackFields {
    #[serde(default)]
    rating: String,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    token: String,
}

/// Checks the fields: the feedback, or the form with its messages.
fn validate(input: FormInput) -> Result<FeedbackSpec, FormInput> {
    let rating = Rating::parse(&input.rating);
    let comment = Comment::parse(&input.comment);
    let mut refused = input;
    match (rating, comment) {
        (Ok(rating), Ok(comment)) => match FeedbackSpec::new(rating, comment) {
            Ok(spec) => Ok(spec),
            Err(_) => {
                refused.rating_error = Some("feedback-error-empty");
                Err(refused.refused("feedback-error-summary"))
            }
        },
        (rating, comment) => {
            if rating.is_err() {
                refused.rating_error = Some("feedback-error-rating");
            }
            if comment.is_err() {
                let long = refused.comment.trim().chars().count() > wadah_domain::feedback::MAX_COMMENT_CHARS;
                refused.comment_error = Some(if long {
                    "feedback-error-comment-long"
                } else {
                    "feedback-error-comment-invalid"
                });
            }
            Err(refused.refused("feedback-error-summary"))
        }
    }
}

/// `POST /layanan/{agency}/{code}/masukan`.
#[allow(clippy::too_many_arguments)] // the extractors a form handler needs
pub async fn submit(
    State(state): State<AppState>,
    Extension(limiter): Extension<Arc<Limiter>>,
    lang: Lang,
    uri: OriginalUri,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Path((agency, code)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let page = format!("/layanan/{agency}/{code}");
    let here = here(&uri);
    let (Ok(agency), Ok(code)) = (Code::parse(&agency), Code::parse(&code)) else {
        return not_found(lang, &here);
    };
    if let Err(response) = service_page::public_service(&state, lang, &page, &agency, &code).await {
        return response;
    }
    let again =
        |input: FormInput, status| service_page::render(&state, lang, &page, &agency, &code, input, status);
    let fields: FeedbackFields = if body.len() > MAX_FORM_BYTES {
        FeedbackFields::default()
    } else {
        serde_urlencoded::from_bytes(&body).unwrap_or_default()
    };
    let input = FormInput {
        rating: fields.rating,
        comment: fields.comment,
        ..FormInput::default()
    };
    if body.len() > MAX_FORM_BYTES {
        let mut input = input;
        input.comment_error = Some("feedback-error-comment-long");
        return again(
            input.refused("feedback-error-summary"),
            StatusCode::PAYLOAD_TOO_LARGE,
        )
        .await;
    }
    if !same_origin(&headers) || !token_is_valid(&state, &agency, &code, &fields.token) {
        return again(input.refused("feedback-error-expired"), StatusCode::FORBIDDEN).await;
    }
    let spec = match validate(input) {
        Ok(spec) => spec,
        Err(refused) => return again(refused, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let limits = &state.config().feedback;
    let client = extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |ConnectInfo(addr)| addr.ip().to_string());
    let keys = [
        (format!("client:{client}"), limits.per_client),
        (format!("service:{agency}/{code}"), limits.per_service),
    ];
    let window = chrono::Duration::minutes(limits.window_minutes);
    if !limiter.allow(&keys, window, state.now()) {
        let kept = FormInput {
            rating: spec.rating.map(|r| r.get().to_string()).unwrap_or_default(),
            comment: spec.comment.as_str().to_owned(),
            ..FormInput::default()
        };
        let mut response = again(kept.refused("feedback-error-rate"), StatusCode::TOO_MANY_REQUESTS).await;
        let retry = (limits.window_minutes * 60).to_string();
        if let Ok(v) = header::HeaderValue::from_str(&retry) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    match state
        .store()
        .add_feedback(&agency, &code, &spec, state.now())
        .await
    {
        Ok(_) => Redirect::to(&format!("{page}?masukan=terima-kasih#masukan")).into_response(),
        Err(StoreError::NotFound { .. }) => not_found(lang, &here),
        Err(e) => unavailable(lang, &here, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> Timestamp {
        wadah_domain::time::from_millis(1_767_225_600_000 + minutes * 60_000)
    }

    #[test]
    fn the_limiter_counts_per_key_and_forgets_after_the_window() {
        let limiter = Limiter::default();
        let window = chrono::Duration::minutes(60);
        let keys = |client: &str| [(format!("client:{client}"), 2), ("service:x".to_owned(), 3)];
        assert!(limiter.allow(&keys("a"), window, at(0)));
        assert!(limiter.allow(&keys("a"), window, at(1)));
        assert!(!limiter.allow(&keys("a"), window, at(2)), "client limit");
        assert!(limiter.allow(&keys("b"), window, at(3)));
        assert!(
            !limiter.allow(&keys("c"), window, at(4)),
            "service limit, whoever asks"
        );
        assert!(limiter.allow(&keys("a"), window, at(61)), "a new window");
    }

    #[test]
    fn only_this_site_may_post_the_form() {
        let headers = |pairs: &[(&'static str, &str)]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(*k, v.parse().unwrap());
            }
            h
        };
        assert!(same_origin(&headers(&[
            ("host", "portal.example:8080"),
            ("origin", "http://portal.example:8080")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "portal.example"),
            ("origin", "https://portal.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "portal.example"),
            ("origin", "https://evil.example")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "portal.example"),
            ("origin", "null")
        ])));
        assert!(!same_origin(&headers(&[
            ("host", "portal.example"),
            ("sec-fetch-site", "cross-site")
        ])));
        assert!(same_origin(&headers(&[
            ("host", "portal.example"),
            ("sec-fetch-site", "same-origin")
        ])));
        assert!(same_origin(&headers(&[("host", "portal.example")])));
    }
}
