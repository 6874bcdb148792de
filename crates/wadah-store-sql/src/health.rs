//! Readiness, migrations and the registry version: what `/readyz`, `wadah migrate` and the
//! gateway's "has anything changed?" poll ask of the store.

use std::collections::HashSet;

use sqlx::migrate::{Migrate, MigrateError};
use wadah_store::{StoreError, StoreResult};

use crate::SqlStore;
use crate::rows::RowExt;

/// `SELECT 1` succeeds and every embedded migration is applied.
pub(crate) async fn ready(store: &SqlStore) -> StoreResult<()> {
    let mut conn = store.read().await?;
    sqlx::query("SELECT 1")
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    drop(conn);
    let pending = pending(store).await?;
    if pending.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Unavailable(format!(
            "the database schema is not up to date: {} migration(s) not applied (run `wadah migrate`)",
            pending.len()
        )))
    }
}

/// Embedded (up) migrations that the database has not applied.
pub(crate) async fn pending(store: &SqlStore) -> StoreResult<Vec<i64>> {
    let migrator = store.engine.migrator;
    let mut conn = store.read().await?;
    let table = migrator.table_name.as_ref();
    let exists = table_exists(store, &mut conn, table).await?;
    let applied: HashSet<i64> = if exists {
        if let Some(dirty) = conn
            .dirty_version(table)
            .await
            .map_err(|e| migrate_err(store, e))?
        {
            return Err(StoreError::Internal(format!(
                "migration {dirty} failed part-way; repair the database before starting Wadah"
            )));
        }
        let list = conn
            .list_applied_migrations(table)
            .await
            .map_err(|e| migrate_err(store, e))?;
        list.into_iter().map(|m| m.version).collect()
    } else {
        HashSet::new()
    };
    Ok(migrator
        .iter()
        .filter(|m| m.migration_type.is_up_migration() && !applied.contains(&m.version))
        .map(|m| m.version)
        .collect())
}

/// Applies pending migrations; answers how many ran.
pub(crate) async fn migrate(store: &SqlStore) -> StoreResult<usize> {
    let before = pending(store).await?.len();
    store
        .engine
        .migrator
        .run(&store.pool)
        .await
        .map_err(|e| migrate_err(store, e))?;
    crate::registry::search::backfill(store).await?; // words of objects older than 0002
    let after = pending(store).await?.len();
    if before > after {
        tracing::info!(
            applied = before - after,
            engine = store.engine.name,
            "applied migrations"
        );
    }
    Ok(before - after)
}

pub(crate) async fn registry_version(store: &SqlStore) -> StoreResult<i64> {
    let mut conn = store.read().await?;
    let row = sqlx::query("SELECT version FROM registry_state WHERE id = 1")
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    match row {
        Some(row) => row.int("version"),
        None => Err(StoreError::Unavailable(
            "the database has no registry state yet (run `wadah migrate`)".into(),
        )),
    }
}

/// Whether the migrations table exists, asked in a way both engines answer: selecting from a
/// missing table fails, so probe with a query that returns no rows.
async fn table_exists(store: &SqlStore, conn: &mut sqlx::AnyConnection, table: &str) -> StoreResult<bool> {
    if table != "_sqlx_migrations" {
        return Err(StoreError::Internal(format!(
            "unexpected migrations table {table:?}"
        )));
    }
    // A failed statement inside no transaction leaves the connection usable on both engines.
    match sqlx::query("SELECT version FROM _sqlx_migrations WHERE 1 = 0")
        .execute(&mut *conn)
        .await
    {
        Ok(_) => Ok(true),
        Err(sqlx::Error::Database(e)) if looks_missing(e.message()) => Ok(false),
        Err(e) => Err(store.db(e)),
    }
}

fn looks_missing(message: &str) -> bool {
    let m = message.to_lowercase();
    m.contains("no such table") || (m.contains("relation") && m.contains("does not exist"))
}

fn migrate_err(store: &SqlStore, e: MigrateError) -> StoreError {
    match e {
        MigrateError::Execute(inner) => store.db(inner),
        other => StoreError::Internal(format!("migration failed: {other}")),
    }
}
