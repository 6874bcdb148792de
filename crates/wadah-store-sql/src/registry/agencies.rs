//! Agencies (OPD): the unit every other object belongs to and every scoped view filters by.
//! Deleting one refuses while it has applications, public services, users or rights it holds,
//! unless a cascade is asked; then foreign keys remove everything below in the same
//! transaction, and the rights, requests and users that go with it are logged one by one so
//! the other agencies involved see it in their own change log.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::agency::{Agency, AgencySpec};
use wadah_store::{AgencyFilter, Change, DeleteMode, Page, PageRequest, StoreResult};

use super::governments::government_id;
use super::search::{AGENCIES, Search, insert_words, replace_words, words_cte};
use super::{Cascade, Dependents};
use crate::SqlStore;
use crate::access::{requests, rights};
use crate::error::{check_same_code, lost_race, missing, not_found, stale};
use crate::identity::users;
use crate::query::Arg;
use crate::rows::{RowExt, flag, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "agency";

const SELECT: &str = "SELECT a.id, a.doc, a.version, a.created_at, a.created_by, a.updated_at, a.updated_by \
                      FROM agencies a";

/// [`SELECT`] driven by the agencies that have a word in a range (see `search`).
const SELECT_WORDS: &str = concat!(
    words_cte!("agency_words"),
    "SELECT a.id, a.doc, a.version, a.created_at, a.created_by, a.updated_at, a.updated_by \
     FROM c CROSS JOIN agencies a"
);

fn from_row(row: &AnyRow) -> StoreResult<Agency> {
    Ok(Agency {
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    code: &Code,
) -> StoreResult<Option<(String, Agency)>> {
    let row = sqlx::query(
        "SELECT a.id, a.doc, a.version, a.created_at, a.created_by, a.updated_at, a.updated_by \
         FROM agencies a WHERE a.code = $1",
    )
    .bind(code.as_str().to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.map(|r| Ok((r.text("id")?, from_row(&r)?))).transpose()
}

pub(crate) async fn get(store: &SqlStore, code: &Code) -> StoreResult<Agency> {
    let mut conn = store.read().await?;
    load(store, &mut conn, code)
        .await?
        .map(|(_, a)| a)
        .ok_or_else(|| not_found(KIND, code.as_str()))
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &AgencyFilter,
    page: &PageRequest,
) -> StoreResult<Page<Agency>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    let scoped = filter.government.is_some() || filter.only.is_some();
    let search = Search::plan(store, &mut conn, &AGENCIES, page, scoped).await?;
    if search.matches_nothing() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut sql = search.select(SELECT, SELECT_WORDS, "a.id = c.object_id");
    sql.filter_opt(
        "a.government_id = (SELECT id FROM governments WHERE code = ?)",
        filter.government.as_ref(),
    )
    .filter_opt("a.code = ?", filter.only.as_ref());
    search.filter(&mut sql);
    sql.filter_opt("a.code > ?", page.after.as_deref().map(Arg::from))
        .page("a.code", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |a| a.spec.code.to_string()))
}

async fn require_government(
    store: &SqlStore,
    conn: &mut AnyConnection,
    spec: &AgencySpec,
) -> StoreResult<String> {
    government_id(store, conn, &spec.government)
        .await?
        .ok_or_else(|| missing("government", spec.government.as_str()))
}

pub(crate) async fn create(store: &SqlStore, spec: &AgencySpec, change: &Change) -> StoreResult<Agency> {
    let mut tx = store.write(change).await?;
    let government = require_government(store, tx.conn(), spec).await?;
    let agency = Agency {
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let code = &spec.code;
    let id = tx.new_id();
    let query = sqlx::query(concat!(
        "INSERT INTO agencies (id, government_id, code, operator, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
    ))
    .bind(id.clone())
    .bind(government)
    .bind(code.as_str().to_owned())
    .bind(flag(spec.operator))
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &agency.meta), KIND, code.as_str())
        .await?;
    let words = [code.as_str(), spec.name.as_str()];
    insert_words(&mut tx, &AGENCIES, &id, &words, KIND, code.as_str()).await?;
    tx.created(Subject::new(KIND, code.as_str(), Some(code)), &agency)
        .await?;
    tx.commit().await?;
    Ok(agency)
}

pub(crate) async fn update(
    store: &SqlStore,
    code: &Code,
    spec: &AgencySpec,
    expected: i64,
    change: &Change,
) -> StoreResult<Agency> {
    check_same_code(KIND, code.as_str(), code, &spec.code)?;
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), code)
        .await?
        .ok_or_else(|| not_found(KIND, code.as_str()))?;
    if before.meta.version != expected {
        return Err(stale(KIND, code.as_str(), expected, before.meta.version));
    }
    let government = require_government(store, tx.conn(), spec).await?;
    let after = Agency {
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE agencies SET government_id = $1, operator = $2, doc = $3, version = $4, \
         updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
    )
    .bind(government)
    .bind(flag(spec.operator))
    .bind(to_json(spec)?);
    let query = bind_next(query, &after.meta, &id, expected);
    if tx.exec(query, KIND, code.as_str()).await? == 0 {
        return Err(lost_race(KIND, code.as_str(), expected));
    }
    if before.spec.name != spec.name {
        let words = [code.as_str(), spec.name.as_str()];
        replace_words(&mut tx, &AGENCIES, &id, &words, KIND, code.as_str()).await?;
    }
    tx.updated(Subject::new(KIND, code.as_str(), Some(code)), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete(
    store: &SqlStore,
    code: &Code,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), code)
        .await?
        .ok_or_else(|| not_found(KIND, code.as_str()))?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, code.as_str(), expected, before.meta.version));
    }
    if mode.cascade {
        let scope = Cascade::Agency(&id);
        rights::log_cascade(&mut tx, scope).await?;
        requests::log_cascade(&mut tx, scope).await?;
        users::log_cascade(&mut tx, scope).await?;
    } else {
        let mut deps = Dependents::default();
        let conn = tx.conn();
        for (sql, nouns) in DEPENDENTS {
            deps.add(store, conn, sql, &id, nouns).await?;
        }
        deps.refuse(KIND, code.as_str())?;
    }
    tx.exec(
        sqlx::query("DELETE FROM agencies WHERE id = $1").bind(id),
        KIND,
        code.as_str(),
    )
    .await?;
    tx.deleted(Subject::new(KIND, code.as_str(), Some(code)), &before)
        .await?;
    tx.commit().await
}

/// What keeps an agency from being deleted without a cascade.
const DEPENDENTS: [(&str, (&str, &str)); 5] = [
    (
        "SELECT COUNT(*) AS n FROM applications WHERE agency_id = $1",
        ("application", "applications"),
    ),
    (
        "SELECT COUNT(*) AS n FROM public_services WHERE agency_id = $1",
        ("public service", "public services"),
    ),
    (
        "SELECT COUNT(*) AS n FROM users WHERE agency_id = $1",
        ("user", "users"),
    ),
    (
        "SELECT COUNT(*) AS n FROM access_rights WHERE consumer_agency_id = $1",
        ("access right it holds", "access rights it holds"),
    ),
    (
        "SELECT COUNT(*) AS n FROM access_requests WHERE consumer_agency_id = $1",
        ("access request it made", "access requests it made"),
    ),
];
