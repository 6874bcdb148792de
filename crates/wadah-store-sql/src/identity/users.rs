//! Users: addressed by username (immutable), bound to an agency and, for developers, an
//! application, both as foreign keys so a scoped list filters by column and a user never
//! outlives the scope they were given. The change log gets the `User` JSON, never the hash.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::user::{User, UserSpec, Username};
use wadah_store::{Change, DeleteMode, Page, PageRequest, StoreError, StoreResult, UserFilter};

use crate::SqlStore;
use crate::error::{lost_race, missing, not_found, stale};
use crate::query::{Arg, Sql};
use crate::registry::{Cascade, agency_id, application_ids};
use crate::rows::{RowExt, flag, search_text, to_json};
use crate::tx::{Subject, Tx, bind_meta, bind_next};

const KIND: &str = "user";

const SELECT: &str = "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by \
                      FROM users u LEFT JOIN agencies a ON a.id = u.agency_id";

pub(crate) fn from_row(row: &AnyRow) -> StoreResult<User> {
    Ok(User {
        spec: row.doc()?,
        meta: row.meta()?,
    })
}

fn subject(user: &User) -> Subject<'_> {
    Subject::new(KIND, user.spec.username.as_str(), user.spec.agency.as_ref())
}

/// The user's row id and the user, or `NotFound`.
pub(crate) async fn require(
    store: &SqlStore,
    conn: &mut AnyConnection,
    username: &Username,
) -> StoreResult<(String, User)> {
    let mut sql = Sql::select(SELECT);
    sql.filter("u.username = ?", [username.as_str().into()]);
    let rows = sql.fetch_all(store, conn).await?;
    let row = rows.first().ok_or_else(|| not_found(KIND, username.as_str()))?;
    Ok((row.text("id")?, from_row(row)?))
}

pub(crate) async fn get(store: &SqlStore, username: &Username) -> StoreResult<User> {
    let mut conn = store.read().await?;
    Ok(require(store, &mut conn, username).await?.1)
}

pub(crate) async fn list(
    store: &SqlStore,
    filter: &UserFilter,
    page: &PageRequest,
) -> StoreResult<Page<User>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select(SELECT);
    sql.filter_opt("a.code = ?", filter.agency.as_ref())
        .filter_opt("u.role = ?", filter.role.map(|r| r.as_str()))
        .search("u.search LIKE ? ESCAPE '\\'", page)
        .filter_opt("u.username > ?", page.after.as_deref().map(Arg::from))
        .page("u.username", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(from_row).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |u| {
        u.spec.username.as_str().to_owned()
    }))
}

/// The agency and application row ids the spec binds the user to.
async fn scope_ids(
    store: &SqlStore,
    conn: &mut AnyConnection,
    spec: &UserSpec,
) -> StoreResult<(Option<String>, Option<String>)> {
    let Some(agency) = &spec.agency else {
        if spec.application.is_some() {
            return Err(StoreError::InvalidState(
                "a user bound to an application also names its agency".into(),
            ));
        }
        return Ok((None, None));
    };
    let agency_row = agency_id(store, conn, agency)
        .await?
        .ok_or_else(|| missing("agency", agency.as_str()))?;
    let app_row = match &spec.application {
        Some(app) => Some(
            application_ids(store, conn, agency, app)
                .await?
                .ok_or_else(|| missing("application", format!("{agency}/{app}")))?
                .id,
        ),
        None => None,
    };
    Ok((Some(agency_row), app_row))
}

fn search(spec: &UserSpec) -> String {
    search_text(&[spec.username.as_str(), spec.display_name.as_str()])
}

pub(crate) async fn create(
    store: &SqlStore,
    spec: &UserSpec,
    password_hash: Option<&str>,
    change: &Change,
) -> StoreResult<User> {
    let mut tx = store.write(change).await?;
    let (_, user) = insert(store, &mut tx, spec, password_hash).await?;
    tx.commit().await?;
    Ok(user)
}

/// Inserts the user (and its change-log entry) in `tx`; answers its row id and the user.
pub(crate) async fn insert(
    store: &SqlStore,
    tx: &mut Tx<'_>,
    spec: &UserSpec,
    password_hash: Option<&str>,
) -> StoreResult<(String, User)> {
    let (agency, application) = scope_ids(store, tx.conn(), spec).await?;
    let user = User {
        spec: spec.clone(),
        meta: tx.new_meta(),
    };
    let id = tx.new_id();
    let username = spec.username.as_str();
    let query = sqlx::query(concat!(
        "INSERT INTO users (id, username, role, agency_id, application_id, disabled, password_hash, \
         search, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    ))
    .bind(id.clone())
    .bind(username.to_owned())
    .bind(spec.role.as_str())
    .bind(agency)
    .bind(application)
    .bind(flag(spec.disabled))
    .bind(password_hash.map(str::to_owned))
    .bind(search(spec))
    .bind(to_json(spec)?);
    tx.exec(bind_meta(query, &user.meta), KIND, username).await?;
    tx.created(subject(&user), &user).await?;
    Ok((id, user))
}

pub(crate) async fn update(
    store: &SqlStore,
    username: &Username,
    spec: &UserSpec,
    expected: i64,
    change: &Change,
) -> StoreResult<User> {
    if spec.username != *username {
        return Err(StoreError::InvalidState(format!(
            "the username {} cannot change (the update names {}); create a new user instead",
            username.as_str(),
            spec.username.as_str()
        )));
    }
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), username).await?;
    if before.meta.version != expected {
        return Err(stale(KIND, username.as_str(), expected, before.meta.version));
    }
    let (agency, application) = scope_ids(store, tx.conn(), spec).await?;
    let after = User {
        spec: spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE users SET role = $1, agency_id = $2, application_id = $3, disabled = $4, search = $5, \
         doc = $6, version = $7, updated_at = $8, updated_by = $9 WHERE id = $10 AND version = $11",
    )
    .bind(spec.role.as_str())
    .bind(agency)
    .bind(application)
    .bind(flag(spec.disabled))
    .bind(search(spec))
    .bind(to_json(spec)?);
    save(tx, query, &id, &before, &after).await?;
    Ok(after)
}

/// Deleting a user also deletes their API tokens (they are part of the user, not dependents).
pub(crate) async fn delete(
    store: &SqlStore,
    username: &Username,
    mode: DeleteMode,
    change: &Change,
) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), username).await?;
    if let Some(expected) = mode.expected_version.filter(|v| *v != before.meta.version) {
        return Err(stale(KIND, username.as_str(), expected, before.meta.version));
    }
    tx.exec(
        sqlx::query("DELETE FROM users WHERE id = $1").bind(id),
        KIND,
        username.as_str(),
    )
    .await?;
    tx.deleted(subject(&before), &before).await?;
    tx.commit().await
}

pub(crate) async fn password_hash(store: &SqlStore, username: &Username) -> StoreResult<Option<String>> {
    let mut conn = store.read().await?;
    let row = sqlx::query("SELECT password_hash FROM users WHERE username = $1")
        .bind(username.as_str().to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?
        .ok_or_else(|| not_found(KIND, username.as_str()))?;
    row.opt_text("password_hash")
}

/// A password change is a change of the user: it bumps the version and is logged (without the
/// hash, which no domain object carries).
pub(crate) async fn set_password_hash(
    store: &SqlStore,
    username: &Username,
    hash: &str,
    change: &Change,
) -> StoreResult<()> {
    let mut tx = store.write(change).await?;
    let (id, before) = require(store, tx.conn(), username).await?;
    let after = User {
        spec: before.spec.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE users SET password_hash = $1, version = $2, updated_at = $3, updated_by = $4 \
         WHERE id = $5 AND version = $6",
    )
    .bind(hash.to_owned());
    save(tx, query, &id, &before, &after).await
}

async fn save(mut tx: Tx<'_>, query: crate::tx::Q, id: &str, before: &User, after: &User) -> StoreResult<()> {
    let username = before.spec.username.as_str();
    let query = bind_next(query, &after.meta, id, before.meta.version);
    if tx.exec(query, KIND, username).await? == 0 {
        return Err(lost_race(KIND, username, before.meta.version));
    }
    tx.updated(subject(after), before, after).await?;
    tx.commit().await
}

/// Logs the users a cascading delete is about to remove (foreign keys remove the rows).
pub(crate) async fn log_cascade(tx: &mut Tx<'_>, scope: Cascade<'_>) -> StoreResult<()> {
    let sql = match scope {
        Cascade::Agency(_) => concat!(
            "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by ",
            "FROM users u WHERE u.agency_id = $1 ORDER BY u.username"
        ),
        Cascade::Application(_) => concat!(
            "SELECT u.id, u.doc, u.version, u.created_at, u.created_by, u.updated_at, u.updated_by ",
            "FROM users u WHERE u.application_id = $1 ORDER BY u.username"
        ),
        Cascade::Service(_) => return Ok(()),
    };
    let store = tx.store();
    let rows = sqlx::query(sql)
        .bind(scope.id())
        .fetch_all(tx.conn())
        .await
        .map_err(|e| store.db(e))?;
    for row in &rows {
        let user = from_row(row)?;
        tx.deleted(subject(&user), &user).await?;
    }
    Ok(())
}
