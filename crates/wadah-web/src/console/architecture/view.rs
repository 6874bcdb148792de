//! The architecture pages' one layout: a heading, the period's section tabs, an optional
//! filter form, facts, actions, and sections of tables, charts (server-drawn SVG) or a
//! pre-escaped fragment (the goal tree).

use askama::Template;
use wadah_domain::architecture::Period;

use super::base_href;
use crate::console::Ctx;
use crate::console::dashboard::Chart;
use crate::console::view::{Fact, Frame, Link, SearchForm, Table};

/// One `<section>` with its own heading.
pub struct Section {
    /// The heading's id suffix (unique on the page).
    pub id: String,
    pub heading: String,
    pub text: Option<String>,
    /// Markup built in Rust with every text escaped (`charts::esc`).
    pub html: Option<String>,
    pub charts: Vec<Chart>,
    pub tables: Vec<Table>,
}

impl Section {
    pub fn new(id: &str, heading: impl Into<String>) -> Self {
        Self {
            id: id.to_owned(),
            heading: heading.into(),
            text: None,
            html: None,
            charts: Vec::new(),
            tables: Vec::new(),
        }
    }

    pub fn table(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }
}

#[derive(Template)]
#[template(path = "console/architecture/page.html")]
pub struct ArchPage {
    pub frame: Frame,
    pub heading: String,
    pub notice: Option<String>,
    pub lead: Option<String>,
    pub tabs: Vec<Link>,
    pub search: Option<SearchForm>,
    pub facts: Vec<Fact>,
    pub actions: Vec<Link>,
    pub sections: Vec<Section>,
}

impl ArchPage {
    /// A page of `period` whose tab `current` (`""` for the overview) is marked.
    pub fn new(ctx: &Ctx, period: Period, heading: String, current: &str) -> Self {
        Self {
            frame: ctx.frame(heading.clone()),
            heading,
            notice: None,
            lead: None,
            tabs: tabs(ctx, period, current),
            search: None,
            facts: Vec::new(),
            actions: Vec::new(),
            sections: Vec::new(),
        }
    }
}

fn tabs(ctx: &Ctx, period: Period, current: &str) -> Vec<Link> {
    let base = base_href(period);
    [
        ("", "arch-tab-overview"),
        ("tujuan", "arch-tab-goals"),
        ("peta-rencana", "arch-tab-roadmap"),
        ("analisis", "arch-tab-analysis"),
        ("laporan", "arch-tab-report"),
        ("referensi", "arch-tab-reference"),
    ]
    .into_iter()
    .map(|(path, key)| Link {
        href: if path.is_empty() {
            base.clone()
        } else {
            format!("{base}/{path}")
        },
        label: ctx.t(key),
        current: path == current,
    })
    .chain(std::iter::once(Link {
        // The exchange page serves every period (its forms name one), so it sits outside them.
        href: "/console/arsitektur/pertukaran".to_owned(),
        label: ctx.t("arch-tab-exchange"),
        current: false,
    }))
    .collect()
}

/// An empty-or-not table with the console's "nothing here" text.
pub fn table(ctx: &Ctx, caption: String, head: &[&str], rows: Vec<Vec<crate::console::view::Cell>>) -> Table {
    Table {
        caption,
        head: head.iter().map(|k| ctx.t(k)).collect(),
        rows,
        empty: ctx.t("console-empty"),
        more: None,
    }
}
