//! Wadah's server engine: PostgreSQL, opened through sqlx's `Any` driver so that the shared
//! [`SqlStore`] runs the same SQL as on SQLite.
//!
//! This crate owns what is PostgreSQL-specific and nothing else: connecting (errors say the
//! server cannot be reached, without echoing the URL and its password), the meaning of
//! SQLSTATE codes, and the embedded migrations in `./migrations` (which also pin sort keys to
//! the "C" collation so lists order exactly as on SQLite). Writers are not serialised in the
//! process: several Wadah nodes share one database, and the row lock on `registry_state`
//! every write takes first orders them. Each write also sends `NOTIFY wadah_registry` on
//! commit, and `listen` relays those notices into a node's change feed.

mod listen;
pub mod testing;

use std::time::Duration;

pub use listen::{CHANNEL, spawn_listener};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, Connection as _};
use wadah_store::{StoreError, StoreResult};
use wadah_store_sql::Engine;
pub use wadah_store_sql::SqlStore;

/// `ignore_missing`: during a rolling upgrade an older node must start against a database
/// that a newer node already migrated further (migrations only expand the schema; see
/// docs/deployment.md). `ready()` still requires every migration this node knows.
static MIGRATOR: Migrator = Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations")
};

const MAX_CONNECTIONS: u32 = 16;

/// How long a request waits for a connection: when the server is down, an admin write fails
/// with 503 after this long rather than hanging (the gateway does not wait: it serves its
/// snapshot).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The engine description the shared store works with.
pub const ENGINE: Engine = Engine {
    name: "postgres",
    migrator: &MIGRATOR,
    begin_write: "BEGIN",
    single_writer: false,
    is_unavailable,
    change_notice: Some("NOTIFY wadah_registry"),
    numbered_placeholders: true,
};

/// SQLSTATE classes that mean "cannot reach or cannot write right now": connection exception
/// (08), transaction rollback such as a deadlock or serialisation failure (40), insufficient
/// resources like a full disk (53), operator intervention such as a shutdown (57), system
/// error (58), and a read-only transaction on a standby (25006).
fn is_unavailable(code: &str) -> bool {
    ["08", "40", "53", "57", "58"]
        .iter()
        .any(|class| code.starts_with(class))
        || code == "25006"
}

/// Connects to the database at `url` (`postgres://…`) and applies pending migrations.
pub async fn open(url: &str) -> StoreResult<SqlStore> {
    let store = connect(url).await?;
    migrate(&store).await?;
    Ok(store)
}

/// Connects without migrating, e.g. for `wadah migrate` to report what it applies.
pub async fn connect(url: &str) -> StoreResult<SqlStore> {
    connect_with(url, MAX_CONNECTIONS).await
}

/// [`connect`] with a pool of at most `max_connections` connections (`database.max_connections`).
pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(StoreError::Internal(
            "not a PostgreSQL URL (expected postgres://USER@HOST:PORT/DATABASE)".into(),
        ));
    }
    sqlx::any::install_default_drivers();
    // One direct connection first: the pool would retry a refused connection until its
    // timeout and then report only that it timed out, hiding the reason.
    let probe = AnyConnection::connect(url).await.map_err(connect_error)?;
    probe.close().await.map_err(connect_error)?;
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect(url)
        .await
        .map_err(connect_error)?;
    Ok(SqlStore::new(pool, ENGINE))
}

/// Applies pending migrations; answers how many ran.
pub async fn migrate(store: &SqlStore) -> StoreResult<usize> {
    store.migrate().await
}

/// Every failure to connect (refused, unknown database, bad password) is "unavailable": the
/// fix is in the deployment, not in the request. The URL is not repeated (it may hold a
/// password); the caller knows which one it used.
fn connect_error(e: sqlx::Error) -> StoreError {
    let detail = match &e {
        sqlx::Error::Database(db) => db.message().to_owned(),
        other => other.to_string(),
    };
    StoreError::Unavailable(format!("cannot connect to PostgreSQL: {detail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_and_resource_trouble_is_unavailable_but_bugs_are_not() {
        assert!(is_unavailable("08006")); // connection failure
        assert!(is_unavailable("53100")); // disk full
        assert!(is_unavailable("57P01")); // admin shutdown
        assert!(is_unavailable("25006")); // read-only transaction
        assert!(!is_unavailable("23505")); // unique violation
        assert!(!is_unavailable("42P01")); // undefined table
    }
}
