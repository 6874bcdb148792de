//! The canonical byte encoding of [`AuditRecord`] (layout in the parent module's docs). The
//! decoder checks every length against what is left, so a damaged or hostile file gives a
//! [`DecodeError`], never a panic or a huge allocation.

use super::{
    Admission, AuditRecord, BodyEvidence, Checkpoint, FORMAT_VERSION, Outcome, RecordBody, Recovery,
    RejectionCount, Rejections, Retention, Sha256Hash,
};

/// The longest string field a record may hold.
pub const MAX_STRING: usize = 64 * 1024;
/// The longest byte field (a signature) a record may hold.
pub const MAX_BYTES: usize = 1024;
/// The most entries a list field may hold.
pub const MAX_LIST: usize = 100_000;

/// Why bytes are not a record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("the record ends early (while reading {0})")]
    Truncated(&'static str),
    #[error("format version {0} is not supported (this program reads version 1)")]
    Version(u8),
    #[error("unknown {what} tag {tag}")]
    Tag { what: &'static str, tag: u8 },
    #[error("{0} is longer than allowed")]
    TooLong(&'static str),
    #[error("{0} is not valid UTF-8")]
    Utf8(&'static str),
    #[error("{0} trailing byte(s) after the record")]
    Trailing(usize),
}

pub(super) fn encode(record: &AuditRecord) -> Vec<u8> {
    let mut e = Enc(Vec::with_capacity(256));
    e.u8(FORMAT_VERSION);
    e.u8(kind_tag(&record.body));
    e.str(&record.node);
    e.u64(record.sequence);
    e.i64(record.at);
    match &record.body {
        RecordBody::Admission(a) => admission(&mut e, a),
        RecordBody::Outcome(o) => outcome(&mut e, o),
        RecordBody::Rejections(r) => rejections(&mut e, r),
        RecordBody::Recovery(r) => {
            e.str(&r.segment);
            e.u64(r.offset);
            e.u64(r.discarded_bytes);
            e.hash(&r.discarded_digest);
        }
        RecordBody::Checkpoint(c) => {
            e.str(&c.key_id);
            e.hash(&c.head);
            e.u64(c.records);
            e.str(&c.segment);
            e.bytes(&c.signature);
        }
        RecordBody::Retention(r) => {
            e.u64(r.first_kept);
            e.hash(&r.prev);
            e.u64(r.segments);
            e.u32(r.keep_days);
        }
    }
    e.0
}

fn kind_tag(body: &RecordBody) -> u8 {
    match body {
        RecordBody::Admission(_) => 1,
        RecordBody::Outcome(_) => 2,
        RecordBody::Rejections(_) => 3,
        RecordBody::Recovery(_) => 4,
        RecordBody::Checkpoint(_) => 5,
        RecordBody::Retention(_) => 6,
    }
}

fn admission(e: &mut Enc, a: &Admission) {
    for s in [
        &a.request_id,
        &a.consumer_agency,
        &a.consumer_application,
        &a.credential,
        &a.service_agency,
        &a.service_application,
        &a.service,
        &a.method,
        &a.path,
    ] {
        e.str(s);
    }
    e.opt(a.query_digest.as_ref(), Enc::hash);
    match &a.body {
        BodyEvidence::Empty => e.u8(0),
        BodyEvidence::Digest { bytes, digest } => {
            e.u8(1);
            e.u64(*bytes);
            e.hash(digest);
        }
        BodyEvidence::Streamed => e.u8(2),
    }
    e.opt(a.end_user.as_deref(), Enc::str);
    e.str(&a.client);
}

fn outcome(e: &mut Enc, o: &Outcome) {
    e.str(&o.request_id);
    e.u16(o.status);
    e.opt(o.upstream_status.as_ref(), |e, s| e.u16(*s));
    e.i64(o.request_in);
    e.opt(o.request_out.as_ref(), |e, t| e.i64(*t));
    e.opt(o.response_in.as_ref(), |e, t| e.i64(*t));
    e.i64(o.response_out);
    e.u64(o.bytes_in);
    e.u64(o.bytes_out);
    e.opt(o.request_body_digest.as_ref(), Enc::hash);
    e.opt(o.response_digest.as_ref(), Enc::hash);
    e.u8(u8::from(o.complete));
    e.opt(o.error.as_deref(), Enc::str);
}

fn rejections(e: &mut Enc, r: &Rejections) {
    e.i64(r.window_start);
    e.i64(r.window_end);
    e.u32(u32::try_from(r.counts.len()).unwrap_or(u32::MAX));
    for c in r.counts.iter().take(u32::MAX as usize) {
        e.str(&c.code);
        e.opt(c.consumer.as_deref(), Enc::str);
        e.opt(c.service.as_deref(), Enc::str);
        e.u64(c.count);
    }
}

struct Enc(Vec<u8>);

impl Enc {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u16(&mut self, v: u16) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    fn i64(&mut self, v: i64) {
        self.0.extend_from_slice(&v.to_be_bytes());
    }
    /// Strings longer than [`MAX_STRING`] are cut (at a character boundary) so that every
    /// record written can be read back.
    fn str(&mut self, s: &str) {
        let mut end = s.len().min(MAX_STRING);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        self.u32(end as u32);
        self.0.extend_from_slice(&s.as_bytes()[..end]);
    }
    fn hash(&mut self, h: &Sha256Hash) {
        self.0.extend_from_slice(&h.0);
    }
    /// Byte fields longer than [`MAX_BYTES`] are cut, like strings.
    fn bytes(&mut self, b: &[u8]) {
        let b = &b[..b.len().min(MAX_BYTES)];
        self.u32(b.len() as u32);
        self.0.extend_from_slice(b);
    }
    fn opt<T: ?Sized>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        match v {
            None => self.u8(0),
            Some(v) => {
                self.u8(1);
                f(self, v);
            }
        }
    }
}

pub(super) fn decode(bytes: &[u8]) -> Result<AuditRecord, DecodeError> {
    let mut d = Dec(bytes);
    let version = d.u8("version")?;
    if version != FORMAT_VERSION {
        return Err(DecodeError::Version(version));
    }
    let kind = d.u8("kind")?;
    let node = d.str("node")?;
    let sequence = d.u64("sequence")?;
    let at = d.i64("time")?;
    let body = match kind {
        1 => RecordBody::Admission(read_admission(&mut d)?),
        2 => RecordBody::Outcome(read_outcome(&mut d)?),
        3 => RecordBody::Rejections(read_rejections(&mut d)?),
        4 => RecordBody::Recovery(Recovery {
            segment: d.str("segment")?,
            offset: d.u64("offset")?,
            discarded_bytes: d.u64("discarded_bytes")?,
            discarded_digest: d.hash("discarded_digest")?,
        }),
        5 => RecordBody::Checkpoint(Checkpoint {
            key_id: d.str("key_id")?,
            head: d.hash("head")?,
            records: d.u64("records")?,
            segment: d.str("segment")?,
            signature: d.bytes("signature")?,
        }),
        6 => RecordBody::Retention(Retention {
            first_kept: d.u64("first_kept")?,
            prev: d.hash("prev")?,
            segments: d.u64("segments")?,
            keep_days: d.u32("keep_days")?,
        }),
        tag => {
            return Err(DecodeError::Tag {
                what: "record kind",
                tag,
            });
        }
    };
    if !d.0.is_empty() {
        return Err(DecodeError::Trailing(d.0.len()));
    }
    Ok(AuditRecord {
        node,
        sequence,
        at,
        body,
    })
}

fn read_admission(d: &mut Dec) -> Result<Admission, DecodeError> {
    Ok(Admission {
        request_id: d.str("request_id")?,
        consumer_agency: d.str("consumer_agency")?,
        consumer_application: d.str("consumer_application")?,
        credential: d.str("credential")?,
        service_agency: d.str("service_agency")?,
        service_application: d.str("service_application")?,
        service: d.str("service")?,
        method: d.str("method")?,
        path: d.str("path")?,
        query_digest: d.opt("query_digest", |d| d.hash("query_digest"))?,
        body: match d.u8("body")? {
            0 => BodyEvidence::Empty,
            1 => BodyEvidence::Digest {
                bytes: d.u64("body bytes")?,
                digest: d.hash("body digest")?,
            },
            2 => BodyEvidence::Streamed,
            tag => {
                return Err(DecodeError::Tag {
                    what: "body evidence",
                    tag,
                });
            }
        },
        end_user: d.opt("end_user", |d| d.str("end_user"))?,
        client: d.str("client")?,
    })
}

fn read_outcome(d: &mut Dec) -> Result<Outcome, DecodeError> {
    Ok(Outcome {
        request_id: d.str("request_id")?,
        status: d.u16("status")?,
        upstream_status: d.opt("upstream_status", |d| d.u16("upstream_status"))?,
        request_in: d.i64("request_in")?,
        request_out: d.opt("request_out", |d| d.i64("request_out"))?,
        response_in: d.opt("response_in", |d| d.i64("response_in"))?,
        response_out: d.i64("response_out")?,
        bytes_in: d.u64("bytes_in")?,
        bytes_out: d.u64("bytes_out")?,
        request_body_digest: d.opt("request_body_digest", |d| d.hash("request_body_digest"))?,
        response_digest: d.opt("response_digest", |d| d.hash("response_digest"))?,
        complete: match d.u8("complete")? {
            0 => false,
            1 => true,
            tag => {
                return Err(DecodeError::Tag {
                    what: "complete flag",
                    tag,
                });
            }
        },
        error: d.opt("error", |d| d.str("error"))?,
    })
}

fn read_rejections(d: &mut Dec) -> Result<Rejections, DecodeError> {
    let window_start = d.i64("window_start")?;
    let window_end = d.i64("window_end")?;
    let n = d.u32("counts")? as usize;
    if n > MAX_LIST {
        return Err(DecodeError::TooLong("counts"));
    }
    let mut counts = Vec::with_capacity(n.min(1024));
    for _ in 0..n {
        counts.push(RejectionCount {
            code: d.str("code")?,
            consumer: d.opt("consumer", |d| d.str("consumer"))?,
            service: d.opt("service", |d| d.str("service"))?,
            count: d.u64("count")?,
        });
    }
    Ok(Rejections {
        window_start,
        window_end,
        counts,
    })
}

struct Dec<'a>(&'a [u8]);

impl Dec<'_> {
    fn take<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], DecodeError> {
        let (head, rest) = self
            .0
            .split_first_chunk::<N>()
            .ok_or(DecodeError::Truncated(what))?;
        self.0 = rest;
        Ok(*head)
    }
    fn u8(&mut self, what: &'static str) -> Result<u8, DecodeError> {
        Ok(self.take::<1>(what)?[0])
    }
    fn u16(&mut self, what: &'static str) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.take(what)?))
    }
    fn u32(&mut self, what: &'static str) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.take(what)?))
    }
    fn u64(&mut self, what: &'static str) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.take(what)?))
    }
    fn i64(&mut self, what: &'static str) -> Result<i64, DecodeError> {
        Ok(i64::from_be_bytes(self.take(what)?))
    }
    fn hash(&mut self, what: &'static str) -> Result<Sha256Hash, DecodeError> {
        Ok(Sha256Hash(self.take(what)?))
    }
    fn bytes(&mut self, what: &'static str) -> Result<Vec<u8>, DecodeError> {
        let len = self.u32(what)? as usize;
        if len > MAX_BYTES {
            return Err(DecodeError::TooLong(what));
        }
        let (raw, rest) = self.0.split_at_checked(len).ok_or(DecodeError::Truncated(what))?;
        self.0 = rest;
        Ok(raw.to_vec())
    }
    fn str(&mut self, what: &'static str) -> Result<String, DecodeError> {
        let len = self.u32(what)? as usize;
        if len > MAX_STRING {
            return Err(DecodeError::TooLong(what));
        }
        if len > self.0.len() {
            return Err(DecodeError::Truncated(what));
        }
        let (raw, rest) = self.0.split_at(len);
        self.0 = rest;
        String::from_utf8(raw.to_vec()).map_err(|_| DecodeError::Utf8(what))
    }
    fn opt<T>(
        &mut self,
        what: &'static str,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        match self.u8(what)? {
            0 => Ok(None),
            1 => f(self).map(Some),
            tag => Err(DecodeError::Tag { what, tag }),
        }
    }
}
