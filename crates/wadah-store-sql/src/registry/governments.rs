//! Governments: the tenants (a city, regency, province or ministry). Created and renamed, never
//! deleted through the store (an agency keeps pointing at its government).

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::agency::{Government, GovernmentSpec};
use wadah_store::{Change, Page, PageRequest, StoreResult};

use super::enum_text;
use super::search::{GOVERNMENTS, Search, insert_words, replace_words};
use crate::SqlStore;
use crate::error::{check_same_code, lost_race, not_found, stale};
use crate::query::{Arg, Sql};
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "government";

const SELECT: &str = "SELECT g.id, g.doc, g.version, g.created_at, g.created_by, g.updated_at, g.updated_by FROM governments g";

fn from_row(row: &AnyRow) -> StoreResult<Government> {
    Ok(Government {
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    code: &Code,
) -> StoreResult<Option<(String, Government)>> {
    let row = sqlx::query(
        "SELECT g.id, g.doc, g.version, g.created_at, g.created_by, g.updated_at, g.updated_by \
         FROM governments g WHERE g.code = $1",
    )
    .bind(code.as_str().to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.map(|r| Ok((r.text("id")?, from_row(&r)?))).transpose()
}

pub(crate) async fn government_id(
    store: &SqlStore,
    conn: &mut AnyConnection,
    code: &Code,
) -> StoreResult<Option<String>> {
    Ok(load(store, conn, code).await?.map(|(id, _)| id))
}

pub(crate) async fn get(store: &SqlStore, code: &Code) -> StoreResult<Government> {
    let mut conn = store.read().await?;
    load(store, &mut conn, code)
        .await?
        .map(|(_, g)| g)
        .ok_or_else(|| not_found(KIND, code.as_str()))
}

pub(crate) async fn list(store: &SqlStore, page: &PageRequest) -> StoreResult<Page<Government>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    // A few hundred governments at most: always walked.
    let search = Search::plan(store, &mut conn, &GOVERNMENTS, page, true).await?;
    if search.matches_nothing() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut sql = Sql::select(SELECT);
    search.filter(&mut sql);
    sql.filter_opt("g.code > ?", page.after.as_deref().map(Arg::from))
        .page("g.code", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |g| g.spec.code.to_string()))
}

pub(crate) async fn create(
    store: &SqlStore,
    spec: &GovernmentSpec,
    change: &Change,
) -> StoreResult<Government> {
    let mut tx = store.write(change).await?;
    let government = Government {
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let key = spec.code.as_str();
    let id = tx.new_id();
    let query = sqlx::query(concat!(
        "INSERT INTO governments (id, code, kind, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    ))
    .bind(id.clone())
    .bind(key.to_owned())
    .bind(enum_text(&spec.kind)?)
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &government.meta), KIND, key).await?;
    insert_words(&mut tx, &GOVERNMENTS, &id, &[key, spec.name.as_str()], KIND, key).await?;
    tx.created(Subject::new(KIND, key, None), &government).await?;
    tx.commit().await?;
    Ok(government)
}

pub(crate) async fn update(
    store: &SqlStore,
    code: &Code,
    spec: &GovernmentSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<Government> {
    check_same_code(KIND, code.as_str(), code, &spec.code)?;
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), code)
        .await?
        .ok_or_else(|| not_found(KIND, code.as_str()))?;
    if before.meta.version != expected {
        return Err(stale(KIND, code.as_str(), expected, before.meta.version));
    }
    let after = Government {
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE governments SET kind = $1, doc = $2, version = $3, updated_at = $4, \
         updated_by = $5 WHERE id = $6 AND version = $7",
    )
    .bind(enum_text(&spec.kind)?)
    .bind(to_json(spec)?);
    let query = bind_next(query, &after.meta, &id, expected);
    if tx.exec(query, KIND, code.as_str()).await? == 0 {
        return Err(lost_race(KIND, code.as_str(), expected));
    }
    if before.spec.name != spec.name {
        let words = [code.as_str(), spec.name.as_str()];
        replace_words(&mut tx, &GOVERNMENTS, &id, &words, KIND, code.as_str()).await?;
    }
    tx.updated(Subject::new(KIND, code.as_str(), None), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}
