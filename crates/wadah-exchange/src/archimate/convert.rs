//! A read [`Document`] → an [`ArchitectureModel`], with a report. Wadah's own exports carry
//! every fact as a property and convert without loss. Files from Archi or other tools are
//! mapped as far as they say: the agency comes from a `wadah:agency` property, else from an
//! organisation folder named after an agency (`dinsos` or `Dinas Sosial (dinsos)`), else from
//! the import's default agency; codes are derived from names; missing facts take the safe
//! default (a data set is `terbatas` until someone says it is open).
//!
//! Concepts outside the SPBE model (actors without Wadah properties, aggregation relations,
//! junctions…) are *skipped* and listed; a concept that belongs to the model but is wrong (a bad
//! code, an unknown agency, a relation between kinds that cannot relate) is a *problem*, and
//! any problem refuses the whole import.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use serde::de::DeserializeOwned;
use wadah_domain::agency::{AgencySpec, GovernmentSpec};
use wadah_domain::application::{LifecycleStage, RefCode};
use wadah_domain::architecture::element::{
    Classification, Disposition, Fit, GoalLevel, InfraCategory, ServiceArea,
};
use wadah_domain::architecture::{
    ArchitectureModel, BudgetLine, Details, ElementKind, ElementRef, ElementSpec, LocalRefCodeSpec,
    ModelElement, ModelRelation, Period, RelationSpec, RoadmapPart, RoadmapStatus, Rupiah, Year,
};
use wadah_domain::text::{Description, Line, Name};
use wadah_domain::{Code, ValidationError};

use super::read::{Concept, Document};
use super::vocab::{self, prop};

/// Defaults for what a file does not say.
#[derive(Debug, Clone)]
pub struct ConvertOptions {
    /// The agency of elements that name none.
    pub default_agency: Option<Code>,
    /// The period of elements that name none.
    pub default_period: Period,
    /// Agencies that exist where the model goes (code → government).
    pub known_agencies: BTreeMap<Code, Code>,
}

/// One reported item: where (identifier and name in the file) and what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    pub at: String,
    pub message: String,
}

/// The result of converting a document.
#[derive(Debug, Clone, Default)]
pub struct Converted {
    pub model: ArchitectureModel,
    pub skipped: Vec<Item>,
    pub problems: Vec<Item>,
    /// Where each model object came from: the `at` of its model problems (an element's key,
    /// a relation's `period key`) → the concept's identifier in the file.
    pub origins: HashMap<String, String>,
}

fn at(c: &Concept) -> String {
    if c.name.is_empty() {
        c.id.clone()
    } else {
        format!("{} ({})", c.id, c.name)
    }
}

fn parse_enum<T: DeserializeOwned>(field: &'static str, raw: &str) -> Result<T, ValidationError> {
    serde_json::from_value(serde_json::Value::String(raw.to_owned()))
        .map_err(|_| ValidationError::new(field, format!("{raw:?} is not a value of {field}")))
}

/// Converts a document.
pub fn convert(doc: &Document, options: &ConvertOptions) -> Converted {
    let mut out = Converted::default();
    actors(doc, &mut out);
    codes(doc, &mut out);
    let mut agencies: BTreeSet<Code> = options.known_agencies.keys().cloned().collect();
    agencies.extend(out.model.agencies.iter().map(|a| a.code.clone()));
    let mut ends: HashMap<&str, (ElementRef, Period, ElementKind)> = HashMap::new();
    let mut taken: BTreeSet<(Code, Period, Code)> = BTreeSet::new();
    for c in &doc.elements {
        if c.archimate_type == vocab::ACTOR_TYPE {
            continue; // `actors` took or skipped it
        }
        let Some(kind) = vocab::kind_of(&c.archimate_type) else {
            out.skipped.push(Item {
                at: at(c),
                message: format!("{} is not part of the SPBE model", c.archimate_type),
            });
            continue;
        };
        match element(c, kind, doc, options, &agencies, &mut taken) {
            Ok(e) => {
                let end = ElementRef {
                    agency: e.agency.clone(),
                    code: e.spec.code.clone(),
                };
                ends.insert(c.id.as_str(), (end, e.period, kind));
                out.origins.insert(e.key().to_string(), c.id.clone());
                out.model.elements.push(e);
            }
            Err(err) => out.problems.push(Item {
                at: at(c),
                message: err.to_string(),
            }),
        }
    }
    relations(doc, &ends, &mut out);
    out
}

fn actors(doc: &Document, out: &mut Converted) {
    for c in doc
        .elements
        .iter()
        .filter(|c| c.archimate_type == vocab::ACTOR_TYPE)
    {
        let result = match c.property(prop::ACTOR) {
            Some("government") => government(c).map(|g| out.model.governments.push(g)),
            Some("agency") => agency(c).map(|a| out.model.agencies.push(a)),
            Some(other) => Err(ValidationError::new(
                "wadah:actor",
                format!("unknown actor {other:?}"),
            )),
            None => {
                out.skipped.push(Item {
                    at: at(c),
                    message: "a business actor without wadah:actor is not part of the SPBE model".into(),
                });
                Ok(())
            }
        };
        if let Err(err) = result {
            out.problems.push(Item {
                at: at(c),
                message: err.to_string(),
            });
        }
    }
}

fn government(c: &Concept) -> Result<GovernmentSpec, ValidationError> {
    Ok(GovernmentSpec {
        code: Code::parse(c.property(prop::CODE).unwrap_or_default())?,
        name: Name::parse(&c.name)?,
        kind: parse_enum(
            "wadah:government-kind",
            c.property(prop::GOVERNMENT_KIND).unwrap_or("kota"),
        )?,
    })
}

fn agency(c: &Concept) -> Result<AgencySpec, ValidationError> {
    Ok(AgencySpec {
        code: Code::parse(c.property(prop::CODE).unwrap_or_default())?,
        name: Name::parse(&c.name)?,
        government: Code::parse_field("government", c.property(prop::GOVERNMENT).unwrap_or_default())?,
        description: Description::parse(&c.documentation)?,
        operator: c.property(prop::OPERATOR) == Some("true"),
    })
}

fn codes(doc: &Document, out: &mut Converted) {
    for (name, value) in &doc.properties {
        let result = if name == prop::NATIONAL_CODE {
            national(value).map(|s| out.model.national_codes.push(s))
        } else if name == prop::LOCAL_CODE {
            local(value).map(|s| out.model.local_codes.push(s))
        } else {
            continue;
        };
        if let Err(err) = result {
            out.problems.push(Item {
                at: format!("model property {name}"),
                message: err.to_string(),
            });
        }
    }
}

fn national(value: &str) -> Result<LocalRefCodeSpec, ValidationError> {
    let (code, name) = value.split_once(' ').unwrap_or((value, ""));
    Ok(LocalRefCodeSpec {
        code: RefCode::parse("code", code)?,
        name: Name::parse(name)?,
    })
}

fn local(value: &str) -> Result<(Code, LocalRefCodeSpec), ValidationError> {
    let (government, rest) = value.split_once(' ').unwrap_or((value, ""));
    Ok((Code::parse_field("government", government)?, national(rest)?))
}

/// The agency an element belongs to (see the module docs for the order).
fn agency_of(
    c: &Concept,
    doc: &Document,
    options: &ConvertOptions,
    agencies: &BTreeSet<Code>,
) -> Option<Code> {
    if let Some(raw) = c.property(prop::AGENCY) {
        return Code::parse(raw).ok();
    }
    let labels = doc.folders.get(&c.id).into_iter().flatten().rev();
    for label in labels {
        let inner = label
            .rsplit_once('(')
            .and_then(|(_, rest)| rest.strip_suffix(')'))
            .unwrap_or(label);
        if let Ok(code) = Code::parse(inner.trim())
            && agencies.contains(&code)
        {
            return Some(code);
        }
    }
    options.default_agency.clone()
}

/// A code from a name: lower-case ASCII letters and digits joined by single hyphens.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= 28 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if Code::parse(&out).is_ok() {
        out
    } else {
        format!("el-{out}").trim_end_matches('-').to_owned()
    }
}

fn element_code(
    c: &Concept,
    agency: &Code,
    period: Period,
    taken: &mut BTreeSet<(Code, Period, Code)>,
) -> Result<Code, ValidationError> {
    if let Some(raw) = c.property(prop::CODE) {
        let code = Code::parse(raw)?;
        if !taken.insert((agency.clone(), period, code.clone())) {
            return Err(ValidationError::new(
                "code",
                format!("{code} appears twice in {agency} for {period}"),
            ));
        }
        return Ok(code);
    }
    let base = slug(&c.name);
    for n in 1..10_000 {
        let candidate = if n == 1 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        if let Ok(code) = Code::parse(&candidate)
            && taken.insert((agency.clone(), period, code.clone()))
        {
            return Ok(code);
        }
    }
    Err(ValidationError::new(
        "code",
        "no free code could be derived from the name",
    ))
}

fn element(
    c: &Concept,
    kind: ElementKind,
    doc: &Document,
    options: &ConvertOptions,
    agencies: &BTreeSet<Code>,
    taken: &mut BTreeSet<(Code, Period, Code)>,
) -> Result<ModelElement, ValidationError> {
    let agency = agency_of(c, doc, options, agencies).ok_or_else(|| {
        ValidationError::new(
            "wadah:agency",
            "no agency: add the property wadah:agency, put the element in a folder named after the agency, or pass --agency",
        )
    })?;
    let period = match c.property(prop::PERIOD) {
        Some(raw) => Period::parse_field("wadah:period", raw)?,
        None => options.default_period,
    };
    let code = element_code(c, &agency, period, taken)?;
    let opt_code = |name: &'static str| {
        c.property(name)
            .map(|raw| Code::parse_field(name, raw))
            .transpose()
    };
    let ref_code = c
        .property(prop::REF_CODE)
        .map(|raw| RefCode::parse("spbe:kode-referensi", raw))
        .transpose()?;
    let details = details(c, kind, &agency, period, ref_code.as_ref())?;
    let spec = ElementSpec {
        code,
        name: Name::parse(&c.name)?,
        description: Description::parse(&c.documentation)?,
        ref_code,
        parent: opt_code(prop::PARENT)?,
        owner: Line::parse_field("wadah:owner", c.property(prop::OWNER).unwrap_or_default())?,
        details,
    };
    Ok(ModelElement { agency, period, spec })
}

fn details(
    c: &Concept,
    kind: ElementKind,
    agency: &Code,
    period: Period,
    ref_code: Option<&RefCode>,
) -> Result<Details, ValidationError> {
    let get = |name: &str| c.property(name);
    let or = |name: &'static str, default: &str| -> String { get(name).unwrap_or(default).to_owned() };
    Ok(match kind {
        ElementKind::BusinessProcess => Details::BusinessProcess,
        ElementKind::DataSet => Details::DataSet {
            classification: parse_enum::<Classification>(
                "spbe:klasifikasi",
                &or(prop::CLASSIFICATION, "terbatas"),
            )?,
            producer: Code::parse_field("spbe:produsen-data", &or(prop::PRODUCER, agency.as_str()))?,
            walidata: Line::parse_field("spbe:walidata", get(prop::WALIDATA).unwrap_or_default())?,
        },
        ElementKind::Service => {
            let default = if ref_code.is_some_and(|r| r.as_str().starts_with("RAL.02")) {
                "administration"
            } else {
                "public"
            };
            Details::Service {
                area: parse_enum::<ServiceArea>("spbe:jenis-layanan", &or(prop::AREA, default))?,
            }
        }
        ElementKind::Application => {
            let technical_fit: Fit = parse_enum("technical-fit", &or(prop::TECHNICAL_FIT, "adequate"))?;
            let functional_fit: Fit = parse_enum("functional-fit", &or(prop::FUNCTIONAL_FIT, "adequate"))?;
            let disposition = match get(prop::DISPOSITION) {
                Some(raw) => parse_enum("time-disposition", raw)?,
                None => Disposition::suggested(technical_fit, functional_fit),
            };
            Details::Application {
                application: get(prop::APPLICATION)
                    .map(|raw| Code::parse_field("wadah:application", raw))
                    .transpose()?,
                lifecycle: parse_enum::<LifecycleStage>("lifecycle", &or(prop::LIFECYCLE, "active"))?,
                technical_fit,
                functional_fit,
                disposition,
            }
        }
        ElementKind::Infrastructure => {
            let default = match c.archimate_type.as_str() {
                "CommunicationNetwork" => "network",
                "Facility" => "data_centre",
                _ => "server",
            };
            Details::Infrastructure {
                category: parse_enum::<InfraCategory>(
                    "spbe:kategori-infrastruktur",
                    &or(prop::CATEGORY, default),
                )?,
            }
        }
        ElementKind::SecurityControl => Details::SecurityControl {
            status: parse_enum("spbe:status-kontrol", &or(prop::CONTROL_STATUS, "planned"))?,
        },
        ElementKind::Goal => Details::Goal {
            level: parse_enum::<GoalLevel>("rpjmd:tingkat", &or(prop::GOAL_LEVEL, "misi"))?,
            target: Line::parse_field("rpjmd:target", get(prop::TARGET).unwrap_or_default())?,
        },
        ElementKind::RoadmapItem => roadmap(c, period)?,
    })
}

fn year(field: &'static str, raw: &str) -> Result<Year, ValidationError> {
    let n: u16 = raw
        .trim()
        .parse()
        .map_err(|_| ValidationError::new(field, format!("{raw:?} is not a year")))?;
    Year::parse(field, n)
}

fn roadmap(c: &Concept, period: Period) -> Result<Details, ValidationError> {
    let first_year = match c.property(prop::FIRST_YEAR) {
        Some(raw) => year("first-year", raw)?,
        None => period.first(),
    };
    let last_year = match c.property(prop::LAST_YEAR) {
        Some(raw) => year("last-year", raw)?,
        None => period.last(),
    };
    let mut budget = Vec::new();
    for raw in c.properties_named(prop::BUDGET) {
        let (y, amount) = raw
            .split_once('=')
            .ok_or_else(|| ValidationError::new("budget-rupiah", format!("{raw:?} is not YEAR=RUPIAH")))?;
        let amount: u64 = amount.trim().parse().map_err(|_| {
            ValidationError::new(
                "budget-rupiah",
                format!("{amount:?} is not a whole rupiah amount"),
            )
        })?;
        budget.push(BudgetLine {
            year: year("budget-rupiah", y)?,
            rupiah: Rupiah::parse("budget-rupiah", amount)?,
        });
    }
    let gaps = c
        .properties_named(prop::GAP)
        .map(|g| Line::parse_field("gap", g))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Details::RoadmapItem {
        part: parse_enum::<RoadmapPart>(
            "spbe:bagian-peta-rencana",
            c.property(prop::PART).unwrap_or("aplikasi"),
        )?,
        status: parse_enum::<RoadmapStatus>("status", c.property(prop::ROADMAP_STATUS).unwrap_or("planned"))?,
        first_year,
        last_year,
        budget,
        gaps,
    })
}

fn relations(doc: &Document, ends: &HashMap<&str, (ElementRef, Period, ElementKind)>, out: &mut Converted) {
    let mut seen = BTreeSet::new();
    for c in &doc.relationships {
        let Some(kind) = vocab::relation_kind_of(&c.archimate_type) else {
            out.skipped.push(Item {
                at: at(c),
                message: format!("{} relations are not part of the SPBE model", c.archimate_type),
            });
            continue;
        };
        let (Some(source), Some(target)) = (ends.get(c.source.as_str()), ends.get(c.target.as_str())) else {
            out.skipped.push(Item {
                at: at(c),
                message: "one of its ends is not an SPBE element (skipped or missing)".into(),
            });
            continue;
        };
        let problem = |message: String| Item { at: at(c), message };
        if source.1 != target.1 {
            out.problems
                .push(problem(format!("it joins periods {} and {}", source.1, target.1)));
            continue;
        }
        if let Err(err) = kind.check(source.2, target.2) {
            out.problems.push(problem(err.message));
            continue;
        }
        let spec = RelationSpec {
            kind,
            source: source.0.clone(),
            target: target.0.clone(),
        };
        if let Err(err) = spec.validate() {
            out.problems.push(problem(err.message));
            continue;
        }
        if seen.insert((source.1, spec.key())) {
            out.origins
                .insert(format!("{} {}", source.1, spec.key()), c.id.clone());
            out.model.relations.push(ModelRelation {
                period: source.1,
                spec,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_codes() {
        assert_eq!(
            slug("Penyaluran Bantuan Sosial (PKH)"),
            "penyaluran-bantuan-sosial-pk"
        );
        assert_eq!(slug("SIMPEG"), "simpeg");
        assert_eq!(slug("é"), "el");
        assert_eq!(slug("API"), "el-api", "api is reserved");
        for name in ["x", "  --  ", "Ω", "Data Center 1"] {
            assert!(Code::parse(&slug(name)).is_ok(), "{name}");
        }
    }
}
