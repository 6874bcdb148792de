//! The JSON shape of a score, as `wadah index score` writes it (one object per line) and as
//! other clients of the scoring engine can reuse it:
//!
//! ```json
//! {"index": 3.28, "index_unrounded": "3.282", "predikat": "Baik",
//!  "domains": [{"number": 1, "name": "Kebijakan Internal SPBE", "value": 3.40, "value_unrounded": "3.40"}, …],
//!  "aspects": [{"number": 6, "name": "Audit TIK", "value": 1.33, "value_unrounded": "1.(3)"}, …]}
//! ```
//!
//! `index` and `value` are JSON numbers written with exactly the instrument's places (`3.40`,
//! not `3.4`), from the exact value, never through `f64`. The `*_unrounded` strings are exact:
//! the index always terminates (the weights are decimals summing to 100); an aspect or domain
//! mean may not, and then its repeating block is in parentheses (`3.(09)` is 34/11), see
//! [`Exact::to_decimal_string`]. `domains` is empty for an instrument without domains.

use serde::Serialize;
use serde_json::value::RawValue;

use super::exact::Exact;
use super::score::{PartScore, Score};

/// One scored line.
#[derive(Debug, Serialize)]
pub struct ScoreReport {
    pub index: Box<RawValue>,
    pub index_unrounded: String,
    pub predikat: String,
    pub domains: Vec<PartReport>,
    pub aspects: Vec<PartReport>,
}

#[derive(Debug, Serialize)]
pub struct PartReport {
    pub number: u32,
    pub name: String,
    pub value: Box<RawValue>,
    pub value_unrounded: String,
}

/// A line that could not be scored: its 1-based number and what is wrong with it.
#[derive(Debug, Serialize)]
pub struct LineError {
    pub line: u64,
    pub error: String,
}

/// A JSON number with exactly `places` decimals.
fn number(value: Exact, places: u32) -> Box<RawValue> {
    let text = value.fixed(places).unwrap_or_else(|| "null".to_owned());
    RawValue::from_string(text).unwrap_or_else(|_| {
        // `fixed` only writes digits, '-' and '.', which is always a valid JSON number.
        RawValue::NULL.to_owned()
    })
}

impl ScoreReport {
    pub fn new(score: &Score, places: u32) -> Self {
        let part = |p: &PartScore| PartReport {
            number: p.number,
            name: p.name.clone(),
            value: number(p.shown, places),
            value_unrounded: p.value.to_decimal_string(places),
        };
        Self {
            index: number(score.shown, places),
            index_unrounded: score.index.to_decimal_string(places),
            predikat: score.predikat.clone(),
            domains: score.domains.iter().map(part).collect(),
            aspects: score.aspects.iter().map(part).collect(),
        }
    }
}
