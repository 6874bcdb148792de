//! The change log: every write through the API is recorded with its actor, newest first.

use serde_json::json;

use crate::helpers::{TestApp, Who, application_json};

api_test!(writes_are_logged_with_the_acting_user);
async fn writes_are_logged_with_the_acting_user(app: TestApp) {
    app.post("/api/v1/agencies/bpsdm/applications")
        .by(Who::BpsdmAdmin)
        .json(application_json("e-kinerja", "asn"))
        .send()
        .await
        .status(201);
    let log = app
        .get("/api/v1/changes?kind=application&limit=1")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .json();
    let entry = &log["items"][0];
    assert_eq!(entry["action"], "create");
    assert_eq!(entry["actor"], "user:bpsdm-admin");
    assert_eq!(entry["key"], "bpsdm/e-kinerja");
    assert_eq!(entry["agency"], "bpsdm");
    assert!(log["next"].is_string());
    app.get("/api/v1/changes?kind=x&colour=red")
        .by(Who::Platform)
        .send()
        .await
        .problem(400, "invalid_query");
    // A cursor of another list ("bpsdm", from the agency list) is a bad query, not a conflict.
    app.get("/api/v1/changes?cursor=YnBzZG0")
        .by(Who::Platform)
        .send()
        .await
        .problem(400, "invalid_query");
    let created = app
        .post("/api/v1/agencies/bpsdm/applications/simpeg/credentials")
        .by(Who::Developer)
        .json(json!({"name": "ci", "kind": "api_key"}))
        .send()
        .await
        .status(201)
        .json();
    let secret = created["secret"].as_str().unwrap();
    let log = app
        .get("/api/v1/changes?limit=500")
        .by(Who::Platform)
        .send()
        .await
        .ok()
        .text();
    assert!(!log.contains(secret), "a secret reached the change log");
    for who in [Who::Platform, Who::BpsdmAdmin, Who::Developer] {
        assert!(!log.contains(app.token(who)), "a token reached the change log");
    }
}
