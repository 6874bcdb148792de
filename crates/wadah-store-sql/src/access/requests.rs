//! Access requests: a consuming application asks a provider for a right. Only a pending
//! request can be decided or withdrawn; the status check and the change happen in one write
//! transaction, so deciding twice fails even when two people click at once. Approval grants
//! the right in the same transaction.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Actor;
use wadah_domain::access::{AccessRequest, AccessRequestSpec, Decision, RequestStatus};
use wadah_store::{AccessFilter, Change, Page, PageRequest, StoreError, StoreResult};

use super::{JOINS, apply_filter, resolve, rights};
use crate::SqlStore;
use crate::error::{lost_race, not_found};
use crate::query::{Arg, Sql};
use crate::registry::Cascade;
use crate::rows::{RowExt, opt_ms, parse_enum, to_json};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

const KIND: &str = "access_request";

const COLUMNS: &str = "SELECT r.id, r.status, r.decided_at, r.decided_by, r.reason, r.right_id, r.doc, \
                       r.version, r.created_at, r.created_by, r.updated_at, r.updated_by FROM access_requests r";

fn from_row(row: &AnyRow) -> StoreResult<AccessRequest> {
    Ok(AccessRequest {
        id: row.text("id")?,
        spec: row.doc()?,
        status: parse_enum("status", row.text("status")?)?,
        decided_at: row.opt_time("decided_at")?,
        decided_by: row.opt_text("decided_by")?.map(Actor::from_stored),
        reason: row.text("reason")?,
        right: row.opt_text("right_id")?,
        meta: row.meta()?,
    })
}

fn subject(request: &AccessRequest) -> Subject<'_> {
    Subject::new(KIND, request.id.clone(), Some(&request.spec.service.agency))
        .consumer(&request.spec.consumer.agency)
}

async fn require(store: &SqlStore, conn: &mut AnyConnection, id: &str) -> StoreResult<AccessRequest> {
    let mut sql = Sql::select(COLUMNS);
    sql.filter("r.id = ?", [id.into()]);
    let rows = sql.fetch_all(store, conn).await?;
    rows.first()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| not_found(KIND, id))
}

pub(crate) async fn get(store: &SqlStore, id: &str) -> StoreResult<AccessRequest> {
    let mut conn = store.read().await?;
    require(store, &mut conn, id).await
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &AccessFilter,
    page: &PageRequest,
) -> StoreResult<Page<AccessRequest>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select(COLUMNS);
    sql.push(JOINS, []);
    apply_filter(&mut sql, filter);
    sql.filter_opt("r.status = ?", filter.status.map(|s| s.as_str()))
        .filter_opt("r.id > ?", page.after.as_deref().map(Arg::from))
        .page("r.id", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| r.id.clone()))
}

pub(crate) async fn create(
    store: &SqlStore,
    spec: &AccessRequestSpec,
    change: &Change,
) -> StoreResult<AccessRequest> {
    if spec.consumer.application.is_none() {
        return Err(StoreError::InvalidState(
            "an access request names the requesting application".into(),
        ));
    }
    let mut tx = store.write(change).await?;
    let refs = resolve(store, tx.conn(), &spec.consumer, &spec.service).await?;
    let request = AccessRequest {
        id: tx.new_id(),
        spec: spec.clone(),
        status: RequestStatus::Pending,
        decided_at: None,
        decided_by: None,
        reason: String::new(),
        right: None,
        meta: tx.new_meta(),
    };
    let query = sqlx::query(concat!(
        "INSERT INTO access_requests (id, service_id, provider_agency_id, consumer_agency_id, \
         consumer_application_id, status, reason, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(request.id.clone())
    .bind(refs.service_id)
    .bind(refs.provider_agency_id)
    .bind(refs.consumer_agency_id)
    .bind(refs.consumer_application_id)
    .bind(request.status.as_str())
    .bind(String::new())
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &request.meta), KIND, &request.id)
        .await?;
    tx.created(subject(&request), &request).await?;
    tx.commit().await?;
    Ok(request)
}

/// Loads a request that must still be pending.
async fn pending(tx: &mut Tx<'_>, id: &str, verb: &str) -> StoreResult<AccessRequest> {
    let store = tx.store();
    let request = require(store, tx.conn(), id).await?;
    if request.status != RequestStatus::Pending {
        return Err(StoreError::InvalidState(format!(
            "access request {id} is already {}; only a pending request can be {verb}",
            request.status.as_str()
        )));
    }
    Ok(request)
}

pub(crate) async fn decide(
    store: &SqlStore,
    id: &str,
    decision: &Decision,
    change: &Change,
) -> StoreResult<AccessRequest> {
    let mut tx = store.write(change).await?;
    let before = pending(&mut tx, id, "decided").await?;
    let (status, right) = if decision.approve {
        let spec = before
            .spec
            .as_right(decision.expires_at, decision.limit_per_minute);
        let right = rights::insert(&mut tx, &spec, Some(id)).await?;
        (RequestStatus::Approved, Some(right.id))
    } else {
        (RequestStatus::Rejected, None)
    };
    let after = AccessRequest {
        status,
        decided_at: Some(tx.at),
        decided_by: Some(tx.actor.clone()),
        reason: decision.reason.as_str().to_owned(),
        right,
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE access_requests SET status = $1, decided_at = $2, decided_by = $3, reason = $4, \
         right_id = $5, version = $6, updated_at = $7, updated_by = $8 WHERE id = $9 AND version = $10",
    )
    .bind(after.status.as_str())
    .bind(opt_ms(after.decided_at))
    .bind(after.decided_by.as_ref().map(|a| a.as_str().to_owned()))
    .bind(after.reason.clone())
    .bind(after.right.clone());
    save(tx, query, &before, &after).await?;
    Ok(after)
}

pub(crate) async fn withdraw(store: &SqlStore, id: &str, change: &Change) -> StoreResult<AccessRequest> {
    let mut tx = store.write(change).await?;
    let before = pending(&mut tx, id, "withdrawn").await?;
    let after = AccessRequest {
        status: RequestStatus::Withdrawn,
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE access_requests SET status = $1, version = $2, updated_at = $3, updated_by = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(after.status.as_str());
    save(tx, query, &before, &after).await?;
    Ok(after)
}

/// Finishes a versioned UPDATE of a request: binds the meta tail, logs, commits.
async fn save(
    mut tx: Tx<'_>,
    query: crate::tx::Q,
    before: &AccessRequest,
    after: &AccessRequest,
) -> StoreResult<()> {
    let query = bind_next(query, &after.meta, &before.id, before.meta.version);
    if tx.exec(query, KIND, &before.id).await? == 0 {
        return Err(lost_race(KIND, &before.id, before.meta.version));
    }
    tx.updated(subject(after), before, after).await?;
    tx.commit().await
}

/// Logs the requests a cascading delete is about to remove (foreign keys remove the rows).
pub(crate) async fn log_cascade(tx: &mut Tx<'_>, scope: Cascade<'_>) -> StoreResult<()> {
    let sql = match scope {
        Cascade::Agency(_) => concat!(
            "SELECT r.id, r.status, r.decided_at, r.decided_by, r.reason, r.right_id, r.doc, r.version, ",
            "r.created_at, r.created_by, r.updated_at, r.updated_by FROM access_requests r ",
            "WHERE r.provider_agency_id = $1 OR r.consumer_agency_id = $1 ORDER BY r.id"
        ),
        Cascade::Application(_) => concat!(
            "SELECT r.id, r.status, r.decided_at, r.decided_by, r.reason, r.right_id, r.doc, r.version, ",
            "r.created_at, r.created_by, r.updated_at, r.updated_by FROM access_requests r ",
            "WHERE r.consumer_application_id = $1 ",
            "OR r.service_id IN (SELECT id FROM services WHERE application_id = $1) ORDER BY r.id"
        ),
        Cascade::Service(_) => concat!(
            "SELECT r.id, r.status, r.decided_at, r.decided_by, r.reason, r.right_id, r.doc, r.version, ",
            "r.created_at, r.created_by, r.updated_at, r.updated_by FROM access_requests r ",
            "WHERE r.service_id = $1 ORDER BY r.id"
        ),
    };
    let store = tx.store();
    let rows = sqlx::query(sql)
        .bind(scope.id())
        .fetch_all(tx.conn())
        .await
        .map_err(|e| store.db(e))?;
    for row in &rows {
        let request = from_row(row)?;
        tx.deleted(subject(&request), &request).await?;
    }
    Ok(())
}
