//! Reading the evidence log back: `wadah audit verify` (check every chain link and every
//! checkpoint signature, and name the first bad record) and `wadah audit export` (records in a
//! time range as JSON lines). Both read the segment files directly and never need the gateway
//! to run; `verify` also takes a [`Trust`]: the published checkpoint keys and the store's
//! index positions.
//!
//! What `verify` proves, precisely:
//! - every record follows the one before it (hash chain, sequence without gaps), across
//!   segment files (each header names the hash before it), so a changed byte, a removed or
//!   inserted record and a removed or reordered segment in the middle all show;
//! - every checkpoint is signed by a published key of its node and names the true chain head,
//!   so records up to the last checkpoint cannot be changed, removed or re-chained without the
//!   node's private key;
//! - a log that does not start at record 0 starts where a `Retention` record, itself covered
//!   by a later checkpoint, says the retention policy cut it; otherwise segments were removed
//!   by hand;
//! - records after the last checkpoint are protected by the chain only: cutting them off at a
//!   record boundary leaves a valid chain. The store's index position is the witness there:
//!   the log must reach the record the index saw last, with the same hash. A file that ends
//!   inside a record at the very end of the log is a write cut by a crash (the gateway cuts it
//!   and records a `Recovery` at its next start) and is reported, not treated as tampering.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use wadah_domain::audit::{AuditRecord, GENESIS, RecordBody, Sha256Hash};

use super::segment::{self, Header, Stop};
pub use super::signing::Trust;

/// The first place the log is not what the writer wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Damage {
    /// The segment file's name.
    pub segment: String,
    /// The sequence number the bad record has (or should have).
    pub sequence: u64,
    /// Byte offset of the record in the segment.
    pub offset: u64,
    pub why: String,
}

impl std::fmt::Display for Damage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "segment {}, record {} (offset {}): {}",
            self.segment, self.sequence, self.offset, self.why
        )
    }
}

/// A write cut by a crash at the very end of the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TornTail {
    pub segment: String,
    pub offset: u64,
    pub bytes: u64,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Report {
    pub segments: usize,
    /// Records checked and found intact (up to the first damage).
    pub records: u64,
    /// Checkpoints whose signature and head were verified.
    pub checkpoints: u64,
    /// Records after the last verified checkpoint (protected by the chain only).
    pub unchecked_tail: u64,
    /// Where the kept log starts when older segments were removed by the retention policy:
    /// (first record kept, segments removed by the last retention run).
    pub retained_from: Option<(u64, u64)>,
    /// The node the records belong to.
    pub node: Option<String>,
    /// Whether the store's index position for the node was compared (and matched).
    pub witnessed: Option<u64>,
    /// The sequence the next record would have (records before it were read).
    pub next_sequence: u64,
    pub torn_tail: Option<TornTail>,
    pub damage: Option<Damage>,
}

/// Walks the chain; see the module docs for what each check means.
struct Walk<'t> {
    trust: &'t Trust,
    report: Report,
    prev: Sha256Hash,
    sequence: u64,
    /// The start a retention record must account for: (first sequence, prev hash), and
    /// whether such a record was seen (awaiting a checkpoint) or confirmed.
    anchor: Option<(u64, Sha256Hash)>,
    anchor_seen: bool,
    anchor_confirmed: bool,
    /// The hash of every record since the index position's record might be it.
    witness_hash: Option<(u64, Sha256Hash)>,
    /// The segment being read (named in damage found at the end).
    current: String,
}

/// Checks every segment of `dir` in order. Stops at the first damage.
pub fn verify(dir: &Path, trust: &Trust) -> std::io::Result<Report> {
    let paths = segment::list(dir)?;
    let mut walk = Walk {
        trust,
        report: Report {
            segments: paths.len(),
            ..Report::default()
        },
        prev: GENESIS,
        sequence: 0,
        anchor: None,
        anchor_seen: false,
        anchor_confirmed: false,
        witness_hash: None,
        current: String::new(),
    };
    let last = paths.len().saturating_sub(1);
    for (i, path) in paths.iter().enumerate() {
        let bytes = std::fs::read(path)?;
        if let Err(damage) = walk.segment(&file_name(path), &bytes, i == 0, i == last) {
            walk.report.damage = Some(damage);
            walk.report.next_sequence = walk.sequence;
            return Ok(walk.report);
        }
    }
    walk.finish(paths.first().map(|p| file_name(p)));
    walk.report.next_sequence = walk.sequence;
    Ok(walk.report)
}

impl Walk<'_> {
    fn segment(&mut self, name: &str, bytes: &[u8], first: bool, last: bool) -> Result<(), Damage> {
        let damage = |sequence, offset, why: String| Damage {
            segment: name.to_owned(),
            sequence,
            offset,
            why,
        };
        self.current = name.to_owned();
        let header = Header::parse(bytes).map_err(|why| damage(self.sequence, 0, why))?;
        if first && header.first_sequence != 0 {
            // Older segments are gone: by policy only if a retention record names this start.
            self.anchor = Some((header.first_sequence, header.prev));
            self.prev = header.prev;
            self.sequence = header.first_sequence;
        }
        if header.first_sequence != self.sequence || header.prev != self.prev {
            let why = format!(
                "the segment does not continue the chain (it starts at record {}; a segment before it \
                 is missing, reordered or changed)",
                header.first_sequence
            );
            return Err(damage(self.sequence, 0, why));
        }
        let (frames, stop) = segment::frames(bytes);
        for frame in &frames {
            let record = segment::check(frame, &self.prev, self.sequence)
                .map_err(|why| damage(self.sequence, frame.offset, why))?;
            self.record(name, &record)
                .map_err(|why| damage(self.sequence, frame.offset, why))?;
            self.prev = frame.hash;
            self.witness(frame.hash);
            self.sequence += 1;
            self.report.records += 1;
        }
        match stop {
            None => Ok(()),
            Some(Stop::Torn { offset }) if last => {
                self.report.torn_tail = Some(TornTail {
                    segment: name.to_owned(),
                    offset,
                    bytes: bytes.len() as u64 - offset,
                });
                Ok(())
            }
            Some(Stop::Torn { offset }) => Err(damage(
                self.sequence,
                offset,
                "the file ends inside this record, and later segments follow (a crash only cuts the \
                 newest segment)"
                    .into(),
            )),
            Some(Stop::BadLength { offset }) => Err(damage(
                self.sequence,
                offset,
                "its length field is impossible".into(),
            )),
        }
    }

    fn record(&mut self, segment: &str, record: &AuditRecord) -> Result<(), String> {
        match &self.report.node {
            None => {
                self.report.node = Some(record.node.clone());
                self.witness_hash = None;
            }
            Some(node) if *node != record.node => {
                return Err(format!("it names node {} in a log of node {node}", record.node));
            }
            Some(_) => {}
        }
        match &record.body {
            RecordBody::Checkpoint(c) => {
                self.trust.check(record)?;
                if c.head != self.prev || c.records != self.sequence {
                    return Err("the checkpoint does not name the chain head before it".into());
                }
                if c.segment != segment {
                    return Err(format!(
                        "the checkpoint names segment {}, not this one",
                        c.segment
                    ));
                }
                self.report.checkpoints += 1;
                self.report.unchecked_tail = 0;
                if self.anchor_seen {
                    self.anchor_confirmed = true;
                }
            }
            RecordBody::Retention(r) => {
                if self.anchor == Some((r.first_kept, r.prev)) {
                    self.anchor_seen = true;
                    self.report.retained_from = Some((r.first_kept, r.segments));
                }
                self.report.unchecked_tail += 1;
            }
            _ => self.report.unchecked_tail += 1,
        }
        Ok(())
    }

    /// Remembers the hash of the record the store's index saw last, when the walk passes it.
    fn witness(&mut self, hash: Sha256Hash) {
        let Some(node) = &self.report.node else { return };
        if let Some(p) = self.trust.positions.get(node)
            && p.next_sequence == self.sequence + 1
        {
            self.witness_hash = Some((self.sequence, hash));
        }
    }

    fn finish(&mut self, first_segment: Option<String>) {
        let first_segment = first_segment.unwrap_or_default();
        if let Some((start, _)) = self.anchor
            && !self.anchor_confirmed
        {
            let why = if self.anchor_seen {
                "the log starts here; the retention record naming this start is not covered by a \
                 signed checkpoint"
            } else {
                "the log starts here, but no retention record names this start: the segments before it \
                 were removed by hand, not by the retention policy"
            };
            self.report.damage = Some(Damage {
                segment: first_segment,
                sequence: start,
                offset: 0,
                why: why.into(),
            });
            return;
        }
        let Some(node) = self.report.node.clone() else {
            return;
        };
        let Some(position) = self.trust.positions.get(&node).copied() else {
            return;
        };
        if position.next_sequence == 0 {
            return;
        }
        let seen = position.next_sequence - 1;
        match self.witness_hash {
            Some((_, hash)) if hash == position.head => self.report.witnessed = Some(seen),
            Some(_) => {
                self.report.damage = Some(Damage {
                    segment: self.current.clone(),
                    sequence: seen,
                    offset: 0,
                    why: format!(
                        "the store's evidence index saw record {seen} of node {node} with another hash: the \
                         log was rewritten from there"
                    ),
                })
            }
            None if self.sequence <= seen => {
                self.report.damage = Some(Damage {
                    segment: self.current.clone(),
                    sequence: self.sequence,
                    offset: 0,
                    why: format!(
                        "the log ends before record {seen}, which the store's evidence index has seen: \
                         records {}..={seen} were cut off (more than a crash can lose)",
                        self.sequence
                    ),
                })
            }
            // The witnessed record is older than the kept log (removed by retention).
            None => {}
        }
    }
}

/// One exported line.
#[derive(Serialize)]
struct Line<'a> {
    segment: &'a str,
    hash: Sha256Hash,
    #[serde(flatten)]
    record: &'a AuditRecord,
}

/// Writes every readable record with `from <= at < to` (µs since the epoch) as one JSON line;
/// answers how many. Records are not re-verified here: run `verify` for that.
pub fn export(dir: &Path, from: i64, to: i64, out: &mut dyn Write) -> std::io::Result<u64> {
    let mut written = 0;
    for path in segment::list(dir)? {
        let bytes = std::fs::read(&path)?;
        let name = file_name(&path);
        let (frames, _) = segment::frames(&bytes);
        for frame in frames {
            let Ok(record) = AuditRecord::decode(frame.encoding) else {
                continue;
            };
            if record.at < from || record.at >= to {
                continue;
            }
            let line = Line {
                segment: &name,
                hash: frame.hash,
                record: &record,
            };
            serde_json::to_writer(&mut *out, &line)?;
            out.write_all(b"\n")?;
            written += 1;
        }
    }
    Ok(written)
}

fn file_name(path: &Path) -> String {
    super::writer::file_name(path)
}
