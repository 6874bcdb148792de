//! The PostgreSQL half of the change feed (DESIGN.md §5): every write transaction ends with
//! `NOTIFY wadah_registry` (the engine's `change_notice`, delivered only on commit), and each
//! node keeps one `LISTEN` connection that moves its store's feed when a notice arrives, so a
//! change made through any node reaches every node's gateway at once instead of at its next
//! poll.
//!
//! Notices are hints: one lost while the connection was down is covered by a wake-up after
//! every (re)connection and by the gateway's periodic version check, which stays on.

use std::time::Duration;

use sqlx::postgres::PgListener;
use wadah_store_sql::{ChangeNotifier, SqlStore};

/// The channel every node notifies and listens on.
pub const CHANNEL: &str = "wadah_registry";

/// How long to wait before connecting again after the listening connection failed.
const RETRY: Duration = Duration::from_secs(1);

/// Starts listening for other nodes' registry changes on a connection of its own; the task
/// ends once `store` is gone (at the next notice or retry).
pub fn spawn_listener(url: &str, store: &SqlStore) -> tokio::task::JoinHandle<()> {
    let notifier = store.change_notifier();
    let url = url.to_owned();
    tokio::spawn(async move { run(&url, &notifier).await })
}

async fn run(url: &str, notifier: &ChangeNotifier) {
    let mut failing = false;
    loop {
        match listen(url, notifier, &mut failing).await {
            Ok(()) => return,
            Err(e) => {
                if !failing {
                    failing = true;
                    // The URL is not logged (it may hold a password).
                    tracing::warn!(error = %e, "cannot listen for registry changes; the periodic version check covers them");
                }
                if !notifier.notify() {
                    return;
                }
                tokio::time::sleep(RETRY).await;
            }
        }
    }
}

/// Listens until the store is gone (`Ok`) or the connection fails for good (`Err`).
async fn listen(url: &str, notifier: &ChangeNotifier, failing: &mut bool) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen(CHANNEL).await?;
    if *failing {
        *failing = false;
        tracing::info!("listening for registry changes again");
    }
    // Whatever committed while nobody listened: let subscribers re-check the version.
    if !notifier.notify() {
        return Ok(());
    }
    loop {
        // `None`: the connection dropped; the next call reconnects (and may miss notices,
        // hence the wake-up).
        let _notice = listener.try_recv().await?;
        if !notifier.notify() {
            return Ok(());
        }
    }
}
