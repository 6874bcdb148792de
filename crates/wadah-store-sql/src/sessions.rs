//! Sign-in sessions and failed-sign-in counters (`sessions`, `login_failures`, migration
//! 0007). Plain single statements, no [`crate::tx::Tx`]: neither is a registry object, so the
//! writes move neither the registry version nor the change log. The session look-up joins the
//! user so that a disabled or deleted account's sessions stop working at once.

use sqlx::any::AnyRow;
use wadah_domain::Timestamp;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::Username;
use wadah_store::{LoginFailures, NewSession, Session, SignInMethod, StoreResult};

use crate::SqlStore;
use crate::error::{corrupt, not_found};
use crate::identity::users;
use crate::rows::{RowExt, ms};

fn from_row(row: &AnyRow) -> StoreResult<Session> {
    let method = row.text("method")?;
    Ok(Session {
        user: users::from_row(row)?,
        method: SignInMethod::parse(&method).ok_or_else(|| corrupt("sign-in method", &method))?,
        csrf_token: row.text("csrf_token")?,
        created_at: row.time("s_created_at")?,
        last_seen_at: row.time("last_seen_at")?,
        expires_at: row.time("expires_at")?,
    })
}

pub(crate) async fn create(store: &SqlStore, s: &NewSession) -> StoreResult<()> {
    let mut conn = store.read().await?;
    let done = sqlx::query(
        "INSERT INTO sessions (id_digest, user_id, method, csrf_token, created_at, last_seen_at, \
         expires_at) SELECT $1, u.id, $2, $3, $4, $4, $5 FROM users u WHERE u.username = $6",
    )
    .bind(s.id_digest.as_str().to_owned())
    .bind(s.method.as_str())
    .bind(s.csrf_token.clone())
    .bind(ms(s.created_at))
    .bind(ms(s.expires_at))
    .bind(s.username.as_str().to_owned())
    .execute(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    if done.rows_affected() == 0 {
        return Err(not_found("user", s.username.as_str()));
    }
    Ok(())
}

pub(crate) async fn get(store: &SqlStore, id_digest: &SecretDigest) -> StoreResult<Option<Session>> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by, \
         s.method, s.csrf_token, s.created_at AS s_created_at, s.last_seen_at, s.expires_at \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id_digest = $1 AND u.disabled = 0",
    )
    .bind(id_digest.as_str().to_owned())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref().map(from_row).transpose()
}

pub(crate) async fn touch(store: &SqlStore, id_digest: &SecretDigest, at: Timestamp) -> StoreResult<()> {
    let mut conn = store.read().await?;
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_digest = $2 AND last_seen_at < $1")
        .bind(ms(at))
        .bind(id_digest.as_str().to_owned())
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(())
}

pub(crate) async fn delete(store: &SqlStore, id_digest: &SecretDigest) -> StoreResult<bool> {
    let mut conn = store.read().await?;
    let done = sqlx::query("DELETE FROM sessions WHERE id_digest = $1")
        .bind(id_digest.as_str().to_owned())
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn delete_for_user(store: &SqlStore, username: &Username) -> StoreResult<u64> {
    let mut conn = store.read().await?;
    let done =
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE username = $1)")
            .bind(username.as_str().to_owned())
            .execute(&mut *conn)
            .await
            .map_err(|e| store.db(e))?;
    Ok(done.rows_affected())
}

pub(crate) async fn purge(store: &SqlStore, now: Timestamp, idle_before: Timestamp) -> StoreResult<u64> {
    let mut conn = store.read().await?;
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at < $2")
        .bind(ms(now))
        .bind(ms(idle_before))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(done.rows_affected())
}

fn failures_from_row(row: &AnyRow) -> StoreResult<LoginFailures> {
    let count = row.int("failures")?;
    Ok(LoginFailures {
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_at: row.time("last_at")?,
    })
}

pub(crate) async fn failures(store: &SqlStore, key: &SecretDigest) -> StoreResult<Option<LoginFailures>> {
    let mut conn = store.read().await?;
    let row = sqlx::query("SELECT failures, last_at FROM login_failures WHERE key_digest = $1")
        .bind(key.as_str().to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    row.as_ref().map(failures_from_row).transpose()
}

/// One statement, so two nodes counting failures of the same key at once both count.
pub(crate) async fn record_failure(
    store: &SqlStore,
    key: &SecretDigest,
    at: Timestamp,
    restart_before: Timestamp,
) -> StoreResult<LoginFailures> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "INSERT INTO login_failures (key_digest, failures, last_at) VALUES ($1, 1, $2) \
         ON CONFLICT (key_digest) DO UPDATE SET \
         failures = CASE WHEN login_failures.last_at < $3 THEN 1 ELSE login_failures.failures + 1 END, \
         last_at = $2 RETURNING failures, last_at",
    )
    .bind(key.as_str().to_owned())
    .bind(ms(at))
    .bind(ms(restart_before))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    failures_from_row(&row)
}

pub(crate) async fn clear_failures(store: &SqlStore, key: &SecretDigest) -> StoreResult<()> {
    let mut conn = store.read().await?;
    sqlx::query("DELETE FROM login_failures WHERE key_digest = $1")
        .bind(key.as_str().to_owned())
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(())
}
