//! The gateway's signing keys (`signing_keys`, migration 0005). Plain single statements, no
//! [`crate::tx::Tx`]: keys are not registry objects, so their writes neither bump the registry
//! version nor enter the change log. Race safety comes from the table: `generation` is unique
//! and inserts do nothing on a conflict, so of two nodes creating the same next key exactly
//! one succeeds and both then read the winner's key.

use sqlx::any::AnyRow;
use wadah_domain::Timestamp;
use wadah_store::{StoreResult, StoredSigningKey};

use crate::SqlStore;
use crate::rows::{RowExt, ms};

const SELECT: &str = "SELECT kid, generation, alg, public_jwk, private_key, created_at, activates_at, \
                      retires_at FROM signing_keys ORDER BY generation";

fn from_row(row: &AnyRow) -> StoreResult<StoredSigningKey> {
    Ok(StoredSigningKey {
        kid: row.text("kid")?,
        generation: row.int("generation")?,
        alg: row.text("alg")?,
        public_jwk: row.text("public_jwk")?,
        private_sealed: row.text("private_key")?,
        created_at: row.time("created_at")?,
        activates_at: row.time("activates_at")?,
        retires_at: row.time("retires_at")?,
    })
}

pub(crate) async fn list(store: &SqlStore) -> StoreResult<Vec<StoredSigningKey>> {
    let mut conn = store.read().await?;
    let rows = sqlx::query(SELECT)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn add(store: &SqlStore, key: &StoredSigningKey) -> StoreResult<bool> {
    let mut conn = store.read().await?;
    let done = sqlx::query(
        "INSERT INTO signing_keys (kid, generation, alg, public_jwk, private_key, created_at, \
         activates_at, retires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(key.kid.clone())
    .bind(key.generation)
    .bind(key.alg.clone())
    .bind(key.public_jwk.clone())
    .bind(key.private_sealed.clone())
    .bind(ms(key.created_at))
    .bind(ms(key.activates_at))
    .bind(ms(key.retires_at))
    .execute(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    Ok(done.rows_affected() == 1)
}

pub(crate) async fn retire(store: &SqlStore, generation: i64, at: Timestamp) -> StoreResult<u64> {
    let mut conn = store.read().await?;
    let done =
        sqlx::query("UPDATE signing_keys SET retires_at = $1 WHERE generation < $2 AND retires_at > $1")
            .bind(ms(at))
            .bind(generation)
            .execute(&mut *conn)
            .await
            .map_err(|e| store.db(e))?;
    Ok(done.rows_affected())
}

pub(crate) async fn purge(store: &SqlStore, before: Timestamp) -> StoreResult<u64> {
    let mut conn = store.read().await?;
    let done = sqlx::query("DELETE FROM signing_keys WHERE retires_at < $1")
        .bind(ms(before))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(done.rows_affected())
}
