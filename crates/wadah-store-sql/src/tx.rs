//! The write discipline. Every write goes through a [`Tx`], which
//! 1. queues behind other writers when the engine has a single writer (SQLite),
//! 2. opens the transaction with the engine's `begin_write` statement,
//! 3. bumps `registry_state.version` first, which also takes the write lock early, so the
//!    reads a write makes (dependents, current version, request status) see every earlier
//!    commit on both engines,
//! 4. appends the change-log entry (who, when, what, before/after JSON) in the same
//!    transaction, and
//! 5. commits; dropping a `Tx` without committing rolls everything back, so a failed write
//!    changes neither the registry version nor the change log.
//!
//! It also mints ids: uuid v7 from the change's time (not the system clock), ordered within a
//! millisecond by a shared counter.

use serde::Serialize;
use sqlx::AnyConnection;
use sqlx::any::{Any, AnyArguments};
use sqlx::pool::PoolConnection;
use sqlx::query::Query;
use uuid::{Timestamp as UuidTime, Uuid};
use wadah_domain::change::ChangeAction;
use wadah_domain::{Actor, Code, Meta, Timestamp};
use wadah_store::{Change, StoreResult};

use crate::SqlStore;
use crate::rows::{ms, to_stored, to_value};

pub(crate) type Q = Query<'static, Any, AnyArguments>;

/// What a change-log entry is about.
#[derive(Debug)]
pub(crate) struct Subject<'a> {
    pub kind: &'static str,
    pub key: String,
    /// The agency the object belongs to (for rights and requests: the provider).
    pub agency: Option<&'a Code>,
    /// For rights and requests: the consumer agency, so its scoped view shows them too.
    pub consumer: Option<&'a Code>,
}

impl<'a> Subject<'a> {
    pub fn new(kind: &'static str, key: impl Into<String>, agency: Option<&'a Code>) -> Self {
        Self {
            kind,
            key: key.into(),
            agency,
            consumer: None,
        }
    }

    pub fn consumer(mut self, consumer: &'a Code) -> Self {
        self.consumer = Some(consumer);
        self
    }
}

impl SqlStore {
    /// A connection for reads.
    pub(crate) async fn read(&self) -> StoreResult<PoolConnection<Any>> {
        self.pool.acquire().await.map_err(|e| self.db(e))
    }

    /// Opens a write transaction for `change` (see the module docs for what that involves).
    pub(crate) async fn write(&self, change: &Change) -> StoreResult<Tx<'_>> {
        let writer = match &self.writer {
            Some(gate) => Some(gate.lock().await),
            None => None,
        };
        let mut tx = self
            .pool
            .begin_with(self.engine.begin_write)
            .await
            .map_err(|e| self.db(e))?;
        sqlx::query("UPDATE registry_state SET version = version + 1 WHERE id = 1")
            .execute(&mut *tx)
            .await
            .map_err(|e| self.db(e))?;
        Ok(Tx {
            store: self,
            tx,
            _writer: writer,
            at: to_stored(change.at),
            actor: change.actor.clone(),
        })
    }

    pub(crate) fn new_id(&self, at: Timestamp) -> String {
        let secs = u64::try_from(at.timestamp()).unwrap_or(0);
        let nanos = at.timestamp_subsec_nanos();
        let context = match self.ids.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        Uuid::new_v7(UuidTime::from_unix(&*context, secs, nanos)).to_string()
    }
}

/// One write transaction. See the module docs.
pub(crate) struct Tx<'s> {
    store: &'s SqlStore,
    tx: sqlx::Transaction<'static, Any>,
    _writer: Option<tokio::sync::MutexGuard<'s, ()>>,
    /// The change's time, cut to milliseconds (what the store keeps).
    pub at: Timestamp,
    pub actor: Actor,
}

impl<'s> Tx<'s> {
    pub fn conn(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }

    pub fn store(&self) -> &'s SqlStore {
        self.store
    }

    pub fn new_id(&self) -> String {
        self.store.new_id(self.at)
    }

    pub fn new_meta(&self) -> Meta {
        Meta::new(&self.actor, self.at)
    }

    pub fn next_meta(&self, meta: &Meta) -> Meta {
        meta.next(&self.actor, self.at)
    }

    /// Runs a statement, mapping errors as a write of `kind` `key`; answers the rows affected.
    pub async fn exec(&mut self, query: Q, kind: &'static str, key: &str) -> StoreResult<u64> {
        let store = self.store;
        let done = query.execute(&mut *self.tx).await;
        done.map(|r| r.rows_affected())
            .map_err(|e| store.db_write(e, kind, key))
    }

    pub async fn created<T: Serialize>(&mut self, subject: Subject<'_>, after: &T) -> StoreResult<()> {
        let after = to_value(after)?;
        self.log(ChangeAction::Create, subject, None, Some(after)).await
    }

    pub async fn updated<T: Serialize>(
        &mut self,
        subject: Subject<'_>,
        before: &T,
        after: &T,
    ) -> StoreResult<()> {
        let (before, after) = (to_value(before)?, to_value(after)?);
        self.log(ChangeAction::Update, subject, Some(before), Some(after))
            .await
    }

    pub async fn deleted<T: Serialize>(&mut self, subject: Subject<'_>, before: &T) -> StoreResult<()> {
        let before = to_value(before)?;
        self.log(ChangeAction::Delete, subject, Some(before), None).await
    }

    async fn log(
        &mut self,
        action: ChangeAction,
        subject: Subject<'_>,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> StoreResult<()> {
        let query = sqlx::query(
            "INSERT INTO change_log (at, actor, action, kind, object_key, agency, consumer_agency, \
             before_doc, after_doc) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(ms(self.at))
        .bind(self.actor.as_str().to_owned())
        .bind(action.as_str())
        .bind(subject.kind)
        .bind(subject.key)
        .bind(subject.agency.map(|c| c.as_str().to_owned()))
        .bind(subject.consumer.map(|c| c.as_str().to_owned()))
        .bind(before.map(|v| v.to_string()))
        .bind(after.map(|v| v.to_string()));
        let store = self.store;
        query.execute(&mut *self.tx).await.map_err(|e| store.db(e))?;
        Ok(())
    }

    pub async fn commit(mut self) -> StoreResult<()> {
        let store = self.store;
        // Other nodes learn of the change from the engine's notice, sent on commit (PostgreSQL
        // delivers a NOTIFY only when its transaction commits, and never a rolled-back one).
        if let Some(notice) = store.engine.change_notice {
            sqlx::query(notice)
                .execute(&mut *self.tx)
                .await
                .map_err(|e| store.db(e))?;
        }
        self.tx.commit().await.map_err(|e| store.db(e))?;
        store.changed();
        Ok(())
    }
}

/// Binds the five meta columns in `meta_columns!()` order.
pub(crate) fn bind_meta(query: Q, meta: &Meta) -> Q {
    query
        .bind(meta.version)
        .bind(ms(meta.created_at))
        .bind(meta.created_by.as_str().to_owned())
        .bind(ms(meta.updated_at))
        .bind(meta.updated_by.as_str().to_owned())
}

/// Binds the tail every versioned UPDATE ends with:
/// `version = ?, updated_at = ?, updated_by = ? WHERE id = ? AND version = ?`.
pub(crate) fn bind_next(query: Q, meta: &Meta, id: &str, expected: i64) -> Q {
    query
        .bind(meta.version)
        .bind(ms(meta.updated_at))
        .bind(meta.updated_by.as_str().to_owned())
        .bind(id.to_owned())
        .bind(expected)
}
