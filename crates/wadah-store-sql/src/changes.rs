//! Reading the change log (the rows themselves are appended by `tx`). Newest first; the cursor
//! is the last entry's id. An agency's view holds the entries about its own objects and about
//! rights and requests where it is the consumer.

use sqlx::any::AnyRow;
use wadah_domain::Actor;
use wadah_domain::change::ChangeEntry;
use wadah_store::{ChangeFilter, Page, PageRequest, StoreError, StoreResult};

use crate::SqlStore;
use crate::error::corrupt;
use crate::query::Sql;
use crate::rows::{RowExt, parse_enum};

fn json(row: &AnyRow, col: &str) -> StoreResult<Option<serde_json::Value>> {
    row.opt_text(col)?
        .map(|raw| serde_json::from_str(&raw).map_err(|e| corrupt(col, e)))
        .transpose()
}

fn from_row(row: &AnyRow) -> StoreResult<ChangeEntry> {
    Ok(ChangeEntry {
        id: row.int("id")?,
        at: row.time("at")?,
        actor: Actor::from_stored(row.text("actor")?),
        action: parse_enum("action", row.text("action")?)?,
        kind: row.text("kind")?,
        key: row.text("object_key")?,
        agency: row
            .opt_text("agency")?
            .map(|c| wadah_domain::Code::parse(&c).map_err(|e| corrupt("agency", e)))
            .transpose()?,
        before: json(row, "before_doc")?,
        after: json(row, "after_doc")?,
    })
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &ChangeFilter,
    page: &PageRequest,
) -> StoreResult<Page<ChangeEntry>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select(
        "SELECT id, at, actor, action, kind, object_key, agency, before_doc, after_doc FROM change_log",
    );
    if let Some(agency) = &filter.agency {
        sql.filter(
            "(agency = ? OR consumer_agency = ?)",
            [agency.into(), agency.into()],
        );
    }
    sql.filter_opt("kind = ?", filter.kind.as_deref());
    if let Some(after) = &page.after {
        let id: i64 = after.parse().map_err(|_| {
            StoreError::InvalidState(format!("the cursor {after:?} is not valid for this list"))
        })?;
        sql.filter("id < ?", [id.into()]);
    }
    sql.page("id DESC", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |e| e.id.to_string()))
}
