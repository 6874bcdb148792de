//! `wadah index score` and `wadah index plan`: the scoring engine of `wadah_domain::index` on
//! standard input, for scripted checks. This module only reads and writes; every rule lives in
//! the domain crate.
//!
//! `score` answers line for line: a scored line becomes a [`ScoreReport`] object, a bad line
//! (empty, wrong count, not an integer, out of range, too long, not UTF-8) becomes
//! `{"line": N, "error": "..."}` on standard output in its place, and processing goes on; the
//! exit status is non-zero at the end if any line was bad.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use anyhow::Context;
use serde::{Deserialize, Serialize};
use wadah_domain::index::{
    CostTable, Exact, Instrument, LineError, PredicateBasis, ScoreReport, StepCost, Target,
};

use crate::cli::{IndexPlanArgs, IndexScoreArgs};

/// The longest input line accepted (a 47-level vector is about 100 bytes).
const MAX_LINE_BYTES: u64 = 64 * 1024;
/// The largest cost file accepted.
const MAX_COSTS_BYTES: u64 = 4 * 1024 * 1024;

/// A shipped instrument by id, or an instrument file to import.
fn load_instrument(spec: &str) -> anyhow::Result<Instrument> {
    if let Some(builtin) = Instrument::builtin(spec) {
        return builtin.with_context(|| format!("the shipped instrument {spec} is broken"));
    }
    let path = std::path::Path::new(spec);
    if !path.is_file() {
        let known: Vec<&str> = Instrument::builtin_ids().collect();
        anyhow::bail!(
            "{spec:?} is neither a shipped instrument ({}) nor an instrument file",
            known.join(", ")
        );
    }
    let text = read_limited(path, wadah_domain::index::instrument::MAX_INSTRUMENT_BYTES as u64)?;
    Instrument::from_json(&text).with_context(|| format!("cannot import the instrument {}", path.display()))
}

fn read_limited(path: &std::path::Path, limit: u64) -> anyhow::Result<String> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut text = String::new();
    file.take(limit + 1)
        .read_to_string(&mut text)
        .with_context(|| format!("cannot read {} as UTF-8 text", path.display()))?;
    if text.len() as u64 > limit {
        anyhow::bail!("{} is larger than {limit} bytes", path.display());
    }
    Ok(text)
}

/// Reads one line (without its end) into `buf`: `None` at the end of input, `Some(true)` for a
/// line within the limit, `Some(false)` for a longer one (skipped to its end, never buffered).
fn next_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> std::io::Result<Option<bool>> {
    buf.clear();
    let n = input.by_ref().take(MAX_LINE_BYTES + 1).read_until(b'\n', buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && buf.len() as u64 > MAX_LINE_BYTES {
        // Skip the rest of the over-long line.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let m = input.by_ref().take(MAX_LINE_BYTES).read_until(b'\n', &mut rest)?;
            if m == 0 || rest.last() == Some(&b'\n') {
                break;
            }
        }
        return Ok(Some(false));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    Ok(Some(true))
}

pub fn score(args: &IndexScoreArgs) -> anyhow::Result<()> {
    let instrument = load_instrument(&args.instrument)?;
    let basis = args.predicate_basis.unwrap_or(instrument.predicate_basis);
    let mut input = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let (mut line_no, mut bad) = (0u64, 0u64);
    let mut buf = Vec::new();
    while let Some(within_limit) = next_line(&mut input, &mut buf).context("cannot read standard input")? {
        line_no += 1;
        let result = if !within_limit {
            Err(format!("the line is longer than {MAX_LINE_BYTES} bytes"))
        } else {
            score_line(&instrument, &buf, basis)
        };
        let json = match result {
            Ok(report) => serde_json::to_string(&report),
            Err(error) => {
                bad += 1;
                serde_json::to_string(&LineError { line: line_no, error })
            }
        }
        .context("cannot encode the result")?;
        writeln!(out, "{json}").context("cannot write standard output")?;
    }
    out.flush().context("cannot write standard output")?;
    if bad > 0 {
        anyhow::bail!("{bad} of {line_no} line(s) could not be scored (see the error lines)");
    }
    Ok(())
}

fn score_line(instrument: &Instrument, raw: &[u8], basis: PredicateBasis) -> Result<ScoreReport, String> {
    let text = std::str::from_utf8(raw).map_err(|_| "the line is not UTF-8 text".to_owned())?;
    let levels = instrument.parse_levels(text).map_err(|e| e.to_string())?;
    let score = instrument.score_with(&levels, basis).map_err(|e| e.to_string())?;
    Ok(ScoreReport::new(&score, instrument.places))
}

/// The cost file: a default step cost and per-indicator rows (`null` = step not available).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CostFile {
    #[serde(default)]
    default: Option<StepCost>,
    #[serde(default)]
    indicators: BTreeMap<String, Vec<Option<StepCost>>>,
}

#[derive(Debug, Serialize)]
struct PlanReport {
    target: String,
    total_rupiah: u64,
    total_months: u64,
    total_steps: u32,
    raises: Vec<RaiseReport>,
    result: ScoreReport,
}

#[derive(Debug, Serialize)]
struct RaiseReport {
    indicator: u32,
    name: String,
    from: u8,
    to: u8,
    rupiah: u64,
    months: u64,
}

fn cost_table(instrument: &Instrument, file: CostFile) -> anyhow::Result<CostTable> {
    let steps = usize::from(instrument.max_level);
    let mut rows = Vec::with_capacity(instrument.indicators.len());
    for ind in &instrument.indicators {
        let row = match file.indicators.get(&ind.number.to_string()) {
            Some(row) => row.clone(),
            None => match file.default {
                Some(cost) => vec![Some(cost); steps],
                None => anyhow::bail!(
                    "the cost file has no row for indicator {} and no default",
                    ind.number
                ),
            },
        };
        rows.push(row);
    }
    if let Some(unknown) = file
        .indicators
        .keys()
        .find(|k| !instrument.indicators.iter().any(|i| i.number.to_string() == **k))
    {
        anyhow::bail!("the cost file names indicator {unknown:?}, which the instrument does not have");
    }
    Ok(CostTable::new(instrument, rows)?)
}

pub fn plan(args: &IndexPlanArgs) -> anyhow::Result<()> {
    let instrument = load_instrument(&args.score.instrument)?;
    let basis = args.score.predicate_basis.unwrap_or(instrument.predicate_basis);
    let costs_text = read_limited(&args.costs, MAX_COSTS_BYTES)?;
    let costs_file: CostFile = serde_json::from_str(&costs_text)
        .with_context(|| format!("cannot read the cost file {}", args.costs.display()))?;
    let costs = cost_table(&instrument, costs_file)?;
    let target = match Exact::parse_decimal(args.target.trim()) {
        Ok(value) => Target::Index(value),
        Err(_) => Target::Predicate(args.target.clone()),
    };
    let mut input = std::io::stdin().lock();
    let mut buf = Vec::new();
    let line = loop {
        match next_line(&mut input, &mut buf).context("cannot read standard input")? {
            None => anyhow::bail!("standard input has no level vector"),
            Some(false) => anyhow::bail!("the level vector is longer than {MAX_LINE_BYTES} bytes"),
            Some(true) if buf.iter().all(u8::is_ascii_whitespace) => continue,
            Some(true) => break String::from_utf8_lossy(&buf).into_owned(),
        }
    };
    let levels = instrument.parse_levels(&line).context("the current levels")?;
    let plan = instrument.plan(&levels, &target, &costs, basis)?;
    let report = PlanReport {
        target: args.target.clone(),
        total_rupiah: plan.total_rupiah,
        total_months: plan.total_months,
        total_steps: plan.total_steps,
        raises: plan
            .raises
            .iter()
            .map(|r| RaiseReport {
                indicator: r.indicator,
                name: instrument
                    .indicators
                    .iter()
                    .find(|i| i.number == r.indicator)
                    .map(|i| i.name.clone())
                    .unwrap_or_default(),
                from: r.from,
                to: r.to,
                rupiah: r.rupiah,
                months: r.months,
            })
            .collect(),
        result: ScoreReport::new(&plan.score, instrument.places),
    };
    println!(
        "{}",
        serde_json::to_string_pretty(&report).context("cannot encode the plan")?
    );
    Ok(())
}
