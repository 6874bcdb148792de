//! The Peta Rencana SPBE: roadmap items are elements (ArchiMate work packages) with a part of
//! the plan, years and a budget per year in whole rupiah. Totals per year, agency and part are
//! what Bappeda reads; money is integer arithmetic that refuses to overflow, never floats.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::element::{Details, Element, MAX_LIST_ITEMS};
use super::period::{Period, Year};
use crate::text::Line;
use crate::{Code, ValidationError};

/// The largest amount one budget line may hold: Rp 1 quadrillion (no city plans more).
pub const MAX_RUPIAH: u64 = 1_000_000_000_000_000;

/// The seven parts of a Peta Rencana SPBE (Perpres 95/2018, Permenpan RB 59/2020).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoadmapPart {
    TataKelola,
    Manajemen,
    Layanan,
    Infrastruktur,
    Aplikasi,
    Keamanan,
    AuditTik,
}

impl RoadmapPart {
    pub const ALL: [RoadmapPart; 7] = [
        Self::TataKelola,
        Self::Manajemen,
        Self::Layanan,
        Self::Infrastruktur,
        Self::Aplikasi,
        Self::Keamanan,
        Self::AuditTik,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::TataKelola => "tata_kelola",
            Self::Manajemen => "manajemen",
            Self::Layanan => "layanan",
            Self::Infrastruktur => "infrastruktur",
            Self::Aplikasi => "aplikasi",
            Self::Keamanan => "keamanan",
            Self::AuditTik => "audit_tik",
        }
    }
}

/// Where a roadmap item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoadmapStatus {
    Planned,
    InProgress,
    Done,
    Cancelled,
}

/// An amount in whole rupiah, at most [`MAX_RUPIAH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, ToSchema)]
#[serde(try_from = "u64", into = "u64")]
#[schema(value_type = u64, example = 200_000_000)]
pub struct Rupiah(u64);

impl Rupiah {
    pub fn parse(field: &'static str, amount: u64) -> Result<Self, ValidationError> {
        if amount <= MAX_RUPIAH {
            Ok(Self(amount))
        } else {
            Err(ValidationError::new(
                field,
                "an amount is at most Rp 1,000,000,000,000,000",
            ))
        }
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<u64> for Rupiah {
    type Error = ValidationError;
    fn try_from(v: u64) -> Result<Self, Self::Error> {
        Self::parse("rupiah", v)
    }
}

impl From<Rupiah> for u64 {
    fn from(r: Rupiah) -> Self {
        r.0
    }
}

/// One year's budget of a roadmap item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BudgetLine {
    pub year: Year,
    pub rupiah: Rupiah,
}

/// The rules of a roadmap item: years in order and inside the period, one line per year,
/// budget years inside the item's years, bounded lists.
pub(crate) fn check_item(
    period: Period,
    first: Year,
    last: Year,
    budget: &[BudgetLine],
    gaps: &[Line],
) -> Result<(), ValidationError> {
    if first > last {
        return Err(ValidationError::new(
            "first_year",
            "the first year comes before the last",
        ));
    }
    if !period.contains(first) || !period.contains(last) {
        return Err(ValidationError::new(
            "first_year",
            format!("a roadmap item's years lie inside its period {period}"),
        ));
    }
    if budget.len() > MAX_LIST_ITEMS || gaps.len() > MAX_LIST_ITEMS {
        return Err(ValidationError::new(
            "budget",
            "at most 50 budget lines and 50 gaps",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for line in budget {
        if line.year < first || line.year > last {
            return Err(ValidationError::new(
                "budget",
                format!(
                    "budget year {} lies outside the item's years {first}–{last}",
                    line.year
                ),
            ));
        }
        if !seen.insert(line.year) {
            return Err(ValidationError::new(
                "budget",
                format!("budget year {} appears twice", line.year),
            ));
        }
    }
    Ok(())
}

/// The roadmap's sums. Amounts are `u64` rupiah; a sum that would overflow is an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RoadmapTotals {
    pub total: u64,
    /// Year → rupiah (JSON object keys are strings: `"2026"`).
    #[schema(value_type = BTreeMap<String, u64>)]
    pub per_year: BTreeMap<u16, u64>,
    /// Agency code → rupiah.
    pub per_agency: BTreeMap<String, u64>,
    /// Part (`tata_kelola`, …) → rupiah.
    pub per_part: BTreeMap<String, u64>,
}

/// The sums did not fit in 64 bits (only a corrupt or hostile model gets here).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the roadmap's totals exceed what Wadah can add up")]
pub struct TotalOverflow;

fn add(slot: &mut u64, amount: u64) -> Result<(), TotalOverflow> {
    *slot = slot.checked_add(amount).ok_or(TotalOverflow)?;
    Ok(())
}

/// Sums the budget lines of the roadmap items among `elements` (cancelled items excluded:
/// money that will not be spent is not part of the plan).
pub fn totals<'a>(elements: impl IntoIterator<Item = &'a Element>) -> Result<RoadmapTotals, TotalOverflow> {
    let mut t = RoadmapTotals::default();
    for e in elements {
        let Details::RoadmapItem {
            part, status, budget, ..
        } = &e.spec.details
        else {
            continue;
        };
        if *status == RoadmapStatus::Cancelled {
            continue;
        }
        for line in budget {
            let amount = line.rupiah.get();
            add(&mut t.total, amount)?;
            add(t.per_year.entry(line.year.get()).or_default(), amount)?;
            add(t.per_agency.entry(agency_key(&e.agency)).or_default(), amount)?;
            add(t.per_part.entry(part.as_str().to_owned()).or_default(), amount)?;
        }
    }
    Ok(t)
}

fn agency_key(code: &Code) -> String {
    code.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::architecture::element::ElementSpec;
    use crate::text::{Description, Name};
    use crate::{Actor, Meta};
    use proptest::prelude::*;

    fn year(y: u16) -> Year {
        Year::parse("year", y).unwrap()
    }

    fn item(agency: &str, part: RoadmapPart, status: RoadmapStatus, lines: &[(u16, u64)]) -> Element {
        Element {
            agency: Code::parse(agency).unwrap(),
            period: Period::parse("2025-2029").unwrap(),
            spec: ElementSpec {
                code: Code::parse("integrasi").unwrap(),
                name: Name::parse("Integrasi layanan").unwrap(),
                description: Description::default(),
                ref_code: None,
                parent: None,
                owner: Line::default(),
                details: Details::RoadmapItem {
                    part,
                    status,
                    first_year: year(2025),
                    last_year: year(2029),
                    budget: lines
                        .iter()
                        .map(|(y, r)| BudgetLine {
                            year: year(*y),
                            rupiah: Rupiah::parse("rupiah", *r).unwrap(),
                        })
                        .collect(),
                    gaps: Vec::new(),
                },
            },
            meta: Meta::new(&Actor::system("test"), chrono::DateTime::UNIX_EPOCH),
        }
    }

    #[test]
    fn totals_add_up_per_year_agency_and_part() {
        let items = [
            item(
                "diskominfo",
                RoadmapPart::Aplikasi,
                RoadmapStatus::Planned,
                &[(2026, 200_000_000)],
            ),
            item(
                "bpsdm",
                RoadmapPart::Aplikasi,
                RoadmapStatus::InProgress,
                &[(2026, 50_000_000), (2027, 25_000_000)],
            ),
            item(
                "dinsos",
                RoadmapPart::Keamanan,
                RoadmapStatus::Cancelled,
                &[(2026, 999)],
            ),
        ];
        let t = totals(&items).unwrap();
        assert_eq!(t.total, 275_000_000);
        assert_eq!(t.per_year[&2026], 250_000_000);
        assert_eq!(t.per_agency["diskominfo"], 200_000_000);
        assert_eq!(t.per_part["aplikasi"], 275_000_000);
        assert!(
            !t.per_agency.contains_key("dinsos"),
            "cancelled items cost nothing"
        );
    }

    #[test]
    fn budget_lines_stay_inside_the_items_years_once_each() {
        let p = Period::parse("2025-2029").unwrap();
        let line = |y, r| BudgetLine {
            year: year(y),
            rupiah: Rupiah::parse("rupiah", r).unwrap(),
        };
        assert!(check_item(p, year(2026), year(2027), &[line(2026, 1), line(2027, 2)], &[]).is_ok());
        assert!(check_item(p, year(2026), year(2027), &[line(2028, 1)], &[]).is_err());
        assert!(check_item(p, year(2026), year(2027), &[line(2026, 1), line(2026, 2)], &[]).is_err());
        assert!(
            check_item(p, year(2024), year(2027), &[], &[]).is_err(),
            "outside the period"
        );
        assert!(check_item(p, year(2027), year(2026), &[], &[]).is_err());
        assert!(Rupiah::parse("rupiah", MAX_RUPIAH + 1).is_err());
    }

    proptest! {
        #[test]
        fn the_total_is_the_sum_of_every_per_part_total(
            amounts in proptest::collection::vec((0usize..7, 2025u16..=2029, 0u64..=MAX_RUPIAH), 0..20)
        ) {
            let items: Vec<Element> = amounts
                .iter()
                .map(|(p, y, r)| item("bpsdm", RoadmapPart::ALL[*p], RoadmapStatus::Planned, &[(*y, *r)]))
                .collect();
            let t = totals(&items).unwrap();
            prop_assert_eq!(t.per_part.values().sum::<u64>(), t.total);
            prop_assert_eq!(t.per_year.values().sum::<u64>(), t.total);
            prop_assert_eq!(t.total, amounts.iter().map(|a| a.2).sum::<u64>());
        }
    }
}
