//! The store role of SPBE assessments ([`AssessmentStore`]): the assessment documents, the
//! bytes of their evidence files, and the traffic figures the evidence suggestions read.
//!
//! The store keeps what the domain decided: a write stores a whole assessment that the domain
//! rules (`wadah_domain::index::assessment`) produced, under optimistic concurrency, and logs it
//! to the change log like every registry write. Evidence file bytes live in the database (one
//! row per assessment and SHA-256), so every node of a PostgreSQL deployment serves them and a
//! backup of the database holds the evidence too; the web layer checks size and type before
//! they get here. The change log records the file's name, type, size and digest, never its
//! bytes.

use async_trait::async_trait;
use wadah_domain::index::assessment::{Assessment, AssessmentSpec, EvidenceFile, IndicatorEntry};
use wadah_domain::{Code, Timestamp};

use crate::StoreResult;
use crate::traits::Change;

/// Which assessments a list answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentFilter {
    pub government: Option<Code>,
    pub year: Option<u16>,
}

/// Files a save adds and removes together with the document.
#[derive(Debug, Default)]
pub struct FileChanges<'a> {
    /// New files with their bytes (a file already stored under the digest is kept as is).
    pub add: Vec<(&'a EvidenceFile, &'a [u8])>,
    /// Digests of files no evidence item refers to any more.
    pub remove: Vec<String>,
}

/// Exchanges between two applications in a period, from the evidence index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficFigure {
    pub consumer_agency: String,
    pub consumer_application: String,
    pub service_agency: String,
    pub service_application: String,
    pub exchanges: i64,
}

#[async_trait]
pub trait AssessmentStore: Send + Sync {
    /// Creates an assessment in draft with `indicators`; one per government, year and
    /// instrument (else `Duplicate`).
    async fn create_assessment(
        &self,
        spec: &AssessmentSpec,
        indicators: &[IndicatorEntry],
        change: &Change,
    ) -> StoreResult<Assessment>;
    async fn get_assessment(&self, id: &str) -> StoreResult<Assessment>;
    /// Newest year first, then government and instrument.
    async fn list_assessments(&self, filter: &AssessmentFilter) -> StoreResult<Vec<Assessment>>;
    /// Stores `assessment`'s status and indicators if the stored version is `expected_version`
    /// (else `StaleVersion`), with its file changes, in one transaction.
    async fn save_assessment(
        &self,
        assessment: &Assessment,
        expected_version: i64,
        files: &FileChanges<'_>,
        change: &Change,
    ) -> StoreResult<Assessment>;
    /// An evidence file's bytes; `NotFound` when the assessment has no file with this digest.
    async fn evidence_file_bytes(&self, assessment: &str, sha256: &str) -> StoreResult<Vec<u8>>;
    /// Exchanges per consumer and providing application admitted at or after `since`.
    async fn traffic_since(&self, since: Timestamp) -> StoreResult<Vec<TrafficFigure>>;
}
