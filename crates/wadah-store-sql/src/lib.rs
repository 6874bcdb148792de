//! The one implementation of Wadah's store traits, written once in portable SQL and run on
//! SQLite and PostgreSQL through sqlx's `Any` driver.
//!
//! This crate owns the queries, the row mapping and the write discipline (one transaction per
//! write that bumps the registry version, appends the change-log entry and refuses stale
//! versions). It does not own connections, pragmas or migrations: an engine crate
//! (`wadah-store-sqlite`, `wadah-store-postgres`) opens the pool, describes itself in an
//! [`Engine`] and hands both to [`SqlStore::new`]. Engine differences therefore live in the
//! engine crates and their migrations, never in `if sqlite { … }` branches here.
//!
//! Portable-SQL rules (see `reference/rust-stack.md` §2.4): `$n` placeholders, no BOOLEAN
//! (flags are 0/1 integers), timestamps as BIGINT epoch milliseconds, ids and JSON as TEXT,
//! dynamic SQL only through [`query::Sql`], which binds every value.
//!
//! # Layout
//! - [`SqlStore`], [`Engine`]: the store and what an engine tells it about itself;
//! - `tx`: the write transaction and the change log it appends to;
//! - `rows`, `query`, `error`: row decoding, the filter builder, sqlx → `StoreError`;
//! - `registry/`, `access/`, `identity/`, `changes`, `health`: one module per resource;
//! - `gateway`: the gateway's consistent view (services, credential digests, rights);
//! - `signing_keys`: the keys that sign the gateway's tokens (no registry version, no change log);
//! - `upstream`: upstream credentials (public part + sealed secret, one row per service);
//! - `gateway`: the gateway's consistent view (services, credential digests, rights, sealed
//!   upstream credentials);
//! - `assessments`: SPBE assessments, their evidence file bytes, traffic figures for suggestions;
//! - `impls`: the trait implementations, which only delegate to those modules.

/// The meta columns every table has, in the order `INSERT`s list them (a macro so that it can
/// be `concat!`ed into `&'static str` queries).
macro_rules! meta_columns {
    () => {
        "version, created_at, created_by, updated_at, updated_by"
    };
}

mod access;
mod architecture;
mod assessments;
mod audit;
mod changes;
mod error;
mod gateway;
mod health;
mod identity;
mod impls;
mod portal;
mod query;
mod registry;
mod rows;
mod sessions;
mod signing_keys;
mod sso;
mod traffic;
mod tx;
mod upstream;

use std::sync::Mutex;

pub use error::classify;

use sqlx::AnyPool;
use sqlx::migrate::Migrator;
use uuid::ContextV7;

/// What an engine crate tells the shared store about itself.
#[derive(Debug, Clone, Copy)]
pub struct Engine {
    /// `sqlite` or `postgres` (what [`wadah_store::StoreHealth::engine`] answers).
    pub name: &'static str,
    /// The engine's embedded migrations; `ready()` checks every one is applied.
    pub migrator: &'static Migrator,
    /// The statement that opens a write transaction (`BEGIN IMMEDIATE` takes SQLite's write
    /// lock up front, so a transaction never fails half-way on a lock upgrade).
    pub begin_write: &'static str,
    /// Serialise writes inside the process (SQLite has one writer; queueing in-process is
    /// kinder than spinning on `SQLITE_BUSY`).
    pub single_writer: bool,
    /// Whether a database error code means "cannot reach or cannot write" (read-only file,
    /// disk full, server shutting down…), which the store reports as `Unavailable`.
    pub is_unavailable: fn(code: &str) -> bool,
    /// A statement run in every write transaction just before it commits, telling other
    /// nodes that the registry changed (PostgreSQL: `NOTIFY`); `None` for a single-node engine.
    pub change_notice: Option<&'static str>,
    /// Whether long generated statements (the evidence index's multi-row `INSERT`) number
    /// their placeholders `$1…$n`. SQLite takes plain `?` instead: sqlx looks up the name of
    /// every placeholder it binds, and SQLite finds a numbered one by a linear scan, so a
    /// statement of n numbered placeholders costs n² to bind (with 1,536 it was a seventh of
    /// the gateway's CPU under load).
    pub numbered_placeholders: bool,
}

/// Moves a store's change feed from outside the store (an engine's listener task). Holds the
/// feed weakly, so a listener ends once its store is gone.
#[derive(Debug, Clone)]
pub struct ChangeNotifier(std::sync::Weak<tokio::sync::watch::Sender<u64>>);

impl ChangeNotifier {
    /// Wakes every subscriber (they re-check the registry version); `false` once the store
    /// is gone and nobody can listen any more.
    pub fn notify(&self) -> bool {
        match self.0.upgrade() {
            Some(sender) => {
                sender.send_modify(|n| *n = n.wrapping_add(1));
                true
            }
            None => false,
        }
    }
}

/// The store over one connection pool. Cheap to share behind an `Arc`.
pub struct SqlStore {
    pool: AnyPool,
    engine: Engine,
    writer: Option<tokio::sync::Mutex<()>>,
    /// Keeps the ids minted in one millisecond in creation order (uuid v7 counter).
    ids: Mutex<ContextV7>,
    /// The change feed: moved after every committed write here, and by the engine's listener
    /// for writes committed by other nodes (see [`SqlStore::change_notifier`]).
    changes: std::sync::Arc<tokio::sync::watch::Sender<u64>>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("engine", &self.engine.name)
            .finish_non_exhaustive()
    }
}

impl SqlStore {
    /// Wraps a pool the engine crate opened (drivers installed, pragmas set).
    pub fn new(pool: AnyPool, engine: Engine) -> Self {
        Self {
            pool,
            writer: engine.single_writer.then(|| tokio::sync::Mutex::new(())),
            engine,
            ids: Mutex::new(ContextV7::new()),
            changes: std::sync::Arc::new(tokio::sync::watch::Sender::new(0)),
        }
    }

    /// Moves the change feed: for an engine's listener that hears of another node's commit
    /// (or reconnects and may have missed some). Subscribers then re-check the version.
    pub fn change_notifier(&self) -> ChangeNotifier {
        ChangeNotifier(std::sync::Arc::downgrade(&self.changes))
    }

    /// Tells this process's subscribers that a write committed.
    pub(crate) fn changed(&self) {
        self.changes.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// The pool, for engine-specific checks (pragmas, test helpers).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn engine_info(&self) -> &Engine {
        &self.engine
    }

    /// Applies the engine's pending migrations; answers how many ran.
    pub async fn migrate(&self) -> wadah_store::StoreResult<usize> {
        health::migrate(self).await
    }

    /// Versions of embedded migrations not yet applied to the database.
    pub async fn pending_migrations(&self) -> wadah_store::StoreResult<Vec<i64>> {
        health::pending(self).await
    }

    /// Closes every connection (waits for checked-out ones to come back).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}
