//! A whole architecture as one value: what an export writes and an import reads. Checking it
//! here, before any write, is what lets an import be all or nothing: every broken reference,
//! duplicate or misfit relation is found and reported at once, and the store then writes the
//! whole model in one transaction.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::element::{ElementKey, ElementKind, ElementSpec};
use super::period::Period;
use super::reference::{LocalRefCodeSpec, Origin, RefEntry, ReferenceCatalog};
use super::relation::RelationSpec;
use crate::Code;
use crate::agency::{AgencySpec, GovernmentSpec};

/// Most elements and relations one model may hold (a whole province is ~100k elements).
pub const MAX_MODEL_OBJECTS: usize = 500_000;

/// An element without bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelElement {
    pub agency: Code,
    pub period: Period,
    pub spec: ElementSpec,
}

impl ModelElement {
    pub fn key(&self) -> ElementKey {
        ElementKey {
            agency: self.agency.clone(),
            period: self.period,
            code: self.spec.code.clone(),
        }
    }
}

/// A relation without bookkeeping.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ModelRelation {
    pub period: Period,
    pub spec: RelationSpec,
}

/// Governments, agencies, local reference codes, elements and relations.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchitectureModel {
    pub governments: Vec<GovernmentSpec>,
    pub agencies: Vec<AgencySpec>,
    /// National codes imported beyond the shipped list.
    pub national_codes: Vec<LocalRefCodeSpec>,
    /// Local codes per government.
    pub local_codes: Vec<(Code, LocalRefCodeSpec)>,
    pub elements: Vec<ModelElement>,
    pub relations: Vec<ModelRelation>,
}

/// One thing wrong with a model, located so a person can find it in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelProblem {
    /// The element or relation (`2025-2029/bpsdm/diklat`, `serving:a/b->c/d`) or section.
    pub at: String,
    pub message: String,
}

impl std::fmt::Display for ModelProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

impl ArchitectureModel {
    /// Every rule the model breaks (empty: it can be written). `known_agencies` are agencies
    /// that already exist where the model goes, with their government.
    pub fn problems(&self, known_agencies: &BTreeMap<Code, Code>) -> Vec<ModelProblem> {
        let mut out = Vec::new();
        let mut problem = |at: String, message: String| out.push(ModelProblem { at, message });
        if self.elements.len() + self.relations.len() > MAX_MODEL_OBJECTS {
            problem(
                "model".into(),
                format!("more than {MAX_MODEL_OBJECTS} elements and relations"),
            );
            return out;
        }
        let mut agencies = known_agencies.clone();
        for a in &self.agencies {
            agencies.insert(a.code.clone(), a.government.clone());
        }
        let governments: BTreeSet<&Code> = self.governments.iter().map(|g| &g.code).collect();
        for a in &self.agencies {
            if !governments.contains(&a.government) && !known_agencies.values().any(|g| g == &a.government) {
                problem(
                    format!("agency {}", a.code),
                    format!("its government {} is not in the model", a.government),
                );
            }
        }
        let catalog = self.catalog(&mut problem);
        let mut by_key: BTreeMap<ElementKey, &ElementSpec> = BTreeMap::new();
        for e in &self.elements {
            let at = e.key().to_string();
            if !agencies.contains_key(&e.agency) {
                problem(at.clone(), format!("agency {} is unknown", e.agency));
            }
            if by_key.insert(e.key(), &e.spec).is_some() {
                problem(at.clone(), "appears twice".into());
            }
            if let Err(err) = e.spec.validate(e.period) {
                problem(at.clone(), err.to_string());
            }
            if let Some(code) = &e.spec.ref_code
                && !catalog.contains(code)
            {
                problem(at, format!("reference code {} is unknown", code.as_str()));
            }
        }
        for e in &self.elements {
            let Some(parent) = &e.spec.parent else { continue };
            let key = ElementKey {
                agency: e.agency.clone(),
                period: e.period,
                code: parent.clone(),
            };
            match by_key.get(&key) {
                None => problem(
                    e.key().to_string(),
                    format!("parent {parent} is not in the model"),
                ),
                Some(p) => {
                    if let Err(err) = e.spec.check_parent(p) {
                        problem(e.key().to_string(), err.to_string());
                    }
                }
            }
        }
        let mut seen = BTreeSet::new();
        for r in &self.relations {
            let at = format!("{} {}", r.period, r.spec.key());
            if !seen.insert((r.period, r.spec.key())) {
                problem(at.clone(), "appears twice".into());
            }
            let end = |end: &super::relation::ElementRef| {
                by_key
                    .get(&ElementKey {
                        agency: end.agency.clone(),
                        period: r.period,
                        code: end.code.clone(),
                    })
                    .map(|s| s.kind())
            };
            match (end(&r.spec.source), end(&r.spec.target)) {
                (Some(s), Some(t)) => {
                    if let Err(err) = r.spec.validate().and_then(|()| r.spec.kind.check(s, t)) {
                        problem(at, err.to_string());
                    }
                }
                _ => problem(at, "one of its ends is not in the model".into()),
            }
        }
        out
    }

    fn catalog(&self, problem: &mut impl FnMut(String, String)) -> ReferenceCatalog {
        let mut imported = Vec::new();
        for spec in &self.national_codes {
            imported.push(RefEntry {
                code: spec.code.clone(),
                name: spec.name.clone(),
                origin: Origin::National,
            });
        }
        imported.sort_by_key(|e| e.code.level());
        let mut catalog = ReferenceCatalog::build(&imported, &[]).unwrap_or_default();
        // Parents before children: shorter codes first.
        let mut local: Vec<&LocalRefCodeSpec> = self.local_codes.iter().map(|(_, s)| s).collect();
        local.sort_by_key(|s| s.code.level());
        let mut entries = Vec::new();
        for spec in local {
            match catalog.check_local(spec) {
                Ok(entry) => {
                    entries.push(entry);
                    if let Ok(next) = ReferenceCatalog::build(&imported, &entries) {
                        catalog = next;
                    }
                }
                Err(err) => problem(format!("reference code {}", spec.code.as_str()), err.message),
            }
        }
        catalog
    }

    /// Counts per element kind (reports, and the round-trip checks).
    pub fn counts(&self) -> BTreeMap<ElementKind, usize> {
        let mut out = BTreeMap::new();
        for e in &self.elements {
            *out.entry(e.spec.kind()).or_default() += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agency::GovernmentKind;
    use crate::application::RefCode;
    use crate::architecture::element::Details;
    use crate::architecture::relation::{ElementRef, RelationKind};
    use crate::text::{Description, Line, Name};

    fn code(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn element(agency: &str, c: &str, details: Details, ref_code: Option<&str>) -> ModelElement {
        ModelElement {
            agency: code(agency),
            period: Period::parse("2025-2029").unwrap(),
            spec: ElementSpec {
                code: code(c),
                name: Name::parse(c).unwrap(),
                description: Description::default(),
                ref_code: ref_code.map(|r| RefCode::parse("ref_code", r).unwrap()),
                parent: None,
                owner: Line::default(),
                details,
            },
        }
    }

    fn relation(kind: RelationKind, from: (&str, &str), to: (&str, &str)) -> ModelRelation {
        ModelRelation {
            period: Period::parse("2025-2029").unwrap(),
            spec: RelationSpec {
                kind,
                source: ElementRef {
                    agency: code(from.0),
                    code: code(from.1),
                },
                target: ElementRef {
                    agency: code(to.0),
                    code: code(to.1),
                },
            },
        }
    }

    fn model() -> ArchitectureModel {
        ArchitectureModel {
            governments: vec![GovernmentSpec {
                code: code("bontang"),
                name: Name::parse("Kota Bontang").unwrap(),
                kind: GovernmentKind::Kota,
            }],
            agencies: vec![AgencySpec {
                code: code("dinsos"),
                name: Name::parse("Dinas Sosial").unwrap(),
                government: code("bontang"),
                description: Description::default(),
                operator: false,
            }],
            national_codes: vec![],
            local_codes: vec![(
                code("bontang"),
                LocalRefCodeSpec {
                    code: RefCode::parse("code", "RAB.04.02.01").unwrap(),
                    name: Name::parse("Bantuan sosial").unwrap(),
                },
            )],
            elements: vec![
                element("dinsos", "bansos", Details::BusinessProcess, Some("RAB.04.02.01")),
                element(
                    "dinsos",
                    "layanan-bansos",
                    Details::Service {
                        area: super::super::element::ServiceArea::Public,
                    },
                    Some("RAL.01"),
                ),
            ],
            relations: vec![relation(
                RelationKind::Serving,
                ("dinsos", "layanan-bansos"),
                ("dinsos", "bansos"),
            )],
        }
    }

    #[test]
    fn a_consistent_model_has_no_problems() {
        assert_eq!(model().problems(&BTreeMap::new()), vec![]);
    }

    #[test]
    fn every_problem_is_found_and_located() {
        let mut m = model();
        m.relations.push(relation(
            RelationKind::Serving,
            ("dinsos", "bansos"),
            ("dinsos", "layanan-bansos"),
        ));
        m.relations.push(relation(
            RelationKind::Flow,
            ("dinsos", "bansos"),
            ("dinsos", "hilang"),
        ));
        m.elements.push(element(
            "bpsdm",
            "diklat",
            Details::BusinessProcess,
            Some("RAB.99.01"),
        ));
        m.local_codes.push((
            code("bontang"),
            LocalRefCodeSpec {
                code: RefCode::parse("code", "RAB.77.01.01").unwrap(),
                name: Name::parse("x").unwrap(),
            },
        ));
        let problems = m.problems(&BTreeMap::new());
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(problems.len(), 5, "{text:#?}");
        assert!(
            text.iter()
                .any(|p| p.contains("serving relation cannot go from a business_process"))
        );
        assert!(text.iter().any(|p| p.contains("not in the model")));
        assert!(text.iter().any(|p| p.contains("agency bpsdm is unknown")));
        assert!(text.iter().any(|p| p.contains("RAB.99.01 is unknown")));
        assert!(text.iter().any(|p| p.starts_with("reference code RAB.77.01.01")));
    }
}
