//! Traffic figures (see `wadah_store::TrafficQuery`): one grouped query over the evidence
//! index, counting exchanges per bucket, consumer, service and latency class. The latency
//! class is a `CASE` over `wadah_store::LATENCY_BOUNDS_MS`, written once from the constant so
//! the SQL and the Rust classification cannot drift apart.

use std::fmt::Write as _;
use std::sync::LazyLock;

use wadah_domain::audit::micros;
use wadah_store::{LATENCY_BOUNDS_MS, MAX_BUCKETS, StoreError, StoreResult, TrafficQuery, TrafficRow};

use crate::SqlStore;
use crate::audit::within_scope;
use crate::error::corrupt;
use crate::query::Sql;
use crate::rows::RowExt;

/// `SELECT … GROUP BY`, with the latency class computed from `duration_ms` (NULL while the
/// exchange has no outcome). The bucket's start and width are the first two values.
static SELECT: LazyLock<String> = LazyLock::new(|| {
    let mut case = String::from("CASE WHEN duration_ms IS NULL THEN -1");
    for (class, bound) in LATENCY_BOUNDS_MS.iter().enumerate() {
        let _ = write!(case, " WHEN duration_ms <= {bound} THEN {class}");
    }
    let _ = write!(case, " ELSE {} END", LATENCY_BOUNDS_MS.len());
    format!(
        "SELECT CAST((at - ?) / ? AS BIGINT) AS bucket, consumer_agency, consumer_application, \
         service_agency, service_application, service, CAST({case} AS BIGINT) AS class, \
         CAST(COUNT(*) AS BIGINT) AS requests, \
         CAST(SUM(CASE WHEN status >= 400 AND status < 500 THEN 1 ELSE 0 END) AS BIGINT) AS client_errors, \
         CAST(SUM(CASE WHEN status >= 500 THEN 1 ELSE 0 END) AS BIGINT) AS server_errors \
         FROM audit_exchanges"
    )
});

const GROUP: &str = " GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7";

pub(crate) async fn traffic(store: &SqlStore, query: &TrafficQuery) -> StoreResult<Vec<TrafficRow>> {
    if query.bucket_ms <= 0 || query.buckets() > MAX_BUCKETS {
        return Err(StoreError::InvalidState(format!(
            "a traffic query needs between 1 and {MAX_BUCKETS} buckets of a positive width"
        )));
    }
    let from = micros(query.from);
    let width = query.bucket_ms.saturating_mul(1000);
    let mut sql = Sql::select_with(SELECT.as_str(), [from.into(), width.into()]);
    within_scope(&mut sql, &query.scope);
    if let Some(agency) = &query.agency {
        sql.filter(
            "(consumer_agency = ? OR service_agency = ?)",
            [agency.as_str().into(), agency.as_str().into()],
        );
    }
    if let Some((agency, application, service)) = &query.service {
        sql.filter(
            "service_agency = ? AND service_application = ? AND service = ?",
            [
                agency.as_str().into(),
                application.as_str().into(),
                service.as_str().into(),
            ],
        );
    }
    sql.filter("at >= ? AND at < ?", [from.into(), micros(query.to).into()]);
    sql.push(GROUP, []);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    rows.iter()
        .map(|row| {
            let count = |col: &str| row.int(col).map(|v| u64::try_from(v).unwrap_or(0));
            let class = row.int("class")?;
            Ok(TrafficRow {
                bucket: u32::try_from(row.int("bucket")?).map_err(|e| corrupt("traffic bucket", e))?,
                consumer_agency: row.text("consumer_agency")?,
                consumer_application: row.text("consumer_application")?,
                service_agency: row.text("service_agency")?,
                service_application: row.text("service_application")?,
                service: row.text("service")?,
                latency_class: u8::try_from(class).ok(),
                requests: count("requests")?,
                client_errors: count("client_errors")?,
                server_errors: count("server_errors")?,
            })
        })
        .collect()
}
