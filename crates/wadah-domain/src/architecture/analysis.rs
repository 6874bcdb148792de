//! What a city architect asks of the model: which business processes lack a service, an
//! application or data (gaps); which applications of different agencies do the same job
//! (consolidation candidates); which elements nobody owns or no goal explains (orphans); and
//! which domains each agency has not mapped yet (completeness towards evaluation level 3).
//! Pure functions of one period's model, so the API, the console and reports agree.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use utoipa::ToSchema;

use super::element::{ElementKey, ElementKind};
use super::model::{ArchitectureModel, ModelElement};
use super::relation::{ElementRef, RelationKind};
use crate::Code;

/// A business process and what it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ProcessGap {
    pub agency: String,
    pub process: String,
    pub no_service: bool,
    pub no_application: bool,
    pub no_data: bool,
}

/// Applications of several agencies that serve the same process or carry the same RAA code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Redundancy {
    /// `process agency/code` or `ref RAA.…`.
    pub shared: String,
    /// `agency/code` of each application.
    pub applications: Vec<String>,
}

/// An element without an owner, or a domain element that serves no goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Orphan {
    pub agency: String,
    pub code: String,
    pub kind: ElementKind,
    pub no_owner: bool,
    pub no_goal: bool,
}

/// The domains an agency has mapped and those still missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Completeness {
    pub agency: String,
    pub covered: Vec<ElementKind>,
    pub missing: Vec<ElementKind>,
}

/// All four analyses of one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Analysis {
    pub gaps: Vec<ProcessGap>,
    pub redundancy: Vec<Redundancy>,
    pub orphans: Vec<Orphan>,
    pub completeness: Vec<Completeness>,
}

/// Element kinds by `(agency, code)` and the relations as `(kind, source, target)`, with the
/// relations of each element at hand (by source and by target) so that every analysis is one
/// pass over the model, not a scan of all relations per element: a province's model has ~100k
/// elements. The model is one period, so the period is left out of the keys.
struct Index<'a> {
    kinds: BTreeMap<ElementRef, &'a ModelElement>,
    edges: Vec<(RelationKind, ElementRef, ElementRef)>,
    /// Edge positions in `edges` by target, and by source.
    into: BTreeMap<&'a ElementRef, Vec<usize>>,
    out_of: BTreeMap<&'a ElementRef, Vec<usize>>,
}

impl<'a> Index<'a> {
    fn new(model: &'a ArchitectureModel) -> Self {
        let kinds = model
            .elements
            .iter()
            .map(|e| {
                (
                    ElementRef {
                        agency: e.agency.clone(),
                        code: e.spec.code.clone(),
                    },
                    e,
                )
            })
            .collect();
        let edges = model
            .relations
            .iter()
            .map(|r| (r.spec.kind, r.spec.source.clone(), r.spec.target.clone()))
            .collect();
        let mut into: BTreeMap<&ElementRef, Vec<usize>> = BTreeMap::new();
        let mut out_of: BTreeMap<&ElementRef, Vec<usize>> = BTreeMap::new();
        for (i, r) in model.relations.iter().enumerate() {
            into.entry(&r.spec.target).or_default().push(i);
            out_of.entry(&r.spec.source).or_default().push(i);
        }
        Self {
            kinds,
            edges,
            into,
            out_of,
        }
    }

    fn kind(&self, r: &ElementRef) -> Option<ElementKind> {
        self.kinds.get(r).map(|e| e.spec.kind())
    }

    /// Elements of `kind` with a relation of `rel` towards `target` (either direction when
    /// `both`: a process that realises a service is as covered as one a service serves).
    fn linked(
        &self,
        target: &ElementRef,
        rel: &[RelationKind],
        kind: ElementKind,
        both: bool,
    ) -> Vec<ElementRef> {
        let mut out = Vec::new();
        for &i in at(&self.into, target) {
            let Some((k, s, _)) = self.edges.get(i) else {
                continue;
            };
            if rel.contains(k) && self.kind(s) == Some(kind) {
                out.push(s.clone());
            }
        }
        if both {
            for &i in at(&self.out_of, target) {
                let Some((k, _, t)) = self.edges.get(i) else {
                    continue;
                };
                if rel.contains(k) && self.kind(t) == Some(kind) {
                    out.push(t.clone());
                }
            }
        }
        out
    }
}

/// The edge positions of `key` in one of the index's maps.
fn at<'m>(map: &'m BTreeMap<&ElementRef, Vec<usize>>, key: &ElementRef) -> &'m [usize] {
    map.get(key).map_or(&[], Vec::as_slice)
}

fn name(r: &ElementRef) -> String {
    r.to_string()
}

/// Runs every analysis on one period's model.
pub fn analyse(model: &ArchitectureModel) -> Analysis {
    let index = Index::new(model);
    Analysis {
        gaps: gaps(&index),
        redundancy: redundancy(&index),
        orphans: orphans(&index),
        completeness: completeness(model),
    }
}

fn gaps(index: &Index<'_>) -> Vec<ProcessGap> {
    use ElementKind::*;
    use RelationKind::*;
    let mut out = Vec::new();
    for (r, e) in &index.kinds {
        if e.spec.kind() != BusinessProcess {
            continue;
        }
        let services = index.linked(r, &[Serving, Realization], Service, true);
        let mut apps = index.linked(r, &[Serving], Application, false);
        for s in &services {
            apps.extend(index.linked(s, &[Serving, Realization], Application, false));
        }
        let mut data = index.linked(r, &[Access], DataSet, true);
        for a in &apps {
            data.extend(index.linked(a, &[Access], DataSet, true));
        }
        let gap = ProcessGap {
            agency: r.agency.to_string(),
            process: r.code.to_string(),
            no_service: services.is_empty(),
            no_application: apps.is_empty(),
            no_data: data.is_empty(),
        };
        if gap.no_service || gap.no_application || gap.no_data {
            out.push(gap);
        }
    }
    out
}

fn redundancy(index: &Index<'_>) -> Vec<Redundancy> {
    let mut groups: BTreeMap<String, BTreeSet<ElementRef>> = BTreeMap::new();
    for (kind, s, t) in &index.edges {
        let target_kind = index.kind(t);
        if *kind == RelationKind::Serving
            && index.kind(s) == Some(ElementKind::Application)
            && matches!(
                target_kind,
                Some(ElementKind::BusinessProcess | ElementKind::Service)
            )
        {
            groups
                .entry(format!("{} {}", target_kind.map_or("", |k| k.as_str()), t))
                .or_default()
                .insert(s.clone());
        }
    }
    for (r, e) in &index.kinds {
        if let (ElementKind::Application, Some(code)) = (e.spec.kind(), &e.spec.ref_code)
            && code.level() >= 3
        {
            groups
                .entry(format!("ref {}", code.as_str()))
                .or_default()
                .insert(r.clone());
        }
    }
    groups
        .into_iter()
        .filter(|(_, apps)| apps.iter().map(|a| &a.agency).collect::<BTreeSet<_>>().len() > 1)
        .map(|(shared, apps)| Redundancy {
            shared,
            applications: apps.iter().map(name).collect(),
        })
        .collect()
}

fn orphans(index: &Index<'_>) -> Vec<Orphan> {
    let mut served: BTreeSet<&ElementRef> = BTreeSet::new();
    for (kind, s, t) in &index.edges {
        if *kind == RelationKind::Realization && index.kind(t) == Some(ElementKind::Goal) {
            served.insert(s);
        }
    }
    let mut out = Vec::new();
    for (r, e) in &index.kinds {
        let kind = e.spec.kind();
        let no_owner = e.spec.owner.as_str().is_empty() && kind != ElementKind::Goal;
        let no_goal = ElementKind::DOMAINS.contains(&kind) && !served.contains(r);
        if no_owner || no_goal {
            out.push(Orphan {
                agency: r.agency.to_string(),
                code: r.code.to_string(),
                kind,
                no_owner,
                no_goal,
            });
        }
    }
    out
}

fn completeness(model: &ArchitectureModel) -> Vec<Completeness> {
    let mut covered: BTreeMap<&Code, BTreeSet<ElementKind>> = model
        .agencies
        .iter()
        .map(|a| (&a.code, BTreeSet::new()))
        .collect();
    for e in &model.elements {
        covered.entry(&e.agency).or_default().insert(e.spec.kind());
    }
    covered
        .into_iter()
        .map(|(agency, kinds)| Completeness {
            agency: agency.to_string(),
            covered: ElementKind::DOMAINS
                .into_iter()
                .filter(|k| kinds.contains(k))
                .collect(),
            missing: ElementKind::DOMAINS
                .into_iter()
                .filter(|k| !kinds.contains(k))
                .collect(),
        })
        .collect()
}

/// The key of a model element (for callers that join analyses back to elements).
pub fn key_of(e: &ModelElement) -> ElementKey {
    e.key()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::application::{LifecycleStage, RefCode};
    use crate::architecture::element::{Details, Disposition, ElementSpec, Fit, GoalLevel, ServiceArea};
    use crate::architecture::model::ModelRelation;
    use crate::architecture::period::Period;
    use crate::architecture::relation::RelationSpec;
    use crate::text::{Description, Line, Name};

    fn c(s: &str) -> Code {
        Code::parse(s).unwrap()
    }

    fn el(agency: &str, code: &str, details: Details, owner: &str) -> ModelElement {
        ModelElement {
            agency: c(agency),
            period: Period::parse("2025-2029").unwrap(),
            spec: ElementSpec {
                code: c(code),
                name: Name::parse(code).unwrap(),
                description: Description::default(),
                ref_code: None,
                parent: None,
                owner: Line::parse(owner).unwrap(),
                details,
            },
        }
    }

    fn app(agency: &str, code: &str) -> ModelElement {
        let mut e = el(
            agency,
            code,
            Details::Application {
                application: None,
                lifecycle: LifecycleStage::Active,
                technical_fit: Fit::Adequate,
                functional_fit: Fit::Adequate,
                disposition: Disposition::Invest,
            },
            "Bidang TI",
        );
        e.spec.ref_code = RefCode::parse("ref_code", "RAA.01.02.01").ok();
        e
    }

    fn rel(kind: RelationKind, from: (&str, &str), to: (&str, &str)) -> ModelRelation {
        ModelRelation {
            period: Period::parse("2025-2029").unwrap(),
            spec: RelationSpec {
                kind,
                source: ElementRef {
                    agency: c(from.0),
                    code: c(from.1),
                },
                target: ElementRef {
                    agency: c(to.0),
                    code: c(to.1),
                },
            },
        }
    }

    fn model() -> ArchitectureModel {
        ArchitectureModel {
            elements: vec![
                el("dinsos", "bansos", Details::BusinessProcess, "Bidang Linjamsos"),
                el("dinsos", "verifikasi", Details::BusinessProcess, ""),
                el(
                    "dinsos",
                    "layanan-bansos",
                    Details::Service {
                        area: ServiceArea::Public,
                    },
                    "Bidang Linjamsos",
                ),
                app("dinsos", "siks"),
                app("bpsdm", "simpeg"),
                el(
                    "dinsos",
                    "dtks",
                    Details::DataSet {
                        classification: crate::architecture::element::Classification::Rahasia,
                        producer: c("dinsos"),
                        walidata: Line::default(),
                    },
                    "Bidang Data",
                ),
                el(
                    "bappeda",
                    "misi-1",
                    Details::Goal {
                        level: GoalLevel::Misi,
                        target: Line::default(),
                    },
                    "",
                ),
            ],
            relations: vec![
                rel(
                    RelationKind::Serving,
                    ("dinsos", "layanan-bansos"),
                    ("dinsos", "bansos"),
                ),
                rel(
                    RelationKind::Realization,
                    ("dinsos", "siks"),
                    ("dinsos", "layanan-bansos"),
                ),
                rel(RelationKind::Access, ("dinsos", "siks"), ("dinsos", "dtks")),
                rel(
                    RelationKind::Serving,
                    ("bpsdm", "simpeg"),
                    ("dinsos", "verifikasi"),
                ),
                rel(
                    RelationKind::Serving,
                    ("dinsos", "siks"),
                    ("dinsos", "verifikasi"),
                ),
                rel(
                    RelationKind::Realization,
                    ("dinsos", "bansos"),
                    ("bappeda", "misi-1"),
                ),
            ],
            ..ArchitectureModel::default()
        }
    }

    #[test]
    fn a_process_with_service_application_and_data_has_no_gap() {
        let a = analyse(&model());
        assert_eq!(a.gaps.len(), 1, "{:#?}", a.gaps);
        let g = &a.gaps[0];
        assert_eq!(g.process, "verifikasi");
        assert!(g.no_service && !g.no_application && !g.no_data, "{g:?}");
    }

    #[test]
    fn applications_of_two_agencies_serving_one_process_are_candidates() {
        let a = analyse(&model());
        let shared: Vec<&str> = a.redundancy.iter().map(|r| r.shared.as_str()).collect();
        assert!(
            shared.contains(&"business_process dinsos/verifikasi"),
            "{shared:?}"
        );
        assert!(shared.contains(&"ref RAA.01.02.01"), "{shared:?}");
        assert!(a.redundancy.iter().all(|r| r.applications.len() == 2));
    }

    #[test]
    fn orphans_and_missing_domains_are_named() {
        let a = analyse(&model());
        let verifikasi = a.orphans.iter().find(|o| o.code == "verifikasi").unwrap();
        assert!(verifikasi.no_owner && verifikasi.no_goal);
        assert!(
            !a.orphans.iter().any(|o| o.code == "bansos"),
            "owned and serves misi-1"
        );
        let dinsos = a.completeness.iter().find(|c| c.agency == "dinsos").unwrap();
        assert_eq!(
            dinsos.missing,
            vec![ElementKind::Infrastructure, ElementKind::SecurityControl]
        );
    }
}
