//! The two pages between a person and an irreversible step: a confirmation (delete, revoke,
//! rotate, remove: nothing changes until its button is pressed, and that button is a CSRF-
//! checked `POST`) and the one page that shows a freshly minted secret. The secret is the body
//! of the answer to that post and nowhere else (not in a redirect, a cookie or the store), and
//! console pages are `no-store`, so it is shown once and never again.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::Ctx;
use super::view::{Field, Frame, Link, render};

#[derive(Template)]
#[template(path = "console/confirm.html")]
struct ConfirmPage {
    frame: Frame,
    heading: String,
    text: String,
    action: String,
    csrf: String,
    fields: Vec<Field>,
    submit: String,
    cancel: Link,
}

/// What a confirmation asks.
pub(super) struct Confirm {
    pub(super) heading: String,
    pub(super) text: String,
    /// Where the confirming `POST` goes.
    pub(super) action: String,
    pub(super) submit: String,
    /// Back, without changing anything.
    pub(super) cancel: String,
    /// Options of the step (e.g. also delete what depends on it).
    pub(super) fields: Vec<Field>,
}

/// The confirmation page.
pub(super) fn confirm(ctx: &Ctx, c: Confirm) -> Response {
    let page = ConfirmPage {
        frame: ctx.frame(c.heading.clone()),
        heading: c.heading,
        text: c.text,
        action: c.action,
        csrf: ctx.who.csrf_token().to_owned(),
        fields: c.fields,
        submit: c.submit,
        cancel: Link::new(c.cancel, ctx.t("console-cancel")),
    };
    render(StatusCode::OK, &page)
}

#[derive(Template)]
#[template(path = "console/secret.html")]
struct SecretPage {
    frame: Frame,
    heading: String,
    name: String,
    client_id: String,
    secret: String,
    back: Link,
}

/// The page that shows `secret` of the credential `name` once.
pub(super) fn secret_once(
    ctx: &Ctx,
    status: StatusCode,
    heading: String,
    name: &str,
    client_id: Option<String>,
    secret: String,
    back: String,
) -> Response {
    let page = SecretPage {
        frame: ctx.frame(heading.clone()),
        heading,
        name: name.to_owned(),
        client_id: client_id.unwrap_or_default(),
        secret,
        back: Link::new(back, ctx.t("dev-secret-done")),
    };
    render(status, &page)
}
