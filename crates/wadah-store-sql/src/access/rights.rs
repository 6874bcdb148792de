//! Access rights: what a consumer may call. The spec lives in `doc`; the service, provider,
//! consumer and request ids are columns for foreign keys and filters. Approving a request
//! creates a right through [`insert`] in the request's transaction.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::access::{AccessRight, AccessRightSpec};
use wadah_store::{AccessFilter, Change, DeleteMode, Page, PageRequest, StoreResult};

use super::{JOINS, apply_filter, resolve};
use crate::SqlStore;
use crate::error::{lost_race, not_found, stale};
use crate::query::{Arg, Sql};
use crate::registry::Cascade;
use crate::rows::{RowExt, opt_ms, to_json, to_stored};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

const KIND: &str = "access_right";

const COLUMNS: &str = "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, r.updated_by \
     FROM access_rights r";

fn from_row(row: &AnyRow) -> StoreResult<AccessRight> {
    Ok(AccessRight {
        id: row.text("id")?,
        spec: row.doc()?,
        request: row.opt_text("request_id")?,
        meta: row.meta()?,
    })
}

fn subject(right: &AccessRight) -> Subject<'_> {
    Subject::new(KIND, right.id.clone(), Some(&right.spec.service.agency))
        .consumer(&right.spec.consumer.agency)
}

/// The spec as stored: times cut to milliseconds so what is returned equals what is read back.
fn stored(spec: &AccessRightSpec) -> AccessRightSpec {
    AccessRightSpec {
        expires_at: spec.expires_at.map(to_stored),
        ..spec.clone()
    }
}

async fn require(store: &SqlStore, conn: &mut AnyConnection, id: &str) -> StoreResult<AccessRight> {
    let row = sqlx::query(
        "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, \
         r.updated_by FROM access_rights r WHERE r.id = $1",
    )
    .bind(id.to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| not_found(KIND, id))
}

pub(crate) async fn get(store: &SqlStore, id: &str) -> StoreResult<AccessRight> {
    let mut conn = store.read().await?;
    require(store, &mut conn, id).await
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &AccessFilter,
    page: &PageRequest,
) -> StoreResult<Page<AccessRight>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select(COLUMNS);
    sql.push(JOINS, []);
    apply_filter(&mut sql, filter);
    sql.filter_opt("r.id > ?", page.after.as_deref().map(Arg::from))
        .page("r.id", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| r.id.clone()))
}

/// Inserts and logs a right inside `tx` (a plain create, or an approval).
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    spec: &AccessRightSpec,
    request: Option<&str>,
) -> StoreResult<AccessRight> {
    let store = tx.store();
    let refs = resolve(store, tx.conn(), &spec.consumer, &spec.service).await?;
    let right = AccessRight {
        id: tx.new_id(),
        spec: stored(spec),
        request: request.map(str::to_owned),
        meta: tx.new_meta(),
    };
    let query = sqlx::query(concat!(
        "INSERT INTO access_rights (id, service_id, provider_agency_id, consumer_agency_id, \
         consumer_application_id, request_id, expires_at, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(right.id.clone())
    .bind(refs.service_id)
    .bind(refs.provider_agency_id)
    .bind(refs.consumer_agency_id)
    .bind(refs.consumer_application_id)
    .bind(right.request.clone())
    .bind(opt_ms(right.spec.expires_at))
    .bind(to_json(&right.spec)?);
    tx.exec(bind_meta(query, &right.meta), KIND, &right.id).await?;
    tx.created(subject(&right), &right).await?;
    Ok(right)
}

pub(crate) async fn create(
    store: &SqlStore,
    spec: &AccessRightSpec,
    change: &Change,
) -> StoreResult<AccessRight> {
    let mut tx = store.write(change).await?;
    let right = insert(&mut tx, spec, None).await?;
    tx.commit().await?;
    Ok(right)
}

pub(crate) async fn update(
    store: &SqlStore,
    id: &str,
    spec: &AccessRightSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<AccessRight> {
    let mut tx = store.write(change).await?;
    let before = require(store, tx.conn(), id).await?;
    if before.meta.version != expected {
        return Err(stale(KIND, id, expected, before.meta.version));
    }
    let refs = resolve(store, tx.conn(), &spec.consumer, &spec.service).await?;
    let after = AccessRight {
        spec: stored(spec),
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE access_rights SET service_id = $1, provider_agency_id = $2, consumer_agency_id = $3, \
         consumer_application_id = $4, expires_at = $5, doc = $6, version = $7, updated_at = $8, \
         updated_by = $9 WHERE id = $10 AND version = $11",
    )
    .bind(refs.service_id)
    .bind(refs.provider_agency_id)
    .bind(refs.consumer_agency_id)
    .bind(refs.consumer_application_id)
    .bind(opt_ms(after.spec.expires_at))
    .bind(to_json(&after.spec)?);
    let query = bind_next(query, &after.meta, id, expected);
    if tx.exec(query, KIND, id).await? == 0 {
        return Err(lost_race(KIND, id, expected));
    }
    tx.updated(subject(&after), &before, &after).await?;
    tx.commit().await?;
    Ok(after)
}

/// Nothing depends on a right (a request that granted it just loses the link).
pub(crate) async fn delete(store: &SqlStore, id: &str, mode: DeleteMode, change: &Change) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let before = require(store, tx.conn(), id).await?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, id, expected, before.meta.version));
    }
    tx.exec(
        sqlx::query("DELETE FROM access_rights WHERE id = $1").bind(id.to_owned()),
        KIND,
        id,
    )
    .await?;
    tx.deleted(subject(&before), &before).await?;
    tx.commit().await
}

/// Logs the rights a cascading delete is about to remove (foreign keys remove the rows).
pub(crate) async fn log_cascade(tx: &mut Tx<'_>, scope: Cascade<'_>) -> StoreResult<()> {
    let sql = match scope {
        Cascade::Agency(_) => concat!(
            "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, ",
            "r.updated_by FROM access_rights r WHERE r.provider_agency_id = $1 OR r.consumer_agency_id = $1 ORDER BY r.id"
        ),
        Cascade::Application(_) => concat!(
            "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, ",
            "r.updated_by FROM access_rights r WHERE r.consumer_application_id = $1 ",
            "OR r.service_id IN (SELECT id FROM services WHERE application_id = $1) ORDER BY r.id"
        ),
        Cascade::Service(_) => concat!(
            "SELECT r.id, r.request_id, r.doc, r.version, r.created_at, r.created_by, r.updated_at, ",
            "r.updated_by FROM access_rights r WHERE r.service_id = $1 ORDER BY r.id"
        ),
    };
    let store = tx.store();
    let rows = sqlx::query(sql)
        .bind(scope.id())
        .fetch_all(tx.conn())
        .await
        .map_err(|e| store.db(e))?;
    for row in &rows {
        let right = from_row(row)?;
        tx.deleted(subject(&right), &right).await?;
    }
    Ok(())
}
