//! Governments: read by everyone signed in, written by the platform admin only.

use serde_json::json;

use crate::helpers::{TestApp, Who};

api_test!(platform_admin_creates_and_changes_governments);
async fn platform_admin_creates_and_changes_governments(app: TestApp) {
    let body = json!({"code": "kaltim", "name": "Provinsi Kalimantan Timur", "kind": "provinsi"});
    let created = app
        .post("/api/v1/governments")
        .by(Who::Platform)
        .json(body.clone())
        .send()
        .await
        .status(201);
    assert_eq!(created.etag(), "\"1\"");
    assert_eq!(created.headers["location"], "/api/v1/governments/kaltim");
    app.post("/api/v1/governments")
        .by(Who::Platform)
        .json(body)
        .send()
        .await
        .problem(409, "duplicate");
    let got = app
        .get("/api/v1/governments/kaltim")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok();
    assert_eq!(got.json()["name"], "Provinsi Kalimantan Timur");
    let change = json!({"code": "kaltim", "name": "Pemprov Kaltim", "kind": "provinsi"});
    let path = "/api/v1/governments/kaltim";
    app.put(path)
        .by(Who::Platform)
        .json(change.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(path)
        .by(Who::Platform)
        .if_match(1)
        .json(change.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.etag(), "\"2\"");
    app.put(path)
        .by(Who::Platform)
        .if_match(1)
        .json(change)
        .send()
        .await
        .problem(409, "stale_version");
    let list = app
        .get("/api/v1/governments")
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(list["next"].is_null());
}

api_test!(only_the_platform_admin_writes_governments);
async fn only_the_platform_admin_writes_governments(app: TestApp) {
    let body = json!({"code": "kaltim", "name": "Kaltim", "kind": "provinsi"});
    for who in [Who::BpsdmAdmin, Who::Developer, Who::Auditor] {
        app.post("/api/v1/governments")
            .by(who)
            .json(body.clone())
            .send()
            .await
            .problem(403, "forbidden");
        let change = json!({"code": "bontang", "name": "X", "kind": "kota"});
        app.put("/api/v1/governments/bontang")
            .by(who)
            .if_match(1)
            .json(change)
            .send()
            .await
            .problem(403, "forbidden");
    }
    app.get("/api/v1/governments/nowhere")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}
