//! The SPBE index as people meet it: the console's assessment pages (figures, charts, history,
//! peers, claims, workflow moves by role), the improvement planner from *Baik* to *Sangat Baik*
//! and its roadmap items, the paged list, and an export whose formula-like text stays text.

use serde_json::json;
use wadah_domain::index::Instrument;
use wadah_domain::index::assessment::{ClaimSpec, EvidenceItem, EvidenceSource};
use wadah_domain::text::{Description, Line};
use wadah_store::FileChanges;

use crate::console::{Session, encode, get, sign_in};
use crate::helpers::*;

const BASE: &str = "/api/v1/assessments";
const FORM: &str = "application/x-www-form-urlencoded";

/// Levels that reproduce Bontang's published 2024 result (3.39), raised on 12, 18 and 25: 3.46,
/// *Baik* (the demo's sample assessment).
const LEVELS: [u8; 47] = [
    4, 3, 3, 3, 3, 3, 3, 4, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 2, 2, 3, 2, 2, 3, 4, 4, 4, 4,
    4, 4, 4, 4, 4, 4, 5, 5, 4, 4, 4, 4,
];

/// An assessment of Bontang for `year` with every claim set (evidence for all but indicator 12)
/// and `justification` on indicator 2; its id.
async fn filled(app: &TestApp, year: u16, justification: &str) -> String {
    let resp = app
        .post(BASE)
        .by(Who::Platform)
        .json(json!({"government": "bontang", "year": year, "instrument": "indeks-spbe-2020"}))
        .send()
        .await
        .status(201);
    let id = resp.json()["id"].as_str().unwrap().to_owned();
    let inst = Instrument::builtin("indeks-spbe-2020").unwrap().unwrap();
    let mut a = app.store.get_assessment(&id).await.unwrap();
    let version = a.meta.version;
    for (i, level) in LEVELS.iter().enumerate() {
        let n = u32::try_from(i + 1).unwrap();
        let text = if n == 2 { justification } else { "Perwal SPBE" };
        let claim = ClaimSpec {
            claimed_level: Some(*level),
            justification: Description::parse(text).unwrap(),
            responsible: Line::parse("Diskominfo").unwrap(),
        };
        a.set_claim(&inst, n, claim).unwrap();
        if n != 12 {
            let source = EvidenceSource::Link {
                url: wadah_domain::application::WebUrl::parse("url", "https://jdih.bontangkota.go.id/x")
                    .unwrap(),
                title: format!("Bukti {n}"),
            };
            let item = EvidenceItem {
                id: format!("e{n}"),
                levels: (1..=*level).collect(),
                source,
                added_by: "admin".into(),
            };
            a.add_evidence(n, item).unwrap();
        }
    }
    app.store
        .save_assessment(&a, version, &FileChanges::default(), &app.change())
        .await
        .unwrap();
    id
}

/// A form post with the session's CSRF token, as the console's own forms send it.
async fn post(app: &TestApp, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(pairs);
    crate::console::post(app, s, path, &all).await
}

api_test!(the_console_shows_the_assessment_its_figures_history_peers_and_the_moves_of_the_role);
async fn the_console_shows_the_assessment_its_figures_history_peers_and_the_moves_of_the_role(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let page = format!("/console/indeks/{id}");
    let admin = sign_in(&app, "admin").await;
    let list = get(&app, &admin, "/console/indeks").await.ok().text();
    assert!(
        list.contains("Indeks SPBE") && list.contains(&format!("href=\"{page}\"")),
        "{list}"
    );

    let html = get(&app, &admin, &page).await.ok().text();
    assert!(
        html.contains("Indeks SPBE Pemerintah Kota Bontang 2026"),
        "{html}"
    );
    assert!(html.contains("3.46 · Baik"), "index and predicate, two decimals");
    assert!(
        html.contains("Kebijakan Internal SPBE") && html.contains("3.20"),
        "domain figures"
    );
    assert!(html.contains("<svg class=\"chart radar\"") && html.contains("<svg class=\"chart bars\""));
    assert!(
        html.contains("Hasil evaluasi KemenPANRB") && html.contains("3.39"),
        "history: 2024 published"
    );
    assert!(
        html.contains("Kalimantan Timur") && html.contains("Peringkat nasional"),
        "peers"
    );
    assert!(
        html.contains("bukti kurang untuk tingkat: 1, 2, 3"),
        "indicator 12 lacks evidence"
    );
    assert!(html.contains("Ajukan ke evaluator") && !html.contains("Tetapkan final"));

    // Submitting is refused while indicator 12 lacks evidence; the page says which.
    let version = app
        .store
        .get_assessment(&id)
        .await
        .unwrap()
        .meta
        .version
        .to_string();
    let refused = post(
        &app,
        &admin,
        &format!("{page}/status"),
        &[("ke", "submitted"), ("versi", &version)],
    )
    .await
    .status(422)
    .text();
    assert!(
        refused.contains("Perpindahan status ditolak") && refused.contains("12"),
        "{refused}"
    );
    // Without the session's token nothing moves.
    app.post(&format!("{page}/status"))
        .header("cookie", &admin.cookie)
        .raw(FORM, encode(&[("ke", "submitted"), ("versi", &version)]))
        .send()
        .await
        .status(403);

    // A claim with a bad level comes back with the error by the field and the text kept.
    let form = format!("{page}/indikator/12");
    let shown = get(&app, &admin, &form).await.ok().text();
    assert!(shown.contains("name=\"claimed_level\"") && shown.contains("Kriteria tiap tingkat"));
    let bad = post(
        &app,
        &admin,
        &form,
        &[
            ("claimed_level", "9"),
            ("justification", "Peta rencana 2026"),
            ("responsible", "Bappeda"),
            ("versi", &version),
        ],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("id=\"f-claimed_level-error\"") && bad.contains("Peta rencana 2026"),
        "{bad}"
    );
    post(
        &app,
        &admin,
        &form,
        &[
            ("claimed_level", "2"),
            ("justification", "Peta rencana 2026"),
            ("responsible", "Bappeda"),
            ("versi", &version),
        ],
    )
    .await
    .status(303);
    let stored = app.store.get_assessment(&id).await.unwrap();
    assert_eq!(stored.entry(12).unwrap().claimed_level, Some(2));

    // Evidence as a link: a level outside the scale is refused by its field, then the gap is
    // closed, and the assessment can be submitted.
    let version = stored.meta.version.to_string();
    let link = |levels: &'static str| {
        vec![
            ("url", "https://jdih.bontangkota.go.id/peta-rencana"),
            ("judul", "Peta Rencana SPBE"),
            ("tingkat", levels),
        ]
    };
    let mut bad_link = link("1, 9");
    bad_link.push(("versi", &version));
    let refused = post(&app, &admin, &format!("{form}/tautan"), &bad_link)
        .await
        .status(422)
        .text();
    assert!(
        refused.contains("id=\"f-tingkat-error\"") && refused.contains("Peta Rencana SPBE"),
        "{refused}"
    );
    let mut good_link = link("1, 2");
    good_link.push(("versi", &version));
    post(&app, &admin, &format!("{form}/tautan"), &good_link)
        .await
        .status(303);
    let version = app
        .store
        .get_assessment(&id)
        .await
        .unwrap()
        .meta
        .version
        .to_string();
    let page_now = get(&app, &admin, &page).await.ok().text();
    assert!(page_now.contains("Peta Rencana SPBE (tingkat 1, 2)") && !page_now.contains("bukti kurang"));
    post(
        &app,
        &admin,
        &format!("{page}/status"),
        &[("ke", "submitted"), ("versi", &version)],
    )
    .await
    .status(303);
    let submitted = get(&app, &admin, &page).await.ok().text();
    assert!(submitted.contains("Diajukan") && submitted.contains("Kembalikan ke draf"));
    assert!(!submitted.contains("Ajukan ke evaluator"));

    // Claims are frozen once submitted: the indicator page has no form any more.
    assert!(
        !get(&app, &admin, &form)
            .await
            .ok()
            .text()
            .contains("name=\"claimed_level\"")
    );

    // The report and the export under the console session.
    let report = get(&app, &admin, &format!("{page}/laporan")).await.ok();
    assert!(report.text().contains("Laporan Indeks SPBE 2026"));
    let xlsx = get(&app, &admin, &format!("{page}/ekspor.xlsx")).await.ok();
    assert!(xlsx.body.starts_with(b"PK\x03\x04"));

    // The auditor reads without any form; an agency admin does not see assessments at all.
    let auditor = sign_in(&app, "auditor").await;
    let seen = get(&app, &auditor, &page).await.ok().text();
    assert!(seen.contains("3.4") && !seen.contains("Ajukan ke evaluator"));
    let shown = get(&app, &auditor, &form).await.ok().text();
    assert!(!shown.contains("name=\"claimed_level\""));

    // The evaluator gives their own level next to the claim; a level out of range is refused
    // next to its field and the notes typed are kept.
    let user =
        spec(json!({"username": "evaluator", "display_name": "Evaluator KemenPANRB", "role": "evaluator"}));
    app.store.create_user(&user, None, &app.change()).await.unwrap();
    let evaluator = sign_in(&app, "evaluator").await;
    let v = app
        .store
        .get_assessment(&id)
        .await
        .unwrap()
        .meta
        .version
        .to_string();
    let bad = post(
        &app,
        &evaluator,
        &form,
        &[("level", "9"), ("notes", "catatan awal"), ("versi", &v)],
    )
    .await
    .status(422)
    .text();
    assert!(
        bad.contains("catatan awal") && bad.contains("aria-invalid=\"true\""),
        "{bad}"
    );
    post(
        &app,
        &evaluator,
        &form,
        &[
            ("level", "1"),
            ("notes", "Peta rencana belum ditetapkan"),
            ("versi", &v),
        ],
    )
    .await
    .status(303);
    let evaluated = app.store.get_assessment(&id).await.unwrap();
    let entry = evaluated.entry(12).unwrap();
    assert_eq!(entry.evaluator_level, Some(1));
    assert_eq!(entry.evaluator_notes.as_str(), "Peta rencana belum ditetapkan");
    assert_eq!(
        entry.claimed_level,
        Some(2),
        "the claim stays as the government made it"
    );
    let seen = get(&app, &evaluator, &form).await.ok().text();
    assert!(seen.contains("Peta rencana belum ditetapkan"), "{seen}");
    let dinsos = sign_in(&app, "dinsos-admin").await;
    assert!(
        !get(&app, &dinsos, "/console")
            .await
            .ok()
            .text()
            .contains("/console/indeks")
    );
    get(&app, &dinsos, &page).await.status(404);
}

api_test!(the_platforms_suggestions_are_shown_with_their_facts_and_applied_only_when_confirmed);
async fn the_platforms_suggestions_are_shown_with_their_facts_and_applied_only_when_confirmed(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let page = format!("/console/indeks/{id}");
    let admin = sign_in(&app, "admin").await;
    assert!(
        get(&app, &admin, &page)
            .await
            .ok()
            .text()
            .contains(&format!("{page}/saran"))
    );
    let html = get(&app, &admin, &format!("{page}/saran")).await.ok().text();
    assert!(
        html.contains("Saran dari platform") && html.contains("Fakta"),
        "{html}"
    );
    let marker = format!("action=\"{page}/saran/");
    let at = html.find(&marker).expect("a suggestion the admin may confirm") + marker.len();
    let number: u32 = html[at..at + html[at..].find('"').unwrap()].parse().unwrap();
    let before = app.store.get_assessment(&id).await.unwrap();
    let platform = |a: &wadah_domain::index::assessment::Assessment| {
        a.entry(number)
            .unwrap()
            .evidence
            .iter()
            .filter(|e| matches!(e.source, EvidenceSource::Platform { .. }))
            .count()
    };
    assert_eq!(platform(&before), 0, "nothing is applied before it is confirmed");
    let version = before.meta.version.to_string();
    post(
        &app,
        &admin,
        &format!("{page}/saran/{number}"),
        &[("versi", &version)],
    )
    .await
    .status(303);
    let after = app.store.get_assessment(&id).await.unwrap();
    assert_eq!(platform(&after), 1, "the facts are recorded as evidence");
    assert_eq!(
        after.entry(number).unwrap().claimed_level,
        before.entry(number).unwrap().claimed_level,
        "an existing claim is never changed"
    );
    // A stale page changes nothing; an auditor sees the facts but no button.
    post(
        &app,
        &admin,
        &format!("{page}/saran/{number}"),
        &[("versi", &version)],
    )
    .await
    .status(409);
    let auditor = sign_in(&app, "auditor").await;
    let seen = get(&app, &auditor, &format!("{page}/saran")).await.ok().text();
    assert!(seen.contains("Fakta") && !seen.contains(&marker), "{seen}");
}

api_test!(the_planner_finds_the_cheapest_way_from_baik_to_sangat_baik_and_writes_the_roadmap);
async fn the_planner_finds_the_cheapest_way_from_baik_to_sangat_baik_and_writes_the_roadmap(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let api = app
        .post(&format!("{BASE}/{id}/plan"))
        .by(Who::Platform)
        .json(json!({"target": "Sangat Baik"}))
        .send()
        .await
        .ok()
        .json();
    assert_eq!(api["current"]["index"], "3.46");
    assert_eq!(api["current"]["predikat"], "Baik");
    assert_eq!(api["result"]["predikat"], "Sangat Baik");
    assert!(api["result"]["index_unrounded"].as_str().unwrap() >= "3.50");
    let raises = api["raises"].as_array().unwrap().len();
    assert!(raises > 0);
    let total = api["total_rupiah"].as_u64().unwrap();
    assert_eq!(
        total,
        api["raises"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rupiah"].as_u64().unwrap())
            .sum::<u64>()
    );

    let admin = sign_in(&app, "admin").await;
    let planner = format!("/console/indeks/{id}/rencana");
    let empty = get(&app, &admin, &planner).await.ok().text();
    assert!(
        empty.contains("value=\"Sangat Baik\"") && empty.contains("value=\"25000000\""),
        "defaults"
    );
    let mut query = vec![("target".to_owned(), "Sangat Baik".to_owned())];
    for (l, (rupiah, months)) in [(25, 1), (50, 2), (100, 3), (200, 6), (400, 12)]
        .iter()
        .enumerate()
    {
        query.push((format!("rupiah_{l}"), format!("{rupiah}.000.000")));
        query.push((format!("bulan_{l}"), months.to_string()));
    }
    let pairs: Vec<(&str, &str)> = query.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let html = get(&app, &admin, &format!("{planner}?{}", encode(&pairs)))
        .await
        .ok()
        .text();
    assert!(
        html.contains("3.46 · Baik") && html.contains("· Sangat Baik"),
        "{html}"
    );
    let shown_total = format!("Rp {}", group(total));
    assert!(
        html.contains(&shown_total),
        "the console shows the API's total {shown_total}"
    );

    // A target no raise can reach is a message by the field, with what was typed kept.
    let mut wrong = pairs.clone();
    wrong[0] = ("target", "Luar Biasa");
    let bad = get(&app, &admin, &format!("{planner}?{}", encode(&wrong)))
        .await
        .status(422)
        .text();
    assert!(bad.contains("id=\"f-target-error\"") && bad.contains("value=\"Luar Biasa\""));

    // The chosen raises become roadmap items of bpsdm's Peta Rencana, once.
    let mut form = pairs.clone();
    form.extend([("instansi", "bpsdm"), ("periode", "2025-2029"), ("tahun", "2027")]);
    let made = post(&app, &admin, &format!("{planner}/peta"), &form)
        .await
        .status(201)
        .text();
    assert!(made.contains(&format!("{raises} butir ditambahkan")), "{made}");
    let items = app
        .get("/api/v1/architecture/2025-2029/elements?agency=bpsdm&kind=roadmap_item")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let items = items["items"].as_array().unwrap();
    assert_eq!(items.len(), raises);
    assert!(items[0]["code"].as_str().unwrap().starts_with("indeks-2026-i"));
    assert_eq!(items[0]["details"]["first_year"], 2027);
    let again = post(&app, &admin, &format!("{planner}/peta"), &form)
        .await
        .status(409)
        .text();
    assert!(again.contains("sudah pernah"));

    // The API: a year outside the period is refused; an agency admin cannot plan at all.
    let body =
        json!({"plan": {"target": "Sangat Baik"}, "period": "2025-2029", "agency": "dinsos", "year": 2031});
    app.post(&format!("{BASE}/{id}/plan/roadmap"))
        .by(Who::Platform)
        .json(body.clone())
        .send()
        .await
        .problem(422, "validation_failed");
    app.post(&format!("{BASE}/{id}/plan/roadmap"))
        .by(Who::DinsosAdmin)
        .json(body)
        .send()
        .await
        .problem(404, "not_found");
}

/// `n` with `.` between thousands (Indonesian).
fn group(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

api_test!(the_list_is_paged_and_the_export_keeps_formula_like_text_as_text);
async fn the_list_is_paged_and_the_export_keeps_formula_like_text_as_text(app: TestApp) {
    let older = filled(&app, 2025, "Perwal").await;
    let id = filled(&app, 2026, "=1+2 penanda").await;
    let first = app
        .get(&format!("{BASE}?limit=1"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(first["items"][0]["id"], id.as_str(), "newest year first");
    let next = first["next"].as_str().unwrap();
    let second = app
        .get(&format!("{BASE}?limit=1&cursor={next}"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(second["items"][0]["id"], older.as_str());
    assert!(second["next"].is_null());

    // Every leading character a spreadsheet may read as a formula (a leading tab or CR is
    // trimmed on input; what follows it is guarded like the rest).
    let texts = [
        "+SUM(A1) penanda",
        "-2+3 penanda",
        "@cmd penanda",
        "\t=tab penanda",
        "\r=cr penanda",
    ];
    for (n, text) in (3u32..).zip(texts) {
        let version = app.store.get_assessment(&id).await.unwrap().meta.version;
        app.put(&format!("{BASE}/{id}/indicators/{n}"))
            .by(Who::Platform)
            .if_match(version)
            .json(json!({"claimed_level": LEVELS[n as usize - 1], "justification": text}))
            .send()
            .await
            .ok();
    }
    let xlsx = app
        .get(&format!("{BASE}/{id}/export.xlsx"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.body)).unwrap();
    let mut read = |name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let strings = read("xl/sharedStrings.xml");
    let styles = read("xl/styles.xml");
    let sheets: Vec<String> = (1..=3)
        .map(|i| read(&format!("xl/worksheets/sheet{i}.xml")))
        .collect();
    assert!(
        sheets.iter().all(|s| !s.contains("<f>") && !s.contains("<f ")),
        "no formula at all"
    );
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("</cellXfs>")
        .next()
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    let entries: Vec<&str> = strings.split("<si>").skip(1).collect();
    for marker in [
        "=1+2 penanda",
        "+SUM(A1) penanda",
        "-2+3 penanda",
        "@cmd penanda",
        "=tab penanda",
        "=cr penanda",
    ] {
        let index = entries
            .iter()
            .position(|e| e.contains(marker))
            .unwrap_or_else(|| panic!("{marker:?} is a shared string"));
        let cell = format!("t=\"s\"><v>{index}</v>");
        let sheet = sheets
            .iter()
            .find(|s| s.contains(&cell))
            .unwrap_or_else(|| panic!("{marker:?} is in a string cell"));
        let tag_start = sheet[..sheet.find(&cell).unwrap()].rfind("<c ").unwrap();
        let tag = &sheet[tag_start..sheet.find(&cell).unwrap()];
        let style: usize = tag
            .split("s=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            xfs[style].contains("quotePrefix=\"1\""),
            "{marker:?} keeps Excel's quote prefix"
        );
    }
}

/// A `multipart/form-data` body as a browser sends the upload form: the text fields, then the
/// file `berkas` (its name and declared type).
fn multipart(fields: &[(&str, &str)], file: (&str, &str, &[u8])) -> (String, Vec<u8>) {
    let boundary = "----wadah-test-boundary-7f3a";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    let (name, media_type, bytes) = file;
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"berkas\"; filename=\"{name}\"\r\nContent-Type: {media_type}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    app: &TestApp,
    s: &Session,
    path: &str,
    csrf: &str,
    version: &str,
    file: (&str, &str, &[u8]),
) -> Resp {
    let (content_type, body) = multipart(
        &[("csrf", csrf), ("versi", version), ("tingkat_berkas", "1, 2")],
        file,
    );
    app.post(path)
        .header("cookie", &s.cookie)
        .raw(&content_type, body)
        .send()
        .await
}

async fn version_of(app: &TestApp, id: &str) -> String {
    app.store
        .get_assessment(id)
        .await
        .unwrap()
        .meta
        .version
        .to_string()
}

fn files_of(
    a: &wadah_domain::index::assessment::Assessment,
    n: u32,
) -> Vec<wadah_domain::index::assessment::EvidenceFile> {
    a.entry(n)
        .unwrap()
        .evidence
        .iter()
        .filter_map(|e| match &e.source {
            EvidenceSource::File(f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

api_test!(an_evidence_file_is_uploaded_from_the_console_listed_with_its_hash_and_downloadable);
async fn an_evidence_file_is_uploaded_from_the_console_listed_with_its_hash_and_downloadable(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let form = format!("/console/indeks/{id}/indikator/12");
    let action = format!("{form}/berkas");
    let admin = sign_in(&app, "admin").await;
    let shown = get(&app, &admin, &form).await.ok().text();
    assert!(
        shown.contains(&format!("action=\"{action}\"")) && shown.contains("enctype=\"multipart/form-data\""),
        "{shown}"
    );
    assert!(shown.contains("type=\"file\"") && shown.contains("<label for=\"f-berkas\">"));

    let pdf: &[u8] = b"%PDF-1.7\nPeta Rencana SPBE Kota Bontang\n%%EOF\n";
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(pdf)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    let v = version_of(&app, &id).await;
    let done = upload(
        &app,
        &admin,
        &action,
        &admin.csrf,
        &v,
        ("peta-rencana.pdf", "application/pdf", pdf),
    )
    .await
    .status(303);
    assert_eq!(done.headers["location"], form.as_str());
    let stored = app.store.get_assessment(&id).await.unwrap();
    let files = files_of(&stored, 12);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].sha256, sha);
    assert_eq!(files[0].size, pdf.len() as u64);

    // Listed with its name, size and hash, and a link that downloads it under the session.
    let page = get(&app, &admin, &form).await.ok().text();
    let link = format!("/console/indeks/{id}/berkas/{sha}");
    assert!(page.contains("peta-rencana.pdf (tingkat 1, 2)"), "{page}");
    assert!(page.contains(&format!("href=\"{link}\"")) && page.contains(&format!("SHA-256 {sha}")));
    assert!(page.contains(&format!("{} bita", pdf.len())));
    let file = get(&app, &admin, &link).await.ok();
    assert_eq!(file.body, pdf);
    assert_eq!(file.headers["content-type"], "application/pdf");
    assert!(
        file.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("peta-rencana.pdf")
    );
    // The auditor reads it too; without a session it is a sign-in.
    let auditor = sign_in(&app, "auditor").await;
    assert_eq!(get(&app, &auditor, &link).await.ok().body, pdf);
    app.get(&link).send().await.status(303);

    // The English page says the same in English.
    let en = app
        .get(&form)
        .header("cookie", &format!("{}; wadah_lang=en", admin.cookie))
        .send()
        .await
        .ok()
        .text();
    assert!(en.contains("Upload a file as evidence") && en.contains(&format!("{} bytes", pdf.len())));
}

api_test!(an_upload_with_a_wrong_token_too_large_or_of_a_forbidden_type_stores_nothing);
async fn an_upload_with_a_wrong_token_too_large_or_of_a_forbidden_type_stores_nothing(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let form = format!("/console/indeks/{id}/indikator/12");
    let action = format!("{form}/berkas");
    let admin = sign_in(&app, "admin").await;
    let pdf: &[u8] = b"%PDF-1.7\nbukti\n";
    let v = version_of(&app, &id).await;
    let nothing = |app: &TestApp| {
        let id = id.clone();
        let store = app.store.clone();
        async move {
            let a = store.get_assessment(&id).await.unwrap();
            assert!(files_of(&a, 12).is_empty(), "nothing stored");
        }
    };

    // A wrong or missing token: refused, nothing stored.
    let refused = upload(
        &app,
        &admin,
        &action,
        "bukan-token",
        &v,
        ("a.pdf", "application/pdf", pdf),
    )
    .await
    .status(403)
    .text();
    assert!(refused.contains("Permintaan ditolak"), "{refused}");
    upload(&app, &admin, &action, "", &v, ("a.pdf", "application/pdf", pdf))
        .await
        .status(403);
    nothing(&app).await;

    // A file over 10 MiB: a clear message next to the file field, the levels kept.
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(10 * 1024 * 1024 + 1, b'x');
    let too_big = upload(
        &app,
        &admin,
        &action,
        &admin.csrf,
        &v,
        ("besar.pdf", "application/pdf", &big),
    )
    .await
    .status(413)
    .text();
    assert!(
        too_big.contains("id=\"f-berkas-error\"") && too_big.contains("lebih besar dari 10 MiB"),
        "{too_big}"
    );
    assert!(too_big.contains("value=\"1, 2\""), "the levels typed are kept");
    // Far over the route's limit: the same message, not a broken page.
    big.resize(12 * 1024 * 1024, b'x');
    let far = upload(
        &app,
        &admin,
        &action,
        &admin.csrf,
        &v,
        ("besar.pdf", "application/pdf", &big),
    )
    .await
    .status(413)
    .text();
    assert!(far.contains("id=\"f-berkas-error\""), "{far}");
    nothing(&app).await;

    // A type outside the allow-list, and an executable named as a PDF: by the field.
    let html = upload(
        &app,
        &admin,
        &action,
        &admin.csrf,
        &v,
        ("catatan.html", "text/html", b"<script>alert(1)</script>"),
    )
    .await
    .status(415)
    .text();
    assert!(
        html.contains("id=\"f-berkas-error\"") && html.contains("Jenis berkas ini tidak diterima"),
        "{html}"
    );
    upload(
        &app,
        &admin,
        &action,
        &admin.csrf,
        &v,
        ("program.pdf", "application/pdf", b"MZ\x90\x00program"),
    )
    .await
    .status(415);
    let en = app
        .post(&action)
        .header("cookie", &format!("{}; wadah_lang=en", admin.cookie))
        .raw(
            &multipart(
                &[("csrf", &admin.csrf), ("versi", &v), ("tingkat_berkas", "1")],
                ("x.exe", "application/octet-stream", b"MZ\x90\x00"),
            )
            .0,
            multipart(
                &[("csrf", &admin.csrf), ("versi", &v), ("tingkat_berkas", "1")],
                ("x.exe", "application/octet-stream", b"MZ\x90\x00"),
            )
            .1,
        )
        .send()
        .await
        .status(415)
        .text();
    assert!(en.contains("This file type is not accepted"), "{en}");
    nothing(&app).await;
}

api_test!(only_the_platform_admin_uploads_evidence_files_from_the_console);
async fn only_the_platform_admin_uploads_evidence_files_from_the_console(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let form = format!("/console/indeks/{id}/indikator/12");
    let action = format!("{form}/berkas");
    let pdf: &[u8] = b"%PDF-1.7\nbukti\n";
    let v = version_of(&app, &id).await;
    // The auditor reads the indicator without an upload form and is refused when posting.
    let auditor = sign_in(&app, "auditor").await;
    assert!(
        !get(&app, &auditor, &form)
            .await
            .ok()
            .text()
            .contains("type=\"file\"")
    );
    upload(
        &app,
        &auditor,
        &action,
        &auditor.csrf,
        &v,
        ("a.pdf", "application/pdf", pdf),
    )
    .await
    .status(403);
    // An agency admin does not see the assessment at all.
    for who in ["dinsos-admin", "bpsdm-admin"] {
        let s = sign_in(&app, who).await;
        upload(&app, &s, &action, &s.csrf, &v, ("a.pdf", "application/pdf", pdf))
            .await
            .status(404);
    }
    let a = app.store.get_assessment(&id).await.unwrap();
    assert!(files_of(&a, 12).is_empty());
}

api_test!(converting_a_plan_to_roadmap_items_is_all_or_nothing);
async fn converting_a_plan_to_roadmap_items_is_all_or_nothing(app: TestApp) {
    let id = filled(&app, 2026, "Perwal SPBE").await;
    let plan = app
        .post(&format!("{BASE}/{id}/plan"))
        .by(Who::Platform)
        .json(json!({"target": "3.80"}))
        .send()
        .await
        .ok()
        .json();
    let raises = plan["raises"].as_array().unwrap().clone();
    assert!(raises.len() >= 2, "a plan of several raises");
    let code = |r: &serde_json::Value| format!("indeks-2026-i{}-{}-{}", r["indicator"], r["from"], r["to"]);
    // Someone already planned the last step by hand: the conversion is refused and none of
    // the other items is stored.
    let last = code(raises.last().unwrap());
    app.post("/api/v1/architecture/2025-2029/agencies/bpsdm/elements")
        .by(Who::Platform)
        .json(json!({"code": last, "name": "Langkah yang sudah direncanakan",
            "details": {"kind": "roadmap_item", "part": "audit_tik", "status": "planned",
                "first_year": 2027, "last_year": 2027, "budget": [{"year": 2027, "rupiah": 1}]}}))
        .send()
        .await
        .status(201);
    let body = json!({"plan": {"target": "3.80"}, "period": "2025-2029", "agency": "bpsdm", "year": 2027});
    app.post(&format!("{BASE}/{id}/plan/roadmap"))
        .by(Who::Platform)
        .json(body.clone())
        .send()
        .await
        .problem(409, "duplicate");
    assert_eq!(roadmap_items(&app).await, 1, "only the hand-made item");
    // An agency that does not exist: nothing is stored either.
    let mut missing = body.clone();
    missing["agency"] = json!("tidak-ada");
    let refused = app
        .post(&format!("{BASE}/{id}/plan/roadmap"))
        .by(Who::Platform)
        .json(missing)
        .send()
        .await;
    assert!(refused.status.as_u16() >= 400);
    // Once the hand-made item is gone, the whole plan goes in at once.
    app.delete(&format!(
        "/api/v1/architecture/2025-2029/agencies/bpsdm/elements/{last}"
    ))
    .by(Who::Platform)
    .if_match(1)
    .send()
    .await
    .status(204);
    app.post(&format!("{BASE}/{id}/plan/roadmap"))
        .by(Who::Platform)
        .json(body)
        .send()
        .await
        .status(201);
    assert_eq!(roadmap_items(&app).await, raises.len());
}

async fn roadmap_items(app: &TestApp) -> usize {
    app.get("/api/v1/architecture/2025-2029/elements?agency=bpsdm&kind=roadmap_item")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json()["items"]
        .as_array()
        .unwrap()
        .len()
}
