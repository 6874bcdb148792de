//! Services: one API of an application, unique by code within it. The OpenAPI text travels
//! inside the JSON `doc` as a string, so it comes back byte for byte. Each row keeps its path
//! as `sort_key` (`agency application service`, see `search::sort_key`): a service is read by
//! it, and the directory (`search_services`) orders and keyset-pages by it, across agencies,
//! through one index on both engines.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::service::{Service, ServiceRef, ServiceSpec};
use wadah_store::{Change, DeleteMode, Page, PageRequest, ServiceFilter, StoreError, StoreResult};

use super::search::{SERVICES, Search, children, insert_words, replace_words, sort_key, words_cte};
use super::{Cascade, Dependents, enum_text, require_application};
use crate::SqlStore;
use crate::access::{requests, rights};
use crate::error::{check_same_code, corrupt, lost_race, not_found, stale};
use crate::query::{Sql, split_cursor};
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "service";

const SELECT: &str = "SELECT s.id, s.sort_key, s.doc, s.version, s.created_at, s.created_by, s.updated_at, \
                      s.updated_by FROM services s";

/// [`SELECT`] driven by the services that have a word in a range (see `search`).
const SELECT_WORDS: &str = concat!(
    words_cte!("service_words"),
    "SELECT s.id, s.sort_key, s.doc, s.version, s.created_at, s.created_by, s.updated_at, \
     s.updated_by FROM c CROSS JOIN services s"
);

fn from_row(row: &AnyRow) -> StoreResult<Service> {
    let key = row.text("sort_key")?;
    let mut codes = key.split(' ').map(Code::parse);
    let (Some(Ok(agency)), Some(Ok(application))) = (codes.next(), codes.next()) else {
        return Err(corrupt("sort_key", format!("{key:?} is not a service path")));
    };
    Ok(Service {
        agency,
        application,
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

fn path(s: &Service) -> String {
    format!("{}/{}/{}", s.agency, s.application, s.spec.code)
}

fn key_of(r: &ServiceRef) -> String {
    sort_key(&[r.agency.as_str(), r.application.as_str(), r.service.as_str()])
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    r: &ServiceRef,
) -> StoreResult<Option<(String, Service)>> {
    let mut sql = Sql::select(SELECT);
    sql.filter("s.sort_key = ?", [key_of(r).into()]);
    let rows = sql.fetch_all(store, conn).await?;
    rows.first()
        .map(|row| Ok((row.text("id")?, from_row(row)?)))
        .transpose()
}

async fn require(
    store: &SqlStore,
    conn: &mut AnyConnection,
    r: &ServiceRef,
) -> StoreResult<(String, Service)> {
    if let Some(found) = load(store, conn, r).await? {
        return Ok(found);
    }
    require_application(store, conn, &r.agency, &r.application).await?;
    Err(not_found(KIND, r.to_string()))
}

pub(crate) async fn get(store: &SqlStore, r: &ServiceRef) -> StoreResult<Service> {
    let mut conn = store.read().await?;
    Ok(require(store, &mut conn, r).await?.1)
}

pub(crate) async fn list(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    page: &PageRequest,
) -> StoreResult<Page<Service>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    // One application's services: always walked.
    let search = Search::plan(store, &mut conn, &SERVICES, page, true).await?;
    let rows = if search.matches_nothing() {
        Vec::new()
    } else {
        let mut sql = Sql::select(SELECT);
        let app = [agency.as_str(), application.as_str()];
        sql.filter("s.sort_key >= ? AND s.sort_key < ?", children(&app));
        search.filter(&mut sql);
        if let Some(after) = &page.after {
            let path = [agency.as_str(), application.as_str(), after.as_str()];
            sql.filter("s.sort_key > ?", [sort_key(&path).into()]);
        }
        sql.page("s.sort_key", limit);
        sql.fetch_all(store, &mut conn).await?
    };
    if rows.is_empty() {
        require_application(store, &mut conn, agency, application).await?;
    }
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |s| s.spec.code.to_string()))
}

pub(crate) async fn search(
    store: &SqlStore,
    filter: &ServiceFilter,
    page: &PageRequest,
) -> StoreResult<Page<Service>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    let scoped = filter.agency.is_some();
    let search = Search::plan(store, &mut conn, &SERVICES, page, scoped).await?;
    if search.matches_nothing() {
        return Ok(Page {
            items: Vec::new(),
            next: None,
        });
    }
    let mut sql = search.select(SELECT, SELECT_WORDS, "s.id = c.object_id");
    if let Some(visibility) = &filter.visibility {
        sql.filter("s.visibility = ?", [enum_text(visibility)?.into()]);
    }
    if let Some(agency) = &filter.agency {
        sql.filter("s.sort_key >= ? AND s.sort_key < ?", children(&[agency.as_str()]));
    }
    search.filter(&mut sql);
    if let Some(after) = &page.after {
        let [agency, application, service] = split_cursor::<3>(after)?;
        sql.filter(
            "s.sort_key > ?",
            [sort_key(&[&agency, &application, &service]).into()],
        );
    }
    sql.page("s.sort_key", limit);
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, path))
}

pub(crate) async fn create(
    store: &SqlStore,
    agency: &Code,
    application: &Code,
    spec: &ServiceSpec,
    change: &Change,
) -> StoreResult<Service> {
    let mut tx = store.write(change).await?;
    let service = Service {
        agency: agency.clone(),
        application: application.clone(),
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let key = path(&service);
    let id = tx.new_id();
    // The application is looked up by the INSERT itself (one round trip less per write, which
    // is what bulk loads wait for); no row inserted means it is missing.
    let query = sqlx::query(concat!(
        "INSERT INTO services (id, application_id, agency_id, code, sort_key, visibility, doc, ",
        meta_columns!(),
        ") SELECT $1, p.id, p.agency_id, $2, $3, $4, $5, $6, $7, $8, $9, $10 \
         FROM applications p WHERE p.sort_key = $11"
    ))
    .bind(id.clone())
    .bind(spec.code.as_str().to_owned())
    .bind(sort_key(&[
        agency.as_str(),
        application.as_str(),
        spec.code.as_str(),
    ]))
    .bind(enum_text(&spec.visibility)?)
    .bind(to_json(spec)?);
    let query = bind_meta(query, &service.meta).bind(sort_key(&[agency.as_str(), application.as_str()]));
    if tx.exec(query, KIND, &key).await? == 0 {
        require_application(store, tx.conn(), agency, application).await?;
        return Err(StoreError::Internal(format!(
            "the application of {key} exists but took no service"
        )));
    }
    let words = [spec.code.as_str(), spec.name.as_str()];
    insert_words(&mut tx, &SERVICES, &id, &words, KIND, &key).await?;
    tx.created(Subject::new(KIND, key, Some(agency)), &service)
        .await?;
    tx.commit().await?;
    Ok(service)
}

pub(crate) async fn update(
    store: &SqlStore,
    r: &ServiceRef,
    spec: &ServiceSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<Service> {
    let key = r.to_string();
    check_same_code(KIND, &key, &r.service, &spec.code)?;
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), r).await?;
    if before.meta.version != expected {
        return Err(stale(KIND, key, expected, before.meta.version));
    }
    let after = Service {
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
        ..before.clone()
    };
    let query = sqlx::query(
        "UPDATE services SET visibility = $1, doc = $2, version = $3, updated_at = $4, \
         updated_by = $5 WHERE id = $6 AND version = $7",
    )
    .bind(enum_text(&spec.visibility)?)
    .bind(to_json(spec)?);
    let query = bind_next(query, &after.meta, &id, expected);
    if tx.exec(query, KIND, &key).await? == 0 {
        return Err(lost_race(KIND, &key, expected));
    }
    if before.spec.name != spec.name {
        let words = [spec.code.as_str(), spec.name.as_str()];
        replace_words(&mut tx, &SERVICES, &id, &words, KIND, &key).await?;
    }
    tx.updated(Subject::new(KIND, key, Some(&r.agency)), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete(
    store: &SqlStore,
    r: &ServiceRef,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let key = r.to_string();
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), r).await?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, key, expected, before.meta.version));
    }
    if mode.cascade {
        let scope = Cascade::Service(&id);
        rights::log_cascade(&mut tx, scope).await?;
        requests::log_cascade(&mut tx, scope).await?;
    } else {
        let mut deps = Dependents::default();
        let conn = tx.conn();
        for (sql, nouns) in DEPENDENTS {
            deps.add(store, conn, sql, &id, nouns).await?;
        }
        deps.refuse(KIND, &key)?;
    }
    tx.exec(
        sqlx::query("DELETE FROM services WHERE id = $1").bind(id),
        KIND,
        &key,
    )
    .await?;
    tx.deleted(Subject::new(KIND, key, Some(&r.agency)), &before)
        .await?;
    tx.commit().await
}

/// What keeps a service from being deleted without a cascade.
const DEPENDENTS: [(&str, (&str, &str)); 2] = [
    (
        "SELECT COUNT(*) AS n FROM access_rights WHERE service_id = $1",
        ("access right", "access rights"),
    ),
    (
        "SELECT COUNT(*) AS n FROM access_requests WHERE service_id = $1",
        ("access request", "access requests"),
    ),
];
