//! The crosswalk between two instruments: which indicators of the older one inform which of
//! the newer (shipped: Indeks SPBE 2020 → Indeks Pemerintah Digital 2026, in
//! `instruments/crosswalk-spbe-2020-pemdi-2026.json`). It points at evidence to reuse; it never
//! converts levels, because the two scales do not measure the same things.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::instrument::Instrument;

const SPBE_TO_PEMDI: &str = include_str!("../../instruments/crosswalk-spbe-2020-pemdi-2026.json");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Crosswalk {
    pub crosswalk: String,
    /// Instrument id of the older instrument.
    pub from: String,
    /// Instrument id of the newer instrument.
    pub to: String,
    pub status: String,
    pub meaning: String,
    pub links: Vec<CrosswalkLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkLink {
    /// The newer instrument's indicator.
    pub to: u32,
    /// The older instrument's indicators that inform it.
    pub from: Vec<u32>,
    pub note: String,
}

impl Crosswalk {
    /// The shipped crosswalk from Indeks SPBE 2020 to Indeks Pemdi 2026.
    pub fn spbe_to_pemdi() -> Result<Crosswalk, String> {
        serde_json::from_str(SPBE_TO_PEMDI).map_err(|e| format!("the shipped crosswalk is unreadable: {e}"))
    }

    /// Indicators of the older instrument that inform `to`.
    pub fn informing(&self, to: u32) -> &[u32] {
        self.links
            .iter()
            .find(|l| l.to == to)
            .map_or(&[], |l| l.from.as_slice())
    }

    /// Indicator numbers the crosswalk names that `from` / `to` do not have.
    pub fn unknown_indicators(&self, from: &Instrument, to: &Instrument) -> Vec<String> {
        let has = |i: &Instrument, n: u32| i.indicators.iter().any(|x| x.number == n);
        let mut out = Vec::new();
        for link in &self.links {
            if !has(to, link.to) {
                out.push(format!("{} {}", to.id, link.to));
            }
            for &n in &link.from {
                if !has(from, n) {
                    out.push(format!("{} {n}", from.id));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_the_crosswalk_names_exists() {
        let crosswalk = Crosswalk::spbe_to_pemdi().unwrap();
        let from = Instrument::builtin(&crosswalk.from).unwrap().unwrap();
        let to = Instrument::builtin(&crosswalk.to).unwrap().unwrap();
        assert_eq!(crosswalk.unknown_indicators(&from, &to), Vec::<String>::new());
        // Each newer indicator appears once, and the service bus informs integration.
        let mut targets: Vec<u32> = crosswalk.links.iter().map(|l| l.to).collect();
        targets.sort_unstable();
        targets.dedup();
        assert_eq!(targets.len(), crosswalk.links.len());
        assert_eq!(crosswalk.informing(16), &[7, 18]);
        assert!(
            crosswalk.informing(6).is_empty(),
            "geospatial information has no predecessor"
        );
    }

    #[test]
    fn a_wrong_number_is_reported() {
        let mut crosswalk = Crosswalk::spbe_to_pemdi().unwrap();
        crosswalk.links[0].from.push(48);
        crosswalk.links[0].to = 21;
        let from = Instrument::builtin("indeks-spbe-2020").unwrap().unwrap();
        let to = Instrument::builtin("indeks-pemdi-2026").unwrap().unwrap();
        assert_eq!(
            crosswalk.unknown_indicators(&from, &to),
            vec![
                "indeks-pemdi-2026 21".to_owned(),
                "indeks-spbe-2020 48".to_owned()
            ]
        );
    }
}
