//! From an improvement plan to the Peta Rencana: each chosen raise (one indicator, level
//! *from* → *to*) becomes one roadmap item of the architecture module, so the money the planner
//! found ends up in the plan Bappeda reads, next to the other SPBE work.
//!
//! The item's code names the assessment year, the indicator and the step
//! (`indeks-2026-i18-2-4`), so converting the same plan twice collides instead of doubling the
//! budget. Its name and gap name the indicator and the level step, its budget is the raise's
//! rupiah in the chosen year, and its description carries the months of effort (a roadmap item
//! has no field for them). The part of the plan is a starting point read from the indicator's
//! aspect and domain names (audit → Audit TIK, ICT → infrastructure, management, services,
//! otherwise governance); the architect can change it like any other field.

use super::instrument::Instrument;
use super::plan::Plan;
use crate::architecture::{
    BudgetLine, Details, ElementSpec, Period, RoadmapPart, RoadmapStatus, Rupiah, Year,
};
use crate::text::{Description, Line, Name};
use crate::{Code, ValidationError};

/// Where the items go: the planning period and the year their budget lands in.
#[derive(Debug, Clone, Copy)]
pub struct RoadmapPlacement {
    pub period: Period,
    pub year: Year,
    /// The assessment's year (part of each item's code).
    pub assessment_year: u16,
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// The part of the Peta Rencana an indicator's raise most plausibly belongs to.
pub fn part_for(instrument: &Instrument, indicator: usize) -> RoadmapPart {
    let Some(ind) = instrument.indicators.get(indicator) else {
        return RoadmapPart::TataKelola;
    };
    let aspect = instrument.aspects.get(ind.aspect);
    let aspect_name = aspect.map_or("", |a| a.name.as_str()).to_lowercase();
    let domain_name = aspect
        .and_then(|a| a.domain)
        .and_then(|d| instrument.domains.get(d))
        .map_or("", |d| d.name.as_str())
        .to_lowercase();
    if aspect_name.contains("audit") {
        RoadmapPart::AuditTik
    } else if aspect_name.contains("teknologi informasi") {
        RoadmapPart::Infrastruktur
    } else if domain_name.contains("manajemen") || aspect_name.contains("manajemen") {
        RoadmapPart::Manajemen
    } else if domain_name.contains("layanan") || aspect_name.contains("layanan") {
        RoadmapPart::Layanan
    } else {
        RoadmapPart::TataKelola
    }
}

/// The roadmap items of `plan` (one per raise), each checked against the period.
pub fn roadmap_items(
    instrument: &Instrument,
    plan: &Plan,
    place: RoadmapPlacement,
) -> Result<Vec<ElementSpec>, ValidationError> {
    let mut items = Vec::with_capacity(plan.raises.len());
    for raise in &plan.raises {
        let position = instrument
            .indicators
            .iter()
            .position(|i| i.number == raise.indicator)
            .ok_or_else(|| ValidationError::new("plan", format!("no indicator {}", raise.indicator)))?;
        let indicator = &instrument.indicators[position];
        let n = raise.indicator;
        let (from, to) = (raise.from, raise.to);
        let code = Code::parse_field(
            "code",
            &format!("indeks-{}-i{n}-{from}-{to}", place.assessment_year),
        )?;
        let step = format!("indikator {n}, level {from} → {to}");
        let name = Name::parse(&cut(&format!("Indeks SPBE {step}: {}", indicator.name), 200))?;
        let description = Description::parse(&cut(
            &format!(
                "Dari perencana peningkatan {} (penilaian {}): menaikkan {step}. \
                 Perkiraan biaya Rp {}, upaya {} bulan.",
                instrument.title, place.assessment_year, raise.rupiah, raise.months
            ),
            4000,
        ))?;
        let gap = Line::parse_field("gaps", &cut(&format!("{step}: {}", indicator.name), 300))?;
        let spec = ElementSpec {
            code,
            name,
            description,
            ref_code: None,
            parent: None,
            owner: Line::default(),
            details: Details::RoadmapItem {
                part: part_for(instrument, position),
                status: RoadmapStatus::Planned,
                first_year: place.year,
                last_year: place.year,
                budget: vec![BudgetLine {
                    year: place.year,
                    rupiah: Rupiah::parse("rupiah", raise.rupiah)?,
                }],
                gaps: vec![gap],
            },
        };
        spec.validate(place.period)?;
        items.push(spec);
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::plan::{CostTable, StepCost, Target};
    use crate::index::score::PredicateBasis;

    fn spbe() -> Instrument {
        Instrument::builtin("indeks-spbe-2020").unwrap().unwrap()
    }

    #[test]
    fn every_raise_becomes_one_item_naming_the_indicator_step_cost_and_year() {
        let inst = spbe();
        let levels = inst.levels(&[3; 47]).unwrap();
        let costs = CostTable::uniform(
            &inst,
            StepCost {
                rupiah: 10_000_000,
                months: 2,
            },
        )
        .unwrap();
        let plan = inst
            .plan(
                &levels,
                &Target::Predicate("Sangat Baik".into()),
                &costs,
                PredicateBasis::Unrounded,
            )
            .unwrap();
        assert!(!plan.raises.is_empty());
        let place = RoadmapPlacement {
            period: Period::parse("2025-2029").unwrap(),
            year: Year::parse("year", 2027).unwrap(),
            assessment_year: 2026,
        };
        let items = roadmap_items(&inst, &plan, place).unwrap();
        assert_eq!(items.len(), plan.raises.len());
        let (raise, item) = (&plan.raises[0], &items[0]);
        assert_eq!(
            item.code.as_str(),
            format!("indeks-2026-i{}-3-{}", raise.indicator, raise.to)
        );
        assert!(
            item.name
                .as_str()
                .contains(&format!("indikator {}", raise.indicator))
        );
        let Details::RoadmapItem {
            budget, first_year, ..
        } = &item.details
        else {
            panic!("not a roadmap item")
        };
        assert_eq!(first_year.get(), 2027);
        assert_eq!(budget[0].rupiah.get(), raise.rupiah);
        // A year outside the period is refused, not stored.
        let outside = RoadmapPlacement {
            year: Year::parse("year", 2031).unwrap(),
            ..place
        };
        assert!(roadmap_items(&inst, &plan, outside).is_err());
    }

    #[test]
    fn parts_follow_the_aspect_and_domain() {
        let inst = spbe();
        let part = |n: u32| part_for(&inst, inst.indicators.iter().position(|i| i.number == n).unwrap());
        assert_eq!(part(1), RoadmapPart::TataKelola);
        assert_eq!(part(45), RoadmapPart::Layanan);
    }
}
