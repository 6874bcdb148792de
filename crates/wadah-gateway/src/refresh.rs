//! Keeps the snapshot current. The store's change feed (DESIGN.md §5: in-process after a local
//! commit; PostgreSQL `LISTEN`/`NOTIFY` for other nodes' commits) wakes the refresher at
//! once, and a poll every `refresh_interval` (200 ms by default) is the safety net for a lost
//! notice. Either way the refresher asks the store for its registry version, and only when it
//! moved reads the whole [`GatewayView`], builds a new [`Snapshot`] and swaps it in. A revoked
//! key or a new right made through any node is therefore live within one build (DESIGN.md §4:
//! within 1 s). Requests in flight keep the snapshot they started with. When the store cannot
//! be reached the last snapshot keeps serving; [`FeedStatus`] and the metric
//! `wadah_gateway_store_reachable` say so (read by `/readyz`), and the failure is logged
//! once, and the recovery once.

use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwap;
use wadah_domain::Clock;
use wadah_store::{FeedStatus, Store, StoreResult};

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

/// 1 while the store answers the refresher, 0 while the node serves from its last snapshot.
pub const STORE_REACHABLE: &str = "wadah_gateway_store_reachable";
/// Snapshots rebuilt, by what woke the refresher (`notice` or `poll`).
pub const SNAPSHOT_SWAPS: &str = "wadah_gateway_snapshot_swaps_total";

/// What the refresher needs besides the snapshot it keeps.
pub struct Refresher {
    pub store: Arc<dyn Store>,
    pub upstreams: Arc<Upstreams>,
    pub interval: Duration,
    pub status: Arc<FeedStatus>,
    pub clock: Arc<dyn Clock>,
}

/// Follows the change feed and polls until the gateway (the owner of `shared`) is gone.
pub fn spawn(refresher: Refresher, shared: Weak<ArcSwap<Snapshot>>) {
    tokio::spawn(async move {
        let Refresher {
            store,
            upstreams,
            interval,
            status,
            clock,
        } = refresher;
        let mut signal = store.subscribe_changes();
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ::metrics::gauge!(STORE_REACHABLE).set(1.0);
        let mut failing = false;
        loop {
            let woken_by = tokio::select! {
                _ = ticker.tick() => "poll",
                changed = wait(&mut signal) => {
                    if !changed {
                        signal = None; // the feed ended: polling alone from now on
                    }
                    "notice"
                }
            };
            let Some(shared) = shared.upgrade() else { return };
            match refresh_once(store.as_ref(), &shared, &upstreams).await {
                Ok(swapped) => {
                    status.reached(shared.load().version, clock.now().timestamp_millis());
                    if swapped {
                        ::metrics::counter!(SNAPSHOT_SWAPS, "trigger" => woken_by).increment(1);
                    }
                    if failing {
                        failing = false;
                        ::metrics::gauge!(STORE_REACHABLE).set(1.0);
                        tracing::info!("the gateway reaches the store again; registry changes apply");
                    }
                }
                Err(e) => {
                    status.unreachable();
                    if !failing {
                        failing = true;
                        ::metrics::gauge!(STORE_REACHABLE).set(0.0);
                        tracing::warn!(error = %e, "the gateway cannot read the store; serving from its last snapshot");
                    }
                }
            }
        }
    });
}

/// Resolves when the feed moves (`true`) or ends (`false`); never without a feed.
async fn wait(signal: &mut Option<wadah_store::ChangeSignal>) -> bool {
    match signal {
        Some(rx) => rx.changed().await.is_ok(),
        None => std::future::pending().await,
    }
}

/// Swaps in a new snapshot if the registry moved; answers whether it did.
async fn refresh_once(
    store: &dyn Store,
    shared: &ArcSwap<Snapshot>,
    upstreams: &Upstreams,
) -> StoreResult<bool> {
    let version = store.registry_version().await?;
    let current = shared.load();
    if version == current.version {
        return Ok(false);
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
    Ok(true)
}
