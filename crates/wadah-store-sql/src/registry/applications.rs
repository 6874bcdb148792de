//! Applications: unique by code within their agency, listed per agency in code order (by
//! `sort_key`, `agency application`, whose range for one agency is its applications). A delete
//! refuses while services, credentials, public services, developers or rights and requests
//! made by the application depend on it, unless a cascade is asked.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Code;
use wadah_domain::application::{Application, ApplicationSpec};
use wadah_store::{ApplicationFilter, Change, DeleteMode, Page, PageRequest, StoreError, StoreResult};

use super::search::{APPLICATIONS, Search, children, insert_words, replace_words, sort_key};
use super::{Cascade, Dependents, require_agency};
use crate::SqlStore;
use crate::access::{requests, rights};
use crate::error::{check_same_code, corrupt, lost_race, not_found, stale};
use crate::identity::users;
use crate::query::Sql;
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "application";

const SELECT: &str = "SELECT p.id, p.sort_key, p.doc, p.version, p.created_at, p.created_by, p.updated_at, \
                      p.updated_by FROM applications p";

fn from_row(row: &AnyRow) -> StoreResult<Application> {
    let key = row.text("sort_key")?;
    let Some(Ok(agency)) = key.split(' ').next().map(Code::parse) else {
        return Err(corrupt("sort_key", format!("{key:?} is not an application path")));
    };
    Ok(Application {
        agency,
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

async fn load(
    store: &SqlStore,
    conn: &mut AnyConnection,
    agency: &Code,
    code: &Code,
) -> StoreResult<Option<(String, Application)>> {
    let mut sql = Sql::select(SELECT);
    sql.filter(
        "p.sort_key = ?",
        [sort_key(&[agency.as_str(), code.as_str()]).into()],
    );
    let rows = sql.fetch_all(store, conn).await?;
    rows.first()
        .map(|r| Ok((r.text("id")?, from_row(r)?)))
        .transpose()
}

/// Loads or answers `NotFound` for the agency or the application, whichever is missing.
async fn require(
    store: &SqlStore,
    conn: &mut AnyConnection,
    agency: &Code,
    code: &Code,
) -> StoreResult<(String, Application)> {
    if let Some(found) = load(store, conn, agency, code).await? {
        return Ok(found);
    }
    require_agency(store, conn, agency).await?;
    Err(not_found(KIND, key(agency, code)))
}

fn key(agency: &Code, code: &Code) -> String {
    format!("{agency}/{code}")
}

pub(crate) async fn get(store: &SqlStore, agency: &Code, code: &Code) -> StoreResult<Application> {
    let mut conn = store.read().await?;
    Ok(require(store, &mut conn, agency, code).await?.1)
}

pub(crate) async fn list(
    store: &SqlStore,
    agency: &Code,
    filter: &ApplicationFilter,
    page: &PageRequest,
) -> StoreResult<Page<Application>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    // One agency's applications: always walked.
    let search = Search::plan(store, &mut conn, &APPLICATIONS, page, true).await?;
    let rows = if search.matches_nothing() {
        Vec::new()
    } else {
        let mut sql = Sql::select(SELECT);
        sql.filter("p.sort_key >= ? AND p.sort_key < ?", children(&[agency.as_str()]))
            .filter_opt("p.lifecycle = ?", filter.lifecycle.map(|l| l.as_str()))
            .filter_opt("p.audience = ?", filter.audience.map(|a| a.as_str()));
        search.filter(&mut sql);
        if let Some(after) = &page.after {
            sql.filter("p.sort_key > ?", [sort_key(&[agency.as_str(), after]).into()]);
        }
        sql.page("p.sort_key", limit);
        sql.fetch_all(store, &mut conn).await?
    };
    if rows.is_empty() {
        require_agency(store, &mut conn, agency).await?;
    }
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |p| p.spec.code.to_string()))
}

pub(crate) async fn create(
    store: &SqlStore,
    agency: &Code,
    spec: &ApplicationSpec,
    change: &Change,
) -> StoreResult<Application> {
    let mut tx = store.write(change).await?;
    let app = Application {
        agency: agency.clone(),
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let key = key(agency, &spec.code);
    let id = tx.new_id();
    // The agency is looked up by the INSERT itself (one round trip less per write); no row
    // inserted means it is missing.
    let query = sqlx::query(concat!(
        "INSERT INTO applications (id, agency_id, code, sort_key, lifecycle, audience, doc, ",
        meta_columns!(),
        ") SELECT $1, a.id, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM agencies a WHERE a.code = $12"
    ))
    .bind(id.clone())
    .bind(spec.code.as_str().to_owned())
    .bind(sort_key(&[agency.as_str(), spec.code.as_str()]))
    .bind(spec.lifecycle.stage.as_str())
    .bind(spec.audience.as_str())
    .bind(to_json(spec)?);
    let query = bind_meta(query, &app.meta).bind(agency.as_str().to_owned());
    if tx.exec(query, KIND, &key).await? == 0 {
        require_agency(store, tx.conn(), agency).await?;
        return Err(StoreError::Internal(format!(
            "the agency of {key} exists but took no application"
        )));
    }
    let words = [spec.code.as_str(), spec.name.as_str()];
    insert_words(&mut tx, &APPLICATIONS, &id, &words, KIND, &key).await?;
    tx.created(Subject::new(KIND, key, Some(agency)), &app).await?;
    tx.commit().await?;
    Ok(app)
}

pub(crate) async fn update(
    store: &SqlStore,
    agency: &Code,
    code: &Code,
    spec: &ApplicationSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<Application> {
    let key = key(agency, code);
    check_same_code(KIND, &key, code, &spec.code)?;
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), agency, code).await?;
    if before.meta.version != expected {
        return Err(stale(KIND, key, expected, before.meta.version));
    }
    let after = Application {
        agency: agency.clone(),
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE applications SET lifecycle = $1, audience = $2, doc = $3, version = $4, \
         updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
    )
    .bind(spec.lifecycle.stage.as_str())
    .bind(spec.audience.as_str())
    .bind(to_json(spec)?);
    let query = bind_next(query, &after.meta, &id, expected);
    if tx.exec(query, KIND, &key).await? == 0 {
        return Err(lost_race(KIND, &key, expected));
    }
    if before.spec.name != spec.name {
        let words = [code.as_str(), spec.name.as_str()];
        replace_words(&mut tx, &APPLICATIONS, &id, &words, KIND, &key).await?;
    }
    tx.updated(Subject::new(KIND, key, Some(agency)), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn delete(
    store: &SqlStore,
    agency: &Code,
    code: &Code,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let key = key(agency, code);
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), agency, code).await?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, key, expected, before.meta.version));
    }
    if mode.cascade {
        let scope = Cascade::Application(&id);
        rights::log_cascade(&mut tx, scope).await?;
        requests::log_cascade(&mut tx, scope).await?;
        users::log_cascade(&mut tx, scope).await?;
    } else {
        let mut deps = Dependents::default();
        let conn = tx.conn();
        for (sql, nouns) in DEPENDENTS {
            deps.add(store, conn, sql, &id, nouns).await?;
        }
        deps.refuse(KIND, &key)?;
    }
    tx.exec(
        sqlx::query("DELETE FROM applications WHERE id = $1").bind(id),
        KIND,
        &key,
    )
    .await?;
    tx.deleted(Subject::new(KIND, key, Some(agency)), &before).await?;
    tx.commit().await
}

/// What keeps an application from being deleted without a cascade.
const DEPENDENTS: [(&str, (&str, &str)); 6] = [
    (
        "SELECT COUNT(*) AS n FROM services WHERE application_id = $1",
        ("service", "services"),
    ),
    (
        "SELECT COUNT(*) AS n FROM credentials WHERE application_id = $1",
        ("credential", "credentials"),
    ),
    (
        "SELECT COUNT(*) AS n FROM public_service_applications WHERE application_id = $1",
        ("public service realised by it", "public services realised by it"),
    ),
    (
        "SELECT COUNT(*) AS n FROM users WHERE application_id = $1",
        ("developer", "developers"),
    ),
    (
        "SELECT COUNT(*) AS n FROM access_rights WHERE consumer_application_id = $1",
        ("access right it holds", "access rights it holds"),
    ),
    (
        "SELECT COUNT(*) AS n FROM access_requests WHERE consumer_application_id = $1",
        ("access request it made", "access requests it made"),
    ),
];
