//! A service's OpenAPI document on its own page: paste (or, in a browser with scripts, load
//! from a file) a new document to replace it, or empty the field to remove it. The rest of the
//! service is kept as stored; the change goes through the API's own update handler, so the
//! document is checked exactly as there (OpenAPI 3, YAML or JSON, at most 1 MB).

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::Value;
use wadah_domain::service::{ServiceRef, ServiceSpec};

use super::Ctx;
use super::forms::{FormSpec, Kind, Problem, here, parse, problem_of, show, version};
use super::registry::{codes, service_href};
use super::view::Field;
use crate::api;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

const PATHS: &[(&str, Kind)] = &[("openapi", Kind::Optional)];

fn form(ctx: &Ctx, key: &ServiceRef, version: i64, document: String) -> FormSpec {
    let base = service_href(key);
    FormSpec {
        heading: ctx.t("console-openapi-title"),
        action: format!("{base}/openapi"),
        cancel: base,
        version: Some(version),
        fields: vec![
            Field::new("openapi", ctx.t("console-field-openapi"), "textarea", document)
                .max(wadah_domain::openapi::MAX_OPENAPI_BYTES)
                .hint(ctx.t("console-hint-openapi-replace"))
                .from_file(),
        ],
    }
}

fn key_of(raw: (&str, &str, &str)) -> Option<ServiceRef> {
    let [agency, application, service] = codes([raw.0, raw.1, raw.2])?;
    Some(ServiceRef {
        agency,
        application,
        service,
    })
}

/// `GET …/layanan/{service}/openapi`.
pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((key.agency.clone(), key.application.clone(), key.service.clone()));
    let (version, s) = match api::services::get_service(State(state), caller.clone(), path).await {
        Ok(s) => s.into_parts(),
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    let document = s.spec.openapi.map(String::from).unwrap_or_default();
    show(&ctx, form(&ctx, &key, version, document), None)
}

/// `POST …/layanan/{service}/openapi`: replaced (or removed); back to the service.
pub async fn replace(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, service)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some(key) = key_of((&agency, &application, &service)) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((key.agency.clone(), key.application.clone(), key.service.clone()));
    let stored = match api::services::get_service(State(state.clone()), caller.clone(), path.clone()).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&key.agency, "service", &key) {
        return ctx.fail(&e);
    }
    let sent_version = version(&posted.form).unwrap_or(stored.meta.version);
    let typed = posted.form.get("openapi").to_owned();
    let again = |p: Problem| show(&ctx, form(&ctx, &key, sent_version, typed.clone()), Some(p));
    let mut base = serde_json::to_value(&stored.spec).unwrap_or_default();
    if let Value::Object(m) = &mut base {
        m.remove("openapi");
    }
    let spec: ServiceSpec = match parse(lang, &posted.form, base, PATHS) {
        Ok(s) => s,
        Err(p) => return again(p),
    };
    let updated = api::services::update_service(
        State(state),
        caller,
        path,
        extract::IfMatch(sent_version),
        extract::Json(spec),
    );
    match updated.await {
        Ok(_) => Redirect::to(&service_href(&key)).into_response(),
        Err(e) => match problem_of(lang, &e) {
            Some(p) => again(p),
            None => ctx.fail(&e),
        },
    }
}
