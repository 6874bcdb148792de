//! SPBE assessments (`assessments`, `assessment_files`, migration 0009) and the traffic
//! figures the evidence suggestions read from the evidence index.
//!
//! A save writes the whole document under the version check, adds and drops evidence files in
//! the same transaction, and logs the change: the change-log entry holds the assessment as the
//! API shows it (file name, type, size, digest), never file bytes.

use sqlx::AnyConnection;
use sqlx::any::AnyRow;
use wadah_domain::Timestamp;
use wadah_domain::index::assessment::{Assessment, AssessmentSpec, AssessmentStatus, IndicatorEntry};
use wadah_store::{AssessmentFilter, Change, FileChanges, StoreResult, TrafficFigure};

use crate::SqlStore;
use crate::error::{corrupt, lost_race, not_found, stale};
use crate::query::Sql;
use crate::rows::{RowExt, ms, parse_enum, to_json};
use crate::tx::{Subject, bind_meta, bind_next};

const KIND: &str = "assessment";

const SELECT: &str = concat!(
    "SELECT id, government, year, instrument, status, doc, ",
    meta_columns!(),
    " FROM assessments"
);

fn from_row(row: &AnyRow) -> StoreResult<Assessment> {
    let year = row.int("year")?;
    Ok(Assessment {
        id: row.text("id")?,
        spec: AssessmentSpec {
            government: row.code("government")?,
            year: u16::try_from(year).map_err(|e| corrupt("year", e))?,
            instrument: row.text("instrument")?,
        },
        status: parse_enum("status", row.text("status")?)?,
        indicators: row.doc()?,
        meta: row.meta()?,
    })
}

async fn load(store: &SqlStore, conn: &mut AnyConnection, id: &str) -> StoreResult<Assessment> {
    let row = sqlx::query(concat!(
        "SELECT id, government, year, instrument, status, doc, ",
        meta_columns!(),
        " FROM assessments WHERE id = $1"
    ))
    .bind(id.to_owned())
    .fetch_optional(conn)
    .await
    .map_err(|e| store.db(e))?;
    row.as_ref()
        .map(from_row)
        .transpose()?
        .ok_or_else(|| not_found(KIND, id))
}

fn status_text(status: AssessmentStatus) -> &'static str {
    status.as_str()
}

pub(crate) async fn create(
    store: &SqlStore,
    spec: &AssessmentSpec,
    indicators: &[IndicatorEntry],
    change: &Change,
) -> StoreResult<Assessment> {
    let mut tx = store.write(change).await?;
    let assessment = Assessment {
        id: tx.new_id(),
        spec: spec.clone(),
        status: AssessmentStatus::Draft,
        indicators: indicators.to_vec(),
        meta: tx.new_meta(),
    };
    let key = format!("{}/{}/{}", spec.government, spec.year, spec.instrument);
    let query = sqlx::query(concat!(
        "INSERT INTO assessments (id, government, year, instrument, status, doc, ",
        meta_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
    ))
    .bind(assessment.id.clone())
    .bind(spec.government.as_str().to_owned())
    .bind(i64::from(spec.year))
    .bind(spec.instrument.clone())
    .bind(status_text(assessment.status))
    .bind(to_json(&assessment.indicators)?);
    tx.exec(bind_meta(query, &assessment.meta), KIND, &key).await?;
    tx.created(Subject::new(KIND, assessment.id.clone(), None), &assessment)
        .await?;
    tx.commit().await?;
    Ok(assessment)
}

pub(crate) async fn get(store: &SqlStore, id: &str) -> StoreResult<Assessment> {
    let mut conn = store.read().await?;
    load(store, &mut conn, id).await
}

pub(crate) async fn list(store: &SqlStore, filter: &AssessmentFilter) -> StoreResult<Vec<Assessment>> {
    let mut sql = Sql::select(SELECT);
    sql.filter_opt("government = ?", filter.government.as_ref())
        .filter_opt("year = ?", filter.year.map(i64::from))
        .push(" ORDER BY year DESC, government, instrument", []);
    let mut conn = store.read().await?;
    let rows = sql.fetch_all(store, &mut conn).await?;
    rows.iter().map(from_row).collect()
}

pub(crate) async fn save(
    store: &SqlStore,
    assessment: &Assessment,
    expected_version: i64,
    files: &FileChanges<'_>,
    change: &Change,
) -> StoreResult<Assessment> {
    let mut tx = store.write(change).await?;
    let before = load(store, tx.conn(), &assessment.id).await?;
    let key = assessment.id.clone();
    if before.meta.version != expected_version {
        return Err(stale(KIND, key, expected_version, before.meta.version));
    }
    let after = Assessment {
        id: before.id.clone(),
        spec: before.spec.clone(),
        status: assessment.status,
        indicators: assessment.indicators.clone(),
        meta: tx.next_meta(&before.meta),
    };
    let query = sqlx::query(
        "UPDATE assessments SET status = $1, doc = $2, version = $3, updated_at = $4, \
         updated_by = $5 WHERE id = $6 AND version = $7",
    )
    .bind(status_text(after.status))
    .bind(to_json(&after.indicators)?);
    let query = bind_next(query, &after.meta, &key, expected_version);
    if tx.exec(query, KIND, &key).await? == 0 {
        return Err(lost_race(KIND, &key, expected_version));
    }
    for (file, bytes) in &files.add {
        let size = i64::try_from(bytes.len()).map_err(|e| corrupt("file size", e))?;
        let insert = sqlx::query(
            "INSERT INTO assessment_files (assessment_id, sha256, name, media_type, size, content, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (assessment_id, sha256) DO NOTHING",
        )
        .bind(key.clone())
        .bind(file.sha256.clone())
        .bind(file.name.clone())
        .bind(file.media_type.clone())
        .bind(size)
        .bind(bytes.to_vec())
        .bind(ms(tx.at));
        tx.exec(insert, "evidence file", &file.sha256).await?;
    }
    for sha256 in &files.remove {
        let delete = sqlx::query("DELETE FROM assessment_files WHERE assessment_id = $1 AND sha256 = $2")
            .bind(key.clone())
            .bind(sha256.clone());
        tx.exec(delete, "evidence file", sha256).await?;
    }
    tx.updated(Subject::new(KIND, key.clone(), None), &before, &after)
        .await?;
    tx.commit().await?;
    Ok(after)
}

pub(crate) async fn file_bytes(store: &SqlStore, assessment: &str, sha256: &str) -> StoreResult<Vec<u8>> {
    let mut conn = store.read().await?;
    let row = sqlx::query("SELECT content FROM assessment_files WHERE assessment_id = $1 AND sha256 = $2")
        .bind(assessment.to_owned())
        .bind(sha256.to_owned())
        .fetch_optional(&mut *conn)
        .await
        .map_err(|e| store.db(e))?;
    let row = row.ok_or_else(|| not_found("evidence file", sha256))?;
    sqlx::Row::try_get::<Vec<u8>, _>(&row, "content").map_err(|e| corrupt("content", e))
}

pub(crate) async fn traffic_since(store: &SqlStore, since: Timestamp) -> StoreResult<Vec<TrafficFigure>> {
    // The evidence index keeps admission times in microseconds.
    let since_us = since.timestamp_micros();
    let mut conn = store.read().await?;
    let rows = sqlx::query(
        "SELECT consumer_agency, consumer_application, service_agency, service_application, \
         COUNT(*) AS exchanges FROM audit_exchanges WHERE at >= $1 \
         GROUP BY consumer_agency, consumer_application, service_agency, service_application \
         ORDER BY consumer_agency, consumer_application, service_agency, service_application",
    )
    .bind(since_us)
    .fetch_all(&mut *conn)
    .await
    .map_err(|e| store.db(e))?;
    rows.iter()
        .map(|r| {
            Ok(TrafficFigure {
                consumer_agency: r.text("consumer_agency")?,
                consumer_application: r.text("consumer_application")?,
                service_agency: r.text("service_agency")?,
                service_application: r.text("service_application")?,
                exchanges: r.int("exchanges")?,
            })
        })
        .collect()
}

// The trait implementation sits here rather than in `impls.rs` so that this role stays one
// file; it only delegates, like the others.
#[async_trait::async_trait]
impl wadah_store::AssessmentStore for SqlStore {
    async fn create_assessment(
        &self,
        spec: &AssessmentSpec,
        indicators: &[IndicatorEntry],
        change: &Change,
    ) -> StoreResult<Assessment> {
        create(self, spec, indicators, change).await
    }
    async fn get_assessment(&self, id: &str) -> StoreResult<Assessment> {
        get(self, id).await
    }
    async fn list_assessments(&self, filter: &AssessmentFilter) -> StoreResult<Vec<Assessment>> {
        list(self, filter).await
    }
    async fn save_assessment(
        &self,
        assessment: &Assessment,
        expected_version: i64,
        files: &FileChanges<'_>,
        change: &Change,
    ) -> StoreResult<Assessment> {
        save(self, assessment, expected_version, files, change).await
    }
    async fn evidence_file_bytes(&self, assessment: &str, sha256: &str) -> StoreResult<Vec<u8>> {
        file_bytes(self, assessment, sha256).await
    }
    async fn traffic_since(&self, since: Timestamp) -> StoreResult<Vec<TrafficFigure>> {
        traffic_since(self, since).await
    }
}
