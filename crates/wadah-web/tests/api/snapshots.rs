//! The JSON of each resource, pinned with insta (ids and timestamps redacted). Both engines
//! compare against the same snapshots, so they also prove the engines answer alike.

use insta::assert_json_snapshot;
use serde_json::json;

use crate::helpers::{TestApp, Who};

api_test!(resource_json_shapes);
async fn resource_json_shapes(app: TestApp) {
    let get = |path: &'static str, who: Who| {
        let app = &app;
        async move { app.get(path).by(who).send().await.ok().json() }
    };
    let settings = {
        let mut s = insta::Settings::clone_current();
        s.set_sort_maps(true);
        s.set_prepend_module_to_snapshot(false);
        s
    };
    let _guard = settings.bind_to_scope();
    let meta = "[meta]";
    assert_json_snapshot!("government", get("/api/v1/governments/bontang", Who::Platform).await, {".meta" => meta});
    assert_json_snapshot!("agency", get("/api/v1/agencies/bpsdm", Who::Platform).await, {".meta" => meta});
    assert_json_snapshot!("application", get("/api/v1/agencies/bpsdm/applications/simpeg", Who::Platform).await,
        {".meta" => meta});
    assert_json_snapshot!("service", get("/api/v1/agencies/bpsdm/applications/simpeg/services/pegawai", Who::Platform).await,
        {".meta" => meta});
    assert_json_snapshot!("public_service", get("/api/v1/agencies/dinsos/public-services/bantuan-sosial", Who::Platform).await,
        {".meta" => meta});
    let issued = app
        .post("/api/v1/agencies/bpsdm/applications/simpeg/credentials")
        .by(Who::Developer)
        .json(json!({"name": "snapshot", "kind": "oauth_client"}))
        .send()
        .await
        .status(201)
        .json();
    assert_json_snapshot!("issued_credential", issued, {
        ".id" => "[id]", ".secret" => "[secret]", ".hint" => "[hint]", ".client_id" => "[client_id]", ".meta" => meta
    });
    let listed = app
        .get("/api/v1/agencies/bpsdm/applications/simpeg/credentials?limit=1")
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_json_snapshot!("credential_page", listed, {
        ".items[].id" => "[id]", ".items[].hint" => "[hint]", ".items[].meta" => meta, ".next" => "[cursor]"
    });
    assert_json_snapshot!("access_right", get("/api/v1/access-rights", Who::Platform).await, {
        ".items[].id" => "[id]", ".items[].meta" => meta
    });
    assert_json_snapshot!("access_request", get("/api/v1/access-requests", Who::Platform).await, {
        ".items[].id" => "[id]", ".items[].meta" => meta
    });
    assert_json_snapshot!("user", get("/api/v1/users/dev-simpeg", Who::Platform).await, {".meta" => meta});
    assert_json_snapshot!("tokens", get("/api/v1/users/dev-simpeg/tokens", Who::Platform).await, {
        ".items[].id" => "[id]", ".items[].hint" => "[hint]", ".items[].created_at" => "[timestamp]"
    });
    assert_json_snapshot!("directory", get("/api/v1/directory", Who::Developer).await);
    assert_json_snapshot!("catalog", app.get("/api/v1/catalog").send().await.ok().json());
    assert_json_snapshot!("changes", get("/api/v1/changes?kind=agency&limit=1", Who::Platform).await, {
        ".items[].id" => "[id]", ".items[].at" => "[timestamp]", ".items[].after.meta" => meta, ".next" => "[cursor]"
    });
    let problem = app
        .get("/api/v1/agencies/nowhere")
        .by(Who::Platform)
        .send()
        .await
        .problem(404, "not_found");
    assert_json_snapshot!("problem_not_found", problem);
    let invalid = app
        .post("/api/v1/agencies")
        .by(Who::Platform)
        .json(json!({"code": "X"}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_json_snapshot!("problem_validation", invalid);
}
