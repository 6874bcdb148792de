//! The instrument file format as it is written (the shipped files in `instruments/` and any
//! imported one): plain serde structs, checked and turned into an
//! [`Instrument`](super::Instrument) by `instrument.rs`.
//!
//! Unknown keys are refused so that a misspelt setting fails loudly instead of silently taking
//! its default; the documentary keys the shipped files carry (`sources`, `formula`, `notes`, …)
//! are accepted and kept out of scoring. Numbers that feed the arithmetic (weights, band
//! bounds) are read from their JSON text, never through `f64`.

use std::collections::BTreeMap;

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use super::exact::Exact;
use super::score::PredicateBasis;

/// A number read exactly from its JSON text (`2.75` stays 11/4).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Dec(pub Exact);

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            return Err(serde::de::Error::custom(format!(
                "expected a number, found the string {text}"
            )));
        }
        Exact::parse_decimal(text)
            .map(Dec)
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "documentary keys are accepted and not scored")]
pub(crate) struct RawInstrument {
    pub instrument: String,
    pub title: String,
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub structure: Option<String>,
    #[serde(default)]
    pub sources: Option<IgnoredAny>,
    #[serde(default)]
    pub formula: Option<IgnoredAny>,
    /// Unrounded (the 2024 practice) unless the file says otherwise.
    #[serde(default)]
    pub predicate_basis: Option<PredicateBasis>,
    #[serde(default)]
    pub rounding: Option<RawRounding>,
    /// One level scale for every indicator (the Pemdi file).
    #[serde(default)]
    pub levels: Option<Vec<RawLevel>>,
    /// Named level scales that indicators refer to by `level_scale` (the 2020 file).
    #[serde(default)]
    pub level_scales: Option<BTreeMap<String, RawScale>>,
    pub predicates: Vec<RawBand>,
    #[serde(default)]
    pub domains: Vec<RawDomain>,
    pub aspects: Vec<RawAspect>,
    pub indicators: Vec<RawIndicator>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawRounding {
    /// Decimals the index and its parts are shown with (half-up).
    pub places: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "documentary keys are accepted and not scored")]
pub(crate) struct RawScale {
    #[serde(default)]
    pub applies_to: Option<String>,
    pub levels: Vec<RawLevel>,
    #[serde(default)]
    pub verification: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawLevel {
    pub level: u8,
    pub name: String,
    #[serde(default)]
    pub generic: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawBand {
    pub min: Dec,
    #[serde(default)]
    pub max: Option<Dec>,
    #[serde(default)]
    pub max_exclusive: Option<Dec>,
    pub label: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDomain {
    pub no: u32,
    pub name: String,
    pub weight: Dec,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawAspect {
    pub no: u32,
    #[serde(default)]
    pub domain: Option<u32>,
    pub name: String,
    pub weight: Dec,
    pub indicators: Vec<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code, reason = "documentary keys are accepted and not scored")]
pub(crate) struct RawIndicator {
    pub number: u32,
    pub name: String,
    #[serde(default)]
    pub alt_names: Vec<String>,
    #[serde(default)]
    pub domain_no: Option<u32>,
    /// The domain's name, repeated for readers of the file; not used.
    #[serde(default)]
    pub domain: Option<String>,
    pub aspect_no: u32,
    /// The aspect's name, repeated for readers of the file; not used.
    #[serde(default)]
    pub aspect: Option<String>,
    pub weight: Dec,
    /// The indicator's share of its aspect in percent, as printed (rounded); checked to agree
    /// with the weights within 0.01.
    #[serde(default)]
    pub weight_within_aspect_pct: Option<Dec>,
    #[serde(default)]
    pub level_scale: Option<String>,
    #[serde(default)]
    pub explanation: Option<String>,
    /// Criteria text per level, keyed "1".."5"; `null` where the text is not known (the 2020
    /// file lacks indicator 3's level 4).
    #[serde(default)]
    pub criteria: BTreeMap<String, Option<String>>,
    #[serde(default)]
    pub criteria_source: Option<String>,
    #[serde(default)]
    pub notes: Vec<String>,
}
