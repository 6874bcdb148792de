//! The gateway's feed: services, credentials with their digests, rights and sealed upstream
//! credentials, read as one consistent picture at one registry version.
//!
//! Consistency without engine branches: the reads run in one read transaction (a snapshot on
//! SQLite), and the registry version is read before and after. Every write bumps that version
//! in its own transaction, so equal versions prove no write committed in between, on
//! PostgreSQL's per-statement snapshots as well; otherwise the read is repeated. This module
//! decodes its own rows (a few lines) rather than reaching into the resource modules, because
//! it is the only reader of `secret_digest` and `sealed_secret`.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::access::AccessRight;
use wadah_domain::credential::Credential;
use wadah_domain::secret::SecretDigest;
use wadah_domain::service::Service;
use wadah_domain::service::ServiceRef;
use wadah_domain::text::Name;
use wadah_store::{GatewayCredential, GatewayUpstreamCredential, GatewayView, StoreError, StoreResult};

use crate::SqlStore;
use crate::error::corrupt;
use crate::rows::{RowExt, parse_enum};

/// How often a view is re-read when writes keep landing in the middle of it.
const ATTEMPTS: usize = 5;

const SERVICES: &str = "SELECT s.doc, s.version, s.created_at, s.created_by, s.updated_at, s.updated_by, \
     a.code AS agency_code, p.code AS application_code FROM services s \
     JOIN applications p ON p.id = s.application_id JOIN agencies a ON a.id = p.agency_id \
     ORDER BY a.code, p.code, s.code";

const CREDENTIALS: &str = "SELECT c.id, c.kind, c.name, c.hint, c.client_id, c.secret_digest, c.expires_at, \
     c.rotated_at, c.revoked_at, c.certificate_subject, c.certificate_not_after, c.version, c.created_at, c.created_by, c.updated_at, c.updated_by, \
     a.code AS agency_code, p.code AS application_code FROM credentials c \
     JOIN applications p ON p.id = c.application_id JOIN agencies a ON a.id = p.agency_id ORDER BY c.id";

const UPSTREAM_CREDENTIALS: &str = "SELECT u.doc, u.sealed_secret, u.version, a.code AS agency_code, \
     p.code AS application_code, s.code AS service_code FROM upstream_credentials u \
     JOIN services s ON s.id = u.service_id JOIN applications p ON p.id = s.application_id \
     JOIN agencies a ON a.id = p.agency_id ORDER BY a.code, p.code, s.code";

const RIGHTS: &str = "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, \
     r.updated_by FROM access_rights r ORDER BY r.id";

pub(crate) async fn view(store: &SqlStore) -> StoreResult<GatewayView> {
    for _ in 0..ATTEMPTS {
        let mut tx = store.pool.begin().await.map_err(|e| store.db(e))?;
        let before = version(store, &mut tx).await?;
        let services = fetch(store, &mut tx, SERVICES, service).await?;
        let credentials = fetch(store, &mut tx, CREDENTIALS, credential).await?;
        let rights = fetch(store, &mut tx, RIGHTS, right).await?;
        let upstream_credentials = fetch(store, &mut tx, UPSTREAM_CREDENTIALS, upstream_credential).await?;
        let after = version(store, &mut tx).await?;
        tx.rollback().await.map_err(|e| store.db(e))?;
        if before == after {
            return Ok(GatewayView {
                version: after,
                services,
                credentials,
                rights,
                upstream_credentials,
            });
        }
    }
    Err(StoreError::Unavailable(
        "the registry kept changing while the gateway read it; retrying later".into(),
    ))
}

async fn version(store: &SqlStore, conn: &mut AnyConnection) -> StoreResult<i64> {
    let row = sqlx::query("SELECT version FROM registry_state WHERE id = 1")
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    match row {
        Some(row) => row.int("version"),
        None => Err(StoreError::Unavailable(
            "the database has no registry state yet (run `wadah migrate`)".into(),
        )),
    }
}

async fn fetch<T>(
    store: &SqlStore,
    conn: &mut AnyConnection,
    sql: &'static str,
    decode: fn(&AnyRow) -> StoreResult<T>,
) -> StoreResult<Vec<T>> {
    let rows = sqlx::query(sql).fetch_all(conn).await.map_err(|e| store.db(e))?;
    rows.iter().map(decode).collect()
}

fn service(row: &AnyRow) -> StoreResult<Service> {
    Ok(Service {
        agency: row.code("agency_code")?,
        application: row.code("application_code")?,
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

fn credential(row: &AnyRow) -> StoreResult<GatewayCredential> {
    let credential = Credential {
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
        certificate: crate::access::credentials::certificate_info(row)?,
        meta: row.meta()?,
    };
    let digest = SecretDigest::from_stored(row.text("secret_digest")?);
    Ok(GatewayCredential { credential, digest })
}

fn right(row: &AnyRow) -> StoreResult<AccessRight> {
    Ok(AccessRight {
        id: row.text("id")?,
        spec: row.doc()?,
        request: row.opt_text("request_id")?,
        meta: row.meta()?,
    })
}

fn upstream_credential(row: &AnyRow) -> StoreResult<GatewayUpstreamCredential> {
    Ok(GatewayUpstreamCredential {
        service: ServiceRef {
            agency: row.code("agency_code")?,
            application: row.code("application_code")?,
            service: row.code("service_code")?,
        },
        public: row.doc()?,
        sealed_secret: row.text("sealed_secret")?,
        version: row.int("version")?,
    })
}
