//! Reference codes stored beside the shipped national list: national codes imported from a
//! fuller file (scope `''`, replaced on re-import) and each government's local codes (scope =
//! the government's code; a duplicate is refused, codes are never silently renamed).

use wadah_domain::Code;
use wadah_domain::architecture::{Origin, RefEntry};
use wadah_store::{Change, StoreResult};

use crate::SqlStore;
use crate::rows::{RowExt, to_json};
use crate::tx::{Subject, Tx, bind_meta};

const KIND: &str = "reference code";

fn scope(government: Option<&Code>) -> String {
    government.map(|g| g.as_str().to_owned()).unwrap_or_default()
}

pub(crate) async fn list(store: &SqlStore, government: Option<&Code>) -> StoreResult<Vec<RefEntry>> {
    let mut conn = store.read().await?;
    let rows = sqlx::query("SELECT doc FROM arch_ref_codes WHERE scope = $1 ORDER BY code")
        .bind(scope(government))
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    rows.iter().map(|r| r.doc()).collect()
}

/// Every government's local codes, as `(government, entry)`.
pub(crate) async fn all_local(store: &SqlStore) -> StoreResult<Vec<(Code, RefEntry)>> {
    let mut conn = store.read().await?;
    let rows = sqlx::query("SELECT scope, doc FROM arch_ref_codes WHERE scope <> '' ORDER BY scope, code")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    rows.iter().map(|r| Ok((r.code("scope")?, r.doc()?))).collect()
}

/// Adds one code inside `tx`; a national code replaces an earlier import of the same code.
pub(crate) async fn insert(tx: &mut Tx<'_>, government: Option<&Code>, entry: &RefEntry) -> StoreResult<()> {
    let code = entry.code.as_str();
    let id = tx.new_id();
    let meta = tx.new_meta();
    let head = if entry.origin == Origin::National {
        concat!(
            "INSERT INTO arch_ref_codes (id, scope, code, origin, doc, ",
            meta_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
             ON CONFLICT (scope, code) DO UPDATE SET doc = excluded.doc, version = arch_ref_codes.version + 1, \
             updated_at = excluded.updated_at, updated_by = excluded.updated_by"
        )
    } else {
        concat!(
            "INSERT INTO arch_ref_codes (id, scope, code, origin, doc, ",
            meta_columns!(),
            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        )
    };
    let origin = match entry.origin {
        Origin::National => "national",
        Origin::Local => "local",
    };
    let query = sqlx::query(head)
        .bind(id)
        .bind(scope(government))
        .bind(code.to_owned())
        .bind(origin)
        .bind(to_json(entry)?);
    tx.exec(bind_meta(query, &meta), KIND, code).await?;
    tx.created(Subject::new(KIND, code, None), entry).await
}

pub(crate) async fn add(
    store: &SqlStore,
    government: Option<&Code>,
    entries: &[RefEntry],
    change: &Change,
) -> StoreResult<usize> {
    let mut tx = store.write(change).await?;
    for entry in entries {
        insert(&mut tx, government, entry).await?;
    }
    tx.commit().await?;
    Ok(entries.len())
}
