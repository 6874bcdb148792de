//! The element list of a period: one domain (or all), one agency (or every agency the reader
//! may see), a search in codes and names, paged by the API's cursor.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use wadah_domain::Code;
use wadah_domain::architecture::ElementKind;

use super::view::{ArchPage, Section, table};
use super::{
    agency_param, base_href, element_href, kind_label, kinds_label, may_write, own_agency, period_of,
};
use crate::api;
use crate::codes::ErrorCode;
use crate::console::Ctx;
use crate::console::view::{Cell, Field, Link, SearchForm, render};
use crate::extract;
use crate::state::AppState;

/// The filters as typed.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    jenis: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    lanjut: Option<String>,
}

fn search(ctx: &Ctx, action: String, f: &Filters) -> SearchForm {
    let mut kinds = vec![(String::new(), ctx.t("arch-every-kind"))];
    kinds.extend(
        ElementKind::ALL
            .into_iter()
            .map(|k| (k.as_str().to_owned(), super::kinds_label(ctx.lang, k))),
    );
    SearchForm {
        action,
        fields: vec![
            Field::new("jenis", ctx.t("arch-col-kind"), "select", f.jenis.trim()).options(kinds),
            Field::new("instansi", ctx.t("console-col-agency"), "text", f.instansi.trim()).max(64),
            Field::new("q", ctx.t("arch-search"), "text", f.q.trim()).max(100),
        ],
        submit: ctx.t("console-dash-show"),
        error: None,
    }
}

/// `GET /console/arsitektur/{period}/elemen`.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(period): Path<String>,
    filters: Result<Query<Filters>, QueryRejection>,
) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let f = filters.map(|q| q.0).unwrap_or_default();
    let action = format!("{}/elemen", base_href(period));
    let kind = ElementKind::parse(f.jenis.trim());
    let heading = match kind {
        Some(k) => format!("{} · {period}", kinds_label(ctx.lang, k)),
        None => format!("{} · {period}", ctx.t("arch-elements")),
    };
    let mut page = ArchPage::new(&ctx, period, heading, "elemen");
    page.search = Some(search(&ctx, action.clone(), &f));
    let bad = |mut page: ArchPage| {
        if let Some(s) = page.search.as_mut() {
            s.error = Some(ctx.t("console-dash-bad-filter"));
        }
        render(StatusCode::BAD_REQUEST, &page)
    };
    if kind.is_none() && !f.jenis.trim().is_empty() {
        return bad(page);
    }
    let Ok(agency) = agency_param(Some(&f.instansi)) else {
        return bad(page);
    };
    // Another agency than one's own is a 404, as on the overview and the document.
    if crate::pagination::narrow(&ctx.who.caller().principal().agency_scope(), agency.clone()).is_none() {
        return ctx.not_found();
    }
    let query = api::architecture::elements::ElementQuery {
        agency: agency.clone(),
        kind,
        q: Some(f.q.trim().to_owned()).filter(|q| !q.is_empty()),
        cursor: f.lanjut.clone(),
        ..Default::default()
    };
    let got = api::architecture::elements::list_elements(
        State(state),
        ctx.who.caller(),
        extract::Path(period),
        extract::Query(query),
    )
    .await;
    let got = match got {
        Ok(p) => p.0,
        Err(e) if e.code() == ErrorCode::InvalidQuery => return bad(page),
        Err(e) => return ctx.fail(&e),
    };
    let rows = got
        .items
        .iter()
        .map(|e| {
            vec![
                Cell::link(
                    e.spec.code.to_string(),
                    element_href(period, &e.agency, &e.spec.code),
                ),
                Cell::text(e.spec.name.as_str()),
                Cell::text(kind_label(ctx.lang, e.spec.kind())),
                Cell::text(e.agency.to_string()),
                Cell::text(e.spec.ref_code.as_ref().map_or("–", |r| r.as_str())),
                Cell::text(owner(&ctx, e.spec.owner.as_str())),
            ]
        })
        .collect();
    let mut t = table(
        &ctx,
        ctx.t("arch-elements"),
        &[
            "arch-col-code",
            "arch-col-name",
            "arch-col-kind",
            "console-col-agency",
            "arch-col-ref",
            "arch-col-owner",
        ],
        rows,
    );
    let enc = crate::portal::layout::encode_component;
    t.more = got.next.map(|cursor| {
        Link::new(
            format!(
                "{action}?jenis={}&instansi={}&q={}&lanjut={}",
                enc(f.jenis.trim()),
                enc(f.instansi.trim()),
                enc(f.q.trim()),
                enc(&cursor)
            ),
            ctx.t("console-next-page"),
        )
    });
    page.sections
        .push(Section::new("daftar", ctx.t("arch-elements")).table(t));
    if let (Some(kind), Some(target)) = (kind, agency.or_else(|| own_agency(&ctx)))
        && may_write(&ctx, &target)
    {
        page.actions.push(new_link(&ctx, period, &target, kind));
    }
    render(StatusCode::OK, &page)
}

/// The "new element" link of a kind in an agency.
pub(super) fn new_link(
    ctx: &Ctx,
    period: wadah_domain::architecture::Period,
    agency: &Code,
    kind: ElementKind,
) -> Link {
    Link::new(
        format!(
            "{}/instansi/{agency}/elemen/baru?jenis={}",
            base_href(period),
            kind.as_str()
        ),
        ctx.lang.t_args(
            "arch-new-element",
            &[("kind", &kind_label(ctx.lang, kind)), ("agency", agency.as_str())],
        ),
    )
}

/// An owner, or the words for none (an orphan).
pub(super) fn owner(ctx: &Ctx, owner: &str) -> String {
    if owner.is_empty() {
        ctx.t("arch-no-owner")
    } else {
        owner.to_owned()
    }
}
