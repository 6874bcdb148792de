//! One element: its facts, the relations it starts and those that reach it (with the kind
//! and name of the element at the other end), the RPJMD goals it serves and the roadmap items
//! that change it; for its agency's admins, the edit and delete buttons and a form to relate
//! it to another element. A refused relation comes back on this page with what was typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use wadah_domain::Code;
use wadah_domain::architecture::{Element, ElementKey, ElementKind, Period, Relation, RelationKind};
use wadah_store::{ArchRelationFilter, PageRequest};

use super::elements::owner;
use super::{base_href, element_href, kind_label, list_href, may_write, period_of};
use crate::api;
use crate::console::Ctx;
use crate::console::registry::codes;
use crate::console::view::{Fact, Field, Frame, Link, render};
use crate::extract;
use crate::portal::Lang;
use crate::portal::format::integer;
use crate::state::AppState;

/// Relations one element page lists at most (an element has a handful).
const MAX_RELATIONS: usize = 500;

pub struct RelationRow {
    pub relation: String,
    pub other: String,
    pub href: Option<String>,
    pub kind: String,
    pub name: String,
    pub remove: Option<String>,
    pub remove_label: String,
}

pub struct Group {
    pub id: &'static str,
    pub heading: String,
    pub rows: Vec<RelationRow>,
    pub removable: bool,
}

/// The add-relation form, as typed.
pub struct RelationForm {
    pub action: String,
    pub fields: Vec<Field>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/architecture/element.html")]
struct ElementPage {
    frame: Frame,
    heading: String,
    notice: Option<String>,
    back: Link,
    facts: Vec<Fact>,
    edit: Option<Link>,
    delete_action: String,
    csrf: String,
    groups: Vec<Group>,
    relation: Option<RelationForm>,
}

/// The relation form's fields with the values typed (or the defaults).
pub fn relation_fields(lang: Lang, kind: &str, agency: &str, code: &str) -> Vec<Field> {
    let kinds = RelationKind::ALL
        .into_iter()
        .map(|k| (k.as_str().to_owned(), lang.t(&format!("arch-rel-{}", k.as_str()))))
        .collect();
    vec![
        Field::new("jenis", lang.t("arch-col-relation"), "select", kind).options(kinds),
        Field::new("instansi", lang.t("arch-target-agency"), "text", agency)
            .required()
            .max(64),
        Field::new("kode", lang.t("arch-target-code"), "text", code)
            .required()
            .max(64),
    ]
}

/// A value of the element's details as the reader reads it.
fn detail_value(lang: Lang, name: &str, v: &Value) -> String {
    match v {
        Value::String(s) => lang
            .try_t(&format!("arch-value-{s}"))
            .unwrap_or_else(|| s.clone()),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if name == "budget" => items
            .iter()
            .map(|line| {
                let rupiah = line["rupiah"].as_u64().unwrap_or(0);
                format!("{}: Rp {}", line["year"], integer(lang, rupiah))
            })
            .collect::<Vec<_>>()
            .join("; "),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("; "),
        Value::Null => "–".to_owned(),
        other => other.to_string(),
    }
}

fn facts(ctx: &Ctx, e: &Element) -> Vec<Fact> {
    let lang = ctx.lang;
    let mut out = vec![
        Fact::new(ctx.t("arch-col-kind"), kind_label(lang, e.spec.kind())),
        Fact::new(ctx.t("arch-col-code"), e.spec.code.to_string()),
        Fact::new(ctx.t("console-col-agency"), e.agency.to_string()),
        Fact::new(ctx.t("arch-period"), e.period.to_string()),
        Fact::new(
            ctx.t("arch-col-ref"),
            e.spec.ref_code.as_ref().map_or("–", |r| r.as_str()),
        ),
        Fact::new(
            ctx.t("arch-col-parent"),
            e.spec.parent.as_ref().map_or("–".to_owned(), ToString::to_string),
        ),
        Fact::new(ctx.t("arch-col-owner"), owner(ctx, e.spec.owner.as_str())),
    ];
    if !e.spec.description.as_str().is_empty() {
        out.push(Fact::new(
            ctx.t("arch-col-description"),
            e.spec.description.as_str(),
        ));
    }
    if let Ok(Value::Object(details)) = serde_json::to_value(&e.spec.details) {
        for (name, v) in &details {
            if name == "kind" {
                continue;
            }
            let label = lang
                .try_t(&format!("arch-field-{name}"))
                .unwrap_or_else(|| name.clone());
            out.push(Fact::new(label, detail_value(lang, name, v)));
        }
    }
    out
}

async fn relations(state: &AppState, period: Period, e: &Element) -> Vec<Relation> {
    let filter = ArchRelationFilter {
        period: Some(period),
        agency: None,
        element: Some(wadah_domain::architecture::ElementRef {
            agency: e.agency.clone(),
            code: e.spec.code.clone(),
        }),
    };
    let mut out = Vec::new();
    let mut page = PageRequest::first(wadah_store::MAX_PAGE_SIZE);
    while let Ok(got) = state.store().list_arch_relations(&filter, &page).await {
        out.extend(got.items);
        match got.next {
            Some(next) if out.len() < MAX_RELATIONS => page.after = Some(next),
            _ => break,
        }
    }
    out
}

/// The element at the other end, when the reader may see it.
async fn other(state: &AppState, ctx: &Ctx, period: Period, agency: &Code, code: &Code) -> Option<Element> {
    let path = extract::Path((period, agency.clone(), code.clone()));
    api::architecture::elements::get_element(State(state.clone()), ctx.who.caller(), path)
        .await
        .ok()
        .map(|t| t.into_parts().1)
}

async fn groups(state: &AppState, ctx: &Ctx, e: &Element) -> Vec<Group> {
    let lang = ctx.lang;
    let period = e.period;
    let me = (e.agency.clone(), e.spec.code.clone());
    let (mut out_rows, mut in_rows, mut goal_rows, mut roadmap_rows) = (vec![], vec![], vec![], vec![]);
    for r in relations(state, period, e).await {
        let outgoing = (r.spec.source.agency.clone(), r.spec.source.code.clone()) == me;
        let end = if outgoing { &r.spec.target } else { &r.spec.source };
        let found = other(state, ctx, period, &end.agency, &end.code).await;
        let kind = found.as_ref().map(|o| o.spec.kind());
        let remove = may_write(ctx, &r.spec.source.agency).then(|| {
            format!(
                "{}/relasi/{}/hapus",
                base_href(period),
                crate::portal::layout::encode_component(&r.id)
            )
        });
        let row = RelationRow {
            relation: lang.t(&format!("arch-rel-{}", r.spec.kind.as_str())),
            other: end.to_string(),
            href: found
                .as_ref()
                .map(|o| element_href(period, &o.agency, &o.spec.code)),
            kind: kind.map_or_else(|| "–".to_owned(), |k| kind_label(lang, k)),
            name: found
                .as_ref()
                .map_or_else(String::new, |o| o.spec.name.as_str().to_owned()),
            remove,
            remove_label: lang.t_args("arch-remove-label", &[("relation", &r.spec.key())]),
        };
        match (outgoing, r.spec.kind, kind) {
            (true, RelationKind::Realization, Some(ElementKind::Goal)) => goal_rows.push(row),
            (false, RelationKind::Realization, Some(ElementKind::RoadmapItem)) => roadmap_rows.push(row),
            (true, _, _) => out_rows.push(row),
            (false, _, _) => in_rows.push(row),
        }
    }
    let group = |id, key: &str, rows: Vec<RelationRow>| Group {
        id,
        heading: lang.t(key),
        removable: rows.iter().any(|r| r.remove.is_some()),
        rows,
    };
    vec![
        group("keluar", "arch-relations-out", out_rows),
        group("masuk", "arch-relations-in", in_rows),
        group("tujuan", "arch-goals-served", goal_rows),
        group("peta", "arch-roadmap-items", roadmap_rows),
    ]
}

/// The page of `e`, with the relation form as given (`None`: blank).
pub async fn page(
    state: &AppState,
    ctx: &Ctx,
    e: &Element,
    relation: Option<RelationForm>,
    notice: Option<String>,
) -> Response {
    let period = e.period;
    let href = element_href(period, &e.agency, &e.spec.code);
    let writer = may_write(ctx, &e.agency);
    let status = if relation
        .as_ref()
        .is_some_and(|r| r.error.is_some() || r.fields.iter().any(|f| f.error.is_some()))
    {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let relation = relation.or_else(|| {
        writer.then(|| RelationForm {
            action: format!("{href}/relasi"),
            fields: relation_fields(ctx.lang, "serving", e.agency.as_str(), ""),
            error: None,
        })
    });
    let view = ElementPage {
        frame: ctx.frame(e.spec.name.as_str()),
        heading: e.spec.name.as_str().to_owned(),
        notice,
        back: Link::new(
            list_href(period, e.spec.kind(), Some(&e.agency)),
            ctx.t("arch-back-to-list"),
        ),
        facts: facts(ctx, e),
        edit: writer.then(|| Link::new(format!("{href}/ubah"), ctx.t("arch-edit-element"))),
        delete_action: format!("{href}/hapus"),
        csrf: ctx.who.csrf_token().to_owned(),
        groups: groups(state, ctx, e).await,
        relation: if writer { relation } else { None },
    };
    render(status, &view)
}

/// `GET …/instansi/{agency}/elemen/{code}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((period, agency, code)): Path<(String, String, String)>,
) -> Response {
    let (Some(period), Some([agency, code])) = (period_of(&period), codes([&agency, &code])) else {
        return ctx.not_found();
    };
    let key = ElementKey { agency, period, code };
    match load(&state, &ctx, &key).await {
        Ok(e) => page(&state, &ctx, &e, None, None).await,
        Err(e) => ctx.fail(&e),
    }
}

/// The element through the API's read (404 when hidden).
pub async fn load(state: &AppState, ctx: &Ctx, key: &ElementKey) -> Result<Element, crate::error::ApiError> {
    let path = extract::Path((key.period, key.agency.clone(), key.code.clone()));
    api::architecture::elements::get_element(State(state.clone()), ctx.who.caller(), path)
        .await
        .map(|t| t.into_parts().1)
}
