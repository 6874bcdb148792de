//! Chooses the storage engine once, from the database URL (CONVENTIONS 3), and hands the rest of
//! the binary an `Arc<dyn Store>`. Engine differences stay in the engine crates.

use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use wadah_store::Store;

use crate::config::{Config, redact_url};

/// Whether to apply pending migrations while opening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migrations {
    Apply,
    Leave,
}

/// Opens the store named by the configuration, creating the data directory for SQLite.
pub async fn open(config: &Config, migrations: Migrations) -> anyhow::Result<Arc<dyn Store>> {
    let url = config.database_url.expose();
    let shown = redact_url(url);
    if let Some(path) = url.strip_prefix("sqlite://") {
        ensure_parent_dir(Path::new(path))?;
        let store = wadah_store_sqlite::connect_with(url, config.max_connections)
            .await
            .with_context(|| format!("cannot open the SQLite store {shown}"))?;
        if migrations == Migrations::Apply {
            wadah_store_sqlite::migrate(&store)
                .await
                .with_context(|| format!("cannot migrate {shown}"))?;
        }
        return Ok(Arc::new(store));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = wadah_store_postgres::connect_with(url, config.max_connections)
            .await
            .with_context(|| format!("cannot open the PostgreSQL store {shown}"))?;
        if migrations == Migrations::Apply {
            wadah_store_postgres::migrate(&store)
                .await
                .with_context(|| format!("cannot migrate {shown}"))?;
        }
        return Ok(Arc::new(store));
    }
    bail!("database.url must start with sqlite:// or postgres:// (got {shown})")
}

/// [`open`] with migrations applied, for a node that serves: with PostgreSQL it also listens
/// for other nodes' registry changes (`LISTEN`), so its gateway learns of them at once.
pub async fn open_for_serving(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    let url = config.database_url.expose();
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let shown = redact_url(url);
        let store = wadah_store_postgres::connect_with(url, config.max_connections)
            .await
            .with_context(|| format!("cannot open the PostgreSQL store {shown}"))?;
        wadah_store_postgres::migrate(&store)
            .await
            .with_context(|| format!("cannot migrate {shown}"))?;
        // The task ends with the store; it holds the URL, never logs it.
        let _listener = wadah_store_postgres::spawn_listener(url, &store);
        return Ok(Arc::new(store));
    }
    open(config, Migrations::Apply).await
}

/// Applies pending migrations and says how many ran.
pub async fn migrate(config: &Config) -> anyhow::Result<usize> {
    let url = config.database_url.expose();
    let shown = redact_url(url);
    if let Some(path) = url.strip_prefix("sqlite://") {
        ensure_parent_dir(Path::new(path))?;
        let store = wadah_store_sqlite::connect(url)
            .await
            .with_context(|| format!("cannot open the SQLite store {shown}"))?;
        return wadah_store_sqlite::migrate(&store)
            .await
            .with_context(|| format!("cannot migrate {shown}"));
    }
    let store = wadah_store_postgres::connect(url)
        .await
        .with_context(|| format!("cannot open the PostgreSQL store {shown}"))?;
    wadah_store_postgres::migrate(&store)
        .await
        .with_context(|| format!("cannot migrate {shown}"))
}

fn ensure_parent_dir(db: &Path) -> anyhow::Result<()> {
    let path = db
        .to_str()
        .map(|s| s.split('?').next().unwrap_or(s))
        .unwrap_or_default();
    if let Some(dir) = Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    }
    Ok(())
}
