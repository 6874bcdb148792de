//! Adding evidence from an indicator's page (the platform admin, in draft).
//!
//! - A link: the form becomes the API's `LinkSpec` and goes to its `add_link` handler, so the
//!   levels rule (1..=max, at least one) and the URL rule are the API's; a refusal comes back by
//!   its field with what was typed kept.
//! - A file: a `multipart/form-data` form (the one console form that is not urlencoded). The
//!   route has its own body limit (the evidence limit plus room for the form's other parts);
//!   the session's token is checked as soon as the parts are read, before anything else is
//!   used. The file then goes, as the raw body with its name and levels, to the API's
//!   `upload_file` handler: the size limit, the type allow-list (by content), the SHA-256 and
//!   the store call are the API's, written once.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::claims::page;
use super::{checked_id, href};
use crate::api;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::view::{Field, render};
use crate::error::ApiError;
use crate::extract;
use crate::portal::Lang;
use crate::session::{Posted, PostedMultipart};
use crate::state::AppState;

/// The link form's fields (`url`, `judul`, `tingkat`) with `values`.
pub(super) fn link_fields(lang: Lang, values: [&str; 3]) -> Vec<Field> {
    let [url, title, levels] = values;
    vec![
        Field::new("url", lang.t("console-index-link-url"), "url", url)
            .required()
            .max(2000),
        Field::new("judul", lang.t("console-index-link-title"), "text", title)
            .required()
            .max(300),
        Field::new("tingkat", lang.t("console-index-link-levels"), "text", levels)
            .required()
            .max(40)
            .hint(lang.t("console-index-link-levels-hint")),
    ]
}

/// The upload form's fields (`berkas`, `tingkat_berkas`), the levels as typed.
pub(super) fn upload_fields(lang: Lang, levels: &str) -> Vec<Field> {
    vec![
        Field::new("berkas", lang.t("console-index-file"), "file", "")
            .required()
            .hint(lang.t("console-index-file-hint")),
        Field::new(
            "tingkat_berkas",
            lang.t("console-index-link-levels"),
            "text",
            levels,
        )
        .required()
        .max(40)
        .hint(lang.t("console-index-link-levels-hint")),
    ]
}

/// A file size as the reader's language writes numbers.
pub(super) fn size_text(lang: Lang, bytes: u64) -> String {
    crate::portal::format::integer(lang, bytes)
}

/// The largest upload form accepted: the evidence limit and room for the other parts.
pub const MAX_UPLOAD_FORM_BYTES: usize = wadah_domain::index::evidence_file::MAX_EVIDENCE_BYTES + 64 * 1024;

/// What an upload form carried.
#[derive(Default)]
struct Upload {
    csrf: String,
    version: String,
    levels: String,
    name: String,
    media_type: Option<String>,
    bytes: Option<axum::body::Bytes>,
    /// The body was cut at the route's limit.
    too_large: bool,
}

/// Reads the form's parts (small text fields bounded; the file by the route's limit).
async fn read_upload(multipart: &mut axum::extract::Multipart) -> Result<Upload, ()> {
    let mut up = Upload::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                up.too_large = true;
                break;
            }
            Err(_) => return Err(()),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if name == "berkas" {
            up.name = field.file_name().unwrap_or_default().to_owned();
            up.media_type = field.content_type().map(str::to_owned);
            match field.bytes().await {
                Ok(b) => up.bytes = Some(b),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    up.too_large = true;
                    break;
                }
                Err(_) => return Err(()),
            }
            continue;
        }
        let text = match field.bytes().await {
            Ok(b) if b.len() <= 1024 => String::from_utf8(b.to_vec()).map_err(|_| ())?,
            Ok(_) => return Err(()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                up.too_large = true;
                break;
            }
            Err(_) => return Err(()),
        };
        match name.as_str() {
            crate::session::csrf::FIELD => up.csrf = text,
            "versi" => up.version = text,
            "tingkat_berkas" => up.levels = text,
            _ => {}
        }
    }
    Ok(up)
}

/// `POST /console/indeks/{id}/indikator/{number}/berkas` (multipart): a file as evidence.
pub async fn upload_file(
    State(state): State<AppState>,
    Path((id, number)): Path<(String, String)>,
    mut posted: PostedMultipart,
) -> Response {
    let lang = posted.lang;
    let ctx = Ctx::of_post(
        &posted.who,
        lang,
        format!("/console/indeks/{id}/indikator/{number}"),
    );
    let Ok(up) = read_upload(&mut posted.multipart).await else {
        return crate::session::SessionRejection::BadForm(lang).into_response();
    };
    // Nothing read is used before the token is known to be the session's. A body cut at the
    // limit may end before the token (one large chunk): it changes nothing, so it may still
    // be answered with the form and its message.
    if !up.too_large && !posted.token_matches(&up.csrf) {
        return posted.forged().into_response();
    }
    let (Some(id), Some(number)) = (
        checked_id(&id),
        number.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
    ) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let a = match api::assessments::get_assessment(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    let version = up.version.parse().unwrap_or(a.meta.version);
    let again = |field: Option<&str>, message: String, status: StatusCode| -> Response {
        let Some(mut p) = page(&ctx, &a, number, None) else {
            return ctx.not_found();
        };
        p.upload_fields = upload_fields(lang, &up.levels);
        match p
            .upload_fields
            .iter_mut()
            .find(|f| Some(f.name.as_str()) == field)
        {
            Some(f) => f.error = Some(message),
            None => p.upload_error = Some(message),
        }
        render(status, &p)
    };
    if up.too_large {
        return again(
            Some("berkas"),
            lang.t("console-index-file-too-large"),
            StatusCode::PAYLOAD_TOO_LARGE,
        );
    }
    let Some(bytes) = up.bytes.clone().filter(|_| !up.name.is_empty()) else {
        return again(
            Some("berkas"),
            lang.t("console-index-file-missing"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    // The browser's levels as the API's query takes them (`1,2,3`).
    let levels = up
        .levels
        .split([',', ' ', ';'])
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(",");
    let mut headers = HeaderMap::new();
    if let Some(v) = up
        .media_type
        .as_deref()
        .and_then(|t| HeaderValue::from_str(t).ok())
    {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let query = api::assessments::UploadQuery {
        name: up.name.clone(),
        levels,
    };
    let outcome = api::assessments::upload_file(
        State(state),
        caller,
        extract::Path((id.clone(), number)),
        extract::Query(query),
        extract::IfMatch(version),
        headers,
        Body::from(bytes),
    )
    .await;
    let status = |e: &ApiError| e.code().status();
    match outcome {
        Ok(_) => Redirect::to(&format!("{}/indikator/{number}", href(&id))).into_response(),
        Err(e) if e.code() == ErrorCode::PayloadTooLarge => {
            again(Some("berkas"), lang.t("console-index-file-too-large"), status(&e))
        }
        Err(e) if e.code() == ErrorCode::UnsupportedMediaType => {
            again(Some("berkas"), lang.t("console-index-file-type"), status(&e))
        }
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = e.problem().field.unwrap_or_default();
            if field.starts_with("levels") {
                again(
                    Some("tingkat_berkas"),
                    lang.t("console-index-invalid-tingkat"),
                    status(&e),
                )
            } else {
                again(Some("berkas"), lang.t("console-index-file-invalid"), status(&e))
            }
        }
        Err(e) if e.code() == ErrorCode::StaleVersion => {
            again(None, lang.t("console-stale-text"), status(&e))
        }
        Err(e) => ctx.fail(&e),
    }
}

/// The form's field of an API field name.
fn form_field(api_field: &str) -> &'static str {
    match api_field.split(['.', '[']).next().unwrap_or_default() {
        "url" => "url",
        "title" => "judul",
        _ => "tingkat",
    }
}

/// `POST /console/indeks/{id}/indikator/{number}/tautan`.
pub async fn add_link(
    State(state): State<AppState>,
    lang: Lang,
    Path((id, number)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(
        &posted.who,
        lang,
        format!("/console/indeks/{id}/indikator/{number}"),
    );
    let (Some(id), Some(number)) = (
        checked_id(&id),
        number.parse::<u32>().ok().filter(|n| (1..=1000).contains(n)),
    ) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let a = match api::assessments::get_assessment(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(t) => t.into_parts().1.assessment,
        Err(e) => return ctx.fail(&e),
    };
    let form = &posted.form;
    let version = form.get("versi").parse().unwrap_or(a.meta.version);
    let typed = [form.get("url"), form.get("judul"), form.get("tingkat")];
    let again = |field: Option<&str>, message: String| -> Response {
        let Some(mut p) = page(&ctx, &a, number, None) else {
            return ctx.not_found();
        };
        p.link_fields = link_fields(lang, typed);
        match p.link_fields.iter_mut().find(|f| Some(f.name.as_str()) == field) {
            Some(f) => f.error = Some(message),
            None => p.link_error = Some(message),
        }
        render(StatusCode::UNPROCESSABLE_ENTITY, &p)
    };
    let levels: Result<Vec<u8>, _> = form
        .get("tingkat")
        .split([',', ' ', ';'])
        .filter(|s| !s.is_empty())
        .map(str::parse::<u8>)
        .collect();
    let Ok(levels) = levels else {
        return again(Some("tingkat"), lang.t("console-index-invalid-tingkat"));
    };
    let body = json!({"url": form.get("url").trim(), "title": form.get("judul").trim(), "levels": levels});
    let outcome = match serde_path_to_error::deserialize::<_, api::assessments::LinkSpec>(body) {
        Ok(spec) => {
            api::assessments::add_link(
                State(state),
                caller,
                extract::Path((id.clone(), number)),
                extract::IfMatch(version),
                extract::Json(spec),
            )
            .await
        }
        Err(e) => Err(ApiError::validation(e.path().to_string(), e.inner().to_string())),
    };
    match outcome {
        Ok(_) => Redirect::to(&format!("{}/indikator/{number}", href(&id))).into_response(),
        Err(e) if e.code() == ErrorCode::ValidationFailed => {
            let field = form_field(&e.problem().field.unwrap_or_default());
            again(Some(field), lang.t(&format!("console-index-invalid-{field}")))
        }
        Err(e) if e.code() == ErrorCode::StaleVersion => again(None, lang.t("console-stale-text")),
        Err(e) => ctx.fail(&e),
    }
}
