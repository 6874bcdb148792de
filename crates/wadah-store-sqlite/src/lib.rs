//! Wadah's embedded engine: a SQLite file, opened through sqlx's `Any` driver so that the
//! shared [`SqlStore`] runs the same SQL as on PostgreSQL.
//!
//! This crate owns what is SQLite-specific and nothing else: the URL (`sqlite://path`, created
//! if missing), the pragmas every connection gets (`foreign_keys=ON` so cascades and
//! references hold, `synchronous=NORMAL` and `busy_timeout`), write-ahead logging (set once; it
//! persists in the file), writes queued in-process behind one writer, the meaning of SQLite's
//! error codes, and the embedded migrations in `./migrations`. A file that is not a database,
//! or that cannot be written, gives a `StoreError` naming the file, never a panic.

pub mod testing;

use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, Connection as _, Executor as _};
use wadah_store::{StoreError, StoreResult};
pub use wadah_store_sql::SqlStore;
use wadah_store_sql::{Engine, classify};

/// `ignore_missing`: during a rolling upgrade an older node must start against a database
/// that a newer node already migrated further (migrations only expand the schema; see
/// docs/deployment.md). `ready()` still requires every migration this node knows.
static MIGRATOR: Migrator = Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("./migrations")
};

const MAX_CONNECTIONS: u32 = 8;

/// The engine description the shared store works with.
pub const ENGINE: Engine = Engine {
    name: "sqlite",
    migrator: &MIGRATOR,
    begin_write: "BEGIN IMMEDIATE",
    single_writer: true,
    is_unavailable,
    change_notice: None,
    numbered_placeholders: false,
};

/// Primary result codes that mean "cannot reach or cannot write": busy/locked, out of memory,
/// read-only, I/O error, disk full, cannot open, lock protocol. (Codes arrive extended; the
/// low byte is the primary code.)
fn is_unavailable(code: &str) -> bool {
    code.parse::<i32>()
        .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14 | 15))
}

/// Opens (creating if missing) the database at `url` and applies pending migrations.
pub async fn open(url: &str) -> StoreResult<SqlStore> {
    let store = connect(url).await?;
    migrate(&store).await?;
    Ok(store)
}

/// Opens (creating if missing) the database at `url` without migrating, e.g. for `wadah
/// migrate` to report what it applies.
pub async fn connect(url: &str) -> StoreResult<SqlStore> {
    connect_with(url, MAX_CONNECTIONS).await
}

/// [`connect`] with a pool of at most `max_connections` connections (`database.max_connections`).
pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<SqlStore> {
    let (url, file) = normalise(url)?;
    sqlx::any::install_default_drivers();
    prepare_file(&url, &file).await?;
    let pool = sqlx::any::AnyPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(PRAGMAS).await?;
                Ok(())
            })
        })
        .connect(&url)
        .await
        .map_err(|e| open_error(&file, e))?;
    Ok(SqlStore::new(pool, ENGINE))
}

/// Applies pending migrations; answers how many ran.
pub async fn migrate(store: &SqlStore) -> StoreResult<usize> {
    store.migrate().await
}

/// Run on every new connection; `busy_timeout` is how long (ms) a connection waits for another
/// writer before giving up.
const PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;";

/// Checks the file on one connection before the pool opens any (the pool would retry a
/// failing connection until its timeout, hiding the reason), and switches it to write-ahead
/// logging, which lets readers run beside the writer. WAL is a property of the file, so setting
/// it once per open is enough. Reading the schema is what fails on a file that is not a
/// database; switching the journal is what fails on a read-only one.
async fn prepare_file(url: &str, file: &str) -> StoreResult<()> {
    let mut conn = AnyConnection::connect(url)
        .await
        .map_err(|e| open_error(file, e))?;
    let checked = async {
        conn.execute(PRAGMAS).await?;
        sqlx::query("SELECT COUNT(*) FROM sqlite_master")
            .execute(&mut conn)
            .await?;
        sqlx::query_scalar::<_, String>("PRAGMA journal_mode = WAL")
            .fetch_one(&mut conn)
            .await
    }
    .await;
    let closed = conn.close().await;
    let mode = checked.map_err(|e| open_error(file, e))?;
    closed.map_err(|e| open_error(file, e))?;
    if !mode.eq_ignore_ascii_case("wal") {
        tracing::warn!(journal_mode = %mode, "SQLite did not switch to write-ahead logging");
    }
    Ok(())
}

/// Accepts `sqlite://path` or `sqlite:path` (query parameters kept) and makes sure the file is
/// created when missing (`mode=rwc`, unless the URL names a mode). Answers the URL and the
/// file path for messages.
fn normalise(url: &str) -> StoreResult<(String, String)> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::Internal(format!("not a SQLite URL: {url:?} (expected sqlite://PATH)")))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() {
        return Err(StoreError::Internal(
            "the SQLite URL names no file (expected sqlite://PATH)".into(),
        ));
    }
    let url = match query {
        "" => format!("sqlite://{path}?mode=rwc"),
        q if q.split('&').any(|p| p.starts_with("mode=")) => format!("sqlite://{path}?{q}"),
        q => format!("sqlite://{path}?{q}&mode=rwc"),
    };
    Ok((url, path.to_owned()))
}

/// An error while opening, reworded to name the file and what to do about it.
fn open_error(file: &str, e: sqlx::Error) -> StoreError {
    let code = match &e {
        sqlx::Error::Database(db) => db.code().and_then(|c| c.parse::<i32>().ok()),
        _ => None,
    };
    match code.map(|c| c & 0xff) {
        Some(11 | 26) => StoreError::Internal(format!(
            "{file} is not a usable SQLite database (it is corrupt or not a database file); \
             restore it from a backup or point Wadah at another file"
        )),
        Some(8) => StoreError::Unavailable(format!(
            "{file} is read-only; Wadah needs to write to the database file and its directory"
        )),
        Some(14) => StoreError::Unavailable(format!(
            "cannot open {file}: check that the directory exists and is writable"
        )),
        _ => match classify(is_unavailable, e) {
            StoreError::Unavailable(m) => StoreError::Unavailable(format!("{file}: {m}")),
            StoreError::Internal(m) => StoreError::Internal(format!("{file}: {m}")),
            other => other,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_get_create_mode_unless_they_name_one() {
        assert_eq!(
            normalise("sqlite://data/w.db").unwrap().0,
            "sqlite://data/w.db?mode=rwc"
        );
        assert_eq!(
            normalise("sqlite:w.db?cache=shared").unwrap().0,
            "sqlite://w.db?cache=shared&mode=rwc"
        );
        assert_eq!(
            normalise("sqlite://w.db?mode=ro").unwrap().0,
            "sqlite://w.db?mode=ro"
        );
        assert!(normalise("postgres://x").is_err());
        assert!(normalise("sqlite://").is_err());
    }

    #[test]
    fn read_only_and_full_disks_are_unavailable_but_corruption_is_not() {
        assert!(is_unavailable("8")); // SQLITE_READONLY
        assert!(is_unavailable("1032")); // SQLITE_READONLY_DBMOVED
        assert!(is_unavailable("13")); // SQLITE_FULL
        assert!(!is_unavailable("11")); // SQLITE_CORRUPT
        assert!(!is_unavailable("2067")); // SQLITE_CONSTRAINT_UNIQUE
        assert!(!is_unavailable("x"));
    }
}
