//! Credentials: API keys, OAuth2 clients and client certificates of a consuming application.
//! Only the secret's digest is stored (a certificate's is its fingerprint; unique, so a digest
//! names at most one credential); the change log gets the `Credential` JSON, which has no
//! secret. A revoked credential stays listed but can no longer be rotated; a certificate can
//! never be (a new certificate is a new credential).

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::certificate::ClientCertificate;
use wadah_domain::credential::{CertificateInfo, Credential, CredentialKind, CredentialSpec};
use wadah_domain::secret::SecretDigest;
use wadah_domain::text::Name;
use wadah_store::{Change, Page, PageRequest, StoreError, StoreResult, StoredSecret};

use crate::SqlStore;
use crate::error::{corrupt, lost_race, not_found};
use crate::query::{Arg, Sql};
use crate::registry::require_application;
use crate::rows::{RowExt, ms, opt_ms, parse_enum, to_stored};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

const KIND: &str = "credential";

const SELECT: &str = "SELECT c.id, c.kind, c.name, c.hint, c.client_id, c.expires_at, c.rotated_at, \
                      c.revoked_at, c.certificate_subject, c.certificate_not_after, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by, \
                      a.code AS agency_code, p.code AS application_code FROM credentials c \
                      JOIN applications p ON p.id = c.application_id JOIN agencies a ON a.id = p.agency_id";

fn from_row(row: &AnyRow) -> StoreResult<Credential> {
    Ok(Credential {
        id: row.text("id")?,
        agency: row.code("agency_code")?,
        application: row.code("application_code")?,
        name: Name::parse(&row.text("name")?).map_err(|e| corrupt("name", e))?,
        kind: parse_enum("kind", row.text("kind")?)?,
        hint: row.text("hint")?,
        client_id: row.opt_text("client_id")?,
        expires_at: row.opt_time("expires_at")?,
        rotated_at: row.opt_time("rotated_at")?,
        revoked_at: row.opt_time("revoked_at")?,
        certificate: certificate_info(row)?,
        meta: row.meta()?,
    })
}

/// The `certificate_subject` and `certificate_not_after` columns (certificates only).
pub(crate) fn certificate_info(row: &AnyRow) -> StoreResult<Option<CertificateInfo>> {
    let subject = row.opt_text("certificate_subject")?;
    let not_after = row.opt_time("certificate_not_after")?;
    Ok(subject
        .zip(not_after)
        .map(|(subject, not_after)| CertificateInfo { subject, not_after }))
}

async fn find(
    store: &SqlStore,
    conn: &mut AnyConnection,
    column_cond: &'static str,
    value: &str,
) -> StoreResult<Option<Credential>> {
    let mut sql = Sql::select(SELECT);
    sql.filter(column_cond, [value.into()]);
    let rows = sql.fetch_all(store, conn).await?;
    rows.first().map(from_row).transpose()
}

async fn require(store: &SqlStore, conn: &mut AnyConnection, id: &str) -> StoreResult<Credential> {
    find(store, conn, "c.id = ?", id)
        .await?
        .ok_or_else(|| not_found(KIND, id))
}

pub(crate) async fn get(store: &SqlStore, id: &str) -> StoreResult<Credential> {
    let mut conn = store.read().await?;
    require(store, &mut conn, id).await
}

/// The credential whose current secret has this digest (usable or not).
pub(crate) async fn by_digest(store: &SqlStore, digest: &SecretDigest) -> StoreResult<Option<Credential>> {
    let mut conn = store.read().await?;
    find(store, &mut conn, "c.secret_digest = ?", digest.as_str()).await
}

pub(crate) async fn list(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    page: &PageRequest,
) -> StoreResult<Page<Credential>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select(SELECT);
    sql.filter("a.code = ?", [agency.into()])
        .filter("p.code = ?", [application.into()])
        .filter_opt("c.id > ?", page.after.as_deref().map(Arg::from))
        .page("c.id", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    if rows.is_empty() {
        require_application(store, &mut conn, agency, application).await?;
    }
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |c| c.id.clone()))
}

pub(crate) async fn create(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    spec: &CredentialSpec,
    secret: &StoredSecret,
    client_id: Option<&str>,
    change: &Change,
) -> StoreResult<Credential> {
    insert(store, agency, application, spec, secret, client_id, None, change).await
}

/// A client certificate as a credential: its fingerprint is the stored digest.
pub(crate) async fn create_certificate(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    spec: &CredentialSpec,
    certificate: &ClientCertificate,
    change: &Change,
) -> StoreResult<Credential> {
    if spec.kind != CredentialKind::Certificate {
        return Err(StoreError::InvalidState(format!(
            "a certificate is registered as a credential of kind certificate, not {}",
            spec.kind.as_str()
        )));
    }
    let spec = CredentialSpec {
        expires_at: Some(certificate.credential_expiry(spec.expires_at)),
        certificate: None,
        ..spec.clone()
    };
    let secret = StoredSecret {
        digest: SecretDigest::from_stored(certificate.fingerprint.clone()),
        hint: certificate.hint(),
    };
    insert(
        store,
        agency,
        application,
        &spec,
        &secret,
        None,
        Some(certificate),
        change,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn insert(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    spec: &CredentialSpec,
    secret: &StoredSecret,
    client_id: Option<&str>,
    certificate: Option<&ClientCertificate>,
    change: &Change,
) -> StoreResult<Credential> {
    let mut tx = store.write(change).await?;
    let app = require_application(store, tx.conn(), agency, application).await?;
    let credential = Credential {
        id: tx.new_id(),
        agency: agency.clone(),
        application: application.clone(),
        name: spec.name.clone(),
        kind: spec.kind,
        hint: secret.hint.clone(),
        client_id: client_id.map(str::to_owned),
        expires_at: spec.expires_at.map(to_stored),
        rotated_at: None,
        revoked_at: None,
        certificate: certificate.map(|c| CertificateInfo {
            subject: c.subject.clone(),
            not_after: to_stored(c.not_after),
        }),
        meta: tx.new_meta(),
    };
    let query = sqlx::query(concat!(
        "INSERT INTO credentials (id, application_id, agency_id, kind, name, hint, client_id, \
         secret_digest, expires_at, certificate_subject, certificate_not_after, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)"
    ))
    .bind(credential.id.clone())
    .bind(app.id)
    .bind(app.agency_id)
    .bind(spec.kind.as_str())
    .bind(spec.name.as_str().to_owned())
    .bind(secret.hint.clone())
    .bind(credential.client_id.clone())
    .bind(secret.digest.as_str().to_owned())
    .bind(opt_ms(credential.expires_at))
    .bind(credential.certificate.as_ref().map(|c| c.subject.clone()))
    .bind(credential.certificate.as_ref().map(|c| ms(c.not_after)));
    let key = match (client_id, certificate) {
        (Some(client_id), _) => client_id.to_owned(),
        (None, Some(c)) => format!("for certificate {}", c.hint()),
        (None, None) => credential.id.clone(),
    };
    tx.exec(bind_meta(query, &credential.meta), KIND, &key).await?;
    tx.created(subject(&credential), &credential).await?;
    tx.commit().await?;
    Ok(credential)
}

fn subject(c: &Credential) -> Subject<'_> {
    Subject::new(KIND, c.id.clone(), Some(&c.agency))
}

pub(crate) async fn rotate(
    store: &SqlStore,
    id: &str,
    secret: &StoredSecret,
    change: &Change,
) -> StoreResult<Credential> {
    let mut tx = store.write(change).await?;
    let before = require(store, tx.conn(), id).await?;
    if before.revoked_at.is_some() {
        return Err(StoreError::InvalidState(format!(
            "credential {id} is revoked and cannot be rotated; create a new one"
        )));
    }
    if before.kind == CredentialKind::Certificate {
        return Err(StoreError::InvalidState(format!(
            "credential {id} is a certificate, which has no secret to rotate; register the new \
             certificate as a new credential, then revoke this one"
        )));
    }
    let after = Credential {
        hint: secret.hint.clone(),
        rotated_at: Some(tx.at),
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE credentials SET secret_digest = $1, hint = $2, rotated_at = $3, version = $4, \
         updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
    )
    .bind(secret.digest.as_str().to_owned())
    .bind(secret.hint.clone())
    .bind(ms(tx.at));
    save(tx, query, &before, &after).await?;
    Ok(after)
}

/// Revoking a revoked credential changes nothing and answers it as it is.
pub(crate) async fn revoke(store: &SqlStore, id: &str, change: &Change) -> StoreResult<Credential> {
    let mut tx = store.write(change).await?;
    let before = require(store, tx.conn(), id).await?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let after = Credential {
        revoked_at: Some(tx.at),
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE credentials SET revoked_at = $1, version = $2, updated_at = $3, updated_by = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(ms(tx.at));
    save(tx, query, &before, &after).await?;
    Ok(after)
}

/// Finishes a versioned UPDATE of a credential: binds the meta tail, logs, commits.
async fn save(
    mut tx: Tx<'_>,
    query: crate::tx::Q,
    before: &Credential,
    after: &Credential,
) -> StoreResult<()> {
    let query = bind_next(query, &after.meta, &before.id, before.meta.version);
    if tx.exec(query, KIND, &before.id).await? == 0 {
        return Err(lost_race(KIND, &before.id, before.meta.version));
    }
    tx.updated(subject(after), before, after).await?;
    tx.commit().await
}
