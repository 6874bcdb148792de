//! Zip archives from strangers (XLSX workbooks, a zip of Archi's three CSV files): checked
//! before any parser opens them. The central directory must list at most [`MAX_ENTRIES`]
//! entries whose declared sizes add up to at most [`MAX_UNCOMPRESSED_BYTES`]; then every
//! entry is inflated once into nothing, counting, so an archive that lies about its sizes (the
//! classic zip bomb) is caught by what it really expands to, and stops after the limit.

use std::io::{Cursor, Read};

use zip::ZipArchive;

/// Largest archive accepted (an agency's filled-in workbook is well under 1 MiB).
pub const MAX_ARCHIVE_BYTES: usize = 32 * 1024 * 1024;
/// Most entries one archive may have (a workbook has a dozen or two).
pub const MAX_ENTRIES: usize = 1_000;
/// Most bytes all entries may expand to.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 128 * 1024 * 1024;

/// Why an archive is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    #[error("the file is larger than {} MiB", MAX_ARCHIVE_BYTES / 1024 / 1024)]
    TooLarge,
    #[error(
        "not a zip archive (an XLSX workbook is one, and so are Archi's three CSV files sent as one file): {0}"
    )]
    NotZip(String),
    #[error("the archive has {0} entries; at most {MAX_ENTRIES} are accepted")]
    TooManyEntries(usize),
    #[error("the archive expands to more than {} MiB; refused as a possible zip bomb", MAX_UNCOMPRESSED_BYTES / 1024 / 1024)]
    TooBig,
    #[error("the archive is damaged: {0}")]
    Damaged(String),
}

/// Checks `bytes` as described in the module docs; answers the entry names.
pub fn check(bytes: &[u8]) -> Result<Vec<String>, ZipError> {
    if bytes.len() > MAX_ARCHIVE_BYTES {
        return Err(ZipError::TooLarge);
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipError::NotZip(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(ZipError::TooManyEntries(archive.len()));
    }
    let mut declared: u64 = 0;
    let mut names = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ZipError::Damaged(e.to_string()))?;
        declared = declared.saturating_add(entry.size());
        names.push(String::from_utf8_lossy(entry.name_raw()).into_owned());
    }
    if declared > MAX_UNCOMPRESSED_BYTES {
        return Err(ZipError::TooBig);
    }
    let mut budget = MAX_UNCOMPRESSED_BYTES;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| ZipError::Damaged(e.to_string()))?;
        let read = std::io::copy(&mut entry.take(budget.saturating_add(1)), &mut std::io::sink())
            .map_err(|e| ZipError::Damaged(e.to_string()))?;
        if read > budget {
            return Err(ZipError::TooBig);
        }
        budget -= read;
    }
    Ok(names)
}

/// The contents of the entry whose name ends with `suffix` (case-insensitive), in an archive
/// [`check`] accepted.
pub fn entry_ending(bytes: &[u8], suffix: &str) -> Result<Option<Vec<u8>>, ZipError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(|e| ZipError::NotZip(e.to_string()))?;
    let suffix = suffix.to_ascii_lowercase();
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| ZipError::Damaged(e.to_string()))?;
        if !String::from_utf8_lossy(entry.name_raw())
            .to_ascii_lowercase()
            .ends_with(&suffix)
        {
            continue;
        }
        let mut out = Vec::new();
        entry
            .take(MAX_UNCOMPRESSED_BYTES)
            .read_to_end(&mut out)
            .map_err(|e| ZipError::Damaged(e.to_string()))?;
        return Ok(Some(out));
    }
    Ok(None)
}
