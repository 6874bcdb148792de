//! The indexer: a background task that copies the node's durable records into the store's
//! evidence index (`wadah_store::AuditIndex`), so `/api/v1/audit` can search them. It never
//! runs on the request path: it reads the segment files the writer has made durable (up to the
//! writer's durable mark, so nothing that a power cut could still take away reaches the
//! index), in chain order, in batches of at most [`MAX_BATCH`] records, and writes each batch
//! with the position after it in one transaction. It continues from the store's position after
//! a restart; a batch written twice changes nothing. It re-checks the chain as it reads and
//! stops (logging why) rather than index records that do not follow the position it knows.

use std::fs::File;
use std::io::{BufReader, Read, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::{Mutex, mpsc};
use wadah_domain::audit::{
    AuditExchange, AuditRecord, BodyEvidence, ExchangeOutcome, RecordBody, Sha256Hash, from_micros,
};
use wadah_store::{AuditBatch, AuditEnding, AuditEntry, AuditPosition, Store};

use super::segment::{self, Header};
use super::writer::Msg;
use crate::metrics;

/// The most records one batch (one store transaction) carries.
const MAX_BATCH: usize = 1000;
/// The read buffer over a segment file.
const READ_BUFFER: usize = 64 * 1024;
/// The longest record encoding the indexer accepts (a record is far smaller: a longer length
/// can only be damage, and must not become an allocation).
const MAX_RECORD: u64 = 8 * 1024 * 1024;

/// Where the indexer is in the files.
#[derive(Debug, Clone)]
struct Cursor {
    path: PathBuf,
    offset: u64,
    next: u64,
    prev: Sha256Hash,
}

pub(crate) struct Indexer {
    store: Arc<dyn Store>,
    dir: PathBuf,
    node: String,
    durable: Arc<AtomicU64>,
    cursor: Mutex<Option<Cursor>>,
}

pub(crate) fn spawn(
    store: Arc<dyn Store>,
    dir: PathBuf,
    node: String,
    durable: Arc<AtomicU64>,
    writer: mpsc::WeakSender<Msg>,
    interval: Duration,
) -> Arc<Indexer> {
    let indexer = Arc::new(Indexer {
        store,
        dir,
        node,
        durable,
        cursor: Mutex::new(None),
    });
    let task = indexer.clone();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        let mut failing = false;
        loop {
            ticker.tick().await;
            if writer.upgrade().is_none() {
                return;
            }
            match task.run().await {
                Ok(_) => failing = false,
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "cannot index the evidence log; retrying");
                }
                Err(_) => {}
            }
        }
    });
    indexer
}

impl Indexer {
    /// Indexes everything durable so far; answers how many records it passed.
    pub(crate) async fn run(&self) -> Result<u64, String> {
        let mut guard = self.cursor.lock().await;
        let mut cursor = match guard.take() {
            Some(c) => c,
            None => {
                let position = self
                    .store
                    .audit_position(&self.node)
                    .await
                    .map_err(|e| e.to_string())?;
                let (dir, node) = (self.dir.clone(), self.node.clone());
                let located = tokio::task::spawn_blocking(move || locate(&dir, position))
                    .await
                    .map_err(|e| e.to_string())?;
                match located? {
                    Some(c) => {
                        tracing::debug!(node, next = c.next, "evidence indexer starts");
                        c
                    }
                    None => return Ok(0),
                }
            }
        };
        let mut total = 0;
        loop {
            let limit = self.durable.load(Ordering::Acquire);
            let (dir, node, from) = (self.dir.clone(), self.node.clone(), cursor.clone());
            let read = tokio::task::spawn_blocking(move || read_batch(&dir, &node, from, limit))
                .await
                .map_err(|e| e.to_string());
            let (entries, next) = match read.and_then(|r| r) {
                Ok(pair) => pair,
                Err(e) => {
                    *guard = Some(cursor);
                    return Err(e);
                }
            };
            if next.next == cursor.next {
                metrics::audit_index_lag(limit.saturating_sub(cursor.next));
                *guard = Some(cursor);
                return Ok(total);
            }
            let batch = AuditBatch {
                node: self.node.clone(),
                entries,
                position: AuditPosition {
                    next_sequence: next.next,
                    head: next.prev,
                },
            };
            if let Err(e) = self.store.index_audit(&batch).await {
                *guard = Some(cursor);
                return Err(e.to_string());
            }
            total += next.next - cursor.next;
            cursor = next;
        }
    }
}

/// Finds the file position of record `position.next_sequence` (checking the chain up to it),
/// or the start of the oldest segment when the position is older than the kept log.
fn locate(dir: &Path, position: Option<AuditPosition>) -> Result<Option<Cursor>, String> {
    let segments = segment::list(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let next = position.map_or(0, |p| p.next_sequence);
    let mut chosen = None;
    for path in &segments {
        let first = first_sequence(path).ok_or_else(|| format!("{}: unreadable header", path.display()))?;
        if first <= next || chosen.is_none() {
            chosen = Some((path.clone(), first));
        }
        if first > next {
            break;
        }
    }
    let Some((path, _)) = chosen else { return Ok(None) };
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let header = Header::parse(&bytes)?;
    let mut cursor = Cursor {
        path,
        offset: segment::HEADER_LEN as u64,
        next: header.first_sequence,
        prev: header.prev,
    };
    let (frames, _) = segment::frames(&bytes);
    for frame in frames {
        if cursor.next >= next {
            break;
        }
        segment::check(&frame, &cursor.prev, cursor.next)?;
        cursor.prev = frame.hash;
        cursor.next += 1;
        cursor.offset = frame.offset + 4 + frame.encoding.len() as u64 + 32;
    }
    if let Some(p) = position
        && cursor.next == p.next_sequence
        && cursor.prev != p.head
    {
        return Err(format!(
            "record {} of the evidence log does not have the hash the index saw; run `wadah audit verify`",
            p.next_sequence.saturating_sub(1)
        ));
    }
    Ok(Some(cursor))
}

fn first_sequence(path: &Path) -> Option<u64> {
    let mut head = [0u8; segment::HEADER_LEN];
    File::open(path).ok()?.read_exact(&mut head).ok()?;
    Header::parse(&head).ok().map(|h| h.first_sequence)
}

/// Reads up to [`MAX_BATCH`] records after `from` and before `limit`, moving on to the next
/// segment when this one is done; answers the index entries and the cursor after them.
///
/// Frames are read one by one through a small buffer, so a batch reads what it indexes and
/// no more: reading ahead to the end of the segment each time (as an earlier version did)
/// read the same megabytes once per batch while the indexer followed a busy log.
fn read_batch(dir: &Path, node: &str, from: Cursor, limit: u64) -> Result<(Vec<AuditEntry>, Cursor), String> {
    let mut cursor = from;
    let mut entries = Vec::new();
    let mut passed = 0;
    let mut frame = Vec::new();
    while passed < MAX_BATCH && cursor.next < limit {
        let file =
            File::open(&cursor.path).map_err(|e| format!("cannot open {}: {e}", cursor.path.display()))?;
        let mut file = BufReader::with_capacity(READ_BUFFER, file);
        file.seek(SeekFrom::Start(cursor.offset))
            .map_err(|e| e.to_string())?;
        let mut ended_cleanly = false;
        while passed < MAX_BATCH && cursor.next < limit {
            let mut len = [0u8; 4];
            match read_full(&mut file, &mut len) {
                Ok(Full::Read) => {}
                Ok(Full::End) => {
                    ended_cleanly = true;
                    break;
                }
                Ok(Full::Partial) => break,
                Err(e) => return Err(format!("cannot read {}: {e}", cursor.path.display())),
            }
            let len = u32::from_be_bytes(len) as usize;
            if len as u64 > MAX_RECORD {
                return Err(format!(
                    "{} record {}: declares {len} bytes, more than a record can have",
                    cursor.path.display(),
                    cursor.next
                ));
            }
            frame.resize(len + 32, 0);
            match read_full(&mut file, &mut frame) {
                Ok(Full::Read) => {}
                Ok(_) => break,
                Err(e) => return Err(format!("cannot read {}: {e}", cursor.path.display())),
            }
            let raw = segment::RawFrame {
                offset: cursor.offset,
                encoding: &frame[..len],
                hash: Sha256Hash(frame[len..].try_into().unwrap_or_default()),
            };
            let record = segment::check(&raw, &cursor.prev, cursor.next)
                .map_err(|why| format!("{} record {}: {why}", cursor.path.display(), cursor.next))?;
            if let Some(entry) = entry(node, &record) {
                entries.push(entry);
            }
            cursor.prev = raw.hash;
            cursor.next += 1;
            cursor.offset += (4 + len + 32) as u64;
            passed += 1;
        }
        if !(ended_cleanly && cursor.next < limit) {
            break;
        }
        // This segment is done: the records up to `limit` continue in the next one.
        let path = dir.join(segment::file_name(cursor.next));
        if !path.exists() || path == cursor.path {
            break;
        }
        cursor.path = path;
        cursor.offset = segment::HEADER_LEN as u64;
    }
    Ok((entries, cursor))
}

/// How a read of an exact length ended.
enum Full {
    Read,
    /// At the end of the file, nothing read: the segment ends here.
    End,
    /// Part of it: the rest is not written yet.
    Partial,
}

fn read_full(file: &mut impl Read, buf: &mut [u8]) -> std::io::Result<Full> {
    let mut filled = 0;
    while filled < buf.len() {
        match file.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(Full::End),
            Ok(0) => return Ok(Full::Partial),
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(Full::Read)
}

fn hex(h: &Sha256Hash) -> String {
    h.to_hex()
}

/// What the index keeps of a record (admissions and outcomes; other kinds only move the
/// position).
fn entry(node: &str, record: &AuditRecord) -> Option<AuditEntry> {
    match &record.body {
        RecordBody::Admission(a) => Some(AuditEntry::Admitted(Box::new(AuditExchange {
            node: node.to_owned(),
            sequence: record.sequence,
            request_id: a.request_id.clone(),
            at: from_micros(record.at),
            consumer_agency: a.consumer_agency.clone(),
            consumer_application: a.consumer_application.clone(),
            credential: a.credential.clone(),
            service_agency: a.service_agency.clone(),
            service_application: a.service_application.clone(),
            service: a.service.clone(),
            method: a.method.clone(),
            path: a.path.clone(),
            query_digest: a.query_digest.as_ref().map(hex),
            request_digest: match &a.body {
                BodyEvidence::Digest { digest, .. } => Some(hex(digest)),
                BodyEvidence::Empty | BodyEvidence::Streamed => None,
            },
            outcome: None,
        }))),
        RecordBody::Outcome(o) => Some(AuditEntry::Ended(AuditEnding {
            request_id: o.request_id.clone(),
            request_digest: o.request_body_digest.as_ref().map(hex),
            outcome: ExchangeOutcome {
                sequence: record.sequence,
                status: o.status,
                upstream_status: o.upstream_status,
                ended_at: from_micros(o.response_out),
                duration_ms: (o.response_out - o.request_in) / 1000,
                bytes_in: o.bytes_in,
                bytes_out: o.bytes_out,
                response_digest: o.response_digest.as_ref().map(hex),
                complete: o.complete,
                error: o.error.clone(),
            },
        })),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use wadah_domain::Clock;
    use wadah_domain::audit::{Admission, Outcome};
    use wadah_domain::policy::AuditScope;
    use wadah_domain::time::{FixedClock, from_millis};
    use wadah_store::{AuditFilter, PageRequest};
    use wadah_store_sqlite::testing::TempSqlite;

    use super::*;
    use crate::audit::signing::Signer;
    use crate::audit::writer::{Policy, Writer};

    fn admission(id: &str) -> RecordBody {
        RecordBody::Admission(Admission {
            request_id: id.into(),
            consumer_agency: "diskominfo".into(),
            consumer_application: "dashboard".into(),
            credential: "c".into(),
            service_agency: "bpsdm".into(),
            service_application: "simpeg".into(),
            service: "pegawai".into(),
            method: "GET".into(),
            path: "/x".into(),
            query_digest: None,
            body: BodyEvidence::Empty,
            end_user: None,
            client: "127.0.0.1:1".into(),
        })
    }

    fn outcome(id: &str) -> RecordBody {
        RecordBody::Outcome(Outcome {
            request_id: id.into(),
            status: 200,
            upstream_status: Some(200),
            request_in: 1_000,
            request_out: None,
            response_in: None,
            response_out: 3_000,
            bytes_in: 0,
            bytes_out: 2,
            request_body_digest: None,
            response_digest: None,
            complete: true,
            error: None,
        })
    }

    #[tokio::test]
    async fn a_restarted_indexer_continues_without_duplicates_or_gaps() {
        let temp = TempSqlite::new().unwrap();
        let store: Arc<dyn Store> = Arc::new(temp.open().await.unwrap());
        let dir = tempfile::tempdir().unwrap();
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(from_millis(1_767_225_600_000)));
        let durable = Arc::new(AtomicU64::new(0));
        // Small segments, so the indexer has to follow the chain across files.
        let mut writer = Writer::new(
            dir.path().to_path_buf(),
            "n1".into(),
            Policy::sized(400),
            clock,
            Arc::new(Signer::generate().unwrap().0),
            durable.clone(),
        );
        let indexer = |durable: Arc<AtomicU64>| Indexer {
            store: store.clone(),
            dir: dir.path().to_path_buf(),
            node: "n1".into(),
            durable,
            cursor: Mutex::new(None),
        };
        let search = || async {
            store
                .search_audit(&AuditFilter::scoped(AuditScope::All), &PageRequest::first(100))
                .await
                .unwrap()
                .items
                .into_iter()
                .map(|e| (e.request_id, e.outcome.map(|o| o.status)))
                .collect::<Vec<_>>()
        };
        for i in 0..3 {
            let id = format!("r{i}");
            writer
                .write(vec![(1, admission(&id)), (2, outcome(&id))], false)
                .unwrap();
        }
        assert!(segment::list(dir.path()).unwrap().len() > 1);
        let first = indexer(durable.clone());
        first.run().await.unwrap();
        assert_eq!(search().await.len(), 3);

        // Records written but not yet durable are not indexed.
        let before = durable.load(Ordering::Acquire);
        writer.write(vec![(3, admission("r3"))], false).unwrap();
        let held_back = Arc::new(AtomicU64::new(before));
        indexer(held_back).run().await.unwrap();
        assert_eq!(search().await.len(), 3);

        // A new indexer (a restart) starts from the stored position: r3 once, nothing twice.
        writer.write(vec![(4, outcome("r3"))], false).unwrap();
        indexer(durable.clone()).run().await.unwrap();
        first.run().await.unwrap();
        let found = search().await;
        assert_eq!(
            found,
            [
                ("r3".to_owned(), Some(200)),
                ("r2".to_owned(), Some(200)),
                ("r1".to_owned(), Some(200)),
                ("r0".to_owned(), Some(200)),
            ]
        );
        let position = store.audit_position("n1").await.unwrap().unwrap();
        assert_eq!(position.next_sequence, durable.load(Ordering::Acquire));
    }
}
