//! `/api/v1/integration-map`: which applications call which services, from two sources side
//! by side — the traffic the evidence index saw in the window, and the access rights granted.
//! A link with traffic but no right today is possible (the right was revoked or expired since),
//! and so is a right nobody uses; the map shows both, marked.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;
use wadah_domain::access::AccessRight;
use wadah_store::{AccessFilter, PageRequest};

use super::summary::{ServiceKey, summarise};
use super::{TrafficParams, Window, query};
use crate::api::access::involving;
use crate::api::prelude::*;

/// Rights read for one map at most (pages of the store's largest size).
const MAX_RIGHTS: usize = 5_000;

/// Query of the integration map.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MapParams {
    /// `24h` (default), `7d` or `30d`: the traffic counted on the links.
    pub window: Option<Window>,
    /// Only links where this agency consumes or provides.
    pub agency: Option<Code>,
}

/// A consumer on the map: an application, or a whole agency when a right was granted to all
/// its applications (`application` null).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, ToSchema)]
pub struct MapConsumer {
    pub agency: String,
    pub application: Option<String>,
}

/// One link: a consumer calling (or allowed to call) a service.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MapLink {
    pub consumer: MapConsumer,
    pub agency: String,
    pub application: String,
    pub service: String,
    /// Exchanges in the window.
    pub requests: u64,
    pub server_errors: u64,
    /// Whether a right that covers this link exists now.
    pub granted: bool,
}

/// The integration map of a window.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IntegrationMap {
    pub window: Window,
    pub links: Vec<MapLink>,
    /// More rights existed than one map reads; some granted links may be missing.
    pub truncated: bool,
}

/// Which applications call which services: traffic in the window and rights granted.
#[utoipa::path(get, path = "/api/v1/integration-map", tag = "audit",
    params(MapParams),
    responses(
        (status = 200, description = "The integration map", body = IntegrationMap),
        (status = 400, response = crate::openapi::BadRequest),
        (status = 401, response = crate::openapi::Unauthenticated),
        (status = 403, response = crate::openapi::Forbidden),
    ),
    security(("bearer" = [])))]
pub async fn integration_map(
    State(state): State<AppState>,
    caller: Caller,
    Query(params): Query<MapParams>,
) -> ApiResult<axum::Json<IntegrationMap>> {
    let window = params.window.unwrap_or_default();
    let traffic = TrafficParams {
        window: Some(window),
        agency: params.agency.clone(),
        service: None,
    };
    let query = query(&state, &caller, window, &traffic)?;
    let rows = state.store().traffic(&query).await.map_err(list_error)?;
    let summary = summarise(&rows, 0);
    let (rights, truncated) = rights(&state, &caller, params.agency).await?;

    let mut links: BTreeMap<(MapConsumer, ServiceKey), MapLink> = BTreeMap::new();
    for ((consumer, service), tally) in &summary.pairs {
        let who = MapConsumer {
            agency: consumer.0.clone(),
            application: Some(consumer.1.clone()),
        };
        let link = link(&mut links, who, service);
        link.requests += tally.requests;
        link.server_errors += tally.server_errors;
    }
    let granted: BTreeSet<(MapConsumer, ServiceKey)> = rights.iter().map(right_key).collect();
    for (who, service) in &granted {
        link(&mut links, who.clone(), service).granted = true;
    }
    // Traffic of an application under a right granted to its whole agency is covered too.
    for ((who, service), link) in &mut links {
        let agency_wide = MapConsumer {
            agency: who.agency.clone(),
            application: None,
        };
        link.granted |= granted.contains(&(agency_wide, service.clone()));
    }
    Ok(axum::Json(IntegrationMap {
        window,
        links: links.into_values().collect(),
        truncated,
    }))
}

fn link<'m>(
    links: &'m mut BTreeMap<(MapConsumer, ServiceKey), MapLink>,
    consumer: MapConsumer,
    service: &ServiceKey,
) -> &'m mut MapLink {
    links
        .entry((consumer.clone(), service.clone()))
        .or_insert_with(|| MapLink {
            consumer,
            agency: service.0.clone(),
            application: service.1.clone(),
            service: service.2.clone(),
            requests: 0,
            server_errors: 0,
            granted: false,
        })
}

fn right_key(r: &AccessRight) -> (MapConsumer, ServiceKey) {
    (
        MapConsumer {
            agency: r.spec.consumer.agency.as_str().to_owned(),
            application: r
                .spec
                .consumer
                .application
                .as_ref()
                .map(|a| a.as_str().to_owned()),
        },
        (
            r.spec.service.agency.as_str().to_owned(),
            r.spec.service.application.as_str().to_owned(),
            r.spec.service.service.as_str().to_owned(),
        ),
    )
}

/// The rights the caller may see (as `/api/v1/access-rights` lists them), unexpired.
async fn rights(
    state: &AppState,
    caller: &Caller,
    agency: Option<Code>,
) -> ApiResult<(Vec<AccessRight>, bool)> {
    let Some(involving) = involving(caller, agency) else {
        return Ok((Vec::new(), false));
    };
    let filter = AccessFilter {
        involving,
        ..AccessFilter::default()
    };
    let now = state.now();
    let mut all = Vec::new();
    let mut page = PageRequest::first(wadah_store::MAX_PAGE_SIZE);
    loop {
        let got = state
            .store()
            .list_rights(&filter, &page)
            .await
            .map_err(list_error)?;
        all.extend(
            got.items
                .into_iter()
                .filter(|r| r.spec.expires_at.is_none_or(|e| e > now)),
        );
        match got.next {
            Some(next) if all.len() < MAX_RIGHTS => page.after = Some(next),
            Some(_) => return Ok((all, true)),
            None => return Ok((all, false)),
        }
    }
}
