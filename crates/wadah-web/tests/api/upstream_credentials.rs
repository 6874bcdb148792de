//! Upstream credentials: write-only secrets, sealed at rest. Set, read (never the secret),
//! replaced and removed by the owning agency's admins; other agencies see nothing; bad input
//! is refused naming the field; neither the change log nor the database file holds the secret.

use serde_json::json;

use crate::helpers::{TestApp, Who};

const PATH: &str = "/api/v1/agencies/bpsdm/applications/simpeg/services/pegawai/upstream-credential";
const SECRET: &str = "rahasia-splp-51e0c7";

fn oauth2() -> serde_json::Value {
    json!({"kind": "oauth2_client_credentials", "token_url": "https://splp.example.go.id/oauth2/token",
        "client_id": "pemkot-bontang", "client_secret": SECRET, "scope": "kepegawaian"})
}

api_test!(agency_admin_sets_reads_and_removes_the_credential);
async fn agency_admin_sets_reads_and_removes_the_credential(app: TestApp) {
    app.get(PATH)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    let set = app.put(PATH).by(Who::BpsdmAdmin).json(oauth2()).send().await.ok();
    assert_eq!(set.version(), 1);
    let body = set.json();
    assert_eq!(body["kind"], "oauth2_client_credentials");
    assert_eq!(body["client_id"], "pemkot-bontang");
    assert_eq!(body["token_url"], "https://splp.example.go.id/oauth2/token");
    assert!(body["meta"]["updated_at"].is_string(), "when it was set");
    assert!(!set.text().contains(SECRET));
    for who in [Who::BpsdmAdmin, Who::Developer, Who::Auditor, Who::Platform] {
        let read = app.get(PATH).by(who).send().await.ok();
        assert_eq!(read.json()["client_id"], "pemkot-bontang");
        assert!(!read.text().contains(SECRET), "{who:?} never sees the secret");
        assert!(!read.text().contains("v1."), "nor the sealed value");
    }
    let replaced = app
        .put(PATH)
        .by(Who::Platform)
        .json(json!({"kind": "basic", "username": "bontang", "password": "sandi-baru-1"}))
        .send()
        .await
        .ok();
    assert_eq!(
        (replaced.version(), replaced.json()["username"].clone()),
        (2, json!("bontang"))
    );
    app.delete(PATH).by(Who::BpsdmAdmin).send().await.status(204);
    app.get(PATH)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.delete(PATH)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(only_the_owning_agencys_admins_may_set_it);
async fn only_the_owning_agencys_admins_may_set_it(app: TestApp) {
    app.put(PATH)
        .by(Who::DinsosAdmin)
        .json(oauth2())
        .send()
        .await
        .problem(404, "not_found");
    app.put(PATH)
        .by(Who::Developer)
        .json(oauth2())
        .send()
        .await
        .problem(403, "forbidden");
    app.put(PATH)
        .by(Who::Auditor)
        .json(oauth2())
        .send()
        .await
        .problem(403, "forbidden");
    app.put(PATH)
        .by(Who::Anonymous)
        .json(oauth2())
        .send()
        .await
        .problem(401, "unauthenticated");
    app.put(PATH).by(Who::BpsdmAdmin).json(oauth2()).send().await.ok();
    app.get(PATH)
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.delete(PATH)
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.delete(PATH)
        .by(Who::Developer)
        .send()
        .await
        .problem(403, "forbidden");
    app.get(PATH).by(Who::BpsdmAdmin).send().await.ok();
}

api_test!(bad_credentials_are_refused_and_change_nothing);
async fn bad_credentials_are_refused_and_change_nothing(app: TestApp) {
    let too_long = "x".repeat(5000);
    for (body, field) in [
        (json!({"kind": "ntlm", "username": "a", "password": "b"}), None),
        (json!({"kind": "basic", "username": "a"}), None),
        (
            json!({"kind": "basic", "username": "a", "password": "b", "realm": "x"}),
            None,
        ),
        (
            json!({"kind": "header", "name": "X-Api-Key", "value": too_long}),
            Some("value"),
        ),
        (
            json!({"kind": "header", "name": "Host", "value": "x"}),
            Some("name"),
        ),
        (
            json!({"kind": "header", "name": "X-Wadah-Consumer", "value": "x"}),
            Some("name"),
        ),
        (
            json!({"kind": "basic", "username": "a:b", "password": "x"}),
            Some("username"),
        ),
        (
            json!({"kind": "oauth2_client_credentials", "token_url": "http://splp.example.go.id/token",
                "client_id": "a", "client_secret": "b"}),
            Some("token_url"),
        ),
    ] {
        let problem = app
            .put(PATH)
            .by(Who::BpsdmAdmin)
            .json(body.clone())
            .send()
            .await
            .problem(422, "validation_failed");
        if let Some(field) = field {
            assert_eq!(problem["field"], field, "{body}");
        }
    }
    app.get(PATH)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.put("/api/v1/agencies/bpsdm/applications/simpeg/services/nope/upstream-credential")
        .by(Who::BpsdmAdmin)
        .json(oauth2())
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(the_secret_stays_out_of_the_change_log_and_the_database_file);
async fn the_secret_stays_out_of_the_change_log_and_the_database_file(app: TestApp) {
    app.put(PATH).by(Who::BpsdmAdmin).json(oauth2()).send().await.ok();
    let header = json!({"kind": "header", "name": "X-Api-Key", "value": "kunci-kedua-8812"});
    app.put(PATH).by(Who::BpsdmAdmin).json(header).send().await.ok();
    let log = app
        .get("/api/v1/changes?kind=upstream_credential")
        .by(Who::Platform)
        .send()
        .await
        .ok();
    let items = log.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "each change is recorded: {items:?}");
    assert_eq!(items[0]["key"], "bpsdm/simpeg/pegawai");
    assert_eq!(items[0]["after"]["name"], "x-api-key");
    for secret in [SECRET, "kunci-kedua-8812", "v1."] {
        assert!(
            !log.text().contains(secret),
            "the change log holds no secret ({secret})"
        );
    }
    for file in app.database_files() {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [SECRET, "kunci-kedua-8812"] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds {secret} in plain text",
                file.display()
            );
        }
    }
}
