//! Users, passwords and admin API tokens: managers manage their agency's accounts; everyone
//! mints tokens only for themselves and sees each secret once.

use serde_json::json;

use crate::helpers::{TestApp, Who};

fn developer(username: &str) -> serde_json::Value {
    json!({"username": username, "display_name": "Developer Presensi", "role": "developer",
           "agency": "bpsdm", "application": "presensi"})
}

api_test!(agency_admins_manage_their_agencys_users);
async fn agency_admins_manage_their_agencys_users(app: TestApp) {
    let created = app
        .post("/api/v1/users")
        .by(Who::BpsdmAdmin)
        .json(developer("dev-presensi"))
        .send()
        .await
        .status(201);
    assert_eq!(created.headers["location"], "/api/v1/users/dev-presensi");
    app.post("/api/v1/users")
        .by(Who::BpsdmAdmin)
        .json(developer("dev-presensi"))
        .send()
        .await
        .problem(409, "duplicate");
    let path = "/api/v1/users/dev-presensi";
    let mut changed = developer("dev-presensi");
    changed["email"] = json!("presensi@bpsdm.bontangkota.go.id");
    app.put(path)
        .by(Who::BpsdmAdmin)
        .json(changed.clone())
        .send()
        .await
        .problem(428, "precondition_required");
    let updated = app
        .put(path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(changed.clone())
        .send()
        .await
        .ok();
    assert_eq!(updated.json()["email"], "presensi@bpsdm.bontangkota.go.id");
    app.put(path)
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(changed.clone())
        .send()
        .await
        .problem(409, "stale_version");
    let mut escalate = changed.clone();
    escalate["role"] = json!("platform_admin");
    escalate.as_object_mut().unwrap().remove("agency");
    escalate.as_object_mut().unwrap().remove("application");
    app.put(path)
        .by(Who::BpsdmAdmin)
        .if_match(2)
        .json(escalate)
        .send()
        .await
        .problem(403, "forbidden");
    let mut rename = changed;
    rename["username"] = json!("dev-lain");
    let p = app
        .put(path)
        .by(Who::BpsdmAdmin)
        .if_match(2)
        .json(rename)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "username");
    let list = app
        .get("/api/v1/users")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    let names: Vec<_> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].clone())
        .collect();
    assert_eq!(
        names,
        vec![json!("bpsdm-admin"), json!("dev-presensi"), json!("dev-simpeg")]
    );
    app.delete(path).by(Who::BpsdmAdmin).send().await.status(204);
    app.get(path)
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(404, "not_found");
}

api_test!(user_rules_and_privileges);
async fn user_rules_and_privileges(app: TestApp) {
    let mut no_agency = developer("dev-x");
    no_agency.as_object_mut().unwrap().remove("agency");
    let p = app
        .post("/api/v1/users")
        .by(Who::Platform)
        .json(no_agency)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "agency");
    let p = app
        .post("/api/v1/users")
        .by(Who::Platform)
        .json(developer("X"))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "username");
    let platform = json!({"username": "boss", "display_name": "Boss", "role": "platform_admin"});
    app.post("/api/v1/users")
        .by(Who::BpsdmAdmin)
        .json(platform.clone())
        .send()
        .await
        .problem(403, "forbidden");
    app.post("/api/v1/users")
        .by(Who::Platform)
        .json(platform)
        .send()
        .await
        .status(201);
    app.post("/api/v1/users")
        .by(Who::Developer)
        .json(developer("dev-y"))
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/users")
        .by(Who::Developer)
        .send()
        .await
        .problem(403, "forbidden");
    app.get("/api/v1/users/bpsdm-admin")
        .by(Who::Developer)
        .send()
        .await
        .problem(404, "not_found");
    let me = app
        .get("/api/v1/users/dev-simpeg")
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(me["role"], "developer");
    let everyone = app
        .get("/api/v1/users?limit=500")
        .by(Who::Auditor)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(everyone["items"].as_array().unwrap().len(), 6);
    let admins = app
        .get("/api/v1/users?role=agency_admin")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(admins["items"].as_array().unwrap().len(), 2);
}

api_test!(passwords_are_set_by_their_owner_or_a_manager);
async fn passwords_are_set_by_their_owner_or_a_manager(app: TestApp) {
    let own = "/api/v1/users/dev-simpeg/password";
    app.put(own)
        .by(Who::Developer)
        .json(json!({"password": "kata sandi panjang 1"}))
        .send()
        .await
        .status(204);
    let p = app
        .put(own)
        .by(Who::Developer)
        .json(json!({"password": "pendek"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "password");
    app.put(own)
        .by(Who::Developer)
        .json(json!({"password": "kata sandi panjang 1", "old": "x"}))
        .send()
        .await
        .problem(422, "validation_failed");
    app.put(own)
        .by(Who::BpsdmAdmin)
        .json(json!({"password": "kata sandi panjang 2"}))
        .send()
        .await
        .status(204);
    app.put("/api/v1/users/bpsdm-admin/password")
        .by(Who::Developer)
        .json(json!({"password": "kata sandi panjang 3"}))
        .send()
        .await
        .problem(404, "not_found");
    let username = wadah_domain::user::Username::parse("dev-simpeg").unwrap();
    let phc = app.store.password_hash(&username).await.unwrap().unwrap();
    assert!(wadah_web::password::verify("kata sandi panjang 2", &phc));
    assert!(!wadah_web::password::verify("kata sandi panjang 1", &phc));
}

api_test!(tokens_are_minted_for_oneself_and_shown_once);
async fn tokens_are_minted_for_oneself_and_shown_once(app: TestApp) {
    let path = "/api/v1/users/dev-simpeg/tokens";
    let created = app
        .post(path)
        .by(Who::Developer)
        .json(json!({"name": "laptop"}))
        .send()
        .await
        .status(201)
        .json();
    let token = created["secret"].as_str().unwrap().to_owned();
    assert!(token.starts_with("wdha_"));
    let me = app.get("/api/v1/me").bearer(&token).send().await.ok().json();
    assert_eq!(me["username"], "dev-simpeg");
    let list = app.get(path).by(Who::Developer).send().await.ok();
    assert!(!list.text().contains(&token) && !list.text().contains("\"secret\""));
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 2);
    let paged = app
        .get(&format!("{path}?limit=1"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    let next = paged["next"].as_str().unwrap();
    let rest = app
        .get(&format!("{path}?limit=1&cursor={next}"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_ne!(paged["items"][0]["id"], rest["items"][0]["id"]);
    assert!(rest["next"].is_null());

    app.post(path)
        .by(Who::BpsdmAdmin)
        .json(json!({"name": "not mine"}))
        .send()
        .await
        .problem(403, "forbidden");
    let past = json!({"name": "old", "expires_at": "2020-01-01T00:00:00Z"});
    let p = app
        .post(path)
        .by(Who::Developer)
        .json(past)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "expires_at");

    // A manager can lock a lost token out.
    let id = created["id"].as_str().unwrap();
    let revoked = app
        .post(&format!("{path}/{id}/revoke"))
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(revoked["revoked_at"].is_string());
    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(nobody_locks_themselves_out);
async fn nobody_locks_themselves_out(app: TestApp) {
    app.delete("/api/v1/users/bpsdm-admin")
        .by(Who::BpsdmAdmin)
        .send()
        .await
        .problem(409, "invalid_state");
    let mut me = app.get("/api/v1/me").by(Who::BpsdmAdmin).send().await.ok().json();
    me.as_object_mut().unwrap().remove("meta");
    me["display_name"] = json!("Admin BPSDM (Kepala Bidang)");
    app.put("/api/v1/users/bpsdm-admin")
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(me.clone())
        .send()
        .await
        .ok();
    me["disabled"] = json!(true);
    app.put("/api/v1/users/bpsdm-admin")
        .by(Who::BpsdmAdmin)
        .if_match(2)
        .json(me)
        .send()
        .await
        .problem(409, "invalid_state");
    app.get("/api/v1/me").by(Who::BpsdmAdmin).send().await.ok();
}
