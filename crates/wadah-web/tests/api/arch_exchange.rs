//! Architecture files over the API and the console: exports are narrowed to the caller's
//! agencies; imports are for the platform admin (the city) and agency admins (their own agency
//! only, row by row); a dry run writes nothing; a refused file answers 422 with the per-row
//! report; the console's multipart upload is CSRF-checked, shows the report and imports only
//! after the confirmation.

use rust_xlsxwriter::Workbook;
use serde_json::{Value, json};

use crate::console::{post, sign_in};
use crate::helpers::{TestApp, Who};

const P: &str = "/api/v1/architecture/2025-2029";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A workbook with a `Layanan` sheet of `(agency, code, name)` public services.
fn services(rows: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("Layanan").unwrap();
    for (c, h) in ["Kode Instansi", "Kode", "Nama", "Jenis Layanan"]
        .iter()
        .enumerate()
    {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (agency, code, name)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        ws.write_string(r, 0, *agency).unwrap();
        ws.write_string(r, 1, *code).unwrap();
        ws.write_string(r, 2, *name).unwrap();
        ws.write_string(r, 3, "public").unwrap();
    }
    book.save_to_buffer().unwrap()
}

async fn element_count(app: &TestApp) -> usize {
    let all = app
        .get(&format!("{P}/elements"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    all.json()["items"].as_array().unwrap().len()
}

fn row<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no row {id}: {report}"))
}

api_test!(exports_are_scoped_to_what_the_caller_may_read);
async fn exports_are_scoped_to_what_the_caller_may_read(app: TestApp) {
    let good = services(&[("dinsos", "pengaduan", "Pengaduan Bansos")]);
    app.post(&format!("{P}/exchange/import?format=xlsx"))
        .by(Who::DinsosAdmin)
        .raw(XLSX, good)
        .send()
        .await
        .ok();
    let xlsx = app
        .get(&format!("{P}/exchange/xlsx"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok();
    assert_eq!(xlsx.headers["content-type"], XLSX);
    assert!(xlsx.body.starts_with(b"PK"), "a zip (XLSX)");
    let xml = app
        .get(&format!("{P}/exchange/archimate"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok();
    assert!(xml.text().contains("Pengaduan Bansos"));
    let bpsdm = app
        .get(&format!("{P}/exchange/archimate"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    assert!(
        !bpsdm.text().contains("Pengaduan Bansos"),
        "bpsdm's export holds only bpsdm"
    );
    app.get(&format!("{P}/exchange/csv?agency=dinsos"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    let csv = app
        .get(&format!("{P}/exchange/csv"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    assert_eq!(csv.headers["content-type"], "application/zip");
}

api_test!(imports_are_all_or_nothing_per_row_and_scoped_to_the_agency);
async fn imports_are_all_or_nothing_per_row_and_scoped_to_the_agency(app: TestApp) {
    let url = format!("{P}/exchange/import?format=xlsx");
    let mixed = services(&[
        ("dinsos", "pengaduan", "Pengaduan"),
        ("bpsdm", "diklat", "Diklat"),
    ]);
    let refused = app
        .post(&url)
        .by(Who::DinsosAdmin)
        .raw(XLSX, mixed.clone())
        .send()
        .await
        .status(422)
        .json();
    assert_eq!(refused["importable"], json!(false));
    assert_eq!(row(&refused, "dinsos/pengaduan")["status"], "accepted");
    let other = row(&refused, "bpsdm/diklat");
    assert_eq!(other["status"], "rejected");
    assert!(
        other["reasons"][0]
            .as_str()
            .unwrap()
            .contains("only into your agency dinsos"),
        "{other}"
    );
    assert_eq!(element_count(&app).await, 0, "nothing half-imported");

    app.post(&format!("{url}&agency=bpsdm"))
        .by(Who::DinsosAdmin)
        .raw(XLSX, mixed.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&url)
        .by(Who::Auditor)
        .raw(XLSX, mixed.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&url)
        .by(Who::Platform)
        .raw(XLSX, b"ID,Type,Name\r\n".to_vec())
        .send()
        .await
        .problem(422, "validation_failed");

    // The platform admin imports for the whole city; a dry run first writes nothing.
    let dry = app
        .post(&format!("{url}&dry_run=true"))
        .by(Who::Platform)
        .raw(XLSX, mixed.clone())
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        (dry["importable"].clone(), dry["accepted"].clone()),
        (json!(true), json!(2))
    );
    assert_eq!(dry["written"], Value::Null);
    assert_eq!(element_count(&app).await, 0);
    let done = app
        .post(&url)
        .by(Who::Platform)
        .raw(XLSX, mixed)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(done["written"]["elements_created"], json!(2));
    assert_eq!(element_count(&app).await, 2);

    // The city's export imports back as unchanged, through every format.
    for format in ["archimate", "csv", "xlsx"] {
        let file = app
            .get(&format!("{P}/exchange/{format}"))
            .by(Who::Platform)
            .send()
            .await
            .ok();
        let again = app
            .post(&format!("{P}/exchange/import?format={format}&dry_run=true"))
            .by(Who::Platform)
            .raw("application/octet-stream", file.body)
            .send()
            .await
            .ok()
            .json();
        assert_eq!(again["importable"], json!(true), "{format}: {again}");
    }
}

fn multipart(csrf: &str, fields: &[(&str, &str)], file: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--XBOUNDARY\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    text("csrf", csrf);
    for (name, value) in fields {
        text(name, value);
    }
    body.extend_from_slice(
        b"--XBOUNDARY\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"inventaris.xlsx\"\r\nContent-Type: application/octet-stream\r\n\r\n",
    );
    body.extend_from_slice(file);
    body.extend_from_slice(b"\r\n--XBOUNDARY--\r\n");
    body
}

fn token_of(html: &str) -> String {
    let at = html.find("name=\"token\" value=\"").expect("a confirm form") + "name=\"token\" value=\"".len();
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

api_test!(the_console_checks_an_upload_then_imports_on_confirmation);
async fn the_console_checks_an_upload_then_imports_on_confirmation(app: TestApp) {
    let s = sign_in(&app, "dinsos-admin").await;
    let page = app
        .get("/console/arsitektur/pertukaran")
        .header("cookie", &s.cookie)
        .send()
        .await
        .ok();
    let html = page.text();
    assert!(html.contains("enctype=\"multipart/form-data\""), "{html}");
    assert!(html.contains("/console/arsitektur/pertukaran/unduh/xlsx?periode=2025-2029"));
    let fields = [
        ("format", "xlsx"),
        ("periode", "2025-2029"),
        ("instansi", "dinsos"),
    ];
    let upload = |body: Vec<u8>| {
        app.post("/console/arsitektur/pertukaran/unggah")
            .header("cookie", &s.cookie)
            .raw("multipart/form-data; boundary=XBOUNDARY", body)
            .send()
    };
    // Without the session's token: refused, nothing read.
    let forged = upload(multipart("salah", &fields, &services(&[("", "a", "A")]))).await;
    assert_eq!(forged.status.as_u16(), 403);

    let bad = upload(multipart(
        &s.csrf,
        &fields,
        &services(&[("bpsdm", "diklat", "Diklat")]),
    ))
    .await;
    assert_eq!(bad.status.as_u16(), 422);
    assert!(
        bad.text()
            .contains("you may import only into your agency dinsos, not bpsdm"),
        "{}",
        bad.text()
    );
    assert!(
        !bad.text().contains("name=\"token\""),
        "no confirmation for a refused file"
    );

    let good = upload(multipart(
        &s.csrf,
        &fields,
        &services(&[("", "pengaduan", "Pengaduan")]),
    ))
    .await;
    assert_eq!(good.status.as_u16(), 200, "{}", good.text());
    assert_eq!(element_count(&app).await, 0, "the check is a dry run");
    let token = token_of(&good.text());
    let done = post(
        &app,
        &s,
        "/console/arsitektur/pertukaran/impor",
        &[("csrf", &s.csrf), ("token", &token)],
    )
    .await;
    assert_eq!(done.status.as_u16(), 200, "{}", done.text());
    assert!(done.text().contains("Impor selesai."));
    assert_eq!(element_count(&app).await, 1);
    // A token confirms once.
    let again = post(
        &app,
        &s,
        "/console/arsitektur/pertukaran/impor",
        &[("csrf", &s.csrf), ("token", &token)],
    )
    .await;
    assert_eq!(again.status.as_u16(), 409);
}
