//! Access requests: request → approve → right, reject with a reason, withdraw; who may do each.

use serde_json::json;

use crate::helpers::{TestApp, Who};

fn request_for_penerima() -> serde_json::Value {
    json!({
        "consumer": {"agency": "bpsdm", "application": "simpeg"},
        "service": {"agency": "dinsos", "application": "e-bansos", "service": "penerima"},
        "methods": ["GET"],
        "purpose": "Memastikan pegawai tidak terdaftar sebagai penerima bansos",
        "legal_basis": "Perwali Bontang 12/2024"
    })
}

api_test!(a_request_is_approved_into_a_right);
async fn a_request_is_approved_into_a_right(app: TestApp) {
    let created = app
        .post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(request_for_penerima())
        .send()
        .await
        .status(201);
    let request = created.json();
    assert_eq!(request["status"], "pending");
    let id = request["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/access-requests/{id}");
    assert_eq!(created.headers["location"], path.as_str());

    // The consumer side cannot decide its own request.
    let approve = json!({"approve": true, "limit_per_minute": 120});
    app.post(&format!("{path}/decision"))
        .by(Who::BpsdmAdmin)
        .json(approve.clone())
        .send()
        .await
        .problem(403, "forbidden");
    let pending = app
        .get("/api/v1/access-requests?status=pending&provider=dinsos")
        .by(Who::DinsosAdmin)
        .send()
        .await
        .ok()
        .json();
    assert!(
        pending["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id.as_str())
    );

    let decided = app
        .post(&format!("{path}/decision"))
        .by(Who::DinsosAdmin)
        .json(approve.clone())
        .send()
        .await
        .ok()
        .json();
    assert_eq!(decided["status"], "approved");
    assert_eq!(decided["decided_by"], "user:dinsos-admin");
    let right_id = decided["right"].as_str().unwrap();
    let right = app
        .get(&format!("/api/v1/access-rights/{right_id}"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(
        right["consumer"],
        json!({"agency": "bpsdm", "application": "simpeg"})
    );
    assert_eq!(right["service"]["service"], "penerima");
    assert_eq!(right["limit_per_minute"], 120);
    assert_eq!(right["request"], id.as_str());

    app.post(&format!("{path}/decision"))
        .by(Who::DinsosAdmin)
        .json(approve)
        .send()
        .await
        .problem(409, "invalid_state");
    app.post(&format!("{path}/withdraw"))
        .by(Who::Developer)
        .send()
        .await
        .problem(409, "invalid_state");
}

api_test!(a_rejection_needs_and_keeps_a_reason);
async fn a_rejection_needs_and_keeps_a_reason(app: TestApp) {
    let id = app
        .post("/api/v1/access-requests")
        .by(Who::BpsdmAdmin)
        .json(request_for_penerima())
        .send()
        .await
        .status(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/access-requests/{id}/decision");
    let p = app
        .post(&path)
        .by(Who::DinsosAdmin)
        .json(json!({"approve": false}))
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "reason");
    let rejected = app
        .post(&path)
        .by(Who::DinsosAdmin)
        .json(json!({"approve": false, "reason": "Dasar hukum belum memadai"}))
        .send()
        .await
        .ok()
        .json();
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(rejected["reason"], "Dasar hukum belum memadai");
    assert!(rejected.get("right").is_none());
    let seen = app
        .get(&format!("/api/v1/access-requests/{id}"))
        .by(Who::Developer)
        .send()
        .await
        .ok()
        .json();
    assert_eq!(seen["reason"], "Dasar hukum belum memadai");
}

api_test!(only_the_consumer_side_withdraws);
async fn only_the_consumer_side_withdraws(app: TestApp) {
    let id = app
        .post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(request_for_penerima())
        .send()
        .await
        .status(201)
        .json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/access-requests/{id}/withdraw");
    app.post(&path)
        .by(Who::DinsosAdmin)
        .send()
        .await
        .problem(403, "forbidden");
    app.post(&path)
        .by(Who::Auditor)
        .send()
        .await
        .problem(403, "forbidden");
    let withdrawn = app.post(&path).by(Who::Developer).send().await.ok().json();
    assert_eq!(withdrawn["status"], "withdrawn");
}

api_test!(requests_need_a_visible_service_and_the_right_requester);
async fn requests_need_a_visible_service_and_the_right_requester(app: TestApp) {
    let mut internal = request_for_penerima();
    internal["service"] = json!({"agency": "dinsos", "application": "dtks", "service": "keluarga"});
    let p = app
        .post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(internal)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "service");
    let mut missing = request_for_penerima();
    missing["service"]["service"] = json!("tidak-ada");
    let p2 = app
        .post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(missing)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(
        p["detail"].as_str().unwrap().replace("dtks/keluarga", "X"),
        p2["detail"].as_str().unwrap().replace("e-bansos/tidak-ada", "X")
    );
    let mut other_app = request_for_penerima();
    other_app["consumer"]["application"] = json!("presensi");
    app.post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(other_app)
        .send()
        .await
        .problem(403, "forbidden");
    let mut no_app = request_for_penerima();
    no_app["consumer"] = json!({"agency": "bpsdm"});
    let p = app
        .post("/api/v1/access-requests")
        .by(Who::BpsdmAdmin)
        .json(no_app)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "consumer");
    let mut short = request_for_penerima();
    short["purpose"] = json!("data");
    let p = app
        .post("/api/v1/access-requests")
        .by(Who::Developer)
        .json(short)
        .send()
        .await
        .problem(422, "validation_failed");
    assert_eq!(p["field"], "purpose");
    app.post("/api/v1/access-requests")
        .by(Who::Auditor)
        .json(request_for_penerima())
        .send()
        .await
        .problem(403, "forbidden");
}
