//! The one writer of the evidence log: a dedicated OS thread (its file I/O and fdatasync never
//! block the async workers) that drains a channel in batches. Group commit: it takes every
//! record queued, chains and frames them, writes them with one `write` and one `fdatasync`,
//! and only then acknowledges them all, so under load many requests share one sync.
//!
//! It also writes the signed checkpoints (`wadah_domain::audit::Checkpoint`): after every
//! `checkpoint_records` records, on every tick (the `checkpoint_interval`) when records were
//! written since the last one, as the last record of every segment it closes, and when it
//! stops. Segments close by size and by age; closed segments older than the retention period
//! are deleted whole, after a `Retention` record and a checkpoint that name where the kept log
//! now starts (so `verify` can tell deletion by policy from deletion by hand). The open segment
//! is never deleted.
//!
//! On start it continues the last segment: it re-checks that segment's chain, and if the file
//! ends inside a frame (a write interrupted by a crash) it cuts the incomplete bytes off and
//! records the cut in a `Recovery` record. A segment damaged in any other way is left as it is
//! and the writer refuses to append (strict mode then answers 503) until an operator moves it
//! away: evidence is never overwritten. A failed write is rolled back to the last good length
//! and the file reopened on the next batch, so the log heals when the disk does.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};
use wadah_domain::Clock;
use wadah_domain::audit::{
    AuditRecord, Checkpoint, GENESIS, RecordBody, Recovery, Retention, Sha256Hash, micros,
};

use super::segment::{self, Header, Stop};
use super::signing::Signer;
use crate::metrics;

/// The most records one batch takes from the queue.
const MAX_BATCH: usize = 4096;
/// How often, at most, the retention policy looks for segments to delete (besides rotations).
const RETENTION_CHECK: Duration = Duration::from_secs(3600);

pub(crate) type Ack = oneshot::Sender<Result<u64, String>>;

pub(crate) enum Msg {
    Append {
        at: i64,
        body: Box<RecordBody>,
        ack: Option<Ack>,
    },
    /// Answers once everything queued before it is durable.
    Flush(oneshot::Sender<Result<(), String>>),
    /// Writes a checkpoint (if anything was written since the last), then answers like `Flush`.
    Checkpoint(oneshot::Sender<Result<(), String>>),
    /// The periodic tick: checkpoint, rotation by age, retention.
    Tick,
}

/// When segments close, when checkpoints are written, how long segments are kept.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    pub segment_bytes: u64,
    /// µs; a segment older than this is closed at the next tick.
    pub segment_max_age: i64,
    pub checkpoint_records: u64,
    /// Closed segments whose records are all older than this many days are deleted (0: never).
    pub keep_days: u32,
    /// How long the writer rests after each batch (zero: it takes the next at once). In
    /// `async` mode nobody waits for the writer, so resting lets records gather: one write,
    /// one fdatasync and one wake-up of this thread per rest instead of per request or two,
    /// which is most of what the log costs under load. The price is the loss window: a crash
    /// loses at most the records of one rest and one write.
    pub pace: Duration,
    /// How long the writer waits, once a record has come, for others to join its batch before
    /// it writes and syncs (zero: it writes at once). Only while the last batch held more
    /// than one message: under load, one sync then admits many requests instead of two or
    /// three (each sync also wakes this thread and every waiting task); a lone request on a
    /// quiet gateway is not held back.
    pub gather: Duration,
}

impl Policy {
    #[cfg(test)]
    pub(crate) fn sized(segment_bytes: u64) -> Self {
        Self {
            segment_bytes,
            segment_max_age: i64::MAX,
            checkpoint_records: u64::MAX,
            keep_days: 0,
            pace: Duration::ZERO,
            gather: Duration::ZERO,
        }
    }
}

struct Open {
    file: File,
    len: u64,
    name: String,
    /// When the segment's first record was written (µs).
    opened_at: Option<i64>,
}

/// Records being chained and framed for one write.
struct Batch {
    buf: Vec<u8>,
    prev: Sha256Hash,
    sequence: u64,
    sequences: Vec<u64>,
    since_checkpoint: u64,
}

pub(crate) struct Writer {
    dir: PathBuf,
    node: String,
    policy: Policy,
    clock: Arc<dyn Clock>,
    signer: Arc<Signer>,
    open: Option<Open>,
    next_sequence: u64,
    prev: Sha256Hash,
    since_checkpoint: u64,
    /// The next sequence not yet durable: what the indexer may read up to.
    durable: Arc<AtomicU64>,
    /// Records to write before the next batch (a recovery note).
    pending: Vec<RecordBody>,
    /// Whether the last batch failed (failures and recoveries are logged once each).
    failing: bool,
    last_retention: Option<Instant>,
}

impl Writer {
    pub(crate) fn new(
        dir: PathBuf,
        node: String,
        policy: Policy,
        clock: Arc<dyn Clock>,
        signer: Arc<Signer>,
        durable: Arc<AtomicU64>,
    ) -> Self {
        Self {
            dir,
            node,
            policy,
            clock,
            signer,
            open: None,
            next_sequence: 0,
            prev: GENESIS,
            since_checkpoint: 0,
            durable,
            pending: Vec::new(),
            failing: false,
            last_retention: None,
        }
    }

    /// Runs until every sender is gone, then writes a last checkpoint.
    pub(crate) fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        if let Err(e) = self.ensure_open() {
            tracing::error!(dir = %self.dir.display(), error = %e, "the evidence log cannot be opened");
        }
        let mut busy = false;
        while let Some(first) = rx.blocking_recv() {
            if busy && !self.policy.gather.is_zero() {
                // A rest of fixed length, like `pace`: whatever has gathered goes in one batch.
                #[allow(clippy::disallowed_methods)]
                std::thread::sleep(self.policy.gather);
            }
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            busy = batch.len() > 1;
            self.commit(batch);
            metrics::audit_queue_depth(rx.len());
            if !self.policy.pace.is_zero() {
                // Not a wait for a condition (the rule behind the ban on sleeping): a rest
                // of fixed length, after which whatever has gathered is taken in one batch.
                #[allow(clippy::disallowed_methods)]
                std::thread::sleep(self.policy.pace);
            }
        }
        if let Err(e) = self.write(Vec::new(), true) {
            tracing::error!(error = %e, "cannot write the closing checkpoint of the evidence log");
        }
    }

    fn commit(&mut self, batch: Vec<Msg>) {
        let mut bodies = Vec::new();
        let mut acks = Vec::new();
        let mut flushes = Vec::new();
        let (mut checkpoint, mut tick) = (false, false);
        for msg in batch {
            match msg {
                Msg::Append { at, body, ack } => {
                    bodies.push((at, *body));
                    acks.push(ack);
                }
                Msg::Flush(done) => flushes.push(done),
                Msg::Checkpoint(done) => {
                    checkpoint = true;
                    flushes.push(done);
                }
                Msg::Tick => tick = true,
            }
        }
        match self.write(bodies, checkpoint || tick) {
            Ok(sequences) => {
                if std::mem::replace(&mut self.failing, false) {
                    tracing::info!(dir = %self.dir.display(), "the evidence log is writable again");
                }
                for (ack, seq) in acks.into_iter().zip(sequences) {
                    if let Some(ack) = ack {
                        let _ = ack.send(Ok(seq));
                    }
                }
                flushes.into_iter().for_each(|f| drop(f.send(Ok(()))));
            }
            Err(e) => {
                if !std::mem::replace(&mut self.failing, true) {
                    tracing::error!(dir = %self.dir.display(), error = %e, "cannot write the evidence log");
                }
                metrics::audit_write_failed();
                for ack in acks.into_iter().flatten() {
                    let _ = ack.send(Err(e.clone()));
                }
                flushes.into_iter().for_each(|f| drop(f.send(Err(e.clone()))));
            }
        }
        if tick && !self.failing {
            let due = self.last_retention.is_none_or(|t| t.elapsed() >= RETENTION_CHECK);
            if due {
                self.retain();
            }
        }
    }

    fn append(&self, b: &mut Batch, at: i64, body: RecordBody) {
        let checkpoint = matches!(body, RecordBody::Checkpoint(_));
        let record = AuditRecord {
            node: self.node.clone(),
            sequence: b.sequence,
            at,
            body,
        };
        let encoding = record.encode();
        b.prev = Sha256Hash::chain(&b.prev, &encoding);
        segment::frame(&mut b.buf, &encoding, &b.prev);
        b.sequences.push(b.sequence);
        b.sequence += 1;
        b.since_checkpoint = if checkpoint { 0 } else { b.since_checkpoint + 1 };
    }

    /// Appends a signed checkpoint of the chain head so far.
    fn append_checkpoint(&self, b: &mut Batch, at: i64, segment: &str) {
        let mut record = AuditRecord {
            node: self.node.clone(),
            sequence: b.sequence,
            at,
            body: RecordBody::Checkpoint(Checkpoint {
                key_id: self.signer.key_id().to_owned(),
                head: b.prev,
                records: b.sequence,
                segment: segment.to_owned(),
                signature: Vec::new(),
            }),
        };
        let signature = record
            .checkpoint_message()
            .map(|m| self.signer.sign(&m))
            .unwrap_or_default();
        if let RecordBody::Checkpoint(c) = &mut record.body {
            c.signature = signature;
        }
        self.append(b, at, record.body);
    }

    /// Chains, frames, writes and syncs `bodies` (after any pending records), with the
    /// checkpoints the policy asks for (`checkpoint`: one at the end if anything is unchecked);
    /// closes the segment when it is full or old. Answers the bodies' sequence numbers.
    pub(super) fn write(
        &mut self,
        bodies: Vec<(i64, RecordBody)>,
        checkpoint: bool,
    ) -> Result<Vec<u64>, String> {
        self.ensure_open()?;
        let now = micros(self.clock.now());
        let pending = std::mem::take(&mut self.pending);
        let (segment_name, opened_at, len) = match &self.open {
            Some(o) => (o.name.clone(), o.opened_at, o.len),
            None => return Err("the evidence log is not open".into()),
        };
        let mut b = Batch {
            buf: Vec::new(),
            prev: self.prev,
            sequence: self.next_sequence,
            sequences: Vec::new(),
            since_checkpoint: self.since_checkpoint,
        };
        let mut ours = Vec::new();
        for body in pending.iter().cloned() {
            self.append(&mut b, now, body);
        }
        for (at, body) in bodies {
            ours.push(b.sequence);
            self.append(&mut b, at, body);
            if b.since_checkpoint >= self.policy.checkpoint_records {
                self.append_checkpoint(&mut b, now, &segment_name);
            }
        }
        let full = len + b.buf.len() as u64 >= self.policy.segment_bytes;
        let first_at = opened_at.unwrap_or(now);
        let old = len + (b.buf.len() as u64) > segment::HEADER_LEN as u64
            && now.saturating_sub(first_at) >= self.policy.segment_max_age;
        if (checkpoint || full || old) && b.since_checkpoint > 0 {
            self.append_checkpoint(&mut b, now, &segment_name);
        }
        if !b.buf.is_empty() {
            let open = self.open.as_mut().ok_or("the evidence log is not open")?;
            let started = Instant::now();
            let written = open.file.write_all(&b.buf).and_then(|()| open.file.sync_data());
            metrics::audit_fsync(started.elapsed());
            if let Err(e) = written {
                let _ = open.file.set_len(open.len);
                self.open = None;
                self.pending = pending;
                return Err(format!("write or sync failed: {e}"));
            }
            open.len += b.buf.len() as u64;
            open.opened_at.get_or_insert(first_at);
            self.next_sequence = b.sequence;
            self.prev = b.prev;
            self.since_checkpoint = b.since_checkpoint;
            self.durable.store(self.next_sequence, Ordering::Release);
            metrics::audit_records(b.buf.len(), b.sequences.len());
        }
        if full || old {
            self.rotate();
        }
        Ok(ours)
    }

    fn rotate(&mut self) {
        let header = Header {
            first_sequence: self.next_sequence,
            prev: self.prev,
        };
        match segment::create(&self.dir, header) {
            Ok((file, path)) => {
                self.open = Some(Open {
                    file,
                    len: segment::HEADER_LEN as u64,
                    name: file_name(&path),
                    opened_at: None,
                });
                self.retain();
            }
            // The full segment stays open; the next batch reopens and tries again.
            Err(e) => tracing::warn!(error = %e, "cannot start a new evidence segment"),
        }
    }

    /// Deletes the closed segments whose records are all older than the retention period:
    /// first a `Retention` record and a checkpoint naming where the kept log starts, then the
    /// files. A crash in between leaves the files, and the next check deletes them.
    fn retain(&mut self) {
        self.last_retention = Some(Instant::now());
        if self.policy.keep_days == 0 {
            return;
        }
        let Ok(segments) = segment::list(&self.dir) else {
            return;
        };
        let cutoff = micros(self.clock.now()) - i64::from(self.policy.keep_days) * 86_400_000_000;
        // Segment i is old when the segment after it began before the cutoff; the last
        // (open) segment is never deleted.
        let mut keep_from = 0;
        for next in segments.iter().skip(1) {
            match first_record_at(next) {
                Some(at) if at < cutoff => keep_from += 1,
                _ => break,
            }
        }
        let Some(first_kept) = segments.get(keep_from).filter(|_| keep_from > 0) else {
            return;
        };
        let header = match std::fs::read(first_kept)
            .map_err(|e| e.to_string())
            .and_then(|b| Header::parse(&b))
        {
            Ok(h) => h,
            Err(e) => {
                tracing::warn!(error = %e, "retention: cannot read the first kept segment");
                return;
            }
        };
        let note = RecordBody::Retention(Retention {
            first_kept: header.first_sequence,
            prev: header.prev,
            segments: keep_from as u64,
            keep_days: self.policy.keep_days,
        });
        let now = micros(self.clock.now());
        if let Err(e) = self.write(vec![(now, note)], true) {
            tracing::warn!(error = %e, "retention: cannot record the deletion; nothing deleted");
            return;
        }
        for path in &segments[..keep_from] {
            if let Err(e) = std::fs::remove_file(path) {
                tracing::warn!(segment = %path.display(), error = %e, "retention: cannot delete a segment");
                return;
            }
        }
        let _ = segment::sync_dir(&self.dir);
        tracing::info!(
            segments = keep_from,
            first_kept = header.first_sequence,
            "retention: deleted old evidence segments"
        );
    }

    fn ensure_open(&mut self) -> Result<(), String> {
        if self.open.is_some() {
            return Ok(());
        }
        let dir = self.dir.clone();
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let segments = segment::list(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
        match segments.last() {
            None => {
                let (file, path) = segment::create(&dir, Header::genesis())
                    .map_err(|e| format!("cannot create a segment in {}: {e}", dir.display()))?;
                self.open = Some(Open {
                    file,
                    len: segment::HEADER_LEN as u64,
                    name: file_name(&path),
                    opened_at: None,
                });
                Ok(())
            }
            Some(last) => self.continue_segment(last),
        }
    }

    /// Re-checks the last segment and opens it for appending.
    fn continue_segment(&mut self, path: &Path) -> Result<(), String> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
        let header = Header::parse(&bytes).map_err(|e| format!("{shown}: {e}"))?;
        let (frames, stop) = segment::frames(&bytes);
        let (mut prev, mut sequence) = (header.prev, header.first_sequence);
        let mut good_len = segment::HEADER_LEN as u64;
        let (mut since_checkpoint, mut opened_at) = (0, None);
        for frame in &frames {
            let record = segment::check(frame, &prev, sequence).map_err(|why| {
                format!("{shown}: record {sequence} is damaged ({why}); run `wadah audit verify` and move the segment away")
            })?;
            opened_at.get_or_insert(record.at);
            since_checkpoint = match record.body {
                RecordBody::Checkpoint(_) => 0,
                _ => since_checkpoint + 1,
            };
            prev = frame.hash;
            sequence += 1;
            good_len = frame.offset + 4 + frame.encoding.len() as u64 + 32;
        }
        match stop {
            None => {}
            Some(Stop::BadLength { offset }) => {
                return Err(format!(
                    "{shown}: damaged frame at offset {offset}; run `wadah audit verify`"
                ));
            }
            Some(Stop::Torn { offset }) => {
                let cut = &bytes[offset as usize..];
                self.pending.push(RecordBody::Recovery(Recovery {
                    segment: file_name(path),
                    offset,
                    discarded_bytes: cut.len() as u64,
                    discarded_digest: Sha256Hash::of(cut),
                }));
                tracing::warn!(segment = %shown, offset, bytes = cut.len(), "cutting an interrupted record off the evidence log");
            }
        }
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(|e| format!("cannot open {shown}: {e}"))?;
        file.set_len(good_len)
            .and_then(|()| file.sync_all())
            .map_err(|e| format!("cannot repair {shown}: {e}"))?;
        self.open = Some(Open {
            file,
            len: good_len,
            name: file_name(path),
            opened_at,
        });
        self.next_sequence = sequence;
        self.prev = prev;
        self.since_checkpoint = since_checkpoint;
        self.durable.store(sequence, Ordering::Release);
        Ok(())
    }
}

pub(crate) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The time of a segment's first record, reading only the header and that frame.
fn first_record_at(path: &Path) -> Option<i64> {
    let mut file = File::open(path).ok()?;
    let mut head = [0u8; segment::HEADER_LEN + 4];
    file.read_exact(&mut head).ok()?;
    let len = u32::from_be_bytes([head[56], head[57], head[58], head[59]]) as usize;
    let mut encoding = vec![0u8; len.min(1024 * 1024)];
    file.read_exact(&mut encoding).ok()?;
    AuditRecord::decode(&encoding).ok().map(|r| r.at)
}

#[cfg(test)]
#[path = "tamper_tests.rs"]
mod tamper_tests;

#[cfg(test)]
mod tests {
    use wadah_domain::audit::{RecordBody, Rejections};
    use wadah_domain::time::{FixedClock, from_millis};

    use super::*;
    use crate::audit::verify;

    fn writer(dir: &Path, segment_bytes: u64) -> Writer {
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(from_millis(1_767_225_600_000)));
        Writer::new(
            dir.to_path_buf(),
            "n1".into(),
            Policy::sized(segment_bytes),
            clock,
            Arc::new(SIGNER.with(|s| Signer::from_pkcs8(s).unwrap())),
            Arc::default(),
        )
    }

    thread_local! {
        static SIGNER: Vec<u8> = Signer::generate().unwrap().1;
    }

    fn trust() -> verify::Trust {
        let public = SIGNER.with(|s| Signer::from_pkcs8(s).unwrap().public_key());
        verify::Trust::default().with_key("n1", public)
    }

    fn body(i: i64) -> (i64, RecordBody) {
        (
            i,
            RecordBody::Rejections(Rejections {
                window_start: i,
                window_end: i + 1,
                counts: Vec::new(),
            }),
        )
    }

    #[test]
    fn segments_rotate_by_size_and_the_chain_crosses_them() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer(dir.path(), 200);
        let mut sequences = Vec::new();
        for i in 0..12 {
            sequences.extend(w.write(vec![body(i)], false).unwrap());
        }
        assert!(sequences.windows(2).all(|p| p[0] < p[1]), "{sequences:?}");
        let segments = segment::list(dir.path()).unwrap();
        assert!(segments.len() >= 3, "{segments:?}");
        let report = verify::verify(dir.path(), &trust()).unwrap();
        assert_eq!(report.damage, None);
        // Every closed segment ends with a checkpoint, so the records are ours plus those.
        assert_eq!(report.checkpoints, segments.len() as u64 - 1);
        assert_eq!(report.records, 12 + report.checkpoints);
        // A restarted writer continues the same chain.
        let mut again = writer(dir.path(), 1 << 20);
        assert_eq!(again.write(vec![body(12)], false).unwrap(), vec![report.records]);
        assert_eq!(
            verify::verify(dir.path(), &trust()).unwrap().records,
            report.records + 1
        );
        // Removing a middle segment breaks the chain, and verify says where.
        std::fs::remove_file(&segments[1]).unwrap();
        let damage = verify::verify(dir.path(), &trust()).unwrap().damage.unwrap();
        assert!(damage.why.contains("does not continue the chain"), "{damage}");
        assert_eq!(damage.segment, file_name(&segments[2]));
    }

    #[test]
    fn an_interrupted_write_is_cut_off_and_recorded_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer(dir.path(), 1 << 20);
        w.write(vec![body(0), body(1)], false).unwrap();
        drop(w);
        let path = segment::list(dir.path()).unwrap().remove(0);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[0, 0, 0, 90, 1, 2, 3]);
        std::fs::write(&path, &bytes).unwrap();
        // A torn tail is what a crash leaves: reported, not tampering.
        let torn = verify::verify(dir.path(), &trust()).unwrap();
        assert_eq!(torn.damage, None);
        assert_eq!(torn.torn_tail.map(|t| t.bytes), Some(7));

        let mut again = writer(dir.path(), 1 << 20);
        assert_eq!(
            again.write(vec![body(2)], false).unwrap(),
            vec![3],
            "sequence 2 is the recovery note"
        );
        let report = verify::verify(dir.path(), &trust()).unwrap();
        assert_eq!((report.records, report.damage), (4, None));
        let bytes = std::fs::read(&path).unwrap();
        let frames = segment::frames(&bytes).0;
        let note = AuditRecord::decode(frames[2].encoding).unwrap();
        match note.body {
            RecordBody::Recovery(r) => assert_eq!(r.discarded_bytes, 7),
            other => panic!("expected a recovery record, got {other:?}"),
        }
    }

    #[test]
    fn a_segment_damaged_in_the_middle_is_never_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        writer(dir.path(), 1 << 20)
            .write(vec![body(0), body(1)], false)
            .unwrap();
        let path = segment::list(dir.path()).unwrap().remove(0);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[segment::HEADER_LEN + 10] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let err = writer(dir.path(), 1 << 20)
            .write(vec![body(2)], false)
            .unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "the evidence is left as it was"
        );
    }
}
