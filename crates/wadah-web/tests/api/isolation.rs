//! Least privilege (DESIGN.md §4.6), resource by resource: the bpsdm agency admin can neither
//! read nor change anything of dinsos. Hidden objects answer `404` exactly like missing ones,
//! lists leave them out, and afterwards the objects are unchanged.

use serde_json::{Value, json};

use crate::helpers::{TestApp, Who, application_json, public_service_json, service_json};

const BPSDM: Who = Who::BpsdmAdmin;

async fn hidden(resp: crate::helpers::Resp) {
    resp.problem(404, "not_found");
}

/// The platform admin's view of `path`, to prove nothing changed.
async fn version_of(app: &TestApp, path: &str) -> i64 {
    app.get(path).by(Who::Platform).send().await.ok().version()
}

fn items(page: &Value) -> &Vec<Value> {
    page["items"].as_array().unwrap()
}

api_test!(agencies);
async fn agencies(app: TestApp) {
    let path = "/api/v1/agencies/dinsos";
    hidden(app.get(path).by(BPSDM).send().await).await;
    let body = json!({"code": "dinsos", "name": "Diambil alih", "government": "bontang"});
    hidden(app.put(path).by(BPSDM).if_match(1).json(body).send().await).await;
    hidden(app.delete(path).by(BPSDM).send().await).await;
    hidden(app.delete(&format!("{path}?cascade=true")).by(BPSDM).send().await).await;
    let list = app
        .get("/api/v1/agencies?limit=500")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&list).iter().all(|a| a["code"] != "dinsos"));
    // A hidden agency answers exactly like a missing one.
    let missing = app
        .get("/api/v1/agencies/nowhere")
        .by(BPSDM)
        .send()
        .await
        .problem(404, "not_found");
    let other = app.get(path).by(BPSDM).send().await.problem(404, "not_found");
    assert_eq!(
        missing["detail"].as_str().unwrap().replace("nowhere", "X"),
        other["detail"].as_str().unwrap().replace("dinsos", "X")
    );
    assert_eq!(version_of(&app, path).await, 1);
}

api_test!(applications);
async fn applications(app: TestApp) {
    let base = "/api/v1/agencies/dinsos/applications";
    let path = format!("{base}/e-bansos");
    hidden(app.get(base).by(BPSDM).send().await).await;
    hidden(app.get(&path).by(BPSDM).send().await).await;
    hidden(
        app.post(base)
            .by(BPSDM)
            .json(application_json("sisipan", "public"))
            .send()
            .await,
    )
    .await;
    hidden(
        app.put(&path)
            .by(BPSDM)
            .if_match(1)
            .json(application_json("e-bansos", "internal"))
            .send()
            .await,
    )
    .await;
    hidden(app.delete(&format!("{path}?cascade=true")).by(BPSDM).send().await).await;
    assert_eq!(version_of(&app, &path).await, 1);
    app.get(&format!("{base}/sisipan"))
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(services_and_their_openapi_documents);
async fn services_and_their_openapi_documents(app: TestApp) {
    let base = "/api/v1/agencies/dinsos/applications/e-bansos/services";
    let path = format!("{base}/penerima");
    hidden(app.get(base).by(BPSDM).send().await).await;
    hidden(app.get(&path).by(BPSDM).send().await).await;
    // Even a published service's document is not read through the agency's own path.
    hidden(app.get(&format!("{path}/openapi")).by(BPSDM).send().await).await;
    hidden(
        app.post(base)
            .by(BPSDM)
            .json(service_json("sisipan", "public"))
            .send()
            .await,
    )
    .await;
    hidden(
        app.put(&path)
            .by(BPSDM)
            .if_match(1)
            .json(service_json("penerima", "internal"))
            .send()
            .await,
    )
    .await;
    hidden(app.delete(&format!("{path}?cascade=true")).by(BPSDM).send().await).await;
    assert_eq!(version_of(&app, &path).await, 1);
}

api_test!(credentials);
async fn credentials(app: TestApp) {
    let base = "/api/v1/agencies/dinsos/applications/e-bansos/credentials";
    let id = app.get(base).by(Who::Platform).send().await.ok().json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    hidden(app.get(base).by(BPSDM).send().await).await;
    hidden(app.get(&format!("{base}/{id}")).by(BPSDM).send().await).await;
    hidden(
        app.post(base)
            .by(BPSDM)
            .json(json!({"name": "x", "kind": "api_key"}))
            .send()
            .await,
    )
    .await;
    hidden(app.post(&format!("{base}/{id}/rotate")).by(BPSDM).send().await).await;
    hidden(app.post(&format!("{base}/{id}/revoke")).by(BPSDM).send().await).await;
    // Nor through its own application's path.
    let own = "/api/v1/agencies/bpsdm/applications/simpeg/credentials";
    hidden(app.get(&format!("{own}/{id}")).by(BPSDM).send().await).await;
    hidden(app.post(&format!("{own}/{id}/revoke")).by(BPSDM).send().await).await;
    let cred = app
        .get(&format!("{base}/{id}"))
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert!(cred.get("revoked_at").is_none() && cred.get("rotated_at").is_none());
    assert_eq!(
        app.get(base).by(Who::Platform).send().await.ok().json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

api_test!(public_services);
async fn public_services(app: TestApp) {
    let base = "/api/v1/agencies/dinsos/public-services";
    let path = format!("{base}/bantuan-sosial");
    hidden(app.get(base).by(BPSDM).send().await).await;
    hidden(app.get(&path).by(BPSDM).send().await).await;
    hidden(
        app.post(base)
            .by(BPSDM)
            .json(public_service_json("sisipan", "public"))
            .send()
            .await,
    )
    .await;
    hidden(
        app.put(&path)
            .by(BPSDM)
            .if_match(1)
            .json(public_service_json("bantuan-sosial", "asn"))
            .send()
            .await,
    )
    .await;
    hidden(app.delete(&path).by(BPSDM).send().await).await;
    let list = app
        .get("/api/v1/public-services")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&list).iter().all(|p| p["agency"] == "bpsdm"));
    let asked = app
        .get("/api/v1/public-services?agency=dinsos")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&asked).is_empty());
    assert_eq!(version_of(&app, &path).await, 1);
}

api_test!(access_rights);
async fn access_rights(app: TestApp) {
    let right = app
        .get("/api/v1/access-rights")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json()["items"][0]
        .clone();
    let path = format!("/api/v1/access-rights/{}", right["id"].as_str().unwrap());
    hidden(app.get(&path).by(BPSDM).send().await).await;
    let mut body = right.clone();
    for key in ["id", "meta", "request"] {
        body.as_object_mut().unwrap().remove(key);
    }
    hidden(
        app.put(&path)
            .by(BPSDM)
            .if_match(1)
            .json(body.clone())
            .send()
            .await,
    )
    .await;
    hidden(app.delete(&path).by(BPSDM).send().await).await;
    // Nor can it grant rights to dinsos's services.
    body["consumer"] = json!({"agency": "bpsdm", "application": "simpeg"});
    hidden(
        app.post("/api/v1/access-rights")
            .by(BPSDM)
            .json(body)
            .send()
            .await,
    )
    .await;
    let list = app
        .get("/api/v1/access-rights")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&list).is_empty());
    let asked = app
        .get("/api/v1/access-rights?involving=dinsos")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&asked).is_empty());
    assert_eq!(version_of(&app, &path).await, 1);
}

api_test!(access_requests);
async fn access_requests(app: TestApp) {
    let request = app
        .get("/api/v1/access-requests")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json()["items"][0]
        .clone();
    let path = format!("/api/v1/access-requests/{}", request["id"].as_str().unwrap());
    hidden(app.get(&path).by(BPSDM).send().await).await;
    hidden(
        app.post(&format!("{path}/decision"))
            .by(BPSDM)
            .json(json!({"approve": true}))
            .send()
            .await,
    )
    .await;
    hidden(app.post(&format!("{path}/withdraw")).by(BPSDM).send().await).await;
    let on_behalf = json!({
        "consumer": {"agency": "dinsos", "application": "e-bansos"},
        "service": {"agency": "bpsdm", "application": "simpeg", "service": "pegawai"},
        "purpose": "Permintaan atas nama dinas lain", "legal_basis": "Tidak ada"
    });
    hidden(
        app.post("/api/v1/access-requests")
            .by(BPSDM)
            .json(on_behalf)
            .send()
            .await,
    )
    .await;
    let list = app
        .get("/api/v1/access-requests")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&list).is_empty());
    let asked = app
        .get("/api/v1/access-requests?involving=dinsos")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&asked).is_empty());
    let still = app.get(&path).by(Who::Platform).send().await.ok().json();
    assert_eq!(still["status"], "pending");
}

api_test!(users);
async fn users(app: TestApp) {
    let path = "/api/v1/users/dinsos-admin";
    hidden(app.get(path).by(BPSDM).send().await).await;
    let body =
        json!({"username": "dinsos-admin", "display_name": "X", "role": "agency_admin", "agency": "bpsdm"});
    hidden(app.put(path).by(BPSDM).if_match(1).json(body).send().await).await;
    hidden(app.delete(path).by(BPSDM).send().await).await;
    hidden(
        app.put(&format!("{path}/password"))
            .by(BPSDM)
            .json(json!({"password": "diambil alih sekarang"}))
            .send()
            .await,
    )
    .await;
    let new_user =
        json!({"username": "mata-mata", "display_name": "X", "role": "auditor", "agency": "dinsos"});
    hidden(app.post("/api/v1/users").by(BPSDM).json(new_user).send().await).await;
    let list = app
        .get("/api/v1/users?limit=500")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&list).iter().all(|u| u["agency"] == "bpsdm"));
    let asked = app
        .get("/api/v1/users?agency=dinsos")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&asked).is_empty());
    // Platform-wide accounts are not theirs to see either.
    hidden(app.get("/api/v1/users/admin").by(BPSDM).send().await).await;
    hidden(app.get("/api/v1/users/auditor").by(BPSDM).send().await).await;
    assert_eq!(version_of(&app, path).await, 1);
}

api_test!(tokens);
async fn tokens(app: TestApp) {
    let base = "/api/v1/users/dinsos-admin/tokens";
    let id = app.get(base).by(Who::Platform).send().await.ok().json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    hidden(app.get(base).by(BPSDM).send().await).await;
    hidden(
        app.post(base)
            .by(BPSDM)
            .json(json!({"name": "pintu belakang"}))
            .send()
            .await,
    )
    .await;
    hidden(app.post(&format!("{base}/{id}/revoke")).by(BPSDM).send().await).await;
    hidden(
        app.post(&format!("/api/v1/users/bpsdm-admin/tokens/{id}/revoke"))
            .by(BPSDM)
            .send()
            .await,
    )
    .await;
    app.get("/api/v1/me").by(Who::DinsosAdmin).send().await.ok();
}

api_test!(changes);
async fn changes(app: TestApp) {
    app.post("/api/v1/agencies/dinsos/applications")
        .by(Who::DinsosAdmin)
        .json(application_json("sisipan", "public"))
        .send()
        .await
        .status(201);
    app.post("/api/v1/agencies/bpsdm/applications")
        .by(BPSDM)
        .json(application_json("sisipan", "asn"))
        .send()
        .await
        .status(201);
    let list = app
        .get("/api/v1/changes?limit=500")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(!items(&list).is_empty());
    assert!(items(&list).iter().all(|c| c["agency"] == "bpsdm"), "{list}");
    let asked = app
        .get("/api/v1/changes?agency=dinsos")
        .by(BPSDM)
        .send()
        .await
        .ok()
        .json();
    assert!(items(&asked).is_empty());
    let all = app
        .get("/api/v1/changes?agency=dinsos&kind=application")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert!(!items(&all).is_empty());
}
