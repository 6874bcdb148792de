//! Deleting (retiring) applications and services, after a confirmation. The person may also
//! ask that what depends on the object go with it (its services, credentials and rights);
//! without that, a store that still holds dependents refuses and says so. Each step calls the
//! admin API's own delete handler, so the same policy decides.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use wadah_domain::service::ServiceRef;

use super::Ctx;
use super::confirm::{Confirm, confirm};
use super::forms::{here, options};
use super::registry::{agency_href, application_href, codes, service_href};
use super::view::Field;
use crate::api;
use crate::api::DeleteQuery;
use crate::extract;
use crate::portal::Lang;
use crate::session::Posted;
use crate::state::AppState;

fn cascade_field(lang: Lang) -> Vec<Field> {
    vec![
        Field::new("cascade", lang.t("console-field-cascade"), "select", "tidak").options(options(
            lang,
            "console-cascade",
            &["tidak", "ya"],
        )),
    ]
}

fn delete_query(posted: &Posted) -> extract::Query<DeleteQuery> {
    extract::Query(DeleteQuery {
        cascade: Some(posted.form.get("cascade") == "ya"),
    })
}

/// `GET …/aplikasi/{application}/hapus`.
pub async fn confirm_application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let app = match api::applications::get_application(State(state), caller.clone(), path).await {
        Ok(a) => a.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "application", format!("{agency}/{code}")) {
        return ctx.fail(&e);
    }
    let base = application_href(&agency, &code);
    let text = ctx.lang.t_args(
        "console-delete-application-text",
        &[("name", app.spec.name.as_str())],
    );
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t("console-delete-application"),
            text,
            action: format!("{base}/hapus"),
            submit: ctx.t("console-delete"),
            cancel: base,
            fields: cascade_field(ctx.lang),
        },
    )
}

/// `POST …/aplikasi/{application}/hapus`: deleted; back to the agency.
pub async fn delete_application(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application)): Path<(String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, code]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let deleted = api::applications::delete_application(
        State(state),
        ctx.who.caller(),
        extract::Path((agency.clone(), code)),
        extract::MaybeIfMatch(None),
        delete_query(&posted),
    );
    match deleted.await {
        Ok(_) => Redirect::to(&agency_href(&agency)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}

/// `GET …/layanan/{service}/hapus`.
pub async fn confirm_service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some([agency, application, code]) = codes([&agency, &application, &service]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let key = ServiceRef {
        agency: agency.clone(),
        application: application.clone(),
        service: code.clone(),
    };
    let path = extract::Path((agency.clone(), application, code));
    let s = match api::services::get_service(State(state), caller.clone(), path).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    if let Err(e) = caller.write(&agency, "service", &key) {
        return ctx.fail(&e);
    }
    let base = service_href(&key);
    let text = ctx
        .lang
        .t_args("console-delete-service-text", &[("name", s.spec.name.as_str())]);
    confirm(
        &ctx,
        Confirm {
            heading: ctx.t("console-delete-service"),
            text,
            action: format!("{base}/hapus"),
            submit: ctx.t("console-delete"),
            cancel: base,
            fields: cascade_field(ctx.lang),
        },
    )
}

/// `POST …/layanan/{service}/hapus`: deleted; back to the application.
pub async fn delete_service(
    State(state): State<AppState>,
    lang: Lang,
    uri: axum::http::Uri,
    Path((agency, application, service)): Path<(String, String, String)>,
    posted: Posted,
) -> Response {
    let ctx = Ctx::of_post(&posted.who, lang, here(&uri));
    let Some([agency, application, code]) = codes([&agency, &application, &service]) else {
        return ctx.not_found();
    };
    let deleted = api::services::delete_service(
        State(state),
        ctx.who.caller(),
        extract::Path((agency.clone(), application.clone(), code)),
        extract::MaybeIfMatch(None),
        delete_query(&posted),
    );
    match deleted.await {
        Ok(_) => Redirect::to(&application_href(&agency, &application)).into_response(),
        Err(e) => ctx.fail(&e),
    }
}
