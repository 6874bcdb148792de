//! Admin API tokens: a person's bearer tokens for the admin API. Only the digest is stored;
//! `user_for_token` is the sign-in look-up (unrevoked, unexpired, user enabled) and is one
//! indexed join.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Timestamp;
use wadah_domain::secret::SecretDigest;
use wadah_domain::text::Name;
use wadah_domain::user::{ApiToken, ApiTokenSpec, User, Username};
use wadah_store::{Change, StoreResult, StoredSecret};

use super::users;
use crate::SqlStore;
use crate::error::{corrupt, not_found};
use crate::rows::{RowExt, ms, opt_ms, to_stored};
use crate::tx::Subject;

const KIND: &str = "api_token";

fn from_row(row: &AnyRow) -> StoreResult<ApiToken> {
    Ok(ApiToken {
        id: row.text("id")?,
        username: Username::parse(&row.text("username")?).map_err(|e| corrupt("username", e))?,
        name: Name::parse(&row.text("name")?).map_err(|e| corrupt("name", e))?,
        hint: row.text("hint")?,
        expires_at: row.opt_time("expires_at")?,
        revoked_at: row.opt_time("revoked_at")?,
        created_at: row.time("created_at")?,
    })
}

pub(crate) async fn create(
    store: &SqlStore,
    username: &Username,
    spec: &ApiTokenSpec,
    secret: &StoredSecret,
    change: &Change,
) -> StoreResult<ApiToken> {
    let mut tx = store.write(change).await?;
    let (user_id, user) = users::require(store, tx.conn(), username).await?;
    let token = ApiToken {
        id: tx.new_id(),
        username: username.clone(),
        name: spec.name.clone(),
        hint: secret.hint.clone(),
        expires_at: spec.expires_at.map(to_stored),
        revoked_at: None,
        created_at: tx.at,
    };
    let query = sqlx::query(
        "INSERT INTO api_tokens (id, user_id, name, hint, digest, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(token.id.clone())
    .bind(user_id)
    .bind(token.name.as_str().to_owned())
    .bind(token.hint.clone())
    .bind(secret.digest.as_str().to_owned())
    .bind(opt_ms(token.expires_at))
    .bind(ms(token.created_at));
    tx.exec(query, KIND, &token.id).await?;
    let subject = Subject::new(KIND, token.id.clone(), user.spec.agency.as_ref());
    tx.created(subject, &token).await?;
    tx.commit().await?;
    Ok(token)
}

async fn for_user(
    store: &SqlStore,
    conn: &mut AnyConnection,
    username: &Username,
) -> StoreResult<Vec<ApiToken>> {
    let rows = sqlx::query(
        "SELECT t.id, t.name, t.hint, t.expires_at, t.revoked_at, t.created_at, u.username \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.username = $1 ORDER BY t.id",
    )
    .bind(username.as_str().to_owned())
    .fetch_all(conn)
    .await
    .map_err(|e| store.db(e))?;
    rows.iter().map(from_row).collect()
}

/// Every token of the user, revoked and expired ones included, oldest first.
pub(crate) async fn list(store: &SqlStore, username: &Username) -> StoreResult<Vec<ApiToken>> {
    let mut conn = store.read().await?;
    let tokens = for_user(store, &mut conn, username).await?;
    if tokens.is_empty() {
        users::require(store, &mut conn, username).await?;
    }
    Ok(tokens)
}

/// Revoking a revoked token changes nothing and answers it as it is.
pub(crate) async fn revoke(
    store: &SqlStore,
    username: &Username,
    id: &str,
    change: &Change,
) -> StoreResult<ApiToken> {
    let mut tx = store.write(change).await?;
    let (_, user) = users::require(store, tx.conn(), username).await?;
    let before = for_user(store, tx.conn(), username)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| not_found(KIND, id))?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let after = ApiToken {
        revoked_at: Some(tx.at),
        ..before.clone()
    };
    let query = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(ms(tx.at))
        .bind(id.to_owned());
    tx.exec(query, KIND, id).await?;
    let subject = Subject::new(KIND, id, user.spec.agency.as_ref());
    tx.updated(subject, &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn user_for_token(
    store: &SqlStore,
    digest: &SecretDigest,
    now: Timestamp,
) -> StoreResult<Option<User>> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by \
         FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.digest = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) \
         AND u.disabled = 0",
    )
    .bind(digest.as_str().to_owned())
    .bind(ms(now))
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref().map(users::from_row).transpose()
}
