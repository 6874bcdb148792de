//! Shared by the exchange tests: a model that uses every kind, relation and property, and the
//! xmllint check (which fails in CI when xmllint is missing: `scripts/xmllint-deps.sh`).
#![allow(dead_code)]

use std::io::Write as _;
use std::process::{Command, Stdio};

use serde_json::json;
use wadah_domain::Code;
use wadah_domain::architecture::{ArchitectureModel, ModelElement, ModelRelation, Period};

fn spec<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn el(agency: &str, v: serde_json::Value) -> ModelElement {
    ModelElement {
        agency: Code::parse(agency).unwrap(),
        period: Period::parse("2025-2029").unwrap(),
        spec: spec(v),
    }
}

fn rel(kind: &str, from: (&str, &str), to: (&str, &str)) -> ModelRelation {
    ModelRelation {
        period: Period::parse("2025-2029").unwrap(),
        spec: spec(json!({"kind": kind, "source": {"agency": from.0, "code": from.1},
                          "target": {"agency": to.0, "code": to.1}})),
    }
}

/// Two agencies' architecture with every kind, in the order an export writes it.
pub fn sample_model() -> ArchitectureModel {
    ArchitectureModel {
        governments: vec![spec(
            json!({"code": "bontang", "name": "Pemerintah Kota Bontang", "kind": "kota"}),
        )],
        agencies: vec![
            spec(json!({"code": "bpsdm", "name": "BPSDM", "government": "bontang"})),
            spec(
                json!({"code": "dinsos", "name": "Dinas Sosial", "government": "bontang",
                        "description": "Urusan sosial <wajib> & \"pelayanan dasar\"\r\nbaris dua"}),
            ),
            spec(
                json!({"code": "diskominfo", "name": "Diskominfo", "government": "bontang", "operator": true}),
            ),
        ],
        national_codes: vec![spec(json!({"code": "RAD.01", "name": "Data Umum"}))],
        local_codes: vec![(
            Code::parse("bontang").unwrap(),
            spec(json!({"code": "RAB.04.02.01", "name": "Bantuan Sosial"})),
        )],
        elements: vec![
            el(
                "bpsdm",
                json!({"code": "simpeg", "name": "SIMPEG", "ref_code": "RAA.01.02", "owner": "Bidang TI",
                "details": {"kind": "application", "application": "simpeg", "lifecycle": "active",
                    "technical_fit": "adequate", "functional_fit": "excellent", "disposition": "invest"}}),
            ),
            el(
                "dinsos",
                json!({"code": "bansos", "name": "Penyaluran Bantuan Sosial", "ref_code": "RAB.04.02.01",
                "description": "Dari usulan & verifikasi\nsampai penyaluran", "owner": "Bidang Linjamsos",
                "details": {"kind": "business_process"}}),
            ),
            el(
                "dinsos",
                json!({"code": "dtks", "name": "DTKS", "ref_code": "RAD.01",
                "details": {"kind": "data_set", "classification": "rahasia", "producer": "dinsos", "walidata": "Diskominfo"}}),
            ),
            el(
                "dinsos",
                json!({"code": "enkripsi", "name": "Enkripsi data rahasia",
                "details": {"kind": "security_control", "status": "partial"}}),
            ),
            el(
                "dinsos",
                json!({"code": "layanan-bansos", "name": "Layanan Bansos", "ref_code": "RAL.01",
                "details": {"kind": "service", "area": "public"}}),
            ),
            el(
                "dinsos",
                json!({"code": "misi-2", "name": "Misi 2",
                "details": {"kind": "goal", "level": "misi"}}),
            ),
            el(
                "dinsos",
                json!({"code": "pusat-data", "name": "Pusat Data Kota", "ref_code": "RAI.01",
                "details": {"kind": "infrastructure", "category": "data_centre"}}),
            ),
            el(
                "dinsos",
                json!({"code": "siks", "name": "SIKS-NG",
                "details": {"kind": "application", "lifecycle": "phase-out",
                    "technical_fit": "poor", "functional_fit": "adequate", "disposition": "migrate"}}),
            ),
            el(
                "dinsos",
                json!({"code": "tujuan-2-1", "name": "Tujuan 2.1", "parent": "misi-2",
                "details": {"kind": "goal", "level": "tujuan", "target": "95 %"}}),
            ),
            el(
                "diskominfo",
                json!({"code": "integrasi", "name": "Integrasi layanan (Wadah)",
                "details": {"kind": "roadmap_item", "part": "aplikasi", "status": "in_progress",
                    "first_year": 2026, "last_year": 2027,
                    "budget": [{"year": 2026, "rupiah": 200000000}, {"year": 2027, "rupiah": 50000000}],
                    "gaps": ["SIKS tidak terhubung ke SIMPEG", "Tanpa katalog layanan"]}}),
            ),
        ],
        relations: vec![
            rel("serving", ("bpsdm", "simpeg"), ("dinsos", "bansos")),
            rel("realization", ("dinsos", "bansos"), ("dinsos", "misi-2")),
            rel("serving", ("dinsos", "layanan-bansos"), ("dinsos", "bansos")),
            rel("serving", ("dinsos", "pusat-data"), ("dinsos", "siks")),
            rel("access", ("dinsos", "siks"), ("dinsos", "dtks")),
            rel("realization", ("dinsos", "siks"), ("dinsos", "enkripsi")),
            rel("flow", ("dinsos", "siks"), ("bpsdm", "simpeg")),
            rel("realization", ("dinsos", "siks"), ("dinsos", "layanan-bansos")),
            rel("composition", ("dinsos", "misi-2"), ("dinsos", "tujuan-2-1")),
            rel("realization", ("diskominfo", "integrasi"), ("dinsos", "siks")),
        ],
    }
}

fn schema_dir() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/schema").to_owned()
}

/// Whether xmllint accepts `xml` against the exchange format's diagram schema; `None` when
/// xmllint is not installed.
fn xmllint(xml: &str) -> Option<(bool, String)> {
    let dir = schema_dir();
    let child = Command::new("xmllint")
        .args([
            "--nonet",
            "--noout",
            "--schema",
            &format!("{dir}/archimate3_Diagram.xsd"),
            "-",
        ])
        .env("XML_CATALOG_FILES", format!("{dir}/catalog.xml"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(_) => return None,
    };
    child.stdin.take().unwrap().write_all(xml.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    Some((
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

fn missing_xmllint() {
    let msg = "xmllint is not installed, so exported files were NOT validated against the XSD; \
               run scripts/xmllint-deps.sh (Debian: apt-get install libxml2-utils)";
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{msg}");
    }
    eprintln!("\n!!!!!!!!!!\n!!! {msg}\n!!!!!!!!!!\n");
}

/// Panics unless xmllint validates `xml` (fails in CI, warns locally, when xmllint is missing).
pub fn validate_with_xmllint(xml: &str) {
    match xmllint(xml) {
        Some((true, _)) => {}
        Some((false, errors)) => panic!("the export does not validate:\n{errors}"),
        None => missing_xmllint(),
    }
}

/// Whether xmllint accepts `xml` (false when it is missing and not in CI, so a test that expects
/// a refusal still holds).
pub fn xmllint_accepts(xml: &str) -> bool {
    match xmllint(xml) {
        Some((ok, _)) => ok,
        None => {
            missing_xmllint();
            false
        }
    }
}
