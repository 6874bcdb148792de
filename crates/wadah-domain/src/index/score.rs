//! Scoring: a vector of indicator levels → aspect, domain and index values, exactly.
//!
//! Every figure is a weighted mean `Σ(units_i · level_i) / Σ units_i` over the indicators it
//! covers (aspect, domain or all), computed as an exact fraction. Because an aspect's weight is
//! the sum of its indicators' weights (checked on load), this is the same number as the
//! regulation's nested form `Σ_a(BA_a · IA_a) / Σ BA_a`. Nothing is rounded before the index:
//! the shown figures are each exact value rounded half-up to the instrument's places, and the
//! predicate is read from the unrounded or the rounded index as the [`PredicateBasis`] says.

use serde::{Deserialize, Serialize};

use super::exact::Exact;
use super::instrument::Instrument;

/// Which index value the predicate (*predikat*) is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PredicateBasis {
    /// The exact index (the 2024 practice: 3.4985 is *Baik*, though shown as 3.50).
    Unrounded,
    /// The index as shown (the 2023 practice: 1.7995 shown as 1.80 is *Cukup*).
    Rounded,
}

impl std::str::FromStr for PredicateBasis {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unrounded" => Ok(Self::Unrounded),
            "rounded" => Ok(Self::Rounded),
            other => Err(format!(
                "{other:?} is not a predicate basis (rounded or unrounded)"
            )),
        }
    }
}

/// One level per indicator, in indicator order, each within `0..=max_level`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Levels(Vec<u8>);

/// Why a level vector was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LevelsError {
    #[error("the line is empty; expected {expected} comma-separated levels")]
    Empty { expected: usize },
    #[error("expected {expected} levels (one per indicator), got {got}")]
    WrongCount { expected: usize, got: usize },
    #[error("indicator {indicator}: {text:?} is not an integer level")]
    NotAnInteger { indicator: usize, text: String },
    #[error("indicator {indicator}: level {level} is outside 0..={max}")]
    OutOfRange { indicator: usize, level: i64, max: u8 },
}

impl Levels {
    pub fn as_slice(&self) -> &[u8] {
        &self.0
    }

    /// Consumes the vector (e.g. to raise some levels and check it again).
    pub fn into_inner(self) -> Vec<u8> {
        self.0
    }
}

/// One aspect's or domain's figure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartScore {
    pub number: u32,
    pub name: String,
    pub value: Exact,
    pub shown: Exact,
}

/// The result of scoring one level vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Score {
    /// The exact index.
    pub index: Exact,
    /// The index rounded half-up to the instrument's places.
    pub shown: Exact,
    /// Position in [`Instrument::bands`] of the predicate.
    pub band: usize,
    pub predikat: String,
    pub basis: PredicateBasis,
    /// Empty when the instrument has no domains.
    pub domains: Vec<PartScore>,
    pub aspects: Vec<PartScore>,
}

/// Arithmetic left `i128` (impossible within the loader's limits; reported, never wrapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the score does not fit the exact arithmetic")]
pub struct Overflow;

impl Instrument {
    /// Checks a level vector against this instrument.
    pub fn levels(&self, levels: &[u8]) -> Result<Levels, LevelsError> {
        if levels.len() != self.indicators.len() {
            return Err(LevelsError::WrongCount {
                expected: self.indicators.len(),
                got: levels.len(),
            });
        }
        if let Some(at) = levels.iter().position(|&l| l > self.max_level) {
            return Err(LevelsError::OutOfRange {
                indicator: at + 1,
                level: i64::from(levels[at]),
                max: self.max_level,
            });
        }
        Ok(Levels(levels.to_vec()))
    }

    /// Reads a line of comma-separated levels (`3,3,2,…`; spaces around values are allowed).
    pub fn parse_levels(&self, line: &str) -> Result<Levels, LevelsError> {
        let expected = self.indicators.len();
        if line.trim().is_empty() {
            return Err(LevelsError::Empty { expected });
        }
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != expected {
            return Err(LevelsError::WrongCount {
                expected,
                got: fields.len(),
            });
        }
        let mut levels = Vec::with_capacity(expected);
        for (i, field) in fields.iter().enumerate() {
            let valid_digits = !field.is_empty()
                && field.len() <= 18
                && field
                    .strip_prefix(['-', '+'])
                    .unwrap_or(field)
                    .bytes()
                    .all(|b| b.is_ascii_digit());
            let value: i64 = valid_digits
                .then(|| field.parse().ok())
                .flatten()
                .ok_or_else(|| LevelsError::NotAnInteger {
                    indicator: i + 1,
                    text: field.chars().take(20).collect(),
                })?;
            let level =
                u8::try_from(value)
                    .ok()
                    .filter(|&l| l <= self.max_level)
                    .ok_or(LevelsError::OutOfRange {
                        indicator: i + 1,
                        level: value,
                        max: self.max_level,
                    })?;
            levels.push(level);
        }
        Ok(Levels(levels))
    }

    /// Scores a level vector with the instrument's own predicate basis.
    pub fn score(&self, levels: &Levels) -> Result<Score, Overflow> {
        self.score_with(levels, self.predicate_basis)
    }

    /// Scores a level vector, reading the predicate on `basis`.
    pub fn score_with(&self, levels: &Levels, basis: PredicateBasis) -> Result<Score, Overflow> {
        let weighted = |members: &mut dyn Iterator<Item = usize>| -> Result<Exact, Overflow> {
            let (mut num, mut den) = (0i128, 0i128);
            for i in members {
                let units = self.indicators[i].units;
                let level = i128::from(levels.0[i]);
                num = units
                    .checked_mul(level)
                    .and_then(|p| num.checked_add(p))
                    .ok_or(Overflow)?;
                den = den.checked_add(units).ok_or(Overflow)?;
            }
            Exact::new(num, den).ok_or(Overflow)
        };
        let part = |number: u32, name: &str, value: Exact| -> Result<PartScore, Overflow> {
            Ok(PartScore {
                number,
                name: name.to_owned(),
                value,
                shown: value.round_half_up(self.places).ok_or(Overflow)?,
            })
        };
        let mut aspects = Vec::with_capacity(self.aspects.len());
        for aspect in &self.aspects {
            let value = weighted(&mut aspect.indicators.iter().copied())?;
            aspects.push(part(aspect.number, &aspect.name, value)?);
        }
        let mut domains = Vec::with_capacity(self.domains.len());
        for domain in &self.domains {
            let mut members = domain
                .aspects
                .iter()
                .flat_map(|&a| self.aspects[a].indicators.iter().copied());
            let value = weighted(&mut members)?;
            domains.push(part(domain.number, &domain.name, value)?);
        }
        let index = weighted(&mut (0..self.indicators.len()))?;
        let shown = index.round_half_up(self.places).ok_or(Overflow)?;
        let band = self.band_of(match basis {
            PredicateBasis::Unrounded => index,
            PredicateBasis::Rounded => shown,
        });
        Ok(Score {
            index,
            shown,
            band,
            predikat: self.bands[band].label.clone(),
            basis,
            domains,
            aspects,
        })
    }
}
