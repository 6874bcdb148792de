//! Evidence (Jejak audit): the records of the gateway's node-local, append-only, hash-chained
//! log (DESIGN.md §4 "evidence before access"), and their one canonical byte encoding.
//!
//! This module owns the *record format*: what a record says, how it is turned into bytes and
//! back, and how records are chained. It does no I/O; the gateway frames records into segment
//! files and `wadah audit verify` reads them back through [`AuditRecord::decode`].
//!
//! # Encoding (format version 1)
//! Every integer is big-endian and fixed-width; every string and list is length-prefixed, so
//! one byte sequence has exactly one meaning and a record hashes the same on every machine and
//! in every version of the code (never `serde_json` output, whose layout is not a contract):
//!
//! ```text
//! u8  format version (1)        u8  kind (1 admission, 2 outcome, 3 rejections, 4 recovery,
//!                                          5 checkpoint, 6 retention)
//! str node id                   u64 sequence (0, 1, 2… per node, no gaps)
//! i64 time (µs since the Unix epoch)
//! …the kind's fields, in the order the structs below declare them
//! str  = u32 length + UTF-8 bytes      opt<T> = u8 0 | u8 1 + T      hash = 32 raw bytes
//! list = u32 count + items             bool   = u8 0 | 1
//! bytes = u32 length + raw bytes
//! ```
//!
//! # Chain
//! `hash(n) = SHA-256(hash(n-1) ‖ encoding(n))`, with `hash(-1)` = 32 zero bytes ([`GENESIS`]).
//! Changing, inserting or removing a record changes every later hash.
//!
//! # Checkpoints
//! A [`Checkpoint`] is a record like the others (it is chained too) whose signature, made with
//! the node's audit signing key, covers [`AuditRecord::checkpoint_message`]: the node, its
//! sequence and time, the chain head before it and the segment it closes or sits in. What a
//! valid checkpoint proves: the records before it are exactly the ones the node wrote (none
//! removed, changed or inserted) unless the signing key is known to whoever changed them.
//! Records after the last checkpoint are protected by the chain only: cutting them off at a
//! record boundary is not visible in the file itself (the store's index position, which
//! `verify` compares, is the witness for those).

mod codec;
mod exchange;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

pub use codec::DecodeError;
pub use exchange::{AuditExchange, ExchangeOutcome};

use crate::Timestamp;

/// The encoding this code writes (and the only one it reads).
pub const FORMAT_VERSION: u8 = 1;

/// A SHA-256 value: record hashes and digests of queries and bodies. Shown as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sha256Hash(pub [u8; 32]);

/// The hash the first record of a chain follows.
pub const GENESIS: Sha256Hash = Sha256Hash([0; 32]);

impl Sha256Hash {
    /// The SHA-256 of `bytes`.
    pub fn of(bytes: &[u8]) -> Self {
        Self(Sha256::digest(bytes).into())
    }

    /// The hash of the record whose canonical encoding is `encoding`, following `prev`.
    pub fn chain(prev: &Sha256Hash, encoding: &[u8]) -> Self {
        let mut h = Sha256::new();
        h.update(prev.0);
        h.update(encoding);
        Self(h.finalize().into())
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads 64 hex digits back.
    pub fn from_hex(raw: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(raw, &mut out).ok()?;
        Some(Self(out))
    }
}

impl std::fmt::Debug for Sha256Hash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl Serialize for Sha256Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

/// Microseconds since the Unix epoch: the unit every record time uses.
pub fn micros(t: Timestamp) -> i64 {
    t.timestamp_micros()
}

/// The time `us` µs after the epoch (the epoch itself if out of range).
pub fn from_micros(us: i64) -> Timestamp {
    chrono::DateTime::from_timestamp_micros(us).unwrap_or_default()
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRecord {
    /// The gateway node that wrote it (each node keeps its own chain).
    pub node: String,
    /// Position in the node's chain: 0, 1, 2… with no gaps.
    pub sequence: u64,
    /// When it was written, µs since the epoch.
    pub at: i64,
    #[serde(flatten)]
    pub body: RecordBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordBody {
    Admission(Admission),
    Outcome(Outcome),
    Rejections(Rejections),
    Recovery(Recovery),
    Checkpoint(Checkpoint),
    Retention(Retention),
}

impl RecordBody {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Admission(_) => "admission",
            Self::Outcome(_) => "outcome",
            Self::Rejections(_) => "rejections",
            Self::Recovery(_) => "recovery",
            Self::Checkpoint(_) => "checkpoint",
            Self::Retention(_) => "retention",
        }
    }

    /// The request the record is about, if it is about one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Admission(a) => Some(&a.request_id),
            Self::Outcome(o) => Some(&o.request_id),
            Self::Rejections(_) | Self::Recovery(_) | Self::Checkpoint(_) | Self::Retention(_) => None,
        }
    }
}

/// Written when a request is admitted (authenticated, authorised, within its limit) and before
/// it is forwarded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Admission {
    pub request_id: String,
    pub consumer_agency: String,
    pub consumer_application: String,
    /// The credential's id (never its secret).
    pub credential: String,
    pub service_agency: String,
    pub service_application: String,
    pub service: String,
    pub method: String,
    /// The path below the service, as received (still percent-encoded).
    pub path: String,
    /// SHA-256 of the raw query string, if there was one.
    pub query_digest: Option<Sha256Hash>,
    pub body: BodyEvidence,
    /// The end user the consumer names in `X-Wadah-User`, if any.
    pub end_user: Option<String>,
    /// The caller's network address.
    pub client: String,
}

/// What the admission record knows of the request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BodyEvidence {
    /// No body.
    Empty,
    /// A body small enough to read before forwarding: its size and SHA-256.
    Digest { bytes: u64, digest: Sha256Hash },
    /// A body streamed to the upstream; its size and digest are in the outcome record.
    Streamed,
}

/// Written when an admitted exchange ends (or fails). Times are X-Road's four timestamps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub request_id: String,
    /// The status the consumer received.
    pub status: u16,
    /// The status the upstream answered, if it answered.
    pub upstream_status: Option<u16>,
    /// The gateway received the request.
    pub request_in: i64,
    /// The request was sent upstream.
    pub request_out: Option<i64>,
    /// The upstream's response head arrived.
    pub response_in: Option<i64>,
    /// The response ended (or was abandoned).
    pub response_out: i64,
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// SHA-256 of the request body as streamed (when it was not digested at admission).
    pub request_body_digest: Option<Sha256Hash>,
    /// SHA-256 of the response body as delivered.
    pub response_digest: Option<Sha256Hash>,
    /// Whether the response body was delivered to its end.
    pub complete: bool,
    /// The gateway's problem code when the exchange failed.
    pub error: Option<String>,
}

/// Requests refused before admission, counted per window instead of recorded one by one, so
/// that a flood cannot fill the disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejections {
    pub window_start: i64,
    pub window_end: i64,
    pub counts: Vec<RejectionCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectionCount {
    /// The problem code answered (`unauthenticated`, `access_denied`…).
    pub code: String,
    /// `agency/application`, when the caller was authenticated.
    pub consumer: Option<String>,
    /// `agency/application/service`, when the route was known.
    pub service: Option<String>,
    pub count: u64,
}

/// Written when the gateway starts on a log whose last segment ends in an incomplete record
/// (a write interrupted by a crash): the bytes it cut off, so the cut is itself evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recovery {
    pub segment: String,
    pub offset: u64,
    pub discarded_bytes: u64,
    pub discarded_digest: Sha256Hash,
}

/// A signed statement of the chain head: "node N had written `records` records, the last
/// with hash `head`, at time T". Written periodically, when a segment closes and at shutdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    /// Which of the node's signing keys signed (first 8 bytes of the public key's SHA-256, hex).
    pub key_id: String,
    /// The hash of the record before this one ([`GENESIS`] when there is none).
    pub head: Sha256Hash,
    /// How many records precede this one in the node's chain (= this record's sequence).
    pub records: u64,
    /// The segment file this checkpoint is written into.
    pub segment: String,
    /// Ed25519 signature of [`AuditRecord::checkpoint_message`], shown as hex.
    #[serde(serialize_with = "as_hex")]
    pub signature: Vec<u8>,
}

/// Written (and followed by a checkpoint) before the retention policy deletes old segments:
/// it names where the kept log now starts, so `verify` can tell deletion by policy from a
/// segment removed by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Retention {
    /// The first record kept: the oldest remaining segment starts here.
    pub first_kept: u64,
    /// The hash of the record before it (what that segment's header names).
    pub prev: Sha256Hash,
    /// How many segment files are removed.
    pub segments: u64,
    /// The policy that removed them, in days.
    pub keep_days: u32,
}

fn as_hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}

/// What a checkpoint signature covers is prefixed with this, so it can never be confused
/// with a signature over anything else the key might sign.
const CHECKPOINT_CONTEXT: &[u8] = b"wadah-audit-checkpoint-v1\0";

impl AuditRecord {
    /// The bytes a checkpoint's signature covers: a context string, then the record's
    /// canonical encoding with an empty signature. `None` for other kinds.
    pub fn checkpoint_message(&self) -> Option<Vec<u8>> {
        let RecordBody::Checkpoint(c) = &self.body else {
            return None;
        };
        let unsigned = AuditRecord {
            body: RecordBody::Checkpoint(Checkpoint {
                signature: Vec::new(),
                ..c.clone()
            }),
            ..self.clone()
        };
        let mut out = CHECKPOINT_CONTEXT.to_vec();
        out.extend_from_slice(&unsigned.encode());
        Some(out)
    }

    /// The canonical encoding (see the module docs).
    pub fn encode(&self) -> Vec<u8> {
        codec::encode(self)
    }

    /// Reads one canonical encoding; every byte must be used. Takes any bytes (a damaged or
    /// hostile file) and answers an error rather than panicking or allocating without bound:
    /// this is the function the decoder fuzz target drives.
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        codec::decode(bytes)
    }
}

#[cfg(test)]
mod tests;
