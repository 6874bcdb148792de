//! The `wadah index score` / `wadah index plan` contract, on the real binary: one JSON object
//! per input line, error lines in place with their line number, non-zero exit at the end.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn wadah(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    match child.stdin.take().unwrap().write_all(stdin.as_bytes()) {
        Ok(()) => {}
        // A usage error ends the process before it reads stdin; its exit status tells.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        Err(e) => panic!("cannot write to wadah's stdin: {e}"),
    }
    child.wait_with_output().unwrap()
}

fn lines(output: &Output) -> Vec<Value> {
    String::from_utf8(output.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// The worked example: index 3.282, domain 1 3.40, aspect 2 3.00.
const WORKED: &str =
    "4,4,4,4,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,3,5,5,5,5,5,5,4,4,4,4,2,2,2,2,2,1";

fn threes(n: usize) -> String {
    vec!["3"; n].join(",")
}

#[test]
fn score_writes_one_exact_object_per_line() {
    let out = wadah(
        &["index", "score", "--instrument", "indeks-spbe-2020"],
        &format!("{WORKED}\n{}\n", threes(47)),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    let first = text.lines().next().unwrap();
    // Numbers are written with exactly two decimals, from the exact value.
    assert!(first.starts_with(r#"{"index":3.28,"index_unrounded":"3.282","predikat":"Baik","domains":[{"number":1,"name":"Kebijakan Internal SPBE","value":3.40,"value_unrounded":"3.40"}"#), "{first}");
    let rows = lines(&out);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["aspects"][1]["value_unrounded"], "3.00");
    assert_eq!(rows[0]["aspects"][7]["value_unrounded"], "1.8(3)");
    assert_eq!(rows[0]["domains"].as_array().unwrap().len(), 4);
    assert_eq!(rows[0]["aspects"].as_array().unwrap().len(), 8);
    assert_eq!(rows[1]["index_unrounded"], "3.00");
    assert!(text.lines().nth(1).unwrap().starts_with(r#"{"index":3.00,"#));
}

#[test]
fn bad_lines_get_error_lines_and_a_failing_exit() {
    let input = format!(
        "{WORKED}\n\n1,2,3\n{},x\n{},6\n{}\n",
        threes(46),
        threes(46),
        threes(47)
    );
    let out = wadah(&["index", "score", "--instrument", "indeks-spbe-2020"], &input);
    assert!(!out.status.success());
    let rows = lines(&out);
    assert_eq!(rows.len(), 6, "one output line per input line");
    assert_eq!(rows[0]["predikat"], "Baik");
    assert_eq!(
        rows[1],
        serde_json::json!({"line": 2, "error": "the line is empty; expected 47 comma-separated levels"})
    );
    assert_eq!(
        rows[2],
        serde_json::json!({"line": 3, "error": "expected 47 levels (one per indicator), got 3"})
    );
    assert_eq!(
        rows[3],
        serde_json::json!({"line": 4, "error": "indicator 47: \"x\" is not an integer level"})
    );
    assert_eq!(
        rows[4],
        serde_json::json!({"line": 5, "error": "indicator 47: level 6 is outside 0..=5"})
    );
    assert_eq!(rows[5]["index"], serde_json::json!(3.0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("4 of 6 line(s) could not be scored"), "{stderr}");
}

#[test]
fn over_long_and_non_utf8_lines_are_errors_in_place() {
    let long = "3,".repeat(40_000);
    let mut input = format!("{long}\n").into_bytes();
    input.extend_from_slice(b"3,\xff\n");
    input.extend_from_slice(format!("{}\n", threes(47)).as_bytes());
    let mut child = Command::new(env!("CARGO_BIN_EXE_wadah"))
        .args(["index", "score", "--instrument", "indeks-spbe-2020"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    let rows = lines(&out);
    assert_eq!(
        rows[0],
        serde_json::json!({"line": 1, "error": "the line is longer than 65536 bytes"})
    );
    assert_eq!(
        rows[1],
        serde_json::json!({"line": 2, "error": "the line is not UTF-8 text"})
    );
    assert_eq!(rows[2]["index_unrounded"], "3.00");
}

#[test]
fn predicate_basis_can_be_overridden() {
    // Kab. Pacitan 2024: 3.4985 — Baik on the unrounded basis, Sangat Baik on the rounded one.
    let pacitan =
        "5,5,5,5,5,5,5,4,4,4,3,3,3,3,3,3,3,3,3,3,3,2,2,2,2,2,2,2,2,2,2,4,4,4,4,4,4,4,4,4,3,4,4,4,4,4,4";
    let out = wadah(&["index", "score", "--instrument", "indeks-spbe-2020"], pacitan);
    let rows = lines(&out);
    assert_eq!(
        (rows[0]["index_unrounded"].as_str(), rows[0]["predikat"].as_str()),
        (Some("3.4985"), Some("Baik"))
    );
    let out = wadah(
        &[
            "index",
            "score",
            "--instrument",
            "indeks-spbe-2020",
            "--predicate-basis",
            "rounded",
        ],
        pacitan,
    );
    assert_eq!(lines(&out)[0]["predikat"], "Sangat Baik");
    let out = wadah(
        &[
            "index",
            "score",
            "--instrument",
            "indeks-spbe-2020",
            "--predicate-basis",
            "half",
        ],
        pacitan,
    );
    assert!(!out.status.success());
}

#[test]
fn pemdi_has_no_domains_and_files_can_be_imported() {
    let out = wadah(
        &["index", "score", "--instrument", "indeks-pemdi-2026"],
        &threes(20),
    );
    let rows = lines(&out);
    assert_eq!(rows[0]["domains"], serde_json::json!([]));
    assert_eq!(rows[0]["aspects"].as_array().unwrap().len(), 7);
    assert_eq!(rows[0]["predikat"], "Baik");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("pemdi-rounded.json");
    let text = include_str!("../../wadah-domain/instruments/indeks-pemdi-2026.json").replacen(
        "\"instrument\": \"indeks-pemdi-2026\"",
        "\"instrument\": \"pemdi-copy\"",
        1,
    );
    std::fs::write(&path, text).unwrap();
    let out = wadah(
        &["index", "score", "--instrument", path.to_str().unwrap()],
        &threes(20),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    std::fs::write(&path, "{\"instrument\": \"x\"}").unwrap();
    let out = wadah(
        &["index", "score", "--instrument", path.to_str().unwrap()],
        &threes(20),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot import the instrument"));

    let out = wadah(&["index", "score", "--instrument", "indeks-spbe-1999"], "");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("neither a shipped instrument (indeks-spbe-2020, indeks-pemdi-2026)"),
        "{stderr}"
    );
}

#[test]
fn plan_answers_the_cheapest_way_to_a_predicate() {
    let dir = tempfile::tempdir().unwrap();
    let costs = dir.path().join("costs.json");
    std::fs::write(
        &costs,
        r#"{"default": {"rupiah": 100000000, "months": 3}, "indicators": {"1": [null, null, null, {"rupiah": 1, "months": 1}, null]}}"#,
    )
    .unwrap();
    let args = [
        "index",
        "plan",
        "--instrument",
        "indeks-spbe-2020",
        "--costs",
        costs.to_str().unwrap(),
        "--target",
        "Sangat Baik",
    ];
    let out = wadah(&args, &format!("{}\n", threes(47)));
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let plan: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(plan["result"]["predikat"], "Sangat Baik");
    // Indicator 1 can only go 3 → 4, for 1 rupiah; the planner takes it.
    let first = &plan["raises"][0];
    assert_eq!(
        (
            first["indicator"].as_u64(),
            first["from"].as_u64(),
            first["to"].as_u64()
        ),
        (Some(1), Some(3), Some(4))
    );
    // 50 weighted points from 3.00: 1.3 (1 rupiah) plus 17 steps of 3.0 or 2.75 at 100M.
    assert_eq!(plan["total_rupiah"], 1_700_000_001u64);

    let out = wadah(
        &args[..args.len() - 1]
            .iter()
            .copied()
            .chain(["6"])
            .collect::<Vec<_>>(),
        &threes(47),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unreachable"));
}

/// `wadah index export`: a clear error without an assessment, the workbook with one.
#[tokio::test]
async fn export_writes_the_assessment_as_a_workbook() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out_path = dir.path().join("bontang.xlsx");
    let out = out_path.to_str().unwrap();
    let args = [
        "index",
        "export",
        "--data-dir",
        data,
        "--year",
        "2026",
        "--output",
        out,
    ];
    let missing = wadah(&args, "");
    assert!(!missing.status.success());
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains("no indeks-spbe-2020 assessment for 2026"),
        "{stderr}"
    );

    let store = wadah_store_sqlite::open(&format!("sqlite://{data}/wadah.db"))
        .await
        .unwrap();
    let change = wadah_store::Change {
        actor: wadah_domain::Actor::system("test"),
        at: wadah_domain::time::from_millis(1_767_225_600_000),
    };
    let government = serde_json::from_value(serde_json::json!(
        {"code": "bontang", "name": "Pemerintah Kota Bontang", "kind": "kota"}))
    .unwrap();
    use wadah_store::{AssessmentStore, RegistryWrite};
    store.create_government(&government, &change).await.unwrap();
    let spec = wadah_domain::index::assessment::AssessmentSpec {
        government: wadah_domain::Code::parse("bontang").unwrap(),
        year: 2026,
        instrument: "indeks-spbe-2020".into(),
    };
    let instrument = spec.check().unwrap();
    let entries = wadah_domain::index::assessment::Assessment::fresh_indicators(&instrument);
    store.create_assessment(&spec, &entries, &change).await.unwrap();
    store.close().await;

    let done = wadah(&args, "");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    let bytes = std::fs::read(&out_path).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an XLSX (ZIP) file");
    assert!(String::from_utf8_lossy(&done.stderr).contains("Pemerintah Kota Bontang 2026"));
}
