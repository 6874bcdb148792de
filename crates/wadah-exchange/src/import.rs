//! The store side of the exchange: export the stored model as a file, and import a file in
//! three steps that keep the store whole: read (refusing hostile input), convert and check
//! the whole model (every problem listed, nothing written), then write it in one transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use wadah_domain::Code;
use wadah_domain::agency::Agency;
use wadah_domain::architecture::{ArchitectureModel, Period, ReferenceCatalog};
use wadah_store::{
    AgencyFilter, ArchModelFilter, Change, ImportCounts, MAX_PAGE_SIZE, PageRequest, Store, StoreError,
};

use crate::archimate::convert::{ConvertOptions, Converted, Item, convert};
use crate::archimate::read::{Document, ReadError, read};
use crate::archimate::write::write;
use crate::csv_read::{CsvInput, read_csv};
use crate::report::{RowStatus, TableImportError, TableReport};
use crate::xlsx::import::{Context, check_rows, read_workbook};

/// What an import is told beyond the file.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub default_agency: Option<Code>,
    pub default_period: Period,
    /// Check and report only; write nothing.
    pub dry_run: bool,
    /// The only agency the file may write into (an agency administrator's import: no new
    /// governments, agencies or reference codes either); `None`: the whole city.
    pub scope: Option<Code>,
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

pub(crate) async fn known_agencies(store: &dyn Store) -> Result<BTreeMap<Code, Code>, StoreError> {
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

/// A document converted and checked: the model and everything wrong with it.
struct Checked {
    converted: Converted,
}

async fn check_document(
    store: &dyn Store,
    doc: &Document,
    options: &ImportOptions,
) -> Result<Checked, StoreError> {
    let known = known_agencies(store).await?;
    let convert_options = ConvertOptions {
        default_agency: options.default_agency.clone().or_else(|| options.scope.clone()),
        default_period: options.default_period,
        known_agencies: known.clone(),
    };
    let mut converted = convert(doc, &convert_options);
    let model_problems = converted.model.problems(&known);
    converted
        .problems
        .extend(model_problems.into_iter().map(|p| Item {
            at: p.at,
            message: p.message,
        }));
    if let Some(scope) = &options.scope {
        let extra = scope_problems(store, &mut converted.model, scope, &known).await?;
        converted.problems.extend(extra);
    }
    Ok(Checked { converted })
}

/// What an agency administrator's file may not do: write another agency's elements or
/// relations, or add governments, agencies or reference codes (the ones that already exist are
/// left out of the write, so an agency's own export imports back).
async fn scope_problems(
    store: &dyn Store,
    model: &mut ArchitectureModel,
    scope: &Code,
    known: &BTreeMap<Code, Code>,
) -> Result<Vec<Item>, StoreError> {
    let mut out = Vec::new();
    let only = |at: String, what: String| Item {
        at,
        message: format!("only a platform administrator may add {what}"),
    };
    let governments: BTreeSet<&Code> = known.values().collect();
    for g in &model.governments {
        if !governments.contains(&g.code) {
            out.push(only(format!("government {}", g.code), "governments".into()));
        }
    }
    for a in &model.agencies {
        if !known.contains_key(&a.code) {
            out.push(only(format!("agency {}", a.code), "agencies".into()));
        }
    }
    for e in &model.elements {
        if &e.agency != scope {
            out.push(Item {
                at: e.key().to_string(),
                message: format!("you may import only into your agency {scope}, not {}", e.agency),
            });
        }
    }
    for r in &model.relations {
        if &r.spec.source.agency != scope {
            out.push(Item {
                at: format!("{} {}", r.period, r.spec.key()),
                message: format!("a relation belongs to its source's agency; you may import only {scope}'s"),
            });
        }
    }
    let national = store.list_ref_codes(None).await?;
    let shipped = ReferenceCatalog::build(&national, &[]).unwrap_or_default();
    model.national_codes.retain(|c| !shipped.contains(&c.code));
    for c in &model.national_codes {
        out.push(only(
            format!("reference code {}", c.code.as_str()),
            "national reference codes".into(),
        ));
    }
    let mut local: HashMap<Code, BTreeSet<String>> = HashMap::new();
    for (g, _) in &model.local_codes {
        if !local.contains_key(g) {
            let codes = store.list_ref_codes(Some(g)).await?;
            local.insert(
                g.clone(),
                codes.into_iter().map(|e| e.code.as_str().to_owned()).collect(),
            );
        }
    }
    model
        .local_codes
        .retain(|(g, c)| !local.get(g).is_some_and(|have| have.contains(c.code.as_str())));
    for (g, c) in &model.local_codes {
        out.push(only(
            format!("reference code {} of {g}", c.code.as_str()),
            "local reference codes".into(),
        ));
    }
    model.governments.retain(|g| !governments.contains(&g.code));
    model.agencies.retain(|a| !known.contains_key(&a.code));
    Ok(out)
}

/// Imports an ArchiMate exchange file into `store`: all of it, or nothing.
pub async fn import_archimate(
    store: &dyn Store,
    bytes: &[u8],
    options: &ImportOptions,
    change: &Change,
) -> Result<ImportReport, ImportError> {
    let doc = read(bytes)?;
    let checked = check_document(store, &doc, options).await?;
    let converted = checked.converted;
    let mut report = ImportReport {
        elements_read: doc.elements.len(),
        relationships_read: doc.relationships.len(),
        properties_read: doc.property_count,
        views_read: doc.views,
        skipped: converted.skipped,
        problems: converted.problems,
        written: None,
    };
    if !report.problems.is_empty() {
        return Err(ImportError::Refused(Box::new(report)));
    }
    if !options.dry_run {
        report.written = Some(store.import_architecture(&converted.model, change).await?);
    }
    Ok(report)
}

/// Imports Archi's three CSV files into `store`, all or nothing, with a report per row.
pub async fn import_csv(
    store: &dyn Store,
    input: CsvInput<'_>,
    options: &ImportOptions,
    change: &Change,
) -> Result<TableReport, TableImportError> {
    let read = read_csv(input).map_err(TableImportError::Unreadable)?;
    let checked = check_document(store, &read.doc, options).await?;
    let converted = checked.converted;
    let mut report = TableReport {
        rows: read.rows,
        ..TableReport::default()
    };
    let row_of = |at: &str| -> Option<usize> {
        let id = converted
            .origins
            .get(at)
            .map_or_else(|| at.split(" (").next().unwrap_or(at), String::as_str);
        read.index.get(id).copied()
    };
    for (item, status) in converted
        .skipped
        .iter()
        .map(|i| (i, RowStatus::Skipped))
        .chain(converted.problems.iter().map(|i| (i, RowStatus::Rejected)))
    {
        match row_of(&item.at).and_then(|i| report.rows.get_mut(i)) {
            Some(row) => {
                if row.status != RowStatus::Rejected {
                    row.status = status;
                }
                row.reasons.push(item.message.clone());
            }
            None => report.problems.push(format!("{}: {}", item.at, item.message)),
        }
    }
    finish_table(store, report, &converted.model, options, change).await
}

async fn finish_table(
    store: &dyn Store,
    mut report: TableReport,
    model: &ArchitectureModel,
    options: &ImportOptions,
    change: &Change,
) -> Result<TableReport, TableImportError> {
    if !report.is_clean() {
        return Err(TableImportError::Refused(Box::new(report)));
    }
    if !options.dry_run {
        report.written = Some(store.import_architecture(model, change).await?);
    }
    Ok(report)
}

/// What the rows of a workbook are checked against, from the store.
pub async fn xlsx_context(store: &dyn Store, options: &ImportOptions) -> Result<Context, StoreError> {
    let known = known_agencies(store).await?;
    let national = store.list_ref_codes(None).await?;
    let mut catalogs = BTreeMap::new();
    for g in known.values().collect::<BTreeSet<_>>() {
        let local = store.list_ref_codes(Some(g)).await?;
        let catalog = ReferenceCatalog::build(&national, &local)
            .or_else(|_| ReferenceCatalog::build(&national, &[]))
            .unwrap_or_default();
        catalogs.insert(g.clone(), catalog);
    }
    let filter = ArchModelFilter {
        period: Some(options.default_period),
        agency: None,
    };
    let existing = store
        .architecture_model(&filter)
        .await?
        .elements
        .into_iter()
        .map(|e| ((e.agency, e.spec.code.clone()), e.spec))
        .collect();
    Ok(Context {
        period: options.default_period,
        default_agency: options.default_agency.clone(),
        scope: options.scope.clone(),
        known_agencies: known,
        catalogs,
        existing,
    })
}

/// Imports a filled-in inventory workbook into `store`, all or nothing, with a report per row.
pub async fn import_xlsx(
    store: &dyn Store,
    bytes: &[u8],
    options: &ImportOptions,
    change: &Change,
) -> Result<TableReport, TableImportError> {
    let (sheets, problems) = read_workbook(bytes).map_err(TableImportError::Unreadable)?;
    let context = xlsx_context(store, options).await?;
    let (mut report, model) = check_rows(&sheets, &context);
    report.problems = problems;
    finish_table(store, report, &model, options, change).await
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

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the workbook: {0}")]
    Xlsx(String),
}

/// The inventory workbook for one agency (`Some`) or every agency: the drop-downs list the
/// agencies and the reference codes they may use, the sheets hold what the store has.
pub async fn export_xlsx(
    store: &dyn Store,
    agency: Option<&Code>,
    period: Period,
) -> Result<Vec<u8>, ExportError> {
    let mut agencies = Vec::new();
    let mut governments = BTreeSet::new();
    let mut page = PageRequest::first(MAX_PAGE_SIZE);
    loop {
        let got = store.list_agencies(&AgencyFilter::default(), &page).await?;
        for a in got.items {
            if agency.is_none_or(|only| only == &a.spec.code) {
                governments.insert(a.spec.government.clone());
                agencies.push((a.spec.code, a.spec.name.to_string()));
            }
        }
        match got.next {
            Some(next) => page.after = Some(next),
            None => break,
        }
    }
    let national = store.list_ref_codes(None).await?;
    let mut local = Vec::new();
    for g in &governments {
        local.extend(store.list_ref_codes(Some(g)).await?);
    }
    let mut codes: BTreeMap<String, wadah_domain::architecture::RefEntry> = BTreeMap::new();
    if let Ok(catalog) = ReferenceCatalog::build(&national, &[]) {
        codes.extend(catalog.entries().map(|e| (e.code.as_str().to_owned(), e.clone())));
    }
    codes.extend(local.into_iter().map(|e| (e.code.as_str().to_owned(), e)));
    let model = store
        .architecture_model(&ArchModelFilter {
            period: Some(period),
            agency: agency.cloned(),
        })
        .await?;
    let input = crate::xlsx::template::TemplateInput {
        agencies,
        codes: codes.into_values().collect(),
        period,
        model: &model,
    };
    crate::xlsx::template::workbook(&input).map_err(|e| ExportError::Xlsx(e.to_string()))
}
