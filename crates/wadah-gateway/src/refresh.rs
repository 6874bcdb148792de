//! Keeps the snapshot current: every `refresh_interval` (200 ms by default) ask the store for
//! its registry version, and only when it moved read the whole [`GatewayView`], build a new
//! [`Snapshot`] and swap it in. A revoked key or a new right is therefore live within about
//! one interval plus one build (DESIGN.md §4: within 1 s). Requests in flight keep the
//! snapshot they started with. When the store cannot be reached the last snapshot keeps
//! serving; the failure is logged once, and the recovery once.

use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use wadah_store::{Store, StoreResult};

use crate::metrics;
use crate::snapshot::Snapshot;
use crate::upstream::Upstreams;

/// Loads the first snapshot (the gateway cannot serve without one).
pub async fn initial(store: &dyn Store, upstreams: &Upstreams) -> StoreResult<Snapshot> {
    let view = store.gateway_view().await?;
    let snapshot = Snapshot::build(view, None, upstreams);
    metrics::snapshot_version(snapshot.version);
    Ok(snapshot)
}

/// Polls until the gateway (the owner of `shared`) is gone.
pub fn spawn(
    store: Arc<dyn Store>,
    shared: Weak<ArcSwap<Snapshot>>,
    upstreams: Arc<Upstreams>,
    interval: Duration,
) {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            ticker.tick().await;
            let Some(shared) = shared.upgrade() else { return };
            match refresh_once(store.as_ref(), &shared, &upstreams).await {
                Ok(()) if failing => {
                    failing = false;
                    tracing::info!("the gateway reaches the store again; registry changes apply");
                }
                Ok(()) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "the gateway cannot read the store; serving from its last snapshot");
                }
                Err(_) => {}
            }
        }
    });
}

async fn refresh_once(
    store: &dyn Store,
    shared: &ArcSwap<Snapshot>,
    upstreams: &Upstreams,
) -> StoreResult<()> {
    let version = store.registry_version().await?;
    let current = shared.load();
    if version == current.version {
        return Ok(());
    }
    let view = store.gateway_view().await?;
    let next = Snapshot::build(view, Some(&current), upstreams);
    tracing::debug!(
        from = current.version,
        to = next.version,
        "gateway snapshot swapped"
    );
    metrics::snapshot_version(next.version);
    shared.store(Arc::new(next));
    Ok(())
}
