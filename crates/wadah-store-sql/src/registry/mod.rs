//! The registry proper: governments, agencies, applications, services and public services.
//! Objects are addressed by their codes; rows are keyed by uuid ids so that foreign keys (and
//! `ON DELETE CASCADE`) do the bookkeeping. This module holds the code → id look-ups and the
//! dependent counting every delete shares.
//!
//! Applications, services and public services also keep their path of codes as `sort_key`
//! (`search::sort_key`, unique): a look-up by path is one index probe, and a parent's children
//! are a key range, on both engines. Joining or comparing the `*_id` reference columns would
//! not do on PostgreSQL, where they are in the default collation while the ids are "C", so
//! their indexes cannot serve the comparison (the planner then hashes or scans).

pub(crate) mod agencies;
pub(crate) mod applications;
pub(crate) mod governments;
pub(crate) mod public_services;
pub(crate) mod search;
pub(crate) mod services;

use sqlx::AnyConnection;
use wadah_domain::Code;
use wadah_domain::service::ServiceRef;
use wadah_store::{StoreError, StoreResult};

use crate::SqlStore;
use crate::error::not_found;
use crate::rows::RowExt;

/// The ids behind an application path.
#[derive(Debug, Clone)]
pub(crate) struct AppIds {
    pub id: String,
    pub agency_id: String,
}

/// The ids behind a service path.
#[derive(Debug, Clone)]
pub(crate) struct ServiceIds {
    pub id: String,
    pub agency_id: String,
}

pub(crate) async fn agency_id(
    store: &SqlStore,
    conn: &mut AnyConnection,
    code: &Code,
) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM agencies WHERE code = $1")
        .bind(code.as_str().to_owned())
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| r.text("id")).transpose()
}

/// The agency's id, or `NotFound` (the agency is in the caller's path).
pub(crate) async fn require_agency(
    store: &SqlStore,
    conn: &mut AnyConnection,
    code: &Code,
) -> StoreResult<String> {
    agency_id(store, conn, code)
        .await?
        .ok_or_else(|| not_found("agency", code.as_str()))
}

pub(crate) async fn application_ids(
    store: &SqlStore,
    conn: &mut AnyConnection,
    agency: &Code,
    code: &Code,
) -> StoreResult<Option<AppIds>> {
    let row = sqlx::query("SELECT p.id, p.agency_id FROM applications p WHERE p.sort_key = $1")
        .bind(search::sort_key(&[agency.as_str(), code.as_str()]))
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| {
        Ok(AppIds {
            id: r.text("id")?,
            agency_id: r.text("agency_id")?,
        })
    })
    .transpose()
}

/// The application's ids, or `NotFound` naming the first missing segment of the path.
pub(crate) async fn require_application(
    store: &SqlStore,
    conn: &mut AnyConnection,
    agency: &Code,
    code: &Code,
) -> StoreResult<AppIds> {
    if let Some(ids) = application_ids(store, conn, agency, code).await? {
        return Ok(ids);
    }
    require_agency(store, conn, agency).await?;
    Err(not_found("application", format!("{agency}/{code}")))
}

pub(crate) async fn service_ids(
    store: &SqlStore,
    conn: &mut AnyConnection,
    service: &ServiceRef,
) -> StoreResult<Option<ServiceIds>> {
    let row = sqlx::query("SELECT s.id, s.agency_id FROM services s WHERE s.sort_key = $1")
        .bind(search::sort_key(&[
            service.agency.as_str(),
            service.application.as_str(),
            service.service.as_str(),
        ]))
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| {
        Ok(ServiceIds {
            id: r.text("id")?,
            agency_id: r.text("agency_id")?,
        })
    })
    .transpose()
}

/// The subtree a cascading delete removes, by the id of its root.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Cascade<'a> {
    Agency(&'a str),
    Application(&'a str),
    Service(&'a str),
}

impl Cascade<'_> {
    pub fn id(&self) -> String {
        match self {
            Self::Agency(id) | Self::Application(id) | Self::Service(id) => (*id).to_owned(),
        }
    }
}

/// Counts rows with one static query taking one id.
pub(crate) async fn count(
    store: &SqlStore,
    conn: &mut AnyConnection,
    sql: &'static str,
    id: &str,
) -> StoreResult<i64> {
    let row = sqlx::query(sql)
        .bind(id.to_owned())
        .fetch_one(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.int("n")
}

/// Dependents of an object, counted per kind, for the `InUse` message.
#[derive(Debug, Default)]
pub(crate) struct Dependents(Vec<(i64, &'static str, &'static str)>);

impl Dependents {
    /// Counts with `sql` (one `$1` id, one column `n`) under a singular/plural noun.
    pub async fn add(
        &mut self,
        store: &SqlStore,
        conn: &mut AnyConnection,
        sql: &'static str,
        id: &str,
        nouns: (&'static str, &'static str),
    ) -> StoreResult<()> {
        let n = count(store, conn, sql, id).await?;
        if n > 0 {
            self.0.push((n, nouns.0, nouns.1));
        }
        Ok(())
    }

    /// `Err(InUse)` if anything was counted, e.g. "11 applications and 2 users".
    pub fn refuse(self, kind: &'static str, key: &str) -> StoreResult<()> {
        if self.0.is_empty() {
            return Ok(());
        }
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
            .collect();
        let dependents = match parts.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => parts.join(""),
        };
        Err(StoreError::InUse {
            kind,
            key: key.to_owned(),
            dependents,
        })
    }
}

/// A spec's enum as the text serde gives it (`kota`, `public`…), for filter columns.
pub(crate) fn enum_text<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        Ok(other) => Err(StoreError::Internal(format!(
            "expected a string enum, got {other}"
        ))),
        Err(e) => Err(StoreError::Internal(format!("cannot encode an enum: {e}"))),
    }
}
