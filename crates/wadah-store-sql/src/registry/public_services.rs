//! Public services: what citizens and civil servants want to do, per agency. The applications
//! that realise one live in `public_service_applications` (with foreign keys, so an
//! application cannot vanish from under it unnoticed) and are read from there, in the order
//! given; the `doc` holds the rest of the spec. Topics are kept as `,a,b,` for a portable
//! `LIKE '%,topic,%'` filter. Each row keeps its path as `sort_key` (`agency code`), by which
//! the catalogue orders and pages across agencies.

use std::collections::HashMap;

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::public_service::{PublicService, PublicServiceSpec};
use wadah_store::{Change, DeleteMode, Page, PageRequest, PublicServiceFilter, StoreError, StoreResult};

use super::search::{PUBLIC_SERVICES, Search, children, insert_words, replace_words, sort_key, words_cte};
use super::{application_ids, require_agency};
use crate::SqlStore;
use crate::error::{check_same_code, corrupt, lost_race, missing, not_found, stale};
use crate::query::{Sql, split_cursor};
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

const KIND: &str = "public_service";

const SELECT: &str = "SELECT ps.id, ps.sort_key, ps.doc, ps.version, ps.created_at, ps.created_by, \
                      ps.updated_at, ps.updated_by FROM public_services ps";

/// [`SELECT`] driven by the public services that have a word in a range (see `search`).
const SELECT_WORDS: &str = concat!(
    words_cte!("public_service_words"),
    "SELECT ps.id, ps.sort_key, ps.doc, ps.version, ps.created_at, ps.created_by, \
     ps.updated_at, ps.updated_by FROM c CROSS JOIN public_services ps"
);

fn from_row(row: &AnyRow) -> StoreResult<(String, PublicService)> {
    let key = row.text("sort_key")?;
    let Some(Ok(agency)) = key.split(' ').next().map(Code::parse) else {
        return Err(corrupt(
            "sort_key",
            format!("{key:?} is not a public service path"),
        ));
    };
    let public_service = PublicService {
        agency,
        spec: row.doc()?,
        meta: row.meta()?,
    };
    Ok((row.text("id")?, public_service))
}

fn key(agency: &Code, code: &Code) -> String {
    format!("{agency}/{code}")
}

/// Fills in `applications` from the link table for a page of rows.
async fn attach_applications(
    store: &SqlStore,
    conn: &mut AnyConnection,
    rows: Vec<(String, PublicService)>,
) -> StoreResult<Vec<PublicService>> {
    let mut sql = Sql::select(
        "SELECT l.public_service_id, p.code FROM public_service_applications l \
         JOIN applications p ON p.id = l.application_id",
    );
    sql.filter_in(
        "l.public_service_id",
        rows.iter().map(|(id, _)| id.clone()).collect(),
    )
    .push(" ORDER BY l.public_service_id, l.ordinal", []);
    let mut links: HashMap<String, Vec<Code>> = HashMap::new();
    for row in sql.fetch_all(store, conn).await? {
        links
            .entry(row.text("public_service_id")?)
            .or_default()
            .push(row.code("code")?);
    }
    Ok(rows
        .into_iter()
        .map(|(id, mut ps)| {
            ps.spec.applications = links.remove(&id).unwrap_or_default();
            ps
        })
        .collect())
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    agency: &Code,
    code: &Code,
) -> StoreResult<(String, PublicService)> {
    let mut sql = Sql::select(SELECT);
    sql.filter(
        "ps.sort_key = ?",
        [sort_key(&[agency.as_str(), code.as_str()]).into()],
    );
    let rows = sql.fetch_all(store, conn).await?;
    let Some(row) = rows.first() else {
        require_agency(store, conn, agency).await?;
        return Err(not_found(KIND, key(agency, code)));
    };
    let (id, ps) = from_row(row)?;
    let mut found = attach_applications(store, conn, vec![(id.clone(), ps)]).await?;
    let ps = found
        .pop()
        .ok_or_else(|| StoreError::Internal("public service vanished while reading".into()))?;
    Ok((id, ps))
}

pub(crate) async fn get(store: &SqlStore, agency: &Code, code: &Code) -> StoreResult<PublicService> {
    let mut conn = store.read().await?;
    Ok(load(store, &mut conn, agency, code).await?.1)
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &PublicServiceFilter,
    page: &PageRequest,
) -> StoreResult<Page<PublicService>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    let scoped = filter.agency.is_some();
    let search = Search::plan(store, &mut conn, &PUBLIC_SERVICES, page, scoped).await?;
    if search.matches_nothing() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut sql = search.select(SELECT, SELECT_WORDS, "ps.id = c.object_id");
    if let Some(agency) = &filter.agency {
        sql.filter(
            "ps.sort_key >= ? AND ps.sort_key < ?",
            children(&[agency.as_str()]),
        );
    }
    sql.filter_opt("ps.audience = ?", filter.audience.map(|a| a.as_str()))
        .filter_opt(
            "ps.topics LIKE ?",
            filter.topic.as_ref().map(|t| format!("%,{t},%")),
        );
    search.filter(&mut sql);
    if let Some(after) = &page.after {
        let [agency, code] = split_cursor::<2>(after)?;
        sql.filter("ps.sort_key > ?", [sort_key(&[&agency, &code]).into()]);
    }
    sql.page("ps.sort_key", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let rows = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    let items = attach_applications(store, &mut conn, rows).await?;
    Ok(Page::from_rows(items, limit, |ps| key(&ps.agency, &ps.spec.code)))
}

/// The spec with duplicate application codes dropped (first mention wins).
fn normalised(spec: &PublicServiceSpec) -> PublicServiceSpec {
    let mut spec = spec.clone();
    let mut seen = Vec::new();
    spec.applications.retain(|c| {
        let fresh = !seen.contains(c);
        seen.push(c.clone());
        fresh
    });
    spec
}

/// The columns besides the links: `topics` and the `doc` without `applications` (the link table
/// owns them).
fn columns(spec: &PublicServiceSpec) -> StoreResult<(String, String)> {
    let topics: String = spec.topics.iter().map(|t| format!("{t},")).collect();
    let doc = PublicServiceSpec {
        applications: Vec::new(),
        ..spec.clone()
    };
    Ok((format!(",{topics}"), to_json(&doc)?))
}

/// Replaces the application links; every code must name an application of the same agency.
async fn link(tx: &mut Tx<'_>, id: &str, agency: &Code, spec: &PublicServiceSpec) -> StoreResult<()> {
    let store = tx.store();
    let k = key(agency, &spec.code);
    tx.exec(
        sqlx::query("DELETE FROM public_service_applications WHERE public_service_id = $1")
            .bind(id.to_owned()),
        KIND,
        &k,
    )
    .await?;
    for (ordinal, app) in (0_i64..).zip(&spec.applications) {
        let app_ids = application_ids(store, tx.conn(), agency, app)
            .await?
            .ok_or_else(|| missing("application", key(agency, app)))?;
        let query = sqlx::query(
            "INSERT INTO public_service_applications (public_service_id, application_id, ordinal) \
             VALUES ($1, $2, $3)",
        )
        .bind(id.to_owned())
        .bind(app_ids.id)
        .bind(ordinal);
        tx.exec(query, KIND, &k).await?;
    }
    Ok(())
}

pub(crate) async fn create(
    store: &SqlStore,
    agency: &Code,
    spec: &PublicServiceSpec,
    change: &Change,
) -> StoreResult<PublicService> {
    let spec = normalised(spec);
    let mut tx = store.write(change).await?;
    let agency_id = require_agency(store, tx.conn(), agency).await?;
    let ps = PublicService {
        agency: agency.clone(),
        spec,
        meta: tx.new_meta(),
    };
    let k = key(agency, &ps.spec.code);
    let id = tx.new_id();
    let (topics, doc) = columns(&ps.spec)?;
    let query = sqlx::query(concat!(
        "INSERT INTO public_services (id, agency_id, code, sort_key, audience, topics, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
    ))
    .bind(id.clone())
    .bind(agency_id)
    .bind(ps.spec.code.as_str().to_owned())
    .bind(sort_key(&[agency.as_str(), ps.spec.code.as_str()]))
    .bind(ps.spec.audience.as_str())
    .bind(topics)
    .bind(doc);
    tx.exec(bind_meta(query, &ps.meta), KIND, &k).await?;
    let words = [ps.spec.code.as_str(), ps.spec.name.as_str()];
    insert_words(&mut tx, &PUBLIC_SERVICES, &id, &words, KIND, &k).await?;
    link(&mut tx, &id, agency, &ps.spec).await?;
    tx.created(Subject::new(KIND, k, Some(agency)), &ps).await?;
    tx.commit().await?;
    Ok(ps)
}

pub(crate) async fn update(
    store: &SqlStore,
    agency: &Code,
    code: &Code,
    spec: &PublicServiceSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<PublicService> {
    let k = key(agency, code);
    check_same_code("public service", &k, code, &spec.code)?;
    let spec = normalised(spec);
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), agency, code).await?;
    if before.meta.version != expected {
        return Err(stale(KIND, k, expected, before.meta.version));
    }
    let after = PublicService {
        agency: agency.clone(),
        spec,
        meta: tx.next_meta(&before.meta),
    };
    let (topics, doc) = columns(&after.spec)?;
    let query = sqlx::query(
        "UPDATE public_services SET audience = $1, topics = $2, doc = $3, version = $4, \
         updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
    )
    .bind(after.spec.audience.as_str())
    .bind(topics)
    .bind(doc);
    let query = bind_next(query, &after.meta, &id, expected);
    if tx.exec(query, KIND, &k).await? == 0 {
        return Err(lost_race(KIND, &k, expected));
    }
    if before.spec.name != after.spec.name {
        let words = [code.as_str(), after.spec.name.as_str()];
        replace_words(&mut tx, &PUBLIC_SERVICES, &id, &words, KIND, &k).await?;
    }
    link(&mut tx, &id, agency, &after.spec).await?;
    tx.updated(Subject::new(KIND, k, Some(agency)), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}

/// Nothing depends on a public service, so `cascade` changes nothing here.
pub(crate) async fn delete(
    store: &SqlStore,
    agency: &Code,
    code: &Code,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let k = key(agency, code);
    let mut tx = store.write(change).await?;
    let (id, before) = load(store, tx.conn(), agency, code).await?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, k, expected, before.meta.version));
    }
    tx.exec(
        sqlx::query("DELETE FROM public_services WHERE id = $1").bind(id),
        KIND,
        &k,
    )
    .await?;
    tx.deleted(Subject::new(KIND, k, Some(agency)), &before).await?;
    tx.commit().await
}
