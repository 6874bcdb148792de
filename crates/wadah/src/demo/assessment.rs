//! The demo's sample SPBE self-assessment: Bontang, the current year (from the clock), Indeks
//! SPBE 2020, in draft.
//!
//! The levels start from a set that reproduces Bontang's published 2024 result exactly
//! (domains 3.20 / 2.70 / 2.55 / 4.13, index 3.39, *Baik*; a test checks it) and raise three
//! indicators where the pilot plausibly moved on since: 18 (the service bus is now used across
//! agencies, which Wadah itself shows), 12 (roadmap) and 25 (staff competence). The claim is
//! then 3.455 → 3.46, still *Baik*: the planner's question "what is the cheapest way to
//! *Sangat Baik*" has an answer to show. Every claim carries link evidence except two, so the
//! report shows the evidence rule at work. Created once; a data dir that has it keeps it.

use anyhow::Context;
use chrono::Datelike;
use wadah_domain::application::WebUrl;
use wadah_domain::index::assessment::{Assessment, AssessmentSpec, ClaimSpec, EvidenceItem, EvidenceSource};
use wadah_domain::text::{Description, Line};
use wadah_domain::{Actor, Clock, Code};
use wadah_store::{AssessmentFilter, Change, FileChanges, Store};

const INSTRUMENT: &str = "indeks-spbe-2020";

/// Levels in indicator order that reproduce the published 2024 result.
pub const LEVELS_2024: [u8; 47] = [
    4, 3, 3, 3, 3, 3, 3, 4, 3, 3, // Kebijakan Internal: 32 → 3.20
    3, 2, 3, 3, 3, 3, 3, 2, 3, 2, // Tata Kelola: 27 → 2.70
    3, 3, 3, 3, 2, 2, 2, 3, 2, 2, 3, // Manajemen: 28 → 2.55
    4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 4, 4, 4, 4, // Layanan: 188/45.5 → 4.13
];

/// The indicators raised since 2024, to these levels.
const RAISED: [(u32, u8); 3] = [(18, 3), (12, 3), (25, 3)];
/// Claims left without complete evidence (the report shows the gap).
const GAPS: [u32; 2] = [12, 25];

/// The 2026-style claim levels: 2024 plus the raises.
pub fn claimed_levels() -> Vec<u8> {
    let mut levels = LEVELS_2024.to_vec();
    for (number, level) in RAISED {
        if let Some(slot) = usize::try_from(number).ok().and_then(|n| levels.get_mut(n - 1)) {
            *slot = level;
        }
    }
    levels
}

/// Creates the sample assessment unless Bontang already has one for this year.
pub async fn ensure(store: &dyn Store, clock: &dyn Clock) -> anyhow::Result<()> {
    let government = Code::parse("bontang")?;
    let year = u16::try_from(clock.now().year()).context("the clock's year does not fit")?;
    let filter = AssessmentFilter {
        government: Some(government.clone()),
        year: Some(year),
    };
    if !store.list_assessments(&filter).await?.is_empty() {
        return Ok(());
    }
    let spec = AssessmentSpec {
        government,
        year,
        instrument: INSTRUMENT.to_owned(),
    };
    let instrument = spec.check()?;
    let change = Change {
        actor: Actor::system("demo"),
        at: clock.now(),
    };
    let created = store
        .create_assessment(&spec, &Assessment::fresh_indicators(&instrument), &change)
        .await
        .context("cannot create the sample assessment")?;
    let mut assessment = created.clone();
    for (i, level) in claimed_levels().into_iter().enumerate() {
        let number = u32::try_from(i + 1)?;
        let claim = ClaimSpec {
            claimed_level: Some(level),
            justification: Description::parse(&format!(
                "Contoh: kondisi Kota Bontang untuk indikator {number} (data demo, bukan penilaian nyata)."
            ))?,
            responsible: Line::parse_field("responsible", "Diskominfo Kota Bontang (contoh)")?,
        };
        assessment.set_claim(&instrument, number, claim)?;
        let covered = if GAPS.contains(&number) {
            level.saturating_sub(1)
        } else {
            level
        };
        if covered > 0 {
            let url = format!("https://jdih.bontangkota.go.id/contoh/spbe-{year}/indikator-{number}");
            assessment.add_evidence(
                number,
                EvidenceItem {
                    id: format!("demo-{number}"),
                    levels: (1..=covered).collect(),
                    source: EvidenceSource::Link {
                        url: WebUrl::parse("url", &url)?,
                        title: format!("Bukti dukung indikator {number} (contoh)"),
                    },
                    added_by: "demo".to_owned(),
                },
            )?;
        }
    }
    store
        .save_assessment(
            &assessment,
            created.meta.version,
            &FileChanges::default(),
            &change,
        )
        .await
        .context("cannot fill in the sample assessment")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use wadah_domain::index::Instrument;

    #[test]
    fn the_2024_levels_reproduce_bontangs_published_result_and_the_claim_stays_baik() {
        let instrument = Instrument::builtin(INSTRUMENT).unwrap().unwrap();
        let score = instrument
            .score(&instrument.levels(&LEVELS_2024).unwrap())
            .unwrap();
        let domains: Vec<String> = score.domains.iter().map(|d| d.shown.fixed(2).unwrap()).collect();
        assert_eq!(domains, ["3.20", "2.70", "2.55", "4.13"]);
        assert_eq!(
            (score.shown.fixed(2).unwrap().as_str(), score.predikat.as_str()),
            ("3.39", "Baik")
        );
        let claim = instrument
            .score(&instrument.levels(&claimed_levels()).unwrap())
            .unwrap();
        assert_eq!(
            (claim.shown.fixed(2).unwrap().as_str(), claim.predikat.as_str()),
            ("3.46", "Baik")
        );
    }
}
