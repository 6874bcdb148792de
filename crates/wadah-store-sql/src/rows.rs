//! Row decoding shared by every resource: typed column getters that turn decode failures into
//! `StoreError::Internal`, the meta columns every table has, and the JSON `doc` column that
//! holds an object's spec so the domain types round-trip exactly.
//!
//! Time is stored as BIGINT epoch milliseconds; flags as 0/1 integers (the `Any` driver cannot
//! map SQLite's BOOLEAN).

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;
use wadah_domain::time::from_millis;
use wadah_domain::{Actor, Code, Meta, Timestamp};
use wadah_store::StoreResult;

use crate::error::corrupt;

pub(crate) fn ms(t: Timestamp) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn opt_ms(t: Option<Timestamp>) -> Option<i64> {
    t.map(ms)
}

/// A timestamp cut to what the store keeps, so a returned object equals the stored one.
pub(crate) fn to_stored(t: Timestamp) -> Timestamp {
    from_millis(ms(t))
}

pub(crate) fn flag(b: bool) -> i64 {
    i64::from(b)
}

pub(crate) fn to_json<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| corrupt("document (encoding)", e))
}

pub(crate) fn to_value<T: Serialize>(value: &T) -> StoreResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| corrupt("document (encoding)", e))
}

/// Lower-case text a substring `q` matches against (users only; the registry searches its
/// word index, see `registry::search`).
pub(crate) fn search_text(parts: &[&str]) -> String {
    parts.join(" ").to_lowercase()
}

pub(crate) trait RowExt {
    fn text(&self, col: &str) -> StoreResult<String>;
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>>;
    fn int(&self, col: &str) -> StoreResult<i64>;
    fn opt_int(&self, col: &str) -> StoreResult<Option<i64>>;

    fn time(&self, col: &str) -> StoreResult<Timestamp> {
        self.int(col).map(from_millis)
    }

    fn opt_time(&self, col: &str) -> StoreResult<Option<Timestamp>> {
        Ok(self.opt_int(col)?.map(from_millis))
    }

    fn code(&self, col: &str) -> StoreResult<Code> {
        let raw = self.text(col)?;
        Code::parse(&raw).map_err(|e| corrupt(col, e))
    }

    /// The `version, created_*, updated_*` columns.
    fn meta(&self) -> StoreResult<Meta> {
        Ok(Meta {
            version: self.int("version")?,
            created_at: self.time("created_at")?,
            created_by: Actor::from_stored(self.text("created_by")?),
            updated_at: self.time("updated_at")?,
            updated_by: Actor::from_stored(self.text("updated_by")?),
        })
    }

    /// The JSON `doc` column as a spec type.
    fn doc<T: DeserializeOwned>(&self) -> StoreResult<T> {
        let raw = self.text("doc")?;
        serde_json::from_str(&raw).map_err(|e| corrupt("document", e))
    }
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> StoreResult<String> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn int(&self, col: &str) -> StoreResult<i64> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }

    fn opt_int(&self, col: &str) -> StoreResult<Option<i64>> {
        self.try_get(col).map_err(|e| corrupt(col, e))
    }
}

/// An enum stored as the text serde gives it (`api_key`, `pending`…).
pub(crate) fn parse_enum<T: DeserializeOwned>(what: &str, raw: String) -> StoreResult<T> {
    serde_json::from_value(serde_json::Value::String(raw)).map_err(|e| corrupt(what, e))
}
