//! Export and import through a real (SQLite) store: a file imports into an empty data dir in
//! one go and exports back identically; a file with one broken relation imports nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use common::{sample_model, validate_with_xmllint};
use wadah_domain::Actor;
use wadah_domain::architecture::Period;
use wadah_domain::time::from_millis;
use wadah_exchange::archimate::read::read;
use wadah_exchange::archimate::write::write;
use wadah_exchange::import::ImportError;
use wadah_exchange::{ImportOptions, export_archimate, import_archimate};
use wadah_store::{AgencyFilter, ArchModelFilter, Change, PageRequest, Store};
use wadah_store_sqlite::testing::TempSqlite;

fn change() -> Change {
    Change {
        actor: Actor::system("import-test"),
        at: from_millis(1_767_225_600_000),
    }
}

fn options() -> ImportOptions {
    ImportOptions {
        default_agency: None,
        default_period: Period::parse("2025-2029").unwrap(),
        dry_run: false,
        scope: None,
    }
}

async fn empty_store() -> (Arc<dyn Store>, TempSqlite) {
    let temp = TempSqlite::new().unwrap();
    let store: Arc<dyn Store> = Arc::new(temp.open().await.unwrap());
    (store, temp)
}

#[tokio::test]
async fn a_file_imports_into_an_empty_store_and_exports_back_the_same() {
    let xml = write(&sample_model(), "Bontang");
    let (store, _guard) = empty_store().await;
    let report = import_archimate(&*store, xml.as_bytes(), &options(), &change())
        .await
        .unwrap();
    let written = report.written.unwrap();
    assert_eq!((written.agencies_created, written.elements_created), (3, 10));
    assert_eq!(written.relations_created, 10);
    let exported = export_archimate(&*store, &ArchModelFilter::default(), "Bontang")
        .await
        .unwrap();
    validate_with_xmllint(&exported);
    let (a, b) = (read(xml.as_bytes()).unwrap(), read(exported.as_bytes()).unwrap());
    assert_eq!(a.elements.len(), b.elements.len());
    assert_eq!(a.relationships.len(), b.relationships.len());
    assert_eq!(a.property_count, b.property_count);

    // Into a second, empty data dir: the export of the first imports to the same export.
    let (second, _guard2) = empty_store().await;
    import_archimate(&*second, exported.as_bytes(), &options(), &change())
        .await
        .unwrap();
    let again = export_archimate(&*second, &ArchModelFilter::default(), "Bontang")
        .await
        .unwrap();
    assert_eq!(again, exported);

    // Importing the same file again changes nothing.
    let report = import_archimate(&*store, exported.as_bytes(), &options(), &change())
        .await
        .unwrap();
    let written = report.written.unwrap();
    assert_eq!(
        (
            written.elements_created,
            written.elements_unchanged,
            written.relations_unchanged
        ),
        (0, 10, 10)
    );
}

#[tokio::test]
async fn a_file_with_one_problem_imports_nothing_and_says_where() {
    let mut model = sample_model();
    // An access relation from a data set to an application: a kind mismatch.
    model.relations.push(serde_json::from_value(serde_json::json!({
        "period": "2025-2029",
        "spec": {"kind": "access", "source": {"agency": "dinsos", "code": "dtks"}, "target": {"agency": "dinsos", "code": "siks"}}
    })).unwrap());
    let xml = write(&model, "Bontang");
    let (store, _guard) = empty_store().await;
    let err = import_archimate(&*store, xml.as_bytes(), &options(), &change())
        .await
        .unwrap_err();
    let ImportError::Refused(report) = err else {
        panic!("{err}")
    };
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    assert!(
        report.problems[0].at.contains("r.2025-2029.access.dinsos.dtks"),
        "{:?}",
        report.problems[0]
    );
    assert!(
        report.problems[0]
            .message
            .contains("access relation cannot go from a data_set")
    );
    let agencies = store
        .list_agencies(&AgencyFilter::default(), &PageRequest::first(10))
        .await
        .unwrap();
    assert!(agencies.items.is_empty(), "nothing was written");
}

#[tokio::test]
async fn hostile_files_are_refused_before_touching_the_store() {
    let (store, _guard) = empty_store().await;
    let bomb = br#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&b;</name></model>"#;
    let err = import_archimate(&*store, bomb, &options(), &change())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("DOCTYPE"), "{err}");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("<model/>".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let err = import_archimate(&*store, &utf16, &options(), &change())
        .await
        .unwrap_err();
    assert_eq!(err.to_string(), "the file is UTF-16; save it as UTF-8");
    assert_eq!(store.registry_version().await.unwrap(), 0);
}
