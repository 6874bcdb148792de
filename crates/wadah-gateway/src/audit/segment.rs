//! The evidence log on disk: a directory of segment files, each a header then frames.
//!
//! ```text
//! segment  audit-<first sequence, 20 digits>.log
//! header   "WADAHAUD" | u8 version (1) | 7 zero bytes | u64 first sequence | 32-byte hash of
//!          the record before it (GENESIS for the first segment)
//! frame    u32 length | the record's canonical encoding (wadah_domain::audit) | 32-byte hash
//!          = SHA-256(previous hash ‖ encoding)
//! ```
//!
//! Integers are big-endian. The header carries the chain across segment boundaries, so each
//! segment can be checked on its own and a missing or reordered segment shows as a broken
//! link. This module only reads and frames bytes; the writer and `verify` decide what to do.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};

use wadah_domain::audit::{AuditRecord, GENESIS, Sha256Hash};

pub const MAGIC: &[u8; 8] = b"WADAHAUD";
pub const HEADER_LEN: usize = 56;
const SEGMENT_VERSION: u8 = 1;
/// A frame longer than this is damage, not a record.
const MAX_FRAME: usize = 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub first_sequence: u64,
    pub prev: Sha256Hash,
}

impl Header {
    pub fn genesis() -> Self {
        Self {
            first_sequence: 0,
            prev: GENESIS,
        }
    }

    pub fn to_bytes(self) -> [u8; HEADER_LEN] {
        let mut out = [0u8; HEADER_LEN];
        out[..8].copy_from_slice(MAGIC);
        out[8] = SEGMENT_VERSION;
        out[16..24].copy_from_slice(&self.first_sequence.to_be_bytes());
        out[24..].copy_from_slice(&self.prev.0);
        out
    }

    pub fn parse(bytes: &[u8]) -> Result<Self, String> {
        let head = bytes
            .get(..HEADER_LEN)
            .ok_or("the segment header is incomplete")?;
        if &head[..8] != MAGIC || head[8] != SEGMENT_VERSION || head[9..16] != [0; 7] {
            return Err("the segment header is not a Wadah audit segment (version 1)".into());
        }
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&head[16..24]);
        let mut prev = [0u8; 32];
        prev.copy_from_slice(&head[24..]);
        Ok(Self {
            first_sequence: u64::from_be_bytes(seq),
            prev: Sha256Hash(prev),
        })
    }
}

pub fn file_name(first_sequence: u64) -> String {
    format!("audit-{first_sequence:020}.log")
}

/// The segment files of `dir`, in chain order.
pub fn list(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let digits = name.strip_prefix("audit-").and_then(|n| n.strip_suffix(".log"));
        if digits.is_some_and(|d| d.len() == 20 && d.bytes().all(|b| b.is_ascii_digit())) {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// Appends one frame for `encoding` to `buf`.
pub fn frame(buf: &mut Vec<u8>, encoding: &[u8], hash: &Sha256Hash) {
    buf.extend_from_slice(&(encoding.len() as u32).to_be_bytes());
    buf.extend_from_slice(encoding);
    buf.extend_from_slice(&hash.0);
}

/// One frame read back (not yet checked against the chain).
#[derive(Debug)]
pub struct RawFrame<'a> {
    pub offset: u64,
    pub encoding: &'a [u8],
    pub hash: Sha256Hash,
}

/// Why reading frames stopped before the end of the segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// The bytes end inside a frame: an interrupted write (or a cut file).
    Torn { offset: u64 },
    /// A frame length that no record has.
    BadLength { offset: u64 },
}

/// Splits the bytes after the header into frames; the second value says why it stopped early.
pub fn frames(segment: &[u8]) -> (Vec<RawFrame<'_>>, Option<Stop>) {
    let mut out = Vec::new();
    let mut at = HEADER_LEN.min(segment.len());
    while at < segment.len() {
        let offset = at as u64;
        let Some(len_bytes) = segment.get(at..at + 4) else {
            return (out, Some(Stop::Torn { offset }));
        };
        let len = u32::from_be_bytes([len_bytes[0], len_bytes[1], len_bytes[2], len_bytes[3]]) as usize;
        if len == 0 || len > MAX_FRAME {
            return (out, Some(Stop::BadLength { offset }));
        }
        let Some(body) = segment.get(at + 4..at + 4 + len + 32) else {
            return (out, Some(Stop::Torn { offset }));
        };
        let mut hash = [0u8; 32];
        hash.copy_from_slice(&body[len..]);
        out.push(RawFrame {
            offset,
            encoding: &body[..len],
            hash: Sha256Hash(hash),
        });
        at += 4 + len + 32;
    }
    (out, None)
}

/// Decodes a frame and checks it continues the chain after `prev` at `sequence`.
pub fn check(frame: &RawFrame<'_>, prev: &Sha256Hash, sequence: u64) -> Result<AuditRecord, String> {
    if Sha256Hash::chain(prev, frame.encoding) != frame.hash {
        return Err("its hash does not match its content and the record before it".into());
    }
    let record = AuditRecord::decode(frame.encoding).map_err(|e| format!("it cannot be decoded: {e}"))?;
    if record.sequence != sequence {
        return Err(format!(
            "it has sequence {} where {sequence} was expected",
            record.sequence
        ));
    }
    Ok(record)
}

/// Creates a new segment with its header, durable (file and directory synced).
pub fn create(dir: &Path, header: Header) -> io::Result<(File, PathBuf)> {
    let path = dir.join(file_name(header.first_sequence));
    let mut file = OpenOptions::new().create_new(true).append(true).open(&path)?;
    file.write_all(&header.to_bytes())?;
    file.sync_all()?;
    sync_dir(dir)?;
    Ok((file, path))
}

/// Makes a new file's directory entry durable.
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}
