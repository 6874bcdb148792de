//! The portal's view of the registry: every public service (audience `public`) of every
//! agency, with agency names and topics, read through the store's read traits and kept in
//! memory until `registry_version()` moves.
//!
//! Why a copy: the home page shows everything, grouped; browsing by topic and agency and the
//! typo-tolerant search ([`super::search`]) need the whole list too. Re-reading it for every
//! page would cost a full scan per request; one `registry_version()` call (a single-row read)
//! per request keeps the copy exactly as fresh as the registry. The copy is bounded by
//! [`MAX_SERVICES`] (a city has hundreds of public services; a deployment larger than the bound
//! shows the first ones by agency and name and logs a warning).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use wadah_domain::Code;
use wadah_domain::application::Audience;
use wadah_domain::public_service::PublicService;
use wadah_store::{AgencyFilter, PageRequest, PublicServiceFilter, Store, StoreResult};

/// Most public services the portal holds in memory.
pub const MAX_SERVICES: usize = 20_000;
const PAGE: u32 = 500;

/// One consistent copy of the public catalogue.
#[derive(Debug)]
pub struct Catalog {
    pub version: i64,
    /// Ordered by agency code, then name.
    pub services: Vec<PublicService>,
    /// Agency code → name, for every agency (with or without public services).
    pub agencies: BTreeMap<Code, String>,
}

impl Catalog {
    pub fn agency_name<'a>(&'a self, code: &'a Code) -> &'a str {
        self.agencies.get(code).map_or(code.as_str(), String::as_str)
    }

    /// Topic code → number of services, ordered by code.
    pub fn topics(&self) -> BTreeMap<&Code, usize> {
        let mut out = BTreeMap::new();
        for s in &self.services {
            for t in &s.spec.topics {
                *out.entry(t).or_insert(0) += 1;
            }
        }
        out
    }
}

/// The shared, lazily refreshed copy.
#[derive(Debug, Default)]
pub struct CatalogCache {
    current: Mutex<Option<Arc<Catalog>>>,
}

impl CatalogCache {
    /// The catalogue as of the store's current registry version.
    pub async fn get(&self, store: &dyn Store) -> StoreResult<Arc<Catalog>> {
        let version = store.registry_version().await?;
        if let Some(c) = self.cached().filter(|c| c.version == version) {
            return Ok(c);
        }
        let fresh = Arc::new(load(store, version).await?);
        let mut slot = self
            .current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // A slower concurrent load of an older version must not replace a newer one.
        if slot.as_ref().is_none_or(|c| c.version <= fresh.version) {
            *slot = Some(fresh.clone());
        }
        Ok(fresh)
    }

    fn cached(&self) -> Option<Arc<Catalog>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

async fn load(store: &dyn Store, version: i64) -> StoreResult<Catalog> {
    let filter = PublicServiceFilter {
        audience: Some(Audience::Public),
        ..PublicServiceFilter::default()
    };
    let mut services = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .list_public_services(
                &filter,
                &PageRequest {
                    limit: PAGE,
                    after,
                    q: None,
                },
            )
            .await?;
        services.extend(page.items);
        if services.len() >= MAX_SERVICES {
            tracing::warn!(
                limit = MAX_SERVICES,
                "the portal shows only the first public services"
            );
            services.truncate(MAX_SERVICES);
            break;
        }
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let mut agencies = BTreeMap::new();
    let mut after = None;
    loop {
        let page = store
            .list_agencies(
                &AgencyFilter::default(),
                &PageRequest {
                    limit: PAGE,
                    after,
                    q: None,
                },
            )
            .await?;
        for a in page.items {
            agencies.insert(a.spec.code.clone(), a.spec.name.as_str().to_owned());
        }
        match page.next {
            Some(next) if agencies.len() < MAX_SERVICES => after = Some(next),
            _ => break,
        }
    }
    services.sort_by(|a, b| {
        (a.agency.as_str(), a.spec.name.as_str()).cmp(&(b.agency.as_str(), b.spec.name.as_str()))
    });
    Ok(Catalog {
        version,
        services,
        agencies,
    })
}
