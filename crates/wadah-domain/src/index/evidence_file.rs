//! The checks an uploaded evidence file passes before it is kept: a size limit, one of the
//! document types evaluators read (PDF, PNG, JPEG, DOCX, XLSX), and a type decided by the
//! content's magic bytes, never by the name or the declared `Content-Type` alone. A declared
//! type that contradicts the content is refused (a renamed executable is not a PDF); a generic
//! declared type (`application/octet-stream`) takes the sniffed one.
//!
//! DOCX and XLSX are ZIP archives; they are told apart (and from any other ZIP) by the part
//! names their archives must contain (`word/document.xml`, `xl/workbook.xml`), which ZIP stores
//! in plain text in each local header. No archive is unpacked.

use crate::ValidationError;

/// The largest evidence file accepted: 10 MiB.
pub const MAX_EVIDENCE_BYTES: usize = 10 * 1024 * 1024;
/// The longest file name kept (characters).
pub const MAX_FILE_NAME: usize = 200;

/// A document type evidence may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceType {
    Pdf,
    Png,
    Jpeg,
    Docx,
    Xlsx,
}

impl EvidenceType {
    pub const ALL: [EvidenceType; 5] = [Self::Pdf, Self::Png, Self::Jpeg, Self::Docx, Self::Xlsx];

    pub fn media_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The type the content is, by its magic bytes.
    pub fn sniff(bytes: &[u8]) -> Option<EvidenceType> {
        if bytes.starts_with(b"%PDF-") {
            Some(Self::Pdf)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Self::Png)
        } else if bytes.starts_with(b"\xff\xd8\xff") {
            Some(Self::Jpeg)
        } else if bytes.starts_with(b"PK\x03\x04") {
            if contains(bytes, b"word/document.xml") {
                Some(Self::Docx)
            } else if contains(bytes, b"xl/workbook.xml") {
                Some(Self::Xlsx)
            } else {
                None
            }
        } else {
            None
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Why an upload was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("an evidence file has at most {MAX_EVIDENCE_BYTES} bytes (10 MiB)")]
    TooLarge,
    #[error("the file is empty")]
    Empty,
    #[error("the content is not one of PDF, PNG, JPEG, DOCX or XLSX")]
    UnsupportedType,
    #[error("the file is declared as {declared} but its content is {actual}")]
    Mismatch { declared: String, actual: &'static str },
    #[error("{0}")]
    Invalid(#[from] ValidationError),
}

/// Checks an upload; answers the type to record.
pub fn check_upload(declared: Option<&str>, bytes: &[u8]) -> Result<EvidenceType, UploadError> {
    if bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(UploadError::TooLarge);
    }
    if bytes.is_empty() {
        return Err(UploadError::Empty);
    }
    let actual = EvidenceType::sniff(bytes).ok_or(UploadError::UnsupportedType)?;
    let declared = declared
        .map(|d| {
            d.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .filter(|d| !d.is_empty() && d != "application/octet-stream");
    match declared {
        Some(d) if d != actual.media_type() => Err(UploadError::Mismatch {
            declared: d.chars().take(100).collect(),
            actual: actual.media_type(),
        }),
        _ => Ok(actual),
    }
}

/// A file name fit to show and to offer as a download name: the last path segment, without
/// control characters or quotes, at most [`MAX_FILE_NAME`] characters.
pub fn clean_file_name(raw: &str) -> Result<String, ValidationError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default().trim();
    let name: String = last
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(MAX_FILE_NAME)
        .collect();
    if name.is_empty() || name == "." || name == ".." {
        return Err(ValidationError::new(
            "name",
            "give the file a name (e.g. perwal-spbe.pdf)",
        ));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_the_type() {
        assert_eq!(
            check_upload(Some("application/pdf"), b"%PDF-1.7 ..."),
            Ok(EvidenceType::Pdf)
        );
        assert_eq!(
            check_upload(None, b"\x89PNG\r\n\x1a\nrest"),
            Ok(EvidenceType::Png)
        );
        assert_eq!(
            check_upload(Some("application/octet-stream"), b"\xff\xd8\xff\xe0jfif"),
            Ok(EvidenceType::Jpeg)
        );
        let docx = b"PK\x03\x04....word/document.xml....";
        assert_eq!(check_upload(None, docx), Ok(EvidenceType::Docx));
        let xlsx = b"PK\x03\x04....xl/workbook.xml....";
        assert_eq!(check_upload(None, xlsx), Ok(EvidenceType::Xlsx));
    }

    #[test]
    fn a_renamed_or_unknown_file_is_refused() {
        assert_eq!(
            check_upload(Some("application/pdf"), b"MZ\x90\x00 executable"),
            Err(UploadError::UnsupportedType)
        );
        assert_eq!(
            check_upload(None, b"PK\x03\x04 some other zip"),
            Err(UploadError::UnsupportedType)
        );
        assert!(matches!(
            check_upload(Some("application/pdf"), b"\x89PNG\r\n\x1a\n"),
            Err(UploadError::Mismatch {
                actual: "image/png",
                ..
            })
        ));
        assert_eq!(check_upload(None, b""), Err(UploadError::Empty));
        let big = vec![b'%'; MAX_EVIDENCE_BYTES + 1];
        assert_eq!(check_upload(None, &big), Err(UploadError::TooLarge));
    }

    #[test]
    fn file_names_lose_their_path_and_control_characters() {
        assert_eq!(clean_file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(
            clean_file_name("C:\\dok\\perwal \"spbe\".pdf").unwrap(),
            "perwal spbe.pdf"
        );
        assert!(clean_file_name("a/").is_err());
        assert_eq!(clean_file_name(&"x".repeat(500)).unwrap().len(), MAX_FILE_NAME);
    }
}
