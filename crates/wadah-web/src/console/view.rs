//! The console's page pieces: the frame every page shares (navigation, who is signed in, the
//! sign-out form), a few generic views (a page of facts and tables, a form, a message), and
//! the one place where an [`ApiError`] from the shared admin-API handlers becomes a page: a
//! real 404 for a missing (or hidden) object, a 403 for a forbidden one.
//!
//! Every view holds plain strings already in the reader's language; templates only lay out.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::codes::ErrorCode;
use crate::error::ApiError;
use crate::portal::Lang;
use crate::portal::layout::Layout;
use crate::portal::security_headers;
use crate::session::SignedIn;

/// A link in a list of actions or in the navigation.
#[derive(Debug, Clone)]
pub struct Link {
    pub href: String,
    pub label: String,
    pub current: bool,
}

impl Link {
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            href: href.into(),
            label: label.into(),
            current: false,
        }
    }
}

/// The signed-in person, as the frame shows them.
#[derive(Debug, Clone)]
pub struct FrameUser {
    pub name: String,
    pub role: String,
    pub csrf: String,
}

/// What every console page shares.
#[derive(Debug, Clone)]
pub struct Frame {
    pub page: Layout,
    pub user: Option<FrameUser>,
    pub nav: Vec<Link>,
}

impl Frame {
    pub fn new(lang: Lang, title: impl Into<String>, here: &str, who: Option<&SignedIn>) -> Self {
        let nav = match who {
            Some(who) => nav(lang, here, who),
            None => Vec::new(),
        };
        Self {
            page: Layout::new(lang, title, here),
            user: who.map(|w| FrameUser {
                name: w.display_name.clone(),
                role: lang.t(&format!("console-role-{}", w.principal.role.as_str())),
                csrf: w.csrf_token().to_owned(),
            }),
            nav,
        }
    }

    pub fn t(&self, key: &str) -> String {
        self.page.t(key)
    }
}

fn nav(lang: Lang, here: &str, who: &SignedIn) -> Vec<Link> {
    let mut items = vec![
        ("/console", "console-nav-home"),
        ("/console/instansi", "console-nav-agencies"),
        ("/console/permohonan", "console-nav-requests"),
    ];
    if who.principal.audit_scope().is_some() {
        items.push(("/console/dasbor", "console-nav-dashboard"));
        items.push(("/console/peta", "console-nav-map"));
        items.push(("/console/jejak", "console-nav-evidence"));
    }
    if super::assessments::in_nav(&who.principal) {
        items.push(("/console/indeks", "console-nav-index"));
    }
    items.push(("/console/arsitektur", "console-nav-architecture"));
    items.push(("/console/perubahan", "console-nav-changes"));
    items.push(("/console/pengguna", "console-nav-users"));
    let path = here.split('?').next().unwrap_or(here);
    items
        .into_iter()
        .map(|(href, key)| Link {
            href: href.to_owned(),
            label: lang.t(key),
            current: path == href || (href != "/console" && path.starts_with(&format!("{href}/"))),
        })
        .collect()
}

/// One cell of a table: text, optionally a link.
#[derive(Debug, Clone)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: None,
        }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            href: Some(href.into()),
        }
    }
}

/// A table with a caption, column heads and rows; `empty` is shown when there are no rows.
#[derive(Debug, Clone)]
pub struct Table {
    pub caption: String,
    pub head: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    pub empty: String,
    /// The next page, when there is one.
    pub more: Option<Link>,
}

/// A labelled value.
#[derive(Debug, Clone)]
pub struct Fact {
    pub label: String,
    pub value: String,
}

impl Fact {
    pub fn new(label: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            label: label.into(),
            value: value.into(),
        }
    }
}

/// A form field with its typed value and, after a failed submission, its error.
#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// `text`, `textarea`, `select`, `number`, `url`, `date` or `datetime-local`.
    pub kind: &'static str,
    pub value: String,
    pub error: Option<String>,
    pub hint: Option<String>,
    /// For `select`: (value, label).
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub readonly: bool,
    pub max: usize,
    /// A `textarea` that may also be filled from a file (with scripts).
    pub from_file: bool,
}

impl Field {
    pub fn new(name: &str, label: String, kind: &'static str, value: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            label,
            kind,
            value: value.into(),
            error: None,
            hint: None,
            options: Vec::new(),
            required: false,
            readonly: false,
            max: 300,
            from_file: false,
        }
    }

    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> Self {
        self.options = options;
        self
    }

    pub fn max(mut self, max: usize) -> Self {
        self.max = max;
        self
    }

    pub fn readonly(mut self, readonly: bool) -> Self {
        self.readonly = readonly;
        self
    }

    pub fn from_file(mut self) -> Self {
        self.from_file = true;
        self
    }

    pub fn is_selected(&self, value: &str) -> bool {
        self.value == value
    }
}

/// The form an access request's provider answers with.
#[derive(Debug, Clone)]
pub struct DecisionForm {
    pub action: String,
    pub csrf: String,
    /// The reason field (one, in a list so the shared field template can lay it out).
    pub fields: Vec<Field>,
}

/// A page of facts, actions and tables (home, lists, details, the evidence search).
#[derive(Debug, Template)]
#[template(path = "console/page.html")]
pub struct Page {
    pub frame: Frame,
    pub heading: String,
    pub lead: Option<String>,
    pub facts: Vec<Fact>,
    pub actions: Vec<Link>,
    /// A `GET` search form above the tables.
    pub search: Option<SearchForm>,
    pub tables: Vec<Table>,
    pub decision: Option<DecisionForm>,
    /// A confirmation after a change ("saved").
    pub notice: Option<String>,
}

impl Page {
    pub fn new(frame: Frame, heading: impl Into<String>) -> Self {
        Self {
            frame,
            heading: heading.into(),
            lead: None,
            facts: Vec::new(),
            actions: Vec::new(),
            search: None,
            tables: Vec::new(),
            decision: None,
            notice: None,
        }
    }
}

/// A search form sent with `GET`.
#[derive(Debug, Clone)]
pub struct SearchForm {
    pub action: String,
    pub fields: Vec<Field>,
    pub submit: String,
    pub error: Option<String>,
}

/// A create or edit form.
#[derive(Debug, Template)]
#[template(path = "console/form.html")]
pub struct FormPage {
    pub frame: Frame,
    pub heading: String,
    pub action: String,
    pub csrf: String,
    /// Hidden fields (the version being edited).
    pub hidden: Vec<(String, String)>,
    pub fields: Vec<Field>,
    /// A problem that belongs to no one field.
    pub error: Option<String>,
    pub submit: String,
    pub cancel: Link,
}

impl FormPage {
    /// Whether any field or the form has an error (for the summary at the top).
    pub fn has_errors(&self) -> bool {
        self.error.is_some() || self.fields.iter().any(|f| f.error.is_some())
    }

    /// The script for "load from a file", when a field offers it.
    pub fn file_script(&self) -> Option<&'static str> {
        self.fields
            .iter()
            .any(|f| f.from_file)
            .then(|| crate::portal::assets::CONSOLE_FILE_JS.path.as_str())
    }
}

#[derive(Template)]
#[template(path = "console/message.html")]
struct MessagePage {
    frame: Frame,
    heading: String,
    text: String,
    back: Link,
}

/// Renders `template` as an HTML page with the console's headers: the portal's strict CSP and
/// friends, and `Cache-Control: no-store` (pages show data a shared cache must not keep).
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    let mut response = match template.render() {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a console template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    security_headers::add_to(response)
}

/// A page with a heading and a sentence (for errors and refusals).
pub fn message(lang: Lang, status: StatusCode, heading_key: &str, text_key: &str) -> Response {
    message_for(
        lang,
        status,
        lang.t(heading_key),
        lang.t(text_key),
        None,
        "/console",
    )
}

fn message_for(
    lang: Lang,
    status: StatusCode,
    heading: String,
    text: String,
    who: Option<&SignedIn>,
    here: &str,
) -> Response {
    let page = MessagePage {
        frame: Frame::new(lang, heading.clone(), here, who),
        heading,
        text,
        back: Link::new("/console", lang.t("console-back-home")),
    };
    render(status, &page)
}

/// The page for an error of the shared handlers. Validation errors of forms are shown next to
/// their field by the form handlers; what reaches here is a refusal or a failure.
pub fn error_page(lang: Lang, here: &str, who: &SignedIn, error: &ApiError) -> Response {
    let (status, heading, text) = match error.code() {
        ErrorCode::NotFound => (StatusCode::NOT_FOUND, "not-found-title", "console-not-found-text"),
        ErrorCode::Forbidden => (
            StatusCode::FORBIDDEN,
            "console-forbidden-title",
            "console-forbidden-text",
        ),
        ErrorCode::StaleVersion => (
            StatusCode::CONFLICT,
            "console-conflict-title",
            "console-stale-text",
        ),
        ErrorCode::InvalidState | ErrorCode::Duplicate | ErrorCode::InUse => (
            StatusCode::CONFLICT,
            "console-conflict-title",
            "console-conflict-text",
        ),
        ErrorCode::InvalidQuery | ErrorCode::ValidationFailed => (
            StatusCode::BAD_REQUEST,
            "console-bad-form-title",
            "console-bad-form-text",
        ),
        ErrorCode::StoreUnavailable => (
            StatusCode::SERVICE_UNAVAILABLE,
            "error-title",
            "console-unavailable-text",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "error-title",
            "console-unavailable-text",
        ),
    };
    message_for(lang, status, lang.t(heading), lang.t(text), Some(who), here)
}
