//! The developer portal's handlers. They read the registry through the store's read role,
//! keep only what a consumer may see of a published service, and render askama templates.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use askama::Template;
use axum::Extension;
use axum::extract::rejection::QueryRejection;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use wadah_domain::Code;
use wadah_domain::service::{Classification, Service, ServiceRef, Visibility};
use wadah_store::{PageRequest, ServiceFilter, StoreError};

use super::openapi_view::{self, ApiView};
use super::signed;
use crate::pagination::{decode_cursor, encode_cursor};
use crate::portal::i18n::Lang;
use crate::portal::layout::{Layout, encode_component};
use crate::portal::{here, html, not_found, unavailable};
use crate::state::AppState;

/// Services per directory page.
const PAGE_SIZE: u32 = 50;
/// Longest search text read, in characters.
const MAX_QUERY_CHARS: usize = 100;
/// Rendered documents kept in memory (by service and version).
const CACHED_VIEWS: usize = 64;

/// A published service in the directory.
#[derive(Debug)]
pub struct Entry {
    pub href: String,
    pub name: String,
    /// `agency/application/service`: the gateway route.
    pub route: String,
    pub description: String,
    pub classification: String,
    pub has_openapi: bool,
}

#[derive(Debug)]
pub struct ApplicationGroup {
    pub name: String,
    pub code: String,
    pub services: Vec<Entry>,
}

#[derive(Debug)]
pub struct AgencyGroup {
    pub name: String,
    pub applications: Vec<ApplicationGroup>,
}

#[derive(Template)]
#[template(path = "developer/directory.html")]
struct DirectoryPage {
    page: Layout,
    query: String,
    summary: String,
    empty: Option<String>,
    agencies: Vec<AgencyGroup>,
    next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "developer/service.html")]
struct ServicePage {
    page: Layout,
    /// The access request form (sign-in first when needed).
    request_href: String,
    name: String,
    description: String,
    agency_name: String,
    application_name: String,
    classification: String,
    /// `{gateway}/{agency}/{application}/{service}`, or only the path when the gateway's
    /// address is unknown.
    base_url: String,
    token_url: String,
    document_href: Option<String>,
    api: Option<Arc<ApiView>>,
    /// `SIMPEG 1.0 · 2 operations`.
    operations_summary: String,
}

/// Rendered documents by `agency/application/service` and version: rendering a large document
/// takes milliseconds, reading a cached one nothing. Bounded; emptied when full.
#[derive(Debug, Default)]
pub struct ViewCache(Mutex<HashMap<(String, i64), Arc<ApiView>>>);

impl ViewCache {
    fn get(&self, service: &Service) -> Option<Arc<ApiView>> {
        let key = (service_path(service), service.meta.version);
        if let Ok(map) = self.0.lock()
            && let Some(view) = map.get(&key)
        {
            return Some(view.clone());
        }
        let tree = service.spec.openapi.as_ref()?.tree()?;
        let view = Arc::new(openapi_view::render(&tree));
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= CACHED_VIEWS {
                map.clear();
            }
            map.insert(key, view.clone());
        }
        Some(view)
    }
}

fn service_path(s: &Service) -> String {
    format!("{}/{}/{}", s.agency, s.application, s.spec.code)
}

fn classification(lang: Lang, c: Classification) -> String {
    lang.t(match c {
        Classification::Terbuka => "dev-class-terbuka",
        Classification::Terbatas => "dev-class-terbatas",
        Classification::Rahasia => "dev-class-rahasia",
    })
}

#[derive(Debug, Deserialize)]
pub struct DirectoryParams {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
}

/// `GET /developer`: published services, by agency and application, one page at a time.
pub async fn directory(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    headers: HeaderMap,
    params: Result<Query<DirectoryParams>, QueryRejection>,
) -> Response {
    let here = here(&uri);
    let (raw_q, cursor) = params.map(|Query(p)| (p.q, p.cursor)).unwrap_or_default();
    let query: String = raw_q.trim().chars().take(MAX_QUERY_CHARS).collect();
    let mut page = DirectoryPage {
        page: signed::public_layout(&state, lang, lang.t("dev-title"), &here, &uri.0, &headers).await,
        query: query.clone(),
        summary: String::new(),
        empty: None,
        agencies: Vec::new(),
        next_href: None,
    };
    let request = PageRequest {
        // A cursor that does not decode is a stale or edited link: start from the beginning.
        after: (!cursor.is_empty())
            .then(|| decode_cursor(&cursor).ok())
            .flatten(),
        q: (!query.is_empty()).then(|| query.clone()),
        ..PageRequest::first(PAGE_SIZE)
    };
    let filter = ServiceFilter {
        visibility: Some(Visibility::Public),
        agency: None,
    };
    let found = match state.store().search_services(&filter, &request).await {
        Ok(found) => found,
        Err(StoreError::InvalidState(_)) => {
            page.empty = Some(lang.t("search-too-long"));
            return signed::private_if_signed_in(html(StatusCode::OK, &page), &page.page);
        }
        Err(e) => return unavailable(lang, &here, &e),
    };
    page.next_href = found.next.as_deref().map(|next| {
        format!(
            "/developer?q={}&cursor={}",
            encode_component(&query),
            encode_cursor(next)
        )
    });
    if found.items.is_empty() {
        page.empty = Some(if query.is_empty() {
            lang.t("dev-none")
        } else {
            lang.t_args("search-none", &[("query", &query)])
        });
    } else {
        page.summary = lang.t_count("dev-services-count", found.items.len());
    }
    page.agencies = group(&state, lang, found.items).await;
    signed::private_if_signed_in(html(StatusCode::OK, &page), &page.page)
}

/// Groups a page of services (ordered by agency/application/service) under their agency's
/// and application's names.
async fn group(state: &AppState, lang: Lang, services: Vec<Service>) -> Vec<AgencyGroup> {
    let mut groups: Vec<AgencyGroup> = Vec::new();
    let mut last: Option<(Code, Code)> = None;
    for s in services {
        let same_agency = last.as_ref().is_some_and(|(a, _)| *a == s.agency);
        let same_app = same_agency && last.as_ref().is_some_and(|(_, p)| *p == s.application);
        if !same_agency {
            let name = match state.store().get_agency(&s.agency).await {
                Ok(a) => a.spec.name.as_str().to_owned(),
                Err(_) => s.agency.to_string(),
            };
            groups.push(AgencyGroup {
                name,
                applications: Vec::new(),
            });
        }
        if !same_app && let Some(g) = groups.last_mut() {
            let name = match state.store().get_application(&s.agency, &s.application).await {
                Ok(a) => a.spec.name.as_str().to_owned(),
                Err(_) => s.application.to_string(),
            };
            g.applications.push(ApplicationGroup {
                name,
                code: s.application.to_string(),
                services: Vec::new(),
            });
        }
        last = Some((s.agency.clone(), s.application.clone()));
        let entry = Entry {
            href: format!("/developer/{}", service_path(&s)),
            route: service_path(&s),
            name: s.spec.name.as_str().to_owned(),
            description: s.spec.description.as_str().to_owned(),
            classification: classification(lang, s.spec.classification),
            has_openapi: s.spec.openapi.is_some(),
        };
        if let Some(app) = groups.last_mut().and_then(|g| g.applications.last_mut()) {
            app.services.push(entry);
        }
    }
    groups
}

/// The published service at the path, or the response to give instead (404 for a missing or
/// unpublished service alike).
pub(super) async fn published(
    state: &AppState,
    lang: Lang,
    here: &str,
    (agency, application, service): (String, String, String),
) -> Result<Service, Response> {
    let (Ok(agency), Ok(application), Ok(service)) = (
        Code::parse(&agency),
        Code::parse(&application),
        Code::parse(&service),
    ) else {
        return Err(not_found(lang, here));
    };
    let reference = ServiceRef {
        agency,
        application,
        service,
    };
    match state.store().get_service(&reference).await {
        Ok(s) if s.spec.visibility == Visibility::Public => Ok(s),
        Ok(_) | Err(StoreError::NotFound { .. }) => Err(not_found(lang, here)),
        Err(e) => Err(unavailable(lang, here, &e)),
    }
}

/// `GET /developer/{agency}/{application}/{service}`: the service's API, how to call it.
pub async fn service(
    State(state): State<AppState>,
    Extension(cache): Extension<Arc<ViewCache>>,
    lang: Lang,
    uri: OriginalUri,
    headers: HeaderMap,
    Path(path): Path<(String, String, String)>,
) -> Response {
    let here = here(&uri);
    let s = match published(&state, lang, &here, path).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let agency_name = match state.store().get_agency(&s.agency).await {
        Ok(a) => a.spec.name.as_str().to_owned(),
        Err(_) => s.agency.to_string(),
    };
    let application_name = match state.store().get_application(&s.agency, &s.application).await {
        Ok(a) => a.spec.name.as_str().to_owned(),
        Err(_) => s.application.to_string(),
    };
    let gateway = state.config().gateway_url.trim_end_matches('/').to_owned();
    let route = service_path(&s);
    let mut page = ServicePage {
        page: signed::public_layout(&state, lang, s.spec.name.as_str(), &here, &uri.0, &headers).await,
        request_href: format!("/developer/{route}/akses"),
        name: s.spec.name.as_str().to_owned(),
        description: s.spec.description.as_str().to_owned(),
        agency_name,
        application_name,
        classification: classification(lang, s.spec.classification),
        base_url: format!("{gateway}/{route}"),
        token_url: format!("{gateway}/oauth2/token"),
        document_href: s
            .spec
            .openapi
            .is_some()
            .then(|| format!("/developer/{route}/openapi")),
        api: None,
        operations_summary: String::new(),
    };
    if let Some(api) = cache.get(&s) {
        page.operations_summary = format!(
            "{} {} · {}",
            api.title,
            api.version,
            lang.t_count("dev-operations-count", api.operation_count)
        );
        page.api = Some(api);
    }
    signed::private_if_signed_in(html(StatusCode::OK, &page), &page.page)
}

/// `GET /developer/{agency}/{application}/{service}/openapi`: the document, verbatim, as a
/// download (never rendered by the browser as a page of ours).
pub async fn document(
    State(state): State<AppState>,
    lang: Lang,
    uri: OriginalUri,
    Path(path): Path<(String, String, String)>,
) -> Response {
    let here = here(&uri);
    let s = match published(&state, lang, &here, path).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let Some(doc) = s.spec.openapi else {
        return not_found(lang, &here);
    };
    let (content_type, ext) = match doc.media_type() {
        "application/json" => ("application/json; charset=utf-8", "json"),
        _ => ("application/yaml; charset=utf-8", "yaml"),
    };
    let filename = format!(
        "attachment; filename=\"{}-{}-{}-openapi.{ext}\"",
        s.agency, s.application, s.spec.code
    );
    let mut response = (StatusCode::OK, String::from(doc)).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}
