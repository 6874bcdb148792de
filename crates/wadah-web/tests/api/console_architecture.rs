//! The architecture console as people meet it, on the demo's sample architecture: the
//! overview, lists, element pages, goal tree, roadmap totals in rupiah, the analyses with the
//! gateway's live facts, the printable document with its SVG diagrams; agency scoping and
//! read-only roles; element forms that keep what was typed when refused.

use serde_json::json;

use crate::console::{Session, get, sign_in};
use crate::helpers::*;

/// The demo's own sample architecture (the file `wadah demo` seeds from), so these pages are
/// tested on the data people see first.
#[path = "../../../wadah/src/demo/architecture.rs"]
#[allow(dead_code)]
mod demo;

const P: &str = "/console/arsitektur/2025-2029";

/// The test seed plus the demo's architecture (and its Diskominfo, which holds the goals).
async fn seed_demo(app: &TestApp) {
    let mut model = demo::model().unwrap();
    model.agencies.push(spec(
        json!({"code": "diskominfo", "name": "Diskominfo", "government": "bontang"}),
    ));
    app.store
        .import_architecture(&model, &app.change())
        .await
        .unwrap();
}

async fn post(app: &TestApp, s: &Session, path: &str, pairs: &[(&str, &str)]) -> Resp {
    let mut all = vec![("csrf", s.csrf.as_str())];
    all.extend_from_slice(pairs);
    crate::console::post(app, s, path, &all).await
}

/// The `<svg …>…</svg>` fragments of a page.
fn svgs(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        out.push(&rest[start..end]);
        rest = &rest[end..];
    }
    out
}

/// Parses an SVG fragment as XML; the texts of its `<title>` elements.
fn parse_svg(svg: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(svg);
    let mut titles = Vec::new();
    let mut in_title = false;
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not XML: {e}\n{svg}"))
        {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"title" => in_title = true,
            quick_xml::events::Event::End(e) if e.name().as_ref() == b"title" => in_title = false,
            quick_xml::events::Event::Text(t) if in_title => {
                titles.push(String::from_utf8_lossy(t.as_ref()).into_owned());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    titles
}

api_test!(the_console_shows_the_demo_architecture_its_goals_and_relations);
async fn the_console_shows_the_demo_architecture_its_goals_and_relations(app: TestApp) {
    seed_demo(&app).await;
    let admin = sign_in(&app, "admin").await;
    let start = get(&app, &admin, "/console/arsitektur").await.status(303);
    assert_eq!(start.headers["location"], P, "the RPJMD period of 2026");
    let home = get(&app, &admin, "/console").await.ok().text();
    assert!(
        home.contains(r#"href="/console/arsitektur""#),
        "in the navigation"
    );

    let overview = get(&app, &admin, P).await.ok().text();
    for agency in ["bpsdm", "dinsos", "diskominfo"] {
        assert!(overview.contains(&format!("<td>{agency}</td>")), "{agency}");
    }
    assert!(
        overview.contains(&format!("{P}/elemen?jenis=application&#38;instansi=dinsos")),
        "each count links to its list"
    );

    let apps = get(
        &app,
        &admin,
        &format!("{P}/elemen?jenis=application&instansi=bpsdm"),
    )
    .await
    .ok()
    .text();
    assert!(apps.contains("simpeg") && apps.contains("simdiklat"), "{apps}");
    assert!(!apps.contains(">e-bansos<"), "the agency filter holds");
    assert!(apps.contains("Tambah aplikasi (bpsdm)"), "the admin may add one");

    let ebansos = get(&app, &admin, &format!("{P}/instansi/dinsos/elemen/e-bansos"))
        .await
        .ok()
        .text();
    assert!(ebansos.contains("Relasi keluar") && ebansos.contains("dinsos/penyaluran-bansos"));
    assert!(
        ebansos.contains("diskominfo/integrasi-layanan"),
        "the roadmap item that changes it"
    );
    assert!(ebansos.contains("Kembangkan (invest)") || ebansos.contains("Aktif"));

    let goals = get(&app, &admin, &format!("{P}/tujuan")).await.ok().text();
    assert!(goals.contains("<ul class=\"goal-tree\">"), "{goals}");
    assert!(
        goals.contains("/instansi/dinsos/elemen/penyaluran-bansos"),
        "the process that realises a goal is under it"
    );
    assert!(goals.contains("Misi") && goals.contains("Indikator kinerja"));

    // In English, the same pages.
    let en = app
        .get(P)
        .header("cookie", &admin.cookie)
        .header("accept-language", "en")
        .send()
        .await
        .ok()
        .text();
    assert!(en.contains("SPBE architecture 2025-2029"), "{en}");
}

api_test!(the_roadmap_adds_up_per_year_agency_and_part_in_rupiah);
async fn the_roadmap_adds_up_per_year_agency_and_part_in_rupiah(app: TestApp) {
    seed_demo(&app).await;
    let admin = sign_in(&app, "admin").await;
    let page = get(&app, &admin, &format!("{P}/peta-rencana")).await.ok().text();
    for (label, amount) in [
        ("2026", "Rp 360.000.000"),
        ("2027", "Rp 470.000.000"),
        ("2028", "Rp 490.000.000"),
        ("bpsdm", "Rp 100.000.000"),
        ("dinsos", "Rp 35.000.000"),
        ("diskominfo", "Rp 1.185.000.000"),
        ("Aplikasi SPBE", "Rp 335.000.000"),
        ("Audit TIK", "Rp 150.000.000"),
        ("Jumlah", "Rp 1.320.000.000"),
    ] {
        assert!(
            page.contains(&format!("<td>{label}</td><td>{amount}</td>")),
            "{label} {amount}\n{page}"
        );
    }
    assert!(page.contains("Rp 200.000.000"), "the integration budget line");
    // An agency admin's roadmap is its own agency's.
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let own = get(&app, &dinsos, &format!("{P}/peta-rencana")).await.ok().text();
    assert!(own.contains("<td>Jumlah</td><td>Rp 35.000.000</td>"), "{own}");
    assert!(!own.contains("integrasi-layanan"));
    // English groups thousands with commas.
    let en = app
        .get(&format!("{P}/peta-rencana"))
        .header("cookie", &admin.cookie)
        .header("accept-language", "en")
        .send()
        .await
        .ok()
        .text();
    assert!(en.contains("<td>Total</td><td>Rp 1,320,000,000</td>"), "{en}");
}

api_test!(agencies_edit_their_own_architecture_and_readers_edit_nothing);
async fn agencies_edit_their_own_architecture_and_readers_edit_nothing(app: TestApp) {
    seed_demo(&app).await;
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let overview = get(&app, &dinsos, P).await.ok().text();
    assert!(overview.contains("<td>dinsos</td>") && !overview.contains("<td>bpsdm</td>"));
    // Another agency's architecture is hidden, as in the API.
    get(&app, &dinsos, &format!("{P}/instansi/bpsdm/elemen/simpeg"))
        .await
        .status(404);
    get(&app, &dinsos, &format!("{P}/elemen?instansi=bpsdm"))
        .await
        .status(404);
    let edit = post(
        &app,
        &dinsos,
        &format!("{P}/instansi/bpsdm/elemen/simpeg/ubah"),
        &[("name", "Diambil alih")],
    )
    .await;
    assert!(edit.status == 404 || edit.status == 403, "{}", edit.status);
    // A reader (auditor) sees the whole city and may change nothing.
    let auditor = sign_in(&app, "auditor").await;
    let page = get(&app, &auditor, &format!("{P}/instansi/dinsos/elemen/e-bansos"))
        .await
        .ok()
        .text();
    assert!(!page.contains("Ubah elemen") && !page.contains("Tambah relasi"));
    get(
        &app,
        &auditor,
        &format!("{P}/instansi/dinsos/elemen/e-bansos/ubah"),
    )
    .await
    .status(403);
    get(
        &app,
        &auditor,
        &format!("{P}/instansi/dinsos/elemen/baru?jenis=service"),
    )
    .await
    .status(403);
    post(
        &app,
        &auditor,
        &format!("{P}/instansi/dinsos/elemen/baru?jenis=business_process"),
        &[("code", "baru"), ("name", "Baru")],
    )
    .await
    .status(403);
    post(
        &app,
        &auditor,
        &format!("{P}/instansi/dinsos/elemen/e-bansos/hapus"),
        &[],
    )
    .await
    .status(403);
    // Without the CSRF token nothing changes.
    crate::console::post(
        &app,
        &dinsos,
        &format!("{P}/instansi/dinsos/elemen/e-bansos/hapus"),
        &[],
    )
    .await
    .status(403);
    get(&app, &dinsos, &format!("{P}/instansi/dinsos/elemen/e-bansos"))
        .await
        .ok();
}

api_test!(element_forms_check_like_the_api_and_keep_what_was_typed);
async fn element_forms_check_like_the_api_and_keep_what_was_typed(app: TestApp) {
    seed_demo(&app).await;
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let new = format!("{P}/instansi/dinsos/elemen/baru?jenis=data_set");
    let form = get(&app, &dinsos, &new).await.ok().text();
    assert!(form.contains("name=\"classification\"") && form.contains("name=\"walidata\""));
    let typed = [
        ("code", "data-lansia"),
        ("name", "Data Lansia Terlantar"),
        ("ref_code", "RAD.99.99"),
        ("owner", "Bidang Rehabilitasi Sosial"),
        ("classification", "terbatas"),
        ("producer", "dinsos"),
        ("walidata", "Bidang Data"),
    ];
    let refused = post(&app, &dinsos, &new, &typed).await.status(422).text();
    assert!(refused.contains("value=\"Data Lansia Terlantar\""), "kept");
    assert!(refused.contains("value=\"Bidang Data\""), "kept");
    assert!(
        refused.contains("id=\"f-ref_code-error\"") && refused.contains("Kode referensi harus"),
        "{refused}"
    );
    // A parent of another kind is refused by the domain's rule.
    let mut wrong_parent = typed.to_vec();
    wrong_parent[2] = ("ref_code", "");
    wrong_parent.push(("parent", "penyaluran-bansos"));
    let refused = post(&app, &dinsos, &new, &wrong_parent).await.status(422).text();
    assert!(refused.contains("id=\"f-parent-error\""), "{refused}");
    // A roadmap budget line outside the item's years, then a good one.
    let roadmap = format!("{P}/instansi/dinsos/elemen/baru?jenis=roadmap_item");
    let item = |budget: &'static str| {
        vec![
            ("code", "sso-bansos"),
            ("name", "Masuk tunggal e-Bansos"),
            ("part", "layanan"),
            ("status", "planned"),
            ("first_year", "2027"),
            ("last_year", "2027"),
            ("budget", budget),
        ]
    };
    let refused = post(&app, &dinsos, &roadmap, &item("2026: 10.000.000"))
        .await
        .status(422)
        .text();
    assert!(refused.contains("2026: 10.000.000</textarea>"), "kept: {refused}");
    assert!(refused.contains("id=\"f-budget-error\""));
    let created = post(&app, &dinsos, &roadmap, &item("2027: 10.000.000"))
        .await
        .status(303);
    let at = created.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(at, format!("{P}/instansi/dinsos/elemen/sso-bansos"));
    let page = get(&app, &dinsos, &at).await.ok().text();
    assert!(page.contains("2027: Rp 10.000.000"), "{page}");
    let totals = get(&app, &dinsos, &format!("{P}/peta-rencana")).await.ok().text();
    assert!(totals.contains("<td>Jumlah</td><td>Rp 45.000.000</td>"));

    // Relate it to the application it changes; a relation that does not fit is refused.
    let rel = format!("{at}/relasi");
    let refused = post(
        &app,
        &dinsos,
        &rel,
        &[("jenis", "access"), ("instansi", "dinsos"), ("kode", "e-bansos")],
    )
    .await
    .status(422)
    .text();
    assert!(refused.contains("tidak dapat menghubungkan"), "{refused}");
    post(
        &app,
        &dinsos,
        &rel,
        &[
            ("jenis", "realization"),
            ("instansi", "dinsos"),
            ("kode", "e-bansos"),
        ],
    )
    .await
    .status(303);
    let ebansos = get(&app, &dinsos, &format!("{P}/instansi/dinsos/elemen/e-bansos"))
        .await
        .ok()
        .text();
    assert!(
        ebansos.contains("dinsos/sso-bansos"),
        "now among its roadmap items"
    );

    // Edit keeps the code; deleting an element with relations is refused, then works.
    let edit = format!("{at}/ubah");
    let form = get(&app, &dinsos, &edit).await.ok().text();
    assert!(form.contains("2027: 10000000</textarea>"), "{form}");
    let mut renamed = item("2027: 12.500.000");
    renamed[1] = ("name", "Masuk tunggal e-Bansos dan SLRT");
    renamed.push(("versi", "1"));
    post(&app, &dinsos, &edit, &renamed).await.status(303);
    let page = get(&app, &dinsos, &at).await.ok().text();
    assert!(page.contains("Masuk tunggal e-Bansos dan SLRT") && page.contains("Rp 12.500.000"));
    let in_use = post(&app, &dinsos, &format!("{at}/hapus"), &[])
        .await
        .status(409)
        .text();
    assert!(in_use.contains("masih dirujuk"), "{in_use}");
    let remove = in_use
        .split("action=\"")
        .find_map(|s| s.split('"').next().filter(|a| a.contains("/relasi/")))
        .unwrap()
        .to_owned();
    post(&app, &dinsos, &remove, &[]).await.status(303);
    post(&app, &dinsos, &format!("{at}/hapus"), &[]).await.status(303);
    get(&app, &dinsos, &at).await.status(404);
}

api_test!(the_document_has_every_domain_and_valid_accessible_diagrams);
async fn the_document_has_every_domain_and_valid_accessible_diagrams(app: TestApp) {
    seed_demo(&app).await;
    let admin = sign_in(&app, "admin").await;
    let report = get(&app, &admin, &format!("{P}/laporan")).await.ok();
    let csp = report.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("style-src 'sha256-") && !csp.contains("script-src"),
        "{csp}"
    );
    let html = report.text();
    assert!(html.contains("Dokumen Arsitektur SPBE Kota 2025-2029"));
    for kind in [
        "business_process",
        "data_set",
        "service",
        "application",
        "infrastructure",
        "security_control",
    ] {
        assert!(html.contains(&format!("id=\"domain-{kind}\"")), "{kind}");
    }
    assert!(html.contains("@media print"), "print stylesheet");
    assert!(html.contains("Rp 1.320.000.000"), "the roadmap table and totals");
    assert!(!html.contains("<nav aria-label"), "no console navigation");
    let svgs = svgs(&html);
    assert_eq!(svgs.len(), 2, "layered and cooperation views");
    for svg in &svgs {
        assert!(svg.contains("role=\"img\"") && svg.contains("<desc"));
        let titles = parse_svg(svg);
        assert!(titles.len() > 5, "{titles:?}");
    }
    let layered = parse_svg(svgs[0]);
    assert!(layered[0] == "Tampilan berlapis");
    assert!(
        layered
            .iter()
            .any(|t| t.contains("bpsdm/simpeg melayani bpsdm/manajemen-asn")),
        "{layered:?}"
    );
    let cooperation = parse_svg(svgs[1]);
    assert!(
        cooperation
            .iter()
            .any(|t| t.contains("dinsos/dtks → dinsos/e-bansos")),
        "{cooperation:?}"
    );

    // An agency's document is its own agency's.
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let own = get(&app, &dinsos, &format!("{P}/laporan")).await.ok().text();
    assert!(own.contains("Dokumen Arsitektur SPBE dinsos 2025-2029"));
    assert!(!own.contains("<td>simpeg</td>"));
    get(&app, &dinsos, &format!("{P}/laporan?instansi=bpsdm"))
        .await
        .status(404);
}

api_test!(live_facts_show_what_the_gateway_saw_next_to_the_model);
async fn live_facts_show_what_the_gateway_saw_next_to_the_model(app: TestApp) {
    seed_demo(&app).await;
    let api = "/api/v1/architecture/2025-2029/analysis";
    let before = app.get(api).by(Who::Platform).send().await.ok().json();
    assert_eq!(before["live"]["exchanges"], json!([]));
    assert!(
        before["gaps"].is_array(),
        "the analyses are still at the top level"
    );
    crate::audit::seed(&app).await; // dinsos/e-bansos → bpsdm/simpeg and back, among others
    let after = app.get(api).by(Who::Platform).send().await.ok().json();
    let exchanges = after["live"]["exchanges"].as_array().unwrap();
    let call = exchanges
        .iter()
        .find(|x| x["consumer"] == "dinsos/e-bansos" && x["provider"] == "bpsdm/simpeg")
        .unwrap_or_else(|| panic!("{after}"));
    assert_eq!(call["requests"], 1);
    assert_eq!(call["in_model"], false, "the demo draws no flow between them");
    // Drawing the flow in the architecture makes the model agree with the gateway.
    app.post("/api/v1/architecture/2025-2029/relations")
        .by(Who::Platform)
        .json(
            json!({"kind": "flow", "source": {"agency": "dinsos", "code": "e-bansos"},
                     "target": {"agency": "bpsdm", "code": "simpeg"}}),
        )
        .send()
        .await
        .status(201);
    let drawn = app.get(api).by(Who::Platform).send().await.ok().json();
    let call = drawn["live"]["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["consumer"] == "dinsos/e-bansos")
        .unwrap()
        .clone();
    assert_eq!(call["in_model"], true);
    // The console shows the same, and the cooperation view draws the exchange.
    let admin = sign_in(&app, "admin").await;
    let page = get(&app, &admin, &format!("{P}/analisis")).await.ok().text();
    assert!(
        page.contains("<td>dinsos/e-bansos</td><td>bpsdm/simpeg</td><td>1</td>"),
        "{page}"
    );
    assert!(page.contains("dinsos/e-bansos → bpsdm/simpeg: 1 permintaan melalui gateway"));
    assert!(page.contains("Kandidat konsolidasi") && page.contains("Elemen yatim"));
    // An agency admin's live facts are its own exchanges.
    let bpsdm = app
        .get(&format!("{api}?agency=bpsdm"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(
        bpsdm["live"]["exchanges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["consumer"].as_str().unwrap().starts_with("bpsdm/")
                || x["provider"].as_str().unwrap().starts_with("bpsdm/")),
        "{bpsdm}"
    );
}

api_test!(reference_codes_are_listed_and_the_platform_admin_adds_local_and_national_ones);
async fn reference_codes_are_listed_and_the_platform_admin_adds_local_and_national_ones(app: TestApp) {
    seed_demo(&app).await;
    let admin = sign_in(&app, "admin").await;
    let list = format!("{P}/referensi?pemerintah=bontang");
    let page = get(&app, &admin, &list).await.ok().text();
    assert!(page.contains("RAB.01.01") && page.contains("Pertahanan") && page.contains("Nasional"));
    assert!(
        page.contains("referensi/baru"),
        "the platform admin is offered the form"
    );

    // A local code under a national one is added; a wrong parent and a bad format are named
    // next to the code field, with what was typed kept.
    let new = format!("{P}/referensi/baru");
    let added = post(
        &app,
        &admin,
        &new,
        &[
            ("pemerintah", "bontang"),
            ("code", "RAB.01.01.07"),
            ("name", "Bela negara kota"),
        ],
    )
    .await
    .status(303);
    assert_eq!(added.headers["location"], list);
    let page = get(&app, &admin, &list).await.ok().text();
    assert!(page.contains("RAB.01.01.07") && page.contains("Bela negara kota") && page.contains("Lokal"));
    for code in ["RAB.99.01.01", "bukan-kode"] {
        let refused = post(
            &app,
            &admin,
            &new,
            &[("pemerintah", "bontang"), ("code", code), ("name", "Uji")],
        )
        .await
        .status(422)
        .text();
        assert!(refused.contains(&format!(r#"value="{code}""#)), "{refused}");
        assert!(refused.contains("aria-invalid"), "{refused}");
    }

    // National codes from the annex's JSON; text that is not such a file is refused by the field.
    let national = format!("{P}/referensi/nasional");
    let file = r#"{"entries": [{"code": "RAD.01", "name": "Data Pertahanan", "level": 1}]}"#;
    post(&app, &admin, &national, &[("file", file)]).await.status(303);
    let page = get(&app, &admin, &list).await.ok().text();
    assert!(page.contains("RAD.01") && page.contains("Data Pertahanan"));
    post(&app, &admin, &national, &[("file", "{not json")])
        .await
        .status(422);

    // Agency admins and readers see the catalogue and change nothing.
    let dinsos = sign_in(&app, "dinsos-admin").await;
    let page = get(&app, &dinsos, &format!("{P}/referensi")).await.ok().text();
    assert!(page.contains("RAB.01.01.07") && !page.contains("referensi/baru"));
    get(&app, &dinsos, &new).await.status(403);
    post(
        &app,
        &dinsos,
        &new,
        &[
            ("pemerintah", "bontang"),
            ("code", "RAB.01.01.08"),
            ("name", "Uji"),
        ],
    )
    .await
    .status(403);
    let auditor = sign_in(&app, "auditor").await;
    post(&app, &auditor, &national, &[("file", file)])
        .await
        .status(403);
}
