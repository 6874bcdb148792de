//! The results of an assessment, computed with the scoring engine: the index, predikat,
//! domain and aspect figures of the self-assessment and of the evaluator side by side, the
//! per-indicator levels, the body's published history and its peers.
//!
//! Figures are strings with the instrument's places (`"3.40"`) so that JSON clients, the HTML
//! report and the XLSX export show the very digits the engine produced; the exact values stay
//! in `*_unrounded`. A missing claim counts as level 0 and makes the result `complete: false`;
//! the evaluator's side exists only once every indicator has the evaluator's level.

use serde::Serialize;
use utoipa::ToSchema;

use super::assessment::Assessment;
use super::exact::Exact;
use super::instrument::Instrument;
use super::published::{self, PublishedResult, Standing};
use super::score::{PartScore, Score};
use crate::agency::GovernmentKind;

/// One figure, shown and exact.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Figure {
    pub number: u32,
    pub name: String,
    /// Rounded half-up to the instrument's places.
    pub value: String,
    pub value_unrounded: String,
}

/// One side's score (the self-assessment or the evaluator).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SideScore {
    pub index: String,
    pub index_unrounded: String,
    pub predikat: String,
    pub domains: Vec<Figure>,
    pub aspects: Vec<Figure>,
}

/// One indicator's line in the results.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorLine {
    pub number: u32,
    pub name: String,
    pub aspect: u32,
    pub weight: String,
    pub claimed_level: Option<u8>,
    pub claimed_level_name: Option<String>,
    pub evaluator_level: Option<u8>,
    /// Levels 1..=claimed without evidence.
    pub missing_evidence: Vec<u8>,
    pub evidence_count: usize,
}

impl IndicatorLine {
    /// The levels without evidence as text (`2, 3`).
    pub fn missing_text(&self) -> String {
        self.missing_evidence
            .iter()
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// One published year of the body.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryPoint {
    pub year: u16,
    pub index: String,
    pub predikat: String,
    /// `published` (KemenPANRB) or `self` / `evaluator` (this assessment).
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StandingView {
    pub rank: usize,
    pub of: usize,
    /// Percent of bodies with a lower index.
    pub percentile: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeerRow {
    pub name: String,
    pub index: String,
    pub predikat: String,
    /// Whether this row is the assessed body itself.
    pub is_self: bool,
}

/// Peers from the latest published year, and where the assessment's index would stand there.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PeerView {
    pub year: u16,
    pub province: Option<String>,
    pub kind: GovernmentKind,
    pub same_province: Vec<PeerRow>,
    /// The body's own published standing that year (when it was published).
    pub published_national: Option<StandingView>,
    pub published_same_kind: Option<StandingView>,
    /// Where this assessment's index (evaluator's if complete, else self) would stand.
    pub assessed_national: Option<StandingView>,
    pub assessed_same_kind: Option<StandingView>,
}

/// Everything the results page, the JSON API and the export show.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AssessmentResults {
    pub assessment: String,
    pub government: String,
    pub government_name: String,
    pub year: u16,
    pub instrument: String,
    pub instrument_title: String,
    pub status: String,
    /// Every indicator has a claim.
    pub complete: bool,
    pub self_assessment: SideScore,
    /// Present once every indicator has the evaluator's level.
    pub evaluator: Option<SideScore>,
    pub indicators: Vec<IndicatorLine>,
    pub history: Vec<HistoryPoint>,
    /// Only for instruments the published results use (`indeks-spbe-2020`).
    pub peers: Option<PeerView>,
}

/// Who the assessed body is, as the registry knows it.
#[derive(Debug, Clone)]
pub struct Body<'a> {
    pub name: &'a str,
    pub kind: GovernmentKind,
}

fn text(value: Exact, places: u32) -> String {
    value.fixed(places).unwrap_or_default()
}

fn side(score: &Score, places: u32) -> SideScore {
    let figure = |p: &PartScore| Figure {
        number: p.number,
        name: p.name.clone(),
        value: text(p.shown, places),
        value_unrounded: p.value.to_decimal_string(places),
    };
    SideScore {
        index: text(score.shown, places),
        index_unrounded: score.index.to_decimal_string(places),
        predikat: score.predikat.clone(),
        domains: score.domains.iter().map(figure).collect(),
        aspects: score.aspects.iter().map(figure).collect(),
    }
}

fn standing_view(s: Standing) -> StandingView {
    StandingView {
        rank: s.rank,
        of: s.of,
        percentile: s.percentile.fixed(1).unwrap_or_default(),
    }
}

/// Why results could not be computed (an assessment that does not fit its instrument).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the assessment does not fit its instrument: {0}")]
pub struct ResultsError(pub String);

/// Computes the results of `assessment` against `instrument`.
pub fn compute(
    assessment: &Assessment,
    instrument: &Instrument,
    body: &Body<'_>,
) -> Result<AssessmentResults, ResultsError> {
    let places = instrument.places;
    let score_of = |levels: Vec<u8>| -> Result<Score, ResultsError> {
        let levels = instrument
            .levels(&levels)
            .map_err(|e| ResultsError(e.to_string()))?;
        instrument.score(&levels).map_err(|e| ResultsError(e.to_string()))
    };
    let own = score_of(assessment.claimed_levels())?;
    let evaluated = assessment.evaluator_levels().map(score_of).transpose()?;
    let indicators = instrument
        .indicators
        .iter()
        .enumerate()
        .zip(&assessment.indicators)
        .map(|((i, ind), entry)| IndicatorLine {
            number: ind.number,
            name: ind.name.clone(),
            aspect: instrument.aspects[ind.aspect].number,
            weight: ind.weight.to_decimal_string(0),
            claimed_level: entry.claimed_level,
            claimed_level_name: entry
                .claimed_level
                .and_then(|l| instrument.level_name(i, l))
                .map(str::to_owned),
            evaluator_level: entry.evaluator_level,
            missing_evidence: entry.missing_evidence(),
            evidence_count: entry.evidence.len(),
        })
        .collect();
    let uses_published = instrument.id == "indeks-spbe-2020";
    let published_rows = if uses_published {
        published::history(body.name)
    } else {
        Vec::new()
    };
    let mut history: Vec<HistoryPoint> = published_rows
        .iter()
        .filter(|r| r.year < assessment.spec.year)
        .map(|r| HistoryPoint {
            year: r.year,
            index: text(r.index, places),
            predikat: r.predikat.clone(),
            source: "published".into(),
        })
        .collect();
    let (current, source) = match &evaluated {
        Some(e) => (e, "evaluator"),
        None => (&own, "self"),
    };
    history.push(HistoryPoint {
        year: assessment.spec.year,
        index: text(current.shown, places),
        predikat: current.predikat.clone(),
        source: source.into(),
    });
    let peers = uses_published
        .then(|| peer_view(assessment.spec.year, body, &published_rows, current.index, places))
        .flatten();
    Ok(AssessmentResults {
        assessment: assessment.id.clone(),
        government: assessment.spec.government.as_str().to_owned(),
        government_name: body.name.to_owned(),
        year: assessment.spec.year,
        instrument: instrument.id.clone(),
        instrument_title: instrument.title.clone(),
        status: assessment.status.as_str().to_owned(),
        complete: assessment.indicators.iter().all(|e| e.claimed_level.is_some()),
        self_assessment: side(&own, places),
        evaluator: evaluated.as_ref().map(|s| side(s, places)),
        indicators,
        history,
        peers,
    })
}

fn peer_view(
    year: u16,
    body: &Body<'_>,
    own_rows: &[&'static PublishedResult],
    assessed: Exact,
    places: u32,
) -> Option<PeerView> {
    let peer_year = published::latest_year_until(year)?;
    let own = own_rows.iter().find(|r| r.year == peer_year);
    let province = own.and_then(|r| r.province.clone());
    let kind = own.map_or(body.kind, |r| r.kind);
    let published_peers = own.map(|r| published::peers(peer_year, kind, province.as_deref(), r.index));
    let assessed_peers = published::peers(peer_year, kind, province.as_deref(), assessed);
    Some(PeerView {
        year: peer_year,
        province,
        kind,
        same_province: assessed_peers
            .same_province
            .iter()
            .map(|r| PeerRow {
                name: r.name.clone(),
                index: text(r.index, places),
                predikat: r.predikat.clone(),
                is_self: own.is_some_and(|o| o.name == r.name),
            })
            .collect(),
        published_national: published_peers
            .as_ref()
            .and_then(|p| p.national.clone())
            .map(standing_view),
        published_same_kind: published_peers.and_then(|p| p.same_kind).map(standing_view),
        assessed_national: assessed_peers.national.map(standing_view),
        assessed_same_kind: assessed_peers.same_kind.map(standing_view),
    })
}
