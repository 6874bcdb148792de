//! Public services: CRUD under the agency, the scoped cross-agency list, validation.

use serde_json::json;

use crate::helpers::{TestApp, Who, public_service_json};

const BASE: &str = "/api/v1/agencies/bpsdm/public-services";

api_test!(agency_admin_manages_public_services);
async fn agency_admin_manages_public_services(app: TestApp) {
    let mut body = public_service_json("diklat", "asn");
    body["requirements"] = json!(["SK pengangkatan", "Surat tugas"]);
    body["online_url"] = json!("https://diklat.bontangkota.go.id/");
    let created = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body.clone())
        .send()
        .await
        .status(201);
    assert_eq!(created.headers["location"], format!("{BASE}/diklat"));
    assert_eq!(created.json()["requirements"][1], "Surat tugas");
    app.post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body.clone())
        .send()
        .await
        .problem(409, "duplicate");
    let path = format!("{BASE}/diklat");
    body["cost"] = json!("Gratis");
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .json(body.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(body.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.json()["cost"], "Gratis");
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(body)
        .send()
        .await
        .problem(409, "stale_version");
    let own = app.get(BASE).by(Who::BpsdmAdmin).send().await.ok().json();
    assert_eq!(own["items"].as_array().unwrap().len(), 2);
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

api_test!(public_service_rules_name_the_field);
async fn public_service_rules_name_the_field(app: TestApp) {
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(public_service_json("diklat", "internal"))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "audience");
    let mut many = public_service_json("diklat", "asn");
    many["topics"] = json!((0..31).map(|i| format!("topik-{i}")).collect::<Vec<_>>());
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(many)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "topics");
    let mut bad_topic = public_service_json("diklat", "asn");
    bad_topic["topics"] = json!(["ok", "Not OK"]);
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(bad_topic)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "topics[1]");
}

api_test!(the_cross_agency_list_is_narrowed_to_the_callers_scope);
async fn the_cross_agency_list_is_narrowed_to_the_callers_scope(app: TestApp) {
    let all = app
        .get("/api/v1/public-services")
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let public = app
        .get("/api/v1/public-services?audience=public")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(public["items"][0]["code"], "bantuan-sosial");
    let own = app
        .get("/api/v1/public-services")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    let agencies: Vec<_> = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["agency"].clone())
        .collect();
    assert_eq!(agencies, vec![json!("bpsdm")]);
    let other = app
        .get("/api/v1/public-services?agency=dinsos")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(other["items"].as_array().unwrap().is_empty());
    let topic = app
        .get("/api/v1/public-services?topic=umum")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(topic["items"].as_array().unwrap().len(), 2);
}
