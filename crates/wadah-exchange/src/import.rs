//! The store side of the exchange: export the stored model as a file, and import a file in
//! three steps that keep the store whole: read (refusing hostile input), convert and check
//! the whole model (every problem listed, nothing written), then write it in one transaction.

use std::collections::BTreeMap;

use serde::Serialize;
use wadah_domain::Code;
use wadah_domain::agency::Agency;
use wadah_domain::architecture::Period;
use wadah_store::{
    AgencyFilter, ArchModelFilter, Change, ImportCounts, MAX_PAGE_SIZE, PageRequest, Store, StoreError,
};

use crate::archimate::convert::{ConvertOptions, Item, convert};
use crate::archimate::read::{ReadError, read};
use crate::archimate::write::write;

/// What an import is told beyond the file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub default_agency: Option<Code>,
    pub default_period: Period,
    /// Check and report only; write nothing.
    pub dry_run: bool,
}

/// What an import found and did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ImportReport {
    pub elements_read: usize,
    pub relationships_read: usize,
    pub properties_read: usize,
    pub views_read: usize,
    /// Concepts outside the SPBE model, left out on purpose.
    pub skipped: Vec<Item>,
    /// What is wrong; any problem means nothing was written.
    pub problems: Vec<Item>,
    /// What was written (`None`: a dry run, or refused).
    pub written: Option<ImportCounts>,
}

/// Why an import failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Read(#[from] ReadError),
    #[error("the file has {} problem(s); nothing was imported", .0.problems.len())]
    Refused(Box<ImportReport>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

async fn known_agencies(store: &dyn Store) -> Result<BTreeMap<Code, Code>, StoreError> {
    let mut out = BTreeMap::new();
    let mut page = PageRequest::first(MAX_PAGE_SIZE);
    loop {
        let got = store.list_agencies(&AgencyFilter::default(), &page).await?;
        out.extend(
            got.items
                .into_iter()
                .map(|a: Agency| (a.spec.code, a.spec.government)),
        );
        match got.next {
            Some(next) => page.after = Some(next),
            None => return Ok(out),
        }
    }
}

/// Imports an ArchiMate exchange file into `store`: all of it, or nothing.
pub async fn import_archimate(
    store: &dyn Store,
    bytes: &[u8],
    options: &ImportOptions,
    change: &Change,
) -> Result<ImportReport, ImportError> {
    let doc = read(bytes)?;
    let known = known_agencies(store).await?;
    let convert_options = ConvertOptions {
        default_agency: options.default_agency.clone(),
        default_period: options.default_period,
        known_agencies: known.clone(),
    };
    let converted = convert(&doc, &convert_options);
    let mut report = ImportReport {
        elements_read: doc.elements.len(),
        relationships_read: doc.relationships.len(),
        properties_read: doc.property_count,
        views_read: doc.views,
        skipped: converted.skipped,
        problems: converted.problems,
        written: None,
    };
    report
        .problems
        .extend(converted.model.problems(&known).into_iter().map(|p| Item {
            at: p.at,
            message: p.message,
        }));
    if !report.problems.is_empty() {
        return Err(ImportError::Refused(Box::new(report)));
    }
    if !options.dry_run {
        report.written = Some(store.import_architecture(&converted.model, change).await?);
    }
    Ok(report)
}

/// Exports the stored model (`filter`: one period or agency, or everything) as an exchange
/// file.
pub async fn export_archimate(
    store: &dyn Store,
    filter: &ArchModelFilter,
    name: &str,
) -> Result<String, StoreError> {
    let model = store.architecture_model(filter).await?;
    Ok(write(&model, name))
}
