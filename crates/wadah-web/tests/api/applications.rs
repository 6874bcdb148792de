//! Applications: CRUD by the agency's admin, filters, pagination, search, lifecycle rules and
//! deletes with dependents.

use serde_json::json;

use crate::helpers::{TestApp, Who, application_json, service_json};

const BASE: &str = "/api/v1/agencies/bpsdm/applications";

api_test!(agency_admin_manages_its_applications);
async fn agency_admin_manages_its_applications(app: TestApp) {
    let created = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(application_json("e-kinerja", "asn"))
        .send()
        .await
        .status(201);
    assert_eq!(
        created.headers["location"],
        "/api/v1/agencies/bpsdm/applications/e-kinerja"
    );
    let body = created.json();
    assert_eq!(body["agency"], "bpsdm");
    assert_eq!(body["lifecycle"]["stage"], "active");
    app.post(BASE)
        .by(Who::BpsdmAdmin)
        .json(application_json("e-kinerja", "asn"))
        .send()
        .await
        .problem(409, "duplicate");

    let path = format!("{BASE}/e-kinerja");
    let mut changed = application_json("e-kinerja", "asn");
    changed["lifecycle"] = json!({"stage": "phase-out", "active": "2024-01-01", "phase_out": "2026-06-01"});
    changed["url"] = json!("https://kinerja.bontangkota.go.id/");
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .json(changed.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(changed.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.version(), 2);
    assert_eq!(updated.json()["lifecycle"]["stage"], "phase-out");
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(changed)
        .send()
        .await
        .problem(409, "stale_version");

    let phase_out = app
        .get(&format!("{BASE}?lifecycle=phase-out"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(phase_out["items"].as_array().unwrap().len(), 1);
    let asn = app
        .get(&format!("{BASE}?audience=asn"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(asn["items"].as_array().unwrap().len(), 3);
    app.get(&format!("{BASE}?lifecycle=retired"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(400, "invalid_query");

    app.delete(&path)
        .by(Who::BpsdmAdmin)
        .if_match(2)
        .send()
        .await
        .status(204);
    app.get(&path)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(application_rules_name_the_field);
async fn application_rules_name_the_field(app: TestApp) {
    let mut backwards = application_json("e-kinerja", "asn");
    backwards["lifecycle"] = json!({"stage": "active", "phase_in": "2025-01-01", "active": "2024-01-01"});
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(backwards)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "lifecycle");
    let mut bad_url = application_json("e-kinerja", "asn");
    bad_url["url"] = json!("javascript:alert(1)");
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(bad_url)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "url");
    let mut bad_stage = application_json("e-kinerja", "asn");
    bad_stage["lifecycle"]["stage"] = json!("retired");
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(bad_stage)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "lifecycle.stage");
    app.post("/api/v1/agencies/nowhere/applications")
        .by(Who::Platform)
        .json(application_json("x1", "asn"))
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(application_lists_page_and_search);
async fn application_lists_page_and_search(app: TestApp) {
    for i in 0..5 {
        app.post(BASE)
            .by(Who::BpsdmAdmin)
            .json(application_json(&format!("app-{i}"), "internal"))
            .send()
            .await
            .status(201);
    }
    let first = app
        .get(&format!("{BASE}?limit=3"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(first["items"].as_array().unwrap().len(), 3);
    let next = first["next"].as_str().unwrap();
    let second = app
        .get(&format!("{BASE}?limit=3&cursor={next}"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(second["items"].as_array().unwrap().len(), 3);
    let third = app
        .get(&format!(
            "{BASE}?limit=3&cursor={}",
            second["next"].as_str().unwrap()
        ))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(third["items"].as_array().unwrap().len(), 1);
    assert!(third["next"].is_null());
    let found = app
        .get(&format!("{BASE}?q=simp"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(found["items"][0]["code"], "simpeg");
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
    let by_name = app
        .get(&format!("{BASE}?q=aplikasi%20app-4"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(by_name["items"].as_array().unwrap().len(), 1);
}

api_test!(deleting_an_application_with_services_needs_cascade);
async fn deleting_an_application_with_services_needs_cascade(app: TestApp) {
    let path = format!("{BASE}/simpeg");
    app.delete(&path)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(409, "in_use");
    app.get(&format!("{path}/services/pegawai"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    app.delete(&format!("{path}?cascade=true"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .status(204);
    app.get(&format!("{path}/services/pegawai"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    // Presensi had nothing depending on it.
    app.post(&format!("{BASE}/presensi/services"))
        .by(Who::BpsdmAdmin)
        .json(service_json("absen", "internal"))
        .send()
        .await
        .status(201);
}

api_test!(developers_read_their_agency_but_change_no_application);
async fn developers_read_their_agency_but_change_no_application(app: TestApp) {
    app.get(BASE).by(Who::Developer).send().await.ok();
    app.get(&format!("{BASE}/presensi"))
        .by(Who::Developer)
        .send()
        .await
        .ok();
    app.post(BASE)
        .by(Who::Developer)
        .json(application_json("x1", "asn"))
        .send()
        .await
        .problem(403, "forbidden");
    app.put(&format!("{BASE}/simpeg"))
        .by(Who::Developer)
        .if_match(1)
        .json(application_json("simpeg", "asn"))
        .send()
        .await
        .problem(403, "forbidden");
    app.delete(&format!("{BASE}/simpeg"))
        .by(Who::Developer)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/agencies/dinsos/applications")
        .by(Who::Developer)
        .send()
        .await
        .problem(404, "not_found");
}
