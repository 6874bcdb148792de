//! `GET /asn?q=&instansi=&tugas=`: the staff portal's one page. The filter is a plain form, so
//! it works without script; the reader's own agency is the first choice and comes first in
//! every group.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use wadah_domain::Code;

use super::launchpad::{self, Entry, Filter, Kind};
use crate::console::view::render;
use crate::portal::account::account;
use crate::portal::layout::Layout;
use crate::portal::{Lang, here, topic_label, unavailable};
use crate::session::SignedIn;
use crate::state::AppState;

/// Longest filter text read, in characters.
const MAX_QUERY_CHARS: usize = 100;

/// A choice of a `<select>`.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One entry as the page shows it.
#[derive(Debug)]
pub struct Item {
    pub name: String,
    pub kind: String,
    pub agency: String,
    pub own: bool,
    pub description: String,
    /// The launch link.
    pub url: Option<String>,
    /// How to reach it when there is no link.
    pub reach: String,
    /// For a service: the applications behind it.
    pub applications: String,
    pub sample: bool,
}

#[derive(Debug)]
pub struct Group {
    pub id: String,
    pub heading: String,
    pub count: String,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    page: Layout,
    query: String,
    agencies: Vec<Choice>,
    tasks: Vec<Choice>,
    summary: String,
    empty: Option<String>,
    groups: Vec<Group>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Params {
    #[serde(default)]
    q: String,
    #[serde(default)]
    instansi: String,
    #[serde(default)]
    tugas: String,
}

fn task_label(lang: Lang, task: &str) -> String {
    match Code::parse(task) {
        Ok(code) if task != launchpad::OTHER => topic_label(lang, &code),
        _ => lang.t("staff-task-other"),
    }
}

fn item(lang: Lang, pad: &launchpad::Launchpad, own: Option<&Code>, e: &Entry) -> Item {
    let reach = match (&e.url, e.kind) {
        (Some(_), _) => String::new(),
        (None, Kind::Service) if !e.office.is_empty() => {
            lang.t_args("staff-reach-office", &[("office", &e.office)])
        }
        (None, Kind::Application) if !e.contact.is_empty() => {
            lang.t_args("staff-reach-contact", &[("contact", &e.contact)])
        }
        (None, _) => lang.t("staff-reach-agency"),
    };
    Item {
        name: e.name.clone(),
        kind: lang.t(match e.kind {
            Kind::Service => "staff-kind-service",
            Kind::Application => "staff-kind-application",
        }),
        agency: pad
            .agencies
            .get(&e.agency)
            .cloned()
            .unwrap_or_else(|| e.agency.to_string()),
        own: own == Some(&e.agency),
        description: e.description.clone(),
        url: e.url.clone(),
        reach,
        applications: e.applications.join(", "),
        sample: e.sample,
    }
}

/// `GET /asn`.
pub async fn home(
    State(state): State<AppState>,
    who: SignedIn,
    lang: Lang,
    uri: OriginalUri,
    params: Result<Query<Params>, QueryRejection>,
) -> Response {
    let here = here(&uri);
    let params = params.map(|Query(p)| p).unwrap_or_default();
    let pad = match launchpad::load(state.store()).await {
        Ok(pad) => pad,
        Err(e) => return unavailable(lang, &here, &e),
    };
    let own = who.principal.agency.as_ref();
    let filter = Filter {
        query: params.q.trim().chars().take(MAX_QUERY_CHARS).collect(),
        agency: Code::parse(params.instansi.trim()).ok(),
        task: Some(params.tugas.trim().to_owned()).filter(|t| !t.is_empty() && t.len() <= 64),
    };
    let mut agencies = vec![Choice {
        value: String::new(),
        label: lang.t("staff-all-agencies"),
        selected: filter.agency.is_none(),
    }];
    // The reader's own agency is the first choice after "all".
    let mut codes: Vec<&Code> = pad.agencies.keys().collect();
    codes.sort_by_key(|c| (Some(*c) != own, pad.agencies.get(*c).cloned()));
    agencies.extend(codes.into_iter().map(|c| Choice {
        value: c.to_string(),
        label: pad.agencies.get(c).cloned().unwrap_or_default(),
        selected: filter.agency.as_ref() == Some(c),
    }));
    let mut tasks = vec![Choice {
        value: String::new(),
        label: lang.t("staff-all-tasks"),
        selected: filter.task.is_none(),
    }];
    tasks.extend(launchpad::tasks(&pad).into_iter().map(|t| Choice {
        label: task_label(lang, &t),
        selected: filter.task.as_deref() == Some(t.as_str()),
        value: t,
    }));
    let groups: Vec<Group> = launchpad::grouped(&pad, &filter, own)
        .into_iter()
        .map(|(task, entries)| Group {
            id: format!("tugas-{task}"),
            heading: task_label(lang, &task),
            count: lang.t_count("staff-count", entries.len()),
            items: entries.iter().map(|e| item(lang, &pad, own, e)).collect(),
        })
        .collect();
    let shown: usize = groups.iter().map(|g| g.items.len()).sum();
    let filtered = !filter.query.is_empty() || filter.agency.is_some() || filter.task.is_some();
    let empty = (shown == 0).then(|| {
        lang.t(if filtered {
            "staff-none-found"
        } else {
            "staff-none"
        })
    });
    let page = HomePage {
        page: Layout::new(lang, lang.t("staff-title"), &here).with_account(account(lang, &here, &who, 0)),
        query: filter.query.clone(),
        agencies,
        tasks,
        summary: lang.t_count("staff-count", shown),
        empty,
        groups,
    };
    render(StatusCode::OK, &page)
}
