//! `wadah index export --year Y --output FILE`: a stored assessment as XLSX in the evaluators'
//! layout (the same workbook as `GET /api/v1/assessments/{id}/export.xlsx`). Reads the store
//! named by `--data-dir` or `--config`, like every command that touches it.

use std::io::Write;

use anyhow::{Context, bail};
use wadah_domain::Code;
use wadah_domain::index::assessment::load_instrument;
use wadah_domain::index::results::{self, Body};
use wadah_store::AssessmentFilter;

use crate::cli::IndexExportArgs;
use crate::config::Config;
use crate::store::{self, Migrations};

pub async fn run(args: &IndexExportArgs) -> anyhow::Result<()> {
    let config = Config::load(args.store.config.as_deref(), args.store.data_dir.as_deref())?;
    let store = store::open(&config, Migrations::Apply).await?;
    let government = args
        .government
        .as_deref()
        .map(Code::parse)
        .transpose()
        .context("--government is not a valid code")?;
    let filter = AssessmentFilter {
        government,
        year: Some(args.year),
    };
    let found: Vec<_> = store
        .list_assessments(&filter)
        .await
        .context("cannot read the assessments")?
        .into_iter()
        .filter(|a| a.spec.instrument == args.instrument)
        .collect();
    let assessment = match found.as_slice() {
        [one] => one,
        [] => bail!(
            "no {} assessment for {}; start one with POST /api/v1/assessments",
            args.instrument,
            args.year
        ),
        _ => bail!(
            "several governments have an assessment for {}; name one with --government",
            args.year
        ),
    };
    let instrument = load_instrument(&assessment.spec.instrument)?;
    let government = store
        .get_government(&assessment.spec.government)
        .await
        .context("cannot read the assessment's government")?;
    let body = Body {
        name: government.spec.name.as_str(),
        kind: government.spec.kind,
    };
    let figures = results::compute(assessment, &instrument, &body)?;
    let bytes = wadah_web::spbe::xlsx::workbook(assessment, &instrument, &figures)
        .context("cannot build the workbook")?;
    if args.output.as_os_str() == "-" {
        std::io::stdout()
            .write_all(&bytes)
            .context("cannot write the workbook to stdout")?;
    } else {
        std::fs::write(&args.output, &bytes)
            .with_context(|| format!("cannot write {}", args.output.display()))?;
        eprintln!(
            "wrote {} ({} bytes): {} {} {}",
            args.output.display(),
            bytes.len(),
            government.spec.name.as_str(),
            args.year,
            args.instrument
        );
    }
    Ok(())
}
