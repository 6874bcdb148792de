//! SPBE assessments: the workflow and its refusals, the evidence rule, uploads (limits and
//! type sniffing), role scoping, results, the HTML report, the XLSX export and the platform's
//! suggestions.

use serde_json::{Value, json};

use crate::helpers::*;

const BASE: &str = "/api/v1/assessments";

/// A platform-wide evaluator, created through the store, and their token.
async fn evaluator(app: &TestApp) -> String {
    let user =
        spec(json!({"username": "evaluator", "display_name": "Evaluator KemenPANRB", "role": "evaluator"}));
    app.store.create_user(&user, None, &app.change()).await.unwrap();
    app.mint_token("evaluator").await
}

async fn create(app: &TestApp) -> (String, i64) {
    let resp = app
        .post(BASE)
        .by(Who::Platform)
        .json(json!({"government": "bontang", "year": 2026, "instrument": "indeks-spbe-2020"}))
        .send()
        .await
        .status(201);
    let id = resp.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(resp.headers["location"], format!("{BASE}/{id}").as_str());
    (id, resp.version())
}

async fn claim(app: &TestApp, id: &str, number: u32, level: u8, version: i64) -> (Value, i64) {
    let resp = app
        .put(&format!("{BASE}/{id}/indicators/{number}"))
        .by(Who::Platform)
        .if_match(version)
        .json(json!({"claimed_level": level, "justification": "Perwal 12/2025", "responsible": "Diskominfo"}))
        .send()
        .await
        .ok();
    let version = resp.version();
    (resp.json(), version)
}

async fn move_to(app: &TestApp, id: &str, to: &str, version: i64, token: Option<&str>) -> Resp {
    let call = app
        .post(&format!("{BASE}/{id}/transitions"))
        .if_match(version)
        .json(json!({ "to": to }));
    match token {
        Some(t) => call.bearer(t).send().await,
        None => call.by(Who::Platform).send().await,
    }
}

/// Every indicator claimed at level 0 except `number` at `level`.
async fn claim_all(app: &TestApp, id: &str, number: u32, level: u8, mut version: i64) -> i64 {
    for n in 1..=47 {
        (_, version) = claim(app, id, n, if n == number { level } else { 0 }, version).await;
    }
    version
}

api_test!(the_workflow_runs_from_draft_to_final_and_refuses_what_it_must);
async fn the_workflow_runs_from_draft_to_final_and_refuses_what_it_must(app: TestApp) {
    let evaluator = evaluator(&app).await;
    let (id, v) = create(&app).await;
    let one = app
        .get(&format!("{BASE}/{id}"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(one["status"], "draft");
    assert_eq!(one["indicators"].as_array().unwrap().len(), 47);

    // Submitting needs a claim on every indicator.
    let body = move_to(&app, &id, "submitted", v, None)
        .await
        .problem(422, "assessment_incomplete");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("without a claimed level: 1, 2, 3"),
        "{body}"
    );

    let (view, v) = claim(&app, &id, 18, 2, v).await;
    assert_eq!(
        view["evidence_gaps"],
        json!([{"indicator": 18, "levels": [1, 2]}])
    );
    let v = claim_all(&app, &id, 18, 2, v).await;
    // ...and evidence for every level up to the claim.
    let body = move_to(&app, &id, "submitted", v, None)
        .await
        .problem(422, "assessment_incomplete");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("indicator 18 lacks evidence for level(s) 1, 2"),
        "{body}"
    );
    let link = app
        .post(&format!("{BASE}/{id}/indicators/18/links"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"url": "https://jdih.bontangkota.go.id/perwal-12-2025", "title": "Perwal SPBE", "levels": [1]}))
        .send()
        .await
        .status(201);
    assert_eq!(
        link.json()["evidence_gaps"],
        json!([{"indicator": 18, "levels": [2]}])
    );
    let v = app
        .post(&format!("{BASE}/{id}/indicators/18/links"))
        .by(Who::Platform)
        .if_match(link.version())
        .json(json!({"url": "https://bontangkota.go.id/splp", "title": "Laporan penerapan", "levels": [2]}))
        .send()
        .await
        .status(201)
        .version();
    // A stale version changes nothing.
    move_to(&app, &id, "submitted", v - 1, None)
        .await
        .problem(409, "stale_version");
    let submitted = move_to(&app, &id, "submitted", v, None).await.ok();
    assert_eq!(submitted.json()["status"], "submitted");
    let v = submitted.version();

    // Claims are frozen once submitted; the evaluator works now.
    app.put(&format!("{BASE}/{id}/indicators/1"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"claimed_level": 1}))
        .send()
        .await
        .problem(409, "invalid_state");
    move_to(&app, &id, "evaluated", v, Some(&evaluator))
        .await
        .problem(422, "assessment_incomplete");
    let mut v = v;
    for n in 1..=47 {
        let level = if n == 18 { 1 } else { 0 };
        v = app
            .put(&format!("{BASE}/{id}/indicators/{n}/evaluation"))
            .bearer(&evaluator)
            .if_match(v)
            .json(json!({"level": level, "notes": "Bukti tingkat 2 belum lengkap"}))
            .send()
            .await
            .ok()
            .version();
    }
    let v = move_to(&app, &id, "evaluated", v, Some(&evaluator))
        .await
        .ok()
        .version();
    let done = move_to(&app, &id, "final", v, Some(&evaluator)).await.ok();
    assert_eq!(done.json()["status"], "final");
    // Final is final, for everyone.
    move_to(&app, &id, "draft", done.version(), None)
        .await
        .problem(409, "invalid_state");
    move_to(&app, &id, "submitted", done.version(), Some(&evaluator))
        .await
        .problem(409, "invalid_state");

    let results = app
        .get(&format!("{BASE}/{id}/results"))
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(results["self_assessment"]["index"], "0.05", "2 × 2.5 / 100");
    assert_eq!(
        results["evaluator"]["index"], "0.03",
        "1 × 2.5 / 100 = 0.025, half-up"
    );
    let log = app
        .get("/api/v1/changes?kind=assessment")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert!(log["items"].as_array().unwrap().len() >= 10, "{log}");
}

api_test!(roles_get_exactly_their_part_of_an_assessment);
async fn roles_get_exactly_their_part_of_an_assessment(app: TestApp) {
    let evaluator = evaluator(&app).await;
    let (id, v) = create(&app).await;
    let path = format!("{BASE}/{id}");
    // Agency-scoped roles do not see the government's assessment at all.
    for who in [Who::BpsdmAdmin, Who::Developer] {
        app.get(&path).by(who).send().await.problem(404, "not_found");
        app.get(BASE).by(who).send().await.problem(403, "forbidden");
        app.post(BASE)
            .by(who)
            .json(json!({"government": "bontang", "year": 2027, "instrument": "indeks-spbe-2020"}))
            .send()
            .await
            .problem(404, "not_found");
    }
    app.get(&path).send().await.problem(401, "unauthenticated");
    // Auditors read only.
    app.get(&path).by(Who::Auditor).send().await.ok();
    assert_eq!(
        app.get(BASE).by(Who::Auditor).send().await.ok().json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    app.put(&format!("{path}/indicators/1"))
        .by(Who::Auditor)
        .if_match(v)
        .json(json!({"claimed_level": 1}))
        .send()
        .await
        .problem(403, "forbidden");
    // The evaluator cannot claim, and the platform admin cannot evaluate.
    app.put(&format!("{path}/indicators/1"))
        .bearer(&evaluator)
        .if_match(v)
        .json(json!({"claimed_level": 1}))
        .send()
        .await
        .problem(403, "forbidden");
    app.put(&format!("{path}/indicators/1/evaluation"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"level": 5}))
        .send()
        .await
        .problem(403, "forbidden");
    // The evaluator may not submit on the government's behalf; nobody jumps to final.
    move_to(&app, &id, "submitted", v, Some(&evaluator))
        .await
        .problem(403, "forbidden");
    move_to(&app, &id, "final", v, None)
        .await
        .problem(409, "invalid_state");
    // Bad input is refused and names the field.
    let body = app
        .put(&format!("{path}/indicators/1"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"claimed_level": 6}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["field"], "claimed_level");
    app.put(&format!("{path}/indicators/48"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"claimed_level": 1}))
        .send()
        .await
        .problem(404, "not_found");
    app.post(BASE)
        .by(Who::Platform)
        .json(json!({"government": "bontang", "year": 2026, "instrument": "indeks-spbe-2020"}))
        .send()
        .await
        .problem(409, "duplicate");
    let body = app
        .post(BASE)
        .by(Who::Platform)
        .json(json!({"government": "bontang", "year": 2026, "instrument": "indeks-x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["field"], "instrument");
    // Nothing of that changed the assessment.
    assert_eq!(app.get(&path).by(Who::Platform).send().await.ok().version(), v);
}

fn pdf() -> Vec<u8> {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..=255u8).cycle().take(3000));
    bytes
}

api_test!(evidence_files_are_checked_by_size_and_content_and_come_back_intact);
async fn evidence_files_are_checked_by_size_and_content_and_come_back_intact(app: TestApp) {
    let (id, v) = create(&app).await;
    let upload =
        |name: &str, levels: &str| format!("{BASE}/{id}/indicators/7/files?name={name}&levels={levels}");
    let added = app
        .post(&upload("perwal-spbe.pdf", "1,2"))
        .by(Who::Platform)
        .if_match(v)
        .raw("application/pdf", pdf())
        .send()
        .await
        .status(201);
    let location = added.headers["location"].to_str().unwrap().to_owned();
    let item = &added.json()["indicators"][6]["evidence"][0];
    assert_eq!(item["kind"], "file");
    assert_eq!(item["media_type"], "application/pdf");
    assert_eq!(item["levels"], json!([1, 2]));
    assert_eq!(item["size"], pdf().len());
    let v = added.version();

    let down = app.get(&location).by(Who::Auditor).send().await.ok();
    assert_eq!(down.body, pdf(), "the same bytes come back");
    assert_eq!(down.headers["content-type"], "application/pdf");
    assert!(
        down.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("perwal-spbe.pdf")
    );

    // A program renamed to .pdf, a PNG declared as PDF, an unknown ZIP: refused, nothing stored.
    let refuse = |body: Vec<u8>, ct: &'static str| {
        app.post(&upload("x.pdf", "1"))
            .by(Who::Platform)
            .if_match(v)
            .raw(ct, body)
            .send()
    };
    refuse(b"MZ\x90\x00 not a document".to_vec(), "application/pdf")
        .await
        .problem(415, "unsupported_media_type");
    refuse(b"\x89PNG\r\n\x1a\nxxxx".to_vec(), "application/pdf")
        .await
        .problem(415, "unsupported_media_type");
    refuse(b"PK\x03\x04 an archive".to_vec(), "application/octet-stream")
        .await
        .problem(415, "unsupported_media_type");
    let mut big = pdf();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    refuse(big, "application/pdf")
        .await
        .problem(413, "payload_too_large");
    let body = app
        .post(&upload("x.pdf", "0"))
        .by(Who::Platform)
        .if_match(v)
        .raw("application/pdf", pdf())
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(body["field"], "levels");
    // Agencies cannot upload either.
    app.post(&upload("x.pdf", "1"))
        .by(Who::BpsdmAdmin)
        .if_match(v)
        .raw("application/pdf", pdf())
        .send()
        .await
        .problem(404, "not_found");
    let now = app
        .get(&format!("{BASE}/{id}"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    assert_eq!(now.version(), v);

    // Removing the item removes the file.
    let item_id = item["id"].as_str().unwrap();
    app.delete(&format!("{BASE}/{id}/indicators/7/evidence/{item_id}"))
        .by(Who::Platform)
        .if_match(v)
        .send()
        .await
        .ok();
    app.get(&location)
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(results_report_and_export_show_the_figures_history_and_peers);
async fn results_report_and_export_show_the_figures_history_and_peers(app: TestApp) {
    let (id, v) = create(&app).await;
    let (_, v) = claim(&app, &id, 1, 4, v).await;
    app.put(&format!("{BASE}/{id}/indicators/2"))
        .by(Who::Platform)
        .if_match(v)
        .json(json!({"claimed_level": 3, "justification": "=HYPERLINK(\"http://evil\")", "responsible": "@tim"}))
        .send()
        .await
        .ok();
    let r = app
        .get(&format!("{BASE}/{id}/results"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        r["self_assessment"]["index"], "0.09",
        "(1.3·4 + 1.3·3) / 100 = 0.091"
    );
    assert_eq!(r["self_assessment"]["domains"][0]["value"], "0.70");
    assert_eq!(r["complete"], false);
    assert!(r["evaluator"].is_null());
    let years: Vec<(u64, &str)> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["year"].as_u64().unwrap(), h["source"].as_str().unwrap()))
        .collect();
    assert_eq!(
        years,
        vec![(2023, "published"), (2024, "published"), (2026, "self")]
    );
    assert_eq!(r["history"][1]["index"], "3.39");
    let peers = &r["peers"];
    assert_eq!(peers["year"], 2024);
    assert_eq!(peers["province"], "Kalimantan Timur");
    assert!(
        peers["same_province"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["is_self"] == true)
    );
    assert!(peers["published_national"]["rank"].as_u64().unwrap() > 1);

    let report = app
        .get(&format!("{BASE}/{id}/report"))
        .by(Who::Auditor)
        .header("accept-language", "en")
        .send()
        .await
        .ok();
    assert!(
        report.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let csp = report.headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("style-src 'sha256-") && !csp.contains("unsafe-inline") && !csp.contains("script-src")
    );
    let html = report.text();
    assert!(html.contains("SPBE Index Report") && html.contains("Pemerintah Kota Bontang"));
    assert!(html.contains("<svg") && !html.contains("<script"));
    assert!(html.contains("Kalimantan Timur") && html.contains("3.39"));
    app.get(&format!("{BASE}/{id}/report"))
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(404, "not_found");

    let xlsx = app
        .get(&format!("{BASE}/{id}/export.xlsx"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    assert!(xlsx.body.starts_with(b"PK\x03\x04"));
    assert!(
        xlsx.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("indeks-spbe-bontang-2026.xlsx")
    );
}

api_test!(suggestions_state_their_facts_and_apply_only_when_confirmed);
async fn suggestions_state_their_facts_and_apply_only_when_confirmed(app: TestApp) {
    let (id, v) = create(&app).await;
    let list = app
        .get(&format!("{BASE}/{id}/suggestions"))
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json();
    let bus = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["indicator"] == 18)
        .unwrap()
        .clone();
    // The seed: bpsdm and dinsos; one right between dinsos's own applications.
    assert_eq!(bus["suggested_level"], 2, "{bus}");
    assert!(
        bus["facts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f.as_str().unwrap().starts_with("1 dari 2 perangkat daerah")),
        "{bus}"
    );
    // Listing changed nothing.
    let same = app
        .get(&format!("{BASE}/{id}"))
        .by(Who::Platform)
        .send()
        .await
        .ok();
    assert_eq!(same.version(), v);
    assert!(same.json()["indicators"][17]["claimed_level"].is_null());

    app.post(&format!("{BASE}/{id}/suggestions/18"))
        .by(Who::Auditor)
        .if_match(v)
        .send()
        .await
        .problem(403, "forbidden");
    let applied = app
        .post(&format!("{BASE}/{id}/suggestions/18"))
        .by(Who::Platform)
        .if_match(v)
        .send()
        .await
        .ok()
        .json();
    let entry = &applied["indicators"][17];
    assert_eq!(entry["claimed_level"], 2);
    assert_eq!(entry["evidence"][0]["kind"], "platform");
    assert_eq!(entry["evidence"][0]["levels"], json!([1, 2]));
    assert_eq!(applied["evidence_gaps"], json!([]));
    // Confirming again from the same (now stale) version is refused as stale, not applied twice.
    app.post(&format!("{BASE}/{id}/suggestions/18"))
        .by(Who::Platform)
        .if_match(v)
        .send()
        .await
        .problem(409, "stale_version");
    let body = app
        .post(&format!("{BASE}/{id}/suggestions/7"))
        .by(Who::Platform)
        .if_match(v + 1)
        .send()
        .await
        .problem(422, "validation_failed");
    assert!(body["detail"].as_str().unwrap().contains("support no level"));
}
