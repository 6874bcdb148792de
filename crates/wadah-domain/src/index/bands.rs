//! Predicate bands: the two notations of the instrument files turned into one meaning.
//!
//! A band is `min ≤ v < upper`, the top one `min ≤ v ≤ upper`. `max_exclusive` (the 2020 file)
//! is an exclusive upper bound; `max` is inclusive only for the top band — elsewhere it must
//! equal the next band's `min`, and that shared point belongs to the higher band (the Pemdi
//! file writes `3.5–4.0` and `4.0–5.0`: 4.0 is *Memuaskan*). On load the bands must run from 1
//! to the highest level without gap or overlap, labels distinct; they may be listed in any
//! order.

use std::collections::BTreeSet;

use super::exact::Exact;
use super::format::RawBand;
use super::instrument::Band;
use super::validate::{Result, check_text, invalid};

/// Bands as half-open intervals `[min, upper)`, the top one closed, covering `1..=max_level`.
///
/// `max_exclusive` is an exclusive upper bound. `max` is inclusive only for the top band; for
/// any other band it must equal the next band's `min`, and that shared point belongs to the
/// higher band (the Pemdi file writes `3.5–4.0` and `4.0–5.0`: 4.0 is the higher band). Bands
/// may be listed in any order.
pub(super) fn bands(raw: &[RawBand], max_level: u8) -> Result<Vec<Band>> {
    if raw.is_empty() {
        return invalid("predicates", "at least one band is needed");
    }
    let mut bands = Vec::with_capacity(raw.len());
    for b in raw {
        let item = format!("predicate {:?}", b.label);
        check_text("predicate label", &b.label)?;
        let upper = match (b.max, b.max_exclusive) {
            (Some(max), None) => max.0,
            (None, Some(max)) => max.0,
            _ => return invalid(item, "needs exactly one of `max` and `max_exclusive`"),
        };
        if upper <= b.min.0 {
            return invalid(item, format!("max {upper} is not above min {}", b.min.0));
        }
        bands.push((
            Band {
                label: b.label.clone(),
                min: b.min.0,
                upper,
                upper_inclusive: false,
            },
            b.max.is_some(),
        ));
    }
    bands.sort_by_key(|(band, _)| band.min);
    let labels: BTreeSet<String> = bands.iter().map(|(b, _)| b.label.to_lowercase()).collect();
    if labels.len() != bands.len() {
        return invalid("predicates", "labels must be distinct");
    }
    let one = Exact::from_int(1);
    let top = Exact::from_int(i128::from(max_level));
    if bands[0].0.min != one {
        return invalid(
            format!("predicate {:?}", bands[0].0.label),
            format!("the lowest band must start at 1, not {}", bands[0].0.min),
        );
    }
    for pair in bands.windows(2) {
        let (lower, higher) = (&pair[0].0, &pair[1].0);
        if lower.upper < higher.min {
            return invalid(
                "predicates",
                format!(
                    "gap between {} ({:?} ends) and {} ({:?} starts)",
                    lower.upper, lower.label, higher.min, higher.label
                ),
            );
        }
        if lower.upper > higher.min {
            return invalid(
                "predicates",
                format!(
                    "{:?} (up to {}) overlaps {:?} (from {})",
                    lower.label, lower.upper, higher.label, higher.min
                ),
            );
        }
    }
    let Some((last, inclusive)) = bands.last_mut() else {
        return invalid("predicates", "at least one band is needed");
    };
    if last.upper != top || !*inclusive {
        return invalid(
            format!("predicate {:?}", last.label),
            format!("the top band must end at {top} inclusive (`max`: {top})"),
        );
    }
    last.upper_inclusive = true;
    Ok(bands.into_iter().map(|(b, _)| b).collect())
}
