//! One exchange as the evidence *index* shows it: the admission record and, once the exchange
//! has ended, its outcome, joined. This is what `/api/v1/audit` answers; it holds what the
//! records hold (codes, digests, sizes, times), never bodies. The log files stay the evidence;
//! the index is a searchable copy that `wadah audit verify` does not rely on.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AuditExchange {
    /// The gateway node whose log holds the records.
    pub node: String,
    /// The admission record's sequence in that node's chain.
    pub sequence: u64,
    pub request_id: String,
    /// When the exchange was admitted.
    pub at: chrono::DateTime<chrono::Utc>,
    pub consumer_agency: String,
    pub consumer_application: String,
    /// The consumer credential's id (never its secret).
    pub credential: String,
    pub service_agency: String,
    pub service_application: String,
    pub service: String,
    pub method: String,
    pub path: String,
    /// SHA-256 of the query string (hex), if there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub query_digest: Option<String>,
    /// SHA-256 of the request body (hex), from the admission or, when streamed, the outcome.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_digest: Option<String>,
    /// How the exchange ended; `None` while it is in flight (or its outcome is not indexed yet).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<ExchangeOutcome>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ExchangeOutcome {
    /// The outcome record's sequence.
    pub sequence: u64,
    /// The status the consumer received.
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upstream_status: Option<u16>,
    /// When the response ended.
    pub ended_at: chrono::DateTime<chrono::Utc>,
    /// Milliseconds from receiving the request to the end of the response.
    pub duration_ms: i64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// SHA-256 of the response body as delivered (hex).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_digest: Option<String>,
    pub complete: bool,
    /// The gateway's problem code when the exchange failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}
