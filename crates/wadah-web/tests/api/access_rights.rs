//! Access rights: granted and changed by the provider's admin, visible to both sides.

use serde_json::json;

use crate::helpers::{TestApp, Who};

fn right_to_pegawai() -> serde_json::Value {
    json!({
        "consumer": {"agency": "dinsos", "application": "e-bansos"},
        "service": {"agency": "bpsdm", "application": "simpeg", "service": "pegawai"},
        "methods": ["GET"],
        "paths": ["/pegawai/*"],
        "limit_per_minute": 600
    })
}

api_test!(the_provider_grants_and_both_sides_see_the_right);
async fn the_provider_grants_and_both_sides_see_the_right(app: TestApp) {
    let created = app
        .post("/api/v1/access-rights")
        .by(Who::BpsdmAdmin)
        .json(right_to_pegawai())
        .send()
        .await
        .status(201);
    let right = created.json();
    let id = right["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/access-rights/{id}");
    assert_eq!(created.headers["location"], path.as_str());
    assert_eq!(right["methods"], json!(["GET"]));

    // The consumer sees it, but may not change it.
    app.get(&path).by(Who::DinsosAdmin).send().await.ok();
    let mine = app
        .get("/api/v1/access-rights")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id.as_str())
    );
    let mut wider = right_to_pegawai();
    wider["methods"] = json!([]);
    app.put(&path)
        .by(Who::DinsosAdmin)
        .if_match(1)
        .json(wider.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.delete(&path)
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(403, "forbidden");

    app.put(&path)
        .by(Who::BpsdmAdmin)
        .json(wider.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(wider.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.json()["methods"], json!([]));
    app.put(&path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(wider)
        .send()
        .await
        .problem(409, "stale_version");
    let filtered = app
        .get("/api/v1/access-rights?provider=bpsdm&consumer_agency=dinsos")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
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

api_test!(right_rules_name_the_field);
async fn right_rules_name_the_field(app: TestApp) {
    let mut to_itself = right_to_pegawai();
    to_itself["consumer"] = json!({"agency": "bpsdm", "application": "simpeg"});
    let p = app
        .post("/api/v1/access-rights")
        .by(Who::BpsdmAdmin)
        .json(to_itself)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "consumer");
    let mut bad_path = right_to_pegawai();
    bad_path["paths"] = json!(["/pegawai/../gaji"]);
    let p = app
        .post("/api/v1/access-rights")
        .by(Who::BpsdmAdmin)
        .json(bad_path)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "paths[0]");
    let mut bad_method = right_to_pegawai();
    bad_method["methods"] = json!(["FETCH"]);
    let p = app
        .post("/api/v1/access-rights")
        .by(Who::BpsdmAdmin)
        .json(bad_method)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "methods[0]");
    let mut limit = right_to_pegawai();
    limit["limit_per_minute"] = json!(0);
    let p = app
        .post("/api/v1/access-rights")
        .by(Who::BpsdmAdmin)
        .json(limit)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "limit_per_minute");
}
