//! The ArchiMate exchange format without a store: an export validates against The Open
//! Group's XSD (with xmllint, offline, using the schemas shipped in `schema/`), reads back into
//! the same model, and a file written the way Archi writes one imports with its non-SPBE
//! concepts skipped and reported.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;

use common::{sample_model, validate_with_xmllint};
use wadah_domain::Code;
use wadah_domain::architecture::{ElementKind, Period};
use wadah_exchange::archimate::convert::{ConvertOptions, convert};
use wadah_exchange::archimate::read::{ReadError, read, read_limited};
use wadah_exchange::archimate::write::write;

fn options(known: &[(&str, &str)]) -> ConvertOptions {
    ConvertOptions {
        default_agency: None,
        default_period: Period::parse("2025-2029").unwrap(),
        known_agencies: known
            .iter()
            .map(|(a, g)| (Code::parse(a).unwrap(), Code::parse(g).unwrap()))
            .collect::<BTreeMap<_, _>>(),
    }
}

#[test]
fn an_export_validates_against_the_open_group_schema() {
    let xml = write(&sample_model(), "Arsitektur SPBE Kota Bontang");
    validate_with_xmllint(&xml);
    assert!(xml.contains(r#"xsi:type="Diagram""#), "has a view");
    assert!(
        xml.contains("<label xml:lang=\"id\">Dinas Sosial (dinsos)</label>"),
        "agency folder"
    );
    assert!(
        xml.contains("<label xml:lang=\"id\">Proses Bisnis</label>"),
        "domain folder"
    );
}

#[test]
fn an_invalid_file_fails_the_schema_check() {
    // Guards the guard: a file missing required attributes must not pass the validation helper.
    let xml = write(&sample_model(), "x").replacen(r#" xsi:type="BusinessProcess""#, "", 1);
    assert!(
        !common::xmllint_accepts(&xml),
        "xmllint must refuse an element without a type"
    );
}

#[test]
fn an_export_reads_back_without_loss() {
    let model = sample_model();
    let xml = write(&model, "Bontang");
    let doc = read(xml.as_bytes()).unwrap();
    let converted = convert(&doc, &options(&[]));
    assert_eq!(converted.problems, vec![]);
    assert_eq!(converted.skipped, vec![]);
    assert_eq!(converted.model, model);
    assert_eq!(
        write(&converted.model, "Bontang"),
        xml,
        "a second export is byte for byte the first"
    );
    let relationships = doc.relationships.len();
    assert_eq!(relationships, model.relations.len());
}

#[test]
fn a_file_written_by_archi_imports_with_skips_reported() {
    let raw = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/archi-dinsos.xml"
    ))
    .unwrap();
    let doc = read(&raw).unwrap();
    assert_eq!(doc.views, 1);
    let converted = convert(&doc, &options(&[("dinsos", "bontang")]));
    assert_eq!(converted.problems, vec![], "{:#?}", converted.problems);
    let m = &converted.model;
    let counts = m.counts();
    assert_eq!(
        counts[&ElementKind::BusinessProcess],
        2,
        "a BusinessFunction counts as a process"
    );
    assert_eq!(m.elements.len(), 7);
    assert!(
        m.elements.iter().all(|e| e.agency.as_str() == "dinsos"),
        "agency from the folder names"
    );
    let siks = m
        .elements
        .iter()
        .find(|e| e.spec.name.as_str() == "SIKS-NG")
        .unwrap();
    assert_eq!(siks.spec.code.as_str(), "siks-ng");
    assert_eq!(siks.spec.ref_code.as_ref().unwrap().as_str(), "RAA.02.01");
    let data = m
        .elements
        .iter()
        .find(|e| e.spec.kind() == ElementKind::DataSet)
        .unwrap();
    assert!(
        format!("{:?}", data.spec.details).contains("Rahasia"),
        "{:?}",
        data.spec.details
    );
    assert_eq!(m.relations.len(), 6);
    let skipped: Vec<&str> = converted.skipped.iter().map(|s| s.message.as_str()).collect();
    assert_eq!(skipped.len(), 4, "{skipped:#?}");
    assert!(skipped.iter().any(|s| s.contains("Aggregation")));
    assert!(skipped.iter().any(|s| s.contains("AndJunction")));
    assert_eq!(
        m.problems(&options(&[("dinsos", "bontang")]).known_agencies),
        vec![]
    );
}

#[test]
fn elements_without_an_agency_are_problems_unless_a_default_is_given() {
    let raw = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/archi-dinsos.xml"
    ))
    .unwrap();
    let doc = read(&raw).unwrap();
    let converted = convert(&doc, &options(&[]));
    assert_eq!(converted.problems.len(), 7, "{:#?}", converted.problems);
    assert!(converted.problems[0].message.contains("wadah:agency"));
    let mut with_default = options(&[]);
    with_default.default_agency = Code::parse("dinsos").ok();
    assert_eq!(convert(&doc, &with_default).problems, vec![]);
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let xml = write(&sample_model(), "x");
    assert_eq!(read_limited(xml.as_bytes(), 100), Err(ReadError::TooLarge));
}
