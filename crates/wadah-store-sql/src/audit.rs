//! The evidence index and the checkpoint keys (see `wadah_store::AuditIndex`). These writes
//! are not registry changes: they bump no registry version (the gateway would rebuild its
//! snapshot for nothing) and write no change-log entry. A batch and its position commit in one
//! transaction; admissions insert with `ON CONFLICT DO NOTHING` and outcomes update the
//! latest earlier admission of the same request id, so replaying a batch changes nothing.

use sqlx::any::AnyRow;
use wadah_domain::audit::{AuditExchange, ExchangeOutcome, Sha256Hash, from_micros, micros};
use wadah_domain::policy::AuditScope;
use wadah_store::{
    AuditBatch, AuditEnding, AuditEntry, AuditFilter, AuditKey, AuditPosition, Page, PageRequest, StoreError,
    StoreResult,
};

use crate::SqlStore;
use crate::error::corrupt;
use crate::query::Sql;
use crate::rows::RowExt;

fn seq(v: u64) -> StoreResult<i64> {
    i64::try_from(v).map_err(|_| StoreError::InvalidState(format!("sequence {v} is out of range")))
}

fn useq(row: &AnyRow, col: &str) -> StoreResult<u64> {
    u64::try_from(row.int(col)?).map_err(|e| corrupt(col, e))
}

fn position(row: &AnyRow) -> StoreResult<AuditPosition> {
    Ok(AuditPosition {
        next_sequence: useq(row, "next_sequence")?,
        head: Sha256Hash::from_hex(&row.text("head")?).ok_or_else(|| corrupt("head", "not a hash"))?,
    })
}

pub(crate) async fn position_of(store: &SqlStore, node: &str) -> StoreResult<Option<AuditPosition>> {
    let mut conn = store.read().await?;
    let row = sqlx::query("SELECT next_sequence, head FROM audit_positions WHERE node = $1")
        .bind(node.to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    row.as_ref().map(position).transpose()
}

pub(crate) async fn positions(store: &SqlStore) -> StoreResult<Vec<(String, AuditPosition)>> {
    let mut conn = store.read().await?;
    let rows = sqlx::query("SELECT node, next_sequence, head FROM audit_positions ORDER BY node")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    rows.iter().map(|r| Ok((r.text("node")?, position(r)?))).collect()
}

/// A write transaction that, unlike registry writes, leaves the registry version alone.
async fn begin(
    store: &SqlStore,
) -> StoreResult<(
    Option<tokio::sync::MutexGuard<'_, ()>>,
    sqlx::Transaction<'static, sqlx::Any>,
)> {
    let gate = match &store.writer {
        Some(gate) => Some(gate.lock().await),
        None => None,
    };
    let tx = store
        .pool
        .begin_with(store.engine.begin_write)
        .await
        .map_err(|e| store.db(e))?;
    Ok((gate, tx))
}

pub(crate) async fn index(store: &SqlStore, batch: &AuditBatch) -> StoreResult<()> {
    let (_gate, mut tx) = begin(store).await?;
    let stored = sqlx::query("SELECT next_sequence, head FROM audit_positions WHERE node = $1")
        .bind(batch.node.clone())
        .fetch_optional(&mut *tx)
        .await
        .map_err(|e| store.db(e))?;
    let from = match stored.as_ref().map(position).transpose()? {
        Some(p) if p.next_sequence >= batch.position.next_sequence => return Ok(()),
        Some(p) => p.next_sequence,
        None => 0,
    };
    let entries = batch.entries.iter().filter(|e| e.sequence() >= from);
    let (rows, late) = pair(entries);
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        insert_rows(&batch.node, chunk, store.engine.numbered_placeholders)?
            .execute(&mut *tx)
            .await
            .map_err(|e| store.db(e))?;
    }
    for ending in late {
        ended(&batch.node, ending)?
            .execute(&mut *tx)
            .await
            .map_err(|e| store.db(e))?;
    }
    sqlx::query(
        "INSERT INTO audit_positions (node, next_sequence, head) VALUES ($1, $2, $3) \
         ON CONFLICT (node) DO UPDATE SET next_sequence = excluded.next_sequence, head = excluded.head",
    )
    .bind(batch.node.clone())
    .bind(seq(batch.position.next_sequence)?)
    .bind(batch.position.head.to_hex())
    .execute(&mut *tx)
    .await
    .map_err(|e| store.db(e))?;
    tx.commit().await.map_err(|e| store.db(e))
}

/// Rows per `INSERT` statement: 64 × 24 parameters stays far below SQLite's and PostgreSQL's
/// limits, and one statement per 64 exchanges instead of two per exchange is most of what
/// indexing costs under load (each statement is a round trip to the database thread).
const ROWS_PER_INSERT: usize = 64;

/// One exchange to insert: its admission, with its outcome when the same batch holds it.
struct Row<'a> {
    admitted: &'a AuditExchange,
    ending: Option<&'a AuditEnding>,
    /// The admission's body digest, or the (first) outcome's when the body was streamed.
    request_digest: Option<&'a str>,
}

/// Pairs each outcome with the latest earlier admission of its request in the batch (the same
/// rule the `UPDATE` for outcomes applies in the table), so most exchanges are written once,
/// complete. Outcomes whose admission was indexed by an earlier batch come back separately.
fn pair<'a>(entries: impl Iterator<Item = &'a AuditEntry>) -> (Vec<Row<'a>>, Vec<&'a AuditEnding>) {
    let mut rows: Vec<Row<'a>> = Vec::new();
    let mut latest: std::collections::HashMap<&'a str, usize> = std::collections::HashMap::new();
    let mut late = Vec::new();
    for entry in entries {
        match entry {
            AuditEntry::Admitted(a) => {
                latest.insert(a.request_id.as_str(), rows.len());
                rows.push(Row {
                    admitted: a,
                    ending: None,
                    request_digest: a.request_digest.as_deref(),
                });
            }
            AuditEntry::Ended(e) => match latest.get(e.request_id.as_str()) {
                Some(&i) => {
                    let row = &mut rows[i];
                    row.ending = Some(e);
                    row.request_digest = row.request_digest.or(e.request_digest.as_deref());
                }
                None => late.push(e),
            },
        }
    }
    (rows, late)
}

/// One multi-row `INSERT` of exchanges (with their outcomes where known).
fn insert_rows(node: &str, rows: &[Row<'_>], numbered: bool) -> StoreResult<crate::tx::Q> {
    const COLUMNS: usize = 24;
    let mut sql = String::from(
        "INSERT INTO audit_exchanges (node, sequence, request_id, at, consumer_agency, \
         consumer_application, credential, service_agency, service_application, service, method, \
         path, query_digest, request_digest, outcome_sequence, status, upstream_status, ended_at, \
         duration_ms, bytes_in, bytes_out, response_digest, complete, error) VALUES ",
    );
    for r in 0..rows.len() {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..COLUMNS {
            if c > 0 {
                sql.push_str(", ");
            }
            if numbered {
                sql.push_str(&format!("${}", r * COLUMNS + c + 1));
            } else {
                sql.push('?');
            }
        }
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (node, sequence) DO NOTHING");
    // The text holds placeholders only (every value is bound). Only the full-size statement is
    // worth keeping prepared; a batch's short tail varies.
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).persistent(rows.len() == ROWS_PER_INSERT);
    for row in rows {
        let a = row.admitted;
        let o = row.ending.map(|e| &e.outcome);
        query = query
            .bind(node.to_owned())
            .bind(seq(a.sequence)?)
            .bind(a.request_id.clone())
            .bind(micros(a.at))
            .bind(a.consumer_agency.clone())
            .bind(a.consumer_application.clone())
            .bind(a.credential.clone())
            .bind(a.service_agency.clone())
            .bind(a.service_application.clone())
            .bind(a.service.clone())
            .bind(a.method.clone())
            .bind(a.path.clone())
            .bind(a.query_digest.clone())
            .bind(row.request_digest.map(str::to_owned))
            .bind(o.map(|o| seq(o.sequence)).transpose()?)
            .bind(o.map(|o| i64::from(o.status)))
            .bind(o.and_then(|o| o.upstream_status.map(i64::from)))
            .bind(o.map(|o| micros(o.ended_at)))
            .bind(o.map(|o| o.duration_ms))
            .bind(o.map(|o| seq(o.bytes_in)).transpose()?)
            .bind(o.map(|o| seq(o.bytes_out)).transpose()?)
            .bind(o.and_then(|o| o.response_digest.clone()))
            .bind(o.map(|o| i64::from(o.complete)))
            .bind(o.and_then(|o| o.error.clone()));
    }
    Ok(query)
}

fn ended(node: &str, e: &AuditEnding) -> StoreResult<crate::tx::Q> {
    let o = &e.outcome;
    Ok(sqlx::query(
        "UPDATE audit_exchanges SET outcome_sequence = $1, status = $2, upstream_status = $3, \
         ended_at = $4, duration_ms = $5, bytes_in = $6, bytes_out = $7, response_digest = $8, \
         complete = $9, error = $10, request_digest = COALESCE(request_digest, $11) \
         WHERE node = $12 AND sequence = (SELECT MAX(sequence) FROM audit_exchanges \
         WHERE node = $12 AND request_id = $13 AND sequence < $1)",
    )
    .bind(seq(o.sequence)?)
    .bind(i64::from(o.status))
    .bind(o.upstream_status.map(i64::from))
    .bind(micros(o.ended_at))
    .bind(o.duration_ms)
    .bind(seq(o.bytes_in)?)
    .bind(seq(o.bytes_out)?)
    .bind(o.response_digest.clone())
    .bind(i64::from(o.complete))
    .bind(o.error.clone())
    .bind(e.request_digest.clone())
    .bind(node.to_owned())
    .bind(e.request_id.clone()))
}

fn status(row: &AnyRow, col: &str) -> StoreResult<Option<u16>> {
    row.opt_int(col)?
        .map(|s| u16::try_from(s).map_err(|e| corrupt(col, e)))
        .transpose()
}

fn exchange(row: &AnyRow) -> StoreResult<AuditExchange> {
    let outcome = match (row.opt_int("outcome_sequence")?, status(row, "status")?) {
        (Some(sequence), Some(status)) => Some(ExchangeOutcome {
            sequence: u64::try_from(sequence).map_err(|e| corrupt("outcome_sequence", e))?,
            status,
            upstream_status: self::status(row, "upstream_status")?,
            ended_at: from_micros(row.opt_int("ended_at")?.unwrap_or_default()),
            duration_ms: row.opt_int("duration_ms")?.unwrap_or_default(),
            bytes_in: row.opt_int("bytes_in")?.unwrap_or_default().max(0) as u64,
            bytes_out: row.opt_int("bytes_out")?.unwrap_or_default().max(0) as u64,
            response_digest: row.opt_text("response_digest")?,
            complete: row.opt_int("complete")? == Some(1),
            error: row.opt_text("error")?,
        }),
        _ => None,
    };
    Ok(AuditExchange {
        node: row.text("node")?,
        sequence: useq(row, "sequence")?,
        request_id: row.text("request_id")?,
        at: from_micros(row.int("at")?),
        consumer_agency: row.text("consumer_agency")?,
        consumer_application: row.text("consumer_application")?,
        credential: row.text("credential")?,
        service_agency: row.text("service_agency")?,
        service_application: row.text("service_application")?,
        service: row.text("service")?,
        method: row.text("method")?,
        path: row.text("path")?,
        query_digest: row.opt_text("query_digest")?,
        request_digest: row.opt_text("request_digest")?,
        outcome,
    })
}

/// The cursor: `at.sequence.node` of the last exchange on the page.
fn cursor(e: &AuditExchange) -> String {
    format!("{}.{}.{}", micros(e.at), e.sequence, e.node)
}

fn parse_cursor(raw: &str) -> StoreResult<(i64, i64, String)> {
    let bad = || StoreError::InvalidState(format!("the cursor {raw:?} is not valid for this list"));
    let mut parts = raw.splitn(3, '.');
    let at = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let seq = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
    let node = parts.next().ok_or_else(bad)?.to_owned();
    Ok((at, seq, node))
}

/// Narrows `sql` to the exchanges `scope` may see (either side of the exchange).
pub(crate) fn within_scope(sql: &mut Sql, scope: &AuditScope) {
    match scope {
        AuditScope::All => {}
        AuditScope::Agency(a) => {
            sql.filter(
                "(consumer_agency = ? OR service_agency = ?)",
                [a.into(), a.into()],
            );
        }
        AuditScope::Application(a, app) => {
            sql.filter(
                "((consumer_agency = ? AND consumer_application = ?) OR \
                 (service_agency = ? AND service_application = ?))",
                [a.into(), app.into(), a.into(), app.into()],
            );
        }
    }
}

pub(crate) async fn search(
    store: &SqlStore,
    filter: &AuditFilter,
    page: &PageRequest,
) -> StoreResult<Page<AuditExchange>> {
    let limit = page.clamped_limit();
    let mut sql = Sql::select("SELECT * FROM audit_exchanges");
    within_scope(&mut sql, &filter.scope);
    sql.filter_opt("request_id = ?", filter.request_id.as_deref());
    sql.filter_opt("consumer_agency = ?", filter.consumer_agency.as_deref());
    sql.filter_opt("consumer_application = ?", filter.consumer_application.as_deref());
    sql.filter_opt("service_agency = ?", filter.service_agency.as_deref());
    sql.filter_opt("service_application = ?", filter.service_application.as_deref());
    sql.filter_opt("service = ?", filter.service.as_deref());
    if let Some(class) = filter.status_class {
        let low = i64::from(class) * 100;
        sql.filter("status >= ? AND status < ?", [low.into(), (low + 100).into()]);
    }
    sql.filter_opt("at >= ?", filter.from.map(micros));
    sql.filter_opt("at < ?", filter.to.map(micros));
    if let Some(after) = &page.after {
        let (at, seq, node) = parse_cursor(after)?;
        sql.filter(
            "(at < ? OR (at = ? AND (sequence < ? OR (sequence = ? AND node < ?))))",
            [at.into(), at.into(), seq.into(), seq.into(), node.into()],
        );
    }
    sql.page("at DESC, sequence DESC, node DESC", limit);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    let items = rows.iter().map(exchange).collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, cursor))
}

fn key(row: &AnyRow) -> StoreResult<AuditKey> {
    Ok(AuditKey {
        key_id: row.text("key_id")?,
        node: row.text("node")?,
        public_key: decode_hex(&row.text("public_key")?).ok_or_else(|| corrupt("public_key", "not hex"))?,
        created_at: from_micros(row.int("created_at")?),
    })
}

fn decode_hex(raw: &str) -> Option<Vec<u8>> {
    if !raw.len().is_multiple_of(2) {
        return None;
    }
    (0..raw.len())
        .step_by(2)
        .map(|i| raw.get(i..i + 2).and_then(|b| u8::from_str_radix(b, 16).ok()))
        .collect()
}

fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) async fn keys(store: &SqlStore) -> StoreResult<Vec<AuditKey>> {
    let mut conn = store.read().await?;
    let rows =
        sqlx::query("SELECT key_id, node, public_key, created_at FROM audit_keys ORDER BY node, created_at")
            .fetch_all(&mut *conn)
            .await
            .map_err(|e| store.db(e))?;
    rows.iter().map(key).collect()
}

pub(crate) async fn signing_key(store: &SqlStore, node: &str) -> StoreResult<Option<(AuditKey, String)>> {
    let mut conn = store.read().await?;
    let row = sqlx::query(
        "SELECT key_id, node, public_key, created_at, sealed_private FROM audit_keys \
         WHERE node = $1 ORDER BY created_at DESC, key_id DESC LIMIT 1",
    )
    .bind(node.to_owned())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    row.map(|r| Ok((key(&r)?, r.text("sealed_private")?))).transpose()
}

pub(crate) async fn add_key(store: &SqlStore, key: &AuditKey, sealed: &str) -> StoreResult<()> {
    let (_gate, mut tx) = begin(store).await?;
    sqlx::query(
        "INSERT INTO audit_keys (key_id, node, public_key, sealed_private, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(key.key_id.clone())
    .bind(key.node.clone())
    .bind(encode_hex(&key.public_key))
    .bind(sealed.to_owned())
    .bind(micros(key.created_at))
    .execute(&mut *tx)
    .await
    .map_err(|e| store.db_write(e, "audit_key", &key.key_id))?;
    tx.commit().await.map_err(|e| store.db(e))
}
