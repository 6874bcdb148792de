//! The per-row report of a table import (XLSX sheets, Archi's CSV files): for every row of
//! the file whether it is accepted, skipped (outside the SPBE model, on purpose) or rejected,
//! and why. One rejected row refuses the whole import, so the report is what a person reads
//! to fix the file before trying again.

use serde::Serialize;
use wadah_store::{ImportCounts, StoreError};

/// What happened to one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RowStatus {
    Accepted,
    Skipped,
    Rejected,
}

impl RowStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Skipped => "skipped",
            Self::Rejected => "rejected",
        }
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowReport {
    /// The sheet or file (`Aplikasi`, `elements.csv`).
    pub sheet: String,
    /// The row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// What the row names (`dinsos/siks-ng`, an Archi identifier).
    pub id: String,
    pub status: RowStatus,
    pub reasons: Vec<String>,
}

/// A whole table import.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TableReport {
    pub rows: Vec<RowReport>,
    /// Problems of the file as a whole (a missing column, a model-level rule).
    pub problems: Vec<String>,
    /// What was written (`None`: a dry run, or refused).
    pub written: Option<ImportCounts>,
}

impl TableReport {
    pub fn count(&self, status: RowStatus) -> usize {
        self.rows.iter().filter(|r| r.status == status).count()
    }

    /// Whether the file can be imported: no rejected row and no file problem.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.count(RowStatus::Rejected) == 0
    }

    /// Rejected and skipped rows first (what a person must look at), then the rest.
    pub fn rows_worth_reading(&self) -> impl Iterator<Item = &RowReport> {
        self.rows
            .iter()
            .filter(|r| r.status == RowStatus::Rejected)
            .chain(self.rows.iter().filter(|r| r.status == RowStatus::Skipped))
    }
}

/// Why a table import failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum TableImportError {
    /// The file could not be read at all (not an XLSX, a zip bomb, a wrong encoding…).
    #[error("{0}")]
    Unreadable(String),
    #[error("{} row(s) rejected and {} file problem(s); nothing was imported", .0.count(RowStatus::Rejected), .0.problems.len())]
    Refused(Box<TableReport>),
    #[error(transparent)]
    Store(#[from] StoreError),
}
