//! An evaluation instrument as data: domains (optional) → aspects → indicators with weights,
//! level scales and criteria, predicate bands, rounding and the predicate basis.
//!
//! Instruments come from JSON text: the two shipped ones are embedded ([`Instrument::builtin`],
//! ids `indeks-spbe-2020` and `indeks-pemdi-2026`) and any other can be imported with
//! [`Instrument::from_json`] (the binary reads the file; this crate does no I/O). Every load is
//! checked in `validate.rs`; an [`Instrument`] value is always consistent, so scoring never
//! re-checks it.

use std::collections::BTreeMap;

use super::exact::Exact;
use super::format::RawInstrument;
use super::score::PredicateBasis;
use super::validate;

/// The largest instrument text accepted (the 2020 file with all criteria is ~120 KiB).
pub const MAX_INSTRUMENT_BYTES: usize = 4 * 1024 * 1024;

/// The instruments that ship with Wadah: id and JSON text (copies of `shared/spbe/`).
const BUILTIN: &[(&str, &str)] = &[
    (
        "indeks-spbe-2020",
        include_str!("../../instruments/indeks-spbe-2020.json"),
    ),
    (
        "indeks-pemdi-2026",
        include_str!("../../instruments/indeks-pemdi-2026.json"),
    ),
];

/// Why an instrument was refused. The message names the offending item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstrumentError {
    #[error("the instrument is not valid JSON for the instrument format: {0}")]
    Format(String),
    #[error("the instrument is larger than {MAX_INSTRUMENT_BYTES} bytes")]
    TooLarge,
    #[error("{item}: {problem}")]
    Invalid { item: String, problem: String },
}

impl InstrumentError {
    pub(crate) fn invalid(item: impl Into<String>, problem: impl Into<String>) -> Self {
        Self::Invalid {
            item: item.into(),
            problem: problem.into(),
        }
    }
}

/// A checked instrument. Weights are exact; `units` are the same weights as integers over the
/// instrument's common decimal scale (2.75 → 275 when the finest weight has two decimals), so
/// weighted sums are integer sums.
#[derive(Debug, Clone)]
pub struct Instrument {
    pub id: String,
    pub title: String,
    pub status: Option<String>,
    /// What the predicate is read from unless the caller overrides it.
    pub predicate_basis: PredicateBasis,
    /// Decimals shown, rounded half-up (2 unless the file says otherwise).
    pub places: u32,
    /// The highest level; levels run 0..=max_level (0: nothing in place).
    pub max_level: u8,
    pub scales: Vec<LevelScale>,
    /// Empty when the instrument has no domain level (Pemdi).
    pub domains: Vec<Domain>,
    pub aspects: Vec<Aspect>,
    /// In indicator-number order; a level vector lists levels in this order.
    pub indicators: Vec<Indicator>,
    /// Ascending by lower bound; contiguous over `1..=max_level`.
    pub bands: Vec<Band>,
    /// Sum of all indicator units (100 × the scale).
    pub total_units: i128,
}

/// A named level scale (e.g. *kapabilitas proses*: Rintisan … Optimum).
#[derive(Debug, Clone)]
pub struct LevelScale {
    pub id: String,
    /// Levels 1..=max_level, in order.
    pub levels: Vec<LevelName>,
}

#[derive(Debug, Clone)]
pub struct LevelName {
    pub level: u8,
    pub name: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Domain {
    pub number: u32,
    pub name: String,
    pub weight: Exact,
    pub units: i128,
    /// Positions in [`Instrument::aspects`].
    pub aspects: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Aspect {
    pub number: u32,
    pub name: String,
    pub weight: Exact,
    pub units: i128,
    /// Position in [`Instrument::domains`], when the instrument has domains.
    pub domain: Option<usize>,
    /// Positions in [`Instrument::indicators`].
    pub indicators: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Indicator {
    pub number: u32,
    pub name: String,
    pub weight: Exact,
    pub units: i128,
    /// Position in [`Instrument::aspects`].
    pub aspect: usize,
    /// Position in [`Instrument::scales`].
    pub scale: usize,
    pub explanation: Option<String>,
    /// Criteria text per level (1..=max_level), where the file has it.
    pub criteria: BTreeMap<u8, String>,
}

/// A predicate band: `min ≤ v < upper`, or `min ≤ v ≤ upper` for the top band (see the
/// module docs of `index` for how the two file notations map onto this).
#[derive(Debug, Clone)]
pub struct Band {
    pub label: String,
    pub min: Exact,
    pub upper: Exact,
    pub upper_inclusive: bool,
}

impl Instrument {
    /// Ids of the instruments that ship with Wadah.
    pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
        BUILTIN.iter().map(|(id, _)| *id)
    }

    /// A shipped instrument by id; `None` if there is no such id.
    pub fn builtin(id: &str) -> Option<Result<Instrument, InstrumentError>> {
        BUILTIN
            .iter()
            .find(|(known, _)| *known == id)
            .map(|(_, text)| Self::from_json(text))
    }

    /// Parses and checks an instrument file.
    pub fn from_json(text: &str) -> Result<Instrument, InstrumentError> {
        if text.len() > MAX_INSTRUMENT_BYTES {
            return Err(InstrumentError::TooLarge);
        }
        let raw: RawInstrument =
            serde_json::from_str(text).map_err(|e| InstrumentError::Format(e.to_string()))?;
        validate::instrument(raw)
    }

    /// The band a value falls in. Values below the lowest band (possible only when indicators
    /// are at level 0) get the lowest band.
    pub fn band_of(&self, value: Exact) -> usize {
        self.bands.iter().rposition(|band| value >= band.min).unwrap_or(0)
    }

    /// Position of the band with this label (exact match, case-insensitive).
    pub fn band_by_label(&self, label: &str) -> Option<usize> {
        self.bands
            .iter()
            .position(|band| band.label.eq_ignore_ascii_case(label.trim()))
    }

    /// The name of a level on the indicator's scale ("Terdefinisi"); `None` for level 0.
    pub fn level_name(&self, indicator: usize, level: u8) -> Option<&str> {
        let scale = self.scales.get(self.indicators.get(indicator)?.scale)?;
        scale
            .levels
            .iter()
            .find(|l| l.level == level)
            .map(|l| l.name.as_str())
    }
}
