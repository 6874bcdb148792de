//! Adding and removing relations from an element's page. A relation belongs to its source's
//! agency (the API's rule): the form on an element's page relates it, as source, to any
//! element the person may see; the remove buttons appear where the person may change the
//! source's agency.

use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect, Response};
use wadah_domain::architecture::{ElementKey, ElementRef, RelationKind, RelationSpec};

use super::element_page::{RelationForm, load, page, relation_fields};
use super::{element_href, period_of};
use crate::api;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::registry::codes;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

/// `POST …/instansi/{agency}/elemen/{code}/relasi`: relate the element to another.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path((period, agency, code)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let (Some(period), Some([agency, code])) = (period_of(&period), codes([&agency, &code])) else {
        return ctx.not_found();
    };
    let key = ElementKey { agency, period, code };
    let element = match load(&state, &ctx, &key).await {
        Ok(e) => e,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = ctx.who.caller().write(&key.agency, "agency", &key.agency) {
        return ctx.fail(&e);
    }
    let form = &posted.form;
    let (kind, target_agency, target_code) = (
        form.get("jenis").trim(),
        form.get("instansi").trim(),
        form.get("kode").trim(),
    );
    let again = |field: &str, message_key: &str| {
        let mut fields = relation_fields(lang, kind, target_agency, target_code);
        let message = lang.t(message_key);
        let error = match fields.iter_mut().find(|f| f.name == field) {
            Some(f) => {
                f.error = Some(message);
                None
            }
            None => Some(message),
        };
        let relation = RelationForm {
            action: format!("{}/relasi", element_href(period, &key.agency, &key.code)),
            fields,
            error,
        };
        page(&state, &ctx, &element, Some(relation), None)
    };
    let Some(kind) = RelationKind::ALL.into_iter().find(|k| k.as_str() == kind) else {
        return again("jenis", "arch-invalid-relation-kind").await;
    };
    let Some([t_agency, t_code]) = codes([target_agency, target_code]) else {
        return again("kode", "arch-invalid-target-element").await;
    };
    let spec = RelationSpec {
        kind,
        source: ElementRef {
            agency: key.agency.clone(),
            code: key.code.clone(),
        },
        target: ElementRef {
            agency: t_agency,
            code: t_code,
        },
    };
    let created = api::architecture::relations::create_relation(
        State(state.clone()),
        ctx.who.caller(),
        extract::Path(period),
        extract::Json(spec),
    )
    .await;
    match created {
        Ok(_) => Redirect::to(&element_href(period, &key.agency, &key.code)).into_response(),
        Err(e) => match (e.code(), e.problem().field.as_deref()) {
            (ErrorCode::ValidationFailed, Some("kind")) => again("jenis", "arch-invalid-relation-fit").await,
            (ErrorCode::ValidationFailed, _) => again("kode", "arch-invalid-target-element").await,
            (ErrorCode::Duplicate, _) => again("kode", "arch-relation-exists").await,
            _ => ctx.fail(&e),
        },
    }
}

/// `POST /console/arsitektur/{period}/relasi/{id}/hapus`: remove a relation, back to its
/// source element.
pub async fn delete(
    State(state): State<AppState>,
    lang: Lang,
    uri: Uri,
    Path((period, id)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, uri.path());
    let Some(period) = period_of(&period).filter(|_| !id.is_empty() && id.len() <= 128) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let relation = match api::architecture::relations::get_relation(
        State(state.clone()),
        caller.clone(),
        extract::Path(id.clone()),
    )
    .await
    {
        Ok(r) => r.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if relation.period != period {
        return ctx.not_found();
    }
    match api::architecture::relations::delete_relation(State(state), caller, extract::Path(id)).await {
        Ok(_) => {
            let s = &relation.spec.source;
            Redirect::to(&element_href(period, &s.agency, &s.code)).into_response()
        }
        Err(e) => ctx.fail(&e),
    }
}
