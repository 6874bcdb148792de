//! Periodic checks of public services' online links, so the portal never shows a dead link as
//! if it worked (Bontang's old portal did, for years).
//!
//! A background task ([`spawn`]) walks every public service with an online URL at a fixed
//! interval, checks a few links at a time ([`probe`]), and stores each result through the
//! store's `PortalStore` role; the portal reads the stored results. Every node of a cluster
//! runs its own checker; results are idempotent upserts, so that only costs duplicate requests.
//! Time stamps come from the [`Clock`] passed in.

mod probe;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use wadah_domain::link_check::LinkCheck;
use wadah_domain::{Clock, Code, Timestamp};
use wadah_store::{PageRequest, PublicServiceFilter, Store, StoreResult};

pub use probe::{Outcome, Probe};

/// How the checker behaves.
#[derive(Debug, Clone)]
pub struct LinkCheckConfig {
    /// Between two rounds over the whole catalogue.
    pub interval: Duration,
    /// Per request (connect and response head).
    pub timeout: Duration,
    pub max_redirects: usize,
    /// Links checked at the same time.
    pub concurrency: usize,
    pub user_agent: String,
}

impl Default for LinkCheckConfig {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(30 * 60),
            timeout: Duration::from_secs(10),
            max_redirects: 5,
            concurrency: 4,
            user_agent: format!(
                "Wadah-LinkCheck/{} (public service portal link check)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// One round: checks every public service's online link and stores the results; answers how
/// many links were checked.
pub async fn check_all(
    store: &dyn Store,
    clock: &dyn Clock,
    probe: &Probe,
    concurrency: usize,
) -> StoreResult<usize> {
    let targets = targets(store).await?;
    // When a link was already failing (for the same URL), the run of failures goes on.
    let failing: HashMap<(Code, Code), (String, Option<Timestamp>)> = store
        .broken_links()
        .await?
        .into_iter()
        .map(|c| ((c.agency, c.public_service), (c.url, c.failing_since)))
        .collect();
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut running = JoinSet::new();
    for (agency, code, url) in targets {
        let (probe, permits) = (probe.clone(), permits.clone());
        running.spawn(async move {
            let _permit = permits.acquire_owned().await.ok();
            let outcome = probe.check(&url).await;
            (agency, code, url, outcome)
        });
    }
    let mut checked = 0;
    while let Some(done) = running.join_next().await {
        let Ok((agency, public_service, url, outcome)) = done else {
            continue;
        };
        let now = clock.now();
        let failing_since = outcome.failure.map(|_| {
            failing
                .get(&(agency.clone(), public_service.clone()))
                .filter(|(was, _)| *was == url)
                .and_then(|(_, since)| *since)
                .unwrap_or(now)
        });
        let check = LinkCheck {
            agency,
            public_service,
            url,
            http_status: outcome.http_status,
            failure: outcome.failure,
            checked_at: now,
            failing_since,
        };
        store.record_link_check(&check).await?;
        checked += 1;
    }
    Ok(checked)
}

/// Every public service with an online URL: `(agency, code, url)`.
async fn targets(store: &dyn Store) -> StoreResult<Vec<(Code, Code, String)>> {
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let request = PageRequest {
            after,
            ..PageRequest::first(wadah_store::MAX_PAGE_SIZE)
        };
        let page = store
            .list_public_services(&PublicServiceFilter::default(), &request)
            .await?;
        for s in page.items {
            if let Some(url) = &s.spec.online_url {
                out.push((s.agency.clone(), s.spec.code.clone(), url.as_str().to_owned()));
            }
        }
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(out),
        }
    }
}

/// The running checker; dropping it stops the task.
#[derive(Debug)]
pub struct LinkChecker(tokio::task::JoinHandle<()>);

impl Drop for LinkChecker {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Starts the checker: a round right away, then one per `config.interval`.
pub fn spawn(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: LinkCheckConfig) -> LinkChecker {
    LinkChecker(tokio::spawn(async move {
        let probe = Probe::new(config.timeout, config.max_redirects, &config.user_agent);
        let mut ticks = tokio::time::interval(config.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match check_all(store.as_ref(), clock.as_ref(), &probe, config.concurrency).await {
                Ok(checked) => tracing::info!(checked, "public service links checked"),
                Err(error) => tracing::warn!(%error, "the link check could not read or write the store"),
            }
        }
    }))
}

/// Starts the checker for a web listener's state (its store, clock and configuration).
pub fn spawn_for(state: &crate::AppState) -> LinkChecker {
    spawn(
        state.store_handle(),
        state.clock_handle(),
        state.config().link_check.clone(),
    )
}
