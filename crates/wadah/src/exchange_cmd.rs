//! `wadah export archimate|csv|xlsx` and `wadah import archimate|csv|xlsx`: the architecture
//! to and from the ArchiMate Model Exchange File Format, Archi's three CSV files and the XLSX
//! inventory workbook, on the store `--data-dir` or `--config` names (an empty data dir is
//! created and migrated; an existing one is never wiped). The table imports print a line for
//! every rejected or skipped row.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use wadah_domain::architecture::Period;
use wadah_domain::{Actor, Clock as _, Code};
use wadah_exchange::csv_read::{CsvInput, files_from_zip};
use wadah_exchange::import::ImportError;
use wadah_exchange::{
    ImportOptions, MAX_FILE_BYTES, RowStatus, TableImportError, TableReport, export_archimate, export_xlsx,
    import_archimate, import_csv, import_xlsx,
};
use wadah_store::{ArchModelFilter, Change};

use crate::cli::StoreArgs;
use crate::commands::load;
use crate::store::{self, Migrations};

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The ArchiMate Model Exchange File Format (Open Group XSD; Archi and most tools read it).
    Archimate(ExportArchimateArgs),
    /// Archi's CSV format: elements.csv, relations.csv and properties.csv in a directory.
    Csv(ExportCsvArgs),
    /// The XLSX inventory workbook agencies fill in (drop-downs, reference codes, what the
    /// store already holds).
    Xlsx(ExportXlsxArgs),
}

#[derive(Debug, Args)]
pub struct ExportXlsxArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where to write the workbook.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// The planning period the sheets are for.
    #[arg(long, default_value = "2025-2029", value_name = "PERIOD")]
    pub period: String,
    /// One agency's workbook (its rows, and only it in the agency drop-down).
    #[arg(long, value_name = "AGENCY")]
    pub agency: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportCsvArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The directory to write the three files into (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub output: PathBuf,
    /// Only this planning period (e.g. 2025-2029).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Only this agency's elements and their relations.
    #[arg(long, value_name = "AGENCY")]
    pub agency: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// An ArchiMate Model Exchange File (from `wadah export archimate`, Archi or another tool).
    Archimate(ImportArchimateArgs),
    /// A filled-in XLSX inventory workbook (from `wadah export xlsx`).
    Xlsx(ImportArchimateArgs),
    /// Archi's CSV files: a directory with elements.csv, relations.csv and properties.csv, or
    /// a zip of them.
    Csv(ImportArchimateArgs),
}

#[derive(Debug, Args)]
pub struct ExportArchimateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Where to write the file; `-` for standard output.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Only this planning period (e.g. 2025-2029).
    #[arg(long, value_name = "PERIOD")]
    pub period: Option<String>,
    /// Only this agency's elements and their relations.
    #[arg(long, value_name = "AGENCY")]
    pub agency: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArchimateArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The file (`-` for standard input; for CSV a directory or a zip).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The agency of elements the file does not place (no wadah:agency, no agency folder, an
    /// empty agency cell).
    #[arg(long, value_name = "AGENCY")]
    pub agency: Option<String>,
    /// The planning period of elements that name none.
    #[arg(long, default_value = "2025-2029", value_name = "PERIOD")]
    pub period: String,
    /// Check the file and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn filter(period: Option<&str>, agency: Option<&str>) -> anyhow::Result<ArchModelFilter> {
    Ok(ArchModelFilter {
        period: period.map(Period::parse).transpose()?,
        agency: agency.map(Code::parse).transpose()?,
    })
}

pub async fn export(command: ExportCommand) -> anyhow::Result<()> {
    let args = match command {
        ExportCommand::Archimate(args) => args,
        ExportCommand::Csv(args) => return export_csv(args).await,
        ExportCommand::Xlsx(args) => return export_workbook(args).await,
    };
    let filter = filter(args.period.as_deref(), args.agency.as_deref())?;
    let config = load(&args.store)?;
    let store = store::open(&config, Migrations::Apply).await?;
    let xml = export_archimate(store.as_ref(), &filter, "Arsitektur SPBE")
        .await
        .context("cannot read the architecture from the store")?;
    if args.output.as_os_str() == "-" {
        std::io::stdout()
            .lock()
            .write_all(xml.as_bytes())
            .context("cannot write to standard output")?;
    } else {
        std::fs::write(&args.output, &xml)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        eprintln!("wrote {}", args.output.display());
    }
    Ok(())
}

async fn export_csv(args: ExportCsvArgs) -> anyhow::Result<()> {
    let filter = filter(args.period.as_deref(), args.agency.as_deref())?;
    let config = load(&args.store)?;
    let store = store::open(&config, Migrations::Apply).await?;
    let model = store
        .architecture_model(&filter)
        .await
        .context("cannot read the architecture from the store")?;
    let files = wadah_exchange::csv::write_csv(&model, "Arsitektur SPBE");
    std::fs::create_dir_all(&args.output)
        .with_context(|| format!("cannot create {}", args.output.display()))?;
    for (name, text) in [
        ("elements.csv", &files.elements),
        ("relations.csv", &files.relations),
        ("properties.csv", &files.properties),
    ] {
        let path = args.output.join(name);
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    eprintln!(
        "wrote elements.csv, relations.csv and properties.csv in {}",
        args.output.display()
    );
    Ok(())
}

async fn export_workbook(args: ExportXlsxArgs) -> anyhow::Result<()> {
    let agency = args.agency.as_deref().map(Code::parse).transpose()?;
    let period = Period::parse(&args.period)?;
    let config = load(&args.store)?;
    let store = store::open(&config, Migrations::Apply).await?;
    let bytes = export_xlsx(store.as_ref(), agency.as_ref(), period)
        .await
        .context("cannot write the inventory workbook")?;
    std::fs::write(&args.output, bytes).with_context(|| format!("cannot write {}", args.output.display()))?;
    eprintln!("wrote {}", args.output.display());
    Ok(())
}

/// Reads at most [`MAX_FILE_BYTES`] (and one byte more, to tell a too-large file apart).
fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let limit = u64::try_from(MAX_FILE_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin().lock().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path)
            .with_context(|| format!("cannot open {}", path.display()))?
            .take(limit)
            .read_to_end(&mut bytes)
    }
    .with_context(|| format!("cannot read {}", path.display()))?;
    Ok(bytes)
}

fn options(args: &ImportArchimateArgs) -> anyhow::Result<ImportOptions> {
    Ok(ImportOptions {
        default_agency: args.agency.as_deref().map(Code::parse).transpose()?,
        default_period: Period::parse(&args.period)?,
        dry_run: args.dry_run,
        scope: None,
    })
}

/// The three CSV files of a directory or a zip.
fn csv_files(path: &Path) -> anyhow::Result<[Vec<u8>; 3]> {
    if path.is_dir() {
        let mut out: [Vec<u8>; 3] = Default::default();
        for (slot, name) in out
            .iter_mut()
            .zip(["elements.csv", "relations.csv", "properties.csv"])
        {
            *slot = read_input(&path.join(name))?;
        }
        return Ok(out);
    }
    files_from_zip(&read_input(path)?).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// Prints a table import's report; fails when it was refused.
fn print_table(file: &str, result: Result<TableReport, TableImportError>) -> anyhow::Result<()> {
    let (report, refused) = match result {
        Ok(report) => (report, false),
        Err(TableImportError::Refused(report)) => (*report, true),
        Err(err) => return Err(err).with_context(|| format!("cannot import {file}")),
    };
    for p in report.problems.iter().take(200) {
        eprintln!("problem: {p}");
    }
    for r in report.rows_worth_reading().take(500) {
        eprintln!(
            "{}: {} row {} ({}): {}",
            r.status.as_str(),
            r.sheet,
            r.row,
            r.id,
            r.reasons.join("; ")
        );
    }
    println!(
        "{file}: {} row(s): {} accepted, {} skipped, {} rejected",
        report.rows.len(),
        report.count(RowStatus::Accepted),
        report.count(RowStatus::Skipped),
        report.count(RowStatus::Rejected)
    );
    if refused {
        anyhow::bail!(
            "{file}: {} row(s) rejected, {} file problem(s); nothing was imported",
            report.count(RowStatus::Rejected),
            report.problems.len()
        );
    }
    match &report.written {
        Some(w) => println!(
            "imported: elements {} created / {} updated / {} unchanged, relations {} created / {} unchanged",
            w.elements_created,
            w.elements_updated,
            w.elements_unchanged,
            w.relations_created,
            w.relations_unchanged
        ),
        None => println!("dry run: the file is importable; nothing was written"),
    }
    Ok(())
}

pub async fn import(command: ImportCommand) -> anyhow::Result<()> {
    let change = |what: &str| Change {
        actor: Actor::system(what),
        at: wadah_domain::time::SystemClock.now(),
    };
    let args = match command {
        ImportCommand::Archimate(args) => args,
        ImportCommand::Xlsx(args) => {
            let options = options(&args)?;
            let bytes = read_input(&args.file)?;
            let config = load(&args.store)?;
            let store = store::open(&config, Migrations::Apply).await?;
            let result = import_xlsx(store.as_ref(), &bytes, &options, &change("import-xlsx")).await;
            return print_table(&args.file.display().to_string(), result);
        }
        ImportCommand::Csv(args) => {
            let options = options(&args)?;
            let [elements, relations, properties] = csv_files(&args.file)?;
            let input = CsvInput {
                elements: &elements,
                relations: &relations,
                properties: &properties,
            };
            let config = load(&args.store)?;
            let store = store::open(&config, Migrations::Apply).await?;
            let result = import_csv(store.as_ref(), input, &options, &change("import-csv")).await;
            return print_table(&args.file.display().to_string(), result);
        }
    };
    let options = options(&args)?;
    let bytes = read_input(&args.file)?;
    let config = load(&args.store)?;
    let store = store::open(&config, Migrations::Apply).await?;
    let change = change("import-archimate");
    let file = args.file.display();
    let report = match import_archimate(store.as_ref(), &bytes, &options, &change).await {
        Ok(report) => report,
        Err(ImportError::Refused(report)) => {
            for p in report.problems.iter().take(200) {
                eprintln!("problem: {}: {}", p.at, p.message);
            }
            anyhow::bail!(
                "{file}: {} problem(s); nothing was imported",
                report.problems.len()
            );
        }
        Err(err) => return Err(err).with_context(|| format!("cannot import {file}")),
    };
    for s in report.skipped.iter().take(200) {
        eprintln!("skipped: {}: {}", s.at, s.message);
    }
    println!(
        "{file}: read {} element(s), {} relationship(s), {} propert(ies), {} view(s); skipped {}",
        report.elements_read,
        report.relationships_read,
        report.properties_read,
        report.views_read,
        report.skipped.len()
    );
    match &report.written {
        Some(w) => println!(
            "imported: {} government(s) and {} agenc(ies) created, {} reference code(s), elements {} created / {} \
             updated / {} unchanged, relations {} created / {} unchanged",
            w.governments_created,
            w.agencies_created,
            w.reference_codes_created,
            w.elements_created,
            w.elements_updated,
            w.elements_unchanged,
            w.relations_created,
            w.relations_unchanged
        ),
        None => println!("dry run: the file is importable; nothing was written"),
    }
    Ok(())
}
