//! Relations between architecture elements. A row points at both ends by id (so deleting an
//! element with `cascade` removes its relations through the foreign keys) and keeps both
//! agencies' codes, so "relations touching my agency" is an index range, not a join.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::architecture::{ElementRef, Period, Relation, RelationSpec};
use wadah_store::{ArchRelationFilter, Change, Page, PageRequest, StoreResult};

use super::elements::key_of;
use crate::SqlStore;
use crate::error::{corrupt, missing, not_found};
use crate::query::{Arg, Sql};
use crate::registry::search::sort_key;
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, Tx, bind_meta};

pub(crate) const KIND: &str = "architecture relation";

const SELECT: &str = "SELECT r.id, r.period, r.doc, r.sort_key, r.version, r.created_at, r.created_by, \
                      r.updated_at, r.updated_by FROM arch_relations r";

pub(crate) fn relation_key(period: Period, spec: &RelationSpec) -> String {
    sort_key(&[&period.to_string(), &spec.key()])
}

fn from_row(row: &AnyRow) -> StoreResult<Relation> {
    let period = row.text("period")?;
    Ok(Relation {
        id: row.text("id")?,
        period: Period::parse(&period).map_err(|e| corrupt("period", e))?,
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &ArchRelationFilter,
    page: &PageRequest,
) -> StoreResult<Page<Relation>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    let mut sql = Sql::select(SELECT);
    sql.filter_opt("r.period = ?", filter.period.map(|p| Arg::from(p.to_string())));
    if let Some(agency) = &filter.agency {
        sql.filter(
            "(r.source_agency = ? OR r.target_agency = ?)",
            [agency.into(), agency.into()],
        );
    }
    if let Some(end) = &filter.element {
        sql.filter(
            "(r.source_id IN (SELECT id FROM arch_elements WHERE agency = ? AND code = ?) \
             OR r.target_id IN (SELECT id FROM arch_elements WHERE agency = ? AND code = ?))",
            [
                (&end.agency).into(),
                (&end.code).into(),
                (&end.agency).into(),
                (&end.code).into(),
            ],
        );
    }
    sql.filter_opt("r.sort_key > ?", page.after.as_deref().map(Arg::from))
        .page("r.sort_key", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |r| relation_key(r.period, &r.spec)))
}

async fn load(store: &SqlStore, conn: &mut AnyConnection, id: &str) -> StoreResult<Option<Relation>> {
    let row = sqlx::query(
        "SELECT r.id, r.period, r.doc, r.sort_key, r.version, r.created_at, r.created_by, \
         r.updated_at, r.updated_by FROM arch_relations r WHERE r.id = $1",
    )
    .bind(id.to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.map(|r| from_row(&r)).transpose()
}

pub(crate) async fn get(store: &SqlStore, id: &str) -> StoreResult<Relation> {
    let mut conn = store.read().await?;
    load(store, &mut conn, id)
        .await?
        .ok_or_else(|| not_found(KIND, id))
}

pub(crate) async fn element_id(
    store: &SqlStore,
    conn: &mut AnyConnection,
    period: Period,
    end: &ElementRef,
) -> StoreResult<Option<String>> {
    let row = sqlx::query("SELECT id FROM arch_elements WHERE sort_key = $1")
        .bind(key_of(&end.agency, period, &end.code))
        .fetch_optional(conn)
        .await
        .map_err(|e| store.db(e))?;
    row.map(|r| r.text("id")).transpose()
}

/// Inserts a relation between two element rows inside `tx`.
pub(crate) async fn insert(
    tx: &mut Tx<'_>,
    relation: &Relation,
    source_id: &str,
    target_id: &str,
) -> StoreResult<()> {
    let spec = &relation.spec;
    let key = spec.key();
    let query = sqlx::query(concat!(
        "INSERT INTO arch_relations (id, period, kind, source_id, target_id, source_agency, target_agency, \
         sort_key, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(relation.id.clone())
    .bind(relation.period.to_string())
    .bind(spec.kind.as_str())
    .bind(source_id.to_owned())
    .bind(target_id.to_owned())
    .bind(spec.source.agency.as_str().to_owned())
    .bind(spec.target.agency.as_str().to_owned())
    .bind(relation_key(relation.period, spec))
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &relation.meta), KIND, &key).await?;
    let subject = Subject::new(
        KIND,
        format!("{} {key}", relation.period),
        Some(&spec.source.agency),
    )
    .consumer(&spec.target.agency);
    tx.created(subject, relation).await
}

pub(crate) async fn create(
    store: &SqlStore,
    period: Period,
    spec: &RelationSpec,
    change: &Change,
) -> StoreResult<Relation> {
    let mut tx = store.write(change).await?;
    let mut ends = Vec::with_capacity(2);
    for end in [&spec.source, &spec.target] {
        let id = element_id(store, tx.conn(), period, end)
            .await?
            .ok_or_else(|| missing("architecture element", format!("{period}/{end}")))?;
        ends.push(id);
    }
    let relation = Relation {
        id: tx.new_id(),
        period,
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    insert(&mut tx, &relation, &ends[0], &ends[1]).await?;
    tx.commit().await?;
    Ok(relation)
}

fn subject(relation: &Relation) -> Subject<'_> {
    Subject::new(
        KIND,
        format!("{} {}", relation.period, relation.spec.key()),
        Some(&relation.spec.source.agency),
    )
    .consumer(&relation.spec.target.agency)
}

pub(crate) async fn delete(store: &SqlStore, id: &str, change: &Change) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let before = load(store, tx.conn(), id)
        .await?
        .ok_or_else(|| not_found(KIND, id))?;
    tx.exec(
        sqlx::query("DELETE FROM arch_relations WHERE id = $1").bind(id.to_owned()),
        KIND,
        id,
    )
    .await?;
    tx.deleted(subject(&before), &before).await?;
    tx.commit().await
}

/// Logs the deletion of every relation of element row `element_id` (the foreign keys then
/// remove them with the element), so both agencies see it in their change log.
pub(crate) async fn log_cascade(tx: &mut Tx<'_>, element_id: &str) -> StoreResult<()> {
    let store = tx.store();
    let rows = sqlx::query(
        "SELECT r.id, r.period, r.doc, r.sort_key, r.version, r.created_at, r.created_by, \
         r.updated_at, r.updated_by FROM arch_relations r WHERE r.source_id = $1 OR r.target_id = $1",
    )
    .bind(element_id.to_owned())
    .fetch_all(tx.conn())
    .await
    .map_err(|e| store.db(e))?;
    for row in rows {
        let relation = from_row(&row)?;
        tx.deleted(subject(&relation), &relation).await?;
    }
    Ok(())
}
