//! Single sign-on's records (`federated_identities`, `sso_pending_logins`, `sso_sessions`,
//! migration 0012). Only the federated user's creation is a registry write (the user and its
//! link in one [`crate::tx::Tx`]); the rest are plain statements like the sessions'.

use sqlx::any::AnyRow;
use wadah_domain::Timestamp;
use wadah_domain::secret::SecretDigest;
use wadah_domain::user::{User, UserSpec};
use wadah_store::{Change, FederatedIdentity, PendingLogin, SsoSessionLink, StoreError, StoreResult};

use crate::SqlStore;
use crate::error::not_found;
use crate::identity::users;
use crate::rows::{RowExt, ms};

pub(crate) async fn federated_user(
    store: &SqlStore,
    issuer: &str,
    subject: &str,
) -> StoreResult<Option<User>> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by \
         FROM federated_identities f JOIN users u ON u.id = f.user_id \
         WHERE f.issuer = $1 AND f.subject = $2",
    )
    .bind(issuer.to_owned())
    .bind(subject.to_owned())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref().map(users::from_row).transpose()
}

pub(crate) async fn create_federated_user(
    store: &SqlStore,
    identity: &FederatedIdentity,
    spec: &UserSpec,
    change: &Change,
) -> StoreResult<User> {
    let mut tx = store.write(change).await?;
    let (user_id, user) = users::insert(store, &mut tx, spec, None).await?;
    let at = ms(tx.at);
    let query = sqlx::query(
        "INSERT INTO federated_identities (issuer, subject, provider, user_id, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(identity.issuer.clone())
    .bind(identity.subject.clone())
    .bind(identity.provider.clone())
    .bind(user_id)
    .bind(at);
    tx.exec(query, "federated identity", &identity.provider).await?;
    tx.commit().await?;
    Ok(user)
}

pub(crate) async fn put_pending(store: &SqlStore, login: &PendingLogin, now: Timestamp) -> StoreResult<()> {
    let mut conn = store.read().await?;
    sqlx::query("DELETE FROM sso_pending_logins WHERE expires_at < $1")
        .bind(ms(now))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    sqlx::query("INSERT INTO sso_pending_logins (state_digest, sealed, expires_at) VALUES ($1, $2, $3)")
        .bind(login.state_digest.as_str().to_owned())
        .bind(login.sealed.clone())
        .bind(ms(login.expires_at))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db_write(e, "pending login", "state"))?;
    Ok(())
}

/// One `DELETE … RETURNING`, so two nodes taking the same state cannot both get it.
pub(crate) async fn take_pending(
    store: &SqlStore,
    state_digest: &SecretDigest,
) -> StoreResult<Option<PendingLogin>> {
    let mut conn = store.read().await?;
    let row =
        sqlx::query("DELETE FROM sso_pending_logins WHERE state_digest = $1 RETURNING sealed, expires_at")
            .bind(state_digest.as_str().to_owned())
            .fetch_optional(&mut *conn)
            .await
            .map_err(|e| store.db(e))?;
    row.map(|row| {
        Ok(PendingLogin {
            state_digest: state_digest.clone(),
            sealed: row.text("sealed")?,
            expires_at: row.time("expires_at")?,
        })
    })
    .transpose()
}

pub(crate) async fn link_session(store: &SqlStore, link: &SsoSessionLink) -> StoreResult<()> {
    let mut conn = store.read().await?;
    let done = sqlx::query(
        "INSERT INTO sso_sessions (session_digest, provider, issuer, subject, sid, id_token_sealed) \
         SELECT s.id_digest, $2, $3, $4, $5, $6 FROM sessions s WHERE s.id_digest = $1",
    )
    .bind(link.session_digest.as_str().to_owned())
    .bind(link.provider.clone())
    .bind(link.issuer.clone())
    .bind(link.subject.clone())
    .bind(link.sid.clone())
    .bind(link.id_token_sealed.clone())
    .execute(&mut *conn)
    .await
    .map_err(|e| store.db_write(e, "sso session", "session"))?;
    if done.rows_affected() == 0 {
        return Err(not_found("session", "(digest)"));
    }
    Ok(())
}

fn link_from_row(row: &AnyRow) -> StoreResult<SsoSessionLink> {
    Ok(SsoSessionLink {
        session_digest: SecretDigest::from_stored(row.text("session_digest")?),
        provider: row.text("provider")?,
        issuer: row.text("issuer")?,
        subject: row.text("subject")?,
        sid: row.opt_text("sid")?,
        id_token_sealed: row.opt_text("id_token_sealed")?,
    })
}

pub(crate) async fn session_link(
    store: &SqlStore,
    session_digest: &SecretDigest,
) -> StoreResult<Option<SsoSessionLink>> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "SELECT session_digest, provider, issuer, subject, sid, id_token_sealed \
         FROM sso_sessions WHERE session_digest = $1",
    )
    .bind(session_digest.as_str().to_owned())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref().map(link_from_row).transpose()
}

pub(crate) async fn end_sessions(
    store: &SqlStore,
    issuer: &str,
    subject: Option<&str>,
    sid: Option<&str>,
) -> StoreResult<u64> {
    let (sql, second) = match (subject, sid) {
        (Some(sub), Some(sid)) => (
            "DELETE FROM sessions WHERE id_digest IN (SELECT session_digest FROM sso_sessions \
             WHERE issuer = $1 AND sid = $2 AND subject = $3)",
            Some((sid, sub)),
        ),
        (None, Some(sid)) => (
            "DELETE FROM sessions WHERE id_digest IN (SELECT session_digest FROM sso_sessions \
             WHERE issuer = $1 AND sid = $2)",
            Some((sid, "")),
        ),
        (Some(sub), None) => (
            "DELETE FROM sessions WHERE id_digest IN (SELECT session_digest FROM sso_sessions \
             WHERE issuer = $1 AND subject = $2)",
            Some((sub, "")),
        ),
        (None, None) => {
            return Err(StoreError::InvalidState(
                "ending provider sessions needs a sid or a subject".into(),
            ));
        }
    };
    let mut query = sqlx::query(sql).bind(issuer.to_owned());
    if let Some((first, third)) = second {
        query = query.bind(first.to_owned());
        if subject.is_some() && sid.is_some() {
            query = query.bind(third.to_owned());
        }
    }
    let mut conn = store.read().await?;
    let done = query.execute(&mut *conn).await.map_err(|e| store.db(e))?;
    Ok(done.rows_affected())
}
