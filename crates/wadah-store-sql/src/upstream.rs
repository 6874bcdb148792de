//! Upstream credentials: how the gateway authenticates to a service's upstream. One row per
//! service (`upstream_credentials`, migration 0003), removed with its service by the foreign
//! key. The secret arrives already sealed and is stored as it came; the change log gets the
//! [`UpstreamCredential`] view (kind and public fields), never the sealed secret. Only the
//! gateway feed (`gateway.rs`) reads `sealed_secret` back.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::service::ServiceRef;
use wadah_domain::upstream::{UpstreamCredential, UpstreamCredentialPublic};
use wadah_store::{Change, StoreResult};

use crate::SqlStore;
use crate::error::{lost_race, not_found};
use crate::registry::service_ids;
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "upstream_credential";

const SELECT: &str = "SELECT doc, version, created_at, created_by, updated_at, updated_by \
                      FROM upstream_credentials WHERE service_id = $1";

fn from_row(service: &ServiceRef, row: &AnyRow) -> StoreResult<UpstreamCredential> {
    Ok(UpstreamCredential {
        agency: service.agency.clone(),
        application: service.application.clone(),
        service: service.service.clone(),
        public: row.doc()?,
        meta: row.meta()?,
    })
}

/// The service's row id, or `NotFound` for the service.
async fn service_id(store: &SqlStore, conn: &mut AnyConnection, service: &ServiceRef) -> StoreResult<String> {
    service_ids(store, conn, service)
        .await?
        .map(|ids| ids.id)
        .ok_or_else(|| not_found("service", service.to_string()))
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    service: &ServiceRef,
    id: &str,
) -> StoreResult<Option<UpstreamCredential>> {
    let row = sqlx::query(SELECT)
        .bind(id.to_owned())
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| from_row(service, &r)).transpose()
}

pub(crate) async fn get(store: &SqlStore, service: &ServiceRef) -> StoreResult<Option<UpstreamCredential>> {
    let mut conn = store.read().await?;
    let id = service_id(store, &mut conn, service).await?;
    load(store, &mut conn, service, &id).await
}

pub(crate) async fn set(
    store: &SqlStore,
    service: &ServiceRef,
    public: &UpstreamCredentialPublic,
    sealed_secret: &str,
    change: &Change,
) -> StoreResult<UpstreamCredential> {
    let mut tx = store.write(change).await?;
    let id = service_id(store, tx.conn(), service).await?;
    let before = load(store, tx.conn(), service, &id).await?;
    let key = service.to_string();
    let subject = || Subject::new(KIND, key.clone(), Some(&service.agency));
    let meta = match &before {
        Some(b) => tx.next_meta(&b.meta),
        None => tx.new_meta(),
    };
    let after = UpstreamCredential {
        agency: service.agency.clone(),
        application: service.application.clone(),
        service: service.service.clone(),
        public: public.clone(),
        meta,
    };
    match &before {
        None => {
            let query = sqlx::query(concat!(
                "INSERT INTO upstream_credentials (service_id, kind, doc, sealed_secret, ",
                meta_columns!(),
                ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
            ))
            .bind(id)
            .bind(public.kind())
            .bind(to_json(public)?)
            .bind(sealed_secret.to_owned());
            tx.exec(bind_meta(query, &after.meta), KIND, &key).await?;
            tx.created(subject(), &after).await?;
        }
        Some(b) => {
            let query = sqlx::query(
                "UPDATE upstream_credentials SET kind = $1, doc = $2, sealed_secret = $3, version = $4, \
                 updated_at = $5, updated_by = $6 WHERE service_id = $7 AND version = $8",
            )
            .bind(public.kind())
            .bind(to_json(public)?)
            .bind(sealed_secret.to_owned());
            let query = bind_next(query, &after.meta, &id, b.meta.version);
            if tx.exec(query, KIND, &key).await? == 0 {
                return Err(lost_race(KIND, &key, b.meta.version));
            }
            // The public parts may be equal while the secret changed: the entry still says so.
            tx.updated(subject(), b, &after).await?;
        }
    }
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete(store: &SqlStore, service: &ServiceRef, change: &Change) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let id = service_id(store, tx.conn(), service).await?;
    let key = service.to_string();
    let Some(before) = load(store, tx.conn(), service, &id).await? else {
        return Err(not_found(KIND, key));
    };
    tx.exec(
        sqlx::query("DELETE FROM upstream_credentials WHERE service_id = $1").bind(id),
        KIND,
        &key,
    )
    .await?;
    tx.deleted(Subject::new(KIND, key, Some(&service.agency)), &before)
        .await?;
    tx.commit().await
}
