//! The public portal's pages. Handlers read the catalogue ([`super::catalog`]) or the store's
//! read traits, build a view (plain strings, already in the reader's language), and render an
//! askama template; no SQL and no business rule lives here.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use wadah_domain::Code;
use wadah_domain::application::Audience;
use wadah_domain::public_service::PublicService;
use wadah_store::{PageRequest, PublicServiceFilter, StoreError};

use super::catalog::{Catalog, CatalogCache};
use super::i18n::{self, Lang};
use super::layout::Layout;
use super::search;
use crate::state::AppState;

/// Longest search text read, in characters; the rest is ignored.
pub const MAX_QUERY_CHARS: usize = 100;
/// Most exact hits shown.
const MAX_HITS: u32 = 100;
/// Card descriptions are cut to this many characters.
const CARD_CHARS: usize = 180;

/// A link with a label (topics, agencies), and how many services are behind it.
#[derive(Debug)]
pub struct NavLink {
    pub href: String,
    pub label: String,
    pub count: String,
}

/// A service in a list.
#[derive(Debug)]
pub struct Card {
    pub href: String,
    pub name: String,
    pub agency: String,
    pub description: String,
    pub sample: bool,
    /// The last check of its online link failed ([`super::link_status`]).
    pub broken: bool,
}

/// Cards under an optional heading (an agency on the home page).
#[derive(Debug)]
pub struct Group {
    pub heading: Option<NavLink>,
    pub cards: Vec<Card>,
}

#[derive(Template)]
#[template(path = "portal/catalog.html")]
struct CatalogPage {
    page: Layout,
    heading: String,
    intro: Option<String>,
    query: String,
    summary: String,
    note: Option<String>,
    empty: Option<String>,
    groups: Vec<Group>,
    topics: Vec<NavLink>,
    agencies: Vec<NavLink>,
}

#[derive(Template)]
#[template(path = "portal/message.html")]
struct MessagePage {
    page: Layout,
    heading: String,
    text: String,
}

pub(crate) fn html(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            )],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "a portal template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

pub(crate) fn here(uri: &OriginalUri) -> String {
    uri.path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned())
}

/// The 404 page, in the reader's language.
pub fn not_found(lang: Lang, here: &str) -> Response {
    let page = MessagePage {
        page: Layout::new(lang, lang.t("not-found-title"), here),
        heading: lang.t("not-found-title"),
        text: lang.t("not-found-text"),
    };
    html(StatusCode::NOT_FOUND, &page)
}

pub(crate) fn unavailable(lang: Lang, here: &str, error: &StoreError) -> Response {
    tracing::error!(error = %error, "the portal could not read the registry");
    let page = MessagePage {
        page: Layout::new(lang, lang.t("error-title"), here),
        heading: lang.t("error-title"),
        text: lang.t("error-text"),
    };
    html(StatusCode::SERVICE_UNAVAILABLE, &page)
}

pub(crate) fn topic_label(lang: Lang, topic: &Code) -> String {
    lang.try_t(&format!("topic-{topic}")).unwrap_or_else(|| {
        let words = topic.as_str().replace('-', " ");
        let mut chars = words.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    })
}

fn card(catalog: &Catalog, s: &PublicService) -> Card {
    let description = s.spec.description.as_str();
    let description = match description.char_indices().nth(CARD_CHARS) {
        Some((cut, _)) => format!("{}…", description[..cut].trim_end()),
        None => description.to_owned(),
    };
    Card {
        href: format!("/layanan/{}/{}", s.agency, s.spec.code),
        name: s.spec.name.as_str().to_owned(),
        agency: catalog.agency_name(&s.agency).to_owned(),
        description,
        sample: s.spec.sample,
        broken: false,
    }
}

/// The services grouped by agency, in catalogue order.
fn by_agency<'a>(
    lang: Lang,
    catalog: &Catalog,
    services: impl Iterator<Item = &'a PublicService>,
) -> Vec<Group> {
    let mut groups: Vec<(Code, Group)> = Vec::new();
    for s in services {
        match groups.last_mut() {
            Some((code, group)) if code == &s.agency => group.cards.push(card(catalog, s)),
            _ => groups.push((
                s.agency.clone(),
                Group {
                    heading: Some(NavLink {
                        href: format!("/instansi/{}", s.agency),
                        label: catalog.agency_name(&s.agency).to_owned(),
                        count: String::new(),
                    }),
                    cards: vec![card(catalog, s)],
                },
            )),
        }
    }
    for (_, g) in &mut groups {
        if let Some(h) = g.heading.as_mut() {
            h.count = lang.t_count("services-count", g.cards.len());
        }
    }
    groups.into_iter().map(|(_, g)| g).collect()
}

fn topic_links(lang: Lang, catalog: &Catalog) -> Vec<NavLink> {
    let mut links: Vec<NavLink> = catalog
        .topics()
        .into_iter()
        .map(|(topic, n)| NavLink {
            href: format!("/topik/{topic}"),
            label: topic_label(lang, topic),
            count: lang.t_count("services-count", n),
        })
        .collect();
    links.sort_by(|a, b| a.label.cmp(&b.label));
    links
}

fn agency_links(lang: Lang, catalog: &Catalog) -> Vec<NavLink> {
    catalog
        .agencies
        .iter()
        .filter_map(|(code, name)| {
            let n = catalog.services.iter().filter(|s| &s.agency == code).count();
            (n > 0).then(|| NavLink {
                href: format!("/instansi/{code}"),
                label: name.clone(),
                count: lang.t_count("services-count", n),
            })
        })
        .collect()
}

fn catalog_page(lang: Lang, catalog: &Catalog, here: &str, heading: String) -> CatalogPage {
    CatalogPage {
        page: Layout::new(lang, heading.clone(), here),
        heading,
        intro: None,
        query: String::new(),
        summary: String::new(),
        note: None,
        empty: None,
        groups: Vec::new(),
        topics: topic_links(lang, catalog),
        agencies: agency_links(lang, catalog),
    }
}

/// `GET /`: every public service, grouped by agency, with search and browsing.
pub async fn home(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<CatalogCache>>,
    lang: Lang,
    uri: OriginalUri,
) -> Response {
    let here = here(&uri);
    let catalog = match cache.get(state.store()).await {
        Ok(c) => c,
        Err(e) => return unavailable(lang, &here, &e),
    };
    let mut page = catalog_page(lang, &catalog, &here, lang.t("home-title"));
    page.page.title = lang.t("site-name");
    page.intro = Some(lang.t("home-intro"));
    page.summary = lang.t_count("services-count", catalog.services.len());
    page.groups = by_agency(lang, &catalog, catalog.services.iter());
    super::link_status::mark(&state, &catalog, &mut page.groups).await;
    html(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    q: String,
}

/// `GET /cari?q=`: the search ([`super::search`] says how it ranks and forgives typos).
pub async fn find(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<CatalogCache>>,
    lang: Lang,
    uri: OriginalUri,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Response {
    let here = here(&uri);
    let raw = params.map(|Query(p)| p.q).unwrap_or_default();
    let query: String = raw.trim().chars().take(MAX_QUERY_CHARS).collect();
    if query.is_empty() {
        return Redirect::to("/").into_response();
    }
    let catalog = match cache.get(state.store()).await {
        Ok(c) => c,
        Err(e) => return unavailable(lang, &here, &e),
    };
    let heading = lang.t_args("search-results-title", &[("query", &query)]);
    let mut page = catalog_page(lang, &catalog, &here, heading);
    page.query = query.clone();
    let filter = PublicServiceFilter {
        audience: Some(Audience::Public),
        ..PublicServiceFilter::default()
    };
    let request = PageRequest {
        q: Some(query.clone()),
        ..PageRequest::first(MAX_HITS)
    };
    let mut hits = match state.store().list_public_services(&filter, &request).await {
        Ok(p) => p.items,
        Err(StoreError::InvalidState(_)) => {
            page.empty = Some(lang.t("search-too-long"));
            return html(StatusCode::OK, &page);
        }
        Err(e) => return unavailable(lang, &here, &e),
    };
    let cards: Vec<Card> = if hits.is_empty() {
        let near = search::tolerant(&catalog, &query);
        if !near.is_empty() {
            page.note = Some(lang.t("search-fuzzy-note"));
        }
        near.into_iter().map(|s| card(&catalog, s)).collect()
    } else {
        search::rank_exact(&query, &mut hits);
        hits.iter().map(|s| card(&catalog, s)).collect()
    };
    if cards.is_empty() {
        page.empty = Some(lang.t_args("search-none", &[("query", &query)]));
    } else {
        page.summary = lang.t_count("search-results-count", cards.len());
        page.groups = vec![Group { heading: None, cards }];
    }
    super::link_status::mark(&state, &catalog, &mut page.groups).await;
    html(StatusCode::OK, &page)
}

/// `GET /topik/{topic}`: the services under a topic or life event, by agency.
pub async fn topic(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<CatalogCache>>,
    lang: Lang,
    uri: OriginalUri,
    Path(topic): Path<String>,
) -> Response {
    let here = here(&uri);
    let Ok(topic) = Code::parse(&topic) else {
        return not_found(lang, &here);
    };
    let catalog = match cache.get(state.store()).await {
        Ok(c) => c,
        Err(e) => return unavailable(lang, &here, &e),
    };
    let services: Vec<&PublicService> = catalog
        .services
        .iter()
        .filter(|s| s.spec.topics.contains(&topic))
        .collect();
    if services.is_empty() {
        return not_found(lang, &here);
    }
    let label = topic_label(lang, &topic);
    let mut page = catalog_page(
        lang,
        &catalog,
        &here,
        lang.t_args("topic-title", &[("topic", &label)]),
    );
    page.summary = lang.t_count("services-count", services.len());
    page.groups = by_agency(lang, &catalog, services.into_iter());
    super::link_status::mark(&state, &catalog, &mut page.groups).await;
    html(StatusCode::OK, &page)
}

/// `GET /instansi/{agency}`: one agency's public services.
pub async fn agency(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<CatalogCache>>,
    lang: Lang,
    uri: OriginalUri,
    Path(agency): Path<String>,
) -> Response {
    let here = here(&uri);
    let Ok(agency) = Code::parse(&agency) else {
        return not_found(lang, &here);
    };
    let catalog = match cache.get(state.store()).await {
        Ok(c) => c,
        Err(e) => return unavailable(lang, &here, &e),
    };
    let Some(name) = catalog.agencies.get(&agency) else {
        return not_found(lang, &here);
    };
    let cards: Vec<Card> = catalog
        .services
        .iter()
        .filter(|s| s.agency == agency)
        .map(|s| card(&catalog, s))
        .collect();
    let mut page = catalog_page(
        lang,
        &catalog,
        &here,
        lang.t_args("agency-title", &[("agency", name)]),
    );
    page.summary = lang.t_count("services-count", cards.len());
    page.groups = vec![Group { heading: None, cards }];
    super::link_status::mark(&state, &catalog, &mut page.groups).await;
    html(StatusCode::OK, &page)
}

#[derive(Debug, Deserialize)]
pub struct SwitchParams {
    #[serde(default)]
    kembali: String,
}

/// `GET /bahasa/{lang}?kembali=/path`: remembers the language in a cookie for a year and goes
/// back to the page. A plain link, so it works without JavaScript; only local paths are
/// followed (`//host` and absolute URLs go to `/`), so it cannot be used as an open redirect.
pub async fn switch_language(
    Path(tag): Path<String>,
    params: Result<Query<SwitchParams>, QueryRejection>,
    uri: OriginalUri,
) -> Response {
    let Some(lang) = Lang::from_tag(&tag).filter(|l| l.tag() == tag) else {
        return not_found(Lang::default(), &here(&uri));
    };
    let back = params.map(|Query(p)| p.kembali).unwrap_or_default();
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains(['\\', '\r', '\n'])
        && back.len() <= 2048;
    let target = if local { back } else { "/".to_owned() };
    let cookie = format!(
        "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly",
        i18n::COOKIE,
        lang.tag()
    );
    let mut response = Redirect::to(&target).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().insert(header::SET_COOKIE, v);
    }
    response
}
