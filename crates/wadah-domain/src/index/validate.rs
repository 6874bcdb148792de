//! Turns a parsed instrument file into a checked [`Instrument`], or says which item is wrong.
//!
//! Checks: indicators numbered 1..n in order; every indicator in exactly one aspect and
//! agreeing with it (`aspect_no`, `domain_no`); positive weights with at most
//! [`MAX_WEIGHT_DECIMALS`] decimals; indicator weights sum to exactly 100; each aspect's weight
//! is the sum of its indicators' and each domain's the sum of its aspects'; every aspect in a
//! domain when the instrument has domains (and none otherwise); level scales with levels
//! 1..=N; criteria only for those levels; predicate bands contiguous from 1 to N with no gap
//! or overlap (`bands.rs`). Sizes are bounded so that the exact arithmetic stays far from `i128` limits.

use std::collections::{BTreeMap, BTreeSet};

use super::bands::bands;
use super::exact::Exact;
use super::format::{RawIndicator, RawInstrument, RawLevel};
use super::instrument::{Aspect, Domain, Indicator, Instrument, InstrumentError, LevelName, LevelScale};
use super::score::PredicateBasis;

/// Limits on an instrument (the shipped ones are far below them).
pub const MAX_INDICATORS: usize = 1000;
pub const MAX_WEIGHT_DECIMALS: u32 = 4;
pub const MAX_LEVEL: u8 = 9;
pub const MAX_PLACES: u32 = 6;
const MAX_TEXT: usize = 20_000;

/// The id of the scale built from a top-level `levels` list.
const DEFAULT_SCALE: &str = "levels";

pub(super) type Result<T> = std::result::Result<T, InstrumentError>;

pub(super) fn invalid<T>(item: impl Into<String>, problem: impl Into<String>) -> Result<T> {
    Err(InstrumentError::invalid(item, problem))
}

pub(crate) fn instrument(raw: RawInstrument) -> Result<Instrument> {
    check_id(&raw.instrument)?;
    check_text("title", &raw.title)?;
    let places = raw.rounding.as_ref().map_or(2, |r| r.places);
    if places > MAX_PLACES {
        return invalid(
            "rounding.places",
            format!("at most {MAX_PLACES} decimals are supported"),
        );
    }
    let (scales, max_level) = scales(&raw)?;
    let indicators = indicators(&raw.indicators, &scales, max_level)?;
    let scale = common_scale(&raw, &indicators)?;
    let mut inst = Instrument {
        id: raw.instrument.clone(),
        title: raw.title.clone(),
        status: raw.status.clone(),
        predicate_basis: raw.predicate_basis.unwrap_or(PredicateBasis::Unrounded),
        places,
        max_level,
        scales,
        domains: Vec::new(),
        aspects: Vec::new(),
        indicators,
        bands: bands(&raw.predicates, max_level)?,
        total_units: 0,
    };
    for indicator in &mut inst.indicators {
        indicator.units = units(indicator.weight, scale)?;
    }
    inst.total_units = inst.indicators.iter().map(|i| i.units).sum();
    let total: Exact = sum(inst.indicators.iter().map(|i| i.weight))?;
    if total != Exact::from_int(100) {
        return invalid("indicators", format!("weights sum to {total}, not 100"));
    }
    aspects(&raw, &mut inst, scale)?;
    domains(&raw, &mut inst, scale)?;
    Ok(inst)
}

fn check_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        invalid(
            "instrument",
            format!("{id:?} is not an id (1-64 of a-z, 0-9, '-')"),
        )
    }
}

pub(super) fn check_text(item: &str, text: &str) -> Result<()> {
    if text.trim().is_empty() {
        return invalid(item, "must not be empty");
    }
    if text.len() > MAX_TEXT {
        return invalid(item, format!("longer than {MAX_TEXT} bytes"));
    }
    Ok(())
}

fn sum(mut values: impl Iterator<Item = Exact>) -> Result<Exact> {
    values.try_fold(Exact::ZERO, |acc, v| {
        acc.checked_add(v)
            .ok_or_else(|| InstrumentError::invalid("weights", "too large"))
    })
}

fn level_list(item: &str, raw: &[RawLevel]) -> Result<Vec<LevelName>> {
    let mut levels = Vec::new();
    for (i, level) in raw.iter().enumerate() {
        let expected = i + 1;
        if usize::from(level.level) != expected {
            return invalid(
                item,
                format!(
                    "levels must be numbered 1, 2, … in order; found {} at position {expected}",
                    level.level
                ),
            );
        }
        check_text(&format!("{item} level {}", level.level), &level.name)?;
        levels.push(LevelName {
            level: level.level,
            name: level.name.clone(),
            description: level.generic.clone(),
        });
    }
    if levels.is_empty() || levels.len() > usize::from(MAX_LEVEL) {
        return invalid(item, format!("must have 1 to {MAX_LEVEL} levels"));
    }
    Ok(levels)
}

/// Level scales, and the common highest level they share.
fn scales(raw: &RawInstrument) -> Result<(Vec<LevelScale>, u8)> {
    let mut scales = Vec::new();
    if let Some(levels) = &raw.levels {
        scales.push(LevelScale {
            id: DEFAULT_SCALE.to_owned(),
            levels: level_list("levels", levels)?,
        });
    }
    for (id, scale) in raw.level_scales.iter().flatten() {
        if id == DEFAULT_SCALE {
            return invalid(
                format!("level_scales.{id}"),
                "this name is reserved for the top-level `levels`",
            );
        }
        scales.push(LevelScale {
            id: id.clone(),
            levels: level_list(&format!("level_scales.{id}"), &scale.levels)?,
        });
    }
    let Some(first) = scales.first() else {
        return invalid("levels", "the instrument needs `levels` or `level_scales`");
    };
    let max = first.levels.len();
    if let Some(other) = scales.iter().find(|s| s.levels.len() != max) {
        return invalid(
            format!("level_scales.{}", other.id),
            format!(
                "has {} levels but another scale has {max}; all scales must share one range",
                other.levels.len()
            ),
        );
    }
    let max_level = u8::try_from(max).map_err(|_| InstrumentError::invalid("levels", "too many levels"))?;
    Ok((scales, max_level))
}

fn indicators(raw: &[RawIndicator], scales: &[LevelScale], max_level: u8) -> Result<Vec<Indicator>> {
    if raw.is_empty() || raw.len() > MAX_INDICATORS {
        return invalid(
            "indicators",
            format!("must have 1 to {MAX_INDICATORS} indicators"),
        );
    }
    let mut out = Vec::with_capacity(raw.len());
    for (i, ind) in raw.iter().enumerate() {
        let item = format!("indicator {}", ind.number);
        if usize::try_from(ind.number).ok() != Some(i + 1) {
            return invalid(
                item,
                format!(
                    "indicators must be numbered 1, 2, … in order; this is position {}",
                    i + 1
                ),
            );
        }
        check_text(&format!("{item} name"), &ind.name)?;
        let scale = match &ind.level_scale {
            Some(id) => scales.iter().position(|s| &s.id == id).ok_or_else(|| {
                InstrumentError::invalid(&item, format!("level_scale {id:?} is not defined"))
            })?,
            None if scales.len() == 1 || scales[0].id == DEFAULT_SCALE => 0,
            None => return invalid(item, "level_scale is required when there are several scales"),
        };
        let mut criteria = BTreeMap::new();
        for (key, text) in &ind.criteria {
            let level = key
                .parse::<u8>()
                .ok()
                .filter(|l| (1..=max_level).contains(l))
                .ok_or_else(|| {
                    InstrumentError::invalid(
                        &item,
                        format!("criteria key {key:?} is not a level 1..{max_level}"),
                    )
                })?;
            if let Some(text) = text {
                check_text(&format!("{item} criteria {key}"), text)?;
                criteria.insert(level, text.clone());
            }
        }
        out.push(Indicator {
            number: ind.number,
            name: ind.name.clone(),
            weight: positive_weight(&item, ind.weight.0)?,
            units: 0,
            aspect: usize::MAX,
            scale,
            explanation: ind.explanation.clone(),
            criteria,
        });
    }
    Ok(out)
}

fn positive_weight(item: &str, weight: Exact) -> Result<Exact> {
    if weight <= Exact::ZERO || weight > Exact::from_int(100) {
        return invalid(item, format!("weight {weight} must be above 0 and at most 100"));
    }
    match weight.decimal_places() {
        Some(places) if places <= MAX_WEIGHT_DECIMALS => Ok(weight),
        _ => invalid(
            item,
            format!("weight {weight} has more than {MAX_WEIGHT_DECIMALS} decimals"),
        ),
    }
}

/// 10^d where d is the most decimals any weight has: all weights are integers at this scale.
fn common_scale(raw: &RawInstrument, indicators: &[Indicator]) -> Result<i128> {
    let mut places = indicators
        .iter()
        .filter_map(|i| i.weight.decimal_places())
        .max()
        .unwrap_or(0);
    for w in raw
        .aspects
        .iter()
        .map(|a| a.weight.0)
        .chain(raw.domains.iter().map(|d| d.weight.0))
    {
        places = places.max(w.decimal_places().unwrap_or(MAX_WEIGHT_DECIMALS + 1));
    }
    if places > MAX_WEIGHT_DECIMALS {
        return invalid(
            "weights",
            format!("aspect and domain weights may have at most {MAX_WEIGHT_DECIMALS} decimals"),
        );
    }
    Ok(10i128.pow(places))
}

fn units(weight: Exact, scale: i128) -> Result<i128> {
    weight
        .checked_mul(Exact::from_int(scale))
        .filter(Exact::is_integer)
        .map(|u| u.numer())
        .ok_or_else(|| {
            InstrumentError::invalid(
                "weights",
                format!("weight {weight} is not a multiple of 1/{scale}"),
            )
        })
}

fn aspects(raw: &RawInstrument, inst: &mut Instrument, scale: i128) -> Result<()> {
    let mut seen_numbers = BTreeSet::new();
    for (pos, a) in raw.aspects.iter().enumerate() {
        let item = format!("aspect {} ({})", a.no, a.name);
        check_text(&format!("aspect {} name", a.no), &a.name)?;
        if !seen_numbers.insert(a.no) {
            return invalid(item, "the aspect number is used twice");
        }
        if a.indicators.is_empty() {
            return invalid(item, "lists no indicators");
        }
        let mut members = Vec::new();
        for &number in &a.indicators {
            let idx = usize::try_from(number)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .filter(|&i| i < inst.indicators.len());
            let Some(idx) = idx else {
                return invalid(item, format!("lists indicator {number}, which does not exist"));
            };
            let indicator = &mut inst.indicators[idx];
            if indicator.aspect != usize::MAX {
                return invalid(
                    format!("indicator {number}"),
                    "is listed by more than one aspect (or twice)",
                );
            }
            if raw.indicators[idx].aspect_no != a.no {
                return invalid(
                    format!("indicator {number}"),
                    format!(
                        "says aspect_no {} but aspect {} lists it",
                        raw.indicators[idx].aspect_no, a.no
                    ),
                );
            }
            indicator.aspect = pos;
            members.push(idx);
        }
        let weight = positive_weight(&item, a.weight.0)?;
        let listed: Exact = sum(members.iter().map(|&i| inst.indicators[i].weight))?;
        if listed != weight {
            return invalid(
                item,
                format!("weight {weight} is not the sum of its indicators' weights ({listed})"),
            );
        }
        for &i in &members {
            check_share(&raw.indicators[i], inst.indicators[i].weight, weight)?;
        }
        inst.aspects.push(Aspect {
            number: a.no,
            name: a.name.clone(),
            weight,
            units: units(weight, scale)?,
            domain: None,
            indicators: members,
        });
    }
    if let Some(orphan) = inst.indicators.iter().find(|i| i.aspect == usize::MAX) {
        return invalid(
            format!("indicator {}", orphan.number),
            "is not listed by any aspect",
        );
    }
    Ok(())
}

/// The printed share of an indicator in its aspect must agree with the weights (it is rounded
/// in the file: 33.33 for a third).
fn check_share(raw: &RawIndicator, weight: Exact, aspect_weight: Exact) -> Result<()> {
    let Some(printed) = raw.weight_within_aspect_pct else {
        return Ok(());
    };
    let share = weight
        .checked_mul(Exact::from_int(100))
        .and_then(|w| w.checked_div(aspect_weight))
        .ok_or_else(|| InstrumentError::invalid("weights", "too large"))?;
    let diff = share.checked_sub(printed.0).unwrap_or(share);
    let tolerance = Exact::new(1, 100).unwrap_or(Exact::ZERO);
    if diff > tolerance || diff < Exact::ZERO.checked_sub(tolerance).unwrap_or(Exact::ZERO) {
        return invalid(
            format!("indicator {}", raw.number),
            format!(
                "weight_within_aspect_pct {} disagrees with the weights ({})",
                printed.0,
                share.to_decimal_string(2)
            ),
        );
    }
    Ok(())
}

fn domains(raw: &RawInstrument, inst: &mut Instrument, scale: i128) -> Result<()> {
    if raw.domains.is_empty() {
        if let Some(a) = raw.aspects.iter().find(|a| a.domain.is_some()) {
            return invalid(
                format!("aspect {}", a.no),
                "names a domain but the instrument has no domains",
            );
        }
        if let Some(i) = raw.indicators.iter().find(|i| i.domain_no.is_some()) {
            return invalid(
                format!("indicator {}", i.number),
                "names a domain but the instrument has no domains",
            );
        }
        return Ok(());
    }
    let mut seen_numbers = BTreeSet::new();
    for (pos, d) in raw.domains.iter().enumerate() {
        let item = format!("domain {} ({})", d.no, d.name);
        check_text(&format!("domain {} name", d.no), &d.name)?;
        if !seen_numbers.insert(d.no) {
            return invalid(item, "the domain number is used twice");
        }
        let members: Vec<usize> = raw
            .aspects
            .iter()
            .enumerate()
            .filter(|(_, a)| a.domain == Some(d.no))
            .map(|(i, _)| i)
            .collect();
        if members.is_empty() {
            return invalid(item, "has no aspects");
        }
        let weight = positive_weight(&item, d.weight.0)?;
        let listed = sum(members.iter().map(|&a| inst.aspects[a].weight))?;
        if listed != weight {
            return invalid(
                item,
                format!("weight {weight} is not the sum of its aspects' weights ({listed})"),
            );
        }
        for &a in &members {
            inst.aspects[a].domain = Some(pos);
        }
        inst.domains.push(Domain {
            number: d.no,
            name: d.name.clone(),
            weight,
            units: units(weight, scale)?,
            aspects: members,
        });
    }
    if let Some(a) = raw
        .aspects
        .iter()
        .find(|a| !a.domain.is_some_and(|n| seen_numbers.contains(&n)))
    {
        return invalid(
            format!("aspect {}", a.no),
            "must name one of the instrument's domains",
        );
    }
    for (i, ind) in raw.indicators.iter().enumerate() {
        let actual = inst.aspects[inst.indicators[i].aspect]
            .domain
            .map(|d| inst.domains[d].number);
        if ind.domain_no.is_some() && ind.domain_no != actual {
            return invalid(
                format!("indicator {}", ind.number),
                format!(
                    "says domain_no {:?} but its aspect is in domain {:?}",
                    ind.domain_no, actual
                ),
            );
        }
    }
    Ok(())
}
