//! The one writer of the evidence log: a dedicated OS thread (its file I/O and fdatasync never
//! block the async workers) that drains a channel in batches. Group commit: it takes every
//! record queued, chains and frames them, writes them with one `write` and one `fdatasync`,
//! and only then acknowledges them all, so under load many requests share one sync.
//!
//! On start it continues the last segment: it re-checks that segment's chain, and if the file
//! ends inside a frame (a write interrupted by a crash) it cuts the incomplete bytes off and
//! records the cut in a `Recovery` record. A segment damaged in any other way is left as it is
//! and the writer refuses to append (strict mode then answers 503) until an operator moves it
//! away: evidence is never overwritten. A failed write is rolled back to the last good length
//! and the file reopened on the next batch, so the log heals when the disk does.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};
use wadah_domain::Clock;
use wadah_domain::audit::{AuditRecord, GENESIS, RecordBody, Recovery, Sha256Hash, micros};

use super::segment::{self, Header, Stop};
use crate::metrics;

/// The most records one batch takes from the queue.
const MAX_BATCH: usize = 4096;

pub(crate) type Ack = oneshot::Sender<Result<u64, String>>;

pub(crate) enum Msg {
    Append {
        at: i64,
        body: Box<RecordBody>,
        ack: Option<Ack>,
    },
    /// Answers once everything queued before it is durable.
    Flush(oneshot::Sender<Result<(), String>>),
}

struct Open {
    file: File,
    len: u64,
}

pub(crate) struct Writer {
    dir: PathBuf,
    node: String,
    segment_bytes: u64,
    clock: Arc<dyn Clock>,
    open: Option<Open>,
    next_sequence: u64,
    prev: Sha256Hash,
    /// Records to write before the next batch (a recovery note).
    pending: Vec<RecordBody>,
    /// Whether the last batch failed (failures and recoveries are logged once each).
    failing: bool,
}

impl Writer {
    pub(crate) fn new(dir: PathBuf, node: String, segment_bytes: u64, clock: Arc<dyn Clock>) -> Self {
        Self {
            dir,
            node,
            segment_bytes,
            clock,
            open: None,
            next_sequence: 0,
            prev: GENESIS,
            pending: Vec::new(),
            failing: false,
        }
    }

    /// Runs until every sender is gone.
    pub(crate) fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        if let Err(e) = self.ensure_open() {
            tracing::error!(dir = %self.dir.display(), error = %e, "the evidence log cannot be opened");
        }
        while let Some(first) = rx.blocking_recv() {
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            self.commit(batch);
            metrics::audit_queue_depth(rx.len());
        }
    }

    fn commit(&mut self, batch: Vec<Msg>) {
        let mut bodies = Vec::new();
        let mut acks = Vec::new();
        let mut flushes = Vec::new();
        for msg in batch {
            match msg {
                Msg::Append { at, body, ack } => {
                    bodies.push((at, *body));
                    acks.push(ack);
                }
                Msg::Flush(done) => flushes.push(done),
            }
        }
        match self.write(bodies) {
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
    }

    /// Chains, frames, writes and syncs `bodies` (after any pending records); answers their
    /// sequence numbers.
    fn write(&mut self, bodies: Vec<(i64, RecordBody)>) -> Result<Vec<u64>, String> {
        self.ensure_open()?;
        let now = micros(self.clock.now());
        let pending = std::mem::take(&mut self.pending);
        let all = pending.iter().cloned().map(|b| (now, b)).chain(bodies);
        let (mut buf, mut prev, mut sequence, mut sequences) =
            (Vec::new(), self.prev, self.next_sequence, Vec::new());
        for (at, body) in all {
            let record = AuditRecord {
                node: self.node.clone(),
                sequence,
                at,
                body,
            };
            let encoding = record.encode();
            prev = Sha256Hash::chain(&prev, &encoding);
            segment::frame(&mut buf, &encoding, &prev);
            sequences.push(sequence);
            sequence += 1;
        }
        if buf.is_empty() {
            return Ok(Vec::new());
        }
        let open = self.open.as_mut().ok_or("the evidence log is not open")?;
        let started = Instant::now();
        let written = open.file.write_all(&buf).and_then(|()| open.file.sync_data());
        metrics::audit_fsync(started.elapsed());
        if let Err(e) = written {
            let _ = open.file.set_len(open.len);
            self.open = None;
            self.pending = pending;
            return Err(format!("write or sync failed: {e}"));
        }
        open.len += buf.len() as u64;
        self.next_sequence = sequence;
        self.prev = prev;
        metrics::audit_records(buf.len(), sequences.len() - pending.len());
        if open.len >= self.segment_bytes {
            self.rotate();
        }
        Ok(sequences.split_off(pending.len()))
    }

    fn rotate(&mut self) {
        let header = Header {
            first_sequence: self.next_sequence,
            prev: self.prev,
        };
        match segment::create(&self.dir, header) {
            Ok((file, _)) => {
                self.open = Some(Open {
                    file,
                    len: segment::HEADER_LEN as u64,
                })
            }
            // The full segment stays open; the next batch reopens and tries again.
            Err(e) => tracing::warn!(error = %e, "cannot start a new evidence segment"),
        }
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
                let (file, _) = segment::create(&dir, Header::genesis())
                    .map_err(|e| format!("cannot create a segment in {}: {e}", dir.display()))?;
                self.open = Some(Open {
                    file,
                    len: segment::HEADER_LEN as u64,
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
        for frame in &frames {
            segment::check(frame, &prev, sequence).map_err(|why| {
                format!("{shown}: record {sequence} is damaged ({why}); run `wadah audit verify` and move the segment away")
            })?;
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
                    segment: path
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
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
        self.open = Some(Open { file, len: good_len });
        self.next_sequence = sequence;
        self.prev = prev;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use wadah_domain::audit::{RecordBody, Rejections};
    use wadah_domain::time::{FixedClock, from_millis};

    use super::*;
    use crate::audit::verify;

    fn writer(dir: &Path, segment_bytes: u64) -> Writer {
        let clock: Arc<dyn Clock> = Arc::new(FixedClock::at(from_millis(1_767_225_600_000)));
        Writer::new(dir.to_path_buf(), "n1".into(), segment_bytes, clock)
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
        for i in 0..12 {
            assert_eq!(w.write(vec![body(i)]).unwrap(), vec![i as u64]);
        }
        let segments = segment::list(dir.path()).unwrap();
        assert!(segments.len() >= 3, "{segments:?}");
        let report = verify::verify(dir.path()).unwrap();
        assert_eq!((report.records, report.damage), (12, None));
        // A restarted writer continues the same chain.
        let mut again = writer(dir.path(), 200);
        assert_eq!(again.write(vec![body(12)]).unwrap(), vec![12]);
        assert_eq!(verify::verify(dir.path()).unwrap().records, 13);
        // Removing a middle segment breaks the chain, and verify says where.
        std::fs::remove_file(&segments[1]).unwrap();
        let damage = verify::verify(dir.path()).unwrap().damage.unwrap();
        assert!(damage.why.contains("does not continue the chain"), "{damage}");
    }

    #[test]
    fn an_interrupted_write_is_cut_off_and_recorded_at_the_next_start() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = writer(dir.path(), 1 << 20);
        w.write(vec![body(0), body(1)]).unwrap();
        drop(w);
        let path = segment::list(dir.path()).unwrap().remove(0);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(&[0, 0, 0, 90, 1, 2, 3]);
        std::fs::write(&path, &bytes).unwrap();
        assert!(
            verify::verify(dir.path())
                .unwrap()
                .damage
                .unwrap()
                .why
                .contains("ends inside")
        );

        let mut again = writer(dir.path(), 1 << 20);
        assert_eq!(
            again.write(vec![body(2)]).unwrap(),
            vec![3],
            "sequence 2 is the recovery note"
        );
        let report = verify::verify(dir.path()).unwrap();
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
        writer(dir.path(), 1 << 20).write(vec![body(0), body(1)]).unwrap();
        let path = segment::list(dir.path()).unwrap().remove(0);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[segment::HEADER_LEN + 10] ^= 0xff;
        std::fs::write(&path, &bytes).unwrap();
        let err = writer(dir.path(), 1 << 20).write(vec![body(2)]).unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "the evidence is left as it was"
        );
    }
}
