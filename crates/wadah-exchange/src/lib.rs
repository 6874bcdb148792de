//! Wadah's exchange formats: the architecture in and out of the files architects' tools read.
//! Today the ArchiMate Model Exchange File Format (The Open Group, namespace
//! `http://www.opengroup.org/xsd/archimate/3.0/`), which Archi and most modelling tools import
//! and export.
//!
//! This crate owns the file formats only: the model and its rules are `wadah-domain`'s
//! `architecture`, storage is `wadah-store`'s `ArchitectureStore`. Reading is split from
//! writing to the store so that a file is checked completely, with a per-item report, before
//! anything is written, and the fuzz target can drive the reader without a database.
//!
//! # Layout
//! - `archimate::vocab`: our element kinds and relation kinds ↔ ArchiMate types, property names;
//! - `archimate::write`: model → XML (elements, relationships, properties, organisation folders
//!   per agency and domain, an application cooperation view per period);
//! - `archimate::read`: bytes → a neutral document, refusing DOCTYPEs, entities, non-UTF-8 and
//!   oversized input;
//! - `archimate::convert`: document → checked model and a report of what was skipped and why;
//! - `csv`: Archi's three-file CSV export (formula-like cells defused);
//! - `csv_read`: the same three files read back into the exchange reader's document;
//! - `xlsx`: the inventory workbook agencies fill in (template with drop-downs, import);
//! - `zipguard`: archive checks before any parser opens a zip (zip bombs);
//! - `report`: the per-row report of the table imports (XLSX, CSV);
//! - `import`: the store side (one transaction through `ArchitectureStore::import_architecture`).

pub mod archimate;
pub mod csv;
pub mod csv_read;
pub mod import;
pub mod report;
pub mod xlsx;
pub mod zipguard;

pub use archimate::read::{MAX_FILE_BYTES, ReadError};
pub use import::{
    ExportError, ImportOptions, ImportReport, export_archimate, export_xlsx, import_archimate, import_csv,
    import_xlsx,
};
pub use report::{RowReport, RowStatus, TableImportError, TableReport};
