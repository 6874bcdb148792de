//! Auditors read everything in their scope and change nothing.

use serde_json::json;

use crate::helpers::{TestApp, Who, application_json, public_service_json, service_json};

api_test!(auditors_read_but_cannot_write);
async fn auditors_read_but_cannot_write(app: TestApp) {
    let cred_base = "/api/v1/agencies/dinsos/applications/e-bansos/credentials";
    let cred = app.get(cred_base).by(Who::Auditor).send().await.ok().json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let right = app
        .get("/api/v1/access-rights")
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let request = app
        .get("/api/v1/access-requests")
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for path in [
        "/api/v1/agencies/dinsos",
        "/api/v1/agencies/dinsos/applications/e-bansos",
        "/api/v1/agencies/dinsos/applications/e-bansos/services/penerima",
        "/api/v1/agencies/dinsos/applications/e-bansos/services/penerima/openapi",
        "/api/v1/agencies/dinsos/public-services/bantuan-sosial",
        "/api/v1/users/dinsos-admin",
        "/api/v1/users/dinsos-admin/tokens",
        "/api/v1/changes",
        "/api/v1/directory",
    ] {
        app.get(path).by(Who::Auditor).send().await.ok();
    }
    let right_body = json!({
        "consumer": {"agency": "bpsdm", "application": "simpeg"},
        "service": {"agency": "dinsos", "application": "e-bansos", "service": "penerima"}
    });
    let writes = [
        app.post("/api/v1/agencies").json(json!({"code": "x1", "name": "X", "government": "bontang"})),
        app.put("/api/v1/agencies/dinsos").if_match(1).json(json!({"code": "dinsos", "name": "X", "government": "bontang"})),
        app.delete("/api/v1/agencies/dinsos"),
        app.post("/api/v1/agencies/dinsos/applications").json(application_json("x1", "public")),
        app.put("/api/v1/agencies/dinsos/applications/e-bansos").if_match(1).json(application_json("e-bansos", "public")),
        app.delete("/api/v1/agencies/dinsos/applications/e-bansos"),
        app.post("/api/v1/agencies/dinsos/applications/e-bansos/services").json(service_json("x1", "public")),
        app.put("/api/v1/agencies/dinsos/applications/e-bansos/services/penerima").if_match(1).json(service_json("penerima", "public")),
        app.delete("/api/v1/agencies/dinsos/applications/e-bansos/services/penerima"),
        app.post(cred_base).json(json!({"name": "x", "kind": "api_key"})),
        app.post(&format!("{cred_base}/{cred}/rotate")),
        app.post(&format!("{cred_base}/{cred}/revoke")),
        app.post("/api/v1/agencies/dinsos/public-services").json(public_service_json("x1", "public")),
        app.put("/api/v1/agencies/dinsos/public-services/bantuan-sosial").if_match(1).json(public_service_json("bantuan-sosial", "public")),
        app.delete("/api/v1/agencies/dinsos/public-services/bantuan-sosial"),
        app.post("/api/v1/access-rights").json(right_body.clone()),
        app.put(&format!("/api/v1/access-rights/{right}")).if_match(1).json(right_body),
        app.delete(&format!("/api/v1/access-rights/{right}")),
        app.post(&format!("/api/v1/access-requests/{request}/decision")).json(json!({"approve": true})),
        app.post(&format!("/api/v1/access-requests/{request}/withdraw")),
        app.post("/api/v1/users").json(json!({"username": "x-user", "display_name": "X", "role": "auditor"})),
        app.put("/api/v1/users/dinsos-admin").if_match(1).json(json!({"username": "dinsos-admin", "display_name": "X", "role": "agency_admin", "agency": "dinsos"})),
        app.delete("/api/v1/users/dinsos-admin"),
        app.put("/api/v1/users/dinsos-admin/password").json(json!({"password": "kata sandi panjang"})),
        app.post("/api/v1/users/dinsos-admin/tokens").json(json!({"name": "x"})),
        app.post("/api/v1/governments").json(json!({"code": "x1", "name": "X", "kind": "kota"})),
    ];
    for call in writes {
        call.by(Who::Auditor).send().await.problem(403, "forbidden");
    }
    let unchanged = app
        .get("/api/v1/changes?limit=500")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert!(
        unchanged["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| !c["actor"].as_str().unwrap().contains("auditor"))
    );
}

api_test!(staff_cannot_use_the_admin_api_even_for_their_own_agency);
async fn staff_cannot_use_the_admin_api_even_for_their_own_agency(app: TestApp) {
    let user = crate::helpers::spec(
        json!({"username": "asn-bpsdm", "display_name": "Pegawai BPSDM", "role": "staff", "agency": "bpsdm"}),
    );
    app.store.create_user(&user, None, &app.change()).await.unwrap();
    let token = app.mint_token("asn-bpsdm").await;
    for path in [
        "/api/v1/agencies",
        "/api/v1/agencies/bpsdm",
        "/api/v1/agencies/bpsdm/applications",
        "/api/v1/access-rights",
        "/api/v1/users",
        "/api/v1/audit",
    ] {
        app.get(path)
            .bearer(&token)
            .send()
            .await
            .problem(403, "forbidden");
    }
    // A staff member cannot be given an application, as a developer is.
    app.post("/api/v1/users")
        .by(Who::Platform)
        .json(json!({"username": "asn-x", "display_name": "X", "role": "staff", "application": "simpeg", "agency": "bpsdm"}))
        .send()
        .await
        .problem(422, "validation_failed");
}
