//! The table formats through a real (SQLite) store: the XLSX inventory workbook (template with
//! drop-downs, formula-safe cells, import with a report per row) and Archi's three CSV files
//! (round trip, per-row report), with the hostile files (zip bombs, not an XLSX, wrong
//! encodings), the dry run and the agency scoping.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Cursor, Read as _, Write as _};
use std::sync::Arc;

use common::sample_model;
use rust_xlsxwriter::{Formula, Workbook};
use wadah_domain::architecture::Period;
use wadah_domain::time::from_millis;
use wadah_domain::{Actor, Code};
use wadah_exchange::archimate::write::write;
use wadah_exchange::csv::write_csv;
use wadah_exchange::csv_read::CsvInput;
use wadah_exchange::zipguard::{self, MAX_ENTRIES, MAX_UNCOMPRESSED_BYTES, ZipError};
use wadah_exchange::{
    ImportOptions, RowReport, RowStatus, TableImportError, TableReport, export_xlsx, import_archimate,
    import_csv, import_xlsx,
};
use wadah_store::{ArchModelFilter, Change, Store};
use wadah_store_sqlite::testing::TempSqlite;

fn change() -> Change {
    Change {
        actor: Actor::system("import-test"),
        at: from_millis(1_767_225_600_000),
    }
}

fn period() -> Period {
    Period::parse("2025-2029").unwrap()
}

fn options(dry_run: bool, scope: Option<&str>) -> ImportOptions {
    ImportOptions {
        default_agency: None,
        default_period: period(),
        dry_run,
        scope: scope.map(|s| Code::parse(s).unwrap()),
    }
}

async fn empty_store() -> (Arc<dyn Store>, TempSqlite) {
    let temp = TempSqlite::new().unwrap();
    let store: Arc<dyn Store> = Arc::new(temp.open().await.unwrap());
    (store, temp)
}

/// A store holding the sample model (three agencies of Bontang, ten elements).
async fn sample_store() -> (Arc<dyn Store>, TempSqlite) {
    let (store, guard) = empty_store().await;
    let xml = write(&sample_model(), "Bontang");
    import_archimate(&*store, xml.as_bytes(), &options(false, None), &change())
        .await
        .unwrap();
    (store, guard)
}

async fn element_count(store: &dyn Store) -> usize {
    store
        .architecture_model(&ArchModelFilter::default())
        .await
        .unwrap()
        .elements
        .len()
}

/// A workbook with one sheet per `(name, rows)`; the first row is the header.
fn workbook(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, text) in row.iter().enumerate() {
                if !text.is_empty() {
                    ws.write_string(r as u32, c as u16, *text).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn entry(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap().read_to_string(&mut text).unwrap();
    text
}

fn row<'a>(report: &'a TableReport, sheet: &str, number: usize) -> &'a RowReport {
    report
        .rows
        .iter()
        .find(|r| r.sheet == sheet && r.row == number)
        .unwrap_or_else(|| panic!("no row {sheet}:{number} in {:#?}", report.rows))
}

fn refused(result: Result<TableReport, TableImportError>) -> TableReport {
    match result {
        Err(TableImportError::Refused(report)) => *report,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn the_template_has_drop_downs_reference_codes_and_the_stored_rows() {
    let (store, _guard) = sample_store().await;
    let bytes = export_xlsx(&*store, Some(&Code::parse("dinsos").unwrap()), period())
        .await
        .unwrap();
    let workbook_xml = entry(&bytes, "xl/workbook.xml");
    for sheet in [
        "Petunjuk",
        "Aplikasi",
        "Layanan",
        "Data",
        "Proses Bisnis",
        "Kode Referensi",
    ] {
        assert!(workbook_xml.contains(&format!("name=\"{sheet}\"")), "{sheet}");
    }
    assert!(
        workbook_xml.contains(r#"name="Daftar" sheetId="7" state="hidden""#),
        "the lists sheet is hidden: {workbook_xml}"
    );
    // Aplikasi is the second sheet: the lifecycle, fit and disposition columns are drop-downs
    // fed by the lists sheet, and so are the agency and the reference code.
    let apps = entry(&bytes, "xl/worksheets/sheet2.xml");
    assert!(
        apps.matches(r#"<dataValidation type="list""#).count() >= 6,
        "{apps}"
    );
    assert!(
        apps.contains("<formula1>Daftar!$A$2:$A$2</formula1>"),
        "one agency in dinsos's workbook"
    );
    let shared = entry(&bytes, "xl/sharedStrings.xml");
    assert!(
        shared.contains("SIKS-NG"),
        "dinsos's application is in its workbook"
    );
    assert!(!shared.contains("SIMPEG"), "bpsdm's is not");
    assert!(
        shared.contains("RAB.04.02.01"),
        "the government's local code is listed"
    );
    assert!(shared.contains("phase-in"), "the lifecycle list");
}

#[tokio::test]
async fn exported_cells_cannot_run_as_formulas() {
    let (store, _guard) = sample_store().await;
    let mut model = sample_model();
    model.elements[1].spec.name =
        wadah_domain::text::Name::parse("=HYPERLINK(\"http://x.test\",\"klik\")").unwrap();
    model.elements[1].spec.owner = wadah_domain::text::Line::parse("@SUM(A1)").unwrap();
    import_archimate(
        &*store,
        write(&model, "x").as_bytes(),
        &options(false, None),
        &change(),
    )
    .await
    .unwrap();
    let bytes = export_xlsx(&*store, None, period()).await.unwrap();
    let processes = entry(&bytes, "xl/worksheets/sheet5.xml");
    assert!(!processes.contains("<f>"), "no formula cell: {processes}");
    let styles = entry(&bytes, "xl/styles.xml");
    assert!(
        styles.contains("quotePrefix=\"1\""),
        "formula-like text is quote-prefixed"
    );
    let shared = entry(&bytes, "xl/sharedStrings.xml");
    assert!(
        shared.contains("=HYPERLINK(") && shared.contains("http://x.test"),
        "kept as text: {shared}"
    );

    // And read back, the text is the text: nothing was evaluated on the way.
    let report = import_xlsx(&*store, &bytes, &options(false, None), &change())
        .await
        .unwrap();
    let written = report.written.clone().unwrap();
    assert_eq!(written.elements_unchanged, 5, "{report:#?}");
    assert_eq!(written.elements_created + written.elements_updated, 0);
}

#[tokio::test]
async fn the_workbook_round_trips_through_the_store() {
    let (store, _guard) = sample_store().await;
    let bytes = export_xlsx(&*store, None, period()).await.unwrap();
    let report = import_xlsx(&*store, &bytes, &options(false, None), &change())
        .await
        .unwrap();
    assert_eq!(report.count(RowStatus::Accepted), 5, "{report:#?}");
    let written = report.written.unwrap();
    assert_eq!(
        (written.elements_unchanged, written.relations_unchanged),
        (5, 4),
        "the five inventory elements and the four relations their columns carry"
    );
}

#[tokio::test]
async fn every_rejected_row_says_why_and_nothing_is_written() {
    let (store, _guard) = sample_store().await;
    let before = element_count(&*store).await;
    let head = vec![
        "Kode Instansi",
        "Kode*",
        "Nama*",
        "Kode Referensi",
        "Induk",
        "Siklus Hidup*",
        "Kesesuaian Teknis*",
        "Kesesuaian Fungsional*",
        "Layanan yang Diwujudkan",
        "Data yang Diakses",
    ];
    let apps = vec![
        head,
        vec![
            "dinsos",
            "e-bansos",
            "e-Bansos",
            "RAA.01.02",
            "",
            "active",
            "adequate",
            "excellent",
            "layanan-bansos",
            "dtks",
        ],
        vec![
            "dinsos",
            "tanpa-nama",
            "",
            "",
            "",
            "active",
            "adequate",
            "adequate",
            "",
            "",
        ],
        vec![
            "dinsos",
            "salah-enum",
            "Salah",
            "",
            "",
            "retired",
            "adequate",
            "adequate",
            "",
            "",
        ],
        vec![
            "dinsos",
            "kode-asing",
            "Asing",
            "RAA.09.09",
            "",
            "active",
            "adequate",
            "adequate",
            "",
            "",
        ],
        vec![
            "dinsos",
            "yatim",
            "Yatim",
            "",
            "tidak-ada",
            "active",
            "adequate",
            "adequate",
            "",
            "",
        ],
        vec![
            "dinsos",
            "putus",
            "Putus",
            "",
            "",
            "active",
            "adequate",
            "adequate",
            "",
            "data-hilang",
        ],
        vec![
            "dinsos", "e-bansos", "Lagi", "", "", "active", "adequate", "adequate", "", "",
        ],
        vec![
            "dinas-hantu",
            "hantu",
            "Hantu",
            "",
            "",
            "active",
            "adequate",
            "adequate",
            "",
            "",
        ],
        vec!["", "", "", "", "", "", "", "", "", ""],
    ];
    let services = vec![
        vec!["Kode Instansi", "Kode", "Nama", "Jenis Layanan"],
        vec!["dinsos", "pengaduan", "Pengaduan", "public"],
    ];
    let bytes = workbook(&[
        ("Aplikasi", apps),
        ("Layanan", services),
        ("Catatan", vec![vec!["bebas"]]),
    ]);
    let report = refused(import_xlsx(&*store, &bytes, &options(false, None), &change()).await);
    let reasons = |n| row(&report, "Aplikasi", n).reasons.join(" | ");
    assert_eq!(
        row(&report, "Aplikasi", 2).status,
        RowStatus::Accepted,
        "{}",
        reasons(2)
    );
    assert_eq!(row(&report, "Layanan", 2).status, RowStatus::Accepted);
    assert!(reasons(3).contains("Nama is required"), "{}", reasons(3));
    assert!(
        reasons(4).contains("Siklus Hidup: \"retired\" is not one of the listed values"),
        "{}",
        reasons(4)
    );
    assert!(
        reasons(5).contains("unknown reference code RAA.09.09"),
        "{}",
        reasons(5)
    );
    assert!(
        reasons(6).contains("parent tidak-ada is neither in the file nor in the store"),
        "{}",
        reasons(6)
    );
    assert!(
        reasons(7).contains("dinsos/data-hilang is neither in the file nor in the store (broken relation)"),
        "{}",
        reasons(7)
    );
    assert!(
        reasons(8).contains("duplicate: dinsos/e-bansos is already on sheet Aplikasi, row 2"),
        "{}",
        reasons(8)
    );
    assert!(
        reasons(9).contains("agency dinas-hantu is unknown"),
        "{}",
        reasons(9)
    );
    for n in 3..=9 {
        assert_eq!(row(&report, "Aplikasi", n).status, RowStatus::Rejected, "row {n}");
    }
    assert_eq!(report.rows.len(), 9, "the blank row is not reported");
    assert_eq!(report.written, None);
    assert_eq!(element_count(&*store).await, before, "nothing half-imported");
}

#[tokio::test]
async fn a_dry_run_reports_but_stores_nothing() {
    let (store, _guard) = sample_store().await;
    let before = element_count(&*store).await;
    let bytes = workbook(&[(
        "Proses Bisnis",
        vec![
            vec!["Kode Instansi", "Kode", "Nama", "Induk", "Data yang Diakses"],
            vec!["dinsos", "verifikasi", "Verifikasi penerima", "bansos", "dtks"],
        ],
    )]);
    let report = import_xlsx(&*store, &bytes, &options(true, None), &change())
        .await
        .unwrap();
    assert!(report.is_clean(), "{report:#?}");
    assert_eq!(report.count(RowStatus::Accepted), 1);
    assert_eq!(report.written, None);
    assert_eq!(element_count(&*store).await, before);
    // The same file for real: the row, its parent and its relation are written.
    let report = import_xlsx(&*store, &bytes, &options(false, None), &change())
        .await
        .unwrap();
    let written = report.written.unwrap();
    assert_eq!((written.elements_created, written.relations_created), (1, 1));
}

#[tokio::test]
async fn formula_cells_are_read_as_their_stored_value_never_evaluated() {
    let (store, _guard) = sample_store().await;
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Layanan").unwrap();
    for (c, h) in ["Kode Instansi", "Kode", "Nama", "Jenis Layanan"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    ws.write_string(1, 0, "dinsos").unwrap();
    // Evaluated, this would be "2"; the file's stored result is what counts.
    ws.write_formula(1, 1, Formula::new("=1+1").set_result("layanan-dari-rumus"))
        .unwrap();
    ws.write_formula(
        1,
        2,
        Formula::new("=WEBSERVICE(\"http://x.test\")").set_result("Layanan"),
    )
    .unwrap();
    ws.write_string(1, 3, "public").unwrap();
    let bytes = book.save_to_buffer().unwrap();
    let report = import_xlsx(&*store, &bytes, &options(true, None), &change())
        .await
        .unwrap();
    assert_eq!(row(&report, "Layanan", 2).id, "dinsos/layanan-dari-rumus");
}

#[tokio::test]
async fn an_agency_admin_cannot_import_into_another_agency() {
    let (store, _guard) = sample_store().await;
    let before = element_count(&*store).await;
    let bytes = workbook(&[(
        "Layanan",
        vec![
            vec!["Kode Instansi", "Kode", "Nama", "Jenis Layanan"],
            vec!["", "milik-sendiri", "Milik sendiri", "public"],
            vec!["bpsdm", "milik-bpsdm", "Milik BPSDM", "public"],
        ],
    )]);
    let report = refused(import_xlsx(&*store, &bytes, &options(false, Some("dinsos")), &change()).await);
    assert_eq!(
        row(&report, "Layanan", 2).status,
        RowStatus::Accepted,
        "an empty agency is the admin's own"
    );
    assert_eq!(row(&report, "Layanan", 2).id, "dinsos/milik-sendiri");
    let other = row(&report, "Layanan", 3);
    assert_eq!(other.status, RowStatus::Rejected);
    assert!(
        other.reasons[0].contains("you may import only into your agency dinsos, not bpsdm"),
        "{other:?}"
    );

    // The same through CSV and ArchiMate: another agency's elements refuse the file.
    let files = write_csv(&sample_model(), "Bontang");
    let input = CsvInput {
        elements: files.elements.as_bytes(),
        relations: files.relations.as_bytes(),
        properties: files.properties.as_bytes(),
    };
    let report = refused(import_csv(&*store, input, &options(false, Some("dinsos")), &change()).await);
    let simpeg = report
        .rows
        .iter()
        .find(|r| r.id == "e.2025-2029.bpsdm.simpeg")
        .unwrap();
    assert_eq!(simpeg.status, RowStatus::Rejected);
    assert!(
        simpeg
            .reasons
            .iter()
            .any(|r| r.contains("only into your agency dinsos")),
        "{simpeg:?}"
    );
    let xml = write(&sample_model(), "Bontang");
    let err = import_archimate(
        &*store,
        xml.as_bytes(),
        &options(false, Some("dinsos")),
        &change(),
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("problem"), "{err}");
    assert_eq!(element_count(&*store).await, before);
}

#[tokio::test]
async fn csv_files_round_trip_with_the_same_counts() {
    let files = write_csv(&sample_model(), "Bontang");
    let (store, _guard) = empty_store().await;
    let input = CsvInput {
        elements: files.elements.as_bytes(),
        relations: files.relations.as_bytes(),
        properties: files.properties.as_bytes(),
    };
    let report = import_csv(&*store, input, &options(false, None), &change())
        .await
        .unwrap();
    assert_eq!(report.count(RowStatus::Rejected), 0, "{report:#?}");
    let written = report.written.unwrap();
    assert_eq!((written.elements_created, written.relations_created), (10, 10));
    let model = store
        .architecture_model(&ArchModelFilter::default())
        .await
        .unwrap();
    let again = write_csv(&model, "Bontang");
    for (a, b, what) in [
        (&files.elements, &again.elements, "elements"),
        (&files.relations, &again.relations, "relations"),
        (&files.properties, &again.properties, "properties"),
    ] {
        assert_eq!(a.lines().count(), b.lines().count(), "{what}");
    }
    assert_eq!(files.elements, again.elements, "the second export is the first");
    assert_eq!(files.properties, again.properties);
    let sorted = |text: &str| {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        lines.sort_unstable();
        lines
    };
    assert_eq!(
        sorted(&files.relations),
        sorted(&again.relations),
        "the same relations (in the store's order)"
    );
}

#[tokio::test]
async fn csv_rows_are_reported_one_by_one() {
    let (store, _guard) = sample_store().await;
    let elements = "\"ID\",\"Type\",\"Name\"\r\n\"p1\",\"BusinessProcess\",\"Proses satu\"\r\n\"j1\",\"Junction\",\"\"\r\n\"p1\",\"BusinessProcess\",\"Lagi\"\r\n\"p2\",\"BusinessProcess\",\"Proses dua\"\r\n";
    let relations = "\"ID\",\"Type\",\"Source\",\"Target\"\r\n\"r1\",\"FlowRelationship\",\"p1\",\"p-hilang\"\r\n\"r2\",\"AccessRelationship\",\"p1\",\"p2\"\r\n";
    let properties = "\"ID\",\"Key\",\"Value\"\r\n\"p1\",\"wadah:agency\",\"dinsos\"\r\n\"p2\",\"wadah:agency\",\"dinsos\"\r\n\"nobody\",\"x\",\"y\"\r\n";
    let input = CsvInput {
        elements: elements.as_bytes(),
        relations: relations.as_bytes(),
        properties: properties.as_bytes(),
    };
    let report = refused(import_csv(&*store, input, &options(false, None), &change()).await);
    assert_eq!(
        row(&report, "elements.csv", 2).status,
        RowStatus::Accepted,
        "{report:#?}"
    );
    assert_eq!(
        row(&report, "elements.csv", 3).status,
        RowStatus::Skipped,
        "a junction is not SPBE"
    );
    assert!(row(&report, "elements.csv", 4).reasons[0].contains("duplicate ID"));
    assert!(
        row(&report, "relations.csv", 2).reasons[0]
            .contains("\"p-hilang\" is not in elements.csv (broken relation)")
    );
    let access = row(&report, "relations.csv", 3);
    assert_eq!(
        access.status,
        RowStatus::Rejected,
        "a process does not access a process"
    );
    assert!(
        access.reasons[0].contains("access relation cannot go from a business_process"),
        "{access:?}"
    );
    assert!(row(&report, "properties.csv", 4).reasons[0].contains("no element or relation has this ID"));
}

#[tokio::test]
async fn hostile_and_foreign_files_are_refused_before_parsing() {
    let (store, _guard) = sample_store().await;
    let unreadable = |r: Result<TableReport, TableImportError>| match r {
        Err(TableImportError::Unreadable(e)) => e,
        other => panic!("expected unreadable, got {other:?}"),
    };
    // Not an XLSX at all: a CSV, and random bytes.
    let e = unreadable(import_xlsx(&*store, b"ID,Type,Name\r\n", &options(true, None), &change()).await);
    assert!(e.contains("not a zip archive"), "{e}");
    // A zip that is not a workbook.
    let plain = {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        w.start_file("hello.txt", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(b"hi").unwrap();
        w.finish().unwrap().into_inner()
    };
    let e = unreadable(import_xlsx(&*store, &plain, &options(true, None), &change()).await);
    assert!(e.contains("not an XLSX workbook"), "{e}");
    // A CSV in a legacy code page.
    let input = CsvInput {
        elements: b"ID,Type,Name\r\n\"a\",\"BusinessProcess\",\"Caf\xe9\"\r\n",
        relations: b"ID,Type,Source,Target\r\n",
        properties: b"ID,Key,Value\r\n",
    };
    let e = unreadable(import_csv(&*store, input, &options(true, None), &change()).await);
    assert!(e.contains("elements.csv is not UTF-8 (line 2)"), "{e}");
}

#[test]
fn zip_bombs_are_caught_by_entry_count_and_by_what_they_inflate_to() {
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..=MAX_ENTRIES {
        w.start_file(format!("x/{i}.xml"), options).unwrap();
    }
    let many = w.finish().unwrap().into_inner();
    assert_eq!(
        zipguard::check(&many),
        Err(ZipError::TooManyEntries(MAX_ENTRIES + 1))
    );

    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    w.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..=(MAX_UNCOMPRESSED_BYTES / (1024 * 1024)) {
        w.write_all(&zeros).unwrap();
    }
    let bomb = w.finish().unwrap().into_inner();
    assert!(bomb.len() < 1024 * 1024, "a small file ({} bytes)", bomb.len());
    assert_eq!(zipguard::check(&bomb), Err(ZipError::TooBig));
    let err = wadah_exchange::xlsx::import::read_workbook(&bomb).unwrap_err();
    assert!(err.contains("zip bomb"), "{err}");

    // The same entry lying about its size in the central directory: caught while inflating.
    let lying = lie_about_sizes(&bomb);
    let err = zipguard::check(&lying).unwrap_err();
    let refused = match &err {
        ZipError::TooBig => true,
        ZipError::Damaged(m) => m.contains("larger than its declared"),
        _ => false,
    };
    assert!(refused, "{err:?}");
}

/// Rewrites every central-directory entry's uncompressed size to 1 byte.
fn lie_about_sizes(zip: &[u8]) -> Vec<u8> {
    let mut out = zip.to_vec();
    let signature = [0x50, 0x4b, 0x01, 0x02];
    let mut i = 0;
    while i + 28 <= out.len() {
        if out[i..i + 4] == signature {
            out[i + 24..i + 28].copy_from_slice(&1u32.to_le_bytes());
        }
        i += 1;
    }
    out
}
