//! Services: CRUD, validation of limits and OpenAPI documents, and the verbatim document.

use serde_json::json;

use crate::helpers::{OPENAPI_YAML, TestApp, Who, service_json};

const BASE: &str = "/api/v1/agencies/bpsdm/applications/simpeg/services";

api_test!(agency_admin_manages_services);
async fn agency_admin_manages_services(app: TestApp) {
    let mut body = service_json("gaji", "internal");
    body["timeout_ms"] = json!(5000);
    let created = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body.clone())
        .send()
        .await
        .status(201);
    assert_eq!(created.headers["location"], format!("{BASE}/gaji"));
    let s = created.json();
    assert_eq!(
        (s["agency"].clone(), s["application"].clone()),
        (json!("bpsdm"), json!("simpeg"))
    );
    assert_eq!(s["default_limit_per_minute"], 1000);
    app.post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body.clone())
        .send()
        .await
        .problem(409, "duplicate");

    let path = format!("{BASE}/gaji");
    body["name"] = json!("Layanan gaji pegawai");
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
    assert_eq!(updated.json()["name"], "Layanan gaji pegawai");
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(body)
        .send()
        .await
        .problem(409, "stale_version");
    let list = app.get(BASE).by(Who::Developer).send().await.ok().json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
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

api_test!(service_rules_name_the_field);
async fn service_rules_name_the_field(app: TestApp) {
    let cases = [
        ("timeout_ms", json!(50), "timeout_ms"),
        ("default_limit_per_minute", json!(0), "default_limit_per_minute"),
        ("upstream_url", json!("ftp://x.example.go.id/"), "upstream_url"),
        (
            "openapi",
            json!("swagger: '2.0'\ninfo: {title: x, version: '1'}\npaths: {}"),
            "openapi",
        ),
        ("visibility", json!("secret"), "visibility"),
        (
            "health_check",
            json!({"interval_ms": 10}),
            "health_check.interval_ms",
        ),
        (
            "health_check",
            json!({"path": "health", "unhealthy_threshold": 3}),
            "health_check.path",
        ),
    ];
    for (key, value, field) in cases {
        let mut body = service_json("gaji", "internal");
        body[key] = value;
        let p = app
            .post(BASE)
            .by(Who::BpsdmAdmin)
            .json(body)
            .send()
            .await
            .problem(422, "validation_failed");
        assert_eq!(p["field"], field, "{p}");
    }
    app.get(&format!("{BASE}/gaji"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(the_openapi_document_is_returned_verbatim);
async fn the_openapi_document_is_returned_verbatim(app: TestApp) {
    let doc = app
        .get(&format!("{BASE}/pegawai/openapi"))
        .by(Who::Developer)
        .send()
        .await
        .ok();
    assert_eq!(doc.headers["content-type"], "application/yaml");
    assert_eq!(doc.text(), OPENAPI_YAML);
    let json_doc = r#"{"openapi":"3.1.0","info":{"title":"Gaji","version":"1"},"paths":{}}"#;
    let mut body = service_json("gaji", "internal");
    body["openapi"] = json!(json_doc);
    app.post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body)
        .send()
        .await
        .status(201);
    let doc = app
        .get(&format!("{BASE}/gaji/openapi"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    assert_eq!(doc.headers["content-type"], "application/json");
    assert_eq!(doc.text(), json_doc);
    let mut none = service_json("tanpa-dok", "internal");
    none.as_object_mut().unwrap().remove("openapi");
    app.post(BASE)
        .by(Who::BpsdmAdmin)
        .json(none)
        .send()
        .await
        .status(201);
    app.get(&format!("{BASE}/tanpa-dok/openapi"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
}
