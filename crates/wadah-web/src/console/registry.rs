//! Agencies → applications → services, read: lists and detail pages. Each page calls the
//! admin API's own handlers (`crate::api::*`), so what a person sees here is exactly what the
//! API would show them, and a hidden object is a 404 here as there.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::Code;
use wadah_domain::service::ServiceRef;

use super::view::{Cell, Fact, Link, Page, Table, render};
use super::{Ctx, Paging, next_link};
use crate::api;
use crate::extract;
use crate::portal::format;
use crate::state::AppState;

pub(super) fn codes<const N: usize>(raw: [&str; N]) -> Option<[Code; N]> {
    let mut out = Vec::with_capacity(N);
    for r in raw {
        out.push(Code::parse(r).ok()?);
    }
    out.try_into().ok()
}

pub(super) fn agency_href(agency: &Code) -> String {
    format!("/console/instansi/{agency}")
}

pub(super) fn application_href(agency: &Code, application: &Code) -> String {
    format!("/console/instansi/{agency}/aplikasi/{application}")
}

pub(super) fn service_href(s: &ServiceRef) -> String {
    format!(
        "/console/instansi/{}/aplikasi/{}/layanan/{}",
        s.agency, s.application, s.service
    )
}

/// `GET /console/instansi`: the agencies in the person's scope.
pub async fn agencies(State(state): State<AppState>, ctx: Ctx, paging: Query<Paging>) -> Response {
    let query = api::agencies::AgencyQuery {
        cursor: paging.0.lanjut,
        ..Default::default()
    };
    let page = match api::agencies::list_agencies(State(state), ctx.who.caller(), extract::Query(query)).await
    {
        Ok(page) => page.0,
        Err(e) => return ctx.fail(&e),
    };
    let rows = page
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(a.spec.name.as_str(), agency_href(&a.spec.code)),
                Cell::text(a.spec.code.as_str()),
                Cell::text(a.spec.government.as_str()),
            ]
        })
        .collect();
    let mut view = Page::new(
        ctx.frame(ctx.t("console-agencies-title")),
        ctx.t("console-agencies-title"),
    );
    if ctx.who.principal.can_manage_platform() {
        view.actions
            .push(Link::new("/console/instansi/baru", ctx.t("console-agency-new")));
    }
    view.tables.push(Table {
        caption: ctx.t("console-agencies-title"),
        head: vec![
            ctx.t("console-col-name"),
            ctx.t("console-col-code"),
            ctx.t("console-col-government"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: next_link(ctx.lang, "/console/instansi", page.next),
    });
    render(StatusCode::OK, &view)
}

/// `GET /console/instansi/{agency}`: the agency and its applications.
pub async fn agency(State(state): State<AppState>, ctx: Ctx, Path(raw): Path<String>) -> Response {
    let Some([code]) = codes([&raw]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let agency =
        match api::agencies::get_agency(State(state.clone()), caller.clone(), extract::Path(code.clone()))
            .await
        {
            Ok(a) => a.into_parts().1,
            Err(e) => return ctx.fail(&e),
        };
    let apps = match api::applications::list_applications(
        State(state),
        caller,
        extract::Path(code.clone()),
        extract::Query(api::applications::ApplicationQuery::default()),
    )
    .await
    {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = apps
        .items
        .iter()
        .map(|a| {
            vec![
                Cell::link(a.spec.name.as_str(), application_href(&code, &a.spec.code)),
                Cell::text(a.spec.code.as_str()),
                Cell::text(lang.t(&format!("console-audience-{}", a.spec.audience.as_str()))),
                Cell::text(lang.t(&format!("console-stage-{}", a.spec.lifecycle.stage.as_str()))),
            ]
        })
        .collect();
    let mut view = Page::new(ctx.frame(agency.spec.name.as_str()), agency.spec.name.as_str());
    view.lead = Some(agency.spec.description.as_str().to_owned()).filter(|d| !d.is_empty());
    view.facts = vec![
        Fact::new(ctx.t("console-col-code"), agency.spec.code.as_str()),
        Fact::new(ctx.t("console-col-government"), agency.spec.government.as_str()),
        Fact::new(
            ctx.t("console-col-updated"),
            format::date(lang, agency.meta.updated_at),
        ),
    ];
    if ctx.who.principal.can_manage_platform() {
        view.actions.push(Link::new(
            format!("{}/ubah", agency_href(&code)),
            ctx.t("console-agency-edit"),
        ));
    }
    if ctx.who.principal.can_write_agency(&code) {
        view.actions.push(Link::new(
            format!("{}/aplikasi/baru", agency_href(&code)),
            ctx.t("console-new-application"),
        ));
    }
    view.actions.push(Link::new(
        super::public_services::list_href(&code),
        ctx.t("console-public-services-title"),
    ));
    view.tables.push(Table {
        caption: ctx.t("console-applications-title"),
        head: vec![
            ctx.t("console-col-name"),
            ctx.t("console-col-code"),
            ctx.t("console-col-audience"),
            ctx.t("console-col-stage"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &view)
}

/// `GET …/aplikasi/{application}`: the application and its services.
pub async fn application(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application)): Path<(String, String)>,
) -> Response {
    let Some([agency, code]) = codes([&agency, &application]) else {
        return ctx.not_found();
    };
    let caller = ctx.who.caller();
    let path = extract::Path((agency.clone(), code.clone()));
    let app =
        match api::applications::get_application(State(state.clone()), caller.clone(), path.clone()).await {
            Ok(a) => a.into_parts().1,
            Err(e) => return ctx.fail(&e),
        };
    let query = extract::Query(api::services::ServiceQuery::default());
    let services = match api::services::list_services(State(state), caller, path, query).await {
        Ok(p) => p.0,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let rows = services
        .items
        .iter()
        .map(|s| {
            let key = ServiceRef {
                agency: agency.clone(),
                application: code.clone(),
                service: s.spec.code.clone(),
            };
            vec![
                Cell::link(s.spec.name.as_str(), service_href(&key)),
                Cell::text(s.spec.code.as_str()),
                Cell::text(lang.t(&format!("console-visibility-{}", visibility(s.spec.visibility)))),
                Cell::text(s.spec.upstream_url.as_str()),
            ]
        })
        .collect();
    let spec = &app.spec;
    let mut view = Page::new(ctx.frame(spec.name.as_str()), spec.name.as_str());
    view.lead = Some(spec.description.as_str().to_owned()).filter(|d| !d.is_empty());
    view.facts = vec![
        Fact::new(ctx.t("console-col-agency"), agency.as_str()),
        Fact::new(ctx.t("console-col-code"), spec.code.as_str()),
        Fact::new(
            ctx.t("console-col-audience"),
            lang.t(&format!("console-audience-{}", spec.audience.as_str())),
        ),
        Fact::new(
            ctx.t("console-col-stage"),
            lang.t(&format!("console-stage-{}", spec.lifecycle.stage.as_str())),
        ),
        Fact::new(
            ctx.t("console-field-business_owner"),
            spec.business_owner.as_str(),
        ),
        Fact::new(
            ctx.t("console-field-technical_contact"),
            spec.technical_contact.as_str(),
        ),
        Fact::new(
            ctx.t("console-field-web_upstream"),
            spec.web_upstream.as_ref().map_or_else(
                || ctx.t("console-web-app-none"),
                |u| format!("{} → {}", crate::webapp::href(&agency, &code), u.as_str()),
            ),
        ),
        Fact::new(
            ctx.t("console-col-updated"),
            format::date(lang, app.meta.updated_at),
        ),
    ];
    if ctx.who.principal.can_write_agency(&agency) {
        let base = application_href(&agency, &code);
        view.actions
            .push(Link::new(format!("{base}/ubah"), ctx.t("console-edit")));
        view.actions.push(Link::new(
            format!("{base}/layanan/baru"),
            ctx.t("console-new-service"),
        ));
        view.actions
            .push(Link::new(format!("{base}/hapus"), ctx.t("console-delete")));
    }
    view.actions.push(Link::new(
        super::credentials::list_href(&agency, &code),
        ctx.t("console-credentials-title"),
    ));
    view.actions
        .push(Link::new(agency_href(&agency), ctx.t("console-back-agency")));
    view.tables.push(Table {
        caption: ctx.t("console-services-title"),
        head: vec![
            ctx.t("console-col-name"),
            ctx.t("console-col-code"),
            ctx.t("console-col-visibility"),
            ctx.t("console-field-upstream_url"),
        ],
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    });
    render(StatusCode::OK, &view)
}

pub(super) fn visibility(v: wadah_domain::service::Visibility) -> &'static str {
    match v {
        wadah_domain::service::Visibility::Public => "public",
        wadah_domain::service::Visibility::Internal => "internal",
    }
}

/// `GET …/layanan/{service}`: one service.
pub async fn service(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((agency, application, service)): Path<(String, String, String)>,
) -> Response {
    let Some([agency, application, code]) = codes([&agency, &application, &service]) else {
        return ctx.not_found();
    };
    let path = extract::Path((agency.clone(), application.clone(), code.clone()));
    let s = match api::services::get_service(State(state), ctx.who.caller(), path).await {
        Ok(s) => s.into_parts().1,
        Err(e) => return ctx.fail(&e),
    };
    let lang = ctx.lang;
    let spec = &s.spec;
    let mut view = Page::new(ctx.frame(spec.name.as_str()), spec.name.as_str());
    view.lead = Some(spec.description.as_str().to_owned()).filter(|d| !d.is_empty());
    let gateway_path = format!("/{agency}/{application}/{code}/");
    view.facts = vec![
        Fact::new(ctx.t("console-col-code"), spec.code.as_str()),
        Fact::new(ctx.t("console-gateway-path"), gateway_path),
        Fact::new(ctx.t("console-field-upstream_url"), spec.upstream_url.as_str()),
        Fact::new(
            ctx.t("console-col-visibility"),
            lang.t(&format!("console-visibility-{}", visibility(spec.visibility))),
        ),
        Fact::new(
            ctx.t("console-field-timeout_ms"),
            format::integer(lang, u64::from(spec.timeout_ms)),
        ),
        Fact::new(
            ctx.t("console-field-default_limit_per_minute"),
            format::integer(lang, u64::from(spec.default_limit_per_minute)),
        ),
        Fact::new(
            ctx.t("console-openapi"),
            ctx.t(if spec.openapi.is_some() {
                "console-yes"
            } else {
                "console-no"
            }),
        ),
        Fact::new(
            ctx.t("console-col-updated"),
            format::date(lang, s.meta.updated_at),
        ),
    ];
    if ctx.who.principal.can_write_agency(&agency) {
        let key = ServiceRef {
            agency: agency.clone(),
            application: application.clone(),
            service: code.clone(),
        };
        view.actions.push(Link::new(
            format!("{}/ubah", service_href(&key)),
            ctx.t("console-edit"),
        ));
        view.actions.push(Link::new(
            format!("{}/openapi", service_href(&key)),
            ctx.t("console-openapi-title"),
        ));
        view.actions.push(Link::new(
            format!("{}/hapus", service_href(&key)),
            ctx.t("console-delete"),
        ));
    }
    let key = ServiceRef {
        agency: agency.clone(),
        application: application.clone(),
        service: code.clone(),
    };
    view.actions.push(Link::new(
        super::rights::list_href(&key),
        ctx.t("console-rights-title"),
    ));
    view.actions.push(Link::new(
        super::upstream::href(&key),
        ctx.t("console-upstream-title"),
    ));
    view.actions.push(Link::new(
        application_href(&agency, &application),
        ctx.t("console-back-application"),
    ));
    render(StatusCode::OK, &view)
}
