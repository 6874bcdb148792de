//! The evidence index and the audit signing keys: the store's part of the evidence log.
//!
//! The log itself is files on each gateway node (`wadah-gateway/src/audit`). A background
//! task on each node copies what its writer made durable into the index, in batches and in
//! chain order, together with how far it got ([`AuditPosition`]), in one transaction: a
//! restart continues where the last committed batch ended, and a batch applied twice changes
//! nothing (no duplicates, no gaps). The position doubles as a witness: the log of a node
//! can never end before the record the index saw last, and `wadah audit verify` says so.
//!
//! The signing keys that sign checkpoints live here too: the public halves in the clear, so
//! an auditor finds every node's keys in one place (not next to the files they vouch for),
//! the private halves sealed under the master key ring (`wadah-seal`).

use async_trait::async_trait;
use wadah_domain::Timestamp;
use wadah_domain::audit::{AuditExchange, Sha256Hash};
use wadah_domain::policy::AuditScope;

use crate::{Page, PageRequest, StoreResult};

/// How far a node's log has been indexed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditPosition {
    /// The sequence of the next record to index (records before it are done).
    pub next_sequence: u64,
    /// The hash of record `next_sequence - 1`.
    pub head: Sha256Hash,
}

/// The end of an exchange, joined to the latest admission of the same request id on the same
/// node that precedes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEnding {
    pub request_id: String,
    pub outcome: wadah_domain::audit::ExchangeOutcome,
    /// The request body's digest when it was streamed (not known at admission).
    pub request_digest: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditEntry {
    Admitted(Box<AuditExchange>),
    Ended(AuditEnding),
}

impl AuditEntry {
    pub fn sequence(&self) -> u64 {
        match self {
            Self::Admitted(a) => a.sequence,
            Self::Ended(e) => e.outcome.sequence,
        }
    }
}

/// Records of one node, in chain order, and the position after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBatch {
    pub node: String,
    /// Only the records the index keeps (admissions and outcomes); others are skipped.
    pub entries: Vec<AuditEntry>,
    pub position: AuditPosition,
}

/// What `/api/v1/audit` searches by. Codes are compared exactly; `to` is exclusive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// The caller's scope (narrowed by the web layer from the principal).
    pub scope: AuditScope,
    pub request_id: Option<String>,
    pub consumer_agency: Option<String>,
    pub consumer_application: Option<String>,
    pub service_agency: Option<String>,
    pub service_application: Option<String>,
    pub service: Option<String>,
    /// 1..=5: exchanges whose consumer status is in that hundred.
    pub status_class: Option<u16>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl AuditFilter {
    pub fn scoped(scope: AuditScope) -> Self {
        Self {
            scope,
            request_id: None,
            consumer_agency: None,
            consumer_application: None,
            service_agency: None,
            service_application: None,
            service: None,
            status_class: None,
            from: None,
            to: None,
        }
    }
}

/// A public key that signs a node's checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditKey {
    /// First 8 bytes of the public key's SHA-256, hex (what checkpoints name).
    pub key_id: String,
    pub node: String,
    /// The raw Ed25519 public key (32 bytes).
    pub public_key: Vec<u8>,
    pub created_at: Timestamp,
}

#[async_trait]
pub trait AuditIndex: Send + Sync {
    /// How far `node`'s log is indexed; `None` before the first batch.
    async fn audit_position(&self, node: &str) -> StoreResult<Option<AuditPosition>>;
    /// Every node's position (what `verify` compares the files with).
    async fn audit_positions(&self) -> StoreResult<Vec<(String, AuditPosition)>>;
    /// Applies a batch and moves the position, in one transaction. Entries at or after the
    /// stored position are applied; earlier ones (a batch replayed after a crash) are skipped.
    async fn index_audit(&self, batch: &AuditBatch) -> StoreResult<()>;
    /// Exchanges newest first (admission time, then node and sequence); keyset-paged.
    async fn search_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> StoreResult<Page<AuditExchange>>;

    /// Exchanges counted per bucket, consumer, service and latency class (see
    /// [`crate::TrafficQuery`]); the dashboards' and the integration map's source.
    async fn traffic(&self, query: &crate::TrafficQuery) -> StoreResult<Vec<crate::TrafficRow>>;

    /// Every node's checkpoint keys, public halves only.
    async fn audit_keys(&self) -> StoreResult<Vec<AuditKey>>;
    /// The newest key of `node` with its sealed private half.
    async fn audit_signing_key(&self, node: &str) -> StoreResult<Option<(AuditKey, String)>>;
    /// Publishes a new key (its private half already sealed).
    async fn add_audit_key(&self, key: &AuditKey, sealed_private: &str) -> StoreResult<()>;
}
