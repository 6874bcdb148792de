//! An assessment: one government's self-assessment against one instrument for one year, with
//! evidence per indicator, the evaluator's levels beside the claimed ones, and a workflow
//! (draft → submitted → evaluated → final).
//!
//! This module owns the rules (which edits are possible in which state, what a transition
//! needs, the evidence rule) and nothing else: who may ask for an edit is in
//! [`super::assessment_policy`], the file checks in [`super::evidence_file`], storage in the
//! store. Every edit goes through a method here that refuses what the rules forbid, so a stored
//! assessment is always one the rules allow.
//!
//! **The evidence rule.** Levels are cumulative: a claim of level *L* needs evidence for each
//! of the levels 1..=*L* (an evidence item names the levels it supports). [`IndicatorEntry::
//! missing_evidence`] answers which levels lack it; a draft may be incomplete, but it cannot
//! be submitted until every indicator has a claim and no claim lacks evidence.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::instrument::Instrument;
use crate::application::WebUrl;
use crate::text::{Description, Line};
use crate::{Code, Meta, ValidationError};

/// Most evidence items on one indicator (files and links together).
pub const MAX_EVIDENCE_PER_INDICATOR: usize = 30;
/// The years an assessment may be for (the SPBE evaluation started in 2018).
pub const YEARS: std::ops::RangeInclusive<u16> = 2018..=2100;

/// Where an assessment is in its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    /// The government fills in claims and evidence.
    Draft,
    /// Handed to the evaluator; claims are frozen.
    Submitted,
    /// Every indicator has the evaluator's level.
    Evaluated,
    /// Closed: nothing changes any more.
    Final,
}

impl AssessmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Evaluated => "evaluated",
            Self::Final => "final",
        }
    }

    /// The allowed moves. Back-moves exist so that work can be returned without starting over:
    /// a submitted assessment goes back to draft (withdrawn, or returned by the evaluator), an
    /// evaluated one back to submitted (evaluation reopened). Final is final.
    pub fn can_move_to(self, to: AssessmentStatus) -> bool {
        use AssessmentStatus::*;
        matches!(
            (self, to),
            (Draft, Submitted)
                | (Submitted, Draft)
                | (Submitted, Evaluated)
                | (Evaluated, Submitted)
                | (Evaluated, Final)
        )
    }
}

/// What a new assessment is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentSpec {
    /// The government (its code in the registry).
    pub government: Code,
    #[schema(example = 2026, minimum = 2018, maximum = 2100)]
    pub year: u16,
    /// A shipped instrument id (`indeks-spbe-2020`, `indeks-pemdi-2026`).
    #[schema(example = "indeks-spbe-2020")]
    pub instrument: String,
}

impl AssessmentSpec {
    /// Checks the year and the instrument id; answers the instrument.
    pub fn check(&self) -> Result<Instrument, ValidationError> {
        if !YEARS.contains(&self.year) {
            return Err(ValidationError::new(
                "year",
                format!("the year must be within {}..={}", YEARS.start(), YEARS.end()),
            ));
        }
        load_instrument(&self.instrument)
    }
}

/// A shipped instrument, or a validation error naming the known ids.
pub fn load_instrument(id: &str) -> Result<Instrument, ValidationError> {
    let known = || Instrument::builtin_ids().collect::<Vec<_>>().join(", ");
    match Instrument::builtin(id) {
        Some(Ok(instrument)) => Ok(instrument),
        Some(Err(e)) => Err(ValidationError::new(
            "instrument",
            format!("the shipped instrument is broken: {e}"),
        )),
        None => Err(ValidationError::new(
            "instrument",
            format!("unknown instrument {id:?}; known: {}", known()),
        )),
    }
}

/// An uploaded evidence file as the assessment refers to it (the bytes are kept by the store,
/// addressed by assessment and SHA-256).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceFile {
    /// The file name as uploaded (for people; never used as a path).
    pub name: String,
    #[schema(example = "application/pdf")]
    pub media_type: String,
    /// Bytes.
    pub size: u64,
    /// Lower-case hex SHA-256 of the content; also the file's key within the assessment.
    pub sha256: String,
}

/// What an evidence item is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EvidenceSource {
    /// An uploaded document.
    File(EvidenceFile),
    /// A document published elsewhere (JDIH, the city's website…).
    Link { url: WebUrl, title: String },
    /// Facts the platform itself observed, confirmed by a person (see `suggest`).
    Platform { facts: Vec<String> },
}

/// One piece of evidence (*bukti dukung*) and the levels it supports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvidenceItem {
    /// Unique within the indicator.
    pub id: String,
    /// The levels (1..=max) this item is evidence for.
    pub levels: Vec<u8>,
    #[serde(flatten)]
    pub source: EvidenceSource,
    /// Who added it.
    pub added_by: String,
}

/// One indicator of an assessment: the self-assessment and, later, the evaluator's view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct IndicatorEntry {
    pub number: u32,
    /// The claimed level 0..=max; `None` until someone claims one.
    pub claimed_level: Option<u8>,
    pub justification: Description,
    /// Who answers for this indicator (a name or unit; free text).
    pub responsible: Line,
    pub evidence: Vec<EvidenceItem>,
    /// The evaluator's level, once set.
    pub evaluator_level: Option<u8>,
    pub evaluator_notes: Description,
}

impl IndicatorEntry {
    pub fn empty(number: u32) -> Self {
        Self {
            number,
            claimed_level: None,
            justification: Description::default(),
            responsible: Line::default(),
            evidence: Vec::new(),
            evaluator_level: None,
            evaluator_notes: Description::default(),
        }
    }

    /// The levels 1..=claimed that no evidence item supports (empty when the claim is backed
    /// or there is no claim).
    pub fn missing_evidence(&self) -> Vec<u8> {
        let claimed = self.claimed_level.unwrap_or(0);
        (1..=claimed)
            .filter(|level| !self.evidence.iter().any(|e| e.levels.contains(level)))
            .collect()
    }
}

/// A stored assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Assessment {
    pub id: String,
    #[serde(flatten)]
    pub spec: AssessmentSpec,
    pub status: AssessmentStatus,
    /// One entry per indicator of the instrument, in indicator order.
    pub indicators: Vec<IndicatorEntry>,
    pub meta: Meta,
}

/// Why an edit or a move was refused. The web layer maps `WrongState` to 409 and the others to
/// 422.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssessmentError {
    #[error("the assessment is {status}; {what} is possible only when it is {needed}")]
    WrongState {
        status: &'static str,
        what: &'static str,
        needed: &'static str,
    },
    #[error("an assessment cannot move from {from} to {to}")]
    IllegalMove { from: &'static str, to: &'static str },
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    #[error("cannot submit: {0}")]
    Incomplete(String),
    #[error("no indicator {0} in this instrument")]
    NoIndicator(u32),
    #[error("no evidence item {0} on this indicator")]
    NoEvidence(String),
}

/// The self-assessment part of an indicator, as the government writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimSpec {
    pub claimed_level: Option<u8>,
    #[serde(default)]
    pub justification: Description,
    #[serde(default)]
    pub responsible: Line,
}

/// The evaluator's part of an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationSpec {
    pub level: Option<u8>,
    #[serde(default)]
    pub notes: Description,
}

/// Checks a level against the instrument's scale.
fn check_level(field: &'static str, level: Option<u8>, max: u8) -> Result<(), ValidationError> {
    match level {
        Some(l) if l > max => Err(ValidationError::new(
            field,
            format!("a level is within 0..={max} (got {l})"),
        )),
        _ => Ok(()),
    }
}

/// Checks the levels an evidence item claims to support.
pub fn check_evidence_levels(levels: &[u8], max: u8) -> Result<Vec<u8>, ValidationError> {
    let mut out: Vec<u8> = levels.to_vec();
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err(ValidationError::new(
            "levels",
            "name at least one level the evidence supports",
        ));
    }
    if out.iter().any(|&l| l == 0 || l > max) {
        return Err(ValidationError::new(
            "levels",
            format!("evidence supports levels within 1..={max}"),
        ));
    }
    Ok(out)
}

impl Assessment {
    /// The entries a fresh assessment starts with: one empty entry per indicator.
    pub fn fresh_indicators(instrument: &Instrument) -> Vec<IndicatorEntry> {
        instrument
            .indicators
            .iter()
            .map(|i| IndicatorEntry::empty(i.number))
            .collect()
    }

    fn require(&self, status: AssessmentStatus, what: &'static str) -> Result<(), AssessmentError> {
        if self.status == status {
            Ok(())
        } else {
            Err(AssessmentError::WrongState {
                status: self.status.as_str(),
                what,
                needed: status.as_str(),
            })
        }
    }

    pub fn entry(&self, number: u32) -> Result<&IndicatorEntry, AssessmentError> {
        self.indicators
            .iter()
            .find(|e| e.number == number)
            .ok_or(AssessmentError::NoIndicator(number))
    }

    fn entry_mut(&mut self, number: u32) -> Result<&mut IndicatorEntry, AssessmentError> {
        self.indicators
            .iter_mut()
            .find(|e| e.number == number)
            .ok_or(AssessmentError::NoIndicator(number))
    }

    /// Sets the claim of one indicator (draft only).
    pub fn set_claim(
        &mut self,
        instrument: &Instrument,
        number: u32,
        claim: ClaimSpec,
    ) -> Result<(), AssessmentError> {
        self.require(AssessmentStatus::Draft, "changing a claim")?;
        check_level("claimed_level", claim.claimed_level, instrument.max_level)?;
        let entry = self.entry_mut(number)?;
        entry.claimed_level = claim.claimed_level;
        entry.justification = claim.justification;
        entry.responsible = claim.responsible;
        Ok(())
    }

    /// Adds an evidence item (draft only). Its levels must be checked already.
    pub fn add_evidence(&mut self, number: u32, item: EvidenceItem) -> Result<(), AssessmentError> {
        self.require(AssessmentStatus::Draft, "adding evidence")?;
        let entry = self.entry_mut(number)?;
        if entry.evidence.len() >= MAX_EVIDENCE_PER_INDICATOR {
            return Err(ValidationError::new(
                "evidence",
                format!("an indicator has at most {MAX_EVIDENCE_PER_INDICATOR} evidence items"),
            )
            .into());
        }
        if entry.evidence.iter().any(|e| e.id == item.id) {
            return Err(ValidationError::new("id", format!("evidence {} exists already", item.id)).into());
        }
        entry.evidence.push(item);
        Ok(())
    }

    /// Removes an evidence item (draft only); answers it, so the caller can drop a file no
    /// other item refers to.
    pub fn remove_evidence(&mut self, number: u32, id: &str) -> Result<EvidenceItem, AssessmentError> {
        self.require(AssessmentStatus::Draft, "removing evidence")?;
        let entry = self.entry_mut(number)?;
        let at = entry
            .evidence
            .iter()
            .position(|e| e.id == id)
            .ok_or_else(|| AssessmentError::NoEvidence(id.to_owned()))?;
        Ok(entry.evidence.remove(at))
    }

    /// Whether any evidence item still refers to the file with this digest.
    pub fn uses_file(&self, sha256: &str) -> bool {
        self.indicators
            .iter()
            .flat_map(|e| &e.evidence)
            .any(|e| matches!(&e.source, EvidenceSource::File(f) if f.sha256 == sha256))
    }

    /// Sets the evaluator's level and notes on one indicator (submitted only).
    pub fn set_evaluation(
        &mut self,
        instrument: &Instrument,
        number: u32,
        evaluation: EvaluationSpec,
    ) -> Result<(), AssessmentError> {
        self.require(AssessmentStatus::Submitted, "evaluating")?;
        check_level("level", evaluation.level, instrument.max_level)?;
        let entry = self.entry_mut(number)?;
        entry.evaluator_level = evaluation.level;
        entry.evaluator_notes = evaluation.notes;
        Ok(())
    }

    /// Indicators whose claim lacks evidence, with the levels that lack it.
    pub fn evidence_gaps(&self) -> Vec<(u32, Vec<u8>)> {
        self.indicators
            .iter()
            .map(|e| (e.number, e.missing_evidence()))
            .filter(|(_, missing)| !missing.is_empty())
            .collect()
    }

    /// Moves the workflow, checking what the target state needs.
    pub fn move_to(&mut self, to: AssessmentStatus) -> Result<(), AssessmentError> {
        if !self.status.can_move_to(to) {
            return Err(AssessmentError::IllegalMove {
                from: self.status.as_str(),
                to: to.as_str(),
            });
        }
        match to {
            AssessmentStatus::Submitted if self.status == AssessmentStatus::Draft => {
                self.check_submittable()?
            }
            AssessmentStatus::Evaluated => {
                let open: Vec<String> = self
                    .indicators
                    .iter()
                    .filter(|e| e.evaluator_level.is_none())
                    .map(|e| e.number.to_string())
                    .collect();
                if !open.is_empty() {
                    return Err(AssessmentError::Incomplete(format!(
                        "indicators without the evaluator's level: {}",
                        open.join(", ")
                    )));
                }
            }
            _ => {}
        }
        self.status = to;
        Ok(())
    }

    fn check_submittable(&self) -> Result<(), AssessmentError> {
        let unclaimed: Vec<String> = self
            .indicators
            .iter()
            .filter(|e| e.claimed_level.is_none())
            .map(|e| e.number.to_string())
            .collect();
        if !unclaimed.is_empty() {
            return Err(AssessmentError::Incomplete(format!(
                "indicators without a claimed level: {}",
                unclaimed.join(", ")
            )));
        }
        let gaps = self.evidence_gaps();
        if !gaps.is_empty() {
            let text: Vec<String> = gaps
                .iter()
                .map(|(n, levels)| {
                    let levels: Vec<String> = levels.iter().map(u8::to_string).collect();
                    format!("indicator {n} lacks evidence for level(s) {}", levels.join(", "))
                })
                .collect();
            return Err(AssessmentError::Incomplete(text.join("; ")));
        }
        Ok(())
    }

    /// The claimed levels, a missing claim counted as 0.
    pub fn claimed_levels(&self) -> Vec<u8> {
        self.indicators
            .iter()
            .map(|e| e.claimed_level.unwrap_or(0))
            .collect()
    }

    /// The evaluator's levels, if every indicator has one.
    pub fn evaluator_levels(&self) -> Option<Vec<u8>> {
        self.indicators.iter().map(|e| e.evaluator_level).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Actor, time::from_millis};

    fn instrument() -> Instrument {
        load_instrument("indeks-spbe-2020").unwrap()
    }

    fn fresh() -> Assessment {
        let inst = instrument();
        Assessment {
            id: "a1".into(),
            spec: AssessmentSpec {
                government: Code::parse("bontang").unwrap(),
                year: 2026,
                instrument: inst.id.clone(),
            },
            status: AssessmentStatus::Draft,
            indicators: Assessment::fresh_indicators(&inst),
            meta: Meta::new(&Actor::user("t"), from_millis(0)),
        }
    }

    fn link(id: &str, levels: &[u8]) -> EvidenceItem {
        EvidenceItem {
            id: id.into(),
            levels: levels.to_vec(),
            source: EvidenceSource::Link {
                url: WebUrl::parse("url", "https://jdih.bontangkota.go.id/perwal-1").unwrap(),
                title: "Perwal".into(),
            },
            added_by: "t".into(),
        }
    }

    fn claim(level: u8) -> ClaimSpec {
        ClaimSpec {
            claimed_level: Some(level),
            justification: Description::default(),
            responsible: Line::default(),
        }
    }

    #[test]
    fn a_claim_needs_evidence_for_every_level_up_to_it() {
        let inst = instrument();
        let mut a = fresh();
        a.set_claim(&inst, 7, claim(3)).unwrap();
        assert_eq!(a.entry(7).unwrap().missing_evidence(), vec![1, 2, 3]);
        a.add_evidence(7, link("e1", &[1, 2])).unwrap();
        assert_eq!(a.entry(7).unwrap().missing_evidence(), vec![3]);
        a.add_evidence(7, link("e2", &[3])).unwrap();
        assert!(a.entry(7).unwrap().missing_evidence().is_empty());
        // Level 0 needs nothing.
        a.set_claim(&inst, 8, claim(0)).unwrap();
        assert!(a.entry(8).unwrap().missing_evidence().is_empty());
    }

    #[test]
    fn submitting_names_the_indicators_and_levels_without_evidence() {
        let inst = instrument();
        let mut a = fresh();
        for n in 1..=47 {
            a.set_claim(&inst, n, claim(0)).unwrap();
        }
        a.set_claim(&inst, 18, claim(2)).unwrap();
        a.add_evidence(18, link("e1", &[1])).unwrap();
        let err = a.move_to(AssessmentStatus::Submitted).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot submit: indicator 18 lacks evidence for level(s) 2"
        );
        assert_eq!(a.status, AssessmentStatus::Draft);
        a.add_evidence(18, link("e2", &[2])).unwrap();
        a.move_to(AssessmentStatus::Submitted).unwrap();
        // Claims are frozen once submitted.
        let frozen = a.set_claim(&inst, 1, claim(1)).unwrap_err();
        assert!(matches!(frozen, AssessmentError::WrongState { .. }), "{frozen}");
    }

    #[test]
    fn the_workflow_allows_only_its_moves() {
        use AssessmentStatus::*;
        for from in [Draft, Submitted, Evaluated, Final] {
            for to in [Draft, Submitted, Evaluated, Final] {
                let allowed = matches!(
                    (from, to),
                    (Draft, Submitted)
                        | (Submitted, Draft)
                        | (Submitted, Evaluated)
                        | (Evaluated, Submitted)
                        | (Evaluated, Final)
                );
                assert_eq!(from.can_move_to(to), allowed, "{from:?} → {to:?}");
            }
        }
        let mut a = fresh();
        assert!(matches!(
            a.move_to(Final),
            Err(AssessmentError::IllegalMove { .. })
        ));
    }

    #[test]
    fn evaluation_needs_every_evaluator_level() {
        let inst = instrument();
        let mut a = fresh();
        a.status = AssessmentStatus::Submitted;
        a.set_evaluation(
            &inst,
            1,
            EvaluationSpec {
                level: Some(2),
                notes: Description::default(),
            },
        )
        .unwrap();
        let err = a.move_to(AssessmentStatus::Evaluated).unwrap_err();
        assert!(err.to_string().contains("2, 3"), "{err}");
        let too_high = a.set_evaluation(
            &inst,
            1,
            EvaluationSpec {
                level: Some(6),
                notes: Description::default(),
            },
        );
        assert!(matches!(too_high, Err(AssessmentError::Invalid(_))));
    }

    #[test]
    fn evidence_levels_are_checked_and_normalised() {
        assert_eq!(check_evidence_levels(&[3, 1, 3], 5).unwrap(), vec![1, 3]);
        assert!(check_evidence_levels(&[], 5).is_err());
        assert!(check_evidence_levels(&[0], 5).is_err());
        assert!(check_evidence_levels(&[6], 5).is_err());
    }
}
