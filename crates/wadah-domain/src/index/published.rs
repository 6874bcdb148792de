//! The published results of the SPBE evaluations (KemenPANRB, 2023 and 2024; the file
//! `tests/data/hasil-evaluasi-spbe-2023-2024.json`, a copy of `shared/spbe/`, embedded): one
//! row per body and year with the four domain figures, the index and the predikat as
//! published. Used for a body's history and for peer comparison.
//!
//! The file names bodies but not their province or kind. Both are read from the published
//! order, which the reports keep: central bodies first, then each province followed by its
//! regencies and cities. So the kind comes from the name (`Pemerintah Kota …`,
//! `Pemerintah Kab. …`, `Pemerintah Provinsi …` or another `Pemerintah …` such as Aceh and
//! D.I. Yogyakarta, else a ministry or agency), and a regency's or city's province is the last
//! province row before it in the same year. A test pins known cases (Bontang → Kalimantan
//! Timur) and that every regency and city gets one.
//!
//! Figures are read from their JSON text exactly ([`Exact`]), never through `f64`.

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::exact::Exact;
use crate::agency::GovernmentKind;

const RESULTS: &str = include_str!("../../tests/data/hasil-evaluasi-spbe-2023-2024.json");

/// One body's published result for one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedResult {
    pub year: u16,
    pub name: String,
    pub kind: GovernmentKind,
    /// The province (for provinces: themselves; `None` for central bodies).
    pub province: Option<String>,
    /// Kebijakan Internal, Tata Kelola, Manajemen, Layanan (as published, rounded).
    pub domains: Vec<Exact>,
    pub index: Exact,
    pub predikat: String,
}

#[derive(Deserialize)]
struct File {
    results: Vec<Row>,
}

#[derive(Deserialize)]
struct Row {
    year: u16,
    name: String,
    domains: Vec<Box<RawValue>>,
    index: Box<RawValue>,
    predikat: String,
}

fn exact(raw: &RawValue) -> Option<Exact> {
    Exact::parse_decimal(raw.get().trim()).ok()
}

/// Every published row, in the published order. Empty if the embedded file were unreadable
/// (a test keeps it readable).
pub fn all() -> &'static [PublishedResult] {
    static ROWS: OnceLock<Vec<PublishedResult>> = OnceLock::new();
    ROWS.get_or_init(|| parse(RESULTS).unwrap_or_default())
}

fn kind_of(name: &str) -> GovernmentKind {
    if let Some(rest) = name.strip_prefix("Pemerintah ") {
        if rest.starts_with("Kota ") {
            GovernmentKind::Kota
        } else if rest.starts_with("Kab.") || rest.starts_with("Kabupaten ") {
            GovernmentKind::Kabupaten
        } else {
            GovernmentKind::Provinsi
        }
    } else if name.starts_with("Kementerian") {
        GovernmentKind::Kementerian
    } else {
        GovernmentKind::Lembaga
    }
}

/// A province's name without the prefix, with the abbreviations one report year uses spelt
/// out as the other year writes them (2023 `NTB`, 2024 `Nusa Tenggara Barat`).
fn province_name(name: &str) -> String {
    let rest = name.strip_prefix("Pemerintah ").unwrap_or(name);
    let bare = rest.strip_prefix("Provinsi ").unwrap_or(rest);
    match bare {
        "NTB" => "Nusa Tenggara Barat",
        "NTT" => "Nusa Tenggara Timur",
        other => other,
    }
    .to_owned()
}

fn parse(text: &str) -> Option<Vec<PublishedResult>> {
    let file: File = serde_json::from_str(text).ok()?;
    let mut out = Vec::with_capacity(file.results.len());
    let mut province: Option<(u16, String)> = None;
    for row in file.results {
        let kind = kind_of(&row.name);
        let here = match kind {
            GovernmentKind::Provinsi => {
                let p = province_name(&row.name);
                province = Some((row.year, p.clone()));
                Some(p)
            }
            GovernmentKind::Kota | GovernmentKind::Kabupaten => province
                .as_ref()
                .filter(|(year, _)| *year == row.year)
                .map(|(_, p)| p.clone()),
            _ => None,
        };
        let domains: Option<Vec<Exact>> = row.domains.iter().map(|d| exact(d)).collect();
        out.push(PublishedResult {
            year: row.year,
            kind,
            province: here,
            domains: domains?,
            index: exact(&row.index)?,
            predikat: row.predikat,
            name: row.name,
        });
    }
    Some(out)
}

/// Folds a body's name for matching: lower case, single spaces, `Kabupaten` as `Kab.`, and
/// without the leading `Pemerintah` (the registry may say `Kota Bontang`).
fn fold(name: &str) -> String {
    let lower = name
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let lower = lower.replace("kabupaten ", "kab. ");
    lower.strip_prefix("pemerintah ").unwrap_or(&lower).to_owned()
}

/// The published rows of the body with this name (either form), oldest first.
pub fn history(name: &str) -> Vec<&'static PublishedResult> {
    let wanted = fold(name);
    let mut rows: Vec<_> = all().iter().filter(|r| fold(&r.name) == wanted).collect();
    rows.sort_by_key(|r| r.year);
    rows
}

/// Where a value stands among a year's published results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// 1 is the best; equal indices share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub of: usize,
    /// The share of bodies with a lower index, in percent rounded half-up to 1 decimal.
    pub percentile: Exact,
}

/// The standing of `index` among `rows` (by published index).
pub fn standing<'a>(index: Exact, rows: impl Iterator<Item = &'a PublishedResult>) -> Option<Standing> {
    let (mut better, mut lower, mut of) = (0usize, 0usize, 0usize);
    for row in rows {
        of += 1;
        if row.index > index {
            better += 1;
        } else if row.index < index {
            lower += 1;
        }
    }
    if of == 0 {
        return None;
    }
    let share = Exact::new(i128::try_from(lower).ok()? * 100, i128::try_from(of).ok()?)?;
    Some(Standing {
        rank: better + 1,
        of,
        percentile: share.round_half_up(1)?,
    })
}

/// A body's peers in one year: the same province (regencies, cities and the province), and
/// its standing nationally and among bodies of the same kind.
#[derive(Debug, Clone)]
pub struct Peers {
    pub year: u16,
    pub province: Option<String>,
    /// Same province, best first.
    pub same_province: Vec<&'static PublishedResult>,
    pub national: Option<Standing>,
    pub same_kind: Option<Standing>,
}

/// Peers of a body of `kind` in `province` for a value `index`, among `year`'s results.
pub fn peers(year: u16, kind: GovernmentKind, province: Option<&str>, index: Exact) -> Peers {
    let of_year = || all().iter().filter(move |r| r.year == year);
    let mut same_province: Vec<_> = match province {
        Some(p) => of_year().filter(|r| r.province.as_deref() == Some(p)).collect(),
        None => Vec::new(),
    };
    same_province.sort_by(|a, b| b.index.cmp(&a.index).then_with(|| a.name.cmp(&b.name)));
    Peers {
        year,
        province: province.map(str::to_owned),
        same_province,
        national: standing(index, of_year()),
        same_kind: standing(index, of_year().filter(|r| r.kind == kind)),
    }
}

/// The latest published year at or before `year`.
pub fn latest_year_until(year: u16) -> Option<u16> {
    all().iter().map(|r| r.year).filter(|y| *y <= year).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Exact {
        Exact::parse_decimal(s).unwrap()
    }

    #[test]
    fn every_row_is_read_and_every_region_has_a_province() {
        let rows = all();
        assert_eq!(rows.len(), 1236);
        for r in rows {
            if matches!(
                r.kind,
                GovernmentKind::Kota | GovernmentKind::Kabupaten | GovernmentKind::Provinsi
            ) {
                assert!(r.province.is_some(), "{} {} has no province", r.year, r.name);
            } else {
                assert!(r.province.is_none(), "{}", r.name);
            }
        }
        let provinces: std::collections::BTreeSet<_> = rows
            .iter()
            .filter(|r| r.kind == GovernmentKind::Provinsi)
            .map(|r| r.province.clone())
            .collect();
        assert_eq!(provinces.len(), 38, "{provinces:?}");
    }

    #[test]
    fn bontang_has_two_years_in_east_kalimantan() {
        let h = history("Kota Bontang");
        assert_eq!(h.len(), 2);
        assert_eq!((h[0].year, h[0].index), (2023, dec("2.83")));
        assert_eq!(
            (h[1].year, h[1].index, h[1].predikat.as_str()),
            (2024, dec("3.39"), "Baik")
        );
        assert_eq!(h[1].province.as_deref(), Some("Kalimantan Timur"));
        assert_eq!(h[1].kind, GovernmentKind::Kota);
        assert_eq!(
            history("Pemerintah Kabupaten Kolaka")[0].province.as_deref(),
            Some("Sulawesi Tenggara")
        );
    }

    #[test]
    fn standing_shares_ranks_and_counts_lower_bodies() {
        let rows = history("Kota Bontang");
        // Among Bontang's own two rows: 3.39 is first, 2.83 second; 3.00 sits between.
        let s = standing(dec("3.00"), rows.iter().copied()).unwrap();
        assert_eq!((s.rank, s.of, s.percentile), (2, 2, dec("50")));
        let s = standing(dec("3.39"), rows.iter().copied()).unwrap();
        assert_eq!((s.rank, s.percentile), (1, dec("50")));
        let p = peers(2024, GovernmentKind::Kota, Some("Kalimantan Timur"), dec("3.39"));
        assert!(
            p.same_province
                .iter()
                .any(|r| r.name == "Pemerintah Kota Bontang")
        );
        assert!(p.same_province.windows(2).all(|w| w[0].index >= w[1].index));
        assert!(p.national.unwrap().of > 500);
    }
}
