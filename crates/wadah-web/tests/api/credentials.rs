//! Credentials: the secret is shown once (creation, rotation) and never again; developers act
//! only for their own application.

use serde_json::json;

use crate::helpers::{TestApp, Who};

const BASE: &str = "/api/v1/agencies/bpsdm/applications/simpeg/credentials";

api_test!(secrets_are_shown_once_and_never_again);
async fn secrets_are_shown_once_and_never_again(app: TestApp) {
    let created = app
        .post(BASE)
        .by(Who::Developer)
        .json(json!({"name": "staging", "kind": "api_key"}))
        .send()
        .await
        .status(201);
    let issued = created.json();
    let secret = issued["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("wdh_"), "{secret}");
    let id = issued["id"].as_str().unwrap().to_owned();
    assert_eq!(created.headers["location"], format!("{BASE}/{id}"));
    assert!(issued.get("digest").is_none());

    let one = app
        .get(&format!("{BASE}/{id}"))
        .by(Who::Developer)
        .send()
        .await
        .ok();
    let list = app.get(BASE).by(Who::BpsdmAdmin).send().await.ok();
    for body in [one.text(), list.text()] {
        assert!(!body.contains(&secret), "secret leaked: {body}");
        assert!(!body.contains("\"secret\""), "secret field: {body}");
        assert!(!body.contains(&secret[4..]), "secret body leaked");
    }
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
    assert!(one.json()["hint"].as_str().unwrap().starts_with("wdh_"));

    let rotated = app
        .post(&format!("{BASE}/{id}/rotate"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    let new_secret = rotated["secret"].as_str().unwrap();
    assert!(new_secret.starts_with("wdh_") && new_secret != secret);
    assert!(rotated["rotated_at"].is_string());
    let revoked = app
        .post(&format!("{BASE}/{id}/revoke"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(revoked["revoked_at"].is_string());
    assert!(revoked.get("secret").is_none());
}

api_test!(oauth_clients_get_a_client_id_and_secret);
async fn oauth_clients_get_a_client_id_and_secret(app: TestApp) {
    let body = json!({"name": "token client", "kind": "oauth_client", "expires_at": "2027-01-01T00:00:00Z"});
    let issued = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(body)
        .send()
        .await
        .status(201)
        .json();
    assert!(issued["client_id"].as_str().unwrap().starts_with("wdhc_"));
    assert!(issued["secret"].as_str().unwrap().starts_with("wdhs_"));
    assert_eq!(issued["kind"], "oauth_client");
    let past = json!({"name": "old", "kind": "api_key", "expires_at": "2020-01-01T00:00:00Z"});
    let p = app
        .post(BASE)
        .by(Who::BpsdmAdmin)
        .json(past)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "expires_at");
}

api_test!(developers_manage_only_their_own_applications_credentials);
async fn developers_manage_only_their_own_applications_credentials(app: TestApp) {
    let other = "/api/v1/agencies/bpsdm/applications/presensi/credentials";
    let body = json!({"name": "x", "kind": "api_key"});
    app.post(other)
        .by(Who::Developer)
        .json(body.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.get(other).by(Who::Developer).send().await.ok();
    let own = app.get(BASE).by(Who::Developer).send().await.ok().json();
    let id = own["items"][0]["id"].as_str().unwrap().to_owned();
    // The credential exists, but not under another application's path.
    app.get(&format!("{other}/{id}"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&format!("{other}/{id}/revoke"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
    app.post(&format!("{BASE}/no-such-id/rotate"))
        .by(Who::Developer)
        .send()
        .await
        .problem(404, "not_found");
    app.post(BASE)
        .by(Who::Auditor)
        .json(body)
        .send()
        .await
        .problem(403, "forbidden");
}
