//! Reading the evidence log back: `wadah audit verify` (check every chain link and name the
//! first bad record) and `wadah audit export` (records in a time range as JSON lines). Both
//! read the segment files directly and never need the gateway to run.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use wadah_domain::audit::{AuditRecord, GENESIS, Sha256Hash};

use super::segment::{self, Header, Stop};

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

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub segments: usize,
    /// Records checked and found intact (up to the first damage).
    pub records: u64,
    pub damage: Option<Damage>,
}

/// Checks every segment of `dir` in order: headers continue the chain, every record's hash
/// matches its content and the one before, sequences have no gaps. Stops at the first damage.
pub fn verify(dir: &Path) -> std::io::Result<Report> {
    let paths = segment::list(dir)?;
    let mut report = Report {
        segments: paths.len(),
        records: 0,
        damage: None,
    };
    let (mut prev, mut sequence) = (GENESIS, 0u64);
    for path in &paths {
        let bytes = std::fs::read(path)?;
        let name = file_name(path);
        let damage = |sequence, offset, why: String| Damage {
            segment: name.clone(),
            sequence,
            offset,
            why,
        };
        let header = match Header::parse(&bytes) {
            Ok(h) => h,
            Err(why) => {
                return Ok(Report {
                    damage: Some(damage(sequence, 0, why)),
                    ..report
                });
            }
        };
        if header.first_sequence != sequence || header.prev != prev {
            let why = format!(
                "the segment does not continue the chain (starts at record {}; a segment before it is missing, \
                 reordered or changed)",
                header.first_sequence
            );
            return Ok(Report {
                damage: Some(damage(sequence, 0, why)),
                ..report
            });
        }
        let (frames, stop) = segment::frames(&bytes);
        for frame in &frames {
            if let Err(why) = segment::check(frame, &prev, sequence) {
                return Ok(Report {
                    damage: Some(damage(sequence, frame.offset, why)),
                    ..report
                });
            }
            prev = frame.hash;
            sequence += 1;
            report.records += 1;
        }
        if let Some(stop) = stop {
            let (offset, why) = match stop {
                Stop::Torn { offset } => (
                    offset,
                    "the file ends inside this record (an interrupted write, or a cut file; the gateway records and cuts it at its next start)",
                ),
                Stop::BadLength { offset } => (offset, "its length field is impossible"),
            };
            return Ok(Report {
                damage: Some(damage(sequence, offset, why.into())),
                ..report
            });
        }
    }
    Ok(report)
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
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}
