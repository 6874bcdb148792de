//! Architecture elements: one row per element, keyed by `period agency code` (`sort_key`),
//! the spec in `doc`. Deleting refuses while relations or child elements point at it; a
//! cascade removes the relations (foreign keys) but never children, which would otherwise lose
//! their place in a hierarchy silently.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::architecture::{Element, ElementKey, ElementSpec, Period};
use wadah_store::{ArchElementFilter, Change, DeleteMode, Page, PageRequest, StoreError, StoreResult};

use crate::SqlStore;
use crate::error::{corrupt, lost_race, not_found, stale};
use crate::query::{Arg, Sql};
use crate::registry::search::sort_key;
use crate::registry::{Dependents, require_agency};
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

pub(crate) const KIND: &str = "architecture element";

const SELECT: &str = "SELECT e.id, e.agency, e.period, e.doc, e.version, e.created_at, e.created_by, \
                      e.updated_at, e.updated_by FROM arch_elements e";

pub(crate) fn key_of(agency: &Code, period: Period, code: &Code) -> String {
    sort_key(&[&period.to_string(), agency.as_str(), code.as_str()])
}

fn element_key(key: &ElementKey) -> String {
    key_of(&key.agency, key.period, &key.code)
}

pub(crate) fn from_row(row: &AnyRow) -> StoreResult<Element> {
    let period = row.text("period")?;
    Ok(Element {
        agency: row.code("agency")?,
        period: Period::parse(&period).map_err(|e| corrupt("period", e))?,
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

pub(crate) async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    sort_key: &str,
) -> StoreResult<Option<(String, Element)>> {
    let row = sqlx::query(
        "SELECT e.id, e.agency, e.period, e.doc, e.version, e.created_at, e.created_by, \
         e.updated_at, e.updated_by FROM arch_elements e WHERE e.sort_key = $1",
    )
    .bind(sort_key.to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.map(|r| Ok((r.text("id")?, from_row(&r)?))).transpose()
}

pub(crate) async fn get(store: &SqlStore, key: &ElementKey) -> StoreResult<Element> {
    let mut conn = store.read().await?;
    load(store, &mut conn, &element_key(key))
        .await?
        .map(|(_, e)| e)
        .ok_or_else(|| not_found(KIND, key.to_string()))
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &ArchElementFilter,
    page: &PageRequest,
) -> StoreResult<Page<Element>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    let mut sql = Sql::select(SELECT);
    sql.filter_opt("e.period = ?", filter.period.map(|p| Arg::from(p.to_string())))
        .filter_opt("e.agency = ?", filter.agency.as_ref())
        .filter_opt("e.kind = ?", filter.kind.map(|k| Arg::from(k.as_str())))
        .filter_opt("e.sort_key > ?", page.after.as_deref().map(Arg::from))
        .page("e.sort_key", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |e| element_key(&e.key())))
}

/// Inserts a new element inside `tx` (also used by the import); answers its row id.
pub(crate) async fn insert(tx: &mut Tx<'_>, agency_id: &str, element: &Element) -> StoreResult<String> {
    let key = element.key();
    let id = tx.new_id();
    let query = sqlx::query(concat!(
        "INSERT INTO arch_elements (id, agency_id, agency, period, code, kind, parent, sort_key, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(id.clone())
    .bind(agency_id.to_owned())
    .bind(key.agency.as_str().to_owned())
    .bind(key.period.to_string())
    .bind(key.code.as_str().to_owned())
    .bind(element.spec.kind().as_str())
    .bind(element.spec.parent.as_ref().map(|p| p.as_str().to_owned()))
    .bind(element_key(&key))
    .bind(to_json(&element.spec)?);
    tx.exec(bind_meta(query, &element.meta), KIND, &key.to_string())
        .await?;
    tx.created(Subject::new(KIND, key.to_string(), Some(&key.agency)), element)
        .await?;
    Ok(id)
}

pub(crate) async fn create(
    store: &SqlStore,
    agency: &Code,
    period: Period,
    spec: &ElementSpec,
    change: &Change,
) -> StoreResult<Element> {
    let mut tx = store.write(change).await?;
    let agency_id = require_agency(store, tx.conn(), agency).await?;
    let element = Element {
        agency: agency.clone(),
        period,
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    insert(&mut tx, &agency_id, &element).await?;
    tx.commit().await?;
    Ok(element)
}

/// Replaces an element's spec inside `tx` (the code and the kind stay).
pub(crate) async fn replace(
    tx: &mut Tx<'_>,
    id: &str,
    before: &Element,
    spec: &ElementSpec,
) -> StoreResult<Element> {
    let key = before.key();
    if spec.code != before.spec.code {
        return Err(StoreError::InvalidState(format!(
            "the code of {KIND} {key} cannot change (the update names {})",
            spec.code
        )));
    }
    if spec.kind() != before.spec.kind() {
        return Err(StoreError::InvalidState(format!(
            "{KIND} {key} is a {}; its kind cannot change (create a new element instead)",
            before.spec.kind().as_str()
        )));
    }
    let after = Element {
        agency: before.agency.clone(),
        period: before.period,
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE arch_elements SET parent = $1, doc = $2, version = $3, updated_at = $4, updated_by = $5 \
         WHERE id = $6 AND version = $7",
    )
    .bind(spec.parent.as_ref().map(|p| p.as_str().to_owned()))
    .bind(to_json(spec)?);
    let query = bind_next(query, &after.meta, id, before.meta.version);
    if tx.exec(query, KIND, &key.to_string()).await? == 0 {
        return Err(lost_race(KIND, &key.to_string(), before.meta.version));
    }
    tx.updated(
        Subject::new(KIND, key.to_string(), Some(&key.agency)),
        before,
        &after,
    )
    .await?;
    Ok(after)
}

pub(crate) async fn update(
    store: &SqlStore,
    key: &ElementKey,
    spec: &ElementSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<Element> {
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), &element_key(key))
        .await?
        .ok_or_else(|| not_found(KIND, key.to_string()))?;
    if before.meta.version != expected {
        return Err(stale(KIND, key.to_string(), expected, before.meta.version));
    }
    let after = replace(&mut tx, &id, &before, spec).await?;
    tx.commit().await?;
    Ok(after)
}

const RELATIONS: &str = "SELECT COUNT(*) AS n FROM arch_relations WHERE source_id = $1 OR target_id = $1";
const CHILDREN: &str = "SELECT COUNT(*) AS n FROM arch_elements c, arch_elements p WHERE p.id = $1 \
                        AND c.agency_id = p.agency_id AND c.period = p.period AND c.parent = p.code";

pub(crate) async fn delete(
    store: &SqlStore,
    key: &ElementKey,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), &element_key(key))
        .await?
        .ok_or_else(|| not_found(KIND, key.to_string()))?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, key.to_string(), expected, before.meta.version));
    }
    let mut deps = Dependents::default();
    deps.add(
        store,
        tx.conn(),
        CHILDREN,
        &id,
        ("child element", "child elements"),
    )
    .await?;
    if !mode.cascade {
        deps.add(store, tx.conn(), RELATIONS, &id, ("relation", "relations"))
            .await?;
    }
    deps.refuse(KIND, &key.to_string())?;
    if mode.cascade {
        super::relations::log_cascade(&mut tx, &id).await?;
    }
    tx.exec(
        sqlx::query("DELETE FROM arch_elements WHERE id = $1").bind(id),
        KIND,
        &key.to_string(),
    )
    .await?;
    tx.deleted(Subject::new(KIND, key.to_string(), Some(&key.agency)), &before)
        .await?;
    tx.commit().await
}
