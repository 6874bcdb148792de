//! Authentication and the listener's own endpoints: missing, malformed, unknown, revoked and
//! expired tokens; health, readiness, metrics; unknown routes and methods.

use serde_json::json;

use crate::helpers::{TestApp, Who};

api_test!(requests_without_a_usable_token_are_401);
async fn requests_without_a_usable_token_are_401(app: TestApp) {
    let no_token = app.get("/api/v1/agencies").send().await;
    assert!(
        no_token.headers["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Bearer")
    );
    no_token.problem(401, "unauthenticated");
    for token in ["", "garbage", "wdh_not-an-admin-token", "wdha_unknown"] {
        let resp = app.get("/api/v1/agencies").bearer(token).send().await;
        assert!(resp.headers.contains_key("www-authenticate"));
        resp.problem(401, "unauthenticated");
    }
    app.get("/api/v1/agencies")
        .header("authorization", &format!("Basic {}", app.token(Who::Platform)))
        .send()
        .await
        .problem(401, "unauthenticated");
    app.post("/api/v1/agencies")
        .json(json!({}))
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(revoked_and_expired_tokens_stop_working);
async fn revoked_and_expired_tokens_stop_working(app: TestApp) {
    let created = app
        .post("/api/v1/users/auditor/tokens")
        .by(Who::Auditor)
        .json(json!({"name": "short", "expires_at": "2026-03-01T09:00:00Z"}))
        .send()
        .await
        .status(201)
        .json();
    let short = created["secret"].as_str().unwrap().to_owned();
    app.get("/api/v1/me").bearer(&short).send().await.ok();
    app.clock.advance(chrono::Duration::hours(2));
    app.get("/api/v1/me")
        .bearer(&short)
        .send()
        .await
        .problem(401, "unauthenticated");

    let seeded = app.token(Who::Auditor).to_owned();
    let tokens = app
        .get("/api/v1/users/auditor/tokens")
        .bearer(&seeded)
        .send()
        .await
        .ok()
        .json();
    let id = tokens["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "test token")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.post(&format!("/api/v1/users/auditor/tokens/{id}/revoke"))
        .bearer(&seeded)
        .send()
        .await
        .ok();
    app.get("/api/v1/me")
        .bearer(&seeded)
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(disabled_users_cannot_sign_in);
async fn disabled_users_cannot_sign_in(app: TestApp) {
    let user = app
        .get("/api/v1/users/dev-simpeg")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let mut disabled = user;
    disabled.as_object_mut().unwrap().remove("meta");
    disabled["disabled"] = json!(true);
    app.put("/api/v1/users/dev-simpeg")
        .by(Who::BpsdmAdmin)
        .if_match(1)
        .json(disabled)
        .send()
        .await
        .ok();
    app.get("/api/v1/me")
        .by(Who::Developer)
        .send()
        .await
        .problem(401, "unauthenticated");
}

api_test!(me_health_readiness_and_metrics);
async fn me_health_readiness_and_metrics(app: TestApp) {
    let me = app.get("/api/v1/me").by(Who::BpsdmAdmin).send().await.ok();
    assert_eq!(me.json()["username"], "bpsdm-admin");
    assert_eq!(me.json()["agency"], "bpsdm");
    assert!(me.headers.contains_key("x-request-id"));
    let health = app.get("/healthz").send().await.ok().json();
    assert_eq!(health["status"], "ok");
    assert_eq!(app.get("/readyz").send().await.ok().json()["status"], "ready");
    app.get("/api/v1/agencies/bpsdm")
        .by(Who::Platform)
        .send()
        .await
        .ok();
    let metrics = app.get("/metrics").send().await.ok().text();
    assert!(metrics.contains("wadah_http_requests_total"), "{metrics}");
    assert!(
        metrics.contains("route=\"/api/v1/agencies/{agency}\""),
        "{metrics}"
    );
    assert!(
        metrics.contains("wadah_http_request_duration_seconds_bucket"),
        "{metrics}"
    );
}

api_test!(unknown_routes_and_methods_are_problems);
async fn unknown_routes_and_methods_are_problems(app: TestApp) {
    app.get("/api/v1/nothing-here")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
    // `/` is the public portal now; other unknown paths stay problems for API clients.
    app.get("/nothing-here").send().await.problem(404, "not_found");
    app.call(axum::http::Method::PATCH, "/api/v1/agencies")
        .by(Who::Platform)
        .send()
        .await
        .problem(405, "method_not_allowed");
    app.get("/api/v1/agencies/NOT_A_CODE")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
    let id = "x".repeat(50);
    app.get(&format!("/api/v1/access-rights/{id}"))
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
}
