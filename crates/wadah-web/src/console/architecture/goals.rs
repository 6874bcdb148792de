//! The RPJMD goal tree of a period (misi → tujuan → sasaran → indikator kinerja) with, under
//! each goal, the architecture elements that realise it. Drawn as nested lists, so a screen
//! reader announces the depth; the tree is built in one pass over the model.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use wadah_domain::architecture::{
    ArchitectureModel, Details, ElementKind, ElementRef, ModelElement, Period, RelationKind,
};

use super::view::{ArchPage, Section};
use super::{element_href, kind_label, model, period_of, titled};
use crate::console::Ctx;
use crate::console::charts::esc;
use crate::console::view::render;
use crate::portal::Lang;
use crate::state::AppState;

fn key(e: &ModelElement) -> ElementRef {
    ElementRef {
        agency: e.agency.clone(),
        code: e.spec.code.clone(),
    }
}

/// The tree as nested `<ul>`s; `None` when the period has no goal.
pub fn tree_html(lang: Lang, period: Period, m: &ArchitectureModel) -> Option<String> {
    let goals: BTreeMap<ElementRef, &ModelElement> = m
        .elements
        .iter()
        .filter(|e| e.spec.kind() == ElementKind::Goal)
        .map(|e| (key(e), e))
        .collect();
    if goals.is_empty() {
        return None;
    }
    let mut children: BTreeMap<ElementRef, Vec<&ModelElement>> = BTreeMap::new();
    let mut roots = Vec::new();
    for e in goals.values() {
        let parent = e.spec.parent.as_ref().map(|p| ElementRef {
            agency: e.agency.clone(),
            code: p.clone(),
        });
        match parent.filter(|p| goals.contains_key(p)) {
            Some(p) => children.entry(p).or_default().push(e),
            None => roots.push(*e),
        }
    }
    let elements: BTreeMap<ElementRef, &ModelElement> = m.elements.iter().map(|e| (key(e), e)).collect();
    let mut served_by: BTreeMap<&ElementRef, Vec<&ElementRef>> = BTreeMap::new();
    for r in &m.relations {
        if r.spec.kind == RelationKind::Realization && goals.contains_key(&r.spec.target) {
            served_by.entry(&r.spec.target).or_default().push(&r.spec.source);
        }
    }
    let mut out = String::new();
    let ctx = Tree {
        lang,
        period,
        children: &children,
        served_by: &served_by,
        elements: &elements,
    };
    out.push_str("<ul class=\"goal-tree\">");
    for root in roots {
        ctx.item(&mut out, root, 0);
    }
    out.push_str("</ul>");
    Some(out)
}

struct Tree<'a> {
    lang: Lang,
    period: Period,
    children: &'a BTreeMap<ElementRef, Vec<&'a ModelElement>>,
    served_by: &'a BTreeMap<&'a ElementRef, Vec<&'a ElementRef>>,
    elements: &'a BTreeMap<ElementRef, &'a ModelElement>,
}

impl Tree<'_> {
    fn item(&self, out: &mut String, goal: &ModelElement, depth: usize) {
        let (level, target) = match &goal.spec.details {
            Details::Goal { level, target } => {
                (format!("{level:?}").to_lowercase(), target.as_str().to_owned())
            }
            _ => (String::new(), String::new()),
        };
        let _ = write!(
            out,
            r#"<li><span class="goal-level">{}</span> <a href="{}">{}</a>"#,
            esc(&self.lang.t(&format!("arch-value-{level}"))),
            esc(&element_href(self.period, &goal.agency, &goal.spec.code)),
            esc(goal.spec.name.as_str()),
        );
        if !target.is_empty() {
            let _ = write!(
                out,
                " — {}: {}",
                esc(&self.lang.t("arch-field-target")),
                esc(&target)
            );
        }
        let k = key(goal);
        if let Some(sources) = self.served_by.get(&k) {
            let _ = write!(
                out,
                r#"<ul class="served"><li>{}:<ul>"#,
                esc(&self.lang.t("arch-served-by"))
            );
            for s in sources {
                let label = match self.elements.get(*s) {
                    Some(e) => format!("{} ({}, {s})", e.spec.name, kind_label(self.lang, e.spec.kind())),
                    None => s.to_string(),
                };
                let _ = write!(
                    out,
                    r#"<li><a href="{}">{}</a></li>"#,
                    esc(&element_href(self.period, &s.agency, &s.code)),
                    esc(&label)
                );
            }
            out.push_str("</ul></li></ul>");
        }
        // The goal tree is four levels deep; the bound keeps a corrupt cycle from recursing.
        if let Some(kids) = self.children.get(&k).filter(|_| depth < 8) {
            out.push_str("<ul>");
            for kid in kids {
                self.item(out, kid, depth + 1);
            }
            out.push_str("</ul>");
        }
        out.push_str("</li>");
    }
}

/// `GET /console/arsitektur/{period}/tujuan`.
pub async fn show(State(state): State<AppState>, ctx: Ctx, Path(period): Path<String>) -> Response {
    let Some(period) = period_of(&period) else {
        return ctx.not_found();
    };
    let (m, _) = match model(&state, &ctx, period, None).await {
        Ok(m) => m,
        Err(e) => return ctx.fail(&e),
    };
    let title = titled(&ctx, "arch-goals-title", period);
    let mut page = ArchPage::new(&ctx, period, title, "tujuan");
    page.lead = Some(ctx.t("arch-goals-intro"));
    let mut section = Section::new("pohon", ctx.t("arch-goal-tree"));
    match tree_html(ctx.lang, period, &m) {
        Some(html) => section.html = Some(html),
        None => section.text = Some(ctx.t("arch-no-goals")),
    }
    page.sections.push(section);
    render(StatusCode::OK, &page)
}
