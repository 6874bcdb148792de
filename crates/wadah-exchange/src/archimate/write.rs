//! Model → exchange file. The output is deterministic (same model, same bytes): elements in
//! key order, identifiers derived from keys, so two exports diff cleanly and a re-import
//! matches objects by key. Governments and agencies become `BusinessActor`s (so the file
//! carries what an empty data dir needs); reference codes become model properties.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use quick_xml::escape::escape;
use serde::Serialize;
use wadah_domain::architecture::{
    ArchitectureModel, Details, ElementKind, ModelElement, Period, RelationKind,
};

use super::NAMESPACE;
use super::vocab::{self, prop};

/// Writes `model` as an exchange file named `name`.
pub fn write(model: &ArchitectureModel, name: &str) -> String {
    let mut w = Writer::default();
    w.line(0, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    w.line(
        0,
        &format!(
            r#"<model xmlns="{NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="{NAMESPACE} http://www.opengroup.org/xsd/archimate/3.1/archimate3_Diagram.xsd" identifier="model.wadah">"#
        ),
    );
    w.text(1, "name", name);
    w.properties(1, &model_properties(model));
    let periods: BTreeMap<Period, ()> = model.elements.iter().map(|e| (e.period, ())).collect();
    let has_elements =
        !model.elements.is_empty() || !model.governments.is_empty() || !model.agencies.is_empty();
    if has_elements {
        w.line(1, "<elements>");
        for g in &model.governments {
            let props = vec![
                (prop::ACTOR, "government".to_owned()),
                (prop::CODE, g.code.to_string()),
                (prop::GOVERNMENT_KIND, enum_text(&g.kind)),
            ];
            w.element(
                &vocab::actor_id("government", &g.code),
                vocab::ACTOR_TYPE,
                g.name.as_str(),
                "",
                &props,
            );
        }
        for a in &model.agencies {
            let mut props = vec![
                (prop::ACTOR, "agency".to_owned()),
                (prop::CODE, a.code.to_string()),
                (prop::GOVERNMENT, a.government.to_string()),
            ];
            if a.operator {
                props.push((prop::OPERATOR, "true".to_owned()));
            }
            w.element(
                &vocab::actor_id("agency", &a.code),
                vocab::ACTOR_TYPE,
                a.name.as_str(),
                a.description.as_str(),
                &props,
            );
        }
        for e in &model.elements {
            let id = vocab::element_id(e.period, &e.agency, &e.spec.code);
            let t = vocab::element_type(e.spec.kind());
            w.element(
                &id,
                t,
                e.spec.name.as_str(),
                e.spec.description.as_str(),
                &element_properties(e),
            );
        }
        w.line(1, "</elements>");
    }
    if !model.relations.is_empty() {
        w.line(1, "<relationships>");
        for r in &model.relations {
            let id = vocab::relation_id(r.period, &r.spec);
            let source = vocab::element_id(r.period, &r.spec.source.agency, &r.spec.source.code);
            let target = vocab::element_id(r.period, &r.spec.target.agency, &r.spec.target.code);
            let t = vocab::relationship_type(r.spec.kind);
            w.line(
                2,
                &format!(
                    r#"<relationship identifier="{id}" source="{source}" target="{target}" xsi:type="{t}"/>"#
                ),
            );
        }
        w.line(1, "</relationships>");
    }
    if has_elements {
        organizations(&mut w, model, periods.keys().copied().collect());
    }
    w.line(1, "<propertyDefinitions>");
    for name in prop::ALL {
        w.line(
            2,
            &format!(
                r#"<propertyDefinition identifier="{}" type="string">"#,
                prop::definition_id(name)
            ),
        );
        w.text(3, "name", name);
        w.line(2, "</propertyDefinition>");
    }
    w.line(1, "</propertyDefinitions>");
    if !periods.is_empty() {
        w.line(1, "<views>");
        w.line(2, "<diagrams>");
        for period in periods.keys() {
            cooperation_view(&mut w, model, *period);
        }
        w.line(2, "</diagrams>");
        w.line(1, "</views>");
    }
    w.line(0, "</model>");
    w.out
}

pub(crate) fn enum_text<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

pub(crate) fn model_properties(model: &ArchitectureModel) -> Vec<(&'static str, String)> {
    let mut props = Vec::new();
    for c in &model.national_codes {
        props.push((prop::NATIONAL_CODE, format!("{} {}", c.code.as_str(), c.name)));
    }
    for (g, c) in &model.local_codes {
        props.push((prop::LOCAL_CODE, format!("{g} {} {}", c.code.as_str(), c.name)));
    }
    props
}

/// Every fact of an element that is not its name or description, as properties. Empty
/// optional values are left out (they read back as the same empty value).
pub fn element_properties(e: &ModelElement) -> Vec<(&'static str, String)> {
    let s = &e.spec;
    let mut p = vec![
        (prop::AGENCY, e.agency.to_string()),
        (prop::PERIOD, e.period.to_string()),
        (prop::CODE, s.code.to_string()),
    ];
    let mut opt = |name: &'static str, value: &str| {
        if !value.is_empty() {
            p.push((name, value.to_owned()));
        }
    };
    opt(prop::REF_CODE, s.ref_code.as_ref().map_or("", |c| c.as_str()));
    opt(prop::PARENT, s.parent.as_ref().map_or("", |c| c.as_str()));
    opt(prop::OWNER, s.owner.as_str());
    match &s.details {
        Details::BusinessProcess => {}
        Details::DataSet {
            classification,
            producer,
            walidata,
        } => {
            p.push((prop::CLASSIFICATION, enum_text(classification)));
            p.push((prop::PRODUCER, producer.to_string()));
            if !walidata.as_str().is_empty() {
                p.push((prop::WALIDATA, walidata.to_string()));
            }
        }
        Details::Service { area } => p.push((prop::AREA, enum_text(area))),
        Details::Application {
            application,
            lifecycle,
            technical_fit,
            functional_fit,
            disposition,
        } => {
            if let Some(app) = application {
                p.push((prop::APPLICATION, app.to_string()));
            }
            p.push((prop::LIFECYCLE, enum_text(lifecycle)));
            p.push((prop::TECHNICAL_FIT, enum_text(technical_fit)));
            p.push((prop::FUNCTIONAL_FIT, enum_text(functional_fit)));
            p.push((prop::DISPOSITION, enum_text(disposition)));
        }
        Details::Infrastructure { category } => p.push((prop::CATEGORY, enum_text(category))),
        Details::SecurityControl { status } => p.push((prop::CONTROL_STATUS, enum_text(status))),
        Details::Goal { level, target } => {
            p.push((prop::GOAL_LEVEL, enum_text(level)));
            if !target.as_str().is_empty() {
                p.push((prop::TARGET, target.to_string()));
            }
        }
        Details::RoadmapItem {
            part,
            status,
            first_year,
            last_year,
            budget,
            gaps,
        } => {
            p.push((prop::PART, enum_text(part)));
            p.push((prop::ROADMAP_STATUS, enum_text(status)));
            p.push((prop::FIRST_YEAR, first_year.to_string()));
            p.push((prop::LAST_YEAR, last_year.to_string()));
            for line in budget {
                p.push((prop::BUDGET, format!("{}={}", line.year, line.rupiah.get())));
            }
            for gap in gaps {
                p.push((prop::GAP, gap.to_string()));
            }
        }
    }
    p
}

/// One folder per agency with a sub-folder per domain, then the relations and the views.
fn organizations(w: &mut Writer, model: &ArchitectureModel, periods: Vec<Period>) {
    let mut by_agency: BTreeMap<String, BTreeMap<ElementKind, Vec<String>>> = BTreeMap::new();
    for e in &model.elements {
        by_agency
            .entry(e.agency.to_string())
            .or_default()
            .entry(e.spec.kind())
            .or_default()
            .push(vocab::element_id(e.period, &e.agency, &e.spec.code));
    }
    let names: BTreeMap<String, &str> = model
        .agencies
        .iter()
        .map(|a| (a.code.to_string(), a.name.as_str()))
        .collect();
    w.line(1, "<organizations>");
    w.line(2, "<item>");
    w.text(3, "label", "Pemerintah dan Perangkat Daerah");
    for g in &model.governments {
        w.line(
            3,
            &format!(
                r#"<item identifierRef="{}"/>"#,
                vocab::actor_id("government", &g.code)
            ),
        );
    }
    for a in &model.agencies {
        w.line(
            3,
            &format!(
                r#"<item identifierRef="{}"/>"#,
                vocab::actor_id("agency", &a.code)
            ),
        );
    }
    w.line(2, "</item>");
    for (agency, kinds) in &by_agency {
        w.line(2, "<item>");
        let label = names
            .get(agency)
            .map_or_else(|| agency.clone(), |n| format!("{n} ({agency})"));
        w.text(3, "label", &label);
        for (kind, ids) in kinds {
            w.line(3, "<item>");
            w.text(4, "label", kind.label());
            for id in ids {
                w.line(4, &format!(r#"<item identifierRef="{id}"/>"#));
            }
            w.line(3, "</item>");
        }
        w.line(2, "</item>");
    }
    if !model.relations.is_empty() {
        w.line(2, "<item>");
        w.text(3, "label", "Relasi");
        for r in &model.relations {
            w.line(
                3,
                &format!(
                    r#"<item identifierRef="{}"/>"#,
                    vocab::relation_id(r.period, &r.spec)
                ),
            );
        }
        w.line(2, "</item>");
    }
    w.line(2, "<item>");
    w.text(3, "label", "Views");
    for p in periods {
        w.line(
            3,
            &format!(r#"<item identifierRef="v.{p}.application-cooperation"/>"#),
        );
    }
    w.line(2, "</item>");
    w.line(1, "</organizations>");
}

/// The application cooperation view of a period: applications and the data they access, and
/// the serving, flow and access relations among them, on a simple grid.
fn cooperation_view(w: &mut Writer, model: &ArchitectureModel, period: Period) {
    w.line(
        3,
        &format!(r#"<view identifier="v.{period}.application-cooperation" xsi:type="Diagram" viewpoint="Application Cooperation">"#),
    );
    w.text(4, "name", &format!("Kerja sama aplikasi {period}"));
    let shown: Vec<&ModelElement> = model
        .elements
        .iter()
        .filter(|e| {
            e.period == period && matches!(e.spec.kind(), ElementKind::Application | ElementKind::DataSet)
        })
        .collect();
    let mut node_of = BTreeMap::new();
    for (i, e) in shown.iter().enumerate() {
        let id = vocab::element_id(period, &e.agency, &e.spec.code);
        let node = format!("n.{id}");
        let (x, y) = (20 + (i % 5) * 180, 20 + (i / 5) * 100);
        w.line(
            4,
            &format!(r#"<node identifier="{node}" elementRef="{id}" xsi:type="Element" x="{x}" y="{y}" w="150" h="60"/>"#),
        );
        node_of.insert(id, node);
    }
    for r in model.relations.iter().filter(|r| r.period == period) {
        if !matches!(
            r.spec.kind,
            RelationKind::Serving | RelationKind::Flow | RelationKind::Access
        ) {
            continue;
        }
        let s = vocab::element_id(period, &r.spec.source.agency, &r.spec.source.code);
        let t = vocab::element_id(period, &r.spec.target.agency, &r.spec.target.code);
        if let (Some(sn), Some(tn)) = (node_of.get(&s), node_of.get(&t)) {
            let rid = vocab::relation_id(period, &r.spec);
            w.line(
                4,
                &format!(r#"<connection identifier="c.{rid}" relationshipRef="{rid}" xsi:type="Relationship" source="{sn}" target="{tn}"/>"#),
            );
        }
    }
    w.line(3, "</view>");
}

/// An indenting text sink; every text and attribute value goes through `escape`.
#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    fn line(&mut self, depth: usize, text: &str) {
        for _ in 0..depth {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn text(&mut self, depth: usize, tag: &str, value: &str) {
        let line = format!(r#"<{tag} xml:lang="id">{}</{tag}>"#, escape(value));
        self.line(depth, &line);
    }

    fn properties(&mut self, depth: usize, props: &[(&str, String)]) {
        if props.is_empty() {
            return;
        }
        self.line(depth, "<properties>");
        for (name, value) in props {
            self.line(
                depth + 1,
                &format!(
                    r#"<property propertyDefinitionRef="{}">"#,
                    prop::definition_id(name)
                ),
            );
            self.text(depth + 2, "value", value);
            self.line(depth + 1, "</property>");
        }
        self.line(depth, "</properties>");
    }

    fn element(&mut self, id: &str, t: &str, name: &str, documentation: &str, props: &[(&str, String)]) {
        self.line(2, &format!(r#"<element identifier="{id}" xsi:type="{t}">"#));
        self.text(3, "name", name);
        if !documentation.is_empty() {
            let mut line = String::new();
            // A carriage return would come back as a newline (XML normalises line ends).
            let text = escape(documentation).replace('\r', "&#13;");
            let _ = write!(line, r#"<documentation xml:lang="id">{text}</documentation>"#);
            self.line(3, &line);
        }
        self.properties(3, props);
        self.line(2, "</element>");
    }
}
