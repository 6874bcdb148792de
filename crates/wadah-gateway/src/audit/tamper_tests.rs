//! What `verify` catches, case by case, on logs the writer made: each kind of tampering is
//! named at the right record, and what a crash or the retention policy leaves is accepted.

use std::path::Path;
use std::sync::Arc;

use wadah_domain::Clock;
use wadah_domain::audit::{AuditRecord, Checkpoint, RecordBody, Rejections, Sha256Hash};
use wadah_domain::time::{FixedClock, from_millis};
use wadah_store::AuditPosition;

use super::{Policy, Writer, file_name};
use crate::audit::segment::{self, Header};
use crate::audit::signing::Signer;
use crate::audit::verify::{self, Trust};

struct Log {
    dir: tempfile::TempDir,
    clock: Arc<FixedClock>,
    signer: Vec<u8>,
}

impl Log {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            clock: Arc::new(FixedClock::at(from_millis(1_767_225_600_000))),
            signer: Signer::generate().unwrap().1,
        }
    }

    fn writer(&self, policy: Policy) -> Writer {
        let clock: Arc<dyn Clock> = self.clock.clone();
        Writer::new(
            self.dir.path().to_path_buf(),
            "n1".into(),
            policy,
            clock,
            Arc::new(Signer::from_pkcs8(&self.signer).unwrap()),
            Arc::default(),
        )
    }

    fn trust(&self) -> Trust {
        Trust::default().with_key("n1", Signer::from_pkcs8(&self.signer).unwrap().public_key())
    }

    fn verify(&self) -> verify::Report {
        verify::verify(self.dir.path(), &self.trust()).unwrap()
    }

    fn segments(&self) -> Vec<std::path::PathBuf> {
        segment::list(self.dir.path()).unwrap()
    }
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

/// One segment: records 0..5, a checkpoint (5), records 6..9, a checkpoint (9).
fn checkpointed() -> Log {
    let log = Log::new();
    let mut w = log.writer(Policy::sized(1 << 20));
    w.write((0..5).map(body).collect(), true).unwrap();
    w.write((5..8).map(body).collect(), true).unwrap();
    log
}

/// Reads the one segment's records, lets `edit` change them, and writes the segment back
/// with a correct chain, as someone without the signing key could.
fn rechain(path: &Path, edit: impl FnOnce(&mut Vec<AuditRecord>)) {
    let bytes = std::fs::read(path).unwrap();
    let header = Header::parse(&bytes).unwrap();
    let mut records: Vec<AuditRecord> = segment::frames(&bytes)
        .0
        .iter()
        .map(|f| AuditRecord::decode(f.encoding).unwrap())
        .collect();
    edit(&mut records);
    let mut out = header.to_bytes().to_vec();
    let mut prev = header.prev;
    for r in &records {
        let enc = r.encode();
        prev = Sha256Hash::chain(&prev, &enc);
        segment::frame(&mut out, &enc, &prev);
    }
    std::fs::write(path, out).unwrap();
}

fn frame_bounds(path: &Path) -> Vec<(u64, u64)> {
    let bytes = std::fs::read(path).unwrap();
    segment::frames(&bytes)
        .0
        .iter()
        .map(|f| (f.offset, f.offset + 4 + f.encoding.len() as u64 + 32))
        .collect()
}

#[test]
fn an_intact_log_verifies_with_its_checkpoints() {
    let log = checkpointed();
    let report = log.verify();
    assert_eq!(report.damage, None);
    assert_eq!(
        (report.records, report.checkpoints, report.unchecked_tail),
        (10, 2, 0)
    );
    assert_eq!(report.node.as_deref(), Some("n1"));
}

#[test]
fn a_changed_byte_is_named() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    let (start, _) = frame_bounds(&path)[3];
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[start as usize + 20] ^= 1;
    std::fs::write(&path, bytes).unwrap();
    let damage = log.verify().damage.unwrap();
    assert_eq!((damage.sequence, damage.offset), (3, start));
    assert_eq!(damage.segment, file_name(&path));
}

#[test]
fn a_record_removed_from_the_middle_is_named() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    let (start, end) = frame_bounds(&path)[2];
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.drain(start as usize..end as usize);
    std::fs::write(&path, bytes).unwrap();
    let damage = log.verify().damage.unwrap();
    assert_eq!(damage.sequence, 2, "{damage}");
}

#[test]
fn a_record_removed_and_the_chain_rebuilt_fails_at_the_checkpoint() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    rechain(&path, |records| {
        records.remove(2);
        for (i, r) in records.iter_mut().enumerate() {
            r.sequence = i as u64;
        }
    });
    let damage = log.verify().damage.unwrap();
    // Records 2, 3, 4 now look fine; the checkpoint (now at 4) no longer verifies.
    assert_eq!(damage.sequence, 4, "{damage}");
    assert!(damage.why.contains("signature"), "{damage}");
}

#[test]
fn a_forged_checkpoint_is_named() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    rechain(&path, |records| {
        if let RecordBody::Checkpoint(c) = &mut records[5].body {
            c.signature[0] ^= 1;
        }
    });
    let damage = log.verify().damage.unwrap();
    assert_eq!(damage.sequence, 5);
    assert!(damage.why.contains("does not verify"), "{damage}");
}

#[test]
fn a_checkpoint_signed_by_an_unknown_key_is_named() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    let (intruder, _) = Signer::generate().unwrap();
    rechain(&path, |records| {
        let r = &mut records[9];
        if let RecordBody::Checkpoint(c) = &mut r.body {
            c.key_id = intruder.key_id().to_owned();
        }
        let signature = intruder.sign(&r.checkpoint_message().unwrap());
        if let RecordBody::Checkpoint(Checkpoint { signature: s, .. }) = &mut r.body {
            *s = signature;
        }
    });
    let damage = log.verify().damage.unwrap();
    assert_eq!(damage.sequence, 9);
    assert!(damage.why.contains("not a published audit key"), "{damage}");
}

#[test]
fn a_tail_cut_at_a_record_boundary_is_caught_by_the_index_witness() {
    let log = checkpointed();
    let mut w = log.writer(Policy::sized(1 << 20));
    w.write((8..11).map(body).collect(), false).unwrap();
    let path = log.segments().remove(0);
    let bounds = frame_bounds(&path);
    // The index saw up to record 12 (the last one written).
    let head = segment::frames(&std::fs::read(&path).unwrap())
        .0
        .last()
        .unwrap()
        .hash;
    let witness = |t: Trust| {
        let mut t = t;
        t.positions.insert(
            "n1".into(),
            AuditPosition {
                next_sequence: 13,
                head,
            },
        );
        t
    };
    let intact = verify::verify(log.dir.path(), &witness(log.trust())).unwrap();
    assert_eq!(
        (intact.damage, intact.witnessed, intact.unchecked_tail),
        (None, Some(12), 3)
    );
    // Cut the last two records off cleanly: the chain alone cannot tell…
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bounds[11].0 as usize]).unwrap();
    assert_eq!(log.verify().damage, None);
    // …the index position can.
    let damage = verify::verify(log.dir.path(), &witness(log.trust()))
        .unwrap()
        .damage
        .unwrap();
    assert_eq!(damage.sequence, 11, "{damage}");
    assert!(damage.why.contains("cut off"), "{damage}");
}

#[test]
fn a_crash_mid_record_is_a_torn_tail_not_tampering() {
    let log = checkpointed();
    let path = log.segments().remove(0);
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 5]).unwrap();
    let report = log.verify();
    assert_eq!(report.damage, None);
    let torn = report.torn_tail.unwrap();
    assert_eq!(torn.segment, file_name(&path));
}

#[test]
fn segments_close_by_age_with_a_checkpoint() {
    let log = Log::new();
    let policy = Policy {
        segment_max_age: 3_600_000_000,
        ..Policy::sized(1 << 20)
    };
    let mut w = log.writer(policy);
    w.write(vec![body(0)], false).unwrap();
    log.clock.advance(chrono::Duration::hours(2));
    w.write(Vec::new(), true).unwrap();
    assert_eq!(log.segments().len(), 2);
    let report = log.verify();
    assert_eq!((report.damage, report.checkpoints), (None, 1));
}

#[test]
fn retention_removes_old_segments_and_the_log_still_verifies() {
    let log = Log::new();
    let policy = Policy {
        segment_max_age: 86_400_000_000,
        keep_days: 2,
        ..Policy::sized(1 << 20)
    };
    let mut w = log.writer(policy);
    for day in 0..5 {
        w.write(vec![body(day)], false).unwrap();
        log.clock.advance(chrono::Duration::days(1));
        w.write(Vec::new(), true).unwrap(); // the daily tick closes the segment
    }
    let report = log.verify();
    assert_eq!(report.damage, None, "{report:?}");
    let (first_kept, removed) = report.retained_from.expect("retention ran");
    assert!(removed >= 1 && first_kept > 0, "{report:?}");
    assert!(log.segments().len() <= 4, "{:?}", log.segments());

    // Deleting the oldest kept segment by hand is not retention.
    std::fs::remove_file(&log.segments()[0]).unwrap();
    let damage = log.verify().damage.unwrap();
    assert!(damage.why.contains("removed by hand"), "{damage}");
}
