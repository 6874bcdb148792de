//! The architecture's "done when": with `wadah demo`'s data, `wadah export archimate` writes a
//! file that validates against The Open Group's XSD, and `wadah import archimate` reads it back
//! into an empty data dir with the same counts of elements, relationships and properties (the
//! second export is byte for byte the first). Hostile files get one clear line and change
//! nothing. Archi's CSV files and the XLSX inventory workbook go through the same commands.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)] // a test binary: failing loudly is the point

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Demo, wadah};

fn count(xml: &str, needle: &str) -> usize {
    xml.matches(needle).count()
}

fn schema_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../wadah-exchange/schema").to_owned()
}

/// Validates with xmllint; fails in CI when it is missing (scripts/xmllint-deps.sh), warns
/// locally.
fn validate(file: &Path) {
    let dir = schema_dir();
    let out = Command::new("xmllint")
        .args([
            "--nonet",
            "--noout",
            "--schema",
            &format!("{dir}/archimate3_Diagram.xsd"),
        ])
        .arg(file)
        .env("XML_CATALOG_FILES", format!("{dir}/catalog.xml"))
        .output();
    match out {
        Ok(out) => assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr)),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("xmllint is missing: run scripts/xmllint-deps.sh")
        }
        Err(_) => {
            eprintln!("\n!!! xmllint is missing: the export was NOT validated (scripts/xmllint-deps.sh)\n")
        }
    }
}

#[test]
fn the_demo_architecture_exports_validates_and_imports_into_an_empty_data_dir() {
    let demo_dir = tempfile::tempdir().unwrap();
    // The seeded data is committed before the demo says it is up; how it stops is demo.rs's test.
    Demo::start(demo_dir.path()).kill();
    let out = tempfile::tempdir().unwrap();
    let first = out.path().join("demo.xml");
    let export = wadah(
        &["export", "archimate", "--output", first.to_str().unwrap()],
        demo_dir.path(),
    );
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    validate(&first);
    let xml = std::fs::read_to_string(&first).unwrap();
    assert!(
        xml.contains("Integrasi layanan antar perangkat daerah"),
        "the roadmap's integration line"
    );
    assert!(xml.contains("2026=200000000"), "Rp 200 million in 2026");
    assert!(count(&xml, "xsi:type=\"Goal\"") >= 10, "RPJMD goals");

    let empty = tempfile::tempdir().unwrap();
    let import = wadah(&["import", "archimate", first.to_str().unwrap()], empty.path());
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let stdout = String::from_utf8_lossy(&import.stdout);
    assert!(stdout.contains("3 agenc(ies) created"), "{stdout}");

    let second = out.path().join("again.xml");
    let again = wadah(
        &["export", "archimate", "--output", second.to_str().unwrap()],
        empty.path(),
    );
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let xml2 = std::fs::read_to_string(&second).unwrap();
    for needle in ["<element ", "<relationship ", "<property "] {
        assert_eq!(count(&xml, needle), count(&xml2, needle), "{needle}");
    }
    assert_eq!(xml, xml2, "the second export is the first");
}

#[test]
fn hostile_files_get_one_clear_line_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bomb.xml");
    std::fs::write(
        &file,
        r#"<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><model xmlns="http://www.opengroup.org/xsd/archimate/3.0/"><name>&x;</name></model>"#,
    )
    .unwrap();
    let data = dir.path().join("data");
    let out = wadah(&["import", "archimate", file.to_str().unwrap()], &data);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("DOCTYPE"), "{stderr}");

    // The same through standard input, and a file that is not UTF-8.
    let mut child = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["import", "archimate", "-", "--data-dir"])
        .arg(&data)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"<?xml version=\"1.0\" encoding=\"windows-1252\"?><model/>")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("windows-1252; save it as UTF-8"));

    let export = wadah(&["export", "archimate", "--output", "-"], &data);
    let xml = String::from_utf8_lossy(&export.stdout);
    assert_eq!(count(&xml, "<element "), 0, "nothing was imported");
}

#[test]
fn csv_and_xlsx_go_through_the_command_line_with_a_report_and_refuse_what_is_not_a_workbook() {
    let demo_dir = tempfile::tempdir().unwrap();
    Demo::start(demo_dir.path()).kill();
    let out = tempfile::tempdir().unwrap();
    let ok = |o: &std::process::Output| assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let counts = |data: &Path| {
        let export = wadah(&["export", "archimate", "--output", "-"], data);
        ok(&export);
        let xml = String::from_utf8_lossy(&export.stdout).into_owned();
        ["<element ", "<relationship ", "<property "].map(|n| count(&xml, n))
    };

    // Archi's three CSV files into an empty data dir: the same model comes back.
    let csv_dir = out.path().join("csv");
    ok(&wadah(
        &["export", "csv", "--output", csv_dir.to_str().unwrap()],
        demo_dir.path(),
    ));
    let empty = tempfile::tempdir().unwrap();
    let import = wadah(&["import", "csv", csv_dir.to_str().unwrap()], empty.path());
    ok(&import);
    let report = String::from_utf8_lossy(&import.stdout);
    assert!(report.contains(", 0 rejected"), "{report}");
    assert_eq!(counts(empty.path()), counts(demo_dir.path()));

    // One agency's workbook, read back as a dry run: every row accepted, nothing written.
    let book = out.path().join("dinsos.xlsx");
    ok(&wadah(
        &[
            "export",
            "xlsx",
            "--agency",
            "dinsos",
            "--output",
            book.to_str().unwrap(),
        ],
        demo_dir.path(),
    ));
    let before = counts(demo_dir.path());
    let dry = wadah(
        &["import", "xlsx", "--dry-run", book.to_str().unwrap()],
        demo_dir.path(),
    );
    ok(&dry);
    let report = String::from_utf8_lossy(&dry.stdout);
    assert!(
        report.contains(", 0 rejected") && report.contains("nothing was written"),
        "{report}"
    );
    assert_eq!(counts(demo_dir.path()), before);

    // A file that is not a workbook: one clear line, nothing changed.
    let bad = out.path().join("bad.xlsx");
    std::fs::write(&bad, b"PK not really a zip").unwrap();
    let refused = wadah(&["import", "xlsx", bad.to_str().unwrap()], demo_dir.path());
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not a zip archive"), "{stderr}");
    assert_eq!(counts(demo_dir.path()), before);
}
