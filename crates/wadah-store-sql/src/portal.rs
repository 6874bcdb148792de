//! Link checks and feedback (see `wadah_store::PortalStore`, migration 0011). Single
//! statements outside [`crate::tx::Tx`]: these are not registry changes, so they bump no
//! registry version and write no change-log entry. Rows point at the public service's row id
//! (found by agency and code in the same statement) so that deleting the service deletes them.

use sqlx::any::AnyRow;
use wadah_domain::feedback::{Feedback, FeedbackSpec, FeedbackSummary};
use wadah_domain::link_check::{LinkCheck, LinkFailure};
use wadah_domain::{Code, Timestamp};
use wadah_store::{Page, PageRequest, StoreResult};

use crate::SqlStore;
use crate::error::{corrupt, not_found};
use crate::rows::{RowExt, ms, opt_ms, to_stored};

/// The public service's row id, by agency code and service code (macros, so that queries are
/// `concat!`ed into the `&'static str` sqlx wants).
macro_rules! service_id {
    () => {
        "SELECT ps.id FROM public_services ps JOIN agencies a ON a.id = ps.agency_id \
         WHERE a.code = $1 AND ps.code = $2"
    };
}

macro_rules! select_check {
    () => {
        "SELECT a.code AS agency, ps.code AS public_service, lc.url, lc.http_status, \
         lc.failure, lc.checked_at, lc.failing_since FROM link_checks lc \
         JOIN public_services ps ON ps.id = lc.public_service_id \
         JOIN agencies a ON a.id = ps.agency_id"
    };
}

fn check_from_row(row: &AnyRow) -> StoreResult<LinkCheck> {
    let failure = match row.opt_text("failure")? {
        Some(raw) => Some(LinkFailure::parse(&raw).ok_or_else(|| corrupt("failure", raw))?),
        None => None,
    };
    let http_status = row
        .opt_int("http_status")?
        .map(|s| u16::try_from(s).map_err(|e| corrupt("http_status", e)))
        .transpose()?;
    Ok(LinkCheck {
        agency: row.code("agency")?,
        public_service: row.code("public_service")?,
        url: row.text("url")?,
        http_status,
        failure,
        checked_at: row.time("checked_at")?,
        failing_since: row.opt_time("failing_since")?,
    })
}

pub(crate) async fn record_link_check(store: &SqlStore, check: &LinkCheck) -> StoreResult<()> {
    let mut conn = store.read().await?;
    let sql = concat!(
        "INSERT INTO link_checks (public_service_id, url, http_status, failure, checked_at, failing_since) \
         SELECT ps.id, $3, CAST($4 AS BIGINT), CAST($5 AS TEXT), $6, CAST($7 AS BIGINT) \
         FROM (",
        service_id!(),
        ") ps WHERE true \
         ON CONFLICT (public_service_id) DO UPDATE SET url = excluded.url, \
         http_status = excluded.http_status, failure = excluded.failure, \
         checked_at = excluded.checked_at, failing_since = excluded.failing_since"
    );
    sqlx::query(sql)
        .bind(check.agency.as_str().to_owned())
        .bind(check.public_service.as_str().to_owned())
        .bind(check.url.clone())
        .bind(check.http_status.map(i64::from))
        .bind(check.failure.map(|f| f.as_str().to_owned()))
        .bind(ms(check.checked_at))
        .bind(opt_ms(check.failing_since))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    Ok(())
}

pub(crate) async fn link_check(
    store: &SqlStore,
    agency: &Code,
    public_service: &Code,
) -> StoreResult<Option<LinkCheck>> {
    let mut conn = store.read().await?;
    let sql = concat!(select_check!(), " WHERE a.code = $1 AND ps.code = $2");
    let row = sqlx::query(sql)
        .bind(agency.as_str().to_owned())
        .bind(public_service.as_str().to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    row.as_ref().map(check_from_row).transpose()
}

pub(crate) async fn broken_links(store: &SqlStore) -> StoreResult<Vec<LinkCheck>> {
    let mut conn = store.read().await?;
    let sql = concat!(
        select_check!(),
        " WHERE lc.failure IS NOT NULL ORDER BY a.code, ps.code"
    );
    let rows = sqlx::query(sql)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    rows.iter().map(check_from_row).collect()
}

pub(crate) async fn add_feedback(
    store: &SqlStore,
    agency: &Code,
    public_service: &Code,
    feedback: &FeedbackSpec,
    at: Timestamp,
) -> StoreResult<Feedback> {
    let at = to_stored(at);
    let id = store.new_id(at);
    let mut conn = store.read().await?;
    let sql = concat!(
        "INSERT INTO public_service_feedback (id, public_service_id, rating, comment, created_at) \
         SELECT $3, ps.id, CAST($4 AS BIGINT), $5, $6 FROM (",
        service_id!(),
        ") ps"
    );
    let done = sqlx::query(sql)
        .bind(agency.as_str().to_owned())
        .bind(public_service.as_str().to_owned())
        .bind(id.clone())
        .bind(feedback.rating.map(|r| i64::from(r.get())))
        .bind(feedback.comment.as_str().to_owned())
        .bind(ms(at))
        .execute(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    if done.rows_affected() == 0 {
        return Err(not_found("public service", format!("{agency}/{public_service}")));
    }
    Ok(Feedback {
        id,
        agency: agency.clone(),
        public_service: public_service.clone(),
        rating: feedback.rating.map(|r| r.get()),
        comment: feedback.comment.as_str().to_owned(),
        created_at: at,
    })
}

pub(crate) async fn feedback_summary(
    store: &SqlStore,
    agency: &Code,
    public_service: &Code,
) -> StoreResult<FeedbackSummary> {
    let mut conn = store.read().await?;
    let sql = concat!(
        "SELECT CAST(COUNT(f.rating) AS BIGINT) AS ratings, \
         CAST(COALESCE(SUM(f.rating), 0) AS BIGINT) AS rating_sum, \
         CAST(COALESCE(SUM(CASE WHEN f.comment <> '' THEN 1 ELSE 0 END), 0) AS BIGINT) AS comments \
         FROM public_service_feedback f WHERE f.public_service_id IN (",
        service_id!(),
        ")"
    );
    let row = sqlx::query(sql)
        .bind(agency.as_str().to_owned())
        .bind(public_service.as_str().to_owned())
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    let count = |col: &str| -> StoreResult<u64> { u64::try_from(row.int(col)?).map_err(|e| corrupt(col, e)) };
    Ok(FeedbackSummary {
        ratings: count("ratings")?,
        rating_sum: count("rating_sum")?,
        comments: count("comments")?,
    })
}

pub(crate) async fn list_feedback(
    store: &SqlStore,
    agency: &Code,
    public_service: &Code,
    page: &PageRequest,
) -> StoreResult<Page<Feedback>> {
    let limit = page.clamped_limit();
    let mut conn = store.read().await?;
    // Newest first: ids are UUIDv7, so "before the cursor" is "older than the last one shown".
    let sql = concat!(
        "SELECT f.id, f.rating, f.comment, f.created_at FROM public_service_feedback f \
         WHERE f.public_service_id IN (",
        service_id!(),
        ") AND ($3 = '' OR f.id < $3) \
         ORDER BY f.id DESC LIMIT $4"
    );
    let rows = sqlx::query(sql)
        .bind(agency.as_str().to_owned())
        .bind(public_service.as_str().to_owned())
        .bind(page.after.clone().unwrap_or_default())
        .bind(i64::from(limit) + 1)
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    let items = rows
        .iter()
        .map(|row| {
            let rating = row
                .opt_int("rating")?
                .map(|r| u8::try_from(r).map_err(|e| corrupt("rating", e)))
                .transpose()?;
            Ok(Feedback {
                id: row.text("id")?,
                agency: agency.clone(),
                public_service: public_service.clone(),
                rating,
                comment: row.text("comment")?,
                created_at: row.time("created_at")?,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    Ok(Page::from_rows(items, limit, |f| f.id.clone()))
}
