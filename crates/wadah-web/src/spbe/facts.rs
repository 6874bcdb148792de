//! Gathers [`PlatformFacts`] from the store for the evidence suggestions: every agency of the
//! government, every application with its number of services, and the links between
//! applications (access rights, with the traffic of the last 90 days from the evidence index).
//!
//! Reads whole lists page by page; a deployment is one government (hundreds of applications),
//! and a bound on the pages keeps a runaway list from running forever.

use std::collections::BTreeMap;
use std::future::Future;

use wadah_domain::Code;
use wadah_domain::index::suggest::{AppFact, LinkFact, PlatformFacts};
use wadah_store::{
    AccessFilter, AgencyFilter, ApplicationFilter, Page, PageRequest, ServiceFilter, Store, StoreResult,
};

/// The traffic period the facts cover.
pub const PERIOD_DAYS: u32 = 90;
/// At most this many pages of 500 per list.
const MAX_PAGES: usize = 200;

async fn every<T, F, Fut>(mut fetch: F) -> StoreResult<Vec<T>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = StoreResult<Page<T>>>,
{
    let mut out = Vec::new();
    let mut after = None;
    for _ in 0..MAX_PAGES {
        let page = fetch(PageRequest {
            limit: 500,
            after,
            q: None,
        })
        .await?;
        out.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(out)
}

/// The facts about `government`'s platform at `now`.
pub async fn gather(
    store: &dyn Store,
    government: &Code,
    now: wadah_domain::Timestamp,
) -> StoreResult<PlatformFacts> {
    let filter = AgencyFilter {
        government: Some(government.clone()),
        only: None,
    };
    let agencies = every(|p| {
        let filter = filter.clone();
        async move { store.list_agencies(&filter, &p).await }
    })
    .await?;
    let mut applications = Vec::new();
    for agency in &agencies {
        let apps = every(|p| async move {
            store
                .list_applications(agency.code(), &ApplicationFilter::default(), &p)
                .await
        })
        .await?;
        applications.extend(apps);
    }
    let services =
        every(|p| async move { store.search_services(&ServiceFilter::default(), &p).await }).await?;
    let mut service_count: BTreeMap<(String, String), usize> = BTreeMap::new();
    for s in &services {
        *service_count
            .entry((s.agency.as_str().to_owned(), s.application.as_str().to_owned()))
            .or_default() += 1;
    }
    let agency_codes: Vec<String> = agencies.iter().map(|a| a.code().as_str().to_owned()).collect();
    let apps: Vec<AppFact> = applications
        .iter()
        .map(|a| {
            let key = (a.agency.as_str().to_owned(), a.spec.code.as_str().to_owned());
            AppFact {
                services: service_count.get(&key).copied().unwrap_or(0),
                agency: key.0,
                code: key.1,
                name: a.spec.name.as_str().to_owned(),
            }
        })
        .collect();
    let rights = every(|p| async move { store.list_rights(&AccessFilter::default(), &p).await }).await?;
    let since = now - chrono::Duration::days(i64::from(PERIOD_DAYS));
    let traffic = store.traffic_since(since).await?;
    let mut links: BTreeMap<(String, Option<String>, String, String), LinkFact> = BTreeMap::new();
    for right in rights
        .iter()
        .filter(|r| agency_codes.contains(&r.spec.service.agency.as_str().to_owned()))
    {
        let key = (
            right.spec.consumer.agency.as_str().to_owned(),
            right
                .spec
                .consumer
                .application
                .as_ref()
                .map(|a| a.as_str().to_owned()),
            right.spec.service.agency.as_str().to_owned(),
            right.spec.service.application.as_str().to_owned(),
        );
        let link = links.entry(key.clone()).or_insert_with(|| LinkFact {
            consumer_agency: key.0.clone(),
            consumer_application: key.1.clone(),
            provider_agency: key.2.clone(),
            provider_application: key.3.clone(),
            rights: 0,
            exchanges: 0,
        });
        link.rights += 1;
    }
    for link in links.values_mut() {
        link.exchanges = traffic
            .iter()
            .filter(|t| {
                t.consumer_agency == link.consumer_agency
                    && link
                        .consumer_application
                        .as_ref()
                        .is_none_or(|a| *a == t.consumer_application)
                    && t.service_agency == link.provider_agency
                    && t.service_application == link.provider_application
            })
            .map(|t| t.exchanges)
            .sum();
    }
    Ok(PlatformFacts {
        agencies: agency_codes,
        applications: apps,
        links: links.into_values().collect(),
        period_days: PERIOD_DAYS,
    })
}
